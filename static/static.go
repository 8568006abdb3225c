// Package static holds the files the dashboard serves under /static/:
// Assure's stylesheet, its chart script and a pinned copy of Apache
// ECharts. They are compiled into the binary so that the dashboard works
// on a closed network and never loads a script or font from another host.
package static

import "embed"

// FS holds, relative to this directory:
//
//	css/assure.css           the dashboard's only stylesheet
//	js/charts.js             draws every [data-chart] element from its JSON option
//	js/forms.js              keeps an end date or month no earlier than its start ([data-min-of])
//	js/filter.js             filters the overview's rows as a reader types
//	js/upload.js             drag and drop onto the upload form
//	js/echarts.min.js        Apache ECharts 5.6.0 (npm echarts@5.6.0, dist/echarts.min.js), unmodified
//	js/echarts.LICENSE.txt   its licence (Apache-2.0)
//	js/echarts.NOTICE.txt    its NOTICE
//	js/echarts.LICENSE-d3.txt the BSD licence of the d3 code the bundle embeds
//	img/favicon.svg          the site icon
//	img/mdc-*.svg           the Making Data Count variation and assurance icons
//
// The dashboard serves FS as it is; every file in it is public, so
// nothing sensitive may ever be added here.
//
// js/README.md (how to update ECharts) is deliberately not embedded.
//
//go:embed css/*.css js/*.js js/*.txt img/*.svg
var FS embed.FS

// EChartsVersion is the version of the embedded js/echarts.min.js.
// go-echarts v2.6 writes options for ECharts 5, so stay on 5.x until
// go-echarts moves.
const EChartsVersion = "5.6.0"

// EChartsSHA256 is the hex SHA-256 of the embedded js/echarts.min.js, as
// extracted from the npm tarball; a test checks it so that an edited or
// swapped bundle cannot slip in unnoticed.
const EChartsSHA256 = "bf4a223524e40b77c304bec67e1222cf551f14880cf42c69dc046558e11c07b1"
