"""Console users, sessions, API tokens and the audit log of who did what."""
