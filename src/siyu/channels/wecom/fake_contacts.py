"""The fake WeCom's customer contacts and corp tags (fake_state.py serves them):
externalcontact/get and externalcontact/get_corp_tag_list, with WeCom's answer shapes.

- A customer's profile is the one given (`FakeConfig.contacts`), or else made up from its id
  (a Chinese name, a gender, an avatar URL: the same every time). Only external ids (wm…/wo…)
  are customers: any other id answers 40096; when the fake knows contacts (`friends`), a
  customer nobody has added answers 84061.
- Tag ids are "et" + a digest of the group and tag name, group ids "et" + a digest of the group:
  stable across restarts, as WeCom's are.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

EXTERNAL_PREFIXES = ("wm", "wo")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = ("子涵", "欣怡", "梓萱", "思彤", "浩然", "宇轩", "一诺", "雨桐", "晓明", "佳怡", "俊杰", "可馨", "嘉豪", "诗涵")
DEFAULT_CORP_TAGS: Mapping[str, tuple[str, ...]] = {
    "客户等级": ("会员", "潜在客户"),
    "兴趣": ("宠物主", "母婴"),
}


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def tag_id(group: str, name: str) -> str:
    return "et" + _digest("tag", group, name)[:30]


def group_id(group: str) -> str:
    return "et" + _digest("group", group)[:30]


def tag_groups(corp_tags: Mapping[str, Sequence[str]], *, created: int) -> list[dict[str, Any]]:
    """get_corp_tag_list's tag_group list: every group with its tags, in the order given."""
    return [
        {
            "group_id": group_id(group),
            "group_name": group,
            "create_time": created,
            "order": order,
            "deleted": False,
            "tag": [
                {"id": tag_id(group, name), "name": name, "create_time": created, "order": index, "deleted": False}
                for index, name in enumerate(names)
            ],
        }
        for order, (group, names) in enumerate(corp_tags.items())
    ]


def known_tag_ids(corp_tags: Mapping[str, Sequence[str]]) -> frozenset[str]:
    return frozenset(tag_id(group, name) for group, names in corp_tags.items() for name in names)


def made_up_profile(external_userid: str) -> dict[str, Any]:
    """A profile for a customer the fake was not told about: the same for the same id."""
    digest = _digest("profile", external_userid)
    number = int(digest[:12], 16)
    name = SURNAMES[number % len(SURNAMES)] + GIVEN[(number // len(SURNAMES)) % len(GIVEN)]
    return {"name": name, "gender": 1 + number % 2, "avatar": f"https://wework.qpic.cn/fake/{digest[:24]}/0"}


def external_contact(
    external_userid: str,
    profile: Mapping[str, Any],
    followers: Sequence[str],
    *,
    corp_tags: Mapping[str, Sequence[str]],
    created: int,
) -> dict[str, Any]:
    """externalcontact/get's answer fields: the contact and the staff who added them (each with
    the profile's `tags`, names of the corp's tags, as that staff member's tags)."""
    wanted = set(profile.get("tags") or ())
    tags = [
        {"group_name": group, "tag_name": name, "tag_id": tag_id(group, name), "type": 1}
        for group, names in corp_tags.items()
        for name in names
        if name in wanted
    ]
    return {
        "external_contact": {
            "external_userid": external_userid,
            "name": str(profile.get("name", "")),
            "type": 1,  # a WeChat user (2: a WeCom user of another corp)
            "avatar": str(profile.get("avatar", "")),
            "gender": int(profile.get("gender", 0)),
        },
        "follow_user": [
            {
                "userid": userid,
                "remark": str(profile.get("remark", "")),
                "description": "",
                "createtime": created,
                "tags": tags,
                "add_way": 1,
            }
            for userid in followers
        ],
        "next_cursor": "",
    }
