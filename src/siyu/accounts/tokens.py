"""A user's API tokens, made and revoked with their audit entries (API and console alike)."""

from __future__ import annotations

from sqlalchemy.engine import Connection

from siyu.accounts import audit
from siyu.accounts import users as accounts
from siyu.accounts.actors import Actor
from siyu.accounts.users import ApiToken, User


def make(conn: Connection, user: User, *, name: str, now_us: int) -> tuple[str, ApiToken]:
    """A new token for `user`: its secret (shown once) and its record."""
    secret, token = accounts.create_token(conn, user, name=name, now_us=now_us)
    audit.record(
        conn,
        actor=user,
        action="token.create",
        subject_type="user",
        subject_id=user.username,
        now_us=now_us,
        detail={"token": token.prefix, "name": token.name},
    )
    return secret, token


def revoke(conn: Connection, user: User, token_id: int, *, now_us: int, actor: Actor | None = None) -> None:
    """Revoke one of `user`'s tokens: their own doing, or an admin's (`actor`)."""
    accounts.revoke_token(conn, user, token_id, now_us=now_us)
    audit.record(
        conn,
        actor=actor or user,
        action="token.revoke",
        subject_type="user",
        subject_id=user.username,
        now_us=now_us,
        detail={"token_id": token_id},
    )
