"""Security headers on every answer: the console runs only the scripts and styles it serves from
/static (htmx, siyu.js and the page scripts; no CDN, no inline script), cannot be framed, and
tells browsers not to guess content types or leak its URLs to other sites.

Style attributes are allowed (`style-src-attr 'unsafe-inline'`): a few templates size bars and
timeline marks with `style="width: 40%"`; `<style>` elements are not (htmx's own indicator style
is switched off in base.html and lives in siyu.css). The API reference at /docs has one inline
script, Swagger UI's start-up, allowed by its SHA-256 hash alone."""

from __future__ import annotations

import base64
import hashlib

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

POLICY = (
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
)
FIXED = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def content_security_policy(script_hashes: tuple[str, ...] = ()) -> str:
    """The policy, with these inline scripts (their `sha256-…` sources) allowed besides /static."""
    allowed = "".join(f" '{h}'" for h in script_hashes)
    return "; ".join(f"{part}{allowed}" if part.startswith("script-src") else part for part in POLICY)


def script_hash(script: str) -> str:
    """The CSP source of one inline script: `sha256-<base64 of its SHA-256>`."""
    return "sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()


class SecurityHeaders:
    def __init__(self, app: ASGIApp, *, inline_scripts: dict[str, tuple[str, ...]] | None = None) -> None:
        """`inline_scripts` maps a path to the hashes of the inline scripts its page may run."""
        self.app = app
        self.default = content_security_policy()
        self.by_path = {path: content_security_policy(hashes) for path, hashes in (inline_scripts or {}).items()}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        policy = self.by_path.get(scope["path"], self.default)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", policy)
                for name, value in FIXED.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, with_headers)
