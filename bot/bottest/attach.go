package bottest

// AttachmentCase is a shared file, the key in it, and whether the core's
// attachment rule (bot.Attachments) has the message taken down.
type AttachmentCase struct {
	Name, File, Content, Secret string
	TakenDown                   bool
}

// AttachmentCases are the files every adapter that fetches attachments is
// tested with, so that the core's one rule is seen to hold the same on
// each platform: an npm token in a .npmrc is taken down, invalid UTF-8 is
// replaced and the rest still scanned, a file with NUL bytes is skipped as
// binary.
func AttachmentCases() []AttachmentCase {
	npm, key := NpmToken(7), AnthropicKey(44)
	return []AttachmentCase{
		{"npm token in .npmrc", ".npmrc", "//registry.npmjs.org/:_authToken=" + npm + "\n", npm, true},
		{"invalid UTF-8 around a key", "prod.env", "\xff\xfeANTHROPIC_API_KEY=" + key + "\n", key, true},
		{"NUL bytes: binary, skipped", "notes.txt", "ANTHROPIC_API_KEY=" + key + "\n\x00\x01", key, false},
	}
}
