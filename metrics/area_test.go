package metrics

import "testing"

func TestAreas(t *testing.T) {
	tests := []struct {
		area                     string
		forceWide, national, any bool
	}{
		{"Force", true, false, true},
		{"Force-wide", true, false, true},
		{"All", true, false, true},
		{"All areas", true, false, true},
		{"Total", true, false, true},
		{"force", false, false, false}, // as written: case counts
		{"North", false, false, false},
		{"England and Wales", false, true, true},
		{" england AND wales", false, true, true},
		{"Wales", false, true, true},
		{"West Midlands", false, false, false},
	}
	for _, tt := range tests {
		if got := IsForceWideArea(tt.area); got != tt.forceWide {
			t.Errorf("IsForceWideArea(%q) = %v", tt.area, got)
		}
		if got := IsNationalArea(tt.area); got != tt.national {
			t.Errorf("IsNationalArea(%q) = %v", tt.area, got)
		}
		if got := IsTotalArea(tt.area); got != tt.any {
			t.Errorf("IsTotalArea(%q) = %v", tt.area, got)
		}
	}
	names := ForceWideAreas()
	names[0] = "changed"
	if !IsForceWideArea("All") {
		t.Error("ForceWideAreas gave its own slice away")
	}
}

func TestHeadlineArea(t *testing.T) {
	forces := []string{"Bedfordshire", "Cambridgeshire", "England and Wales", "Essex"}
	tests := []struct {
		areas           []string
		requested, home string
		want            string
	}{
		{[]string{"Force", "North", "South"}, "", "", "Force"},
		{[]string{"Force", "North", "South"}, "North", "", "North"},
		{[]string{"Force", "North"}, "West", "", "Force"},
		{[]string{"North", "South"}, "", "", "North"},
		{[]string{"North", "Total"}, "", "", "Total"},
		{nil, "North", "", ""},
		// A national table: the home force, not the first in order.
		{forces, "", "Cambridgeshire", "Cambridgeshire"},
		{forces, "", "cambridgeshire", "Cambridgeshire"},
		{forces, "Essex", "Cambridgeshire", "Essex"},
		{forces, "Kent", "Cambridgeshire", "Cambridgeshire"},
		{forces, "", "Kent", "Bedfordshire"},
		{forces, "", "", "Bedfordshire"},
		// A measure of the force's own areas: the home force is not one.
		{[]string{"Force", "North"}, "", "Cambridgeshire", "Force"},
		// The home area set to the force-wide name.
		{[]string{"Force", "North"}, "", "Force", "Force"},
		{[]string{"North", "Force", "Cambridgeshire"}, "", "Cambridgeshire", "Cambridgeshire"},
	}
	for _, tt := range tests {
		if got := HeadlineArea(tt.areas, tt.requested, tt.home); got != tt.want {
			t.Errorf("HeadlineArea(%q, %q, home %q) = %q, want %q", tt.areas, tt.requested, tt.home, got, tt.want)
		}
	}
}
