"""REST API routers under /api/v1. Each module defines `router`; `siyu.web.app` includes them all."""
