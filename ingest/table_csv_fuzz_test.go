package ingest

import (
	"bytes"
	"errors"
	"testing"
	"unicode/utf8"

	"github.com/assure-pcc/assure/metrics"
)

// FuzzCSVRows feeds mutated CSV through the streaming reader in each
// encoding mode with small limits. Whatever the bytes, it ends (no
// record is read twice, so the loop is bounded by the input), every
// cell is valid UTF-8 and within the field limit, no record has more
// columns than the limit, and a fault that ends the rows early is a
// user-facing error, never a panic.
func FuzzCSVRows(f *testing.F) {
	for _, seed := range []string{
		"Month,Reported by,Falls within,Crime type\n2021-08,Cambridgeshire Constabulary,Cambridgeshire Constabulary,Burglary\n",
		"\xEF\xBB\xBFForce,Value\r\nCambridgeshire,\"1,234\"\r\n",
		"Force,Spend\nCambridgeshire,\xA3404\n",                 // Windows-1252 pound
		"a,\"b\nc\",d\n\"unclosed,e\n",                          // quoted line break, then an unclosed quote
		"\xFF\xFEF\x00o\x00",                                    // UTF-16
		"caf\xC3\xA9,\xA3\n",                                    // UTF-8 then not
		"x,y,z,w,v,u,t\n\"\"\"\",\"a\"\"b\",,,\n",               // doubled quotes, empty fields
		"long," + string(bytes.Repeat([]byte("9"), 300)) + "\n", // a field over the limit
	} {
		for _, enc := range []string{"", "utf-8", "windows-1252"} {
			f.Add([]byte(seed), enc)
		}
	}
	lim := TableLimits{MaxFieldBytes: 256, MaxRecordBytes: 4 << 10, MaxColumns: 6, MaxKeys: 100, MaxCSVBytes: 1 << 20}
	f.Fuzz(func(t *testing.T, content []byte, encoding string) {
		bad := 0
		rows := newCSVRows(bytes.NewReader(content), encoding, ',', lim, func(int, string) { bad++ })
		n := 0
		for rows.Next() {
			n++
			if n+bad > len(content)+1 {
				t.Fatalf("%d rows and %d bad lines from %d bytes", n, bad, len(content))
			}
			cells := rows.Cells()
			if len(cells) > lim.MaxColumns {
				t.Fatalf("row %d has %d cells, over the limit of %d", rows.RowNum(), len(cells), lim.MaxColumns)
			}
			for _, c := range cells {
				if !utf8.ValidString(c.Value) || len(c.Value) > lim.MaxFieldBytes || c.Value == "" {
					t.Fatalf("row %d: cell %q is empty, not UTF-8 or over the field limit", rows.RowNum(), c.Value)
				}
			}
		}
		if err := rows.Err(); err != nil {
			var me *metrics.Error
			if !errors.As(err, &me) {
				t.Fatalf("rows ended with an error that is not user-facing: %v", err)
			}
		}
	})
}
