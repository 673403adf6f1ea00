"""Console users: passwords (argon2), sessions, API tokens and login throttling.

Secrets leave this module once, when they are made; the database keeps only their SHA-256, so a
copy of it opens no session and replays no token."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.engine import Connection, Engine

from siyu.core.errors import AuthError, NotFoundError, Problem, ThrottledError, ValidationError
from siyu.core.language import LOCALES
from siyu.core.timeutil import US_PER_SECOND
from siyu.store.tables import api_tokens, login_attempts, staff, user_sessions, users


class Role(StrEnum):
    admin = "admin"  # everything, users included
    operator = "operator"  # SOPs, imports, settings, every customer and task
    staff = "staff"  # their own tasks and customers only


SESSION_SECONDS = 12 * 3600
THROTTLE_WINDOW_SECONDS = 15 * 60
MAX_FAILURES_PER_USER = 5
MAX_FAILURES_PER_CLIENT = 30
MIN_PASSWORD_LENGTH = 8
TOKEN_PREFIX = "siyu_"
_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$")
_hasher = PasswordHasher()


@dataclass(frozen=True)
class User:
    id: int
    username: str
    display_name: str
    role: Role
    staff_id: int | None
    staff_external_id: str | None
    locale: str
    disabled: bool

    @property
    def is_staff(self) -> bool:
        return self.role is Role.staff

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "username": self.username,
            "display_name": self.display_name,
            "role": self.role.value,
            "staff": self.staff_external_id,
            "locale": self.locale,
            "disabled": self.disabled,
        }


@dataclass(frozen=True)
class Session:
    user: User
    csrf_token: str


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _user_query() -> sa.Select[Any]:
    return sa.select(users, staff.c.external_id.label("staff_external_id")).select_from(
        users.outerjoin(staff, staff.c.id == users.c.staff_id)
    )


def _user(row: Any) -> User:
    return User(
        id=row.id,
        username=row.username,
        display_name=row.display_name,
        role=Role(row.role),
        staff_id=row.staff_id,
        staff_external_id=row.staff_external_id,
        locale=row.locale,
        disabled=bool(row.disabled),
    )


def _check_new(
    conn: Connection, *, username: str | None, password: str | None, role: Role | None, staff_external_id: str | None
) -> tuple[list[Problem], int | None]:
    problems: list[Problem] = []
    if username is not None and not _USERNAME.match(username):
        problems.append(Problem("username", "2–64 letters, digits or . _ @ -, starting with a letter or digit"))
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        problems.append(Problem("password", f"at least {MIN_PASSWORD_LENGTH} characters"))
    staff_id: int | None = None
    if staff_external_id:
        staff_id = conn.execute(sa.select(staff.c.id).where(staff.c.external_id == staff_external_id)).scalar()
        if staff_id is None:
            problems.append(Problem("staff", f"no staff member {staff_external_id}"))
    if role is Role.staff and not staff_external_id:
        problems.append(Problem("staff", "a staff user must be linked to a staff id"))
    return problems, staff_id


def create_user(
    conn: Connection,
    *,
    username: str,
    password: str,
    role: Role,
    now_us: int,
    staff_external_id: str | None = None,
    display_name: str = "",
    locale: str = "zh-CN",
) -> User:
    problems, staff_id = _check_new(
        conn, username=username, password=password, role=role, staff_external_id=staff_external_id
    )
    if locale not in LOCALES:
        problems.append(Problem("locale", f"one of {', '.join(LOCALES)}"))
    if conn.execute(sa.select(users.c.id).where(users.c.username == username)).first() is not None:
        problems.append(Problem("username", f"{username} is taken"))
    if problems:
        raise ValidationError(problems)
    conn.execute(
        sa.insert(users).values(
            username=username,
            display_name=display_name or username,
            role=role.value,
            staff_id=staff_id,
            password_hash=_hasher.hash(password),
            locale=locale,
            disabled=False,
            created_at=now_us,
            updated_at=now_us,
        )
    )
    return get_user(conn, username)


def update_user(
    conn: Connection,
    username: str,
    *,
    now_us: int,
    role: Role | None = None,
    staff_external_id: str | None = None,
    display_name: str | None = None,
    password: str | None = None,
    locale: str | None = None,
    disabled: bool | None = None,
) -> User:
    current = get_user(conn, username)
    new_role = role or current.role
    linked = staff_external_id if staff_external_id is not None else current.staff_external_id
    problems, staff_id = _check_new(
        conn, username=None, password=password, role=new_role, staff_external_id=linked or None
    )
    if locale is not None and locale not in LOCALES:
        problems.append(Problem("locale", f"one of {', '.join(LOCALES)}"))
    if problems:
        raise ValidationError(problems)
    values: dict[str, Any] = {"updated_at": now_us, "role": new_role.value, "staff_id": staff_id}
    if display_name is not None:
        values["display_name"] = display_name
    if password is not None:
        values["password_hash"] = _hasher.hash(password)
    if locale is not None:
        values["locale"] = locale
    if disabled is not None:
        values["disabled"] = disabled
    conn.execute(sa.update(users).where(users.c.id == current.id).values(**values))
    if password is not None or disabled:
        end_credentials(conn, current.id, now_us=now_us)
    return get_user(conn, username)


def end_credentials(conn: Connection, user_id: int, *, now_us: int) -> None:
    """Close every session of a user and revoke every API token: a new password or a disabled
    account leaves nothing signed in with the old one, the session that made the change included,
    and enabling the account again brings no token back."""
    conn.execute(sa.delete(user_sessions).where(user_sessions.c.user_id == user_id))
    conn.execute(
        sa.update(api_tokens)
        .where(api_tokens.c.user_id == user_id, api_tokens.c.revoked_at.is_(None))
        .values(revoked_at=now_us)
    )


def get_user(conn: Connection, username: str) -> User:
    row = conn.execute(_user_query().where(users.c.username == username)).first()
    if row is None:
        raise NotFoundError(f"no user {username}")
    return _user(row)


def list_users(conn: Connection) -> list[User]:
    return [_user(row) for row in conn.execute(_user_query().order_by(users.c.username))]


def count_users(conn: Connection) -> int:
    return int(conn.execute(sa.select(sa.func.count()).select_from(users)).scalar_one())


# ---------------------------------------------------------------- signing in


def _failures(conn: Connection, column: Any, value: str, since_us: int, *, reset_by_success: bool) -> list[int]:
    """When the counted failed attempts happened, oldest first: those in the window, and with
    `reset_by_success` only those after the last success of the same value."""
    start = since_us
    if reset_by_success:
        last_ok = conn.execute(
            sa.select(sa.func.max(login_attempts.c.at)).where(column == value, login_attempts.c.succeeded)
        ).scalar()
        if last_ok is not None:
            start = max(since_us, int(last_ok) + 1)
    return [
        int(at)
        for at in conn.scalars(
            sa.select(login_attempts.c.at)
            .where(column == value, login_attempts.c.at >= start, sa.not_(login_attempts.c.succeeded))
            .order_by(login_attempts.c.at)
        )
    ]


def check_throttle(conn: Connection, *, username: str, client: str, now_us: int) -> None:
    """Refuse (ThrottledError) while a username has MAX_FAILURES_PER_USER failures since its own
    last success, or an address MAX_FAILURES_PER_CLIENT failures, within the window. A success
    from an address does not clear the address's count: one's own account signed in between
    guesses at others must not reopen the address; only time does."""
    window_us = THROTTLE_WINDOW_SECONDS * US_PER_SECOND
    since = now_us - window_us
    for column, value, limit, reset in (
        (login_attempts.c.username, username[:64], MAX_FAILURES_PER_USER, True),
        (login_attempts.c.client, client[:64], MAX_FAILURES_PER_CLIENT, False),
    ):
        failures = _failures(conn, column, value, since, reset_by_success=reset)
        if len(failures) >= limit:
            # sign-in opens again when enough failures have left the window to fall under the limit
            leaves = failures[len(failures) - limit] + window_us + 1  # counted while at >= now - window
            retry = max(1, -(-(leaves - now_us) // US_PER_SECOND))
            raise ThrottledError(f"too many failed sign-ins; try again in {retry} s", retry_after=retry)


def authenticate(conn: Connection, *, username: str, password: str, client: str, now_us: int) -> User | None:
    """The user for these credentials, or None; the attempt is recorded either way, so the
    caller must commit even when it refuses (see `sign_in`). Raises ThrottledError after
    repeated failures, before looking at the password."""
    check_throttle(conn, username=username, client=client, now_us=now_us)
    row = conn.execute(_user_query().where(users.c.username == username)).first()
    ok = False
    if row is not None and not row.disabled:
        try:
            ok = _hasher.verify(row.password_hash, password)
        except (VerificationError, InvalidHashError):
            ok = False
    else:
        _hasher.hash(password)  # the same work either way: timing tells nothing about the name
    conn.execute(sa.insert(login_attempts).values(username=username[:64], client=client[:64], at=now_us, succeeded=ok))
    if not ok or row is None:
        return None
    if _hasher.check_needs_rehash(row.password_hash):
        conn.execute(sa.update(users).where(users.c.id == row.id).values(password_hash=_hasher.hash(password)))
    return _user(row)


def sign_in(engine: Engine, *, username: str, password: str, client: str, now_us: int) -> tuple[str, Session]:
    """Check the credentials and open a session, in a transaction of its own that commits the
    attempt even when it is refused (AuthError), so failures count towards throttling."""
    with engine.execution_options(siyu_begin="IMMEDIATE").begin() as conn:
        user = authenticate(conn, username=username, password=password, client=client, now_us=now_us)
        opened = open_session(conn, user, now_us=now_us) if user is not None else None
    if opened is None:
        raise AuthError("wrong username or password")
    return opened


def open_session(conn: Connection, user: User, *, now_us: int) -> tuple[str, Session]:
    """A new session: the cookie value (returned once) and the session with its CSRF token."""
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    conn.execute(
        sa.insert(user_sessions).values(
            token_hash=digest(token),
            user_id=user.id,
            csrf_token=csrf,
            created_at=now_us,
            expires_at=now_us + SESSION_SECONDS * US_PER_SECOND,
        )
    )
    return token, Session(user, csrf)


def session_for(conn: Connection, token: str, *, now_us: int) -> Session | None:
    row = conn.execute(
        _user_query()
        .add_columns(user_sessions.c.csrf_token, user_sessions.c.expires_at)
        .join(user_sessions, user_sessions.c.user_id == users.c.id)
        .where(user_sessions.c.token_hash == digest(token))
    ).first()
    if row is None or row.expires_at <= now_us or row.disabled:
        return None
    return Session(_user(row), row.csrf_token)


def close_session(conn: Connection, token: str) -> None:
    conn.execute(sa.delete(user_sessions).where(user_sessions.c.token_hash == digest(token)))


def close_expired_sessions(conn: Connection, *, now_us: int) -> int:
    return conn.execute(sa.delete(user_sessions).where(user_sessions.c.expires_at <= now_us)).rowcount


# ---------------------------------------------------------------- API tokens


@dataclass(frozen=True)
class ApiToken:
    id: int
    name: str
    prefix: str
    created_at: int
    last_used_at: int | None
    revoked_at: int | None


def create_token(conn: Connection, user: User, *, name: str, now_us: int) -> tuple[str, ApiToken]:
    """A new API token for `user`: the secret (shown once) and its record."""
    if not name.strip() or len(name) > 100:
        raise ValidationError([Problem("name", "a token needs a name of 1–100 characters")])
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token_id = conn.execute(
        sa.insert(api_tokens)
        .values(
            user_id=user.id,
            name=name.strip(),
            token_hash=digest(secret),
            prefix=secret[: len(TOKEN_PREFIX) + 6],
            created_at=now_us,
        )
        .returning(api_tokens.c.id)
    ).scalar_one()
    return secret, ApiToken(token_id, name.strip(), secret[: len(TOKEN_PREFIX) + 6], now_us, None, None)


def tokens_of(conn: Connection, user: User) -> list[ApiToken]:
    rows = conn.execute(sa.select(api_tokens).where(api_tokens.c.user_id == user.id).order_by(api_tokens.c.id))
    return [ApiToken(r.id, r.name, r.prefix, r.created_at, r.last_used_at, r.revoked_at) for r in rows]


def revoke_token(conn: Connection, user: User, token_id: int, *, now_us: int) -> None:
    done = conn.execute(
        sa.update(api_tokens)
        .where(api_tokens.c.id == token_id, api_tokens.c.user_id == user.id, api_tokens.c.revoked_at.is_(None))
        .values(revoked_at=now_us)
    ).rowcount
    if not done:
        raise NotFoundError(f"no active token {token_id}")


@dataclass(frozen=True)
class TokenUse:
    user: User
    token_id: int
    stale: bool  # last_used_at is older than a minute: worth recording (see `touch_token`)


def user_for_token(conn: Connection, secret: str, *, now_us: int) -> TokenUse | None:
    """The user of an active token; reads only, so a GET stays a read-only transaction."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    row = conn.execute(
        _user_query()
        .add_columns(api_tokens.c.id.label("token_id"), api_tokens.c.last_used_at)
        .join(api_tokens, api_tokens.c.user_id == users.c.id)
        .where(api_tokens.c.token_hash == digest(secret), api_tokens.c.revoked_at.is_(None))
    ).first()
    if row is None or row.disabled:
        return None
    stale = row.last_used_at is None or now_us - row.last_used_at > 60 * US_PER_SECOND
    return TokenUse(_user(row), row.token_id, stale)


def mark_token_used(conn: Connection, token_id: int, *, now_us: int) -> None:
    """Record when a token was last used (a minute's precision: a write per request would
    serialise readers on SQLite)."""
    conn.execute(
        sa.update(api_tokens)
        .where(api_tokens.c.id == token_id)
        .where(sa.or_(api_tokens.c.last_used_at.is_(None), api_tokens.c.last_used_at < now_us))
        .values(last_used_at=now_us)
    )
