// Command tokenbot is the tokenbot chat bot and its command-line tools.
//
//	tokenbot [serve]   run every configured platform and the web playground
//	tokenbot chat      chat with the bot in the terminal
//	tokenbot tokens    count tokens and estimate cost
//	tokenbot models    list the model catalog
//	tokenbot ask       ask the FAQ
//	tokenbot scan      find leaked credentials in messages
//	tokenbot audit     list recorded takedowns
//	tokenbot version   print the version and commit
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/tokenbot/tokenbot/bot"
	"github.com/tokenbot/tokenbot/bot/leaks"
)

// exitError carries an exit code other than 2 out of a subcommand.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

type command struct {
	name, summary string
	run           func(ctx context.Context, env *env, args []string) error
}

// env is what a subcommand may touch of the process.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
}

var commands = []command{
	{"serve", "run every configured platform and the web playground (the default)", runServe},
	{"chat", "chat with the bot in the terminal", runChat},
	{"tokens", "count tokens of a text and estimate its cost per model", runTokens},
	{"models", "list the model catalog: prices, context windows, status", runModels},
	{"ask", "ask the FAQ a question", runAsk},
	{"scan", "find leaked credentials in messages (exit 1 when one would be taken down)", runScan},
	{"audit", "list recorded takedowns, masked", runAudit},
	{"version", "print the version and commit", runVersion},
	{"healthcheck", "check that the local server answers (for container health checks)", runHealthcheck},
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}, os.Args[1:])
	stop()
	os.Exit(code)
}

func run(ctx context.Context, e *env, args []string) int {
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
		usage(e.stdout)
		return 0
	}
	name := "serve"
	if len(args) > 0 && !isFlag(args[0]) {
		name, args = args[0], args[1:]
	}
	if name == "help" || name == "-h" || name == "--help" {
		usage(e.stdout)
		return 0
	}
	for _, c := range commands {
		if c.name != name {
			continue
		}
		err := c.run(ctx, e, args)
		var ee exitError
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.As(err, &ee):
			return ee.code
		default:
			fmt.Fprintf(e.stderr, "tokenbot %s: %s\n", name, redact(err.Error()))
			return 2
		}
	}
	fmt.Fprintf(e.stderr, "tokenbot: unknown command %q (see tokenbot help)\n", redact(name))
	return 2
}

// redact masks any credential in a message that repeats the user's input
// (an argument, a flag, a configuration value) before it is printed.
func redact(s string) string {
	sc, err := leaks.DefaultScanner()
	if err != nil {
		return s
	}
	out, _ := bot.Redact(context.Background(), sc, s)
	return out
}

func isFlag(s string) bool { return len(s) > 1 && s[0] == '-' && s != "-" }

func usage(w io.Writer) {
	fmt.Fprintln(w, "tokenbot explains API keys and AI tokens, counts tokens, and takes down leaked keys.")
	fmt.Fprintln(w, "\nUsage: tokenbot <command> [flags] [arguments]\n\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-11s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun tokenbot <command> --help for a command's flags.")
}

// newFlags makes a subcommand's flag set, with the flags every command has.
func newFlags(e *env, name, args, summary string) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stdout)
	cfg := fs.String("config", e.getenv("TOKENBOT_CONFIG"), "configuration `file` overriding configs/tokenbot.yaml (env TOKENBOT_CONFIG)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: tokenbot %s [flags] %s\n\n%s\n\nFlags:\n", name, args, summary)
		fs.PrintDefaults()
	}
	return fs, cfg
}

// stringList is a repeatable string flag.
type stringList []string

func (s *stringList) String() string     { return fmt.Sprint([]string(*s)) }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// parse parses a subcommand's flags. --help prints the usage on stdout; a
// bad flag is one line on stderr.
func parse(fs *flag.FlagSet, args []string) error {
	out := fs.Output()
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	fs.SetOutput(out)
	if errors.Is(err, flag.ErrHelp) {
		fs.Usage()
		return err
	}
	if err != nil {
		return fmt.Errorf("%w (see tokenbot %s --help)", err, fs.Name())
	}
	return nil
}
