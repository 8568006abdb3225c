package store

// SetFilePartBytes changes the size of a streamed original's parts for a
// test and returns the function that restores it.
func SetFilePartBytes(n int) func() {
	old := filePartBytes
	filePartBytes = n
	return func() { filePartBytes = old }
}
