package metrics

import "time"

// APIToken is an API token as an administrator sees it: never the token
// itself, which is shown once when issued and stored only as a hash.
type APIToken struct {
	ID int64
	// UserID and UserName are the token's owner: it acts as them.
	UserID   int64
	UserName string
	// Name is a label to tell a user's tokens apart ("ci", "cli").
	Name      string
	CreatedAt time.Time
	// LastUsed is when the token last authenticated a request, to within
	// a few minutes; the zero time if it never has.
	LastUsed time.Time
}

// ValidTokenName reports a problem with a token's label, or nil: 1 to 64
// characters, no control characters.
func ValidTokenName(name string) error {
	if name == "" || len([]rune(name)) > 64 {
		return Errorf(EINVALID, "a token's name has 1 to 64 characters, such as \"ci\" or \"reporting\"")
	}
	for _, r := range name {
		if r < ' ' || r == 0x7f {
			return Errorf(EINVALID, "a token's name cannot hold control characters")
		}
	}
	return nil
}

// Audit actions of account administration.
const (
	AuditUserEnabled     = "user_enabled"
	AuditRoleChanged     = "role_changed"
	AuditPasswordReset   = "password_reset"
	AuditPasswordChanged = "password_changed"
	AuditTokenRevoked    = "token_revoked"
	AuditSettingsChanged = "settings_changed"
)
