package ingest

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/assure-pcc/assure/ingest/mapping"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

// onsCell reads, with excelize and not with Assure's reader, the number on
// sheet Table P1 in the row whose area code starts with code and whose
// area name starts with area, and in the column whose header (row 5, or
// row 4 for a header merged down over both) starts with header.
func onsCell(t *testing.T, file, code, area, header string) float64 {
	t.Helper()
	f, err := excelize.OpenFile(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := ""
	for _, s := range f.GetSheetList() {
		if strings.TrimSpace(s) == "Table P1" {
			sheet = s
		}
	}
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	col := -1
	for _, hr := range []int{4, 3} { // rows 5 and 4, 0-based
		for i, v := range rows[hr] {
			if col < 0 && strings.HasPrefix(v, header) {
				col = i
			}
		}
	}
	if col < 0 {
		t.Fatalf("%s: no column %q", file, header)
	}
	for _, r := range rows {
		if len(r) > col && strings.HasPrefix(r[0], code) && strings.HasPrefix(r[1], area) {
			v, err := strconv.ParseFloat(r[col], 64)
			if err != nil {
				t.Fatalf("%s: %s/%s: %v", file, area, header, err)
			}
			return v
		}
	}
	t.Fatalf("%s: no row for %q", file, area)
	return 0
}

func TestONSPoliceForceAreaTables(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(realdata, "ons-pfa", "*.xlsx"))
	if len(files) == 0 {
		t.Skipf("no ONS tables under %s", realdata)
	}
	m, ok := mapping.Named("ons-pfa-p1")
	if !ok {
		t.Fatal("ons-pfa-p1 is not shipped")
	}
	periods := map[string]string{
		"ons_policeforceareatablesyearendingmarch2018v2.xlsx":  "YE 2018-03",
		"ons_policeforceareatablesyearendingdecember2018.xlsx": "YE 2018-12",
	}
	forEachStore(t, func(t *testing.T, st *store.Store) {
		for _, file := range files {
			content, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			rep := ingestBytes(t, st, filepath.Base(file), content, Options{Mapping: m})
			requireStatus(t, rep, StatusStored)
			if rep.Kind != metrics.KindTable || rep.Mapping != "ons-pfa-p1" {
				t.Errorf("%s: kind %q mapping %q", file, rep.Kind, rep.Mapping)
			}
			period := periods[filepath.Base(file)]
			if period == "" {
				t.Fatalf("no expected period for %s", file)
			}
			total := seriesValues(t, st, "ons-recorded-crime-total")
			for _, c := range []struct{ area, code, cell string }{
				{"Cambridgeshire", "E23", "Cambridgeshire"},
				{"England and Wales", "K04", "ENGLAND AND WALES"},
				{"West Midlands", "E23", "West Midlands"}, // the force, not the region of the same name
			} {
				want := onsCell(t, file, c.code, c.cell, "Total recorded crime")
				if got, ok := total[c.area+" "+period]; !ok || got != want {
					t.Errorf("%s: %s total = %v (present %v), cell says %v", filepath.Base(file), c.area, got, ok, want)
				}
			}
			robbery := seriesValues(t, st, "ons-robbery")
			if got, want := robbery["Cambridgeshire "+period], onsCell(t, file, "E23", "Cambridgeshire", "Robbery"); got != want {
				t.Errorf("%s: Cambridgeshire robbery = %v, cell says %v", filepath.Base(file), got, want)
			}
			stalking := seriesValues(t, st, "ons-stalking-and-harassment")
			if got, want := stalking["England and Wales "+period], onsCell(t, file, "K04", "ENGLAND AND WALES", "Stalking and harassment"); got != want {
				t.Errorf("%s: England and Wales stalking and harassment = %v, cell says %v", filepath.Base(file), got, want)
			}
			areas := map[string]bool{}
			for k := range total {
				if strings.HasSuffix(k, period) {
					areas[strings.TrimSuffix(k, " "+period)] = true
				}
			}
			// 43 territorial forces, British Transport Police, and England and Wales.
			if len(areas) != 45 {
				t.Errorf("%s: %d areas, want 45: %v", filepath.Base(file), len(areas), areas)
			}
			for _, region := range []string{"North East", "ENGLAND", "England", "WALES", "Wales", "London", "East"} {
				if areas[region] {
					t.Errorf("%s: region or country %q was stored among the forces", filepath.Base(file), region)
				}
			}
			if !areas["British Transport Police"] {
				t.Errorf("%s: British Transport Police missing", filepath.Base(file))
			}
			got, err := st.GetMetric(context.Background(), metrics.Everything, "ons-recorded-crime-total")
			if err != nil {
				t.Fatal(err)
			}
			// The mapping says open: the upload proposes it, and the
			// measure stays sensitive until someone approves.
			if got.Classification != metrics.Sensitive || got.Name != "ONS: Total recorded crime (excluding fraud)" || got.Unit != "offences" {
				t.Errorf("metric = %+v", got)
			}
			again := ingestBytes(t, st, filepath.Base(file), content, Options{Mapping: m})
			requireStatus(t, again, StatusUnchanged)
		}
	})
}
