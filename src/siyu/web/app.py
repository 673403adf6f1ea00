"""The FastAPI application: the API under /api/v1, the console at /, static files at /static.

Routers are found by module: every module of `siyu.web.api` and `siyu.web.console` that defines a
module-level `router` is included, in module-name order."""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

from fastapi import APIRouter, FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.engine import Engine

from siyu import __version__
from siyu.web import api, console, errors
from siyu.web.body_limit import LimitBody
from siyu.web.nul_guard import RefuseNul
from siyu.web.security_headers import SecurityHeaders, script_hash
from siyu.web.write_queue import write_queue_for

STATIC = Path(__file__).with_name("static")
API_DESCRIPTION = """\
siyu's REST API. Sign in with an API token (`Authorization: Bearer siyu_…`, made in the console
under 用户 / Users or with `POST /api/v1/tokens`), or with the console's session cookie (then send
`X-CSRF-Token` on every change).

Errors are JSON: `{"error": {"code", "message", "problems": [{"where", "message"}]}}`.
Lists are paged with `limit` and `offset` and answer `{"items": […], "next_offset": n | null}`.
Instants are ISO 8601 with an offset; a staff user sees and changes only their own tasks and customers.
"""


def _routers(package: ModuleType) -> list[APIRouter]:
    found: list[APIRouter] = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        router = getattr(module, "router", None)
        if isinstance(router, APIRouter):
            found.append(router)
    return found


def _clock() -> datetime:
    return datetime.now(UTC)


def create_app(engine: Engine, *, clock: Callable[[], datetime] | None = None) -> FastAPI:
    """The whole web application over `engine`; `clock` replaces the wall clock (tests, demos)."""
    app = FastAPI(
        title="siyu API",
        version=__version__,
        description=API_DESCRIPTION,
        docs_url=None,  # served below with the vendored Swagger UI: no CDN at run time
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
    )
    app.state.engine = engine
    app.state.writer_engine = engine.execution_options(siyu_begin="IMMEDIATE")
    app.state.write_queue = write_queue_for(engine)  # see deps.db
    app.state.clock = clock or _clock
    errors.install(app)
    app.add_middleware(RefuseNul)
    app.add_middleware(LimitBody)  # outside the NUL guard: bodies are capped before it reads them
    app.add_middleware(SecurityHeaders, inline_scripts={"/docs": _inline_scripts(_swagger_page())})
    for router in _routers(api):
        app.include_router(router, prefix="/api/v1")
    for router in _routers(console):
        app.include_router(router, include_in_schema=False)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return _swagger_page()

    return app


def _swagger_page() -> HTMLResponse:
    return get_swagger_ui_html(
        openapi_url="/api/v1/openapi.json",
        title="siyu API",
        swagger_js_url="/static/swagger-ui/swagger-ui-bundle.js",
        swagger_css_url="/static/swagger-ui/swagger-ui.css",
        swagger_favicon_url="/static/favicon.svg",
    )


def _inline_scripts(page: HTMLResponse) -> tuple[str, ...]:
    """The CSP hashes of a page's inline scripts (Swagger UI's start-up script)."""
    found = re.findall(r"<script>(.*?)</script>", bytes(page.body).decode(), flags=re.S)
    return tuple(script_hash(script) for script in found)
