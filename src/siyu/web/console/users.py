"""Users (admins only): list, add with a role and a staff link, change role / staff link / name,
reset a password, disable or enable, revoke a user's API tokens. And, for every signed-in user,
their own API tokens at /account/tokens: a new token's secret is shown once, then only its prefix.

Every change is written to the audit log with the same actions as the API (user.create,
user.change, token.create, token.revoke). An admin cannot take away their own admin role or
disable themselves, so the console always keeps a way in."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from siyu.accounts import admin, tokens
from siyu.accounts import users as accounts
from siyu.accounts.users import Role, User
from siyu.brand import settings as brand_settings
from siyu.core.errors import Problem, ValidationError
from siyu.core.language import LOCALES
from siyu.web.deps import Admin, AnyUser, Caller, Db, NowUs
from siyu.web.templating import render

router = APIRouter()

Username = Annotated[str, Path(min_length=1, max_length=64)]
TokenId = Annotated[int, Path(ge=1, le=2**31 - 1)]
ROLES = tuple(role.value for role in Role)
NOTES = frozenset({"created", "changed", "password", "disabled", "enabled", "revoked"})  # ?saved=…


def _note(saved: str | None) -> str | None:
    return saved if saved in NOTES else None


def _role(text: str) -> Role:
    try:
        return Role(text)
    except ValueError:
        raise ValidationError([Problem("role", f"one of {', '.join(ROLES)}")]) from None


def _list_page(
    request: Request,
    conn: Db,
    who: Caller,
    *,
    form: dict[str, Any] | None = None,
    problems: list[Problem] | None = None,
    status: int = 200,
) -> HTMLResponse:
    context = {
        "caller": who,
        "users": accounts.list_users(conn),
        "roles": ROLES,
        "locales": LOCALES,
        "form": form or {"username": "", "display_name": "", "role": "staff", "staff": "", "locale": "zh-CN"},
        "problems": problems or [],
    }
    return render(request, "users/list.html", context, status=status)


@router.get("/users", response_class=HTMLResponse)
def users_page(request: Request, conn: Db, who: Admin) -> Response:
    return _list_page(request, conn, who)


@router.post("/users", response_class=HTMLResponse)
def add_user(
    request: Request,
    conn: Db,
    who: Admin,
    now: NowUs,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=1000)],
    role: Annotated[str, Form(max_length=16)],
    display_name: Annotated[str, Form(max_length=200)] = "",
    staff: Annotated[str, Form(max_length=128)] = "",
    locale: Annotated[str, Form(max_length=8)] = "zh-CN",
) -> Response:
    form = {"username": username, "display_name": display_name, "role": role, "staff": staff, "locale": locale}
    try:
        user = admin.add_user(
            conn,
            actor=who.user,
            username=username.strip(),
            password=password,
            role=_role(role),
            now_us=now,
            staff_external_id=staff.strip() or None,
            display_name=display_name.strip(),
            locale=locale,
        )
    except ValidationError as exc:
        return _list_page(request, conn, who, form=form, problems=exc.problems, status=422)
    return RedirectResponse(f"/users/{user.username}?saved=created", status_code=303)


def _user_page(
    request: Request,
    conn: Db,
    who: Caller,
    user: User,
    *,
    saved: str | None = None,
    problems: list[Problem] | None = None,
    form: dict[str, Any] | None = None,
    status: int = 200,
) -> HTMLResponse:
    context = {
        "caller": who,
        "subject": user,
        "roles": ROLES,
        "locales": LOCALES,
        "tokens": accounts.tokens_of(conn, user),
        "zone": brand_settings.load(conn).zone,
        "saved": _note(saved),
        "problems": problems or [],
        "form": form
        or {
            "display_name": user.display_name,
            "role": user.role.value,
            "staff": user.staff_external_id or "",
            "locale": user.locale,
        },
        "myself": user.id == who.user.id,
    }
    return render(request, "users/detail.html", context, status=status)


@router.get("/users/{username}", response_class=HTMLResponse)
def user_page(request: Request, username: Username, conn: Db, who: Admin, saved: str | None = None) -> Response:
    return _user_page(request, conn, who, accounts.get_user(conn, username), saved=saved)


def _change(conn: Db, who: Caller, username: str, now: int, change: admin.UserChange) -> User:
    return admin.change_user(conn, username, change, actor=who.user, now_us=now)


@router.post("/users/{username}", response_class=HTMLResponse)
def change_user(
    request: Request,
    username: Username,
    conn: Db,
    who: Admin,
    now: NowUs,
    role: Annotated[str, Form(max_length=16)],
    display_name: Annotated[str, Form(max_length=200)] = "",
    staff: Annotated[str, Form(max_length=128)] = "",
    locale: Annotated[str, Form(max_length=8)] = "zh-CN",
) -> Response:
    current = accounts.get_user(conn, username)
    form = {"display_name": display_name, "role": role, "staff": staff, "locale": locale}
    try:
        new_role = _role(role)
        if current.id == who.user.id and new_role is not Role.admin:
            raise ValidationError([Problem("role", "you cannot take away your own admin role")])
        change = admin.UserChange(
            role=new_role,
            staff=staff.strip(),
            display_name=display_name.strip() or current.username,
            locale=locale,
        )
        _change(conn, who, username, now, change)
    except ValidationError as exc:
        return _user_page(request, conn, who, current, problems=exc.problems, form=form, status=422)
    return RedirectResponse(f"/users/{username}?saved=changed", status_code=303)


@router.post("/users/{username}/password", response_class=HTMLResponse)
def reset_password(
    request: Request,
    username: Username,
    conn: Db,
    who: Admin,
    now: NowUs,
    password: Annotated[str, Form(max_length=1000)],
) -> Response:
    current = accounts.get_user(conn, username)
    try:
        _change(conn, who, username, now, admin.UserChange(password=password))
    except ValidationError as exc:
        return _user_page(request, conn, who, current, problems=exc.problems, status=422)
    return RedirectResponse(f"/users/{username}?saved=password", status_code=303)


@router.post("/users/{username}/disabled", response_class=HTMLResponse)
def set_disabled(
    request: Request,
    username: Username,
    conn: Db,
    who: Admin,
    now: NowUs,
    disabled: Annotated[bool, Form()],
) -> Response:
    current = accounts.get_user(conn, username)
    if disabled and current.id == who.user.id:
        problems = [Problem("disabled", "you cannot disable your own account")]
        return _user_page(request, conn, who, current, problems=problems, status=422)
    _change(conn, who, username, now, admin.UserChange(disabled=disabled))
    return RedirectResponse(f"/users/{username}?saved={'disabled' if disabled else 'enabled'}", status_code=303)


@router.post("/users/{username}/tokens/{token_id}/revoke")
def revoke_users_token(username: Username, token_id: TokenId, conn: Db, who: Admin, now: NowUs) -> Response:
    user = accounts.get_user(conn, username)
    tokens.revoke(conn, user, token_id, actor=who.user, now_us=now)
    return RedirectResponse(f"/users/{username}?saved=revoked", status_code=303)


# ---------------------------------------------------------------- my own API tokens


def _tokens_page(
    request: Request,
    conn: Db,
    who: Caller,
    *,
    secret: str | None = None,
    problems: list[Problem] | None = None,
    saved: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    context = {
        "caller": who,
        "tokens": accounts.tokens_of(conn, who.user),
        "zone": brand_settings.load(conn).zone,
        "secret": secret,
        "problems": problems or [],
        "saved": _note(saved),
    }
    response = render(request, "users/tokens.html", context, status=status)
    if secret is not None:
        response.headers["Cache-Control"] = "no-store"  # the secret must not come back from a cache
    return response


@router.get("/account/tokens", response_class=HTMLResponse)
def my_tokens(request: Request, conn: Db, who: AnyUser, saved: str | None = None) -> Response:
    return _tokens_page(request, conn, who, saved=saved)


@router.post("/account/tokens", response_class=HTMLResponse)
def make_token(
    request: Request, conn: Db, who: AnyUser, now: NowUs, name: Annotated[str, Form(max_length=200)] = ""
) -> Response:
    try:
        secret, _ = tokens.make(conn, who.user, name=name, now_us=now)
    except ValidationError as exc:
        return _tokens_page(request, conn, who, problems=exc.problems, status=422)
    return _tokens_page(request, conn, who, secret=secret)


@router.post("/account/tokens/{token_id}/revoke")
def revoke_my_token(token_id: TokenId, conn: Db, who: AnyUser, now: NowUs) -> Response:
    tokens.revoke(conn, who.user, token_id, now_us=now)
    return RedirectResponse("/account/tokens?saved=revoked", status_code=303)
