package metrics

import (
	"strings"
	"time"
)

// Role is what a signed-in user may do. Anonymous visitors are the
// public and have no role.
type Role string

const (
	// RoleBoard views everything, sensitive measures included.
	RoleBoard Role = "board"
	// RoleFinance has board rights and uploads finance workbooks.
	RoleFinance Role = "finance"
	// RoleAnalyst has board rights, uploads performance workbooks and
	// national tables, and edits the metric catalogue.
	RoleAnalyst Role = "analyst"
	// RoleAdmin manages users and tokens, and has board rights.
	RoleAdmin Role = "admin"
)

// Roles lists every role, for help texts and validation.
var Roles = []Role{RoleBoard, RoleFinance, RoleAnalyst, RoleAdmin}

// ParseRole reads a role name, case-insensitively.
func ParseRole(s string) (Role, error) {
	r := Role(strings.ToLower(strings.TrimSpace(s)))
	for _, known := range Roles {
		if r == known {
			return r, nil
		}
	}
	return "", Errorf(EINVALID, "%q is not a role: the roles are board, finance, analyst and admin", s)
}

// User is a person who signs in.
type User struct {
	ID        int64
	Name      string
	Role      Role
	Disabled  bool
	CreatedAt time.Time
	// SessionGen counts the times the user's sessions were ended (by
	// disabling the account or resetting its password). A session keeps
	// the generation it began in and is void once the two differ.
	SessionGen int64
	// MustChangePassword is set while the user signs in with a password
	// an administrator generated: they choose their own before anything
	// else.
	MustChangePassword bool
}

// Scope is what the user may see: every role sees sensitive measures; a
// disabled user sees what the public sees.
func (u *User) Scope() Scope {
	if u == nil || u.Disabled {
		return Public
	}
	return Everything
}

// CanUpload reports whether the user may upload workbooks of a kind.
func (u *User) CanUpload(kind string) bool {
	if u == nil || u.Disabled {
		return false
	}
	switch kind {
	case KindFinance:
		return u.Role == RoleFinance
	case KindPerformance, KindTable:
		return u.Role == RoleAnalyst
	}
	return false
}

// CanUploadAny reports whether the user may upload workbooks of some
// kind: whether an upload is worth reading before its kind is known.
func (u *User) CanUploadAny() bool {
	return u.CanUpload(KindPerformance) || u.CanUpload(KindFinance) || u.CanUpload(KindTable)
}

// UploadedBy names, for a sentence, who uploads workbooks of a kind:
// "finance officers", "analysts", or "nobody" for a kind no role
// uploads.
func UploadedBy(kind string) string {
	switch kind {
	case KindFinance:
		return "finance officers"
	case KindPerformance, KindTable:
		return "analysts"
	}
	return "nobody"
}

// CanEditCatalogue reports whether the user may change the metric
// catalogue, and write annotations and commentary.
func (u *User) CanEditCatalogue() bool {
	return u != nil && !u.Disabled && u.Role == RoleAnalyst
}

// CanPublishBoardPack reports whether the user may freeze the board
// pack as presented to a meeting: analysts, who prepare it, and
// administrators.
func (u *User) CanPublishBoardPack() bool {
	return u != nil && !u.Disabled && (u.Role == RoleAnalyst || u.Role == RoleAdmin)
}

// CanApproveClassification reports whether the user may approve a
// proposal to change a measure's classification, which publishes (or
// withdraws) it: administrators, who hold the right to publish.
func (u *User) CanApproveClassification() bool {
	return u.IsAdmin()
}

// IsAdmin reports whether the user manages users and tokens.
func (u *User) IsAdmin() bool {
	return u != nil && !u.Disabled && u.Role == RoleAdmin
}

// ValidUserName reports a problem with a user name, or nil: 1 to 64
// characters, letters, digits, dot, dash, underscore and @.
func ValidUserName(name string) error {
	if name == "" || len(name) > 64 {
		return Errorf(EINVALID, "a user name has 1 to 64 characters")
	}
	for _, r := range name {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune(".-_@", r)
		if !ok {
			return Errorf(EINVALID, "user name %q: use letters, digits, '.', '-', '_' and '@' only", name)
		}
	}
	return nil
}

// AuditEntry is one line of the audit log: who did what, when, from where.
type AuditEntry struct {
	ID     int64
	At     time.Time
	Actor  string
	Action string
	Detail string
	IP     string
}

// Audit actions.
const (
	AuditLogin          = "login"
	AuditLoginFailed    = "login_failed"
	AuditLogout         = "logout"
	AuditUserAdded      = "user_added"
	AuditUserDisabled   = "user_disabled"
	AuditTokenAdded     = "token_added"
	AuditUpload         = "upload"
	AuditUploadRejected = "upload_rejected"
	AuditRollback       = "rollback"
	AuditCatalogue      = "catalogue_changed"
	AuditAnnotation     = "annotation_changed"
	AuditCommentary     = "commentary_written"
	AuditEdition        = "boardpack_published"
	// A classification proposal, and its approval or refusal.
	AuditProposal         = "classification_proposed"
	AuditProposalApproved = "classification_approved"
	AuditProposalRefused  = "classification_refused"
)
