"""Request dependencies: a transaction per request, the clock, and who is asking.

A request is signed in by an API token (`Authorization: Bearer siyu_…`) or by the console's
session cookie. Session requests that change something must carry the session's CSRF token, in
the `X-CSRF-Token` header (htmx sends it on every request) or a `csrf_token` form field."""

from __future__ import annotations

import hmac
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError

from siyu.accounts import users as accounts
from siyu.accounts.users import Role, User
from siyu.core.errors import AuthError, ForbiddenError
from siyu.core.timeutil import to_us
from siyu.web.i18n import locale_of

SESSION_COOKIE = "siyu_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def engine_of(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def writer_of(request: Request) -> Engine:
    """The engine for transactions that will write. On SQLite they take the write lock at BEGIN:
    a deferred transaction that read first fails at its first write if another writer committed
    in between (WAL snapshot), where an immediate one just waits its turn (busy_timeout)."""
    engine: Engine = request.app.state.writer_engine
    return engine


async def read_only_request(request: Request) -> None:
    """Route dependency for a POST that only reads (validating or previewing a draft): its
    transaction begins as a reader, so it does not wait for, or hold, SQLite's write lock.
    Use as `@router.post(..., dependencies=[ReadOnly])`; route dependencies run first."""
    request.state.read_only = True


ReadOnly = Depends(read_only_request)


def request_writes(request: Request) -> bool:
    return request.method not in SAFE_METHODS and not getattr(request.state, "read_only", False)


def db(request: Request) -> Iterator[Connection]:
    """One transaction for the whole request: it commits when the handler returns, and rolls
    back when it raises, so a refused request leaves nothing half written. Requests that may
    change something (every method but GET, HEAD, OPTIONS, unless marked ReadOnly) begin as writers."""
    if not request_writes(request):
        with engine_of(request).begin() as conn:
            yield conn
        return
    # on SQLite, writers queue on a lock that wakes them the moment it is free (web/write_queue.py)
    with request.app.state.write_queue, writer_of(request).begin() as conn:
        yield conn


def now_of(request: Request) -> datetime:
    clock: Callable[[], datetime] = request.app.state.clock
    return clock()


# Dependencies that do no I/O are `async def`: FastAPI runs a plain `def` dependency in its thread
# pool, a hop per dependency per request that cost about 0.1 ms each under load.
async def now_us(request: Request) -> int:
    return to_us(now_of(request))


# "function" scope: the transaction commits before the response leaves, so a client that reads
# right after a write sees it
Db = Annotated[Connection, Depends(db, scope="function")]
NowUs = Annotated[int, Depends(now_us)]


async def sent_csrf(request: Request) -> str | None:
    """The CSRF token the request carries (header, or form field of a plain form post)."""
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    if request.method in SAFE_METHODS:
        return None
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()  # starlette caches it: Form(...) parameters still read it
        value = form.get("csrf_token")
        return value if isinstance(value, str) else None
    return None


@dataclass(frozen=True)
class Caller:
    """The user behind a request, how they signed in, and their session's CSRF token."""

    user: User
    via: str  # "session" | "token"
    csrf_token: str | None = None

    @property
    def staff_id(self) -> int | None:
        """The staff member whose work this caller is limited to; None for operators and admins."""
        return self.user.staff_id if self.user.is_staff else None


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def optional_caller(
    request: Request, conn: Db, now: NowUs, csrf: Annotated[str | None, Depends(sent_csrf)]
) -> Caller | None:
    token = _bearer(request)
    if token is not None:
        use = accounts.user_for_token(conn, token, now_us=now)
        if use is None:
            raise AuthError("the API token is unknown or revoked")
        if use.stale and request_writes(request):
            accounts.mark_token_used(conn, use.token_id, now_us=now)  # this request writes anyway
        elif use.stale:
            # a reading request stays read-only: the mark is a short writer of its own that gives
            # up at once when another writer (the worker) holds SQLite's lock; a later request marks
            try:
                with writer_of(request).execution_options(siyu_no_wait=True).begin() as marker:
                    accounts.mark_token_used(marker, use.token_id, now_us=now)
            except OperationalError:
                pass
        return Caller(use.user, "token")
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    session = accounts.session_for(conn, cookie, now_us=now)
    if session is None:
        return None
    if request.method not in SAFE_METHODS and not (csrf and hmac.compare_digest(csrf, session.csrf_token)):
        raise ForbiddenError("missing or wrong CSRF token; reload the page and try again")
    return Caller(session.user, "session", session.csrf_token)


async def caller(found: Annotated[Caller | None, Depends(optional_caller)]) -> Caller:
    return signed_in(found)


def signed_in(found: Caller | None) -> Caller:
    if found is None:
        raise AuthError("sign in first (session cookie or Authorization: Bearer token)")
    if found.user.is_staff and found.user.staff_id is None:
        # the staff member was removed: their scope is gone, and no scope must never mean everything
        raise ForbiddenError("this staff account is no longer linked to a staff member; ask an admin to link it")
    return found


def require(*roles: Role) -> Callable[[Caller], Coroutine[Any, Any, Caller]]:
    """A dependency that lets only these roles through."""
    allowed = frozenset(roles)

    async def check(who: Annotated[Caller, Depends(caller)]) -> Caller:
        if who.user.role not in allowed:
            names = ", ".join(sorted(r.value for r in allowed))
            raise ForbiddenError(f"this needs the role {names}; you are {who.user.role.value}")
        return who

    return check


def standalone_caller(request: Request, now: NowUs, csrf: Annotated[str | None, Depends(sent_csrf)]) -> Caller:
    """The caller, signed in by a short transaction that ends before the handler runs: for
    handlers that open their own connections (simulations), which on SQLite would wait forever
    for a write lock the request's own transaction holds."""
    with writer_of(request).begin() as conn:
        found = optional_caller(request, conn, now, csrf)
    return signed_in(found)


async def standalone_operator(who: Annotated[Caller, Depends(standalone_caller)]) -> Caller:
    if who.user.role not in (Role.admin, Role.operator):
        raise ForbiddenError(f"this needs the role admin, operator; you are {who.user.role.value}")
    return who


AnyUser = Annotated[Caller, Depends(caller)]
# for handlers that take no `Db`: see standalone_caller
StandaloneOperator = Annotated[Caller, Depends(standalone_operator)]
Operator = Annotated[Caller, Depends(require(Role.admin, Role.operator))]
Admin = Annotated[Caller, Depends(require(Role.admin))]


def reader_locale(request: Request, who: AnyUser) -> str:
    """The language the caller reads: the console's language switch, their own setting, then
    the browser's Accept-Language."""
    return locale_of(request, who.user.locale)


ReaderLocale = Annotated[str, Depends(reader_locale)]
