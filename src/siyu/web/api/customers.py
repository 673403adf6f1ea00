"""Customers: search and filters, one customer with tags, groups, attributes, events, SOP
history and tasks, and each of those long lists paged on its own.

Customers are named by their id (the external id the brand imported them with). A staff user
sees only the customers they own: another's customer answers 404, as if it did not exist, and
lists hold only their own; of a customer's tasks they see the ones they execute."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from siyu.brand import settings as brand_settings
from siyu.directory import customers as customer_service
from siyu.web.api.tasks import TaskOut
from siyu.web.deps import AnyUser, Db, ReaderLocale
from siyu.web.paging import PagingQuery, page
from siyu.web.scope import limited_to

router = APIRouter(tags=["customers"])

FIRST_ROWS = 20  # rows of each long list inside a customer's detail

CustomerId = Annotated[str, Path(min_length=1, max_length=128, description="The customer's id (as imported)")]
AttrScalar = bool | int | float | str


class CustomerOut(BaseModel):
    id: str = Field(description="The customer's id (as imported)")
    name: str
    owner: str | None = Field(description="The owning staff member's id")
    owner_name: str | None
    birthday: str | None = Field(description="YYYY-MM-DD")
    tags: list[str]


class CustomerPage(BaseModel):
    items: list[CustomerOut]
    next_offset: int | None


class GroupRef(BaseModel):
    id: str
    name: str
    owner: str | None


class GroupRefPage(BaseModel):
    items: list[GroupRef]
    next_offset: int | None


class EventOut(BaseModel):
    id: str
    type: str
    at: str
    group: str | None
    group_name: str | None
    properties: dict[str, Any]


class EventPage(BaseModel):
    items: list[EventOut]
    next_offset: int | None


class EntryOut(BaseModel):
    sop: str
    sop_name: str
    entry: int = Field(description="1 for the first time in this SOP, 2 for the second…")
    version: int = Field(description="The SOP version the customer entered under")
    entered_at: str
    exited_at: str | None
    exit_reason: str | None = Field(description="Why the entry ended, in the reader's language")
    holdout: bool = Field(description="In the SOP's control group: counted, but gets no tasks")
    active: bool


class EntryPage(BaseModel):
    items: list[EntryOut]
    next_offset: int | None


class CustomerTaskOut(TaskOut):
    sop_name: str


class CustomerTaskPage(BaseModel):
    items: list[CustomerTaskOut]
    next_offset: int | None


class CustomerDetail(BaseModel):
    id: str
    name: str
    owner: str | None
    owner_name: str | None
    birthday: str | None
    created_at: str
    updated_at: str
    attributes: dict[str, AttrScalar]
    tags: list[str]
    groups: GroupRefPage
    events: EventPage = Field(description="Newest first")
    sops: EntryPage = Field(description="The SOPs the customer is or was in, newest entry first")
    tasks: CustomerTaskPage = Field(description="Latest due first")


@router.get("/customers", response_model=CustomerPage, summary="Search and list customers")
def list_customers(
    conn: Db,
    who: AnyUser,
    at: PagingQuery,
    q: Annotated[
        str | None,
        Query(max_length=128, description="The start of the customer's id or name (ids first, then names)"),
    ] = None,
    exact_id: Annotated[str | None, Query(alias="id", max_length=128, description="Exactly this customer id")] = None,
    tag: Annotated[str | None, Query(max_length=100, description="Only customers with this tag")] = None,
    owner: Annotated[
        str | None,
        Query(max_length=128, description="Only this staff member's customers (a staff user: always their own)"),
    ] = None,
) -> dict[str, Any]:
    staff_id = limited_to(who)
    owner_id = None
    if owner is not None and staff_id is None:
        owner_id = customer_service.staff_id_of(conn, owner, "owner")
    search = customer_service.CustomerSearch(
        q=customer_service.search_text(q, "q"),
        external_id=exact_id,
        tag=tag,
        owner_id=owner_id,
        limit=at.fetch,
        offset=at.offset,
    )
    return page(customer_service.search(conn, search, staff_id=staff_id), at)


@router.get("/customers/{customer_id}", response_model=CustomerDetail, summary="One customer, everything about them")
def get_customer(customer_id: CustomerId, conn: Db, who: AnyUser, locale: ReaderLocale) -> dict[str, Any]:
    return customer_service.detail(conn, customer_id, staff_id=limited_to(who), first=FIRST_ROWS, locale=locale)


@router.get("/customers/{customer_id}/events", response_model=EventPage, summary="A customer's events, newest first")
def customer_events(customer_id: CustomerId, conn: Db, who: AnyUser, at: PagingQuery) -> dict[str, Any]:
    internal = customer_service.visible_id(conn, customer_id, staff_id=limited_to(who))
    zone = brand_settings.load(conn).zone
    return page(customer_service.events_of(conn, internal, zone, limit=at.fetch, offset=at.offset), at)


@router.get(
    "/customers/{customer_id}/tasks",
    response_model=CustomerTaskPage,
    summary="Tasks about a customer, latest due first",
)
def customer_tasks(
    customer_id: CustomerId, conn: Db, who: AnyUser, at: PagingQuery, locale: ReaderLocale
) -> dict[str, Any]:
    staff_id = limited_to(who)
    internal = customer_service.visible_id(conn, customer_id, staff_id=staff_id)
    zone = brand_settings.load(conn).zone
    rows = customer_service.tasks_of(
        conn, internal, zone, executor_id=staff_id, limit=at.fetch, offset=at.offset, locale=locale
    )
    return page(rows, at)


@router.get(
    "/customers/{customer_id}/sops", response_model=EntryPage, summary="The SOPs a customer is or was in, newest first"
)
def customer_sops(
    customer_id: CustomerId, conn: Db, who: AnyUser, at: PagingQuery, locale: ReaderLocale
) -> dict[str, Any]:
    internal = customer_service.visible_id(conn, customer_id, staff_id=limited_to(who))
    zone = brand_settings.load(conn).zone
    return page(customer_service.entries_of(conn, internal, zone, limit=at.fetch, offset=at.offset, locale=locale), at)


@router.get("/customers/{customer_id}/groups", response_model=GroupRefPage, summary="The groups a customer is in")
def customer_groups(customer_id: CustomerId, conn: Db, who: AnyUser, at: PagingQuery) -> dict[str, Any]:
    internal = customer_service.visible_id(conn, customer_id, staff_id=limited_to(who))
    return page(customer_service.groups_in(conn, internal, limit=at.fetch, offset=at.offset), at)
