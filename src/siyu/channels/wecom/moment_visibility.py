"""Who sees a WeCom moment: the visible_to that delivery.compose resolved (Outgoing.extra) as
add_moment_task's visible_range.external_contact_list.tag_list."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from siyu.channels.base import DeliveryError, Outgoing


def visible_tag_ids(item: Outgoing) -> list[str]:
    """The WeCom tag ids of the moment's visible_to, [] for everyone (no visible_to). What WeCom
    cannot be told (a condition that is not tags, a tag WeCom does not have) goes back to the
    staff member as a reminder, saying where and why: it is never posted to everyone instead."""
    visible = item.extra.get("visible_to")
    if not isinstance(visible, Mapping) or not visible:
        return []
    problem = visible.get("problem")
    if problem:
        raise _not_visible(str(problem), "wecom:visible_to")
    listed = visible.get("tags")
    tags: Mapping[str, Any] = listed if isinstance(listed, Mapping) else {}
    unknown = [name for name, ids in tags.items() if not _strings(ids)]
    if unknown or not tags:
        names = "、".join(unknown)
        raise _not_visible(
            f"visible_to: 标签「{names}」不是企业微信的客户标签 (not a WeCom corp tag at the last sync: "
            "add it in WeCom, then `siyu channel wecom sync-tags`)",
            "wecom:unknown_tag",
        )
    return list(dict.fromkeys(tag_id for ids in tags.values() for tag_id in _strings(ids)))


def _not_visible(problem: str, code: str) -> DeliveryError:
    return DeliveryError(
        f"{problem}（改为提醒员工手动发表 / the staff member is reminded to post it）",
        permanent=True,
        code=code,
        remind_instead=True,
    )


def _strings(value: object) -> list[str]:
    return [entry for entry in value if isinstance(entry, str) and entry] if isinstance(value, list) else []
