"""WeCom callback events (decrypted) as siyu events, in the shape siyu's event API takes.

Customer contact (Event=change_external_contact, 客户联系变更回调):
- add_external_contact → friend_added (staff, channel = the 「联系我」 State, has_welcome_code);
- add_half_external_contact (added without verification, not yet confirmed) → friend_added, half;
- del_external_contact (the staff member deleted the customer) → friend_deleted, by_staff
  (by_transfer instead when WeCom says the deletion came from a customer transfer);
- del_follow_user (the customer deleted the staff member) → friend_deleted, by_customer;
- edit_external_contact → no event; the customer is listed as touched;
- add_*, edit_external_contact: the customer's profile is listed to be fetched (`profiles`);
- transfer_fail → no event.
Customer groups (Event=change_external_chat, 客户群变更): create → group_created; update with
add_member / del_member → one group_joined / group_left per customer (staff_joined_group /
staff_left_group for a staff member); dismiss → group_dismissed.
Anything else is `ignored`, with the reason.

Each event's id is built from the callback's own fields, so WeCom's retries of one callback
store one event. Events name customers and groups that siyu may not know yet: the outcome lists
them so the caller can create the unknown ones before storing the events.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any
from xml.etree.ElementTree import Element

from siyu.channels.wecom.crypto import CallbackError, Reason, child_text, parse_xml

CHINA = timezone(timedelta(hours=8))  # China has kept +08:00 all year since 1991
EXTERNAL_PREFIXES = ("wm", "wo")  # WeCom's external user ids (customers) begin so; staff ids are the corp's own
ID_MAX = 128  # siyu's event id limit
_UNIX_SECONDS = re.compile(r"[0-9]{1,10}")

FRIEND_ADDED = "friend_added"
FRIEND_DELETED = "friend_deleted"
GROUP_CREATED = "group_created"
GROUP_JOINED = "group_joined"
GROUP_LEFT = "group_left"
# a staff member joining or leaving is not a member joining: group SOPs `on: member_joined` must not greet staff
STAFF_JOINED = "staff_joined_group"
STAFF_LEFT = "staff_left_group"
GROUP_DISMISSED = "group_dismissed"

JOIN_VIA = {0: "invitation", 3: "qr_code"}  # JoinScene: invited by a member (directly or by link); the group QR code
DELETED_BY_TRANSFER = "DELETE_BY_TRANSFER"


@dataclass(frozen=True)
class CallbackOutcome:
    """What one callback means for siyu. `customers` ({"id", "owner" when known}) and `groups`
    ({"id"}) are those the events name or the callback says changed: create the unknown ones
    first. `profiles`: external ids whose WeCom profile (name, avatar, remark) is new or changed,
    to fetch outside the callback. `ignored` says why a callback gives no events (None when it
    gives some)."""

    events: tuple[dict[str, Any], ...] = ()
    customers: tuple[dict[str, str], ...] = ()
    groups: tuple[dict[str, str], ...] = ()
    profiles: tuple[str, ...] = ()
    ignored: str | None = None


class _Callback:
    """The fields of one decrypted callback, each read with an error that names it."""

    def __init__(self, root: Element, what: str) -> None:
        self.root = root
        self.what = what

    def optional(self, name: str) -> str | None:
        return child_text(self.root, name) or None

    def required(self, name: str) -> str:
        value = child_text(self.root, name)
        if not value:
            raise CallbackError(Reason.event, f"{self.what}: <{name}> is missing or empty")
        return value

    def created(self) -> tuple[str, str]:
        """CreateTime as given (for ids) and as ISO 8601 in China's offset."""
        text = self.required("CreateTime")
        if not _UNIX_SECONDS.fullmatch(text):
            raise CallbackError(Reason.event, f"{self.what}: <CreateTime> must be unix seconds, got {text[:40]!r}")
        return text, datetime.fromtimestamp(int(text), CHINA).isoformat()

    def scene(self, name: str) -> int | None:
        text = self.optional(name)
        if text is None:
            return None
        if not text.isdigit():
            raise CallbackError(Reason.event, f"{self.what}: <{name}> must be a number, got {text[:40]!r}")
        return int(text)


def events_from_callback(xml_text: str, *, corp_id: str, staff_ids: Collection[str] = frozenset()) -> CallbackOutcome:
    """The siyu events of one decrypted callback (the XML inside its <Encrypt>). `staff_ids`:
    the corp's staff user ids, when known — a group member is a customer when its id looks
    external (wm…/wo…) and is not one of them. CallbackError for malformed XML, a callback for
    another corp, or an event without the fields it needs."""
    root = parse_xml(xml_text)
    head = _Callback(root, "the callback")
    to_user = head.required("ToUserName")
    if to_user != corp_id:
        raise CallbackError(Reason.event, f"the callback is for corp {to_user[:64]!r}, not this corp_id")
    msg_type = head.required("MsgType")
    if msg_type != "event":
        return CallbackOutcome(ignored=f"MsgType {msg_type[:40]}: messages to the app are not customer events")
    event = head.required("Event")
    if event == "change_external_contact":
        return _contact_change(_Callback(root, event))
    if event == "change_external_chat":
        return _chat_change(_Callback(root, event), staff_ids)
    if event == "change_external_tag":
        return CallbackOutcome(ignored="change_external_tag: a change to WeCom's tag definitions, not to a customer")
    return CallbackOutcome(ignored=f"Event {event[:40]}: not a customer or group change siyu uses")


def _event_id(kind: str, *parts: str) -> str:
    """wecom:<kind>:<parts…>; a digest of them when they would not fit siyu's id or hold a ':'."""
    plain = ":".join(("wecom", kind, *parts))
    if len(plain) <= ID_MAX and not any(":" in part for part in parts):
        return plain
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:40]
    return f"wecom:{kind}:sha256:{digest}"


def _event(
    *,
    kind: str,
    parts: tuple[str, ...],
    type_: str,
    at: str,
    customer: str | None,
    group: str | None,
    properties: dict[str, Any],
) -> dict[str, Any]:
    return {
        "id": _event_id(kind, *parts),
        "type": type_,
        "at": at,
        "customer": customer,
        "group": group,
        "properties": properties,
    }


# ---- customer contact ----


ADDED = ("add_external_contact", "add_half_external_contact")
DELETED = ("del_external_contact", "del_follow_user")


def _contact_change(f: _Callback) -> CallbackOutcome:
    change = f.required("ChangeType")
    if change == "transfer_fail":
        reason = f.optional("FailReason") or "no reason given"
        return CallbackOutcome(ignored=f"transfer_fail ({reason}): a customer transfer failed; no friendship changed")
    if change == "edit_external_contact":
        customer = {"id": f.required("ExternalUserID"), "owner": f.required("UserID")}
        return CallbackOutcome(
            customers=(customer,),
            profiles=(customer["id"],),
            ignored="edit_external_contact: a remark or tag edit is not an event (customer listed)",
        )
    if change not in ADDED + DELETED:
        return CallbackOutcome(ignored=f"change_external_contact {change[:40]}: not a change siyu uses")
    staff, external = f.required("UserID"), f.required("ExternalUserID")
    created, at = f.created()
    props: dict[str, Any] = {"staff": staff}
    if change in ADDED:
        type_ = FRIEND_ADDED
        state = f.optional("State")
        if state:
            props["channel"] = state
        if f.optional("WelcomeCode"):
            props["has_welcome_code"] = True
        if change == "add_half_external_contact":
            props["half"] = True
    elif change == "del_external_contact":
        type_ = FRIEND_DELETED
        source = f.optional("Source")
        props["by_transfer" if source == DELETED_BY_TRANSFER else "by_staff"] = True
        if source:
            props["source"] = source
    else:
        type_ = FRIEND_DELETED
        props["by_customer"] = True
    event = _event(
        kind=change,
        parts=(staff, external, created),
        type_=type_,
        at=at,
        customer=external,
        group=None,
        properties=props,
    )
    return CallbackOutcome(
        events=(event,),
        customers=({"id": external, "owner": staff},),
        profiles=(external,) if change in ADDED else (),
    )


# ---- customer groups ----


def _is_customer(member: str, staff_ids: Collection[str]) -> bool:
    return member.startswith(EXTERNAL_PREFIXES) and member not in staff_ids


def _members(f: _Callback) -> list[str]:
    """MemChangeList: <Item> children; older callbacks sent one comma-separated text."""
    element = f.root.find("MemChangeList")
    if element is None:
        return []
    items = [(item.text or "").strip() for item in element.findall("Item")]
    if not items:
        items = (element.text or "").split(",")
    return list(dict.fromkeys(item.strip() for item in items if item.strip()))


def _chat_change(f: _Callback, staff_ids: Collection[str]) -> CallbackOutcome:
    change = f.required("ChangeType")
    if change not in ("create", "update", "dismiss"):
        return CallbackOutcome(ignored=f"change_external_chat {change[:40]}: not a change siyu uses")
    chat = f.required("ChatId")
    groups = ({"id": chat},)
    if change != "update":
        created, at = f.created()
        type_ = GROUP_CREATED if change == "create" else GROUP_DISMISSED
        event = _event(
            kind=f"chat_{change}", parts=(chat, created), type_=type_, at=at, customer=None, group=chat, properties={}
        )
        return CallbackOutcome(events=(event,), groups=groups)
    detail = f.required("UpdateDetail")
    if detail not in ("add_member", "del_member"):
        return CallbackOutcome(groups=groups, ignored=f"change_external_chat update {detail[:40]}: not a member change")
    members = _members(f)
    if not members:
        count = f.optional("MemChangeCnt") or "?"
        return CallbackOutcome(
            groups=groups, ignored=f"{detail} of {count} member(s) without <MemChangeList>: nobody to name"
        )
    created, at = f.created()
    events = tuple(
        _member_events(f, detail=detail, chat=chat, members=members, at=at, created=created, staff_ids=staff_ids)
    )
    customers = tuple({"id": member} for member in members if _is_customer(member, staff_ids))
    return CallbackOutcome(events=events, customers=customers, groups=groups)


def _member_events(
    f: _Callback, *, detail: str, chat: str, members: list[str], at: str, created: str, staff_ids: Collection[str]
) -> Iterator[dict[str, Any]]:
    props: dict[str, Any] = {}
    if detail == "add_member":
        type_ = GROUP_JOINED
        scene = f.scene("JoinScene")
        if scene is not None:
            props["join_scene"] = scene
            if scene in JOIN_VIA:
                props["via"] = JOIN_VIA[scene]
    else:
        type_ = GROUP_LEFT
        scene = f.scene("QuitScene")
        if scene is not None:
            props["quit_scene"] = scene
            props["removed"] = scene == 1  # 0: left by themselves; 1: removed by the owner or an admin
    for member in members:
        customer = member if _is_customer(member, staff_ids) else None
        properties = props if customer else {**props, "staff": member}
        staff_type = STAFF_JOINED if type_ == GROUP_JOINED else STAFF_LEFT
        yield _event(
            kind=f"chat_{detail}",
            parts=(chat, member, created),
            type_=type_ if customer else staff_type,
            at=at,
            customer=customer,
            group=chat,
            properties=dict(properties),
        )
