package metrics

import "testing"

// TestRoleRules is the role policy as a table: what each role, a
// disabled user and the public (nil) may do.
func TestRoleRules(t *testing.T) {
	user := func(r Role) *User { return &User{Name: "u", Role: r} }
	disabled := &User{Name: "d", Role: RoleAdmin, Disabled: true}
	tests := []struct {
		name                                           string
		u                                              *User
		sensitive, perf, finance, table, any           bool
		catalogue, publishPack, approve, administrator bool
	}{
		{"public", nil, false, false, false, false, false, false, false, false, false},
		{"board", user(RoleBoard), true, false, false, false, false, false, false, false, false},
		{"finance", user(RoleFinance), true, false, true, false, true, false, false, false, false},
		{"analyst", user(RoleAnalyst), true, true, false, true, true, true, true, false, false},
		{"admin", user(RoleAdmin), true, false, false, false, false, false, true, true, true},
		{"disabled admin", disabled, false, false, false, false, false, false, false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := []bool{tt.u.Scope().Sensitive, tt.u.CanUpload(KindPerformance), tt.u.CanUpload(KindFinance), tt.u.CanUpload(KindTable),
				tt.u.CanUploadAny(), tt.u.CanEditCatalogue(), tt.u.CanPublishBoardPack(), tt.u.CanApproveClassification(), tt.u.IsAdmin()}
			want := []bool{tt.sensitive, tt.perf, tt.finance, tt.table, tt.any, tt.catalogue, tt.publishPack, tt.approve, tt.administrator}
			names := []string{"sees sensitive", "uploads performance", "uploads finance", "uploads tables", "uploads any",
				"edits the catalogue", "publishes the board pack", "approves classifications", "administers"}
			for i := range want {
				if got[i] != want[i] {
					t.Errorf("%s: %v, want %v", names[i], got[i], want[i])
				}
			}
			if tt.u.CanUpload("unknown") {
				t.Error("uploads an unknown kind")
			}
		})
	}
	for kind, want := range map[string]string{KindFinance: "finance officers", KindPerformance: "analysts", KindTable: "analysts", "other": "nobody"} {
		if got := UploadedBy(kind); got != want {
			t.Errorf("UploadedBy(%q) = %q, want %q", kind, got, want)
		}
	}
}
