"""Signing in and out, the language switch, and the error page every console fault shows."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlparse

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from siyu.accounts import users as accounts
from siyu.core.errors import AuthError, ThrottledError
from siyu.core.language import LOCALES
from siyu.web.deps import SESSION_COOKIE, Caller, Db, NowUs, caller, engine_of, optional_caller
from siyu.web.i18n import LOCALE_COOKIE, locale_of, translate
from siyu.web.templating import render

router = APIRouter()


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    return render(request, "error.html", {"status": status, "message": message}, status=status)


def safe_next(target: str | None) -> str:
    """Only paths on this site: an open redirect after sign-in would help phishing."""
    if not target:
        return "/"
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def home_of(who: Caller) -> str:
    return "/my/tasks" if who.user.is_staff else "/"


def client_of(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> Response:
    return render(request, "login.html", {"next": safe_next(next), "username": "", "error": None})


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    now: NowUs,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",
) -> Response:
    locale = locale_of(request)
    try:
        token, session = accounts.sign_in(
            engine_of(request), username=username, password=password, client=client_of(request), now_us=now
        )
    except ThrottledError as exc:
        message = translate(locale, "login.throttled", seconds=exc.retry_after)
        return render(
            request, "login.html", {"next": safe_next(next), "username": username, "error": message}, status=429
        )
    except AuthError:
        message = translate(locale, "login.wrong")
        return render(
            request, "login.html", {"next": safe_next(next), "username": username, "error": message}, status=401
        )
    user = session.user
    target = safe_next(next)
    if target == "/" and user.is_staff:
        target = "/my/tasks"
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=accounts.SESSION_SECONDS,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    return response


@router.post("/logout")
def logout(request: Request, conn: Db, who: Annotated[Caller, Depends(caller)]) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        accounts.close_session(conn, token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/lang/{locale}")
def switch_language(
    locale: str,
    who: Annotated[Caller | None, Depends(optional_caller)],
    next: str = "/",
) -> Response:
    response = RedirectResponse(safe_next(next), status_code=303)
    if locale in LOCALES:
        response.set_cookie(LOCALE_COOKIE, locale, max_age=365 * 86400, samesite="lax")
    return response
