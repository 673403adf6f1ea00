"""The web edge: the REST API under /api/v1 and the console (Jinja2 + htmx), one FastAPI app."""
