"""One WeCom API call: the access token attached (and renewed once when WeCom rejects it), siyu's
own rate limit per secret, and every way a call can fail turned into a `DeliveryError`.

`in_doubt` on a failure says whether the request may have reached WeCom: a connect timeout
cannot have, a read timeout may have (the dispatcher then asks WeCom before sending again).
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, Literal, TypeGuard

import httpx2

from siyu.channels.base import DeliveryError
from siyu.channels.wecom.config import WeComSettings
from siyu.channels.wecom.errors import TOKEN_CODES, classify
from siyu.channels.wecom.tokens import Token, TokenCache

Kind = Literal["contact", "agent"]  # which secret: customer contact (externalcontact/*) or the app (message/send)
KINDS: tuple[Kind, ...] = ("contact", "agent")

MAX_LOCAL_WAIT_S = 5.0  # a longer wait for siyu's own rate limit is handed back as a retry_after
WAIT_STEP_S = 1.0  # sleep at most this long at a time, so closing the client stops a waiting call soon
HTTP_RETRY_AFTER_S = 60.0

_NOT_SENT = (httpx2.ConnectTimeout, httpx2.PoolTimeout, httpx2.ConnectError)
_MAYBE_SENT = (httpx2.ReadTimeout, httpx2.WriteTimeout, httpx2.RemoteProtocolError, httpx2.ReadError)


def http_client(settings: WeComSettings) -> httpx2.Client:
    """The HTTP client for WeCom calls: the settings' timeout, no proxy taken from the environment."""
    return httpx2.Client(timeout=settings.timeout_s, trust_env=False)


class RateLimiter:
    """A token bucket: `per_minute` calls a minute, with bursts up to `per_minute`. A caller that
    finds it empty reserves the next free slot and sleeps until then."""

    def __init__(
        self,
        per_minute: int,
        *,
        monotonic: Callable[[], float],
        sleep: Callable[[float], None],
        closed: threading.Event,
        name: str = "",
    ) -> None:
        if per_minute < 1:
            raise ValueError(f"calls per minute must be at least 1, got {per_minute}")
        self._capacity = float(per_minute)
        self._per_second = per_minute / 60.0
        self._monotonic = monotonic
        self._sleep = sleep
        self._closed = closed
        self._name = name
        self._lock = threading.Lock()
        self._tokens = self._capacity
        self._updated = monotonic()

    def acquire(self) -> None:
        """Take one call's slot, waiting up to MAX_LOCAL_WAIT_S; raises a transient DeliveryError
        with retry_after_s when the wait would be longer, or when the client closes meanwhile."""
        with self._lock:
            now = self._monotonic()
            self._tokens = min(self._capacity, self._tokens + (now - self._updated) * self._per_second)
            self._updated = now
            self._tokens -= 1
            if self._tokens >= 0:
                return
            wait = -self._tokens / self._per_second
            if wait > MAX_LOCAL_WAIT_S:
                self._tokens += 1
                raise DeliveryError(
                    f"siyu's own WeCom rate limit for the {self._name} secret is used up: next call in {wait:.1f} s",
                    permanent=False,
                    code="wecom:local_rate_limit",
                    retry_after_s=wait,
                )
            deadline = now + wait
        while True:
            if self._closed.is_set():
                raise DeliveryError("the WeCom client was closed while waiting for its rate limit", permanent=False)
            remaining = deadline - self._monotonic()
            if remaining <= 0:
                return
            self._sleep(min(remaining, WAIT_STEP_S))


class WeComClient:
    def __init__(
        self,
        settings: WeComSettings,
        *,
        http: httpx2.Client,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = settings
        self._http = http
        self._base_url = settings.base_url.rstrip("/")
        self._closed = threading.Event()
        self._tokens = {kind: TokenCache(self._token_fetcher(kind), monotonic=monotonic) for kind in KINDS}
        self._limiters = {
            kind: RateLimiter(
                settings.calls_per_minute, monotonic=monotonic, sleep=sleep, closed=self._closed, name=kind
            )
            for kind in KINDS
        }

    def call(
        self,
        kind: Kind,
        method: str,
        path: str,
        *,
        body: Mapping[str, Any] | None = None,
        params: Mapping[str, str | int] | None = None,
    ) -> dict[str, Any]:
        """WeCom's answer to one call (errcode 0); raises DeliveryError."""
        return self._call(kind, method, path, params=params or {}, body=body)

    def upload(
        self,
        kind: Kind,
        path: str,
        *,
        params: Mapping[str, str | int],
        filename: str,
        content: bytes,
        content_type: str,
    ) -> dict[str, Any]:
        """WeCom's answer (errcode 0) to a multipart upload of one file as the part "media";
        raises DeliveryError. An upload that may have arrived made nothing anyone sees (an
        unused media_id), so its failures are never in doubt."""
        data, multipart_type = multipart_form("media", filename=filename, content=content, content_type=content_type)
        try:
            return self._call(kind, "POST", path, params=params, content=data, content_type=multipart_type)
        except DeliveryError as error:
            if not error.in_doubt:
                raise
            raise _not_in_doubt(error, f"uploading {filename}: ") from error

    def _call(
        self,
        kind: Kind,
        method: str,
        path: str,
        *,
        params: Mapping[str, str | int],
        body: Mapping[str, Any] | None = None,
        content: bytes | None = None,
        content_type: str | None = None,
    ) -> dict[str, Any]:
        if self._closed.is_set():
            raise DeliveryError(f"the WeCom client is closed: {path} was not called", permanent=False)
        corp_id, secret = self._credentials(kind)
        tokens = self._tokens[kind]
        token = tokens.get(corp_id, secret)

        def request(access_token: str) -> dict[str, Any]:
            return self._request(
                kind,
                method,
                path,
                params={**params, "access_token": access_token},
                body=body,
                content=content,
                content_type=content_type,
            )

        answer = request(token)
        if _errcode(answer, path) in TOKEN_CODES:
            tokens.invalidate(corp_id, secret, stale=token)
            answer = request(tokens.get(corp_id, secret))
        errcode = _errcode(answer, path)
        if errcode != 0:
            raise classify(errcode, str(answer.get("errmsg", "")))
        return answer

    def close(self) -> None:
        self._closed.set()
        self._http.close()

    def _credentials(self, kind: Kind) -> tuple[str, str]:
        settings = self.settings
        if not settings.corp_id:
            raise _missing("corp_id", "企业ID, My Company → Company Info")
        if kind == "contact":
            if not settings.contact_secret:
                raise _missing("contact_secret", "客户联系 Secret, Customer Contact → API")
            secret = settings.contact_secret
        elif kind == "agent":
            if not settings.agent_secret:
                raise _missing("agent_secret", "the self-built app's Secret")
            if settings.agent_id is None:
                raise _missing("agent_id", "the self-built app's AgentId")
            secret = settings.agent_secret
        else:
            raise ValueError(f"WeCom call kind must be one of {KINDS}, got {kind!r}")
        return settings.corp_id, secret

    def _token_fetcher(self, kind: Kind) -> Callable[[str, str], Token]:
        def fetch(corp_id: str, secret: str) -> Token:
            return self._fetch_token(kind, corp_id, secret)

        return fetch

    def _fetch_token(self, kind: Kind, corp_id: str, secret: str) -> Token:
        path = "/cgi-bin/gettoken"
        try:
            answer = self._request(kind, "GET", path, params={"corpid": corp_id, "corpsecret": secret})
            errcode = _errcode(answer, path)
            if errcode != 0:
                raise classify(errcode, str(answer.get("errmsg", "")))
        except DeliveryError as error:
            # no call was made with a token yet: nothing of the caller's can have reached WeCom
            raise _not_in_doubt(error, f"fetching the {kind} access token: ") from error
        value, expires_in = answer.get("access_token"), answer.get("expires_in")
        if not isinstance(value, str) or not value or not _is_number(expires_in) or float(expires_in) <= 0:
            raise DeliveryError(
                f"WeCom's gettoken answer has no usable access_token / expires_in: {sorted(answer)}",
                permanent=False,
                code="wecom:bad_answer",
            )
        return Token(value, float(expires_in))

    def _request(
        self,
        kind: Kind,
        method: str,
        path: str,
        *,
        params: Mapping[str, str | int],
        body: Mapping[str, Any] | None = None,
        content: bytes | None = None,
        content_type: str | None = None,
    ) -> dict[str, Any]:
        self._limiters[kind].acquire()
        try:
            if content is not None:
                response = self._http.request(
                    method,
                    self._base_url + path,
                    params=dict(params),
                    content=content,
                    headers={"Content-Type": content_type or "application/octet-stream"},
                )
            else:
                response = self._http.request(
                    method, self._base_url + path, params=dict(params), json=dict(body) if body is not None else None
                )
        except _NOT_SENT as error:
            raise DeliveryError(
                f"could not reach WeCom at {self._base_url} for {path}: {type(error).__name__} {error}",
                permanent=False,
                code="wecom:connect",
            ) from error
        except _MAYBE_SENT as error:
            raise DeliveryError(
                f"WeCom did not answer {path} ({type(error).__name__} {error}): the call may have arrived",
                permanent=False,
                in_doubt=True,
                code="wecom:no_answer",
            ) from error
        except httpx2.TransportError as error:
            raise DeliveryError(
                f"the call to WeCom {path} failed ({type(error).__name__} {error}): it may have arrived",
                permanent=False,
                in_doubt=True,
                code="wecom:transport",
            ) from error
        return self._answer(response, path)

    def _answer(self, response: httpx2.Response, path: str) -> dict[str, Any]:
        status = response.status_code
        if status >= 500:
            raise DeliveryError(
                f"WeCom answered HTTP {status} to {path}", permanent=False, in_doubt=True, code=f"wecom:http_{status}"
            )
        if status in {408, 429}:
            raise DeliveryError(
                f"WeCom answered HTTP {status} to {path}",
                permanent=False,
                code=f"wecom:http_{status}",
                retry_after_s=_retry_after(response) if status == 429 else None,
            )
        if not 200 <= status < 300:
            raise DeliveryError(
                f"WeCom answered HTTP {status} to {path}: check base_url ({self._base_url})",
                permanent=True,
                code=f"wecom:http_{status}",
            )
        try:
            answer = response.json()
        except ValueError as error:
            raise DeliveryError(
                f"WeCom's answer to {path} is not JSON: {response.text[:200]!r}",
                permanent=False,
                in_doubt=True,
                code="wecom:bad_answer",
            ) from error
        if not isinstance(answer, dict):
            raise DeliveryError(
                f"WeCom's answer to {path} is not a JSON object: {type(answer).__name__}",
                permanent=False,
                in_doubt=True,
                code="wecom:bad_answer",
            )
        return answer


def multipart_form(name: str, *, filename: str, content: bytes, content_type: str) -> tuple[bytes, str]:
    """A multipart/form-data body of one file part, as WeCom's upload docs show it (filename,
    filelength and the part's Content-Type), and the request's Content-Type."""
    boundary = "siyu" + secrets.token_hex(16)
    # quotes and line breaks cannot stand in a header's quoted string: percent-encoded, as browsers do
    safe_name = filename.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")
    head = (
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="{name}"; filename="{safe_name}"; filelength={len(content)}\r\n'
        f"Content-Type: {content_type}\r\n\r\n"
    )
    data = head.encode("utf-8") + content + f"\r\n--{boundary}--\r\n".encode("ascii")
    return data, f"multipart/form-data; boundary={boundary}"


def _errcode(answer: Mapping[str, Any], path: str) -> int:
    errcode = answer.get("errcode", 0)
    if not isinstance(errcode, int) or isinstance(errcode, bool):
        raise DeliveryError(
            f"WeCom's answer to {path} has an errcode that is not a number: {errcode!r}",
            permanent=False,
            in_doubt=True,
            code="wecom:bad_answer",
        )
    return errcode


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _retry_after(response: httpx2.Response) -> float:
    try:
        return max(float(response.headers.get("retry-after", "")), 1.0)
    except ValueError:
        return HTTP_RETRY_AFTER_S


def _missing(setting: str, where: str) -> DeliveryError:
    return DeliveryError(
        f"the WeCom setting {setting} ({where}) is empty: fill it in the channel's settings",
        permanent=True,
        code="wecom:setting",
    )


def _not_in_doubt(error: DeliveryError, prefix: str) -> DeliveryError:
    return DeliveryError(
        prefix + error.message,
        permanent=error.permanent,
        code=error.code,
        retry_after_s=error.retry_after_s,
        over_allowance=error.over_allowance,
    )
