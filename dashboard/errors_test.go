package dashboard

import (
	"net/http/httptest"
	"testing"
)

func TestBackTo(t *testing.T) {
	tests := []struct {
		target, referer, want string
	}{
		{"/metrics/calls-999/annotations", "http://example.test/metrics/calls-999?area=North", "/metrics/calls-999?area=North"},
		{"/metrics/calls-999?period=range&from=2022-01&to=2021-01", "http://example.test/metrics/calls-999", "/metrics/calls-999"},
		{"/metrics/calls-999?period=range", "http://example.test/metrics/calls-999?period=range", ""}, // the page itself
		{"/uploads", "http://elsewhere.test/uploads", ""},
		{"/uploads", "", ""},
		{"/uploads", "javascript:alert(1)", ""},
		{"/uploads", "http://example.test", ""},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("POST", "http://example.test"+tt.target, nil)
		if tt.referer != "" {
			r.Header.Set("Referer", tt.referer)
		}
		if got := backTo(r); got != tt.want {
			t.Errorf("backTo(%s from %q) = %q, want %q", tt.target, tt.referer, got, tt.want)
		}
	}
}
