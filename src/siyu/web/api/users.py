"""Users (admins only) and the audit log."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from siyu.accounts import admin, audit
from siyu.accounts import users as accounts
from siyu.accounts.users import Role
from siyu.brand import settings as brand_settings
from siyu.web.api.auth import UserOut
from siyu.web.deps import Admin, Db, NowUs, Operator
from siyu.web.params import MAX_BIGINT

router = APIRouter(tags=["accounts"])


class UserIn(BaseModel):
    username: str = Field(min_length=2, max_length=64)
    password: str = Field(min_length=accounts.MIN_PASSWORD_LENGTH, max_length=1000)
    role: Role
    staff: str | None = Field(None, description="The staff id a staff user works as")
    display_name: str = ""
    locale: str = "zh-CN"


class UserChange(BaseModel):
    role: Role | None = None
    staff: str | None = None
    display_name: str | None = None
    password: str | None = Field(None, min_length=accounts.MIN_PASSWORD_LENGTH, max_length=1000)
    locale: str | None = None
    disabled: bool | None = None


class AuditEntry(BaseModel):
    id: int
    at: str
    actor: str
    action: str
    subject_type: str
    subject_id: str
    detail: Any


@router.get("/users", response_model=list[UserOut], summary="All users")
def list_users(conn: Db, who: Admin) -> list[dict[str, Any]]:
    return [u.as_dict() for u in accounts.list_users(conn)]


@router.post("/users", response_model=UserOut, status_code=201, summary="Add a user")
def add_user(body: UserIn, conn: Db, who: Admin, now: NowUs) -> dict[str, Any]:
    user = admin.add_user(
        conn,
        actor=who.user,
        username=body.username,
        password=body.password,
        role=body.role,
        now_us=now,
        staff_external_id=body.staff,
        display_name=body.display_name,
        locale=body.locale,
    )
    return user.as_dict()


@router.patch("/users/{username}", response_model=UserOut, summary="Change a user (role, staff link, password…)")
def change_user(username: str, body: UserChange, conn: Db, who: Admin, now: NowUs) -> dict[str, Any]:
    change = admin.UserChange(
        role=body.role,
        staff=body.staff,
        display_name=body.display_name,
        password=body.password,
        locale=body.locale,
        disabled=body.disabled,
    )
    user = admin.change_user(conn, username, change, actor=who.user, now_us=now)
    return user.as_dict()


@router.get("/audit", response_model=list[AuditEntry], summary="The audit log, newest first")
def audit_log(
    conn: Db,
    who: Operator,
    subject_type: str | None = None,
    subject_id: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    before_id: Annotated[
        int | None, Query(ge=1, le=MAX_BIGINT, description="Page on: the last id of the previous page")
    ] = None,
) -> list[dict[str, Any]]:
    zone = brand_settings.load(conn).zone
    return audit.entries(conn, zone, subject_type=subject_type, subject_id=subject_id, limit=limit, before_id=before_id)
