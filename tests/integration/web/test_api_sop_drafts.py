"""Draft endpoints: validate, preview and simulate one SOP's YAML with located problems, for
operators only, and without storing anything (every table is the same afterwards)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from siyu.store.tables import metadata
from tests.support.brand import Brand
from tests.support.web import Web

EXAMPLES = Path(__file__).parents[3] / "examples" / "sops"

GREET = """\
id: greet
name: 新客问候
kind: customer
audience: {tag: 新客}
steps:
  - id: hello
    at: {day: 0, time: "11:00"}
    channel: private
    executor: owner
    content:
      - text: "{{customer.name}} 你好"
  - id: follow
    at: {day: 2, time: "10:00"}
    channel: private
    executor: owner
    content:
      - text: 用得怎么样？
"""


def every_row(engine: Engine) -> dict[str, list[str]]:
    """Every row of every table, as sorted JSON."""
    with engine.begin() as conn:
        return {
            table.name: sorted(json.dumps(list(row), default=str) for row in conn.execute(sa.select(table)))
            for table in metadata.sorted_tables
        }


def post(web: Web, path: str, body: dict[str, Any], user: str = "operator") -> Any:
    return web.api(user).post(f"/api/v1/sop-drafts/{path}", json=body)


def test_a_valid_draft_has_no_problems_and_names_missing_materials(web: Web) -> None:
    answer = post(web, "validate", {"source": (EXAMPLES / "06-birthday.yaml").read_text(encoding="utf-8")})
    assert answer.status_code == 200
    assert answer.json() == {
        "ok": True,
        "sop": "birthday",
        "problems": [],
        "warnings": [
            {
                "where": "draft.yaml:17: steps[0].content[1].image",
                "message": "material assets/birthday-card.png is missing (it must exist before the step sends)",
                "line": 17,
                "path": "steps[0].content[1].image",
            }
        ],
    }


def test_problems_carry_their_line_and_path(web: Web) -> None:
    source = GREET.replace('time: "11:00"', 'time: "25:00"').replace(
        "executor: owner\n    content:\n      - text: 用得", "executor: boss\n    content:\n      - text: 用得"
    )
    body = post(web, "validate", {"source": source}).json()
    assert body["ok"] is False and body["sop"] is None
    assert [(p["line"], p["path"], p["message"]) for p in body["problems"]] == [
        (7, "steps[0].at.time", "expected a time \"HH:MM\" from 00:00 to 23:59, got '25:00'"),
        (15, "steps[1].executor", "expected owner, group_owner, self, role:<name> or staff:<id>, got 'boss'"),
    ]
    assert body["problems"][0]["where"] == "draft.yaml:7: steps[0].at.time"


def test_malformed_yaml_is_located_by_line_and_column(web: Web) -> None:
    body = post(web, "validate", {"source": "id: x\nname: [unclosed\nkind: customer\n"}).json()
    assert body["ok"] is False
    (problem,) = body["problems"]
    assert problem["where"] == "draft.yaml:3:5"
    assert problem["line"] == 3 and problem["path"] is None
    assert problem["message"].startswith("expected ',' or ']'")


def test_absurdly_deep_nesting_is_a_located_problem(web: Web) -> None:
    condition = "{tag: a}"
    for _ in range(2000):
        condition = "{not: " + condition + "}"
    source = GREET.replace("audience: {tag: 新客}", f"audience: {condition}")
    body = post(web, "validate", {"source": source}).json()
    assert [(p["where"], p["message"]) for p in body["problems"]] == [
        ("draft.yaml", "nested more than 64 levels deep")  # the YAML reader itself gives up: no line
    ]


def test_a_draft_is_one_sop(web: Web) -> None:
    source = (EXAMPLES / "12-new-friend-onboarding.yaml").read_text(encoding="utf-8")
    body = post(web, "validate", {"source": source}).json()
    assert [(p["line"], p["path"], p["message"]) for p in body["problems"]] == [
        (36, "[1]", "a draft is one SOP; this text has 3 (edit them one at a time)")
    ]


def test_a_stored_sops_kind_cannot_change(web: Web) -> None:
    source = "id: welcome\nname: 群欢迎\nkind: group\naudience: {tag: x}\nsteps:\n  - id: a\n    at: {on: member_joined}\n    channel: group\n    executor: group_owner\n    content: [{text: hi}]\n"
    body = post(web, "validate", {"source": source}).json()
    assert [(p["line"], p["path"], p["message"]) for p in body["problems"]] == [
        (3, "kind", "SOP welcome is a customer SOP; its kind cannot change (use a new id)")
    ]


def add_birthdays(web: Web, tmp_path: Path) -> None:
    brand = Brand()
    brand.add_customer("c5", "st1", name="寿星甲", birthday=date(1990, 11, 20))
    brand.add_customer("c6", "st2", name="寿星乙", birthday=date(1988, 11, 20))
    brand.add_customer("c7", "st2", name="明天生日", birthday=date(1995, 11, 21))
    brand.write(web.engine, tmp_path / "birthdays")


def test_preview_counts_and_samples_the_audience_now(web: Web, tmp_path: Path) -> None:
    add_birthdays(web, tmp_path)
    source = (EXAMPLES / "06-birthday.yaml").read_text(encoding="utf-8")
    answer = post(web, "preview", {"source": source})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["sop"], body["kind"], body["count"], body["evaluated_at"]) == (
        "birthday",
        "customer",
        2,
        "2026-11-20T10:30:00+08:00",
    )
    assert sorted((m["id"], m["name"]) for m in body["sample"]) == [("c5", "寿星甲"), ("c6", "寿星乙")]
    assert [(a["name"], a["count"], a["nobody"]) for a in body["audiences"]] == [("customers", 2, False)]
    web.set_now("2026-11-21 09:00")
    later = post(web, "preview", {"source": source}).json()
    assert [m["id"] for m in later["sample"]] == ["c7"]


def test_preview_sample_holds_at_most_ten(web: Web, tmp_path: Path) -> None:
    brand = Brand()
    for number in range(12):
        brand.add_customer(f"n{number}", "st1", tags=("新客",))
    brand.write(web.engine, tmp_path / "more")
    body = post(web, "preview", {"source": GREET}).json()
    assert body["count"] == 15
    assert len(body["sample"]) == 10 and len({m["id"] for m in body["sample"]}) == 10


def test_preview_of_a_campaign_counts_customers_and_groups(web: Web) -> None:
    source = (
        (EXAMPLES / "14-trial-class-campaign.yaml")
        .read_text(encoding="utf-8")
        .replace("{tag: 试听课群}", "{tag: 不存在}")
    )
    body = post(web, "preview", {"source": source}).json()
    assert [(a["name"], a["target"], a["count"]) for a in body["audiences"]] == [
        ("customers", "customer", 0),
        ("groups", "group", 0),
    ]


def test_preview_of_an_invalid_draft_is_422_with_located_problems(web: Web) -> None:
    answer = post(web, "preview", {"source": GREET.replace("kind: customer", "kind: customers")})
    assert answer.status_code == 422
    (problem,) = answer.json()["error"]["problems"]
    assert problem["where"] == "draft.yaml:3: kind"
    assert "did you mean customer?" in problem["message"]


def test_simulate_lists_the_drafts_tasks_by_day(web: Web) -> None:
    answer = post(web, "simulate", {"source": GREET, "days": 3, "rows": 2})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["sop"], body["start"], body["end"], body["every"], body["ticks"], body["total"]) == (
        "greet",
        "2026-11-20T10:30:00+08:00",
        "2026-11-23T10:30:00+08:00",
        "1h",
        73,
        6,
    )
    assert [(d["date"], d["count"], len(d["tasks"])) for d in body["days"]] == [
        ("2026-11-20", 3, 2),
        ("2026-11-22", 3, 2),
    ]
    assert body["by_step"] == [{"key": "follow", "count": 3}, {"key": "hello", "count": 3}]
    first = body["days"][0]["tasks"][0]
    assert (first["sop"], first["step"], first["due_at"], first["executor"]) == (
        "greet",
        "hello",
        "2026-11-20T11:00:00+08:00",
        first["executor"],
    )
    assert {t["target"] for d in body["days"] for t in d["tasks"]} <= {"c1", "c2", "c3"}
    assert body["note"] is None


def test_planning_the_draft_alone_agrees_with_planning_every_sop_here(web: Web) -> None:
    alone = post(web, "simulate", {"source": GREET, "days": 3, "rows": 5}).json()
    together = post(web, "simulate", {"source": GREET, "days": 3, "rows": 5, "with_others": True}).json()
    assert (alone["with_others"], together["with_others"]) == (False, True)
    for body in (alone, together):
        del body["with_others"]
        for day in body["days"]:
            for task in day["tasks"]:
                del task["id"]  # PostgreSQL does not hand out a rolled-back sequence value again
    assert alone == together


def test_simulate_notes_that_event_entries_see_no_new_events(web: Web) -> None:
    source = "id: on-add\nname: 加好友问候\nkind: customer\nentry: {event: friend_added}\nsteps:\n  - id: hi\n    at: {delay: 0m}\n    channel: private\n    executor: owner\n    content: [{text: 你好}]\n"
    body = post(web, "simulate", {"source": source}).json()
    assert body["total"] == 0 and body["days"] == []
    assert body["note"].startswith("event-entry SOPs take only events")


@pytest.mark.parametrize(
    ("change", "where"),
    [({"days": 32}, "days"), ({"days": 0}, "days"), ({"every": "1m"}, "every"), ({"every": "soon"}, "every")],
)
def test_simulate_refuses_bad_periods_with_their_location(web: Web, change: dict[str, Any], where: str) -> None:
    answer = post(web, "simulate", {"source": GREET, **change})
    assert answer.status_code == 422
    assert answer.json()["error"]["problems"][0]["where"] == where


def test_nothing_is_stored_by_any_draft_endpoint(web: Web, tmp_path: Path) -> None:
    add_birthdays(web, tmp_path)
    client = web.api("operator")
    client.get("/api/v1/me")  # the token's first use is recorded; the calls below are within the minute
    before = every_row(web.engine)
    sources = [
        GREET,
        (EXAMPLES / "06-birthday.yaml").read_text(encoding="utf-8"),
        GREET.replace("id: greet", "id: welcome"),
    ]
    for source in sources:
        for path, extra in (("validate", {}), ("preview", {}), ("simulate", {"days": 2})):
            answer = client.post(f"/api/v1/sop-drafts/{path}", json={"source": source, **extra})
            assert answer.status_code == 200, answer.text
    assert every_row(web.engine) == before


def test_only_operators_and_admins_use_drafts(web: Web) -> None:
    for path in ("validate", "preview", "simulate"):
        assert post(web, path, {"source": GREET}, user="staff1").status_code == 403
        assert post(web, path, {"source": GREET}, user="admin").status_code == 200
        assert web.client().post(f"/api/v1/sop-drafts/{path}", json={"source": GREET}).status_code == 401
