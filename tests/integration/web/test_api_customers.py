"""Customer endpoints: search by the start of an id or a name, filters, paging, one customer's
whole picture, and a staff user who only ever sees their own customers."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tests.support.brand import Brand, apply_sops, at, run
from tests.support.web import Web

ROLE_SOP = """\
id: manager-call
name: 店长回访
kind: customer
audience: {tag: 新客}
entry: audience
reentry: never
steps:
  - id: call
    at: {day: 0, time: "15:00"}
    channel: private
    executor: role:店长
    mode: remind
    content:
      - text: "回访 {{customer.name}}"
"""


def _ids(body: dict[str, object]) -> list[str]:
    items = body["items"]
    assert isinstance(items, list)
    return [str(item["id"]) for item in items]


def test_operator_lists_every_customer_in_id_order_with_owner_and_tags(web: Web) -> None:
    body = web.api("operator").get("/api/v1/customers").json()
    assert body["items"] == [
        {"id": "c1", "name": "陈一", "owner": "st1", "owner_name": "小林", "birthday": None, "tags": ["新客"]},
        {"id": "c2", "name": "陈二", "owner": "st1", "owner_name": "小林", "birthday": None, "tags": ["新客"]},
        {"id": "c3", "name": "陈三", "owner": "st2", "owner_name": "小周", "birthday": None, "tags": ["新客"]},
        {"id": "c4", "name": "陈四", "owner": "st2", "owner_name": "小周", "birthday": None, "tags": []},
    ]
    assert body["next_offset"] is None


def test_search_matches_the_start_of_the_id_then_of_the_name(web: Web, tmp_path: Path) -> None:
    brand = Brand()
    brand.add_customer("c10", "st1", name="林十")
    brand.add_customer("x9", "st2", name="c1 的朋友")
    brand.add_customer("x8", "st2", name="陈三三")
    brand.write(web.engine, tmp_path / "more")
    client = web.api("operator")
    assert _ids(client.get("/api/v1/customers", params={"q": "c1"}).json()) == ["c1", "c10", "x9"]
    assert _ids(client.get("/api/v1/customers", params={"q": "陈三"}).json()) == ["c3", "x8"]
    assert _ids(client.get("/api/v1/customers", params={"q": "  陈三三 "}).json()) == ["x8"]
    # a name is matched from its start only
    assert _ids(client.get("/api/v1/customers", params={"q": "三"}).json()) == []
    assert _ids(client.get("/api/v1/customers", params={"id": "c1"}).json()) == ["c1"]


def test_search_pages_across_ids_and_names(web: Web, tmp_path: Path) -> None:
    brand = Brand()
    brand.add_customer("x9", "st2", name="c 开头的名字")
    brand.write(web.engine, tmp_path / "more")
    client = web.api("operator")
    first = client.get("/api/v1/customers", params={"q": "c", "limit": 3}).json()
    assert _ids(first) == ["c1", "c2", "c3"] and first["next_offset"] == 3
    second = client.get("/api/v1/customers", params={"q": "c", "limit": 3, "offset": 3}).json()
    assert _ids(second) == ["c4", "x9"] and second["next_offset"] is None


def test_filters_by_tag_and_owner(web: Web) -> None:
    client = web.api("operator")
    assert _ids(client.get("/api/v1/customers", params={"tag": "新客"}).json()) == ["c1", "c2", "c3"]
    assert _ids(client.get("/api/v1/customers", params={"owner": "st2"}).json()) == ["c3", "c4"]
    assert _ids(client.get("/api/v1/customers", params={"owner": "st2", "tag": "新客"}).json()) == ["c3"]
    assert _ids(client.get("/api/v1/customers", params={"q": "陈", "tag": "新客", "owner": "st1"}).json()) == [
        "c1",
        "c2",
    ]
    assert _ids(client.get("/api/v1/customers", params={"tag": "没有这个标签"}).json()) == []


def test_pages_follow_next_offset(web: Web) -> None:
    client = web.api("operator")
    first = client.get("/api/v1/customers", params={"limit": 3}).json()
    assert _ids(first) == ["c1", "c2", "c3"] and first["next_offset"] == 3
    second = client.get("/api/v1/customers", params={"limit": 3, "offset": 3}).json()
    assert _ids(second) == ["c4"] and second["next_offset"] is None
    by_tag = client.get("/api/v1/customers", params={"tag": "新客", "limit": 2, "offset": 2}).json()
    assert _ids(by_tag) == ["c3"] and by_tag["next_offset"] is None


def test_bad_filters_are_located(web: Web) -> None:
    client = web.api("operator")
    unknown_owner = client.get("/api/v1/customers", params={"owner": "st99"})
    assert unknown_owner.status_code == 422
    assert unknown_owner.json()["error"]["problems"] == [{"where": "owner", "message": 'no staff member "st99"'}]
    too_long = client.get("/api/v1/customers", params={"q": "x" * 129})
    assert too_long.status_code == 422
    assert too_long.json()["error"]["problems"][0]["where"] == "query.q"
    too_many = client.get("/api/v1/customers", params={"limit": 501})
    assert too_many.json()["error"]["problems"][0]["where"] == "query.limit"


def test_staff_lists_only_their_own_customers_whatever_the_filter(web: Web) -> None:
    client = web.api("staff1")
    assert _ids(client.get("/api/v1/customers").json()) == ["c1", "c2"]
    assert _ids(client.get("/api/v1/customers", params={"owner": "st2"}).json()) == ["c1", "c2"]
    assert _ids(client.get("/api/v1/customers", params={"q": "c3"}).json()) == []
    assert _ids(client.get("/api/v1/customers", params={"q": "陈"}).json()) == ["c1", "c2"]
    assert _ids(client.get("/api/v1/customers", params={"id": "c3"}).json()) == []
    assert _ids(client.get("/api/v1/customers", params={"tag": "新客"}).json()) == ["c1", "c2"]
    assert _ids(web.api("staff2").get("/api/v1/customers").json()) == ["c3", "c4"]


def test_staff_cannot_read_another_staffs_customer(web: Web) -> None:
    client = web.api("staff2")
    for path in (
        "/api/v1/customers/c1",
        "/api/v1/customers/c1/events",
        "/api/v1/customers/c1/tasks",
        "/api/v1/customers/c1/sops",
        "/api/v1/customers/c1/groups",
    ):
        answer = client.get(path)
        assert answer.status_code == 404, path
        assert answer.json()["error"] == {"code": "not_found", "message": 'no customer "c1"', "problems": []}
    assert client.get("/api/v1/customers/c3").status_code == 200


def test_unknown_customer_is_not_found(web: Web) -> None:
    answer = web.api("operator").get("/api/v1/customers/nobody")
    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "not_found"


def test_detail_has_tags_groups_events_sops_and_tasks(web: Web) -> None:
    body = web.api("operator").get("/api/v1/customers/c1").json()
    assert (body["id"], body["name"], body["owner"], body["owner_name"]) == ("c1", "陈一", "st1", "小林")
    assert body["tags"] == ["新客"]
    assert body["groups"] == {"items": [{"id": "g1", "name": "暖柚宠物群", "owner": "st1"}], "next_offset": None}
    assert body["events"]["items"] == [
        {
            "id": "ev1",
            "type": "order_paid",
            "at": "2026-11-10T12:00:00+08:00",
            "group": None,
            "group_name": None,
            "properties": {"amount": 199},
        }
    ]
    assert body["sops"]["items"] == [
        {
            "sop": "welcome",
            "sop_name": "新客欢迎",
            "entry": 1,
            "version": 1,
            "entered_at": "2026-11-20T10:00:00+08:00",
            "exited_at": None,
            "exit_reason": None,
            "holdout": False,
            "active": True,
        }
    ]
    [task] = body["tasks"]["items"]
    assert (task["sop"], task["sop_name"], task["step"], task["target"], task["executor"], task["status"]) == (
        "welcome",
        "新客欢迎",
        "hello",
        "c1",
        "st1",
        "due",
    )
    assert task["due_at"] == "2026-11-20T10:00:00+08:00"
    assert body["tasks"]["next_offset"] is None


def test_detail_shows_birthday_and_typed_attributes(web: Web, tmp_path: Path) -> None:
    brand = Brand()
    brand.add_customer("c5", "st1", name="周五", birthday=date(1990, 5, 1), city="上海", vip_level=3, member=True)
    brand.write(web.engine, tmp_path / "more")
    body = web.api("staff1").get("/api/v1/customers/c5").json()
    assert body["birthday"] == "1990-05-01"
    assert body["attributes"] == {"city": "上海", "member": True, "vip_level": 3}
    assert body["groups"]["items"] == [] and body["events"]["items"] == [] and body["sops"]["items"] == []


def test_events_are_newest_first_and_page(web: Web, tmp_path: Path) -> None:
    brand = Brand()
    brand.events_made = 100
    for day in range(1, 26):
        brand.add_event("page_view", f"2026-10-{day:02d} 09:00", customer="c2", page=f"p{day}")
    brand.write(web.engine, tmp_path / "more")
    client = web.api("staff1")
    detail = client.get("/api/v1/customers/c2").json()["events"]
    assert len(detail["items"]) == 20 and detail["next_offset"] == 20
    assert [e["properties"]["page"] for e in detail["items"][:3]] == ["p25", "p24", "p23"]
    rest = client.get("/api/v1/customers/c2/events", params={"offset": 20}).json()
    assert [e["properties"]["page"] for e in rest["items"]] == ["p5", "p4", "p3", "p2", "p1"]
    assert rest["next_offset"] is None
    small = client.get("/api/v1/customers/c2/events", params={"limit": 2, "offset": 1}).json()
    assert [e["at"] for e in small["items"]] == ["2026-10-24T09:00:00+08:00", "2026-10-23T09:00:00+08:00"]
    assert small["next_offset"] == 3


def test_staff_sees_only_the_tasks_they_execute_on_their_customer(web: Web, tmp_path: Path) -> None:
    sop = tmp_path / "manager.yaml"
    sop.write_text(ROLE_SOP, encoding="utf-8")
    apply_sops(web.engine, sop, now=at("2026-11-20 10:30"))
    run(web.engine, "2026-11-20 15:00")
    operator = web.api("operator").get("/api/v1/customers/c3/tasks").json()["items"]
    assert sorted((t["sop"], t["executor"]) for t in operator) == [("manager-call", "st3"), ("welcome", "st2")]
    assert [t["due_at"] for t in operator] == ["2026-11-20T15:00:00+08:00", "2026-11-20T10:00:00+08:00"]
    mine = web.api("staff2").get("/api/v1/customers/c3/tasks").json()["items"]
    assert [(t["sop"], t["executor"]) for t in mine] == [("welcome", "st2")]
    in_detail = web.api("staff2").get("/api/v1/customers/c3").json()["tasks"]["items"]
    assert [(t["sop"], t["executor"]) for t in in_detail] == [("welcome", "st2")]
    sops = web.api("staff2").get("/api/v1/customers/c3/sops").json()["items"]
    assert [s["sop"] for s in sops] == ["manager-call", "welcome"]


def test_a_staff_user_without_a_staff_link_sees_no_customer(web: Web) -> None:
    with web.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE users SET staff_id = NULL WHERE username = 'staff1'")
    client = web.api("staff1")
    assert client.get("/api/v1/customers").status_code == 403
    assert client.get("/api/v1/customers/c1").status_code == 403
