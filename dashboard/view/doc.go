// Package view builds the views that the overview, the metric pages and
// the board pack share: a measure's analysis as the board reads it (the
// latest value against target and baseline, its SPC chart with the
// signals in words, the Making Data Count icons), a measure's tile with
// why it is an exception, and one area set beside another. They are
// plain functions from a measure and its series to typed structs that
// templates render, worked out once here so that every page tells a
// measure the same way. The figures are the domain's (metrics); this
// package only words and charts them, and imports no part of the server.
package view
