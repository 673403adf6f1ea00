"""A staff user reads a group's member list as they read customers: their own customers listed,
the others only counted. Operators see every member. (Group g1, owned by st1: c1 of st1, c3 of st2.)"""

from __future__ import annotations

from tests.support.web import Web


def test_a_staff_user_sees_their_own_members_and_a_count_of_the_others(web: Web) -> None:
    group = web.api("staff1").get("/api/v1/groups/g1").json()
    assert [m["id"] for m in group["member_list"]["items"]] == ["c1"]
    assert group["other_members"] == 1
    assert group["members"] == 2
    listed = web.api("staff1").get("/api/v1/groups/g1/members").json()
    assert [m["id"] for m in listed["items"]] == ["c1"]
    assert listed["next_offset"] is None


def test_no_page_of_a_staff_users_member_list_shows_another_owners_customer(web: Web) -> None:
    client = web.api("staff1")
    offset: int | None = 0
    seen: list[str] = []
    while offset is not None:
        answer = client.get("/api/v1/groups/g1/members", params={"limit": 1, "offset": offset}).json()
        seen += [m["id"] for m in answer["items"]]
        assert all(m["owner"] == "st1" for m in answer["items"])
        offset = answer["next_offset"]
    assert seen == ["c1"]


def test_an_operator_sees_every_member(web: Web) -> None:
    group = web.api("operator").get("/api/v1/groups/g1").json()
    assert [m["id"] for m in group["member_list"]["items"]] == ["c1", "c3"]
    assert group["other_members"] == 0
    listed = web.api("operator").get("/api/v1/groups/g1/members").json()
    assert [m["id"] for m in listed["items"]] == ["c1", "c3"]


def test_a_group_outside_the_staff_users_scope_is_not_found(web: Web) -> None:
    assert web.api("staff2").get("/api/v1/groups/g1").status_code == 404
    assert web.api("staff2").get("/api/v1/groups/g1/members").status_code == 404
