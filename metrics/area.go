package metrics

import (
	"slices"
	"strings"
)

// forceWideAreas are the area names that mean the whole force, as
// workbooks write them (exactly, case and all), sorted.
var forceWideAreas = []string{"All", "All areas", "Force", "Force-wide", "Total"}

// IsForceWideArea reports whether an area name means the whole force
// ("Force", "Force-wide", "All", "All areas", "Total"), as written.
func IsForceWideArea(area string) bool { return slices.Contains(forceWideAreas, area) }

// ForceWideAreas lists the names IsForceWideArea accepts, sorted.
func ForceWideAreas() []string { return slices.Clone(forceWideAreas) }

// HeadlineArea chooses the area of a measure to analyse and show first:
// the requested one when areas has it, else the home area (the office's
// setting, matched without regard to case) when areas has it, else the
// force-wide area, else the first area in order. It is "" when there are
// no areas. Every page that picks a measure's area picks it so: the
// overview's tile, the measure's page, the series API and the board
// pack show a national table's home force, not the first force in
// alphabetical order.
func HeadlineArea(areas []string, requested, home string) string {
	if requested != "" && slices.Contains(areas, requested) {
		return requested
	}
	if home != "" {
		for _, a := range areas {
			if strings.EqualFold(a, home) {
				return a
			}
		}
	}
	for _, a := range areas {
		if IsForceWideArea(a) {
			return a
		}
	}
	if len(areas) > 0 {
		return areas[0]
	}
	return ""
}

// nationalAreas are the totals that national tables print beside the
// forces: comparisons set a force beside them, and rankings of forces
// leave them out.
var nationalAreas = []string{"england and wales", "england", "wales"}

// IsNationalArea reports whether an area is a national total (England
// and Wales, England, Wales) rather than a force or part of one.
func IsNationalArea(area string) bool {
	return slices.Contains(nationalAreas, strings.ToLower(strings.TrimSpace(area)))
}

// IsTotalArea reports whether an area is a total, national or
// force-wide, rather than one of the areas a ranking sets side by side.
func IsTotalArea(area string) bool { return IsNationalArea(area) || IsForceWideArea(area) }
