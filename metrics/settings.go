package metrics

import (
	"strings"
	"unicode/utf8"
)

// Settings are what an office sets once for its dashboard: its name and
// its home area. An administrator changes them on /admin; `assure serve
// --organisation --home-area` gives them at first start.
type Settings struct {
	// Organisation is the office's name, carried by every page's title
	// and footer: "Office of the Police and Crime Commissioner for
	// Cambridgeshire".
	Organisation string
	// HomeArea is the area whose figures the overview shows first (a
	// force or a district: "Cambridgeshire", "Force"), and which the
	// national comparisons set against England and Wales. "" means the
	// force-wide area where a measure has one (IsForceWideArea), else
	// its only or first area.
	HomeArea string
}

// DefaultOrganisation is the name pages carry until one is set.
const DefaultOrganisation = "Police and Crime Commissioner's office"

// DefaultSettings are the settings before any is set.
var DefaultSettings = Settings{Organisation: DefaultOrganisation}

// maxSettingLen is the longest name or area accepted, in characters.
const maxSettingLen = 120

// Normalize trims the settings and gives an empty name its default.
func (s Settings) Normalize() Settings {
	s.Organisation = strings.Join(strings.Fields(s.Organisation), " ")
	s.HomeArea = strings.TrimSpace(s.HomeArea)
	if s.Organisation == "" {
		s.Organisation = DefaultOrganisation
	}
	return s
}

// Validate reports a setting that cannot be kept.
func (s Settings) Validate() error {
	for _, f := range []struct{ name, v string }{{"The organisation's name", s.Organisation}, {"The home area", s.HomeArea}} {
		if utf8.RuneCountInString(f.v) > maxSettingLen {
			return Errorf(EINVALID, "%s must be at most %d characters, not %d.", f.name, maxSettingLen, utf8.RuneCountInString(f.v))
		}
		if strings.ContainsFunc(f.v, func(r rune) bool { return r < ' ' || r == 0x7f }) {
			return Errorf(EINVALID, "%s must be one line of text.", f.name)
		}
	}
	return nil
}

// HomeAreaOf picks, from a measure's areas, the one its figures are
// shown for first: the home area when the measure has it, else the
// force-wide one, else the only or first area; ok is false when there
// are no areas.
func (s Settings) HomeAreaOf(areas []string) (area string, ok bool) {
	if len(areas) == 0 {
		return "", false
	}
	return HeadlineArea(areas, "", s.HomeArea), true
}
