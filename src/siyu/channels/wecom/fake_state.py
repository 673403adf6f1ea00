"""The fake WeCom's memory: tokens, mass sends, moments and app messages, the faults asked for,
and every endpoint of notes/wecom-api.md as a method answering WeCom's JSON (fake_server.py puts
it on HTTP). One lock guards it all; its clock is injected, so tests can cross a month.

Choices where the docs leave room (siyu's adapter and tests rely on them):
- A token serves only the kind of secret that fetched it: a contact token on message/send, or an
  agent token on externalcontact/*, answers 48002 (API forbidden).
- add_msg_template: a recipient who is not the sender's contact (or a chat that is not theirs)
  goes to fail_list and gets no record. At confirmation (the staff member pressing send) each
  recipient gets status 1, 2 if the friendship ended meanwhile, or 3 if the customer already had
  `monthly_limit` status-1 mass messages that natural month (Asia/Shanghai) of the send time.
  Group chats have no monthly limit here. Unknown msgid, jobid or cursor → 40058.
- Enterprise-made messages and moments have create_type 0 (filter_type 0 or 2 lists them).
- A moment's creator is its first valid sender; get_moment_list shows it once its job finished.
- gettoken without corpid → 41002, without corpsecret → 41004; a wrong HTTP method → 43001 (GET
  wanted) or 43002 (POST wanted); message/send with another agentid → 40056, another msgtype than
  text, textcard or markdown → 40008.
- message/send: duplicates are matched on the touser string as given, agentid, msgtype and the
  msgtype payload's JSON; a send within duplicate_check_interval of the first is not made again.
- media/upload (any token) and media/upload_attachment (contact token) take one multipart part
  named "media" with a filename; they check WeCom's documented limits (over 5 bytes; image 10 MB
  PNG/JPEG by its first bytes, video 10 MB MP4, file 20 MB, voice 2 MB AMR) and answer a media_id
  kept three days. With `check_media_ids`, a mass send's image/video/file/mini program cover must
  carry a media_id from media/upload and a moment's image/video one from upload_attachment
  (attachment_type 1), of the same type and unexpired, or the call answers 40007.
- externalcontact/get and get_corp_tag_list: see fake_contacts.py. add_moment_task's
  visible_range.external_contact_list.tag_list must name the corp's tag ids (else 40068) and is
  kept on the moment's record.
"""

from __future__ import annotations

import copy
import json
import os
import random
import re
import secrets
import threading
from collections import Counter, deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, TypeVar

from siyu.channels.wecom import fake_contacts

# China has kept UTC+8 without daylight saving since 1991: no tzdata needed for Asia/Shanghai.
SHANGHAI = timezone(timedelta(hours=8))
CONTACT = "contact"
AGENT = "agent"
MONTH_S = 31 * 86400
MAX_CONTENT_BYTES = 4000
MAX_APP_TEXT_BYTES = 2048
MB = 1024 * 1024
MEDIA_ID_LIFE_S = 3 * 86400
ANY = "any"  # an endpoint every kind of token may call
ATTACHMENT_TYPES = frozenset({"image", "link", "miniprogram", "video", "file"})
T = TypeVar("T")

_EXTERNAL = "/cgi-bin/externalcontact/"
# path → (HTTP method, kind of token it takes, or None for gettoken)
ENDPOINTS: dict[str, tuple[str, str | None]] = {
    "/cgi-bin/gettoken": ("GET", None),
    _EXTERNAL + "add_msg_template": ("POST", CONTACT),
    _EXTERNAL + "get_groupmsg_list_v2": ("POST", CONTACT),
    _EXTERNAL + "get_groupmsg_task": ("POST", CONTACT),
    _EXTERNAL + "get_groupmsg_send_result": ("POST", CONTACT),
    _EXTERNAL + "add_moment_task": ("POST", CONTACT),
    _EXTERNAL + "get_moment_task_result": ("GET", CONTACT),
    _EXTERNAL + "get_moment_list": ("POST", CONTACT),
    "/cgi-bin/message/send": ("POST", AGENT),
    "/cgi-bin/media/upload": ("POST", ANY),
    "/cgi-bin/media/upload_attachment": ("POST", CONTACT),
    _EXTERNAL + "get": ("GET", CONTACT),
    _EXTERNAL + "get_corp_tag_list": ("POST", CONTACT),
}
UPLOAD_PATHS = frozenset({"/cgi-bin/media/upload", "/cgi-bin/media/upload_attachment"})
# type → (most bytes, the errcode for a bigger one, the first bytes its format starts with (any of), at offset)
MEDIA_LIMITS: dict[str, tuple[int, int, tuple[bytes, ...], int]] = {
    "image": (10 * MB, 40009, (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff"), 0),
    "voice": (2 * MB, 40006, (b"#!AMR",), 0),
    "video": (10 * MB, 40011, (b"ftyp",), 4),
    "file": (20 * MB, 40006, (), 0),
}


class WeComError(Exception):
    def __init__(self, errcode: int, errmsg: str) -> None:
        super().__init__(f"{errcode}: {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg


def ok(**fields: Any) -> dict[str, Any]:
    return {"errcode": 0, "errmsg": "ok", **fields}


def error(errcode: int, errmsg: str) -> dict[str, Any]:
    return {"errcode": errcode, "errmsg": errmsg}


@dataclass(frozen=True)
class Plan:
    """What a call meets before it is carried out."""

    answer: dict[str, Any] | None = None  # answer this, without any effect
    hang_before_s: float = 0.0  # wait this long first (the client times out; still no effect)
    hang_after_s: float = 0.0  # carry the call out, then wait this long before answering


@dataclass(frozen=True)
class Chaos:
    """Random faults: the rates are fractions of the calls to `paths` (None: every WeCom path)."""

    fail_rate: float = 0.0
    timeout_rate: float = 0.0
    timeout_s: float = 0.0
    timeout_after_effect_rate: float = 0.0
    paths: frozenset[str] | None = None
    errcodes: tuple[int, ...] = (-1, 45009)  # what a failed call answers (45009 makes siyu pause 60 s)

    def __post_init__(self) -> None:
        rates = {"fail_rate": self.fail_rate, "timeout_rate": self.timeout_rate}
        rates["timeout_after_effect_rate"] = self.timeout_after_effect_rate
        for name, rate in rates.items():
            if not 0 <= rate <= 1:
                raise ValueError(f"chaos: {name} must be between 0 and 1, not {rate}")
        if sum(rates.values()) > 1:
            raise ValueError(f"chaos: the rates add up to more than 1 ({sum(rates.values())})")
        if not self.errcodes:
            raise ValueError("chaos: errcodes must name at least one errcode")
        if not 0 <= self.timeout_s <= 600:
            raise ValueError(f"chaos: timeout_s must be between 0 and 600, not {self.timeout_s}")
        unknown = (self.paths or frozenset()) - ENDPOINTS.keys()
        if unknown:
            raise ValueError(f"chaos: unknown paths {sorted(unknown)}")

    def draw(self, path: str, rng: random.Random) -> Plan | None:
        if self.paths is not None and path not in self.paths:
            return None
        if not (self.fail_rate or self.timeout_rate or self.timeout_after_effect_rate):
            return None
        roll = rng.random()
        if roll < self.fail_rate:
            errcode = rng.choice(self.errcodes)
            return Plan(answer=error(errcode, f"fake chaos: transient failure {errcode}"))
        roll -= self.fail_rate
        if roll < self.timeout_rate:
            return Plan(answer=error(-1, "fake chaos: hung before the call"), hang_before_s=self.timeout_s)
        roll -= self.timeout_rate
        if roll < self.timeout_after_effect_rate:
            return Plan(hang_after_s=self.timeout_s)
        return None


@dataclass(frozen=True)
class FakeConfig:
    corp_id: str = "ww-fake-corp"
    secrets: Mapping[str, str] = field(
        default_factory=lambda: {"fake-contact-secret": CONTACT, "fake-agent-secret": AGENT}
    )
    agent_id: int = 1000002
    expires_in: int = 7200
    monthly_limit: int = 4
    staff: frozenset[str] | None = None  # None: the keys of friends and groups, or anyone if both are None
    friends: Mapping[str, frozenset[str]] | None = None  # None: everyone is everyone's contact
    groups: Mapping[str, frozenset[str]] | None = None  # None: every chat is every staff member's
    auto_confirm_after_s: float | None = 0.0  # None: only confirm() sends
    moment_finish_after_s: float = 0.0
    rate_limit_per_minute: int | None = None  # per path
    check_media_ids: bool = False  # sends must carry media_ids the fake issued (see above)
    # customer profiles by external_userid ({"name", "gender", "avatar", "remark", "tags"}); others are made up
    contacts: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    # the corp's customer tags: group name → tag names (fake_contacts.py gives their ids)
    corp_tags: Mapping[str, Sequence[str]] = field(default_factory=lambda: dict(fake_contacts.DEFAULT_CORP_TAGS))

    def __post_init__(self) -> None:
        for secret, kind in self.secrets.items():
            if kind not in {CONTACT, AGENT}:
                raise ValueError(f"FakeConfig.secrets[{secret!r}]: {kind!r} is neither 'contact' nor 'agent'")
        if self.expires_in <= 0:
            raise ValueError(f"FakeConfig.expires_in must be positive, not {self.expires_in}")
        if self.monthly_limit < 0:
            raise ValueError(f"FakeConfig.monthly_limit must be 0 or more, not {self.monthly_limit}")
        if self.auto_confirm_after_s is not None and self.auto_confirm_after_s < 0:
            raise ValueError(f"FakeConfig.auto_confirm_after_s must be 0 or more, not {self.auto_confirm_after_s}")
        if self.moment_finish_after_s < 0:
            raise ValueError(f"FakeConfig.moment_finish_after_s must be 0 or more, not {self.moment_finish_after_s}")
        if self.rate_limit_per_minute is not None and self.rate_limit_per_minute < 1:
            raise ValueError(f"FakeConfig.rate_limit_per_minute must be 1 or more, not {self.rate_limit_per_minute}")


@dataclass
class _Token:
    kind: str
    expires_at: float
    revoked: bool = False


@dataclass
class _Delivery:
    recipient: str
    status: int = 0
    send_time: int = 0


@dataclass
class _MassSend:
    msgid: str
    sender: str
    chat_type: str
    text: dict[str, Any] | None
    attachments: list[dict[str, Any]]
    create_time: int
    deliveries: list[_Delivery]
    fail_list: list[str]
    confirmed: bool = False
    send_time: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "msgid": self.msgid,
            "sender": self.sender,
            "chat_type": self.chat_type,
            "recipients": [d.recipient for d in self.deliveries],
            "fail_list": list(self.fail_list),
            "content": (self.text or {}).get("content", ""),
            "attachments": copy.deepcopy(self.attachments),
            "create_time": self.create_time,
            "confirmed": self.confirmed,
            "send_time": self.send_time,
            "results": [
                {"recipient": d.recipient, "status": d.status, "send_time": d.send_time} for d in self.deliveries
            ],
        }


@dataclass
class _Moment:
    jobid: str
    moment_id: str | None
    creator: str
    senders: list[str]
    invalid_senders: list[str]
    text: dict[str, Any] | None
    attachments: list[dict[str, Any]]
    create_time: int
    finish_at: float
    tag_list: list[str] = field(default_factory=list)  # visible_range.external_contact_list.tag_list

    def as_json(self) -> dict[str, Any]:
        return {
            "jobid": self.jobid,
            "moment_id": self.moment_id,
            "creator": self.creator,
            "senders": list(self.senders),
            "invalid_senders": list(self.invalid_senders),
            "tag_list": list(self.tag_list),
            "content": (self.text or {}).get("content", ""),
            "attachments": copy.deepcopy(self.attachments),
            "create_time": self.create_time,
        }


@dataclass(frozen=True)
class _Media:
    media_id: str
    endpoint: str  # upload | upload_attachment
    type: str
    attachment_type: int | None
    filename: str
    size: int
    content_type: str
    created_at: int

    def as_json(self) -> dict[str, Any]:
        return {
            "media_id": self.media_id,
            "endpoint": self.endpoint,
            "type": self.type,
            "attachment_type": self.attachment_type,
            "filename": self.filename,
            "size": self.size,
            "content_type": self.content_type,
            "created_at": self.created_at,
        }


class FakeState:
    def __init__(self, config: FakeConfig, *, clock: Callable[[], float], state_file: Path | None = None) -> None:
        self.config = config
        self._clock = clock
        self._state_file = state_file
        self._lock = threading.Lock()
        self._posts: dict[str, Callable[[Mapping[str, Any], float], dict[str, Any]]] = {
            _EXTERNAL + "add_msg_template": self._add_msg_template,
            _EXTERNAL + "get_groupmsg_list_v2": self._get_groupmsg_list_v2,
            _EXTERNAL + "get_groupmsg_task": self._get_groupmsg_task,
            _EXTERNAL + "get_groupmsg_send_result": self._get_groupmsg_send_result,
            _EXTERNAL + "add_moment_task": self._add_moment_task,
            _EXTERNAL + "get_moment_list": self._get_moment_list,
            _EXTERNAL + "get_corp_tag_list": self._get_corp_tag_list,
            "/cgi-bin/message/send": self._message_send,
        }
        self._clear()
        self._persist()

    def _clear(self) -> None:
        self._tokens: dict[str, _Token] = {}
        self._calls: Counter[str] = Counter()
        self._failures: dict[str, deque[int]] = {}
        self._chaos = Chaos()
        self._chaos_rng = random.Random(0)
        self._windows: dict[str, deque[float]] = {}
        self._mass: list[_MassSend] = []
        self._pending: list[tuple[float | None, _MassSend]] = []
        self._monthly: Counter[tuple[str, int, int]] = Counter()
        self._app: list[dict[str, Any]] = []
        self._recent_app: dict[tuple[str, int, str, str], tuple[float, str]] = {}
        self._moments: dict[str, _Moment] = {}
        self._media: dict[str, _Media] = {}
        friends = self.config.friends
        self._friends = None if friends is None else {u: set(ids) for u, ids in friends.items()}

    # ---- faults and control ------------------------------------------------------------------

    def count(self, path: str) -> None:
        with self._lock:
            self._calls[path] += 1
            self._persist()

    def begin(self, path: str) -> Plan:
        """Count a WeCom call and decide what it meets first: a queued failure, chaos, the rate
        limit — or nothing (`Plan()`: go on to `handle`)."""
        with self._lock:
            self._calls[path] += 1
            plan = self._plan(path, self._clock())
            if plan.answer is not None:
                self._persist()
            return plan

    def _plan(self, path: str, now: float) -> Plan:
        queued = self._failures.get(path)
        if queued:
            errcode = queued.popleft()
            return Plan(answer=error(errcode, f"fake: failure asked for {path}"))
        chaos_plan = self._chaos.draw(path, self._chaos_rng)
        if chaos_plan is not None:
            return chaos_plan
        limit = self.config.rate_limit_per_minute
        if limit is not None:
            window = self._windows.setdefault(path, deque())
            while window and window[0] <= now - 60:
                window.popleft()
            if len(window) >= limit:
                return Plan(answer=error(45009, f"api freq out of limit: {limit} calls of {path} per minute"))
            window.append(now)
        return Plan()

    def expire_tokens(self) -> int:
        with self._lock:
            for token in self._tokens.values():
                token.revoked = True
            return len(self._tokens)

    def fail_next(self, path: str, errcode: int, count: int = 1) -> None:
        if path not in ENDPOINTS:
            raise ValueError(f"fail_next: {path!r} is not a WeCom path of the fake ({', '.join(ENDPOINTS)})")
        if isinstance(errcode, bool) or not isinstance(errcode, int) or errcode == 0:
            raise ValueError(f"fail_next: errcode must be a non-zero integer, not {errcode!r}")
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 100_000:
            raise ValueError(f"fail_next: count must be an integer from 1 to 100000, not {count!r}")
        with self._lock:
            self._failures.setdefault(path, deque()).extend([errcode] * count)

    def set_chaos(self, chaos: Chaos, *, seed: int) -> None:
        with self._lock:
            self._chaos = chaos
            self._chaos_rng = random.Random(seed)

    def set_friends(self, userid: str, external_userids: Iterable[str]) -> None:
        """Replace one staff member's contacts (and make contacts explicit for everyone else)."""
        with self._lock:
            if self._friends is None:
                self._friends = {}
            self._friends[userid] = set(external_userids)
            self._persist()

    def confirm(self) -> int:
        """Every pending mass send is confirmed now, as if each sender pressed send."""
        with self._lock:
            now = self._clock()
            pending, self._pending = self._pending, []
            for _, mass in pending:
                self._confirm(mass, now)
            self._persist()
            return len(pending)

    def reset(self) -> None:
        with self._lock:
            self._clear()
            self._persist()

    # ---- records -----------------------------------------------------------------------------

    def records(self) -> dict[str, Any]:
        with self._lock:
            if self._confirm_due(self._clock()):
                self._persist()
            return self._snapshot()

    def calls(self) -> Counter[str]:
        with self._lock:
            return Counter(self._calls)

    def uploads(self) -> list[dict[str, Any]]:
        """Every file uploaded (media/upload, media/upload_attachment), oldest first; kept apart
        from the records, which hold what would have reached someone."""
        with self._lock:
            return [media.as_json() for media in self._media.values()]

    def _snapshot(self) -> dict[str, Any]:
        return {
            "mass_sends": [m.as_json() for m in self._mass],
            "app_messages": copy.deepcopy(self._app),
            "moments": [m.as_json() for m in self._moments.values()],
            "calls": dict(self._calls),
        }

    def _persist(self) -> None:
        if self._state_file is None:
            return
        temporary = self._state_file.with_name(f"{self._state_file.name}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps(self._snapshot(), ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, self._state_file)

    # ---- the WeCom API -----------------------------------------------------------------------

    def handle(
        self, method: str, path: str, query: Mapping[str, str], raw_body: bytes, *, content_type: str = ""
    ) -> dict[str, Any]:
        """Answer one WeCom call that `begin` let through."""
        expected_method, kind = ENDPOINTS[path]
        with self._lock:
            now = self._clock()
            self._confirm_due(now)
            try:
                if method != expected_method:
                    raise WeComError(43001 if expected_method == "GET" else 43002, f"{path} takes {expected_method}")
                if kind is None:
                    return self._gettoken(query, now)
                self._check_token(query, kind, path, now)
                if path == _EXTERNAL + "get":
                    return self._get_external_contact(query, now)
                if method == "GET":
                    return self._get_moment_task_result(query, now)
                if path in UPLOAD_PATHS:
                    return self._upload(path, query, _multipart_media(raw_body, content_type), now)
                return self._posts[path](_json_object(raw_body), now)
            except WeComError as exc:
                return error(exc.errcode, exc.errmsg)
            finally:
                self._persist()

    def _gettoken(self, query: Mapping[str, str], now: float) -> dict[str, Any]:
        corp_id, secret = query.get("corpid"), query.get("corpsecret")
        if not corp_id:
            raise WeComError(41002, "corpid missing")
        if not secret:
            raise WeComError(41004, "corpsecret missing")
        if corp_id != self.config.corp_id:
            raise WeComError(40013, f"invalid corpid {corp_id!r}")
        kind = self.config.secrets.get(secret)
        if kind is None:
            raise WeComError(40001, "invalid credential: unknown corpsecret")
        token = secrets.token_urlsafe(32)
        self._tokens[token] = _Token(kind=kind, expires_at=now + self.config.expires_in)
        return ok(access_token=token, expires_in=self.config.expires_in)

    def _check_token(self, query: Mapping[str, str], kind: str, path: str, now: float) -> None:
        value = query.get("access_token")
        if not value:
            raise WeComError(41001, "access_token missing")
        token = self._tokens.get(value)
        if token is None:
            raise WeComError(40014, "invalid access_token")
        if token.revoked or now >= token.expires_at:
            raise WeComError(42001, "access_token expired")
        if kind not in {ANY, token.kind}:
            raise WeComError(48002, f"api forbidden: a {token.kind} secret's token cannot call {path}")

    def _add_msg_template(self, body: Mapping[str, Any], now: float) -> dict[str, Any]:
        chat_type = _opt_str(body, "chat_type") or "single"
        if chat_type not in {"single", "group"}:
            raise WeComError(40058, f"chat_type must be single or group, not {chat_type!r}")
        sender = _req_str(body, "sender")
        if not self._is_staff(sender):
            raise WeComError(40003, f"invalid userid {sender!r} (sender)")
        text, attachments = _content(body)
        self._check_media(attachments, "upload", now)
        if chat_type == "single":
            wanted = list(dict.fromkeys(_str_list(body, "external_userid")))
            if not wanted:
                raise WeComError(41048, "no customer to send to: external_userid is empty")
            reachable = [c for c in wanted if self._is_friend(sender, c)]
        else:
            wanted = list(dict.fromkeys(_str_list(body, "chat_id_list")))
            if not wanted:
                raise WeComError(40058, "chat_id_list is required for chat_type group")
            reachable = [c for c in wanted if self._owns_group(sender, c)]
        mass = _MassSend(
            msgid="msg" + secrets.token_urlsafe(18),
            sender=sender,
            chat_type=chat_type,
            text=text,
            attachments=attachments,
            create_time=int(now),
            deliveries=[_Delivery(recipient) for recipient in reachable],
            fail_list=[c for c in wanted if c not in reachable],
        )
        self._mass.append(mass)
        delay = self.config.auto_confirm_after_s
        if delay == 0:
            self._confirm(mass, now)
        else:
            self._pending.append((None if delay is None else now + delay, mass))
        return ok(fail_list=mass.fail_list, msgid=mass.msgid)

    def _confirm_due(self, now: float) -> bool:
        """Confirm the mass sends whose auto-confirmation time has come; whether there were any."""
        due = [(at, m) for at, m in self._pending if at is not None and at <= now]
        self._pending = [(at, m) for at, m in self._pending if at is None or at > now]
        for at, mass in due:
            assert at is not None
            self._confirm(mass, at)
        return bool(due)

    def _confirm(self, mass: _MassSend, at: float) -> None:
        sent_at = datetime.fromtimestamp(at, SHANGHAI)
        mass.confirmed, mass.send_time = True, int(at)
        for delivery in mass.deliveries:
            delivery.send_time = int(at)
            if mass.chat_type == "group":
                delivery.status = 1 if self._owns_group(mass.sender, delivery.recipient) else 2
                continue
            month = (delivery.recipient, sent_at.year, sent_at.month)
            if not self._is_friend(mass.sender, delivery.recipient):
                delivery.status = 2
            elif self._monthly[month] >= self.config.monthly_limit:
                delivery.status = 3
            else:
                delivery.status = 1
                self._monthly[month] += 1

    def _get_groupmsg_list_v2(self, body: Mapping[str, Any], now: float) -> dict[str, Any]:
        chat_type = _opt_str(body, "chat_type") or "single"
        start, end = _time_range(body)
        creator = _opt_str(body, "creator")
        filter_type = _opt_int(body, "filter_type", 2)
        found = [
            m
            for m in self._mass
            if m.chat_type == chat_type
            and start <= m.create_time <= end
            and (not creator or m.sender == creator)
            and filter_type in {0, 2}
        ]
        page, cursor = _page(found, body, default_limit=50, max_limit=100)
        listed = [
            {
                "msgid": m.msgid,
                "creator": m.sender,
                "create_time": str(m.create_time),
                "create_type": 0,
                **({"text": dict(m.text)} if m.text else {}),
                "attachments": copy.deepcopy(m.attachments),
            }
            for m in page
        ]
        return ok(next_cursor=cursor, group_msg_list=listed)

    def _get_groupmsg_task(self, body: Mapping[str, Any], now: float) -> dict[str, Any]:
        mass = self._mass_send(body)
        task = {"userid": mass.sender, "status": 2 if mass.confirmed else 0}
        if mass.confirmed:
            task["send_time"] = mass.send_time
        page, cursor = _page([task], body, default_limit=1000, max_limit=1000)
        return ok(next_cursor=cursor, task_list=page)

    def _get_groupmsg_send_result(self, body: Mapping[str, Any], now: float) -> dict[str, Any]:
        mass = self._mass_send(body)
        userid = _req_str(body, "userid")
        key = "external_userid" if mass.chat_type == "single" else "chat_id"
        results = []
        for delivery in mass.deliveries if userid == mass.sender else []:
            result: dict[str, Any] = {key: delivery.recipient, "userid": mass.sender, "status": delivery.status}
            if delivery.status:
                result["send_time"] = delivery.send_time
            results.append(result)
        page, cursor = _page(results, body, default_limit=1000, max_limit=1000)
        return ok(next_cursor=cursor, send_list=page)

    def _mass_send(self, body: Mapping[str, Any]) -> _MassSend:
        msgid = _req_str(body, "msgid")
        for mass in self._mass:
            if mass.msgid == msgid:
                return mass
        raise WeComError(40058, f"invalid msgid {msgid!r}")

    def _add_moment_task(self, body: Mapping[str, Any], now: float) -> dict[str, Any]:
        text, attachments = _content(body)
        self._check_media(attachments, "upload_attachment", now)
        visible = _object(body, "visible_range") or {}
        sender_list = _object(visible, "sender_list") or {}
        asked = list(dict.fromkeys(_str_list(sender_list, "user_list")))
        senders = [u for u in asked if self._is_staff(u)]
        external = _object(visible, "external_contact_list") or {}
        tag_list = list(dict.fromkeys(_str_list(external, "tag_list")))
        unknown = [t for t in tag_list if t not in fake_contacts.known_tag_ids(self.config.corp_tags)]
        if unknown:
            raise WeComError(40068, f"invalid tagid {unknown[0]!r} in visible_range.external_contact_list.tag_list")
        moment = _Moment(
            jobid="job" + secrets.token_urlsafe(18),
            moment_id=None if asked and not senders else "mom" + secrets.token_urlsafe(18),
            creator=senders[0] if senders else "",
            senders=senders,
            invalid_senders=[u for u in asked if u not in senders],
            text=text,
            attachments=attachments,
            create_time=int(now),
            finish_at=now + self.config.moment_finish_after_s,
            tag_list=tag_list,
        )
        self._moments[moment.jobid] = moment
        return ok(jobid=moment.jobid)

    def _get_moment_task_result(self, query: Mapping[str, str], now: float) -> dict[str, Any]:
        jobid = query.get("jobid")
        if not jobid:
            raise WeComError(40058, "jobid is required")
        moment = self._moments.get(jobid)
        if moment is None:
            raise WeComError(40058, f"invalid jobid {jobid!r}")
        if now < moment.finish_at:
            return ok(status=2, type="add_moment_task")
        result = ok() if moment.moment_id else error(40003, "no valid sender in visible_range.sender_list")
        result["invalid_sender_list"] = {"user_list": list(moment.invalid_senders)}
        if moment.moment_id:
            result["moment_id"] = moment.moment_id
        return ok(status=3, type="add_moment_task", result=result)

    def _get_moment_list(self, body: Mapping[str, Any], now: float) -> dict[str, Any]:
        start, end = _time_range(body)
        creator = _opt_str(body, "creator")
        filter_type = _opt_int(body, "filter_type", 2)
        found = [
            m
            for m in self._moments.values()
            if m.moment_id
            and m.finish_at <= now
            and start <= m.create_time <= end
            and (not creator or creator in m.senders)
            and filter_type in {0, 2}
        ]
        page, cursor = _page(found, body, default_limit=20, max_limit=20)
        listed = [
            {
                "moment_id": m.moment_id,
                "creator": m.creator,
                "create_time": str(m.create_time),
                "create_type": 0,
                "visible_type": 1,
                **({"text": dict(m.text)} if m.text else {}),
                "attachments": copy.deepcopy(m.attachments),
            }
            for m in page
        ]
        return ok(next_cursor=cursor, moment_list=listed)

    def _get_external_contact(self, query: Mapping[str, str], now: float) -> dict[str, Any]:
        external_userid = query.get("external_userid") or ""
        if not external_userid:
            raise WeComError(40058, "invalid param: external_userid is required")
        if not external_userid.startswith(fake_contacts.EXTERNAL_PREFIXES):
            raise WeComError(40096, f"invalid external userid {external_userid[:64]!r}")
        followers = sorted(u for u, ids in (self._friends or {}).items() if external_userid in ids)
        if self._friends is not None and not followers:
            raise WeComError(84061, f"not external contact: nobody added {external_userid[:64]!r}")
        profile = self.config.contacts.get(external_userid) or fake_contacts.made_up_profile(external_userid)
        answer = fake_contacts.external_contact(
            external_userid, profile, followers, corp_tags=self.config.corp_tags, created=int(now)
        )
        return ok(**answer)

    def _get_corp_tag_list(self, body: Mapping[str, Any], now: float) -> dict[str, Any]:
        groups = fake_contacts.tag_groups(self.config.corp_tags, created=int(now))
        tag_ids, group_ids = set(_str_list(body, "tag_id")), set(_str_list(body, "group_id"))
        if group_ids:
            groups = [g for g in groups if g["group_id"] in group_ids]
        elif tag_ids:
            groups = [{**g, "tag": [t for t in g["tag"] if t["id"] in tag_ids]} for g in groups]
            groups = [g for g in groups if g["tag"]]
        return ok(tag_group=groups)

    def _message_send(self, body: Mapping[str, Any], now: float) -> dict[str, Any]:
        msgtype = _req_str(body, "msgtype")
        agent_id = _req_int(body, "agentid")
        if agent_id != self.config.agent_id:
            raise WeComError(40056, f"invalid agentid {agent_id}")
        payload = _app_payload(body, msgtype)
        touser = _req_str(body, "touser")
        named = list(dict.fromkeys(u for u in touser.split("|") if u))
        valid = [u for u in named if u == "@all" or self._is_staff(u)]
        invalid = "|".join(u for u in named if u not in valid)
        if not valid:
            raise WeComError(81013, f"user & party & tag all invalid: {invalid}")
        interval = _opt_int(body, "duplicate_check_interval", 1800)
        if not 0 < interval <= 14400:
            raise WeComError(40058, f"duplicate_check_interval must be 1..14400 seconds, not {interval}")
        key = (touser, agent_id, msgtype, json.dumps(payload, sort_keys=True, ensure_ascii=False))
        answer = ok(invaliduser=invalid, invalidparty="", invalidtag="", unlicenseduser="")
        first = self._recent_app.get(key)
        if _opt_int(body, "enable_duplicate_check", 0) == 1 and first is not None and now - first[0] < interval:
            return {**answer, "msgid": first[1], "response_code": secrets.token_hex(8)}
        msgid = "app" + secrets.token_urlsafe(18)
        self._recent_app[key] = (now, msgid)
        self._app.append(
            {
                "msgid": msgid,
                "touser": valid,
                "agentid": agent_id,
                "msgtype": msgtype,
                "content": payload,
                "time": int(now),
            }
        )
        return {**answer, "msgid": msgid, "response_code": secrets.token_hex(8)}

    def _upload(self, path: str, query: Mapping[str, str], part: _Part, now: float) -> dict[str, Any]:
        attachment = path.endswith("upload_attachment")
        media_type = query.get("media_type" if attachment else "type") or ""
        allowed = ("image", "video", "file") if attachment else tuple(MEDIA_LIMITS)
        if media_type not in allowed:
            raise WeComError(40004, f"invalid media type {media_type!r} (one of {', '.join(allowed)})")
        attachment_type = None
        if attachment:
            attachment_type = _opt_int(query, "attachment_type", 0)
            if attachment_type not in {1, 2}:
                raise WeComError(40058, f"invalid param: attachment_type must be 1 or 2, not {attachment_type}")
            if attachment_type == 1 and media_type == "file":
                raise WeComError(40004, "moments attachments are images and videos only")
        _check_file(media_type, part)
        media = _Media(
            media_id=("att" if attachment else "med") + secrets.token_urlsafe(24),
            endpoint="upload_attachment" if attachment else "upload",
            type=media_type,
            attachment_type=attachment_type,
            filename=part.filename,
            size=len(part.data),
            content_type=part.content_type,
            created_at=int(now),
        )
        self._media[media.media_id] = media
        created_at: int | str = media.created_at if attachment else str(media.created_at)  # as each doc shows it
        return ok(type=media_type, media_id=media.media_id, created_at=created_at)

    def _check_media(self, attachments: Sequence[Mapping[str, Any]], endpoint: str, now: float) -> None:
        if not self.config.check_media_ids:
            return
        for index, attachment in enumerate(attachments):
            kind = attachment["msgtype"]
            fields = attachment[kind]
            wanted, media_id = kind, fields.get("media_id")
            if kind == "miniprogram":
                wanted, media_id = "image", fields.get("pic_media_id")
            elif kind == "link":
                if not media_id:
                    continue  # a link's cover is optional
                wanted = "image"
            media = self._media.get(media_id) if isinstance(media_id, str) else None
            where = f"attachments[{index}] ({kind})"
            if (
                media is None
                or media.endpoint != endpoint
                or (endpoint == "upload_attachment" and media.attachment_type != 1)
            ):
                raise WeComError(40007, f"invalid media_id {media_id!r} in {where}: not issued by {endpoint}")
            if media.type != wanted:
                raise WeComError(40007, f"invalid media_id {media_id!r} in {where}: it is a {media.type}")
            if now >= media.created_at + MEDIA_ID_LIFE_S:
                raise WeComError(40007, f"invalid media_id {media_id!r} in {where}: expired (3 days)")

    # ---- who knows whom ----------------------------------------------------------------------

    def _is_staff(self, userid: str) -> bool:
        if self.config.staff is not None:
            return userid in self.config.staff
        if self._friends is None and self.config.groups is None:
            return True
        return userid in (self._friends or {}) or userid in (self.config.groups or {})

    def _is_friend(self, userid: str, external_userid: str) -> bool:
        return self._friends is None or external_userid in self._friends.get(userid, set())

    def _owns_group(self, userid: str, chat_id: str) -> bool:
        groups = self.config.groups
        return groups is None or chat_id in groups.get(userid, frozenset())


def load_records(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The records a fake run with --state-file last wrote."""
    try:
        records = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: not the fake WeCom's records (bad JSON: {exc})") from exc
    if not isinstance(records, dict) or "mass_sends" not in records:
        raise ValueError(f"{path}: not the fake WeCom's records (no mass_sends)")
    return records


# ---- reading request bodies the way WeCom does: a bad field is 40058, not a traceback -------------


def _json_object(raw: bytes) -> dict[str, Any]:
    try:
        body = json.loads(raw.decode("utf-8")) if raw.strip() else None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise WeComError(40058, f"invalid param: the body is not JSON ({exc})") from exc
    if not isinstance(body, dict):
        raise WeComError(40058, "invalid param: the body must be a JSON object")
    return body


@dataclass(frozen=True)
class _Part:
    filename: str
    filelength: int | None
    content_type: str
    data: bytes


_PARAM = re.compile(r';\s*([A-Za-z0-9_.-]+)\s*=\s*(?:"([^"]*)"|([^;]*))')


def _multipart_media(raw: bytes, content_type: str) -> _Part:
    """The part named "media" of a multipart/form-data body; 41005 when there is none."""
    kind, _, params = content_type.partition(";")
    boundary = _params(";" + params).get("boundary", "")
    if kind.strip().lower() != "multipart/form-data" or not boundary:
        raise WeComError(41005, "media data missing: the body must be multipart/form-data with a boundary")
    delimiter = b"--" + boundary.encode("latin-1")
    chunks = raw.split(delimiter)
    if len(chunks) < 3 or not chunks[-1].startswith(b"--"):
        raise WeComError(41005, "media data missing: the multipart body is not closed by its boundary")
    for chunk in chunks[1:-1]:
        head, separator, data = chunk.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        if not separator or not data.endswith(b"\r\n"):
            raise WeComError(41005, "media data missing: a part has no headers or is not ended by CRLF")
        headers = {}
        for line in head.decode("utf-8", errors="replace").split("\r\n"):
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        disposition = headers.get("content-disposition", "")
        fields = _params(";" + disposition.partition(";")[2])
        if fields.get("name") != "media":
            continue
        filename = fields.get("filename", "")
        if not filename:
            raise WeComError(40058, "invalid param: the media part has no filename")
        length = fields.get("filelength")
        part = _Part(
            filename=filename,
            filelength=int(length) if length and length.isdigit() else None,
            content_type=headers.get("content-type", ""),
            data=data[:-2],
        )
        if length is not None and part.filelength != len(part.data):
            raise WeComError(40058, f"invalid param: filelength {length} but {len(part.data)} bytes sent")
        return part
    raise WeComError(41005, 'media data missing: no part named "media"')


def _params(text: str) -> dict[str, str]:
    return {
        m.group(1).lower(): m.group(2) if m.group(2) is not None else m.group(3).strip() for m in _PARAM.finditer(text)
    }


def _check_file(media_type: str, part: _Part) -> None:
    most, too_big, signatures, offset = MEDIA_LIMITS[media_type]
    size = len(part.data)
    if size == 0:
        raise WeComError(44001, "empty media data")
    if size <= 5:
        raise WeComError(40006, f"invalid file size: {size} bytes (every file must be over 5 bytes)")
    if size > most:
        raise WeComError(too_big, f"invalid {media_type} size: {size} bytes (at most {most // MB} MB)")
    if signatures and not any(part.data[offset:].startswith(signature) for signature in signatures):
        raise WeComError(40005, f"invalid file type: {part.filename} is not a {media_type} WeCom takes")


def _opt_str(body: Mapping[str, Any], key: str) -> str | None:
    value = body.get(key)
    if value is not None and not isinstance(value, str):
        raise WeComError(40058, f"invalid param: {key} must be a string")
    return value


def _req_str(body: Mapping[str, Any], key: str) -> str:
    value = _opt_str(body, key)
    if not value:
        raise WeComError(40058, f"invalid param: {key} is required")
    return value


def _opt_int(body: Mapping[str, Any], key: str, default: int) -> int:
    value = body.get(key)
    if value is None:
        return default
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise WeComError(40058, f"invalid param: {key} must be an integer")
    return value


def _req_int(body: Mapping[str, Any], key: str) -> int:
    if body.get(key) is None:
        raise WeComError(40058, f"invalid param: {key} is required")
    return _opt_int(body, key, 0)


def _str_list(body: Mapping[str, Any], key: str) -> list[str]:
    value = body.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise WeComError(40058, f"invalid param: {key} must be a list of non-empty strings")
    if len(value) > 10_000:
        raise WeComError(40058, f"invalid param: {key} has more than 10000 entries")
    return value


def _object(body: Mapping[str, Any], key: str) -> dict[str, Any] | None:
    value = body.get(key)
    if value is not None and not isinstance(value, dict):
        raise WeComError(40058, f"invalid param: {key} must be an object")
    return value


def _content(body: Mapping[str, Any]) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """A mass send's or moment's text and attachments; at least one of them."""
    text = _object(body, "text")
    content = _opt_str(text, "content") if text else None
    if content and len(content.encode("utf-8")) > MAX_CONTENT_BYTES:
        raise WeComError(45035, f"text.content is longer than {MAX_CONTENT_BYTES} bytes")
    attachments = body.get("attachments") or []
    if not isinstance(attachments, list) or len(attachments) > 9:
        raise WeComError(40058, "invalid param: attachments must be a list of at most 9")
    for index, attachment in enumerate(attachments):
        kind = attachment.get("msgtype") if isinstance(attachment, dict) else None
        if kind not in ATTACHMENT_TYPES or not isinstance(attachment.get(kind), dict):
            raise WeComError(40058, f"invalid param: attachments[{index}] needs a msgtype and its object")
    if not content and not attachments:
        raise WeComError(44004, "empty content: no text.content and no attachments")
    return ({"content": content} if content else None), copy.deepcopy(attachments)


def _app_payload(body: Mapping[str, Any], msgtype: str) -> dict[str, Any]:
    payload = _object(body, msgtype)
    if msgtype in {"text", "markdown"}:
        content = _opt_str(payload or {}, "content")
        if not content:
            raise WeComError(44004, f"empty content: {msgtype}.content")
        if len(content.encode("utf-8")) > MAX_APP_TEXT_BYTES:
            raise WeComError(45035, f"{msgtype}.content is longer than {MAX_APP_TEXT_BYTES} bytes")
    elif msgtype == "textcard":
        for key in ("title", "description", "url"):
            if not isinstance((payload or {}).get(key), str) or not (payload or {})[key]:
                raise WeComError(40058, f"invalid param: textcard.{key} is required (a string)")
    else:
        raise WeComError(40008, f"invalid message type {msgtype!r} (the fake knows text, textcard, markdown)")
    assert payload is not None
    return copy.deepcopy(payload)


def _time_range(body: Mapping[str, Any]) -> tuple[int, int]:
    start, end = _req_int(body, "start_time"), _req_int(body, "end_time")
    if not 0 <= end - start <= MONTH_S:
        raise WeComError(40058, "invalid param: end_time must follow start_time by at most one month")
    return start, end


def _page(items: Sequence[T], body: Mapping[str, Any], *, default_limit: int, max_limit: int) -> tuple[list[T], str]:
    limit = _opt_int(body, "limit", default_limit)
    limit = default_limit if limit <= 0 else min(limit, max_limit)
    cursor = _opt_str(body, "cursor") or "0"
    if not cursor.isdigit():
        raise WeComError(40058, f"invalid param: cursor {cursor!r}")
    offset = int(cursor)
    page = list(items[offset : offset + limit])
    return page, (str(offset + limit) if offset + limit < len(items) else "")
