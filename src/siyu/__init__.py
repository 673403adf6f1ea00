"""siyu — the private-domain SOP engine."""

__version__ = "0.1.0"
