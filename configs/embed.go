// Package configs holds tokenbot's default configuration files, embedded in
// the binary. Each file can be overridden by a file on disk (see the README).
package configs

import "embed"

// FS holds the default configuration files.
//
//go:embed *.yaml *.toml *.json
var FS embed.FS
