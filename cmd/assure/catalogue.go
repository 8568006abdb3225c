package main

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

const catalogueUsage = `Usage:
  assure catalogue proposals [--db DSN] [--all]
  assure catalogue approve   [--db DSN] --by NAME [--note TEXT] [--two-person=false] ID
  assure catalogue refuse    [--db DSN] --by NAME [--note TEXT] ID

An upload, or an edit on the catalogue page, that would make a measure
open only proposes it. "proposals" lists the proposals waiting (--all:
decided ones too) with the values each would publish; "approve" gives
the measure the proposed classification at once, "refuse" leaves it as
it is. Both are written to the audit log under --by, which must name an
administrator. Under the two-person rule (the default) the person who
proposed a change, or uploaded the file that did, cannot approve it.
`

func runCatalogue(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, catalogueUsage)
		return usageError{"catalogue: say proposals, approve or refuse"}
	}
	sub, rest := args[0], args[1:]
	if sub == "--help" || sub == "-h" || sub == "help" {
		fmt.Fprint(stdout, catalogueUsage)
		return nil
	}
	c := newCommand("catalogue "+sub, "catalogue "+sub+" [flags]", catalogueUsage)
	db := c.String("db", envOr("ASSURE_DB", defaultDSN), "database: a SQLite file path or a postgres:// URL (env ASSURE_DB)")
	all := c.Bool("all", false, "list decided proposals too")
	by := c.String("by", "", "the administrator who decides")
	note := c.String("note", "", "why, for the audit log")
	twoPerson := c.Bool("two-person", true, "refuse an approval by the person who proposed the change")
	if helped, err := c.parse(rest, stdout, stderr); helped || err != nil {
		return err
	}
	fs := c
	st, err := store.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	switch sub {
	case "proposals":
		ps, err := st.ListProposals(ctx, *all)
		if err != nil {
			return err
		}
		if len(ps) == 0 {
			fmt.Fprintln(stdout, "No proposals wait for a decision.")
		}
		for _, p := range ps {
			fmt.Fprintln(stdout, describeProposal(p))
		}
		return nil
	case "approve", "refuse":
		if fs.NArg() != 1 {
			return usageError{"catalogue " + sub + ": give one proposal id"}
		}
		id, err := strconv.ParseInt(fs.Arg(0), 10, 64)
		if err != nil || id <= 0 {
			return usageError{fmt.Sprintf("catalogue %s: %q is not a proposal id", sub, fs.Arg(0))}
		}
		u, _, err := st.UserByName(ctx, *by)
		if err != nil || !u.IsAdmin() {
			return usageError{fmt.Sprintf("catalogue %s: --by must name an administrator who is not disabled (%q is not)", sub, *by)}
		}
		p, err := st.DecideProposal(ctx, id, store.Decision{Approve: sub == "approve", By: u.Name, Note: *note, TwoPerson: *twoPerson})
		if err != nil {
			return err
		}
		action := metrics.AuditProposalRefused
		if p.Status == store.ProposalApproved {
			action = metrics.AuditProposalApproved
		}
		detail := fmt.Sprintf("proposal %d: %s %s → %s (%s)", p.ID, p.MetricID, p.Current, p.Classification, p.Note)
		if err := st.Audit(ctx, metrics.AuditEntry{Actor: u.Name, Action: action, Detail: detail, IP: "command line"}); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "proposal %d %s: %s is now %s\n", p.ID, p.Status, p.MetricID, classificationAfter(p))
		return nil
	}
	fmt.Fprint(stderr, catalogueUsage)
	return usageError{fmt.Sprintf("catalogue: unknown command %q", sub)}
}

func classificationAfter(p store.Proposal) metrics.Classification {
	if p.Status == store.ProposalApproved {
		return p.Classification
	}
	return p.Current
}

func describeProposal(p store.Proposal) string {
	from := "the catalogue page"
	if p.FileName.Valid {
		from = fmt.Sprintf("upload %d, %s", p.UploadID.Int64, p.FileName.String)
	}
	s := fmt.Sprintf("%d  %s  %s (%q): %s → %s, proposed by %s on %s from %s: %s",
		p.ID, p.Status, p.MetricID, p.MetricName, p.Current, p.Classification, p.ProposedBy, p.ProposedAt.Format("2 Jan 2006 15:04"), from, p.Reason)
	if p.Status != store.ProposalPending {
		s += fmt.Sprintf("; %s by %s on %s", p.Status, p.DecidedBy, p.DecidedAt.Format("2 Jan 2006 15:04"))
	}
	return s
}
