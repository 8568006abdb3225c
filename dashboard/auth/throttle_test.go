package auth

import "testing"

func TestIPThrottleKey(t *testing.T) {
	for in, want := range map[string]string{
		"203.0.113.7":            "ip:203.0.113.7",
		"2001:db8:1:2:3:4:5:6":   "ip:2001:db8:1:2::/64",
		"2001:db8:1:2:ffff::1":   "ip:2001:db8:1:2::/64",
		"::ffff:203.0.113.7":     "ip:::ffff:203.0.113.7",
		"not an address at all!": "ip:not an address at all!",
	} {
		if got := ipThrottleKey(in); got != want {
			t.Errorf("ipThrottleKey(%q) = %q, want %q", in, got, want)
		}
	}
}
