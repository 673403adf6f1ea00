"""The brand's own settings: time zone, quiet hours, caps, lateness, workday overrides."""
