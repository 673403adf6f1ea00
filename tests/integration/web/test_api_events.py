"""Event ingest: one event or a batch, idempotent by id, all or nothing with located problems,
for operators, admins and their tokens only."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from siyu.core.timeutil import day_number, to_us
from tests.support.brand import SHANGHAI, apply_sops, at, run
from tests.support.web import Web

FRIEND_SOP = """\
id: friend
name: 加好友欢迎
kind: customer
entry: {event: friend_added}
steps:
  - id: hi
    at: {delay: 30m}
    channel: private
    executor: owner
    content:
      - text: "你好"
"""


def _event(event_id: str, customer: str = "c1", **extra: Any) -> dict[str, Any]:
    return {
        "id": event_id,
        "type": "order_paid",
        "at": "2026-11-20T10:15:00+08:00",
        "customer": customer,
        "properties": {"amount": 99, "product": "润肤霜"},
        **extra,
    }


def _stored(web: Web) -> list[tuple[Any, ...]]:
    with web.engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT e.external_id, e.type, c.external_id, g.external_id, e.at, e.day FROM events e"
                " LEFT JOIN customers c ON c.id = e.customer_id LEFT JOIN chat_groups g ON g.id = e.group_id"
                " ORDER BY e.id"
            )
        )
        return [tuple(row) for row in rows]


def test_one_event_is_stored_once_and_a_resend_says_already_stored(web: Web) -> None:
    client = web.api("operator")
    first = client.post("/api/v1/events", json=_event("api-1"))
    assert first.status_code == 201
    assert first.json() == {"new": ["api-1"], "already_stored": []}
    again = client.post("/api/v1/events", json=_event("api-1", properties={"amount": 1}))
    assert again.status_code == 200
    assert again.json() == {"new": [], "already_stored": ["api-1"]}
    stored = [row for row in _stored(web) if row[0] == "api-1"]
    when = to_us(datetime(2026, 11, 20, 10, 15, tzinfo=SHANGHAI))
    assert stored == [("api-1", "order_paid", "c1", None, when, day_number(date(2026, 11, 20)))]
    timeline = client.get("/api/v1/customers/c1/events").json()["items"]
    assert (timeline[0]["id"], timeline[0]["properties"]) == ("api-1", {"amount": 99, "product": "润肤霜"})


def test_a_batch_answers_which_ids_were_new_and_which_were_stored_before(web: Web) -> None:
    client = web.api("operator")
    client.post("/api/v1/events", json=_event("api-1"))
    batch = [
        _event("api-2", customer="c2"),
        _event("api-1"),
        {"id": "api-3", "type": "group_message", "at": "2026-11-20T11:00:00+08:00", "group": "g1"},
        _event("api-2", customer="c2"),  # the same event twice in one batch is stored once
        {"id": "ev1", "type": "order_paid", "at": "2026-11-10T12:00:00+08:00", "customer": "c1"},
    ]
    answer = client.post("/api/v1/events/batch", json={"events": batch})
    assert answer.status_code == 200
    assert answer.json() == {"new": ["api-2", "api-3"], "already_stored": ["api-1", "ev1"]}
    ids = [row[0] for row in _stored(web)]
    assert ids == ["ev1", "ev2", "api-1", "api-2", "api-3"]
    resent = client.post("/api/v1/events/batch", json={"events": batch})
    assert resent.json() == {"new": [], "already_stored": ["api-2", "api-1", "api-3", "ev1"]}
    assert len(_stored(web)) == 5


def test_unknown_customer_or_group_is_located_and_nothing_is_written(web: Web) -> None:
    batch = [_event("ok-0"), _event("ok-1"), _event("ok-2"), _event("bad-3", customer="nobody")]
    batch.append({"id": "bad-4", "type": "group_message", "at": "2026-11-20T11:00:00+08:00", "group": "g404"})
    answer = web.api("operator").post("/api/v1/events/batch", json={"events": batch})
    assert answer.status_code == 422
    assert answer.json()["error"]["problems"] == [
        {"where": "events[3].customer", "message": 'unknown customer "nobody" (import customers first)'},
        {"where": "events[4].group", "message": 'unknown group "g404" (import groups first)'},
    ]
    assert [row[0] for row in _stored(web)] == ["ev1", "ev2"]


def test_bad_fields_are_located_in_the_batch(web: Web) -> None:
    batch = [
        _event("a", at="2026-11-20T10:15:00"),
        _event("b", type=""),
        {"id": "c", "type": "x", "at": "2026-11-20T10:15:00+08:00"},
        _event("d", colour="red"),
        _event("e", properties=[1, 2]),
    ]
    answer = web.api("operator").post("/api/v1/events/batch", json={"events": batch})
    assert answer.status_code == 422
    assert [p["where"] for p in answer.json()["error"]["problems"]] == [
        "events[0].at",
        "events[1].type",
        "events[2].customer",
        "events[3].colour",
        "events[4].properties",
    ]
    assert len(_stored(web)) == 2


def test_one_id_twice_with_different_content_is_refused(web: Web) -> None:
    batch = [_event("dup"), _event("dup", customer="c2")]
    answer = web.api("operator").post("/api/v1/events/batch", json={"events": batch})
    assert answer.status_code == 422
    assert answer.json()["error"]["problems"] == [
        {
            "where": "events[1].id",
            "message": 'id "dup" appears earlier in this request (events[0]) with different content',
        }
    ]
    assert len(_stored(web)) == 2


def test_a_single_events_problems_name_its_fields(web: Web) -> None:
    answer = web.api("operator").post("/api/v1/events", json=_event("x", customer="nobody", at="yesterday"))
    assert answer.status_code == 422
    assert [p["where"] for p in answer.json()["error"]["problems"]] == ["at"]
    unknown = web.api("operator").post("/api/v1/events", json=_event("x", customer="nobody"))
    assert unknown.json()["error"]["problems"] == [
        {"where": "customer", "message": 'unknown customer "nobody" (import customers first)'}
    ]


def test_a_batch_holds_1_to_1000_events(web: Web) -> None:
    client = web.api("operator")
    empty = client.post("/api/v1/events/batch", json={"events": []})
    assert empty.status_code == 422
    assert empty.json()["error"]["problems"][0]["where"] == "events"
    too_many = client.post("/api/v1/events/batch", json={"events": [_event(f"e{i}") for i in range(1001)]})
    assert too_many.status_code == 422
    assert too_many.json()["error"]["problems"][0]["where"] == "events"
    full = client.post("/api/v1/events/batch", json={"events": [_event(f"e{i}") for i in range(1000)]})
    assert full.status_code == 200
    assert len(full.json()["new"]) == 1000
    assert len(_stored(web)) == 1002


def test_admin_tokens_and_operator_sessions_may_send_events(web: Web) -> None:
    assert web.api("admin").post("/api/v1/events", json=_event("by-admin")).status_code == 201
    console = web.console("operator")
    assert console.post("/api/v1/events/batch", json={"events": [_event("by-session")]}).status_code == 200
    assert {"by-admin", "by-session"} <= {row[0] for row in _stored(web)}


def test_a_session_without_its_csrf_token_cannot_send_events(web: Web) -> None:
    console = web.console("operator")
    del console.headers["X-CSRF-Token"]
    assert console.post("/api/v1/events", json=_event("no-csrf")).status_code == 403
    assert "no-csrf" not in {row[0] for row in _stored(web)}


def test_staff_may_not_send_events(web: Web) -> None:
    for client in (web.api("staff1"), web.console("staff1")):
        single = client.post("/api/v1/events", json=_event("by-staff"))
        assert single.status_code == 403
        assert single.json()["error"]["code"] == "forbidden"
        batch = client.post("/api/v1/events/batch", json={"events": [_event("by-staff")]})
        assert batch.status_code == 403
    assert "by-staff" not in {row[0] for row in _stored(web)}


def test_an_event_sent_here_brings_its_customer_into_an_event_sop(web: Web, tmp_path: Path) -> None:
    sop = tmp_path / "friend.yaml"
    sop.write_text(FRIEND_SOP, encoding="utf-8")
    apply_sops(web.engine, sop, now=at("2026-11-20 10:00"))
    answer = web.api("operator").post(
        "/api/v1/events",
        json={"id": "friend-c4", "type": "friend_added", "at": "2026-11-20T10:20:00+08:00", "customer": "c4"},
    )
    assert answer.status_code == 201
    run(web.engine, "2026-11-20 10:30")
    tasks = web.api("operator").get("/api/v1/customers/c4/tasks").json()["items"]
    assert [(t["sop"], t["executor"], t["due_at"]) for t in tasks] == [("friend", "st2", "2026-11-20T10:50:00+08:00")]
