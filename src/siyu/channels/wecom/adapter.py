"""The WeCom adapter: customer and group sends as mass-send tasks (群发), moments (朋友圈) as moment
tasks, staff reminders and digests as app messages.

A mass send or moment is a task the staff member confirms in their WeCom client: `send` returns
WeCom's reference undelivered and `poll` asks whether it went out. An app message is delivered
when WeCom takes it; WeCom's duplicate check (same content to the same person within four
hours is dropped) makes sending it again after an unknown outcome safe.

An image, file or video material with a `local_path` (compose.py found it beside the SOP) is
uploaded first (media.py) and sent by the media_id WeCom gave it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from siyu.channels.base import DeliveryError, DeliveryState, Outgoing, Progress, Purpose, Receipt
from siyu.channels.wecom.client import WeComClient
from siyu.channels.wecom.config import WeComSettings
from siyu.channels.wecom.errors import classify
from siyu.channels.wecom.mass_send import MassTarget, mass_target, overall, recipient_progress, staff_of
from siyu.channels.wecom.media import CheckedFile, MaterialProblem, MediaUploads
from siyu.channels.wecom.moment_visibility import visible_tag_ids

MASS_SEND_CHANNELS = frozenset({"private", "group"})
TEXTCARD_TITLE_BYTES = 128
TEXTCARD_DESCRIPTION_BYTES = 512
TEXT_MESSAGE_BYTES = 2048
DUPLICATE_CHECK_S = 14400  # WeCom's longest duplicate-check window
FIND_LEEWAY_S = 60  # WeCom's clock and ours may differ; look this far before the attempt
LIST_SPAN_S = 28 * 86400  # WeCom's lists take at most a month between start and end
MAX_PAGES = 1000
ELLIPSIS = "…"
MOMENT_JOB = "moment-job:"
MOMENT = "moment:"
LOCAL_PATH = "local_path"  # set by compose.resolve_materials
UNRESOLVED = "unresolved"
MATERIAL_NOTES = frozenset({LOCAL_PATH, UNRESOLVED})
INVALID_MEDIA_ID = "wecom:40007"
DEFAULT_TITLES = {Purpose.remind: "任务提醒", Purpose.digest: "今日任务"}

_ADD_MSG_TEMPLATE = "/cgi-bin/externalcontact/add_msg_template"
_GROUPMSG_LIST = "/cgi-bin/externalcontact/get_groupmsg_list_v2"
_GROUPMSG_SEND_RESULT = "/cgi-bin/externalcontact/get_groupmsg_send_result"
_ADD_MOMENT_TASK = "/cgi-bin/externalcontact/add_moment_task"
_MOMENT_TASK_RESULT = "/cgi-bin/externalcontact/get_moment_task_result"
_MOMENT_LIST = "/cgi-bin/externalcontact/get_moment_list"
_MESSAGE_SEND = "/cgi-bin/message/send"


class WeComAdapter:
    name = "wecom"

    def __init__(
        self,
        settings: WeComSettings,
        *,
        client: WeComClient,
        wall: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._settings = settings
        self._client = client
        self._wall = wall
        self._media = MediaUploads(client, monotonic=monotonic)

    def send(self, item: Outgoing) -> Receipt:
        if item.purpose in DEFAULT_TITLES:
            return self._notify(item)
        if item.channel in MASS_SEND_CHANNELS:
            return self._mass_send(item)
        if item.channel == "moments":
            return self._post_moment(item)
        raise DeliveryError(f"WeCom cannot send channel {item.channel}", permanent=True, code="wecom:channel")

    def find(self, item: Outgoing, *, since_s: int) -> Receipt | None:
        if item.purpose is not Purpose.send:
            return None  # app messages: WeCom's duplicate check drops a repeat
        if item.channel in MASS_SEND_CHANNELS:
            return self._find_mass_send(item, since_s)
        if item.channel == "moments":
            return self._find_moment(item, since_s)
        return None  # send refuses these channels before calling WeCom

    def poll(self, item: Outgoing, receipt: Receipt) -> Progress:
        if item.purpose is not Purpose.send:
            return Progress(DeliveryState.delivered)
        if not receipt.ref:
            raise DeliveryError(f"{item.key}: the receipt has no WeCom reference to ask about", permanent=True)
        if item.channel in MASS_SEND_CHANNELS:
            return self._mass_send_progress(item, receipt.ref)
        if item.channel == "moments":
            return self._moment_progress(item, receipt.ref)
        raise DeliveryError(f"WeCom cannot send channel {item.channel}", permanent=True, code="wecom:channel")

    def close(self) -> None:
        self._client.close()

    # mass sends (private and group)

    def _mass_send(self, item: Outgoing) -> Receipt:
        target = mass_target(item)
        content = self._content(item, moments=False)
        body: dict[str, Any] = {"chat_type": target.chat_type, "sender": target.sender, "allow_select": False}
        body["external_userid" if target.chat_type == "single" else "chat_id_list"] = list(target.recipients)
        body.update(content.body())
        answer = self._call_with_uploads(_ADD_MSG_TEMPLATE, body, content)
        # some of several refused: the others have their message, the send result settles each
        if set(target.recipients) <= set(_strings(answer.get("fail_list"))):
            raise DeliveryError(
                f"{', '.join(target.recipients)} is not this staff member's contact (不是成员 {target.sender} 的客户): "
                "WeCom made no message for them",
                permanent=True,
                code="wecom:fail_list",
            )
        return Receipt(ref=_reference(answer, "msgid", _ADD_MSG_TEMPLATE), delivered=False)

    def _find_mass_send(self, item: Outgoing, since_s: int) -> Receipt | None:
        target = mass_target(item)
        text = _text(item)
        start, end = self._window(since_s)
        query = {
            "chat_type": target.chat_type,
            "creator": target.sender,
            "start_time": start,
            "end_time": end,
            "filter_type": 2,  # enterprise and personal
            "limit": 100,
        }
        for message in self._pages(_GROUPMSG_LIST, query, "group_msg_list"):
            msgid = message.get("msgid")
            if not isinstance(msgid, str) or not msgid or _text_content(message) != text:
                continue
            if self._send_results(msgid, target):
                return Receipt(ref=msgid)
        return None

    def _mass_send_progress(self, item: Outgoing, msgid: str) -> Progress:
        target = mass_target(item)
        found = self._send_results(msgid, target)
        each = {r: recipient_progress(found.get(r), r, msgid) for r in target.recipients}
        return overall(each) if target.several else each[target.recipient]

    def _send_results(self, msgid: str, target: MassTarget) -> dict[str, Mapping[str, Any]]:
        """The target's recipients WeCom's send result lists, with their rows."""
        query = {"msgid": msgid, "userid": target.sender, "limit": 1000}
        wanted = set(target.recipients)
        found: dict[str, Mapping[str, Any]] = {}
        for entry in self._pages(_GROUPMSG_SEND_RESULT, query, "send_list"):
            recipient = entry.get(target.field)
            if isinstance(recipient, str) and recipient in wanted:
                found[recipient] = entry
        return found

    # moments

    def _post_moment(self, item: Outgoing) -> Receipt:
        staff = staff_of(item)
        content = self._content(item, moments=True)
        body = content.body()
        body["visible_range"] = {"sender_list": {"user_list": [staff]}}
        tag_list = visible_tag_ids(item)
        if tag_list:
            body["visible_range"]["external_contact_list"] = {"tag_list": tag_list}
        answer = self._call_with_uploads(_ADD_MOMENT_TASK, body, content)
        return Receipt(ref=MOMENT_JOB + _reference(answer, "jobid", _ADD_MOMENT_TASK), delivered=False)

    def _find_moment(self, item: Outgoing, since_s: int) -> Receipt | None:
        staff = staff_of(item)
        text = _text(item)
        start, end = self._window(since_s)
        query = {"creator": staff, "start_time": start, "end_time": end, "filter_type": 2, "limit": 20}
        for moment in self._pages(_MOMENT_LIST, query, "moment_list"):
            moment_id = moment.get("moment_id")
            if isinstance(moment_id, str) and moment_id and _text_content(moment) == text:
                return Receipt(ref=MOMENT + moment_id)
        return None

    def _moment_progress(self, item: Outgoing, ref: str) -> Progress:
        if ref.startswith(MOMENT):
            return Progress(DeliveryState.delivered)  # found in the moment list: it exists
        if not ref.startswith(MOMENT_JOB):
            raise DeliveryError(f"{item.key}: {ref!r} is not a WeCom moment reference", permanent=True)
        jobid = ref.removeprefix(MOMENT_JOB)
        answer = self._client.call("contact", "GET", _MOMENT_TASK_RESULT, params={"jobid": jobid})
        status = answer.get("status")
        if status in {1, 2}:
            return Progress(DeliveryState.pending)
        if status != 3:
            raise DeliveryError(
                f"WeCom's moment task {jobid} has an unknown status {status!r}",
                permanent=False,
                code="wecom:bad_answer",
            )
        result = _mapping(answer.get("result"))
        invalid = _strings(_mapping(result.get("invalid_sender_list")).get("user_list"))
        if staff_of(item) in invalid:
            return Progress(
                DeliveryState.failed,
                reason="成员不能发表这条朋友圈 (the staff member may not post this moment)",
                code="wecom:invalid_sender",
            )
        errcode = result.get("errcode", 0)
        if isinstance(errcode, int) and errcode != 0:
            error = classify(errcode, str(result.get("errmsg", "")))
            return Progress(DeliveryState.failed, reason=error.message, code=error.code)
        return Progress(DeliveryState.delivered)

    # reminders and digests (app messages to staff)

    def _notify(self, item: Outgoing) -> Receipt:
        staff = staff_of(item)
        if not item.title and not item.text:
            raise DeliveryError(f"{item.key}: the reminder has neither a title nor a text", permanent=True)
        body: dict[str, Any] = {
            "touser": staff,
            "agentid": self._settings.agent_id,
            "enable_duplicate_check": 1,
            "duplicate_check_interval": DUPLICATE_CHECK_S,
        }
        url = item.link or self._settings.public_url
        if url:
            title = item.title or DEFAULT_TITLES[item.purpose]
            body["msgtype"] = "textcard"
            body["textcard"] = {
                "title": truncate_utf8(title, TEXTCARD_TITLE_BYTES),
                "description": truncate_utf8(item.text or title, TEXTCARD_DESCRIPTION_BYTES),
                "url": url,
                "btntxt": "详情",
            }
        else:
            body["msgtype"] = "text"
            content = "\n".join(part for part in (item.title, item.text) if part)
            body["text"] = {"content": truncate_utf8(content, TEXT_MESSAGE_BYTES)}
        answer = self._client.call("agent", "POST", _MESSAGE_SEND, body=body)
        for field, code, what in (
            ("invaliduser", "wecom:invaliduser", "is not a WeCom member of this corp (成员不存在)"),
            ("unlicenseduser", "wecom:unlicensed", "has no WeCom licence (成员未激活许可)"),
        ):
            if staff in str(answer.get(field) or "").split("|"):
                raise DeliveryError(f"staff member {staff} {what}", permanent=True, code=code)
        msgid = answer.get("msgid")
        return Receipt(ref=msgid if isinstance(msgid, str) and msgid else None, delivered=True)

    # materials

    def _content(self, item: Outgoing, *, moments: bool) -> _Content:
        """The text and attachments; every file is checked before any is uploaded."""
        planned = [
            _attachment(kind, fields, index=index, moments=moments, uploads=self._media)
            for index, (kind, fields) in enumerate(_materials(item))
            if kind != "text"
        ]
        text = _text(item)
        if not text and not planned:
            raise DeliveryError(
                f"{item.key}: nothing to send (no text, no materials)", permanent=True, code="wecom:empty"
            )
        attachments: list[dict[str, Any]] = []
        uploaded: list[str] = []
        for plan in planned:
            if isinstance(plan, _Upload):
                media_id = plan.media_id(self._media)
                uploaded.append(media_id)
                attachments.append({"msgtype": plan.kind, plan.kind: {"media_id": media_id}})
            else:
                attachments.append(plan)
        return _Content(text, tuple(attachments), tuple(uploaded))

    def _call_with_uploads(self, path: str, body: Mapping[str, Any], content: _Content) -> dict[str, Any]:
        try:
            return self._client.call("contact", "POST", path, body=body)
        except DeliveryError as error:
            if error.code != INVALID_MEDIA_ID or not content.uploaded:
                raise
            # a remembered media_id WeCom no longer knows: forget it, the retry uploads again
            self._media.forget(content.uploaded)
            raise DeliveryError(
                f"{error.message} (an uploaded material expired early: it is uploaded again on the retry)",
                permanent=False,
                code=error.code,
            ) from error

    # shared

    def _window(self, since_s: int) -> tuple[int, int]:
        start = since_s - FIND_LEEWAY_S
        end = min(int(self._wall()), start + LIST_SPAN_S)
        return start, max(start, end)

    def _pages(self, path: str, query: Mapping[str, Any], key: str) -> Iterator[Mapping[str, Any]]:
        cursor = ""
        seen: set[str] = set()
        for _ in range(MAX_PAGES):
            answer = self._client.call("contact", "POST", path, body={**query, "cursor": cursor})
            rows = answer.get(key) or []
            if not isinstance(rows, list):
                raise DeliveryError(f"WeCom's {path} answer has a {key} that is not a list", permanent=False)
            yield from (row for row in rows if isinstance(row, Mapping))
            cursor = str(answer.get("next_cursor") or "")
            if not cursor:
                return
            if cursor in seen:
                raise DeliveryError(f"WeCom's {path} answered the cursor {cursor!r} twice", permanent=False)
            seen.add(cursor)
        raise DeliveryError(f"WeCom's {path} had more than {MAX_PAGES} pages", permanent=False)


@dataclass(frozen=True)
class _Content:
    text: str
    attachments: tuple[dict[str, Any], ...]
    uploaded: tuple[str, ...] = ()  # media_ids this send uploaded or took from the cache

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {}
        if self.text:
            body["text"] = {"content": self.text}
        if self.attachments:
            body["attachments"] = list(self.attachments)
        return body


@dataclass(frozen=True)
class _Upload:
    """A checked file material, still to be uploaded."""

    index: int
    kind: str
    what: str
    file: CheckedFile

    def media_id(self, uploads: MediaUploads) -> str:
        try:
            return uploads.media_id(self.file)
        except MaterialProblem as problem:
            raise _bad_material(self.index, self.what, f"cannot be uploaded: {problem}") from problem


def _text(item: Outgoing) -> str:
    """The text WeCom receives: the item's text, then each text material on its own line."""
    parts = [item.text]
    for kind, fields in _materials(item):
        if kind == "text":
            parts.append(str(fields.get("text") or fields.get("content") or ""))
    return "\n".join(part for part in parts if part)


def _materials(item: Outgoing) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Each material as (type, fields). Two shapes are read: {"type": "image", "media_id": …} and a
    rendered content item as stored on a task ({"image": "assets/qr.png"}, {"link": {"title": …}}),
    perhaps with compose's notes on its file (local_path, or why there is none: unresolved)."""
    for index, material in enumerate(item.materials):
        if "type" in material:
            yield str(material["type"]), material
            continue
        kinds = [key for key in material if key not in MATERIAL_NOTES]
        if len(kinds) != 1:
            raise _bad_material(index, "", f"is not a WeCom material: {sorted(material)}")
        kind = kinds[0]
        value = material[kind]
        if isinstance(value, Mapping):
            yield kind, value
        elif kind == "text":
            yield kind, {"text": value}
        else:
            notes = {key: material[key] for key in MATERIAL_NOTES if material.get(key)}
            yield kind, {"path": value, **notes}


def _attachment(
    kind: str, fields: Mapping[str, Any], *, index: int, moments: bool, uploads: MediaUploads
) -> dict[str, Any] | _Upload:
    what = f"{kind} {fields.get('path') or fields.get('title') or ''}".strip()

    def required(*names: str) -> dict[str, Any]:
        missing = [name for name in names if not fields.get(name)]
        if missing:
            hint = ": upload it to WeCom first" if "media_id" in missing or "pic_media_id" in missing else ""
            raise _bad_material(index, what, f"has no {', '.join(missing)}{hint}")
        return {name: fields[name] for name in names}

    if kind in {"image", "video"} or (kind == "file" and not moments):
        if fields.get("media_id") or not (fields.get(LOCAL_PATH) or fields.get(UNRESOLVED)):
            return {"msgtype": kind, kind: required("media_id")}
        if not fields.get(LOCAL_PATH):
            raise _bad_material(index, what, f"has no file to upload: {fields[UNRESOLVED]}")
        try:
            checked = uploads.check(kind, str(fields[LOCAL_PATH]), moments=moments)
        except MaterialProblem as problem:
            raise _bad_material(index, what, f"cannot be uploaded: {problem}") from problem
        return _Upload(index, kind, what, checked)
    if kind == "link":
        link = required("title", "url")
        optional = ("media_id",) if moments else ("picurl", "desc")
        link.update({name: fields[name] for name in optional if fields.get(name)})
        return {"msgtype": "link", "link": link}
    if kind == "miniprogram" and not moments:
        return {"msgtype": "miniprogram", "miniprogram": required("title", "pic_media_id", "appid", "page")}
    where = "a moment" if moments else "a WeCom mass send"
    raise _bad_material(index, kind, f"cannot be sent in {where}")


def _bad_material(index: int, what: str, problem: str) -> DeliveryError:
    label = f"material {index + 1}" + (f" ({what})" if what else "")
    # a person can still send it by hand: the task goes back to the staff member as a reminder
    return DeliveryError(
        f"{label} {problem}（改为提醒员工手动发送 / the staff member is reminded to send it）",
        permanent=True,
        code="wecom:material",
        remind_instead=True,
    )


def _text_content(row: Mapping[str, Any]) -> str:
    return str(_mapping(row.get("text")).get("content") or "")


def _reference(answer: Mapping[str, Any], field: str, path: str) -> str:
    value = answer.get(field)
    if not isinstance(value, str) or not value:
        # WeCom said ok without saying what it made: it may have made it
        raise DeliveryError(
            f"WeCom's answer to {path} has no {field}", permanent=False, in_doubt=True, code="wecom:bad_answer"
        )
    return value


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _strings(value: object) -> list[str]:
    return [entry for entry in value if isinstance(entry, str)] if isinstance(value, list) else []


def truncate_utf8(text: str, limit: int) -> str:
    """`text` cut to at most `limit` UTF-8 bytes on a character boundary, ending in "…" when cut."""
    encoded = text.encode()
    if len(encoded) <= limit:
        return text
    room = max(0, limit - len(ELLIPSIS.encode()))
    return encoded[:room].decode("utf-8", errors="ignore") + ELLIPSIS
