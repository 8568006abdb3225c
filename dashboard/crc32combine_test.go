package dashboard

import (
	"bytes"
	"hash/crc32"
	"math/rand/v2"
	"testing"
)

// The CRC of two pieces combined is the CRC of the two written one after
// the other, whatever their lengths, empty pieces included.
func TestCRC32Combine(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	random := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.UintN(256))
		}
		return b
	}
	for _, tc := range []struct {
		name string
		a, b []byte
	}{
		{"both empty", nil, nil},
		{"empty then some", nil, []byte("hello")},
		{"some then empty", []byte("hello"), nil},
		{"one byte each", []byte("a"), []byte("b")},
		{"text", []byte("<p>before the token "), []byte(" after the token</p>")},
		{"a stored block's worth", random(100), random(65535)},
		{"just over a stored block", random(65536), random(65537)},
		{"a megabyte and an odd", random(3), random(1<<20 + 7)},
		{"zeros", make([]byte, 1000), make([]byte, 123457)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := crc32.ChecksumIEEE(append(bytes.Clone(tc.a), tc.b...))
			got := crc32Combine(crc32.ChecksumIEEE(tc.a), crc32.ChecksumIEEE(tc.b), int64(len(tc.b)))
			if got != want {
				t.Errorf("combined %08x, want %08x", got, want)
			}
			shift := crc32ShiftOf(int64(len(tc.b)))
			if got := shift.times(crc32.ChecksumIEEE(tc.a)) ^ crc32.ChecksumIEEE(tc.b); got != want {
				t.Errorf("by the kept shift %08x, want %08x", got, want)
			}
		})
	}
}

// Lengths past 4 GiB, where ISIZE wraps but the CRC does not: zeros,
// whose CRC is made a megabyte at a time.
func TestCRC32CombineLongLengths(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 4 GiB")
	}
	zeros := make([]byte, 1<<20)
	head := []byte("head")
	for _, n := range []int64{1<<32 + 1<<20 + 3} {
		crcB := uint32(0)
		left := n
		for left > 0 {
			k := min(left, int64(len(zeros)))
			crcB = crc32.Update(crcB, crc32.IEEETable, zeros[:k])
			left -= k
		}
		// The same bytes, as the whole: head, then the zeros.
		want := crc32.ChecksumIEEE(head)
		left = n
		for left > 0 {
			k := min(left, int64(len(zeros)))
			want = crc32.Update(want, crc32.IEEETable, zeros[:k])
			left -= k
		}
		if got := crc32Combine(crc32.ChecksumIEEE(head), crcB, n); got != want {
			t.Errorf("%d zero bytes: combined %08x, want %08x", n, got, want)
		}
	}
}
