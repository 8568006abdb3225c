package ingest

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"github.com/assure-pcc/assure/ingest/mapping"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
	"github.com/assure-pcc/assure/metrics/store/storetest"
)

func namedMapping(t *testing.T, name string) *mapping.Mapping {
	t.Helper()
	m, ok := mapping.Named(name)
	if !ok {
		t.Fatalf("no shipped mapping %s", name)
	}
	return m
}

func loadMapping(t *testing.T, yaml string) *mapping.Mapping {
	t.Helper()
	m, err := mapping.Load("test.yaml", strings.NewReader(yaml))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return m
}

// TestHomeOfficeExtract loads the Home Office open data format and checks
// each force's quarterly offence-group totals against sums worked out here
// with encoding/csv.
func TestHomeOfficeExtract(t *testing.T) {
	content, err := os.ReadFile("testdata/tables/home-office-prc-extract.csv")
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(content)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{} // "metric|force|period key"
	for _, r := range recs[1:] {
		q, _ := strconv.Atoi(r[1])
		fy, _ := strconv.Atoi(r[0][:4])
		n, _ := strconv.ParseFloat(r[7], 64)
		want["ho-"+metrics.Slug(r[4])+"|"+r[2]+"|"+metrics.QuarterOf(fy, q).Key()] += n
	}
	forEachStore(t, func(t *testing.T, st *store.Store) {
		rep := ingestBytes(t, st, "prc-pfa.csv", content, Options{Mapping: namedMapping(t, "home-office-prc")})
		requireStatus(t, rep, StatusStored)
		if rep.Counts.Rows != len(recs)-1 || rep.Counts.Observations != len(want) {
			t.Errorf("counts = %+v, want %d rows and %d values", rep.Counts, len(recs)-1, len(want))
		}
		got := map[string]float64{}
		for _, id := range []string{"ho-robbery", "ho-burglary", "ho-violence-against-the-person", "ho-criminal-damage-and-arson"} {
			for k, v := range seriesValues(t, st, id) {
				cut := len(k) - len(" 2019/20 Q3")
				got[id+"|"+k[:cut]+"|"+k[cut+1:]] = v
			}
		}
		if len(got) != len(want) {
			t.Errorf("stored %d values, want %d", len(got), len(want))
		}
		for k, w := range want {
			if got[k] != w {
				t.Errorf("%s = %v, want %v", k, got[k], w)
			}
		}
	})
}

// streetRow is one crime of a generated police.uk street-level file.
type streetRow struct{ month, force, location, crime, context string }

func streetCSV(rows []streetRow, bom bool) []byte {
	var b bytes.Buffer
	if bom {
		b.WriteString("\ufeff")
	}
	w := csv.NewWriter(&b)
	w.Write([]string{"Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude", "Location", "LSOA code", "LSOA name", "Crime type", "Last outcome category", "Context"})
	for i, r := range rows {
		w.Write([]string{fmt.Sprintf("%064x", i), r.month, r.force, r.force, "0.1218", "52.2053", r.location, "E01017959", "Cambridge 007A", r.crime, "Under investigation", r.context})
	}
	w.Flush()
	return b.Bytes()
}

// TestPoliceUKStreetLevel counts crimes per force, month and crime type,
// with quoted fields holding commas, quotes and line breaks, and a
// byte-order mark.
func TestPoliceUKStreetLevel(t *testing.T) {
	forces := []string{"Cambridgeshire Constabulary", "Norfolk Constabulary"}
	crimes := []string{"Burglary", "Anti-social behaviour", "Violence and sexual offences", "Vehicle crime"}
	var rows []streetRow
	want := map[string]float64{}
	for i := range 500 {
		r := streetRow{
			month:    fmt.Sprintf("2019-%02d", 1+i%3),
			force:    forces[i%7%2],
			crime:    crimes[i*7%len(crimes)],
			location: "On or near Park Road, \"The Green\"",
		}
		if i%11 == 0 {
			r.context = "Reported twice,\nonce by phone"
		}
		rows = append(rows, r)
		want["police-uk-"+metrics.Slug(r.crime)+"|"+r.force+"|"+r.month]++
	}
	forEachStore(t, func(t *testing.T, st *store.Store) {
		rep := ingestBytes(t, st, "2019-01-cambridgeshire-street.csv", streetCSV(rows, true), Options{Mapping: namedMapping(t, "police-uk-street")})
		requireStatus(t, rep, StatusStored)
		if rep.Counts.Rows != len(rows) || rep.Counts.Observations != len(want) || rep.Counts.Metrics != len(crimes) {
			t.Errorf("counts = %+v, want %d rows, %d values, %d metrics", rep.Counts, len(rows), len(want), len(crimes))
		}
		for _, c := range crimes {
			id := "police-uk-" + metrics.Slug(c)
			for k, v := range seriesValues(t, st, id) {
				force, month := k[:strings.LastIndex(k, " ")], k[strings.LastIndex(k, " ")+1:]
				if w := want[id+"|"+force+"|"+month]; v != w {
					t.Errorf("%s %s = %v, want %v", id, k, v, w)
				}
			}
		}
		if _, err := st.GetMetric(t.Context(), metrics.Public, "police-uk-burglary"); metrics.ErrorCode(err) != metrics.ENOTFOUND {
			t.Errorf("before approval the public sees police-uk-burglary: %v", err)
		}
		storetest.ApproveAll(t, st)
		m, err := st.GetMetric(t.Context(), metrics.Public, "police-uk-burglary")
		if err != nil || m.Name != "police.uk: Burglary" {
			t.Errorf("metric = %+v, %v", m, err)
		}
	})
}

// TestWindows1252FilterOneForce reads a CSV saved by Excel on a UK Windows
// machine (Windows-1252, "£" as the byte A3) through a mapping that keeps
// one force, and checks its totals against sums worked out here.
func TestWindows1252FilterOneForce(t *testing.T) {
	m := loadMapping(t, `
name: damage-by-cost
header: {find: Force}
period: {column: Month, format: month}
area: {column: Force}
metric: {column: Offence, id_prefix: t-}
value: {column: Cost (£)}
keep:
  - column: Force
    equals: Cambridgeshire
unit: "£"
classification: open
`)
	type line struct {
		month, force, offence string
		cost                  float64
	}
	var lines []line
	want := map[string]float64{}
	offences := []string{"Criminal damage, cost under £500", "Criminal damage, cost £500 to £5,000"}
	for i := range 60 {
		l := line{month: fmt.Sprintf("2020-%02d", 1+i%2), force: []string{"Cambridgeshire", "Suffolk", "Norfolk"}[i%3], offence: offences[i%5%2], cost: float64(100*i) + 0.5}
		lines = append(lines, l)
		if l.force == "Cambridgeshire" {
			want[l.offence+"|"+l.month] += l.cost
		}
	}
	var text strings.Builder
	text.WriteString("Damage to property, by force\r\n\r\nMonth,Force,Offence,Cost (£)\r\n")
	for _, l := range lines {
		fmt.Fprintf(&text, "%s,%s,\"%s\",\"£%s\"\r\n", l.month, l.force, l.offence, strconv.FormatFloat(l.cost, 'f', 2, 64))
	}
	content, err := charmap.Windows1252.NewEncoder().Bytes([]byte(text.String()))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(content, []byte("£")) || !bytes.Contains(content, []byte{0xA3}) {
		t.Fatal("the test file is not Windows-1252")
	}
	forEachStore(t, func(t *testing.T, st *store.Store) {
		rep := ingestBytes(t, st, "damage.csv", content, Options{Mapping: m})
		requireStatus(t, rep, StatusStored)
		if rep.Counts.Observations != len(want) {
			t.Errorf("%d values, want %d", rep.Counts.Observations, len(want))
		}
		for _, off := range offences {
			id := metrics.Slug("t-" + off)
			got := seriesValues(t, st, id)
			for k, v := range got {
				if !strings.HasPrefix(k, "Cambridgeshire ") {
					t.Errorf("%s: the filter let %q through", id, k)
				}
				if w := want[off+"|"+strings.TrimPrefix(k, "Cambridgeshire ")]; v != w {
					t.Errorf("%s %s = %v, want %v", id, k, v, w)
				}
			}
			mt, err := st.GetMetric(t.Context(), metrics.Everything, id)
			if err != nil || mt.Name != off {
				t.Errorf("metric %s = %q (%v), want the name %q with its pound sign", id, mt.Name, err, off)
			}
		}
	})
}

// TestTableErrors: a missing column, an unparseable value, a bad period,
// rows that may not combine, and conflicting periods are each an error
// naming the row and column, and nothing is stored.
func TestTableErrors(t *testing.T) {
	long := `
header: {row: 1}
period: {column: Month}
area: {column: Force}
metric: {column: Crime}
value: {column: Count}
`
	cases := []struct {
		name, mapping, csv, period string
		want                       []string
	}{
		{"missing column", long, "Month,Force,Crime,Number\n2019-01,A,Robbery,3\n", "",
			[]string{`header row 1 has no column "Count"`, `"Number"`}},
		{"bad value", long, "Month,Force,Crime,Count\n2019-01,A,Robbery,3\n2019-01,A,Burglary,tbc\n", "",
			[]string{`D3`, `column "Count": "tbc" is not a number`}},
		{"bad period", long, "Month,Force,Crime,Count\nJanuary,A,Robbery,3\n", "",
			[]string{`A2`, `column "Month": "January" is not a period`}},
		{"period kind", long + "\nformat: x\n", "", "", nil},
		{"combine error", long + "combine: error\n", "Month,Force,Crime,Count\n2019-01,A,Robbery,3\n2019-01,A,Robbery,4\n", "",
			[]string{`D3`, `already given at D2`}},
		{"period given twice", long, "Month,Force,Crime,Count\n2019-01,A,Robbery,3\n", "2019-01",
			[]string{`--period was given`}},
		{"no period", "header: {row: 1}\narea: {column: Force}\nmetric: {column: Crime}\nvalue: {column: Count}\n", "Force,Crime,Count\nA,Robbery,3\n", "",
			[]string{`does not say where the period is`}},
		{"broken quote", long, "Month,Force,Crime,Count\n2019-01,A,\"Rob\"bery,3\n", "",
			[]string{`line 2`, `quote`}},
		{"utf-16", long, "\xff\xfeM\x00", "", []string{"UTF-16"}},
		{"mixed encoding", long, "Month,Force,Crime,Count\n2019-01,Café,Robbery,3\n2019-01,Caf\xe9,Robbery,3\n", "",
			[]string{"line 3 is not valid UTF-8"}},
		{"no values", long, "Month,Force,Crime,Count\n", "", []string{"found no values"}},
	}
	forEachStore(t, func(t *testing.T, st *store.Store) {
		for _, c := range cases {
			m, err := mapping.Load(c.name, strings.NewReader(c.mapping))
			if c.want == nil {
				if err == nil {
					t.Errorf("%s: the mapping loaded", c.name)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			rep := ingestBytes(t, st, "t.csv", []byte(c.csv), Options{Mapping: m, Period: c.period})
			if rep.Status != StatusRejected {
				t.Errorf("%s: status %s", c.name, rep.Status)
				continue
			}
			var all []string
			for _, p := range rep.Errors {
				all = append(all, p.Format(rep.File))
			}
			text := strings.Join(all, "\n")
			for _, w := range c.want {
				if !strings.Contains(text, w) {
					t.Errorf("%s: errors do not say %q:\n%s", c.name, w, text)
				}
			}
		}
		if ups, err := st.ListUploads(t.Context()); err != nil || len(ups) != 0 {
			t.Errorf("rejected tables stored %d uploads (%v)", len(ups), err)
		}
	})
}

// TestTableKeyLimit: rows that add up into more combinations than the
// limit are refused with a clear error, whatever the number of rows.
func TestTableKeyLimit(t *testing.T) {
	var b strings.Builder
	b.WriteString("Month,Force,Crime\n")
	for i := range 50 {
		fmt.Fprintf(&b, "2019-01,Force %d,Robbery\n", i)
	}
	forEachStore(t, func(t *testing.T, st *store.Store) {
		in := New(st, nil)
		in.Table.MaxKeys = 10
		rep, err := in.Ingest(t.Context(), "t.csv", []byte(b.String()), Options{Mapping: loadMapping(t, `
period: {column: Month}
area: {column: Force}
metric: {column: Crime}
value: {count: true}
`)})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Status != StatusRejected || len(rep.Errors) != 1 || !strings.Contains(rep.Errors[0].Message, "more than 10 different") {
			t.Errorf("report = %+v", rep)
		}
	})
}

// TestTableRecordLimit: an unclosed quote does not read the rest of the
// file into one field.
func TestTableRecordLimit(t *testing.T) {
	content := "Month,Force,Crime\n2019-01,\"A,Robbery\n" + strings.Repeat("2019-01,A,Robbery\n", 5000)
	forEachStore(t, func(t *testing.T, st *store.Store) {
		in := New(st, nil)
		in.Table.MaxRecordBytes = 4096
		rep, err := in.Ingest(t.Context(), "t.csv", []byte(content), Options{Mapping: loadMapping(t, `
period: {column: Month}
area: {column: Force}
metric: {column: Crime}
value: {count: true}
`)})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Status != StatusRejected || !strings.Contains(fmt.Sprint(rep.Errors), "quote is probably not closed") {
			t.Errorf("report = %+v", rep)
		}
	})
}
