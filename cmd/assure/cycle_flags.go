package main

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/assure-pcc/assure/dashboard"
	"github.com/assure-pcc/assure/dashboard/notify"
	"github.com/assure-pcc/assure/metrics"
)

// cycleFlags are serve's settings for the board cycle: the working-day
// calendar and the alerts.
type cycleFlags struct {
	holidays                    *string
	smtpHost, smtpTLS, smtpFrom *string
	smtpUser                    *string
	smtpPort                    *int
	sensitiveDomains            *string
	digestHour                  *int
	baseURL                     *string
	alertInterval               *time.Duration
}

func addCycleFlags(c *command) *cycleFlags {
	return &cycleFlags{
		holidays:         c.String("holidays", envOr("ASSURE_HOLIDAYS", ""), "a file of the days besides weekends that are not working days, one date a line (2022-06-03), in place of the bank holidays of England and Wales"),
		smtpHost:         c.String("smtp-host", envOr("ASSURE_SMTP_HOST", ""), "the mail server alerts are sent through; none: no e-mail (env ASSURE_SMTP_HOST)"),
		smtpPort:         c.Int("smtp-port", 587, "the mail server's port"),
		smtpTLS:          c.String("smtp-tls", envOr("ASSURE_SMTP_TLS", notify.TLSStartTLS), "starttls (port 587), tls (port 465) or none (a relay on a trusted network only) (env ASSURE_SMTP_TLS)"),
		smtpFrom:         c.String("smtp-from", envOr("ASSURE_SMTP_FROM", ""), "the sender of alerts, as assure@example.police.uk (env ASSURE_SMTP_FROM)"),
		smtpUser:         c.String("smtp-user", envOr("ASSURE_SMTP_USER", ""), "the mail server's user name, if it asks for one; the password is ASSURE_SMTP_PASSWORD (env ASSURE_SMTP_USER)"),
		sensitiveDomains: c.String("alert-sensitive-domains", envOr("ASSURE_ALERT_SENSITIVE_DOMAINS", ""), "the only e-mail domains sensitive alerts go to, as pnn.police.uk,example.gov.uk; none: any signed-up user's address (env ASSURE_ALERT_SENSITIVE_DOMAINS)"),
		digestHour:       c.Int("alert-digest-hour", 7, "the hour (UTC, 0-23) after which the daily digests of alerts are sent"),
		baseURL:          c.String("alert-base-url", envOr("ASSURE_BASE_URL", ""), "the dashboard's address as readers reach it, for the links in alerts (env ASSURE_BASE_URL)"),
		alertInterval:    c.Duration("alert-interval", 30*time.Second, "how often alerts are looked for and sent"),
	}
}

func (f *cycleFlags) config() ([]time.Time, dashboard.AlertConfig, error) {
	var holidays []time.Time
	if *f.holidays != "" {
		b, err := os.ReadFile(*f.holidays)
		if err != nil {
			return nil, dashboard.AlertConfig{}, usageError{fmt.Sprintf("--holidays: %v", err)}
		}
		if holidays, err = metrics.ParseHolidays(string(b)); err != nil {
			return nil, dashboard.AlertConfig{}, usageError{fmt.Sprintf("--holidays %s: %s", *f.holidays, metrics.ErrorMessage(err))}
		}
		if holidays == nil {
			holidays = []time.Time{}
		}
	}
	smtp := notify.SMTP{Host: *f.smtpHost, Port: *f.smtpPort, TLS: *f.smtpTLS, From: *f.smtpFrom, Username: *f.smtpUser, Password: os.Getenv("ASSURE_SMTP_PASSWORD")}
	if err := smtp.Validate(); err != nil {
		return nil, dashboard.AlertConfig{}, usageError{err.Error()}
	}
	if *f.digestHour < 0 || *f.digestHour > 23 {
		return nil, dashboard.AlertConfig{}, usageError{"--alert-digest-hour is an hour from 0 to 23"}
	}
	if *f.alertInterval <= 0 {
		return nil, dashboard.AlertConfig{}, usageError{"--alert-interval must be positive"}
	}
	var domains []string
	for _, d := range strings.Split(*f.sensitiveDomains, ",") {
		if d = strings.TrimSpace(d); d != "" {
			domains = append(domains, d)
		}
	}
	return holidays, dashboard.AlertConfig{SMTP: smtp, SensitiveDomains: domains, DigestHour: *f.digestHour, BaseURL: *f.baseURL, Interval: *f.alertInterval}, nil
}
