"""Figures about the brand's work: the dashboard today, reports later."""
