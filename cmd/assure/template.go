package main

import (
	"fmt"
	"io"
	"os"

	"github.com/assure-pcc/assure/ingest/spreadsheet"
)

func runTemplate(args []string, stdout, stderr io.Writer) error {
	c := newCommand("template", "template performance|finance FILE",
		"Writes a blank workbook that the ingest accepts, with an Instructions sheet\nexplaining each column and both layouts.")
	force := c.Bool("force", false, "overwrite FILE if it exists")
	if helped, err := c.parseN(args, stdout, stderr, 2, "template needs a kind and a FILE"); helped || err != nil {
		return err
	}
	kind, path := c.Arg(0), c.Arg(1)
	var write func(io.Writer) error
	switch kind {
	case "performance":
		write = spreadsheet.WritePerformanceTemplate
	case "finance":
		write = spreadsheet.WriteFinanceTemplate
	default:
		return usageError{fmt.Sprintf("unknown template %q: the templates are performance and finance", kind)}
	}
	flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if *force {
		flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	f, err := os.OpenFile(path, flags, 0o644)
	if err != nil {
		return fmt.Errorf("template: %w (use --force to overwrite)", err)
	}
	if err := write(f); err != nil {
		f.Close()
		os.Remove(path)
		return fmt.Errorf("template %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("template %s: %w", path, err)
	}
	fmt.Fprintf(stdout, "wrote %s\n", path)
	return nil
}
