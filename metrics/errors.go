package metrics

import (
	"errors"
	"fmt"
)

// Error codes: the dashboard maps each to an HTTP status, the CLI to a
// message. Anything without a code is internal.
const (
	EINVALID   = "invalid"
	ENOTFOUND  = "not_found"
	ECONFLICT  = "conflict"
	EFORBIDDEN = "forbidden"
	ETOOLARGE  = "too_large"
	// EBUSY: the work was refused for now, not for good (too many
	// of its kind at once); the same request may succeed later.
	EBUSY     = "busy"
	EINTERNAL = "internal"
)

// Error is a domain error whose Message is safe to show to a user.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with the given code.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, or
// EINTERNAL when there is none (and "" for a nil error).
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of err: the *Error's
// message, or a generic sentence for internal errors, whose details go to
// the log only.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}
