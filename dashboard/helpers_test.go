package dashboard

import "strconv"

// defaultTestLimit is the upload limit the test servers use.
const defaultTestLimit = 2 << 20

func strconvFormat(n int64) string { return strconv.FormatInt(n, 10) }
