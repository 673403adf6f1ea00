"""Who am I, signing in from a script, API tokens."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from siyu.accounts import tokens
from siyu.accounts import users as accounts
from siyu.core.timeutil import from_us
from siyu.web.deps import SESSION_COOKIE, AnyUser, Db, NowUs, engine_of
from siyu.web.params import RowId

router = APIRouter(tags=["accounts"])


class UserOut(BaseModel):
    id: int
    username: str
    display_name: str
    role: str
    staff: str | None
    locale: str
    disabled: bool


class Me(BaseModel):
    user: UserOut
    csrf_token: str | None = Field(description="Send it as X-CSRF-Token on changes made with the session cookie")


class Credentials(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1000)


class TokenIn(BaseModel):
    name: str = Field(min_length=1, max_length=100, description="What the token is for, e.g. 'CRM sync'")


class TokenOut(BaseModel):
    id: int
    name: str
    prefix: str
    created_at: str
    last_used_at: str | None
    revoked_at: str | None


class NewToken(TokenOut):
    token: str = Field(description="The secret; shown this once only")


def _token(token: accounts.ApiToken) -> dict[str, Any]:
    def at(us: int | None) -> str | None:
        return from_us(us).isoformat() if us is not None else None

    return {
        "id": token.id,
        "name": token.name,
        "prefix": token.prefix,
        "created_at": at(token.created_at),
        "last_used_at": at(token.last_used_at),
        "revoked_at": at(token.revoked_at),
    }


@router.get("/me", response_model=Me, summary="The signed-in user")
def me(who: AnyUser) -> dict[str, Any]:
    return {"user": who.user.as_dict(), "csrf_token": who.csrf_token}


@router.post("/session", response_model=Me, summary="Sign in with a password (sets the session cookie)")
def sign_in(body: Credentials, request: Request, response: Response, now: NowUs) -> dict[str, Any]:
    client = request.client.host if request.client else "unknown"
    token, session = accounts.sign_in(
        engine_of(request), username=body.username, password=body.password, client=client, now_us=now
    )
    user = session.user
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=accounts.SESSION_SECONDS,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    return {"user": user.as_dict(), "csrf_token": session.csrf_token}


@router.get("/tokens", response_model=list[TokenOut], summary="My API tokens")
def list_tokens(conn: Db, who: AnyUser) -> list[dict[str, Any]]:
    return [_token(t) for t in accounts.tokens_of(conn, who.user)]


@router.post("/tokens", response_model=NewToken, status_code=201, summary="Make an API token for me")
def make_token(body: TokenIn, conn: Db, who: AnyUser, now: NowUs) -> dict[str, Any]:
    secret, token = tokens.make(conn, who.user, name=body.name, now_us=now)
    return {**_token(token), "token": secret}


@router.delete("/tokens/{token_id}", status_code=204, summary="Revoke one of my API tokens")
def revoke(token_id: RowId, conn: Db, who: AnyUser, now: NowUs) -> Response:
    tokens.revoke(conn, who.user, token_id, now_us=now)
    return Response(status_code=204)
