package dashboard

import (
	"context"
	"encoding/json"
	"html"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/assure-pcc/assure/ingest"
	"github.com/assure-pcc/assure/ingest/mapping"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
	"github.com/assure-pcc/assure/metrics/store/storetest"
)

// nationalTable is a small national table: three forces and England and
// Wales over two years ending December.
const nationalTable = `Period,Area,Offence,Offences
YE Dec 2018,Cambridgeshire,Robbery,600
YE Dec 2018,Essex,Robbery,1500
YE Dec 2018,Kent,Robbery,1400
YE Dec 2018,England and Wales,Robbery,80000
YE Dec 2019,Cambridgeshire,Robbery,660
YE Dec 2019,Essex,Robbery,1500
YE Dec 2019,Kent,Robbery,1260
YE Dec 2019,England and Wales,Robbery,88000
`

// nationalMapping reads nationalTable.
const nationalMapping = `
period: {column: Period, format: year_ending}
area: {column: Area}
metric: {column: Offence, id_prefix: nat-}
value: {column: Offences}
direction: down
classification: open
unit: offences
`

// storeNationalTable stores nationalTable through the real ingest and
// approves its measures for publication.
func storeNationalTable(t *testing.T, st *store.Store) {
	t.Helper()
	m, err := mapping.Load("national.yaml", strings.NewReader(nationalMapping))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := ingest.New(st, nil).Ingest(context.Background(), "national.csv", []byte(nationalTable), ingest.Options{Mapping: m})
	if err != nil || rep.Status != ingest.StatusStored {
		t.Fatalf("ingest: %v %+v", err, rep)
	}
	storetest.ApproveAll(t, st)
}

func TestMetricPageCompare(t *testing.T) {
	srv, st := testServer(t, "sqlite")
	storeNationalTable(t, st)

	_, body := get(t, srv, "/metrics/nat-robbery?area=Cambridgeshire")
	text := html.UnescapeString(body)
	for _, want := range []string{
		"Cambridgeshire beside England and Wales",
		`id="chart-compare"`,
		"index of its own figure in Year ending Dec 2018 (= 100)",
		// 660 / 600 and 88,000 / 80,000: both 110.
		"In Year ending Dec 2019, Cambridgeshire stood at 110.0 and England and Wales at 110.0",
		"Ranking, Year ending Dec 2019",
		"lowest first, since lower is better",
		"Cambridgeshire is ranked 1 of 3.",
		"<strong>Cambridgeshire</strong> (this area)",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the compare view lacks %q", want)
		}
	}
	ranking := text[strings.Index(text, "Ranking, "):]
	if strings.Contains(ranking[:strings.Index(ranking, "</table>")], "England and Wales") {
		t.Error("England and Wales is ranked among the forces")
	}

	_, body = get(t, srv, "/metrics/nat-robbery?area=Kent&compare=Essex&baseline=2019")
	text = html.UnescapeString(body)
	if !strings.Contains(text, "Kent beside Essex") || !strings.Contains(text, "(= 100)") || !strings.Contains(text, "Year ending Dec 2019 (= 100)") {
		t.Errorf("?compare=Essex&baseline=2019 not shown")
	}
	if !strings.Contains(text, "Kent is ranked 2 of 3.") {
		t.Errorf("Kent's place is not stated")
	}

	// A measure of one area has no compare view.
	if _, body := get(t, srv, "/metrics/calls-999"); !strings.Contains(body, "North beside South") && strings.Contains(body, "Ranking,") {
		t.Error("a measure of two local areas shows a ranking")
	}
}

// TestHomeAreaShownFirstEverywhere: with the office's home area set to
// a force of a national table that is not first in alphabetical order,
// the overview's tile, the measure's page, the series API and the board
// pack all lead with that force, as the overview always did; before,
// the others led with the first force in order (Cambridgeshire here).
// With no home area they lead with the first.
func TestHomeAreaShownFirstEverywhere(t *testing.T) {
	srv, st := testServer(t, "sqlite")
	storeNationalTable(t, st)
	ctx := context.Background()
	addUser(t, st, "board", metrics.RoleBoard, boardPassword)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	board := newClient(t, ts)
	board.login("board", boardPassword)

	for _, tt := range []struct{ home, want, value string }{
		{"Essex", "Essex", "1,500"},
		{"kent", "Kent", "1,260"},
		{"", "Cambridgeshire", "660"},
		{"Lancashire", "Cambridgeshire", "660"}, // not among the forces
	} {
		if err := st.SetSettings(ctx, metrics.Settings{HomeArea: tt.home}, "test"); err != nil {
			t.Fatal(err)
		}
		_, body := board.get("/metrics/nat-robbery")
		text := html.UnescapeString(body)
		if !strings.Contains(text, tt.want+" beside England and Wales") || !strings.Contains(text, tt.want+", Year ending Dec 2019: "+tt.value+" offences") {
			t.Errorf("home %q: the measure's page does not lead with %s, %s offences", tt.home, tt.want, tt.value)
		}
		_, body = board.get("/api/v1/metrics/nat-robbery/series")
		var api struct {
			Analysis struct {
				Area string `json:"area"`
			} `json:"analysis"`
		}
		if err := json.Unmarshal([]byte(body), &api); err != nil || api.Analysis.Area != tt.want {
			t.Errorf("home %q: the series API analyses %q (%v), want %s", tt.home, api.Analysis.Area, err, tt.want)
		}
		_, body = board.get("/boardpack?meeting=2020-06-01")
		text = html.UnescapeString(body)
		if !strings.Contains(text, tt.want+", Year ending Dec 2019: "+tt.value+" offences") {
			t.Errorf("home %q: the board pack does not lead the measure with %s, %s offences", tt.home, tt.want, tt.value)
		}
	}
}
