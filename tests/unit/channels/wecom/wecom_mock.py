"""A scripted WeCom for unit tests: an httpx2.MockTransport handler that records every request and
answers each path from a queue of answers (gettoken answers by itself unless scripted)."""

from __future__ import annotations

import json
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx2

from siyu.channels.wecom.client import WeComClient
from siyu.channels.wecom.config import WeComSettings

BASE_URL = "https://wecom.test"
GETTOKEN = "/cgi-bin/gettoken"

Answer = dict[str, Any] | httpx2.Response | Exception | Callable[[httpx2.Request], httpx2.Response]


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    params: dict[str, str]
    body: Any


def settings(**changes: Any) -> WeComSettings:
    values: dict[str, Any] = {
        "corp_id": "ww-corp",
        "contact_secret": "contact-secret",
        "agent_secret": "agent-secret",
        "agent_id": 1000002,
        "base_url": BASE_URL,
        "allow_custom_base_url": True,  # BASE_URL is not WeCom's own host
        "public_url": "https://siyu.test",
    }
    values.update(changes)
    return WeComSettings(**values)


@dataclass
class FakeClock:
    now: float = 1000.0
    sleeps: list[float] = field(default_factory=list)

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class ScriptedWeCom:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._answers: dict[str, deque[Answer]] = defaultdict(deque)
        self._tokens_issued = 0

    def queue(self, path: str, *answers: Answer) -> None:
        self._answers[path].extend(answers)

    def calls_to(self, path: str) -> list[Call]:
        return [call for call in self.calls if call.path == path]

    def bodies(self, path: str) -> list[Any]:
        return [call.body for call in self.calls_to(path)]

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        body = json.loads(request.content) if request.content else None
        path = request.url.path
        self.calls.append(Call(request.method, path, dict(request.url.params), body))
        queued = self._answers[path]
        if not queued:
            if path == GETTOKEN:
                self._tokens_issued += 1
                return httpx2.Response(
                    200,
                    json={
                        "errcode": 0,
                        "errmsg": "ok",
                        "access_token": f"tok-{self._tokens_issued}",
                        "expires_in": 7200,
                    },
                )
            raise AssertionError(f"unexpected call to {path}: {body}")
        answer = queued.popleft()
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer, httpx2.Response):
            return answer
        if callable(answer):
            return answer(request)
        return httpx2.Response(200, json=answer)

    def client(self, wecom_settings: WeComSettings | None = None, *, clock: FakeClock | None = None) -> WeComClient:
        clock = clock or FakeClock()
        http = httpx2.Client(transport=httpx2.MockTransport(self))
        return WeComClient(wecom_settings or settings(), http=http, monotonic=clock.monotonic, sleep=clock.sleep)


def ok(**fields: Any) -> dict[str, Any]:
    return {"errcode": 0, "errmsg": "ok", **fields}


def error(errcode: int, errmsg: str = "") -> dict[str, Any]:
    return {"errcode": errcode, "errmsg": errmsg or f"error {errcode}"}
