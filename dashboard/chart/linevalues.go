package chart

import (
	"encoding/json"
	"math"
	"strconv"
)

// lineValues are a line's values as ECharts data items, {"value":v}, or
// {"value":"-"} for a gap (chartNoValue), written as the option's JSON
// by hand. As []opts.LineData each item went through encoding/json's
// reflection over the item's dozen fields, which was about half the cost
// of a metric page's chart of 20 areas over ten years, and a metric page
// is made again for every reader's first look after each upload. The
// output is byte for byte what lineData's items gave
// (TestLineValuesAreLineData).
type lineValues []*float64

// MarshalJSON writes the items. Values are finite: the chart's checks
// refuse others before any is written.
func (vs lineValues) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, 2+len(vs)*len(`{"value":1234.5},`))
	b = append(b, '[')
	for i, v := range vs {
		if i > 0 {
			b = append(b, ',')
		}
		if v == nil {
			b = append(b, `{"value":"`+chartNoValue+`"}`...)
			continue
		}
		b = append(b, `{"value":`...)
		b = appendJSONNumber(b, chartNumber(*v))
		b = append(b, '}')
	}
	return append(b, ']'), nil
}

// appendJSONNumber appends f as encoding/json writes a float64: plain
// decimals, but for the very small and very large, which it writes
// with an exponent of its own form and which are left to it.
func appendJSONNumber(b []byte, f float64) []byte {
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		out, err := json.Marshal(f)
		if err != nil {
			// Not finite: the chart's checks refuse such a value first.
			return append(b, "null"...)
		}
		return append(b, out...)
	}
	return strconv.AppendFloat(b, f, 'f', -1, 64)
}
