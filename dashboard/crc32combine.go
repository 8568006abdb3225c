package dashboard

// A kept page goes out gzipped with each reader's own CSRF token spliced
// between its compressed parts, so the CRC-32 that ends the gzip member
// must be that of a body never held whole. CRC-32 is linear: the CRC of
// A followed by B is the CRC of A pushed on by len(B) zero bytes, XORed
// with the CRC of B. Pushing a CRC on by n zero bytes is a 32×32 matrix
// over GF(2), which zlib's crc32_combine builds by repeated squaring;
// here it is built once per kept part (crc32ShiftOf) and applied to each
// request's running CRC in 32 steps.

// crc32IEEEReversed is the IEEE polynomial, bit-reversed, as
// hash/crc32's IEEE table and zlib use it.
const crc32IEEEReversed = 0xedb88320

// crc32Shift is the GF(2) matrix that pushes a CRC-32 register on by a
// number of zero bytes: column n is what the register's bit n becomes.
type crc32Shift [32]uint32

// times multiplies the matrix by the vector crc (zlib's
// gf2_matrix_times).
func (m *crc32Shift) times(crc uint32) uint32 {
	var sum uint32
	for i := 0; crc != 0; i, crc = i+1, crc>>1 {
		if crc&1 != 0 {
			sum ^= m[i]
		}
	}
	return sum
}

// after is the matrix that applies o, then m (they commute: both are
// powers of the one-bit shift).
func (m *crc32Shift) after(o *crc32Shift) crc32Shift {
	var r crc32Shift
	for i := range r {
		r[i] = m.times(o[i])
	}
	return r
}

// crc32Identity leaves a register as it is: a shift by no bytes.
func crc32Identity() crc32Shift {
	var m crc32Shift
	for i := range m {
		m[i] = 1 << i
	}
	return m
}

// crc32ShiftOf is the matrix that pushes a CRC-32 on by n zero bytes,
// built as zlib's crc32_combine does: the shift by one zero bit, squared
// to two and four bits, then by each power of two bytes in turn, taken
// where n has that bit.
func crc32ShiftOf(n int64) crc32Shift {
	result := crc32Identity()
	if n <= 0 {
		return result
	}
	var odd crc32Shift // one zero bit
	odd[0] = crc32IEEEReversed
	for i := 1; i < 32; i++ {
		odd[i] = 1 << (i - 1)
	}
	even := odd.after(&odd) // two zero bits
	odd = even.after(&even) // four zero bits
	for {
		even = odd.after(&odd) // first pass: one zero byte
		if n&1 != 0 {
			result = even.after(&result)
		}
		n >>= 1
		if n == 0 {
			break
		}
		odd = even.after(&even)
		if n&1 != 0 {
			result = odd.after(&result)
		}
		n >>= 1
		if n == 0 {
			break
		}
	}
	return result
}

// crc32Combine is the CRC-32 (IEEE) of A followed by B, from crc1 of A,
// crc2 of B and B's length (zlib's crc32_combine).
func crc32Combine(crc1, crc2 uint32, len2 int64) uint32 {
	if len2 <= 0 {
		return crc1
	}
	shift := crc32ShiftOf(len2)
	return shift.times(crc1) ^ crc2
}
