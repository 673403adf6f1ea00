"""A fake WeCom on loopback HTTP for tests and `siyu demo`: the API of notes/wecom-api.md (see
fake_state.py for what it remembers and the choices it makes), every call counted, and faults on
demand — expired tokens, queued errcodes, seeded random failures and timeouts (some of them after
the message was made: the hard case for exactly-once), a rate limit.

In a process: `python -m siyu.channels.wecom.fake_server --port 0 --state-file PATH` prints its
base URL on the first line and keeps its records in PATH (`load_records`). Another process drives
it over HTTP: GET /fake/records; POST /fake/expire_tokens, /fake/fail_next {path, errcode, count},
/fake/chaos {seed, fail_rate, timeout_rate, timeout_s, timeout_after_effect_rate, paths},
/fake/reset, /fake/confirm, /fake/friends {userid, external_userids}; GET /fake/uploads lists
the files uploaded (media/upload, media/upload_attachment): sizes, names and media_ids issued.
WeCom answers its errors with HTTP 200 and an errcode; so does the fake. An unknown path is
HTTP 404 with errcode 404; a bad control request HTTP 400.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

from siyu.channels.wecom.fake_contacts import DEFAULT_CORP_TAGS
from siyu.channels.wecom.fake_state import (
    ENDPOINTS,
    UPLOAD_PATHS,
    Chaos,
    FakeConfig,
    FakeState,
    error,
    load_records,
    ok,
)

__all__ = ["FakeWeCom", "load_records", "main"]

log = logging.getLogger(__name__)
MAX_BODY_BYTES = 8 * 1024 * 1024
MAX_UPLOAD_BYTES = 21 * 1024 * 1024  # WeCom's largest upload (a 20 MB file) and its multipart wrapping
CHAOS_FIELDS = frozenset({"seed", "fail_rate", "timeout_rate", "timeout_s", "timeout_after_effect_rate", "paths"})


class FakeWeCom:
    """The fake server. `start()` → its base URL; `stop()`; or use it as a context manager."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        corp_id: str = "ww-fake-corp",
        secrets: Mapping[str, str] | None = None,
        agent_id: int = 1000002,
        expires_in: int = 7200,
        monthly_limit: int = 4,
        staff: Iterable[str] | None = None,
        friends: Mapping[str, Iterable[str]] | None = None,
        groups: Mapping[str, Iterable[str]] | None = None,
        auto_confirm_after_s: float | None = 0.0,
        moment_finish_after_s: float = 0.0,
        rate_limit_per_minute: int | None = None,
        check_media_ids: bool = False,
        contacts: Mapping[str, Mapping[str, Any]] | None = None,
        corp_tags: Mapping[str, Sequence[str]] | None = None,
        clock: Callable[[], float] = time.time,
        state_file: str | Path | None = None,
    ) -> None:
        config = FakeConfig(
            corp_id=corp_id,
            agent_id=agent_id,
            expires_in=expires_in,
            monthly_limit=monthly_limit,
            staff=None if staff is None else frozenset(staff),
            friends=None if friends is None else {u: frozenset(ids) for u, ids in friends.items()},
            groups=None if groups is None else {u: frozenset(ids) for u, ids in groups.items()},
            auto_confirm_after_s=auto_confirm_after_s,
            moment_finish_after_s=moment_finish_after_s,
            rate_limit_per_minute=rate_limit_per_minute,
            check_media_ids=check_media_ids,
            contacts=dict(contacts or {}),
            corp_tags=dict(DEFAULT_CORP_TAGS if corp_tags is None else corp_tags),
            **({} if secrets is None else {"secrets": dict(secrets)}),
        )
        self.state = FakeState(config, clock=clock, state_file=None if state_file is None else Path(state_file))
        self._address = (host, port)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    @property
    def config(self) -> FakeConfig:
        return self.state.config

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the fake WeCom is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> str:
        if self._server is not None:
            raise RuntimeError("the fake WeCom is already started")
        self._stopping.clear()
        self._server = _Server(self._address, self)
        server = self._server
        self._thread = threading.Thread(
            target=lambda: server.serve_forever(poll_interval=0.05), name="fake-wecom", daemon=True
        )
        self._thread.start()
        return self.base_url

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        self._stopping.set()  # wakes the calls chaos keeps hanging
        server.shutdown()
        server.server_close()
        thread.join()
        self._server = self._thread = None

    def __enter__(self) -> FakeWeCom:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()

    def hang(self, seconds: float) -> None:
        self._stopping.wait(seconds)

    # ---- faults ------------------------------------------------------------------------------

    def expire_tokens(self) -> int:
        """Every token issued so far answers 42001 from now on; how many there were."""
        return self.state.expire_tokens()

    def fail_next(self, path: str, errcode: int, count: int = 1) -> None:
        """The next `count` calls to `path` answer `errcode` and do nothing."""
        self.state.fail_next(path, errcode, count)

    def set_chaos(
        self,
        *,
        seed: int,
        fail_rate: float = 0.0,
        timeout_rate: float = 0.0,
        timeout_s: float = 0.0,
        timeout_after_effect_rate: float = 0.0,
        paths: Iterable[str] | None = None,
        errcodes: Iterable[int] = (-1, 45009),
    ) -> None:
        """Seeded random faults on `paths` (None: every WeCom path); all rates 0 turn them off.
        A failed call answers one of `errcodes`."""
        chaos = Chaos(
            fail_rate=fail_rate,
            timeout_rate=timeout_rate,
            timeout_s=timeout_s,
            timeout_after_effect_rate=timeout_after_effect_rate,
            paths=None if paths is None else frozenset(paths),
            errcodes=tuple(errcodes),
        )
        self.state.set_chaos(chaos, seed=seed)

    def set_friends(self, userid: str, external_userids: Iterable[str]) -> None:
        self.state.set_friends(userid, external_userids)

    def confirm(self) -> int:
        """Confirm every pending mass send now; how many there were."""
        return self.state.confirm()

    def reset(self) -> None:
        """Forget every token, record, count and fault (the configuration stays)."""
        self.state.reset()

    # ---- records -----------------------------------------------------------------------------

    def records(self) -> dict[str, Any]:
        return self.state.records()

    def mass_sends(self) -> list[dict[str, Any]]:
        sends: list[dict[str, Any]] = self.records()["mass_sends"]
        return sends

    def app_messages(self) -> list[dict[str, Any]]:
        messages: list[dict[str, Any]] = self.records()["app_messages"]
        return messages

    def moments(self) -> list[dict[str, Any]]:
        moments: list[dict[str, Any]] = self.records()["moments"]
        return moments

    def uploads(self) -> list[dict[str, Any]]:
        return self.state.uploads()

    def calls(self) -> Counter[str]:
        return self.state.calls()

    # ---- the HTTP control API ----------------------------------------------------------------

    def control(self, method: str, path: str, raw_body: bytes) -> tuple[int, dict[str, Any]]:
        self.state.count(path)
        if path == "/fake/records":
            return (200, ok(records=self.records())) if method == "GET" else (405, error(43001, "GET /fake/records"))
        if path == "/fake/uploads":
            return (200, ok(uploads=self.uploads())) if method == "GET" else (405, error(43001, "GET /fake/uploads"))
        actions: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
            "/fake/expire_tokens": lambda _: ok(expired=self.expire_tokens()),
            "/fake/fail_next": self._control_fail_next,
            "/fake/chaos": self._control_chaos,
            "/fake/reset": self._control_reset,
            "/fake/confirm": lambda _: ok(confirmed=self.confirm()),
            "/fake/friends": self._control_friends,
        }
        action = actions.get(path)
        if action is None:
            known = ", ".join(["/fake/records", "/fake/uploads", *actions])
            return 404, error(404, f"no such control path {path} (known: {known})")
        if method != "POST":
            return 405, error(43002, f"{path} takes POST")
        try:
            body = json.loads(raw_body.decode("utf-8")) if raw_body.strip() else {}
            if not isinstance(body, dict):
                raise ValueError("the body must be a JSON object")
            return 200, action(body)
        except (ValueError, TypeError, KeyError) as exc:  # JSON errors are ValueErrors
            return 400, error(40058, f"{path}: {exc}")

    def _control_reset(self, body: dict[str, Any]) -> dict[str, Any]:
        if body:
            raise ValueError("takes no fields")
        self.reset()
        return ok()

    def _control_fail_next(self, body: dict[str, Any]) -> dict[str, Any]:
        self.fail_next(body["path"], body["errcode"], body.get("count", 1))
        return ok()

    def _control_chaos(self, body: dict[str, Any]) -> dict[str, Any]:
        unknown = body.keys() - CHAOS_FIELDS
        if unknown:
            raise ValueError(f"unknown fields {sorted(unknown)} (known: {sorted(CHAOS_FIELDS)})")
        numbers = {k: body[k] for k in CHAOS_FIELDS - {"seed", "paths"} if k in body}
        for name, value in numbers.items():
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"{name} must be a number, not {value!r}")
        seed = body.get("seed", 0)
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise ValueError(f"seed must be an integer, not {seed!r}")
        paths = body.get("paths")
        if paths is not None and not (isinstance(paths, list) and all(isinstance(p, str) for p in paths)):
            raise ValueError("paths must be a list of paths")
        self.set_chaos(seed=seed, paths=paths, **numbers)
        return ok()

    def _control_friends(self, body: dict[str, Any]) -> dict[str, Any]:
        userid, ids = body["userid"], body["external_userids"]
        if not isinstance(userid, str) or not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise ValueError("userid must be a string and external_userids a list of strings")
        self.set_friends(userid, ids)
        return ok()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # stop() must not wait for a client's idle keep-alive connection

    def __init__(self, address: tuple[str, int], fake: FakeWeCom) -> None:
        self.fake = fake
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("fake WeCom: connection from %s failed", client_address, exc_info=True)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go in two writes: Nagle would hold the body 40 ms
    timeout = 120  # an idle keep-alive connection is closed after this

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read records, not access logs."""

    def _serve(self, method: str) -> None:
        url = urlsplit(self.path)
        query = {key: values[0] for key, values in parse_qs(url.query, keep_blank_values=True).items()}
        fake = self.server.fake
        try:
            limit = MAX_UPLOAD_BYTES if url.path in UPLOAD_PATHS else MAX_BODY_BYTES
            body = self._body(limit)
            if body is None:
                status, answer = 413, error(40058, f"the body is over {limit} bytes")
            elif url.path.startswith("/fake/"):
                status, answer = fake.control(method, url.path, body)
            elif url.path in ENDPOINTS:
                status, answer = 200, self._call(method, url.path, query, body)
            else:
                fake.state.count(url.path)
                status, answer = 404, error(404, f"no such path {url.path}")
        except Exception as exc:  # a bug of the fake answers 500 JSON, never a traceback on the wire
            log.exception("fake WeCom: %s %s failed", method, url.path)
            status, answer = 500, error(-1, f"fake WeCom failed: {exc!r}")
        self._reply(status, answer)

    def _call(self, method: str, path: str, query: Mapping[str, str], body: bytes) -> dict[str, Any]:
        fake = self.server.fake
        plan = fake.state.begin(path)
        if plan.hang_before_s:
            fake.hang(plan.hang_before_s)
        if plan.answer is not None:
            return plan.answer
        answer = fake.state.handle(method, path, query, body, content_type=self.headers.get("Content-Type", ""))
        if plan.hang_after_s:
            fake.hang(plan.hang_after_s)
        return answer

    def _body(self, limit: int) -> bytes | None:
        length = self.headers.get("Content-Length")
        if length is None:
            if self.headers.get("Transfer-Encoding"):
                self.close_connection = True  # a chunked body is not read: the connection cannot go on
            return b""
        size = int(length) if length.isdigit() else -1
        if not 0 <= size <= limit:
            self.close_connection = True
            return None
        return self.rfile.read(size)

    def _reply(self, status: int, answer: Mapping[str, Any]) -> None:
        data = json.dumps(answer, ensure_ascii=False).encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:  # the client gave up waiting (a chaos timeout): nothing to answer to
            self.close_connection = True


def _read_config(path: str) -> dict[str, Any]:
    """--config: a JSON object with any of staff [ids], friends {userid: [ids]}, groups {userid:
    [chat ids]}, secrets {secret: contact|agent}."""
    config = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(config, dict):
        raise ValueError(f"{path}: the config must be a JSON object")
    unknown = config.keys() - {"staff", "friends", "groups", "secrets"}
    if unknown:
        raise ValueError(f"{path}: unknown keys {sorted(unknown)} (known: staff, friends, groups, secrets)")
    return config


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m siyu.channels.wecom.fake_server", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0: any free port")
    parser.add_argument("--state-file", help="keep the records in this JSON file (load_records reads it)")
    parser.add_argument("--config", help="JSON: staff, friends, groups, secrets")
    parser.add_argument("--corp-id", default="ww-fake-corp")
    parser.add_argument("--agent-id", type=int, default=1000002)
    parser.add_argument("--expires-in", type=int, default=7200)
    parser.add_argument("--monthly-limit", type=int, default=4)
    parser.add_argument("--auto-confirm-after", type=float, default=0.0, help="seconds; below 0: only /fake/confirm")
    parser.add_argument("--moment-finish-after", type=float, default=0.0)
    parser.add_argument("--rate-limit-per-minute", type=int)
    parser.add_argument(
        "--check-media-ids", action="store_true", help="sends must carry media_ids this fake issued (else 40007)"
    )
    args = parser.parse_args(argv)
    try:
        extra = _read_config(args.config) if args.config else {}
        fake = FakeWeCom(
            host=args.host,
            port=args.port,
            corp_id=args.corp_id,
            agent_id=args.agent_id,
            expires_in=args.expires_in,
            monthly_limit=args.monthly_limit,
            auto_confirm_after_s=None if args.auto_confirm_after < 0 else args.auto_confirm_after,
            moment_finish_after_s=args.moment_finish_after,
            rate_limit_per_minute=args.rate_limit_per_minute,
            check_media_ids=args.check_media_ids,
            state_file=args.state_file,
            **extra,
        )
    except (OSError, ValueError, TypeError) as exc:
        parser.error(str(exc))
    stopped = threading.Event()

    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    signal.signal(signal.SIGINT, lambda *_: stopped.set())
    print(fake.start(), flush=True)
    while not stopped.wait(1.0):
        pass
    fake.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
