"""WeCom's callback URL, `/api/v1/channels/wecom/callback`: customer and group changes pushed by
WeCom (客户联系 callbacks), stored as siyu events.

No sign-in: WeCom signs each call with the callback Token and encrypts it with the
EncodingAESKey (siyu.channels.wecom.crypto). GET is the URL check WeCom makes when an admin
saves the callback address: the decrypted `echostr` is the answer. POST is a callback: its
customers and groups that siyu does not know yet are created (a known customer keeps its owner),
its events stored (idempotent by id: WeCom's retries store nothing twice), new or edited contacts
queued for the worker to fetch their profile (directory.wecom_profiles), and "success" answered,
as WeCom expects; callbacks siyu has no use for are answered "success" too.

Everything is checked in a short read-only transaction before the request queues for SQLite's
write lock: an unsigned or replayed call never waits for, or holds, it."""

from __future__ import annotations

import logging
from typing import Annotated, Any

import pydantic
import sqlalchemy as sa
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from sqlalchemy.engine import Connection

from siyu.channels import stored as channels
from siyu.channels.wecom.callback_events import ID_MAX, CallbackOutcome, events_from_callback
from siyu.channels.wecom.config import WeComSettings
from siyu.channels.wecom.crypto import (
    MAX_XML_BYTES,
    CallbackCrypto,
    CallbackError,
    Reason,
    check_timestamp,
    parse_envelope,
)
from siyu.core.timeutil import US_PER_SECOND
from siyu.directory import wecom_profiles
from siyu.ingest.batch import store_events
from siyu.store.sql import insert_ignoring
from siyu.store.tables import chat_groups, customers, staff
from siyu.web.api.inbound import Refused, body_capped_at, invalid_fields
from siyu.web.deps import NowUs, engine_of, writer_of

router = APIRouter(tags=["channels"])
log = logging.getLogger(__name__)

PATH = "/channels/wecom/callback"
ACK = "success"  # what WeCom expects; anything else and it retries
NEEDED = ("corp_id", "callback_token", "callback_aes_key")
# a check only someone without the channel's secrets fails: the caller is not WeCom (or not this corp)
FORBIDDEN = frozenset({Reason.signature, Reason.receive_id, Reason.timestamp})


def _refused(error: CallbackError) -> Refused:
    if error.reason is Reason.settings:
        return Refused(503, "not_configured", f"WeCom callbacks are not set up: {error.message}")
    status = 403 if error.reason in FORBIDDEN else 400
    return Refused(status, f"wecom_{error.reason.value}", error.message)


def _crypto(conn: Connection) -> tuple[CallbackCrypto, str]:
    """The callback crypto of the wecom channel, and its corp id; 503 when it is not set up."""
    config = channels.load(conn, "wecom")
    if not config.enabled:
        raise Refused(503, "not_configured", "the wecom channel is disabled: enable it to take WeCom's callbacks")
    try:
        settings = config.model()
    except pydantic.ValidationError as exc:
        raise Refused(503, "not_configured", f"the stored wecom settings are invalid: {invalid_fields(exc)}") from None
    assert isinstance(settings, WeComSettings)
    missing = [name for name in NEEDED if not getattr(settings, name)]
    if missing:
        raise Refused(
            503, "not_configured", f"WeCom callbacks need {', '.join(missing)}: set them on the wecom channel"
        )
    try:
        crypto = CallbackCrypto(settings.callback_token, settings.callback_aes_key, settings.corp_id)
    except CallbackError as exc:
        raise _refused(exc) from None
    return crypto, settings.corp_id


def _staff_ids(conn: Connection) -> frozenset[str]:
    return frozenset(str(s) for s in conn.execute(sa.select(staff.c.external_id)).scalars())


def _check_ids(outcome: CallbackOutcome) -> None:
    for kind, listed in (("customer", outcome.customers), ("group", outcome.groups)):
        for item in listed:
            if len(item["id"]) > ID_MAX:
                raise CallbackError(
                    Reason.event, f"the {kind} id {item['id'][:40]!r}… is longer than {ID_MAX} characters"
                )


def _insert(conn: Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    conn.execute(insert_ignoring(conn, table, ("external_id",)).rows(), rows)


def _add_unknown(conn: Connection, outcome: CallbackOutcome, *, now_us: int) -> None:
    """Create the customers and groups the callback names that siyu does not know; a known one is
    left as it is (its owner is siyu's to keep: imports and transfers set it)."""
    if outcome.customers:
        owners = {item["owner"] for item in outcome.customers if item.get("owner")}
        found = conn.execute(sa.select(staff.c.external_id, staff.c.id).where(staff.c.external_id.in_(owners)))
        owner_ids = {row.external_id: row.id for row in found}
        rows = [
            {
                "external_id": item["id"],
                "name": "",
                "owner_id": owner_ids.get(item.get("owner", "")),
                "created_at": now_us,
                "updated_at": now_us,
            }
            for item in outcome.customers
        ]
        _insert(conn, customers, rows)
    if outcome.groups:
        rows = [
            {"external_id": item["id"], "name": "", "created_at": now_us, "updated_at": now_us}
            for item in outcome.groups
        ]
        _insert(conn, chat_groups, rows)


Signature = Annotated[str, Query(max_length=128, description="WeCom's signature of the call (SHA1 hex)")]
Timestamp = Annotated[
    str, Query(max_length=20, description="Unix seconds; more than 300 s from siyu's clock is refused")
]
Nonce = Annotated[str, Query(max_length=128, description="WeCom's random nonce")]
EchoStr = Annotated[str, Query(max_length=4096, description="The encrypted text to decrypt and answer")]
CallbackBody = Annotated[bytes, Depends(body_capped_at(MAX_XML_BYTES))]

TEXT_ANSWER: dict[int | str, dict[str, Any]] = {200: {"content": {"text/plain": {}}}}
REFUSALS: dict[int | str, dict[str, Any]] = {
    400: {"description": "The body or the decrypted callback is malformed"},
    403: {"description": "Not signed with this channel's Token, for another corp, or outside the 300 s window"},
    503: {"description": "The wecom channel is disabled or lacks corp_id, callback_token or callback_aes_key"},
}


@router.get(
    PATH,
    response_class=PlainTextResponse,
    summary="WeCom's URL check of the callback address (signed by WeCom, no sign-in)",
    description="WeCom calls it when the callback is saved in its admin console; the answer is the decrypted "
    "`echostr`, as plain text.",
    responses={200: {"description": "The decrypted echostr", **TEXT_ANSWER[200]}, **REFUSALS},
)
def verify_url(
    request: Request, msg_signature: Signature, timestamp: Timestamp, nonce: Nonce, echostr: EchoStr, now: NowUs
) -> Response:
    try:
        with engine_of(request).begin() as conn:
            crypto, _corp_id = _crypto(conn)
        check_timestamp(timestamp, now // US_PER_SECOND)
        answer = crypto.verify_url(msg_signature, timestamp, nonce, echostr)
    except CallbackError as exc:
        return _answer(_refused(exc))
    except Refused as refused:
        return _answer(refused)
    return PlainTextResponse(answer)


@router.post(
    PATH,
    response_class=PlainTextResponse,
    summary="A WeCom callback: customer and group changes become events (signed by WeCom, no sign-in)",
    description="The body is WeCom's encrypted XML envelope (`<xml><ToUserName/><Encrypt/><AgentID/></xml>`, "
    f"at most {MAX_XML_BYTES:,} bytes). New friends, deleted friends, group creation, members joining or "
    "leaving and dismissed groups become the events friend_added, friend_deleted, group_created, "
    "group_joined, group_left and group_dismissed; customers and groups siyu does not know yet are "
    "created. The answer is `success` (WeCom retries anything else), for callbacks siyu has no use for too.",
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "WeCom's encrypted envelope",
            "content": {"text/xml": {"schema": {"type": "string"}}},
        }
    },
    responses={
        200: {"description": "`success`: stored, or of no use to siyu", **TEXT_ANSWER[200]},
        413: {"description": f"The body is over {MAX_XML_BYTES:,} bytes"},
        422: {"description": "An event of the callback cannot be stored; the problem says where"},
        **REFUSALS,
    },
)
def receive(
    request: Request,
    body: CallbackBody,
    msg_signature: Signature,
    timestamp: Timestamp,
    nonce: Nonce,
    now: NowUs,
) -> Response:
    try:
        with engine_of(request).begin() as conn:
            crypto, corp_id = _crypto(conn)
            check_timestamp(timestamp, now // US_PER_SECOND)
            envelope = parse_envelope(body)
            callback = crypto.decrypt(msg_signature, timestamp, nonce, envelope.encrypt)
            outcome = events_from_callback(callback, corp_id=corp_id, staff_ids=_staff_ids(conn))
        _check_ids(outcome)
    except CallbackError as exc:
        return _answer(_refused(exc))
    except Refused as refused:
        return _answer(refused)
    if outcome.ignored:
        log.info("wecom callback ignored: %s", outcome.ignored)
    if outcome.customers or outcome.groups or outcome.events:
        # writers queue as the Db dependency does (web/deps.db)
        with request.app.state.write_queue, writer_of(request).begin() as conn:
            _add_unknown(conn, outcome, now_us=now)
            # the profile (name, avatar) is fetched by the worker: WeCom wants its answer within 5 s
            wecom_profiles.queue(conn, outcome.profiles, now_us=now)
            if outcome.events:
                store_events(conn, list(outcome.events), where="events")
    return PlainTextResponse(ACK)


def _answer(refused: Refused) -> JSONResponse:
    if refused.status == 503:
        log.warning("wecom callback refused: %s", refused.message)
    return refused.response()
