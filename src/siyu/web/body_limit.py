"""Request bodies are capped before anything reads them: the outermost middleware.

Each request falls in one class by method, path and content type (`limit_for`, pure): WeCom
callbacks, the signed inbound hook and event batches, file uploads (multipart posts to the
import pages), and everything else. A declared `Content-Length` over the class's limit is
refused at once, without reading a byte; a chunked body is counted as it arrives and refused the
moment it passes the limit. Nothing below this middleware (the NUL guard, FastAPI, the multipart
parser) ever holds more than the limit.

A refused request is answered 413 — the API's JSON error shape under /api/, a short page in the
reader's language elsewhere — and the application below sees the client as gone: whatever it
was doing with the partial body ends there, and anything it tries to answer is dropped."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from siyu.core.errors import Problem
from siyu.ingest.jobs import max_upload_bytes
from siyu.web.api.inbound import MAX_BODY_BYTES as INBOUND_MAX_BODY_BYTES
from siyu.web.errors import API_PREFIX, error_body
from siyu.web.i18n import locale_of, translate

MIB = 1024 * 1024
DEFAULT_LIMIT = 1 * MIB  # API JSON bodies and console forms
HOOK_LIMIT = 1 * MIB  # a WeCom callback is a few hundred bytes (its route takes at most MAX_XML_BYTES)
BATCH_LIMIT = INBOUND_MAX_BODY_BYTES  # 1,000 events or results with long texts
UPLOAD_OVERHEAD = 1 * MIB  # the multipart framing and the form's other fields around the file

HOOK_PATHS = frozenset({"/api/v1/channels/wecom/callback"})
BATCH_PATHS = frozenset({"/api/v1/hooks/inbound", "/api/v1/events/batch"})
UPLOAD_PATHS = frozenset({"/api/v1/imports", "/imports"})


@dataclass(frozen=True)
class BodyClass:
    name: str  # hook | batch | upload | default
    limit: int  # bytes


def limit_for(method: str, path: str, content_type: str, *, upload_limit: int) -> BodyClass:
    """The class of a request's body and its limit in bytes. Only a multipart POST to an import
    path is an upload: the same path with a JSON body gets the default limit."""
    if path in HOOK_PATHS:
        return BodyClass("hook", HOOK_LIMIT)
    if path in BATCH_PATHS:
        return BodyClass("batch", BATCH_LIMIT)
    if method == "POST" and path in UPLOAD_PATHS and content_type.startswith("multipart/form-data"):
        return BodyClass("upload", upload_limit + UPLOAD_OVERHEAD)
    return BodyClass("default", DEFAULT_LIMIT)


def human_bytes(count: int) -> str:
    """1048576 → "1 MiB"; 16000000 → "16,000,000 bytes" (exact, as the endpoints document it)."""
    return f"{count // MIB} MiB" if count and count % MIB == 0 else f"{count:,} bytes"


class LimitBody:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        content_type = headers.get(b"content-type", b"").decode("latin-1").lower()
        upload_limit = max_upload_bytes()
        body = limit_for(scope["method"], scope["path"], content_type, upload_limit=upload_limit)
        declared = headers.get(b"content-length", b"").strip()
        if declared.isdigit() and int(declared) > body.limit:
            await _refuse(scope, send, body)
            return
        received = 0
        refused = False
        started = False

        async def counted() -> Message:
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > body.limit:
                    refused = True
                    if not started:
                        await _refuse(scope, send, body)
                    return {"type": "http.disconnect"}
            return message

        async def guarded(message: Message) -> None:
            nonlocal started
            if refused:
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        await self.app(scope, counted, guarded)


async def _refuse(scope: Scope, send: Send, body: BodyClass) -> None:
    size = human_bytes(body.limit)
    if scope["path"].startswith(API_PREFIX):
        message = f"the request body is over {size}, the most this endpoint takes"
        payload = json.dumps(error_body("too_large", message, [Problem("body", message)]), ensure_ascii=False).encode()
        content_type = b"application/json"
    else:
        text = translate(locale_of(Request(scope)), "error.body_too_large", size=size)
        payload = f"<!doctype html><meta charset=utf-8><title>413</title><p>{html.escape(text)}</p>".encode()
        content_type = b"text/html; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", content_type),
                (b"content-length", str(len(payload)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})
