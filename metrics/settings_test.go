package metrics

import "testing"

func TestSettingsHomeAreaOf(t *testing.T) {
	tests := []struct {
		home  string
		areas []string
		want  string
		ok    bool
	}{
		{"Cambridgeshire", []string{"Bedfordshire", "Cambridgeshire", "England and Wales"}, "Cambridgeshire", true},
		{"cambridgeshire", []string{"Bedfordshire", "Cambridgeshire"}, "Cambridgeshire", true},
		// A measure without the home area falls back to the force.
		{"Cambridgeshire", []string{"North", "Force", "South"}, "Force", true},
		{"", []string{"North", "South"}, "North", true},
		{"", []string{"Force-wide"}, "Force-wide", true},
		{"Force", nil, "", false},
	}
	for _, tt := range tests {
		got, ok := Settings{HomeArea: tt.home}.HomeAreaOf(tt.areas)
		if got != tt.want || ok != tt.ok {
			t.Errorf("HomeAreaOf(%q, %v) = %q, %t; want %q, %t", tt.home, tt.areas, got, ok, tt.want, tt.ok)
		}
	}
}

func TestSettingsValidate(t *testing.T) {
	tests := []struct {
		s  Settings
		ok bool
	}{
		{Settings{Organisation: "OPCC for Cambridgeshire", HomeArea: "Cambridgeshire"}, true},
		{Settings{Organisation: "two\nlines"}, false},
		{Settings{Organisation: string(make([]byte, 121))}, false},
	}
	for _, tt := range tests {
		if err := tt.s.Validate(); (err == nil) != tt.ok {
			t.Errorf("Validate(%q) = %v, want ok %t", tt.s, err, tt.ok)
		}
	}
	if got := (Settings{Organisation: "  OPCC   for Kent "}).Normalize(); got.Organisation != "OPCC for Kent" {
		t.Errorf("Normalize = %q", got.Organisation)
	}
	if got := (Settings{}).Normalize(); got.Organisation != DefaultOrganisation {
		t.Errorf("Normalize of nothing = %q", got.Organisation)
	}
}
