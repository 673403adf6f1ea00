"""Tasks as the brand's staff and operators see them: queries, status changes, task events."""
