package dashboard

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

// A reading request reads the versions once, whatever changes while it
// runs; a writing one reads them each time, so that what it renders
// after its own change is of that change's version.
func TestVersionsAreReadOncePerReadingRequest(t *testing.T) {
	srv, st := testServer(t, "sqlite")
	for _, tt := range []struct {
		method   string
		sameRead bool
	}{
		{http.MethodGet, true}, {http.MethodHead, true},
		{http.MethodPost, false}, {http.MethodPut, false}, {http.MethodDelete, false},
	} {
		t.Run(tt.method, func(t *testing.T) {
			c := echo.New().NewContext(httptest.NewRequest(tt.method, "/", nil), httptest.NewRecorder())
			var first, second store.Versions
			err := versionsOnce(func(c echo.Context) error {
				ctx := c.Request().Context()
				var err error
				if first, err = srv.versions(ctx); err != nil {
					return err
				}
				set, err := st.Settings(ctx)
				if err != nil {
					return err
				}
				set.Organisation += " x"
				if err := st.SetSettings(ctx, set, "test"); err != nil {
					return err
				}
				second, err = srv.versions(ctx)
				return err
			})(c)
			if err != nil {
				t.Fatal(err)
			}
			if now, err := st.Versions(context.Background()); err != nil || now == first {
				t.Fatalf("the change did not move the versions (%v, %v): the test cannot tell", now, err)
			}
			if (first == second) != tt.sameRead {
				t.Errorf("versions %v then %v: read once is %t, want %t", first, second, first == second, tt.sameRead)
			}
		})
	}
	// Outside a request (the alerts' scan, a warm-up): each time.
	before, _ := srv.versions(context.Background())
	if err := st.SetSettings(context.Background(), metrics.DefaultSettings, "test"); err != nil {
		t.Fatal(err)
	}
	if after, _ := srv.versions(context.Background()); after == before {
		t.Error("outside a request the versions were not read again")
	}
}
