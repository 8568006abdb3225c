//go:build !linux

package export

import "errors"

// exchange is Linux's alone: elsewhere the previous site is moved aside
// before the new one is renamed in (see swapIn).
func exchange(a, b string) error { return errors.ErrUnsupported }
