"""Staff, groups and tags.

A staff user sees themselves only, the groups they own or hold a role in (another group
answers 404), and the tags of their own customers, groups and self, counted over those alone."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from siyu.directory import customers as customer_service
from siyu.directory import people as directory
from siyu.directory.people import TagKind
from siyu.web.api.customers import AttrScalar, CustomerPage
from siyu.web.deps import AnyUser, Db
from siyu.web.paging import PagingQuery, page
from siyu.web.scope import limited_to

router = APIRouter(tags=["directory"])

FIRST_MEMBERS = 50

StaffId = Annotated[str, Path(min_length=1, max_length=128, description="The staff member's id (as imported)")]
GroupId = Annotated[str, Path(min_length=1, max_length=128, description="The group's id (as imported)")]
Search = Annotated[str | None, Query(max_length=128, description="The start of the id, or any part of the name")]


class StaffOut(BaseModel):
    id: str
    name: str
    manager: str | None
    roles: list[str]
    tags: list[str]


class StaffPage(BaseModel):
    items: list[StaffOut]
    next_offset: int | None


class StaffDetail(StaffOut):
    reports: list[str] = Field(description="Staff members who report to this one (up to 200)")
    customers: int = Field(description="Customers this staff member owns")
    groups_owned: int


class GroupOut(BaseModel):
    id: str
    name: str
    owner: str | None
    owner_name: str | None
    tags: list[str]
    members: int


class GroupPage(BaseModel):
    items: list[GroupOut]
    next_offset: int | None


class GroupRole(BaseModel):
    staff: str
    name: str
    role: str


class GroupDetail(GroupOut):
    roles: list[GroupRole]
    attributes: dict[str, AttrScalar]
    member_list: CustomerPage = Field(
        description="The first members; read on with /groups/{id}/members. A staff user sees only their own customers"
    )
    other_members: int = Field(
        description="Members who are not the staff user's own customers: counted, never listed (0 for operators)"
    )


class TagOut(BaseModel):
    tag: str
    count: int
    capped: bool = Field(description=f"true: at least `count` (counting stops at {directory.COUNT_CAP:,})")


class TagPage(BaseModel):
    items: list[TagOut]
    next_offset: int | None


@router.get("/staff", response_model=StaffPage, summary="List staff (a staff user: only themselves)")
def list_staff(
    conn: Db,
    who: AnyUser,
    at: PagingQuery,
    q: Search = None,
    role: Annotated[str | None, Query(max_length=100)] = None,
    tag: Annotated[str | None, Query(max_length=100)] = None,
) -> dict[str, Any]:
    where = directory.StaffSearch(
        q=customer_service.search_text(q, "q"), role=role, tag=tag, limit=at.fetch, offset=at.offset
    )
    return page(directory.list_staff(conn, where, staff_id=limited_to(who)), at)


@router.get("/staff/{staff_id}", response_model=StaffDetail, summary="One staff member")
def get_staff(staff_id: StaffId, conn: Db, who: AnyUser) -> dict[str, Any]:
    return directory.staff_detail(conn, staff_id, staff_id=limited_to(who))


@router.get("/groups", response_model=GroupPage, summary="List groups (a staff user: theirs)")
def list_groups(
    conn: Db,
    who: AnyUser,
    at: PagingQuery,
    q: Search = None,
    tag: Annotated[str | None, Query(max_length=100)] = None,
    owner: Annotated[str | None, Query(max_length=128, description="Only groups this staff member owns")] = None,
) -> dict[str, Any]:
    owner_id = customer_service.staff_id_of(conn, owner, "owner") if owner is not None else None
    where = directory.GroupSearch(
        q=customer_service.search_text(q, "q"), tag=tag, owner_id=owner_id, limit=at.fetch, offset=at.offset
    )
    return page(directory.list_groups(conn, where, staff_id=limited_to(who)), at)


@router.get("/groups/{group_id}", response_model=GroupDetail, summary="One group with roles, tags and members")
def get_group(group_id: GroupId, conn: Db, who: AnyUser) -> dict[str, Any]:
    return directory.group_detail(conn, group_id, staff_id=limited_to(who), first=FIRST_MEMBERS)


@router.get(
    "/groups/{group_id}/members",
    response_model=CustomerPage,
    summary="A group's members (a staff user: only their own customers; the others are counted in the group)",
)
def group_members(group_id: GroupId, conn: Db, who: AnyUser, at: PagingQuery) -> dict[str, Any]:
    scope = limited_to(who)
    internal = directory.group_id_of(conn, group_id, staff_id=scope)
    return page(directory.members_of(conn, internal, limit=at.fetch, offset=at.offset, staff_id=scope), at)


@router.get("/tags", response_model=TagPage, summary="Tags in use, with how many carry each")
def list_tags(
    conn: Db,
    who: AnyUser,
    at: PagingQuery,
    of: Annotated[TagKind, Query(description="Tags of customers, groups or staff")] = TagKind.customer,
) -> dict[str, Any]:
    return page(directory.list_tags(conn, of, staff_id=limited_to(who), limit=at.fetch, offset=at.offset), at)
