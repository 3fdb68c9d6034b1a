package bot_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/tokenbot/tokenbot/bot"
)

func TestAttachmentsWanted(t *testing.T) {
	rule := bot.Attachments{MaxBytes: 100}
	tests := []struct {
		name string
		a    bot.Attachment
		want bool
		err  error
	}{
		{".npmrc", bot.Attachment{Name: ".npmrc"}, true, nil},
		{".netrc", bot.Attachment{Name: ".netrc"}, true, nil},
		{"a key file", bot.Attachment{Name: "server.key"}, true, nil},
		{"a pem file", bot.Attachment{Name: "cert.PEM"}, true, nil},
		{".env", bot.Attachment{Name: ".env"}, true, nil},
		{".env.local", bot.Attachment{Name: ".env.local"}, true, nil},
		{"prod.env", bot.Attachment{Name: "prod.env"}, true, nil},
		{"a path", bot.Attachment{Name: "config/.npmrc"}, true, nil},
		{"source", bot.Attachment{Name: "main.go"}, true, nil},
		{"upper-case extension", bot.Attachment{Name: "a.JSON"}, true, nil},
		{"a credentials file", bot.Attachment{Name: "credentials"}, true, nil},
		{"text by MIME type", bot.Attachment{Name: "README", MIME: "text/plain; charset=utf-8"}, true, nil},
		{"json by MIME type", bot.Attachment{Name: "blob", MIME: "application/json"}, true, nil},
		{"text by the platform's word", bot.Attachment{Name: "Untitled", Text: true}, true, nil},
		{"an image", bot.Attachment{Name: "photo.png", MIME: "image/png"}, false, nil},
		{"an archive", bot.Attachment{Name: "archive.zip"}, false, nil},
		{"no extension, no type", bot.Attachment{Name: "README"}, false, nil},
		{"bad MIME type", bot.Attachment{Name: "x", MIME: ";;"}, false, nil},
		{"at the limit", bot.Attachment{Name: ".env", Size: 100}, true, nil},
		{"over the limit", bot.Attachment{Name: ".env", Size: 101}, false, bot.ErrFileTooLarge},
		{"big and not text", bot.Attachment{Name: "photo.png", Size: 1 << 20}, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := rule.Wanted(tt.a)
			if got != tt.want || !errors.Is(err, tt.err) || (tt.err == nil) != (err == nil) {
				t.Errorf("Wanted(%+v) = %v, %v; want %v, %v", tt.a, got, err, tt.want, tt.err)
			}
		})
	}
}

func TestAttachmentsRead(t *testing.T) {
	rule := bot.Attachments{MaxBytes: 16}
	tests := []struct {
		name, content, want string
		err                 error
	}{
		{"text", "KEY=value\n", "KEY=value\n", nil},
		{"NUL bytes: binary, skipped", "KEY=\x00value", "", bot.ErrBinaryFile},
		{"invalid UTF-8 replaced, still scanned", "KEY=\xff\xfevalue", "KEY=\uFFFDvalue", nil},
		{"at the limit", strings.Repeat("a", 16), strings.Repeat("a", 16), nil},
		{"over the limit, whatever the reported size", strings.Repeat("a", 17), "", bot.ErrFileTooLarge},
		{"empty", "", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := rule.Read(".env", strings.NewReader(tt.content))
			if !errors.Is(err, tt.err) || (tt.err == nil) != (err == nil) {
				t.Fatalf("Read: %v, want %v", err, tt.err)
			}
			if err == nil && (f.Text != tt.want || f.Name != ".env") {
				t.Errorf("Read = %+v, want text %q", f, tt.want)
			}
			if err != nil && strings.Contains(err.Error(), "value") {
				t.Errorf("the error repeats the content: %v", err)
			}
		})
	}
	if got := (bot.Attachments{}).Limit(); got != bot.DefaultMaxFileBytes {
		t.Errorf("default limit %d, want %d", got, bot.DefaultMaxFileBytes)
	}
}

func FuzzAttachmentsFile(f *testing.F) {
	f.Add([]byte("KEY=value\n"), 4)
	f.Add([]byte("\xff\xfe"), 10)
	f.Add([]byte("日本語"), 4)
	f.Add([]byte("a\x00b"), 10)
	f.Fuzz(func(t *testing.T, b []byte, max int) {
		rule := bot.Attachments{MaxBytes: max}
		file, err := rule.File("x.txt", b)
		if err != nil {
			return
		}
		if len(b) > rule.Limit() || strings.IndexByte(file.Text, 0) >= 0 {
			t.Errorf("read %d bytes (limit %d), NUL kept: %v", len(b), rule.Limit(), strings.IndexByte(file.Text, 0) >= 0)
		}
		if !utf8Valid(file.Text) {
			t.Errorf("text is not valid UTF-8")
		}
	})
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "") == s }
