"""The outbox (operators and admins): deliveries listed with filters, one with the payload handed
to the provider, counts by adapter and status, and retries — one dead or failed delivery, or every
dead letter at once. A retry starts the delivery over from its first try and is audited.

Staff users get 403 here: they follow their own tasks under /tasks."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from siyu.brand import settings as brand_settings
from siyu.delivery import deliveries as delivery_service
from siyu.delivery.deliveries import DeliveryFilter
from siyu.web.deps import Db, NowUs, Operator
from siyu.web.paging import PagingQuery, page
from siyu.web.params import MAX_BIGINT, BigRowId

router = APIRouter(tags=["deliveries"])

# the service's STATUSES, the adapters of channels.delivery_settings.ADAPTERS and channels.base.Purpose
# (a test keeps them equal); Literal makes them an enum in the OpenAPI schema and a located 422
DeliveryStatus = Literal["queued", "sent", "delivered", "failed", "dead", "cancelled"]
AdapterName = Literal["inbox", "wecom", "webhook", "sms"]
PurposeName = Literal["send", "remind", "digest"]


class DeliveryOut(BaseModel):
    id: int
    key: str = Field(description='The idempotency key sent to the provider, e.g. "task:42:send"')
    purpose: str = Field(description="send (an auto task), remind (a reminder) or digest (a daily summary)")
    adapter: str
    task: int | None = Field(description="The task delivered (none for a digest)")
    staff: str | None = Field(description="The staff member's id: the sender, or the one reminded")
    customer: str | None = Field(description="The customer of the task, when it has one")
    status: str = Field(description="queued, sent, delivered, failed, dead (retries used up) or cancelled")
    sending: bool = Field(description="A worker holds the delivery and is handing it over right now")
    attempts: int
    in_doubt: bool = Field(description="The last attempt's outcome is unknown: the next one asks the provider first")
    next_attempt_at: str | None = Field(description="When a queued delivery is tried, or a sent one is asked about")
    provider_ref: str | None = Field(description="The provider's reference for the message")
    last_error: str | None
    error_code: str | None
    created_at: str
    sent_at: str | None
    delivered_at: str | None
    updated_at: str


class DeliveryDetail(DeliveryOut):
    payload: Any = Field(description="What was handed to the provider (null until the first attempt)")


class DeliveryPage(BaseModel):
    items: list[DeliveryOut]
    next_offset: int | None


class RetriedOut(BaseModel):
    retried: int = Field(description="How many dead letters went back in the queue")


@router.get("/deliveries", response_model=DeliveryPage, summary="List deliveries, newest first")
def list_deliveries(
    conn: Db,
    who: Operator,
    now: NowUs,
    at: PagingQuery,
    status: Annotated[
        DeliveryStatus | None, Query(description="Only deliveries in this state (dead: dead letters)")
    ] = None,
    adapter: AdapterName | None = None,
    purpose: PurposeName | None = None,
    task: Annotated[int | None, Query(ge=1, le=MAX_BIGINT, description="Only the deliveries of this task")] = None,
) -> dict[str, Any]:
    where = DeliveryFilter(
        status=status, adapter=adapter, purpose=purpose, task_id=task, limit=at.fetch, offset=at.offset
    )
    return page(delivery_service.list_deliveries(conn, where, brand_settings.load(conn).zone, now_us=now), at)


@router.get(
    "/deliveries/counts",
    response_model=dict[str, dict[str, int]],
    summary="How many deliveries each adapter has in each state",
    description='`{"wecom": {"delivered": 120, "dead": 2}, …}`; a state with none is left out.',
)
def delivery_counts(conn: Db, who: Operator) -> dict[str, dict[str, int]]:
    return delivery_service.counts(conn)


@router.post(
    "/deliveries/retry-dead",
    response_model=RetriedOut,
    summary="Put every dead letter back in the queue",
    description="Each starts over from its first try; the dispatcher still cancels one whose task is closed.",
)
def retry_dead_letters(
    conn: Db,
    who: Operator,
    now: NowUs,
    adapter: Annotated[AdapterName | None, Query(description="Only this adapter's dead letters")] = None,
) -> dict[str, int]:
    return {"retried": delivery_service.retry_dead(conn, actor=who.user, adapter=adapter, now_us=now)}


@router.get("/deliveries/{delivery_id}", response_model=DeliveryDetail, summary="One delivery, with its payload")
def get_delivery(delivery_id: BigRowId, conn: Db, who: Operator, now: NowUs) -> dict[str, Any]:
    return delivery_service.get_delivery(conn, delivery_id, brand_settings.load(conn).zone, now_us=now)


@router.post(
    "/deliveries/{delivery_id}/retry",
    response_model=DeliveryDetail,
    summary="Put a dead or failed delivery back in the queue",
    description="It starts over from its first try; any other state is refused (422).",
)
def retry_delivery(delivery_id: BigRowId, conn: Db, who: Operator, now: NowUs) -> dict[str, Any]:
    delivery_service.retry(conn, delivery_id, actor=who.user, now_us=now)
    return delivery_service.get_delivery(conn, delivery_id, brand_settings.load(conn).zone, now_us=now)
