package ledger

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// KeyEnv names the environment variable that overrides the key file.
const KeyEnv = "TOKENBOT_FINGERPRINT_KEY"

// Fingerprint key sizes.
const (
	KeySize    = 32 // bytes generated for a new key
	MinKeySize = 16 // shortest key accepted
	maxKeyFile = 4096
)

// KeyFromEnv reads the fingerprint key from TOKENBOT_FINGERPRINT_KEY, hex
// or base64 encoded, at least 16 bytes. ok is false when the variable is
// unset or empty. Errors never quote the value.
func KeyFromEnv() (key []byte, ok bool, err error) {
	v := strings.TrimSpace(os.Getenv(KeyEnv))
	if v == "" {
		return nil, false, nil
	}
	key, err = decodeKey(v)
	if err != nil {
		return nil, true, fmt.Errorf("%s: %w", KeyEnv, err)
	}
	return key, true, nil
}

// decodeKey accepts hex first (a 32-character hex string is also valid
// base64, and hex is what LoadOrCreateKey writes), then the four base64
// alphabets.
func decodeKey(v string) ([]byte, error) {
	if b, err := hex.DecodeString(v); err == nil {
		return checkKeyLen(b)
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(v); err == nil {
			return checkKeyLen(b)
		}
	}
	return nil, errors.New("fingerprint key is neither hex nor base64")
}

func checkKeyLen(b []byte) ([]byte, error) {
	if len(b) < MinKeySize {
		return nil, fmt.Errorf("fingerprint key is %d bytes; need at least %d", len(b), MinKeySize)
	}
	return b, nil
}

// LoadOrCreateKey returns the per-install fingerprint key kept at path,
// creating it on first start: 32 random bytes, hex encoded, in a file of
// mode 0600 (parent directory 0700). A key file readable by group or
// others is refused. Concurrent first starts agree on one key.
func LoadOrCreateKey(path string) ([]byte, error) {
	if path == "" {
		return nil, fmt.Errorf("%w: key path is empty", ErrInvalid)
	}
	key, err := readKeyFile(path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return key, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create key directory: %w", err)
	}
	key = make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("generate fingerprint key: %w", err)
	}
	if err := writeKeyFile(path, key); err != nil {
		if errors.Is(err, fs.ErrExist) { // another process created it first
			return readKeyFile(path)
		}
		return nil, err
	}
	return key, nil
}

func readKeyFile(path string) ([]byte, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("read fingerprint key: %w", err)
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("fingerprint key %s is not a regular file", path)
	}
	if perm := info.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("fingerprint key %s has mode %#o; run chmod 600 on it", path, perm)
	}
	if info.Size() > maxKeyFile {
		return nil, fmt.Errorf("fingerprint key %s is larger than %d bytes", path, maxKeyFile)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read fingerprint key: %w", err)
	}
	key, err := decodeKey(string(bytes.TrimSpace(raw)))
	if err != nil {
		return nil, fmt.Errorf("fingerprint key %s: %w", path, err)
	}
	return key, nil
}

// writeKeyFile writes key to a temporary file and links it into place, so
// no reader ever sees a partial key and an existing key is never replaced.
func writeKeyFile(path string, key []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".fingerprint-key-*")
	if err != nil {
		return fmt.Errorf("write fingerprint key: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("write fingerprint key: %w", err)
	}
	if _, err := tmp.WriteString(hex.EncodeToString(key) + "\n"); err != nil {
		tmp.Close()
		return fmt.Errorf("write fingerprint key: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write fingerprint key: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write fingerprint key: %w", err)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fs.ErrExist
		}
		// File systems without hard links: exclusive create instead.
		f, cerr := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if cerr != nil {
			if errors.Is(cerr, fs.ErrExist) {
				return fs.ErrExist
			}
			return fmt.Errorf("write fingerprint key: %w", cerr)
		}
		_, werr := f.WriteString(hex.EncodeToString(key) + "\n")
		if serr := f.Sync(); werr == nil {
			werr = serr
		}
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			return fmt.Errorf("write fingerprint key: %w", werr)
		}
	}
	return nil
}
