package dashboard

import "github.com/labstack/echo/v4"

// cycleRoutes are the board cycle's routes: meetings, actions, what
// changed since the last meeting, schedules and alerts. Who may change
// what is checked in each handler (analysts and administrators keep the
// calendar and the action log; analysts the schedules; everyone signed
// in chooses their own alerts; administrators the webhooks).
func (s *Server) cycleRoutes(app, signed, admin, api *echo.Group) {
	// The calendar and the open actions are public; the rest of the
	// action log is for those signed in (the store filters).
	app.GET("/meetings", s.handleMeetings)
	signed.POST("/meetings", s.handleMeetingAdd)
	signed.POST("/meetings/:date", s.handleMeetingEdit)
	signed.POST("/meetings/:date/delete", s.handleMeetingDelete)
	api.GET("/meetings", s.handleAPIMeetings)
	api.POST("/meetings", s.handleAPIMeetingAdd)
	api.GET("/meetings/:date/changes", s.handleAPIChanges)

	app.GET("/actions", s.handleActions)
	app.GET("/actions/:id", s.handleAction)
	signed.POST("/actions", s.handleActionAdd)
	signed.POST("/actions/:id", s.handleActionUpdate)
	api.GET("/actions", s.handleAPIActions)
	api.POST("/actions", s.handleAPIActionAdd)
	api.POST("/actions/:id", s.handleAPIActionUpdate)

	signed.GET("/boardpack/changes", s.handleChanges)
	signed.GET("/catalogue/schedules", s.handleSchedules)
	signed.POST("/catalogue/:id/schedule", s.handleScheduleEdit)

	signed.GET("/alerts", s.handleAlerts)
	signed.POST("/alerts", s.handleAlertsSave)
	signed.POST("/alerts/delete", s.handleAlertsDelete)
	admin.GET("/alerts", s.handleAdminAlerts)
	admin.POST("/alerts/webhooks", s.handleAdminWebhookAdd)
	admin.POST("/alerts/webhooks/:id", s.handleAdminWebhookEdit)
}
