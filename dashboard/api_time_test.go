package dashboard

import (
	"encoding/json"
	"io"
	"testing"
	"time"
)

// The series API writes each upload's time once, as text; it must be
// the text encoding/json writes for the time itself.
func TestJSONTimeIsEncodingJSONs(t *testing.T) {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Skip("no time zone data:", err)
	}
	for _, at := range []time.Time{
		time.Date(2021, time.March, 4, 9, 30, 0, 0, time.UTC),
		time.Date(2021, time.March, 4, 9, 30, 0, 120_000_000, time.UTC),
		time.Date(2021, time.March, 4, 9, 30, 0, 123_456_789, time.UTC),
		time.Date(2021, time.July, 4, 9, 30, 1, 1_000, london),
		time.Date(1, time.January, 1, 0, 0, 0, 0, time.UTC),
		time.Date(9999, time.December, 31, 23, 59, 59, 999_999_999, time.UTC),
		time.Unix(1_638_000_000, 42).In(time.FixedZone("", -5*3600)),
	} {
		want, err := json.Marshal(at.UTC())
		if err != nil {
			t.Fatal(err)
		}
		got, err := json.Marshal(jsonTime(at))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("%v: %s, want %s", at, got, want)
		}
	}
}

// BenchmarkAPIObservations is a series API answer's observations, made
// and encoded, at the load test's size.
func BenchmarkAPIObservations(b *testing.B) {
	obs := loadTestSeries()
	b.ReportAllocs()
	for b.Loop() {
		if err := json.NewEncoder(io.Discard).Encode(apiObservations(obs)); err != nil {
			b.Fatal(err)
		}
	}
}
