"""Who is in an SOP's audiences now, as set-based SQL."""
