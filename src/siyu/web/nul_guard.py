"""Refuse text containing NUL (U+0000) at the edge. PostgreSQL cannot store it in text columns,
and no operator means it: the client gets a located 422 instead of a driver error.

The guard reads a JSON or form body whole to look at it, so it sits inside `body_limit.LimitBody`:
what it holds is at most the request's body limit, and a body refused as too large (seen here
as the client gone) never reaches the application."""

from __future__ import annotations

import json
import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from siyu.core.errors import Problem
from siyu.web.errors import error_body

# a JSON escape \u0000 preceded by an even number of backslashes (an odd number escapes the backslash)
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
_CHECKED_BODIES = ("application/json", "application/x-www-form-urlencoded")


def _has_nul_escape(body: bytes, content_type: str) -> bool:
    if b"\x00" in body:
        return True
    if content_type.startswith("application/json"):
        return _JSON_NUL.search(body) is not None
    return b"%00" in body


class RefuseNul:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        query: bytes = scope.get("query_string", b"")
        if b"%00" in query or b"\x00" in query or "\x00" in scope.get("path", ""):
            await self._refuse(send, "query" if query else "path")
            return
        headers = dict(scope.get("headers") or [])
        content_type = headers.get(b"content-type", b"").decode("latin-1").lower()
        if not content_type.startswith(_CHECKED_BODIES):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client is gone, or the body was refused as too large: nothing to run
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        if _has_nul_escape(body, content_type):
            await self._refuse(send, "body")
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    @staticmethod
    async def _refuse(send: Send, where: str) -> None:
        payload = json.dumps(
            error_body("invalid", "the request has problems", [Problem(where, "text may not contain NUL (U+0000)")]),
            ensure_ascii=False,
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 422,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": payload})
