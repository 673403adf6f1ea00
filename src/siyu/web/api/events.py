"""Event ingest: one event, or a batch of up to 1,000, idempotent by event id.

The rows are checked and stored by the import's own code (siyu.ingest.batch), so an event
sent here and a line of an events file follow the same rules. Sending an id again stores
nothing and says so (`already_stored`); the first write of an id wins. A batch is all or
nothing: any problem is reported at its place (`events[3].customer`) and nothing is written.

Operators, admins and their API tokens may send events; a staff user may not."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Response
from pydantic import BaseModel, ConfigDict, Field

from siyu.ingest.batch import store_events
from siyu.web.deps import Db, Operator

router = APIRouter(tags=["events"])

MAX_BATCH = 1_000


class EventIn(BaseModel):
    """One event, as a line of an events file (JSON Lines) holds it."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(max_length=128, description="The event's own id: sending it again stores nothing new")
    type: str = Field(max_length=64, description="order_paid, page_view, group_join…")
    at: str = Field(description="When it happened: ISO 8601 with an offset, e.g. 2026-11-20T10:00:00+08:00")
    customer: str | None = Field(
        None, max_length=128, description="The customer's id (a customer or a group is needed)"
    )
    group: str | None = Field(None, max_length=128, description="The group's id")
    properties: dict[str, Any] | None = Field(None, description="Anything else: amount, product, sku…")


def _documented(model: type[BaseModel]) -> dict[str, Any]:
    schema = model.model_json_schema()
    schema.pop("title", None)
    return schema


EVENT_SCHEMA = _documented(EventIn)


class EventBatchIn(BaseModel):
    events: list[dict[str, Any]] = Field(
        min_length=1,
        max_length=MAX_BATCH,
        description=f"1 to {MAX_BATCH:,} events",
        json_schema_extra={"items": EVENT_SCHEMA},
    )


class EventsStored(BaseModel):
    new: list[str] = Field(description="Ids stored by this request, in the order sent")
    already_stored: list[str] = Field(description="Ids that were stored before: nothing was changed")


EventBody = Annotated[dict[str, Any], Body(description="One event", json_schema_extra=EVENT_SCHEMA)]


@router.post(
    "/events",
    response_model=EventsStored,
    status_code=201,
    summary="Send one event",
    responses={200: {"model": EventsStored, "description": "The event was already stored; nothing changed"}},
)
def ingest_one(body: EventBody, response: Response, conn: Db, who: Operator) -> dict[str, Any]:
    stored = store_events(conn, [body], where="")
    if not stored.new:
        response.status_code = 200
    return {"new": stored.new, "already_stored": stored.already_stored}


@router.post("/events/batch", response_model=EventsStored, summary=f"Send up to {MAX_BATCH:,} events at once")
def ingest_batch(body: EventBatchIn, conn: Db, who: Operator) -> dict[str, Any]:
    stored = store_events(conn, body.events, where="events")
    return {"new": stored.new, "already_stored": stored.already_stored}
