"""The brand's systems tell siyu what happened: `POST /api/v1/hooks/inbound`.

Not signed in with a user: the request is signed with the webhook channel's `inbound_secret`
the way siyu signs its own webhooks (siyu.channels.signing: `X-Siyu-Timestamp`, and
`X-Siyu-Signature: sha256=<hex HMAC-SHA256(secret, "{timestamp}." + raw body)>`, within 300 s).
The body carries events (as `POST /api/v1/events/batch` takes them) and results of tasks:
- `done`: a person did the task (as marking it done in the console; a done task stays done);
- `delivered`: the task's message reached the customer (its send delivery becomes delivered);
- `replied`: the customer answered (the first reply of a task is kept, with its text).
It is all or nothing: any problem is reported at its place (`results[3].task`), nothing is stored.
This router checks the signature and parses; what a result does is `tasks.status.apply_results`.

The signature is checked in a short read-only transaction, before anything else and before the
request queues for SQLite's write lock, so unsigned requests cost little and learn nothing."""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from dataclasses import asdict
from typing import Annotated, Any, Literal

import pydantic
from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from sqlalchemy.engine import Connection
from starlette.exceptions import HTTPException as StarletteHTTPException

from siyu.channels import stored as channels
from siyu.channels.signing import DEFAULT_WINDOW_S, SIGNATURE_HEADER, TIMESTAMP_HEADER, SignatureError, verify
from siyu.channels.webhook.config import WebhookSettings
from siyu.core.errors import Problem, ValidationError, format_path
from siyu.core.timeutil import US_PER_SECOND, parse_instant
from siyu.ingest.batch import StoredEvents, store_events
from siyu.ingest.fields import YEARS
from siyu.tasks import status as task_status
from siyu.tasks.status import ReportedResult
from siyu.web.api.events import EVENT_SCHEMA, MAX_BATCH, EventsStored
from siyu.web.deps import NowUs, engine_of, writer_of
from siyu.web.errors import error_body

router = APIRouter(tags=["channels"])

MAX_BODY_BYTES = 16_000_000  # 1,000 events and 1,000 results with long texts fit with room to spare
MAX_TASK_ID = 2**63 - 1  # BIGINT
MAX_TEXT = 10_000
MAX_BY = 100


# ---- the raw body, read with a cap (the signature is over the bytes as sent) ----


def body_capped_at(max_bytes: int) -> Callable[[Request], Coroutine[Any, Any, bytes]]:
    """A dependency: the request's raw body; 413 once it passes `max_bytes` (read no further)."""

    async def read(request: Request) -> bytes:
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise StarletteHTTPException(413, f"the body is {int(declared):,} bytes; at most {max_bytes:,} are taken")
        received = bytearray()
        async for chunk in request.stream():
            received += chunk
            if len(received) > max_bytes:
                raise StarletteHTTPException(413, f"the body is over {max_bytes:,} bytes, the most taken")
        return bytes(received)

    return read


class Refused(Exception):
    """A request refused before it is looked at: answered in the API's error shape, with a code
    of its own (the error handlers' codes are for signed-in requests)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message

    def response(self) -> JSONResponse:
        return JSONResponse(error_body(self.code, self.message), status_code=self.status)


def invalid_fields(error: pydantic.ValidationError) -> str:
    """The settings a stored configuration fails on, by name only: the values may be secrets."""
    return ", ".join(sorted({".".join(str(part) for part in e["loc"]) or "(settings)" for e in error.errors()}))


# ---- what the body holds ----


class ResultIn(BaseModel):
    """What became of one task."""

    model_config = ConfigDict(extra="forbid")

    task: int = Field(ge=1, le=MAX_TASK_ID, description="The task's id (as siyu's deliveries name it)")
    result: Literal["done", "delivered", "replied"] = Field(
        description="done: a person did it; delivered: the message reached the customer; replied: the customer answered"
    )
    at: str | None = Field(
        None, description="When it happened: ISO 8601 with an offset (default: when the request arrives)"
    )
    text: str | None = Field(None, max_length=MAX_TEXT, description="replied: the text of the customer's answer")
    by: str | None = Field(
        None, max_length=MAX_BY, description="Who reported it (a person or system); recorded as webhook:<by>"
    )

    @field_validator("at")
    @classmethod
    def _instant(cls, text: str | None) -> str | None:
        if text is None:
            return None
        moment = parse_instant(text)  # its ValueError names the problem
        if not YEARS[0] <= moment.year <= YEARS[1]:
            raise ValueError(f"year {moment.year} is out of range ({YEARS[0]}–{YEARS[1]})")
        return text

    @field_validator("by")
    @classmethod
    def _someone(cls, by: str | None) -> str | None:
        return by.strip() or None if by is not None else None


class InboundIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    events: list[dict[str, Any]] = Field(
        default_factory=list,
        max_length=MAX_BATCH,
        description=f"Up to {MAX_BATCH:,} events, as POST /api/v1/events/batch takes them",
        json_schema_extra={"items": EVENT_SCHEMA},
    )
    results: list[ResultIn] = Field(
        default_factory=list, max_length=MAX_BATCH, description=f"Up to {MAX_BATCH:,} results"
    )

    @model_validator(mode="after")
    def _something(self) -> InboundIn:
        if not self.events and not self.results:
            raise ValueError("send events, results or both: the body has neither")
        return self


class ResultOut(BaseModel):
    task: int
    result: str
    changed: bool = Field(description="false when it was already known: nothing was stored again")


class InboundOut(BaseModel):
    events: EventsStored
    results: list[ResultOut]


def _inline(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` with its $defs put in place of their $refs: the request body is declared by hand
    (it is read raw, for the signature), where OpenAPI's components are not at hand."""
    definitions = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                return resolve(definitions[ref.removeprefix("#/$defs/")])
            # a schema's own title is noise here; a property named "title" (a dict) is kept
            return {
                key: resolve(value) for key, value in node.items() if not (key == "title" and isinstance(value, str))
            }
        if isinstance(node, list):
            return [resolve(item) for item in node]
        return node

    resolved: dict[str, Any] = resolve(schema)
    return resolved


BODY_SCHEMA = _inline(InboundIn.model_json_schema())


def _parsed(raw: bytes) -> InboundIn:
    try:
        document = json.loads(raw)
    except ValueError as exc:  # JSONDecodeError, or bytes that are no Unicode
        raise ValidationError([Problem("(body)", f"not JSON: {exc}")]) from None
    try:
        return InboundIn.model_validate(document)
    except pydantic.ValidationError as exc:
        problems = [
            Problem(format_path(e["loc"]) if e["loc"] else "(body)", e["msg"].removeprefix("Value error, "))
            for e in exc.errors()
        ]
        raise ValidationError(problems) from None


# ---- the signature ----


def _inbound_secret(request: Request) -> str:
    with engine_of(request).begin() as conn:
        config = channels.load(conn, "webhook")
    try:
        settings = config.model()
    except pydantic.ValidationError as exc:
        raise Refused(
            503, "not_configured", f"the stored webhook settings are invalid: {invalid_fields(exc)}"
        ) from None
    assert isinstance(settings, WebhookSettings)
    if not settings.inbound_secret:
        raise Refused(
            503,
            "not_configured",
            "the webhook channel has no inbound_secret: set it (channels → webhook) and sign requests with it",
        )
    return settings.inbound_secret


def _check_signature(request: Request, raw: bytes, *, now_s: int, timestamp: str | None, signature: str | None) -> None:
    secret = _inbound_secret(request)
    try:
        verify(secret, timestamp_header=timestamp, signature_header=signature, body=raw, now_s=now_s)
    except SignatureError as exc:
        raise Refused(401, "webhook_signature", exc.reason) from None


# ---- results ----


def _reported(item: ResultIn) -> ReportedResult:
    return ReportedResult(task=item.task, result=item.result, at=item.at, text=item.text, by=item.by)


def _store(conn: Connection, body: InboundIn, *, now_us: int) -> dict[str, Any]:
    problems: list[Problem] = []
    stored = StoredEvents(new=[], already_stored=[])
    if body.events:
        try:
            stored = store_events(conn, body.events, where="events")
        except ValidationError as exc:
            problems += exc.problems
    results, refused = task_status.apply_results(
        conn, [_reported(item) for item in body.results], now_us=now_us, max_ahead_s=DEFAULT_WINDOW_S
    )
    problems += refused
    if problems:
        raise ValidationError(problems)  # the transaction rolls back: nothing is stored
    return {
        "events": {"new": stored.new, "already_stored": stored.already_stored},
        "results": [asdict(result) for result in results],
    }


DESCRIPTION = f"""\
For the brand's own systems; no sign-in. Sign each request with the webhook channel's
`inbound_secret`: `{TIMESTAMP_HEADER}: <unix seconds>` and
`{SIGNATURE_HEADER}: sha256=<hex HMAC-SHA256(inbound_secret, "<timestamp>." + raw body)>`;
a timestamp more than {DEFAULT_WINDOW_S} s away from siyu's clock is refused.

`events` are stored as `POST /api/v1/events/batch` stores them (idempotent by id). `results` say
what became of tasks: `done` marks the task done (a done task stays done: `changed` false);
`delivered` marks its send delivery delivered and records `task_delivered`; `replied` records
`task_replied` with the text (the first reply of a task is kept). All or nothing: any problem is
answered 422 at its place (`results[3].task`) and nothing is stored."""

RawBody = Annotated[bytes, Depends(body_capped_at(MAX_BODY_BYTES))]
TimestampHeader = Annotated[
    str | None, Header(alias=TIMESTAMP_HEADER, max_length=40, description="Unix seconds when the request was signed")
]
SignatureHeader = Annotated[
    str | None,
    Header(
        alias=SIGNATURE_HEADER,
        max_length=1000,
        description='"sha256=" + hex HMAC-SHA256 of "{timestamp}." + the raw body, keyed with inbound_secret',
    ),
]


@router.post(
    "/hooks/inbound",
    response_model=InboundOut,
    summary="Receive events and task results from the brand's systems (signed, no sign-in)",
    description=DESCRIPTION,
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "Events, results or both",
            "content": {"application/json": {"schema": BODY_SCHEMA}},
        }
    },
    responses={
        401: {"description": "The signature is missing, stale (over 300 s) or wrong; the message says which"},
        413: {"description": f"The body is over {MAX_BODY_BYTES:,} bytes"},
        422: {"description": "Problems, each at its place; nothing was stored"},
        503: {"description": "The webhook channel has no inbound_secret"},
    },
)
def receive(
    request: Request,
    raw: RawBody,
    now: NowUs,
    timestamp: TimestampHeader = None,
    signature: SignatureHeader = None,
) -> Any:
    try:
        _check_signature(request, raw, now_s=now // US_PER_SECOND, timestamp=timestamp, signature=signature)
    except Refused as refused:
        return refused.response()
    body = _parsed(raw)
    # writers queue as the Db dependency does (web/deps.db), only once the request is known to be signed
    with request.app.state.write_queue, writer_of(request).begin() as conn:
        return _store(conn, body, now_us=now)
