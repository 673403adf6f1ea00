"""An admin's changes to accounts — add a user, change one — each with its audit entry, whoever
makes it: the console, the API or the CLI (`siyu user add`). Tokens are `accounts.tokens`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection

from siyu.accounts import audit
from siyu.accounts import users as accounts
from siyu.accounts.actors import Actor
from siyu.accounts.users import Role, User


@dataclass(frozen=True)
class UserChange:
    """What to change on an account; None leaves a field as it is."""

    role: Role | None = None
    staff: str | None = None  # the staff id the user works as; "" unlinks
    display_name: str | None = None
    password: str | None = None
    locale: str | None = None
    disabled: bool | None = None

    def audited(self) -> dict[str, Any]:
        """The change as the audit log keeps it: the fields given, a password only as "changed"."""
        detail: dict[str, Any] = {}
        if self.role is not None:
            detail["role"] = self.role.value
        if self.staff is not None:
            detail["staff"] = self.staff or None
        for name in ("display_name", "locale", "disabled"):
            value = getattr(self, name)
            if value is not None:
                detail[name] = value
        if self.password is not None:
            detail["password"] = "changed"
        return detail


def add_user(
    conn: Connection,
    *,
    actor: Actor,
    username: str,
    password: str,
    role: Role,
    now_us: int,
    staff_external_id: str | None = None,
    display_name: str = "",
    locale: str = "zh-CN",
) -> User:
    """A new account (ValidationError names every fault), audited as user.create."""
    user = accounts.create_user(
        conn,
        username=username,
        password=password,
        role=role,
        now_us=now_us,
        staff_external_id=staff_external_id,
        display_name=display_name,
        locale=locale,
    )
    audit.record(
        conn,
        actor=actor,
        action="user.create",
        subject_type="user",
        subject_id=user.username,
        now_us=now_us,
        detail={"role": user.role.value, "staff": user.staff_external_id},
    )
    return user


def change_user(conn: Connection, username: str, change: UserChange, *, actor: Actor, now_us: int) -> User:
    """Apply `change` (ValidationError names every fault), audited as user.change."""
    user = accounts.update_user(
        conn,
        username,
        now_us=now_us,
        role=change.role,
        staff_external_id=change.staff,
        display_name=change.display_name,
        password=change.password,
        locale=change.locale,
        disabled=change.disabled,
    )
    audit.record(
        conn,
        actor=actor,
        action="user.change",
        subject_type="user",
        subject_id=username,
        now_us=now_us,
        detail=change.audited(),
    )
    return user

