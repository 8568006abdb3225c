package metrics

import "time"

// Observation is one value of one measure, for one area and period, with
// the place it came from.
type Observation struct {
	MetricID string
	Area     string
	Period   Period
	Value    float64
	Source   Source
}

// Source traces a stored value back to the cell it was read from.
type Source struct {
	UploadID   int64
	File       string
	Sheet      string
	Cell       string
	UploadedAt time.Time
}

// Upload is one file given to Assure, stored or not.
type Upload struct {
	ID         int64
	FileName   string
	SHA256     string
	Kind       string
	Status     string
	Size       int64
	UploadedAt time.Time
	UploadedBy string
}

// Upload kinds and statuses.
const (
	KindPerformance = "performance"
	KindFinance     = "finance"
	KindTable       = "table"

	StatusStored     = "stored"
	StatusUnchanged  = "unchanged"
	StatusRejected   = "rejected"
	StatusRolledBack = "rolled_back"
)
