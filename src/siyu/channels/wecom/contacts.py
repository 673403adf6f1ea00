"""WeCom's customer contacts and corp tags, read through the contact secret:
externalcontact/get (a customer's profile, 获取客户详情) and externalcontact/get_corp_tag_list
(the corp's customer tags, 获取企业标签库). No database work: the callers store what comes back.
Every failure is a `DeliveryError` (client.py); an answer without the fields siyu needs is a
transient `wecom:bad_answer`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from siyu.channels.base import DeliveryError
from siyu.channels.wecom.client import WeComClient

GET_CONTACT = "/cgi-bin/externalcontact/get"
GET_CORP_TAG_LIST = "/cgi-bin/externalcontact/get_corp_tag_list"
MAX_FOLLOW_PAGES = 20  # follow_user comes 500 at a time
GENDERS = {1: "male", 2: "female"}  # WeCom's gender: 0 unknown, 1 male, 2 female


@dataclass(frozen=True)
class Follower:
    """A staff member who added the customer, with their remark and the tag ids they gave."""

    userid: str
    remark: str
    tag_ids: tuple[str, ...]


@dataclass(frozen=True)
class Profile:
    external_userid: str
    name: str
    gender: str | None  # male | female | None when WeCom does not know
    avatar: str
    followers: tuple[Follower, ...]

    def remark_by(self, userid: str | None) -> str:
        return next((f.remark for f in self.followers if f.userid == userid and f.remark), "")


@dataclass(frozen=True)
class CorpTag:
    tag_id: str
    name: str
    group_id: str
    group_name: str


def fetch_profile(client: WeComClient, external_userid: str) -> Profile:
    """The customer's WeCom profile; raises DeliveryError (permanent for 40096 / 84061: not a
    customer of this corp)."""
    contact: Mapping[str, Any] = {}
    followers: list[Follower] = []
    cursor = ""
    for _ in range(MAX_FOLLOW_PAGES):
        params: dict[str, str | int] = {"external_userid": external_userid}
        if cursor:
            params["cursor"] = cursor
        answer = client.call("contact", "GET", GET_CONTACT, params=params)
        contact = contact or _mapping(answer.get("external_contact"))
        followers += [_follower(entry) for entry in _list(answer.get("follow_user")) if isinstance(entry, Mapping)]
        cursor = str(answer.get("next_cursor") or "")
        if not cursor:
            break
    name = contact.get("name")
    if not isinstance(name, str) or contact.get("external_userid") not in (None, external_userid):
        raise DeliveryError(
            f"WeCom's answer to {GET_CONTACT} for {external_userid} has no external_contact with a name",
            permanent=False,
            code="wecom:bad_answer",
        )
    gender = contact.get("gender")
    return Profile(
        external_userid=external_userid,
        name=name.strip(),
        gender=GENDERS.get(gender) if isinstance(gender, int) else None,
        avatar=str(contact.get("avatar") or ""),
        followers=tuple(followers),
    )


def fetch_corp_tags(client: WeComClient) -> tuple[CorpTag, ...]:
    """Every customer tag of the corp (deleted ones left out)."""
    answer = client.call("contact", "POST", GET_CORP_TAG_LIST, body={})
    groups = answer.get("tag_group")
    if not isinstance(groups, list):
        raise DeliveryError(
            f"WeCom's answer to {GET_CORP_TAG_LIST} has no tag_group list", permanent=False, code="wecom:bad_answer"
        )
    tags: list[CorpTag] = []
    for group in groups:
        if not isinstance(group, Mapping) or group.get("deleted"):
            continue
        group_id, group_name = str(group.get("group_id") or ""), str(group.get("group_name") or "")
        for tag in _list(group.get("tag")):
            if not isinstance(tag, Mapping) or tag.get("deleted"):
                continue
            tag_id, name = tag.get("id"), tag.get("name")
            if isinstance(tag_id, str) and tag_id and isinstance(name, str) and name:
                tags.append(CorpTag(tag_id=tag_id, name=name, group_id=group_id, group_name=group_name))
    return tuple(tags)


def _follower(entry: Mapping[str, Any]) -> Follower:
    tag_ids = tuple(
        str(tag["tag_id"]) for tag in _list(entry.get("tags")) if isinstance(tag, Mapping) and tag.get("tag_id")
    )
    return Follower(userid=str(entry.get("userid") or ""), remark=str(entry.get("remark") or ""), tag_ids=tag_ids)


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []
