"""Every error the API returns has one shape: {"error": {"code", "message", "problems": [{where, message}]}}.

Console pages get the same faults as HTML: a sign-in redirect for 401, an error page otherwise."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from siyu.core.errors import (
    AuthError,
    ForbiddenError,
    NotFoundError,
    Problem,
    SiyuError,
    ThrottledError,
    ValidationError,
)

API_PREFIX = "/api/"


class ConflictError(SiyuError):
    """The request is well formed but clashes with what is stored (a duplicate, a stale version)."""


_STATUS: dict[type[SiyuError], tuple[int, str]] = {
    ValidationError: (422, "invalid"),
    NotFoundError: (404, "not_found"),
    AuthError: (401, "unauthenticated"),
    ForbiddenError: (403, "forbidden"),
    ThrottledError: (429, "throttled"),
    ConflictError: (409, "conflict"),
}


def status_and_code(exc: SiyuError) -> tuple[int, str]:
    for kind, answer in _STATUS.items():
        if isinstance(exc, kind):
            return answer
    return 400, "bad_request"


def error_body(code: str, message: str, problems: list[Problem] | None = None) -> dict[str, Any]:
    return {
        "error": {
            "code": code,
            "message": message,
            "problems": [{"where": p.where, "message": p.message} for p in problems or []],
        }
    }


def _where(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body",)]
    return ".".join(parts) or "(request)"


def is_api(request: Request) -> bool:
    return request.url.path.startswith(API_PREFIX)


def install(app: FastAPI) -> None:
    @app.exception_handler(SiyuError)
    async def siyu_error(request: Request, exc: SiyuError) -> Response:
        status, code = status_and_code(exc)
        if not is_api(request):
            from siyu.web.console.pages import error_page

            if isinstance(exc, AuthError):
                return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
            return error_page(request, status, str(exc))
        problems = exc.problems if isinstance(exc, ValidationError) else []
        message = "the request has problems" if problems else str(exc)
        headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, ThrottledError) else None
        if isinstance(exc, AuthError):
            headers = {"WWW-Authenticate": "Bearer"}
        return JSONResponse(error_body(code, message, problems), status_code=status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def request_invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = [Problem(_where(e.get("loc", ())), str(e.get("msg", "invalid"))) for e in exc.errors()]
        if not is_api(request):
            from siyu.web.console.pages import error_page

            return error_page(request, 422, "; ".join(str(p) for p in problems))
        return JSONResponse(error_body("invalid", "the request has problems", problems), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        if not is_api(request):
            from siyu.web.console.pages import error_page

            return error_page(request, exc.status_code, str(exc.detail))
        return JSONResponse(error_body(code, str(exc.detail)), status_code=exc.status_code)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        # the traceback goes to the server log (uvicorn prints it); the client learns nothing internal
        return JSONResponse(error_body("internal", "internal error; see the server log"), status_code=500)
