package bot

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"path"
	"strings"
	"unicode/utf8"
)

// DefaultMaxFileBytes is the largest attachment scanned when the
// configuration does not say.
const DefaultMaxFileBytes = 256 << 10

// Attachment is what an adapter knows of a shared file before it
// downloads it.
type Attachment struct {
	Name string
	// MIME is the content type the platform reports; may be empty.
	MIME string
	// Size is the size in bytes the platform reports; 0 when unknown.
	Size int
	// Text is the platform's own word that the file is text (a Slack
	// snippet or a text file type).
	Text bool
}

// Attachments is the one rule for which attachments are scanned, used by
// every adapter that fetches files: by name (well-known credential and
// configuration files, source and text extensions), by MIME type (text/*
// and text formats), then by content (Read). A file over MaxBytes is not
// scanned.
type Attachments struct {
	// MaxBytes is the largest file scanned (default DefaultMaxFileBytes).
	MaxBytes int
}

// Errors of Attachments.Read, for an adapter's log (they name no content).
var (
	// ErrFileTooLarge says an attachment is over the size limit.
	ErrFileTooLarge = errors.New("file too large to scan")
	// ErrBinaryFile says an attachment holds NUL bytes: it is binary.
	ErrBinaryFile = errors.New("binary file")
)

// Limit returns the size limit in bytes.
func (r Attachments) Limit() int {
	if r.MaxBytes <= 0 {
		return DefaultMaxFileBytes
	}
	return r.MaxBytes
}

// Wanted reports whether an attachment is to be downloaded and scanned,
// before anything is downloaded: its name or type says it is text, and its
// reported size is within the limit. err says why a text file is not
// scanned (ErrFileTooLarge); a file that is not text is skipped silently.
func (r Attachments) Wanted(a Attachment) (bool, error) {
	if !a.Text && !textName(a.Name) && !textMIME(a.MIME) {
		return false, nil
	}
	if a.Size > r.Limit() {
		return false, fmt.Errorf("%w (%d bytes, limit %d)", ErrFileTooLarge, a.Size, r.Limit())
	}
	return true, nil
}

// Read reads a wanted attachment's content and returns it as a File to
// scan. Content with a NUL byte is binary: ErrBinaryFile, not scanned.
// Invalid UTF-8 is replaced (U+FFFD) and the rest still scanned. Content
// over the limit (a size the platform did not report, or reported wrong)
// is ErrFileTooLarge.
func (r Attachments) Read(name string, body io.Reader) (File, error) {
	max := r.Limit()
	data, err := io.ReadAll(io.LimitReader(body, int64(max)+1))
	if err != nil {
		return File{}, fmt.Errorf("read attachment: %w", err)
	}
	if len(data) > max {
		return File{}, fmt.Errorf("%w (more than %d bytes)", ErrFileTooLarge, max)
	}
	return r.File(name, data)
}

// File is Read of content already in memory.
func (r Attachments) File(name string, data []byte) (File, error) {
	if len(data) > r.Limit() {
		return File{}, fmt.Errorf("%w (%d bytes, limit %d)", ErrFileTooLarge, len(data), r.Limit())
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return File{}, ErrBinaryFile
	}
	text := string(data)
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, "\uFFFD")
	}
	return File{Name: name, Text: text}, nil
}

// credentialNames are files that hold credentials by convention, whatever
// their extension.
var credentialNames = map[string]bool{
	".npmrc": true, ".netrc": true, "_netrc": true, ".pypirc": true, ".pgpass": true, ".git-credentials": true,
	".dockercfg": true, ".htpasswd": true, "credentials": true, "id_rsa": true, "id_dsa": true, "id_ecdsa": true,
	"id_ed25519": true, ".yarnrc": true, ".yarnrc.yml": true, ".gemrc": true,
}

// textExtensions are the extensions of text files worth scanning.
var textExtensions = map[string]bool{
	".env": true, ".txt": true, ".text": true, ".json": true, ".jsonc": true, ".yaml": true, ".yml": true,
	".toml": true, ".ini": true, ".cfg": true, ".conf": true, ".config": true, ".properties": true, ".md": true,
	".log": true, ".csv": true, ".tsv": true, ".xml": true, ".html": true, ".htm": true, ".sql": true,
	".pem": true, ".key": true, ".crt": true, ".pub": true, ".npmrc": true, ".netrc": true, ".rc": true,
	".sh": true, ".bash": true, ".zsh": true, ".fish": true, ".ps1": true, ".bat": true, ".cmd": true,
	".py": true, ".ipynb": true, ".go": true, ".js": true, ".mjs": true, ".cjs": true, ".ts": true, ".tsx": true,
	".jsx": true, ".vue": true, ".rb": true, ".php": true, ".java": true, ".kt": true, ".kts": true, ".scala": true,
	".groovy": true, ".gradle": true, ".cs": true, ".rs": true, ".swift": true, ".dart": true, ".r": true,
	".c": true, ".h": true, ".cc": true, ".cpp": true, ".hpp": true, ".lua": true, ".pl": true, ".tf": true,
	".tfvars": true, ".hcl": true, ".diff": true, ".patch": true,
}

// textName reports whether a file's name says it is text worth scanning:
// a well-known credential file, any .env file (.env, .env.local,
// prod.env), or a text extension.
func textName(name string) bool {
	n := strings.ToLower(path.Base(strings.ReplaceAll(strings.TrimSpace(name), `\`, "/")))
	if credentialNames[n] || n == ".env" || strings.HasPrefix(n, ".env.") || strings.HasSuffix(n, ".env") {
		return true
	}
	return textExtensions[path.Ext(n)]
}

// textMIMEs are the non-text/* content types of text formats.
var textMIMEs = map[string]bool{
	"application/json": true, "application/x-ndjson": true, "application/yaml": true, "application/x-yaml": true,
	"application/xml": true, "application/toml": true, "application/x-sh": true, "application/x-shellscript": true,
	"application/javascript": true, "application/x-javascript": true, "application/typescript": true,
	"application/sql": true, "application/x-pem-file": true, "application/x-httpd-php": true, "application/x-python": true,
}

// textMIME reports whether a content type is text.
func textMIME(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	return strings.HasPrefix(mt, "text/") || textMIMEs[mt] || strings.HasSuffix(mt, "+json") || strings.HasSuffix(mt, "+xml")
}
