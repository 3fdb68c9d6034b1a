package bottest

import "math/rand/v2"

const (
	alnum         = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	alnumExtended = alnum + "_-"
)

// AnthropicKey returns a well-formed, never-real Anthropic API key, the
// same for the same seed.
func AnthropicKey(seed uint64) string {
	return "sk-ant-api03-" + random(seed, alnumExtended, 93) + "AA"
}

// GitHubToken returns a well-formed, never-real GitHub personal access
// token, the same for the same seed.
func GitHubToken(seed uint64) string {
	return "ghp_" + random(seed, alnum, 36)
}

func random(seed uint64, alphabet string, n int) string {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}

// KeyPair returns the Anthropic key of seed and the GitHub token of
// seed+1: the two kinds of key the no-echo tests plant.
func KeyPair(seed uint64) (anthropic, github string) {
	return AnthropicKey(seed), GitHubToken(seed + 1)
}

// NpmToken returns a well-formed, never-real npm access token, the same
// for the same seed.
func NpmToken(seed uint64) string {
	return "npm_" + random(seed, "abcdefghijklmnopqrstuvwxyz0123456789", 36)
}
