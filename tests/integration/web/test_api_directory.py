"""Staff, groups and tags: lists, search, detail, paging, and a staff user who sees only
themselves, the groups they own or hold a role in, and the tags of what is theirs."""

from __future__ import annotations

from pathlib import Path

import pytest

from siyu.directory import people as directory
from tests.support.brand import Brand
from tests.support.web import Web


def _ids(body: dict[str, object]) -> list[str]:
    items = body["items"]
    assert isinstance(items, list)
    return [str(item["id"]) for item in items]


def _more_groups(web: Web, folder: Path) -> None:
    """g2 (owner st3, st2 its 群助手, tag 活动群, a level attribute) and g3 (owner st3, nobody else)."""
    brand = Brand()
    brand.add_group("g2", "st3", name="双11活动群", tags=("活动群",), roles=(("st2", "群助手"),), members=("c4",))
    brand.add_group("g3", "st3", name="店长群")
    brand.write(web.engine, folder / "groups")


def test_operator_lists_staff_with_roles_and_search(web: Web) -> None:
    client = web.api("operator")
    body = client.get("/api/v1/staff").json()
    assert body["items"] == [
        {"id": "st1", "name": "小林", "manager": None, "roles": ["导购"], "tags": []},
        {"id": "st2", "name": "小周", "manager": None, "roles": ["导购"], "tags": []},
        {"id": "st3", "name": "王店长", "manager": None, "roles": ["店长"], "tags": []},
    ]
    assert _ids(client.get("/api/v1/staff", params={"role": "店长"}).json()) == ["st3"]
    assert _ids(client.get("/api/v1/staff", params={"q": "小"}).json()) == ["st1", "st2"]
    assert _ids(client.get("/api/v1/staff", params={"q": "st3"}).json()) == ["st3"]
    paged = client.get("/api/v1/staff", params={"limit": 2, "offset": 1}).json()
    assert _ids(paged) == ["st2", "st3"] and paged["next_offset"] is None


def test_staff_detail_counts_customers_and_groups(web: Web) -> None:
    body = web.api("operator").get("/api/v1/staff/st1").json()
    assert body == {
        "id": "st1",
        "name": "小林",
        "manager": None,
        "roles": ["导购"],
        "tags": [],
        "reports": [],
        "customers": 2,
        "groups_owned": 1,
    }
    assert web.api("operator").get("/api/v1/staff/st99").status_code == 404


def test_staff_see_only_themselves(web: Web) -> None:
    client = web.api("staff1")
    assert _ids(client.get("/api/v1/staff").json()) == ["st1"]
    assert _ids(client.get("/api/v1/staff", params={"q": "小周"}).json()) == []
    assert client.get("/api/v1/staff/st1").json()["customers"] == 2
    other = client.get("/api/v1/staff/st2")
    assert other.status_code == 404
    assert other.json()["error"]["message"] == 'no staff member "st2"'


def test_operator_lists_and_filters_groups(web: Web, tmp_path: Path) -> None:
    _more_groups(web, tmp_path)
    client = web.api("operator")
    body = client.get("/api/v1/groups").json()
    assert body["items"] == [
        {"id": "g1", "name": "暖柚宠物群", "owner": "st1", "owner_name": "小林", "tags": [], "members": 2},
        {"id": "g2", "name": "双11活动群", "owner": "st3", "owner_name": "王店长", "tags": ["活动群"], "members": 1},
        {"id": "g3", "name": "店长群", "owner": "st3", "owner_name": "王店长", "tags": [], "members": 0},
    ]
    assert _ids(client.get("/api/v1/groups", params={"q": "活动"}).json()) == ["g2"]
    assert _ids(client.get("/api/v1/groups", params={"q": "g3"}).json()) == ["g3"]
    assert _ids(client.get("/api/v1/groups", params={"tag": "活动群"}).json()) == ["g2"]
    assert _ids(client.get("/api/v1/groups", params={"owner": "st3"}).json()) == ["g2", "g3"]
    unknown = client.get("/api/v1/groups", params={"owner": "st99"})
    assert unknown.status_code == 422
    assert unknown.json()["error"]["problems"][0]["where"] == "owner"


def test_group_detail_has_roles_tags_and_paged_members(web: Web, tmp_path: Path) -> None:
    _more_groups(web, tmp_path)
    client = web.api("operator")
    body = client.get("/api/v1/groups/g2").json()
    assert body["roles"] == [{"staff": "st2", "name": "小周", "role": "群助手"}]
    assert body["tags"] == ["活动群"]
    assert body["member_list"] == {
        "items": [{"id": "c4", "name": "陈四", "owner": "st2", "owner_name": "小周", "birthday": None, "tags": []}],
        "next_offset": None,
    }
    members = client.get("/api/v1/groups/g1/members", params={"limit": 1}).json()
    assert _ids(members) == ["c1"] and members["next_offset"] == 1
    rest = client.get("/api/v1/groups/g1/members", params={"limit": 1, "offset": 1}).json()
    assert _ids(rest) == ["c3"] and rest["next_offset"] is None


def test_staff_see_only_groups_they_own_or_hold_a_role_in(web: Web, tmp_path: Path) -> None:
    _more_groups(web, tmp_path)
    staff1, staff2 = web.api("staff1"), web.api("staff2")
    assert _ids(staff1.get("/api/v1/groups").json()) == ["g1"]
    assert _ids(staff2.get("/api/v1/groups").json()) == ["g2"]
    assert _ids(staff2.get("/api/v1/groups", params={"owner": "st3"}).json()) == ["g2"]
    assert _ids(staff2.get("/api/v1/groups", params={"q": "群"}).json()) == ["g2"]
    assert staff2.get("/api/v1/groups/g2").json()["roles"][0]["staff"] == "st2"
    for client, hidden in ((staff1, "g2"), (staff2, "g1"), (staff2, "g3")):
        for path in (f"/api/v1/groups/{hidden}", f"/api/v1/groups/{hidden}/members"):
            answer = client.get(path)
            assert answer.status_code == 404, path
            assert answer.json()["error"]["message"] == f'no group "{hidden}"'


def test_tags_are_listed_with_their_counts(web: Web, tmp_path: Path) -> None:
    brand = Brand()
    brand.add_customer("c5", "st2", name="陈五", tags=("会员", "新客"))
    brand.write(web.engine, tmp_path / "more")
    _more_groups(web, tmp_path)
    client = web.api("operator")
    assert client.get("/api/v1/tags").json() == {
        "items": [
            {"tag": "会员", "count": 1, "capped": False},
            {"tag": "新客", "count": 4, "capped": False},
        ],
        "next_offset": None,
    }
    first = client.get("/api/v1/tags", params={"limit": 1}).json()
    assert [t["tag"] for t in first["items"]] == ["会员"] and first["next_offset"] == 1
    second = client.get("/api/v1/tags", params={"limit": 1, "offset": 1}).json()
    assert [t["tag"] for t in second["items"]] == ["新客"] and second["next_offset"] is None
    groups = client.get("/api/v1/tags", params={"of": "group"}).json()["items"]
    assert groups == [{"tag": "活动群", "count": 1, "capped": False}]
    assert client.get("/api/v1/tags", params={"of": "robot"}).status_code == 422


def test_a_tag_count_stops_at_the_cap(web: Web, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(directory, "COUNT_CAP", 2)
    items = web.api("operator").get("/api/v1/tags").json()["items"]
    assert items == [{"tag": "新客", "count": 2, "capped": True}]


def test_staff_count_tags_of_their_own_only(web: Web, tmp_path: Path) -> None:
    brand = Brand()
    brand.add_customer("c5", "st2", name="陈五", tags=("会员", "新客"))
    brand.write(web.engine, tmp_path / "more")
    _more_groups(web, tmp_path)
    assert web.api("staff1").get("/api/v1/tags").json()["items"] == [{"tag": "新客", "count": 2, "capped": False}]
    assert web.api("staff2").get("/api/v1/tags").json()["items"] == [
        {"tag": "会员", "count": 1, "capped": False},
        {"tag": "新客", "count": 2, "capped": False},
    ]
    assert web.api("staff2").get("/api/v1/tags", params={"of": "group"}).json()["items"] == [
        {"tag": "活动群", "count": 1, "capped": False}
    ]
    assert web.api("staff1").get("/api/v1/tags", params={"of": "group"}).json()["items"] == []
