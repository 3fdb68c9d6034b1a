package knowledge

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

//go:generate go test -run TestIntentModelArtifact -update .

// The intent model trained on the embedded FAQ ships precomputed in
// intent.model.gz: training it takes most of a start (about 300 ms, and more
// as the phrasings and examples grow), and it depends only on the FAQ, the
// off-topic lines, the synonyms and the code. NewIndex uses the artifact when the
// digest of the training inputs it was made from matches the entries given,
// and trains otherwise (a faq_dir of one's own). TestIntentModelArtifact
// retrains and compares byte for byte, so a change to the FAQ or to the
// feature or training code fails the tests until `go generate ./knowledge`
// rewrites the artifact.
//
//go:embed intent.model.gz
var intentModelGz []byte

// modelFormat versions the artifact's encoding; it is part of the digest.
const modelFormat = 1

// errModelFormat reports an artifact that does not decode.
var errModelFormat = errors.New("malformed intent model")

// trainingDigest hashes what training reads: the format version, each
// entry's id, keywords and texts (phrasings and examples too) in order, the
// off-topic lines (examples and written ones) and the synonyms.
func trainingDigest(entries []Entry) [sha256.Size]byte {
	h := sha256.New()
	var buf []byte
	put := func(ss ...string) {
		for _, s := range ss {
			buf = binary.AppendUvarint(buf[:0], uint64(len(s)))
			h.Write(buf)
			io.WriteString(h, s)
		}
	}
	count := func(n int) {
		buf = binary.AppendUvarint(buf[:0], uint64(n))
		h.Write(buf)
	}
	count(modelFormat)
	count(len(entries))
	for _, e := range entries {
		put(e.ID)
		count(len(e.Keywords))
		put(e.Keywords...)
		for _, lang := range Languages {
			t := e.Text[lang]
			put(lang, t.Question, t.Short, t.Answer)
			count(len(t.Phrasings))
			put(t.Phrasings...)
			count(len(t.Examples))
			put(t.Examples...)
		}
	}
	for _, lines := range [][]string{offTopicExamples, offTopicWritten} {
		count(len(lines))
		put(lines...)
	}
	keys := sortedKeys(synonyms)
	count(len(keys))
	for _, k := range keys {
		put(k, synonyms[k])
	}
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	return sum
}

// encodeModel lays out a trained model: the digest of its training inputs,
// the class count, the features in id order, the biases and weights as
// float32 bits, and one keyed flag per entry.
func encodeModel(digest [sha256.Size]byte, c *classifier, keyed []bool) []byte {
	names := make([]string, len(c.feat))
	for f, id := range c.feat {
		names[id] = f
	}
	out := append([]byte(nil), digest[:]...)
	out = binary.AppendUvarint(out, uint64(c.classes))
	out = binary.AppendUvarint(out, uint64(len(names)))
	for _, f := range names {
		out = binary.AppendUvarint(out, uint64(len(f)))
		out = append(out, f...)
	}
	for _, x := range c.b {
		out = binary.LittleEndian.AppendUint32(out, math.Float32bits(x))
	}
	for _, x := range c.w {
		out = binary.LittleEndian.AppendUint32(out, math.Float32bits(x))
	}
	for _, k := range keyed {
		b := byte(0)
		if k {
			b = 1
		}
		out = append(out, b)
	}
	return out
}

// modelReader decodes encodeModel's layout.
type modelReader struct {
	data []byte
	err  error
}

func (r *modelReader) uvarint() int {
	v, n := binary.Uvarint(r.data)
	if n <= 0 || v > uint64(len(r.data)) {
		r.fail()
		return 0
	}
	r.data = r.data[n:]
	return int(v)
}

func (r *modelReader) bytes(n int) []byte {
	if n > len(r.data) {
		r.fail()
		return nil
	}
	b := r.data[:n]
	r.data = r.data[n:]
	return b
}

func (r *modelReader) floats(n int) []float32 {
	raw := r.bytes(4 * n)
	if raw == nil {
		return nil
	}
	out := make([]float32, n)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
	}
	return out
}

func (r *modelReader) fail() {
	if r.err == nil {
		r.err = errModelFormat
	}
	r.data = nil
}

// decodeModel reverses encodeModel.
func decodeModel(data []byte) (digest [sha256.Size]byte, c *classifier, keyed []bool, err error) {
	r := &modelReader{data: data}
	copy(digest[:], r.bytes(sha256.Size))
	c = &classifier{classes: r.uvarint()}
	n := r.uvarint()
	c.feat = make(map[string]int32, n)
	for id := range n {
		f := r.bytes(r.uvarint())
		if r.err != nil {
			break
		}
		c.feat[string(f)] = int32(id)
	}
	c.b = r.floats(c.classes)
	c.w = r.floats(n * c.classes)
	keyed = make([]bool, max(c.classes-1, 0))
	for i, b := range r.bytes(len(keyed)) {
		keyed[i] = b == 1
	}
	if r.err == nil && (len(r.data) != 0 || len(c.feat) != n) {
		r.err = errModelFormat
	}
	if r.err != nil {
		return digest, nil, nil, fmt.Errorf("decode intent model: %w", r.err)
	}
	return digest, c, keyed, nil
}

// embeddedModel returns the precomputed model and keyed flags when they
// were trained on inputs of digest want; ok is false otherwise.
func embeddedModel(want [sha256.Size]byte) (c *classifier, keyed []bool, ok bool, err error) {
	zr, err := gzip.NewReader(bytes.NewReader(intentModelGz))
	if err != nil {
		return nil, nil, false, fmt.Errorf("open intent model: %w", err)
	}
	var head [sha256.Size]byte
	if _, err := io.ReadFull(zr, head[:]); err != nil {
		return nil, nil, false, fmt.Errorf("read intent model: %w", err)
	}
	if head != want {
		return nil, nil, false, nil
	}
	// gzip's trailer holds the payload's length (mod 2^32).
	data := make([]byte, binary.LittleEndian.Uint32(intentModelGz[len(intentModelGz)-4:]))
	if len(data) < len(head) {
		return nil, nil, false, fmt.Errorf("read intent model: %w", errModelFormat)
	}
	copy(data, head[:])
	if _, err := io.ReadFull(zr, data[len(head):]); err != nil {
		return nil, nil, false, fmt.Errorf("read intent model: %w", err)
	}
	_, c, keyed, err = decodeModel(data)
	if err != nil {
		return nil, nil, false, err
	}
	return c, keyed, true, nil
}
