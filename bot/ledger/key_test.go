package ledger

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestLoadOrCreateKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "secrets", "fingerprint.key")
	key, err := LoadOrCreateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(key) != KeySize || bytes.Equal(key, make([]byte, KeySize)) {
		t.Fatalf("key is %d bytes (all zero: %v)", len(key), bytes.Equal(key, make([]byte, KeySize)))
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", info.Mode().Perm())
	}
	if dir, _ := os.Stat(filepath.Dir(path)); dir.Mode().Perm() != 0o700 {
		t.Errorf("key directory mode %v, want 0700", dir.Mode().Perm())
	}
	for range 3 {
		again, err := LoadOrCreateKey(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(again, key) {
			t.Fatal("key changed between loads")
		}
	}
	other, err := LoadOrCreateKey(filepath.Join(t.TempDir(), "fingerprint.key"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(other, key) {
		t.Error("two installs share a key")
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("key directory holds %d entries, want only the key", len(entries))
	}
}

func TestLoadOrCreateKeyConcurrentFirstStart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fingerprint.key")
	keys := make([][]byte, 16)
	var wg sync.WaitGroup
	for i := range keys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			k, err := LoadOrCreateKey(path)
			if err != nil {
				t.Error(err)
			}
			keys[i] = k
		}()
	}
	wg.Wait()
	for i, k := range keys {
		if !bytes.Equal(k, keys[0]) {
			t.Errorf("process %d got a different key", i)
		}
	}
}

func TestLoadOrCreateKeyRefusesBadFiles(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name    string
		content string
		mode    os.FileMode
		want    string
	}{
		{"readable by others", hex.EncodeToString(make([]byte, 32)), 0o644, "chmod 600"},
		{"too short", hex.EncodeToString(make([]byte, 8)), 0o600, "at least 16"},
		{"not hex or base64", "this is not a key!!", 0o600, "neither hex nor base64"},
		{"empty", "", 0o600, "at least 16"},
		{"huge", strings.Repeat("a", 100_000), 0o600, "larger than"},
	}
	for _, tc := range tests {
		path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-"))
		if err := os.WriteFile(path, []byte(tc.content), tc.mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, tc.mode); err != nil {
			t.Fatal(err)
		}
		_, err := LoadOrCreateKey(path)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.want)
		}
		if err != nil && len(tc.content) > 0 && len(tc.content) < 1000 && strings.Contains(err.Error(), tc.content) {
			t.Errorf("%s: error quotes the key file", tc.name)
		}
	}
	if _, err := LoadOrCreateKey(""); err == nil {
		t.Error("empty path accepted")
	}
	if _, err := LoadOrCreateKey(dir); err == nil {
		t.Error("directory accepted as key file")
	}
}

func TestKeyFromEnv(t *testing.T) {
	raw := []byte("0123456789abcdef0123456789abcdef")
	tests := []struct {
		name    string
		value   string
		want    []byte
		ok      bool
		wantErr bool
	}{
		{"unset", "", nil, false, false},
		{"hex", hex.EncodeToString(raw), raw, true, false},
		{"hex upper case with spaces", " " + strings.ToUpper(hex.EncodeToString(raw)) + "\n", raw, true, false},
		{"base64", base64.StdEncoding.EncodeToString(raw[:20]), raw[:20], true, false},
		{"raw url base64", base64.RawURLEncoding.EncodeToString([]byte{0xfb, 0xff, 0xfe, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14}), []byte{0xfb, 0xff, 0xfe, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14}, true, false},
		{"16 bytes hex", hex.EncodeToString(raw[:16]), raw[:16], true, false},
		{"too short", hex.EncodeToString(raw[:15]), nil, true, true},
		{"garbage", "not-a-key-at-all!", nil, true, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(KeyEnv, tc.value)
			got, ok, err := KeyFromEnv()
			if ok != tc.ok || (err != nil) != tc.wantErr || !bytes.Equal(got, tc.want) {
				t.Fatalf("KeyFromEnv() = %x, %v, %v; want %x, %v, err=%v", got, ok, err, tc.want, tc.ok, tc.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), strings.TrimSpace(tc.value)) {
				t.Errorf("error quotes the key: %v", err)
			}
		})
	}
}
