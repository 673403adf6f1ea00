"""The body limit holds at the ASGI edge: a body over its class's limit is answered 413 without
the application below ever holding more than the limit, whether the size is declared or not."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.types import Message, Receive, Scope, Send

from siyu.web.body_limit import DEFAULT_LIMIT, LimitBody, limit_for
from siyu.web.nul_guard import RefuseNul

CHUNK = 64 * 1024


class Inner:
    """An application that reads the whole body, then answers 200 with how much it got."""

    def __init__(self) -> None:
        self.held = 0
        self.completed = False

    async def __call__(self, _scope: Scope, receive: Receive, send: Send) -> None:
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return
            self.held += len(message.get("body", b""))
            more = message.get("more_body", False)
        self.completed = True
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


def scope_of(path: str, *, content_type: str = "application/json", length: int | None = None) -> Scope:
    headers = [(b"content-type", content_type.encode())]
    if length is not None:
        headers.append((b"content-length", str(length).encode()))
    return {"type": "http", "method": "POST", "path": path, "headers": headers, "query_string": b""}


def run(app: Any, scope: Scope, total: int) -> tuple[list[Message], int]:
    """Send `total` bytes in chunks, as a client that never stops; the answers and bytes pulled."""
    pulled = 0
    sent: list[Message] = []

    async def receive() -> Message:
        nonlocal pulled
        if pulled >= total:
            return {"type": "http.disconnect"}
        size = min(CHUNK, total - pulled)
        pulled += size
        return {"type": "http.request", "body": b"x" * size, "more_body": pulled < total}

    async def send(message: Message) -> None:
        sent.append(message)

    # in a thread of its own: a browser test earlier in this worker may have left an event loop
    # running in the main thread (Playwright's sync API), where asyncio.run refuses to start
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, app(scope, receive, send)).result()
    return sent, pulled


def status_of(sent: list[Message]) -> int:
    starts = [m for m in sent if m["type"] == "http.response.start"]
    assert len(starts) == 1, sent
    return int(starts[0]["status"])


def test_a_declared_length_over_the_limit_is_refused_before_a_byte_is_read() -> None:
    inner = Inner()
    sent, pulled = run(LimitBody(inner), scope_of("/api/v1/tokens", length=400_000_000), 400_000_000)
    assert status_of(sent) == 413
    assert pulled == 0
    assert inner.held == 0
    error = json.loads(sent[1]["body"])["error"]
    assert error["code"] == "too_large"
    assert error["problems"][0]["where"] == "body"


def test_a_chunked_body_is_cut_off_at_the_limit_and_the_app_never_finishes() -> None:
    inner = Inner()
    sent, pulled = run(LimitBody(RefuseNul(inner)), scope_of("/api/v1/tokens"), 400_000_000)
    assert status_of(sent) == 413
    assert pulled <= DEFAULT_LIMIT + CHUNK
    assert inner.held == 0  # the NUL guard saw the client gone and did not run the app on a partial body
    assert not inner.completed


def test_a_multipart_upload_streams_to_the_app_until_its_own_limit(monkeypatch: Any) -> None:
    monkeypatch.setenv("SIYU_MAX_UPLOAD_BYTES", str(3 * 1024 * 1024))
    inner = Inner()
    scope = scope_of("/api/v1/imports", content_type="multipart/form-data; boundary=x")
    sent, pulled = run(LimitBody(inner), scope, 100_000_000)
    assert status_of(sent) == 413
    assert inner.held <= 4 * 1024 * 1024  # the upload limit and its framing allowance
    assert pulled <= 4 * 1024 * 1024 + CHUNK


def test_a_console_form_over_the_limit_gets_a_page_in_the_readers_language() -> None:
    scope = scope_of("/login", content_type="application/x-www-form-urlencoded", length=2 * DEFAULT_LIMIT)
    scope["headers"].append((b"accept-language", b"en-US,en;q=0.9"))
    sent, _ = run(LimitBody(Inner()), scope, 2 * DEFAULT_LIMIT)
    assert status_of(sent) == 413
    assert "at most 1 MiB" in sent[1]["body"].decode()


@settings(max_examples=60, deadline=None)
@given(
    path=st.sampled_from(["/api/v1/tokens", "/api/v1/hooks/inbound", "/api/v1/channels/wecom/callback", "/login"]),
    extra=st.integers(min_value=-CHUNK * 3, max_value=CHUNK * 3),
    declared=st.booleans(),
)
def test_a_body_passes_exactly_when_it_is_within_its_limit(path: str, extra: int, declared: bool) -> None:
    limit = limit_for("POST", path, "application/json", upload_limit=0).limit
    total = max(1, limit + extra)
    inner = Inner()
    sent, _ = run(LimitBody(inner), scope_of(path, length=total if declared else None), total)
    assert status_of(sent) == (200 if total <= limit else 413)
    assert inner.completed == (total <= limit)
    assert inner.held <= limit


def test_each_route_class_has_its_limit() -> None:
    assert limit_for("POST", "/api/v1/channels/wecom/callback", "text/xml", upload_limit=5).name == "hook"
    assert limit_for("POST", "/api/v1/hooks/inbound", "application/json", upload_limit=5).name == "batch"
    assert limit_for("POST", "/imports", "multipart/form-data; boundary=b", upload_limit=5).name == "upload"
    # the upload path with anything but a multipart body is an ordinary request
    assert limit_for("POST", "/api/v1/imports", "application/json", upload_limit=10**9).limit == DEFAULT_LIMIT
    assert limit_for("GET", "/imports", "multipart/form-data", upload_limit=10**9).limit == DEFAULT_LIMIT
