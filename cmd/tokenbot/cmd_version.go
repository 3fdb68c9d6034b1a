package main

import (
	"context"
	"fmt"
	"runtime/debug"
)

func runVersion(_ context.Context, e *env, args []string) error {
	fs, _ := newFlags(e, "version", "", "Prints the version and the commit the binary was built from.")
	if err := parse(fs, args); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, versionLine(debug.ReadBuildInfo()))
	return nil
}

// versionLine is "tokenbot VERSION (commit REV[, modified]) GOVERSION";
// "devel" and "unknown" stand in for what the build did not record.
func versionLine(info *debug.BuildInfo, ok bool) string {
	version, commit, modified, goVersion := "devel", "unknown", "", "unknown"
	if ok {
		if v := info.Main.Version; v != "" && v != "(devel)" {
			version = v
		}
		goVersion = info.GoVersion
		for _, s := range info.Settings {
			switch {
			case s.Key == "vcs.revision":
				commit = s.Value
			case s.Key == "vcs.modified" && s.Value == "true":
				modified = ", modified"
			}
		}
	}
	return fmt.Sprintf("tokenbot %s (commit %s%s) %s", version, commit, modified, goVersion)
}
