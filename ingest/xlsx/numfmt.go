package xlsx

// builtinFormats holds the number formats that a style may use by id
// without defining them (ECMA-376 Part 1, 18.8.30), as Excel writes them
// for en-US. Ids 5-8 and 41-44 (currency and accounting) are not in the
// standard's table but Excel uses them; their currency symbol follows the
// locale the file was saved in, which the file does not record.
var builtinFormats = map[int]string{
	0:  "General",
	1:  "0",
	2:  "0.00",
	3:  "#,##0",
	4:  "#,##0.00",
	5:  `"$"#,##0_);\("$"#,##0\)`,
	6:  `"$"#,##0_);[Red]\("$"#,##0\)`,
	7:  `"$"#,##0.00_);\("$"#,##0.00\)`,
	8:  `"$"#,##0.00_);[Red]\("$"#,##0.00\)`,
	9:  "0%",
	10: "0.00%",
	11: "0.00E+00",
	12: "# ?/?",
	13: "# ??/??",
	14: "mm-dd-yy",
	15: "d-mmm-yy",
	16: "d-mmm",
	17: "mmm-yy",
	18: "h:mm AM/PM",
	19: "h:mm:ss AM/PM",
	20: "h:mm",
	21: "h:mm:ss",
	22: "m/d/yy h:mm",
	37: "#,##0 ;(#,##0)",
	38: "#,##0 ;[Red](#,##0)",
	39: "#,##0.00;(#,##0.00)",
	40: "#,##0.00;[Red](#,##0.00)",
	41: `_(* #,##0_);_(* \(#,##0\);_(* "-"_);_(@_)`,
	42: `_("$"* #,##0_);_("$"* \(#,##0\);_("$"* "-"_);_(@_)`,
	43: `_(* #,##0.00_);_(* \(#,##0.00\);_(* "-"??_);_(@_)`,
	44: `_("$"* #,##0.00_);_("$"* \(#,##0.00\);_("$"* "-"??_);_(@_)`,
	45: "mm:ss",
	46: "[h]:mm:ss",
	47: "mmss.0",
	48: "##0.0E+0",
	49: "@",
}

// BuiltinFormat returns the code of a built-in format id (a numFmtId
// below 164 that styles.xml need not define). Ids 27-36 and
// 50-58 are East Asian date and time formats whose codes depend on the
// locale the file was saved in; every locale makes them dates or times, so
// they are given as a plain date (32 and 33, times in every locale, as a
// time) to keep a caller from reading a date serial as a number. Any other
// undefined id is General, as Excel shows it.
func BuiltinFormat(id int) string {
	if code, ok := builtinFormats[id]; ok {
		return code
	}
	switch {
	case id == 32:
		return "h:mm"
	case id == 33:
		return "h:mm:ss"
	case id >= 27 && id <= 36, id >= 50 && id <= 58:
		return "yyyy-mm-dd"
	}
	return ""
}
