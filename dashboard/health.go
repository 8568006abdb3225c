package dashboard

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// handleHealth answers 200 when the database answers within two seconds
// and 503 when it does not, so a load balancer can take the server out.
func (s *Server) handleHealth(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	c.Response().Header().Set("Cache-Control", "no-store")
	if err := s.store.Ping(ctx); err != nil {
		s.logger.Warn("health check: database unavailable", "err", err)
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "database": "down"})
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ok", "database": s.store.Dialect(), "version": s.version})
}
