package dashboard

import (
	"encoding/json"
	"io"
	"testing"
	"time"

	"github.com/assure-pcc/assure/metrics"
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
// and encoded, at the load test's size: 20 areas over ten years.
func BenchmarkAPIObservations(b *testing.B) {
	var obs []metrics.Observation
	for a := range 20 {
		for i := range 120 {
			at := time.Date(2021, time.April, 1+i%2, 9, 0, 0, 0, time.UTC)
			obs = append(obs, metrics.Observation{Area: "Area " + string(rune('A'+a)), Period: metrics.MonthOf(2012+i/12, time.Month(1+i%12)),
				Value: float64(a*1000+i) * 1.37, Source: metrics.Source{UploadID: int64(1 + i%2), File: "q.xlsx", Sheet: "Data", Cell: "B2", UploadedAt: at}})
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := json.NewEncoder(io.Discard).Encode(apiObservations(obs)); err != nil {
			b.Fatal(err)
		}
	}
}
