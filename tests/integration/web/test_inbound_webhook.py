"""The inbound webhook: signed with the webhook channel's inbound_secret, it stores events and
task results (done, delivered, replied), idempotently and all or nothing; unsigned, stale or
wrongly signed requests get 401, an unconfigured channel 503."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa

from siyu.channels import stored as channels
from siyu.channels.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from siyu.core.timeutil import to_us
from siyu.store.tables import channels as channels_table
from siyu.store.tables import customers, deliveries, events, task_changes, tasks
from siyu.web.api.inbound import MAX_BODY_BYTES
from tests.support.brand import at
from tests.support.web import Web

URL = "/api/v1/hooks/inbound"
SECRET = "inbound-secret-0123456789"


def _configure(web: Web, secret: str = SECRET) -> None:
    with web.engine.begin() as conn:
        channels.save(conn, "webhook", secrets={"inbound_secret": secret}, now_us=to_us(web.now))


def _now_s(web: Web) -> int:
    return to_us(web.now) // 1_000_000


def _post(web: Web, body: Any, *, secret: str = SECRET, timestamp: int | None = None, headers: Any = None) -> Any:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    stamp = _now_s(web) if timestamp is None else timestamp
    signed = {TIMESTAMP_HEADER: str(stamp), SIGNATURE_HEADER: sign(secret, stamp, raw)}
    sent = {"Content-Type": "application/json", **(signed if headers is None else headers)}
    return web.client().post(URL, content=raw, headers=sent)


def _task_of(web: Web, customer: str) -> int:
    with web.engine.connect() as conn:
        found = conn.execute(
            sa.select(tasks.c.id)
            .join(customers, customers.c.id == tasks.c.target_id)
            .where(tasks.c.sop_id == "welcome", tasks.c.target_type == "customer", customers.c.external_id == customer)
        ).scalar_one()
        return int(found)


def _status(web: Web, task_id: int) -> str:
    with web.engine.connect() as conn:
        return str(conn.execute(sa.select(tasks.c.status).where(tasks.c.id == task_id)).scalar_one())


def _task_events(web: Web, task_id: int) -> list[tuple[str, int, dict[str, Any]]]:
    with web.engine.connect() as conn:
        rows = conn.execute(
            sa.select(events.c.type, events.c.at, events.c.properties)
            .where(events.c.external_id.like(f"siyu:task:{task_id}:%"))
            .order_by(events.c.id)
        )
        return [(str(r.type), int(r.at), dict(r.properties)) for r in rows]


def _event_ids(web: Web) -> list[str]:
    with web.engine.connect() as conn:
        return [str(e) for e in conn.execute(sa.select(events.c.external_id).order_by(events.c.id)).scalars()]


def _event(event_id: str, customer: str = "c1") -> dict[str, Any]:
    return {"id": event_id, "type": "order_paid", "at": "2026-11-20T10:15:00+08:00", "customer": customer}


def test_signed_events_are_stored_once(web: Web) -> None:
    _configure(web)
    body = {"events": [_event("crm-1"), _event("crm-2", customer="c2")]}
    first = _post(web, body)
    assert first.status_code == 200, first.text
    assert first.json() == {"events": {"new": ["crm-1", "crm-2"], "already_stored": []}, "results": []}
    again = _post(web, body)
    assert again.json()["events"] == {"new": [], "already_stored": ["crm-1", "crm-2"]}
    assert _event_ids(web) == ["ev1", "ev2", "crm-1", "crm-2"]


def test_done_marks_the_task_done_once_and_records_who_and_when(web: Web) -> None:
    _configure(web)
    task = _task_of(web, "c1")
    body = {"results": [{"task": task, "result": "done", "at": "2026-11-20T10:20:00+08:00", "by": "crm"}]}
    first = _post(web, body)
    assert first.status_code == 200, first.text
    assert first.json()["results"] == [{"task": task, "result": "done", "changed": True}]
    assert _status(web, task) == "done"
    [(kind, when, properties)] = _task_events(web, task)
    assert (kind, when, properties["by"]) == ("task_done", at("2026-11-20 10:20"), "webhook:crm")
    with web.engine.connect() as conn:
        actors = conn.execute(
            sa.select(task_changes.c.actor).where(task_changes.c.task_id == task, task_changes.c.status == "done")
        ).scalars()
        assert list(actors) == ["webhook:crm"]
    again = _post(web, body)
    assert again.status_code == 200
    assert again.json()["results"] == [{"task": task, "result": "done", "changed": False}]
    assert len(_task_events(web, task)) == 1


def test_delivered_marks_the_send_delivery_delivered_and_records_the_event(web: Web) -> None:
    _configure(web)
    task = _task_of(web, "c2")
    now = to_us(web.now)
    with web.engine.begin() as conn:
        conn.execute(
            sa.insert(deliveries).values(
                key=f"task:{task}:send",
                purpose="send",
                adapter="webhook",
                task_id=task,
                status="sent",
                next_attempt_at=now,
                created_at=now,
                sent_at=now,
                updated_at=now,
            )
        )
    body = {"results": [{"task": task, "result": "delivered", "at": "2026-11-20T10:25:00+08:00"}]}
    first = _post(web, body)
    assert first.status_code == 200, first.text
    assert first.json()["results"] == [{"task": task, "result": "delivered", "changed": True}]
    with web.engine.connect() as conn:
        row = conn.execute(sa.select(deliveries.c.status, deliveries.c.delivered_at)).one()
    assert tuple(row) == ("delivered", at("2026-11-20 10:25"))
    assert [(kind, when) for kind, when, _ in _task_events(web, task)] == [("task_delivered", at("2026-11-20 10:25"))]
    again = _post(web, body)
    assert again.json()["results"] == [{"task": task, "result": "delivered", "changed": False}]
    assert len(_task_events(web, task)) == 1


def test_replied_records_the_reply_with_its_text_and_defaults_to_now(web: Web) -> None:
    _configure(web)
    task = _task_of(web, "c3")
    body = {"results": [{"task": task, "result": "replied", "text": "谢谢，收到了"}]}
    first = _post(web, body)
    assert first.status_code == 200, first.text
    assert first.json()["results"] == [{"task": task, "result": "replied", "changed": True}]
    [(kind, when, properties)] = _task_events(web, task)
    assert (kind, when, properties["text"], properties["by"]) == (
        "task_replied",
        to_us(web.now),
        "谢谢，收到了",
        "webhook",
    )
    again = _post(web, body)
    assert again.json()["results"] == [{"task": task, "result": "replied", "changed": False}]


def test_an_unknown_task_is_located_and_nothing_is_stored(web: Web) -> None:
    _configure(web)
    task = _task_of(web, "c1")
    body = {
        "events": [_event("crm-9")],
        "results": [{"task": task, "result": "done"}, {"task": 999_999, "result": "replied"}],
    }
    answer = _post(web, body)
    assert answer.status_code == 422
    assert answer.json()["error"]["problems"] == [{"where": "results[1].task", "message": "no task 999999"}]
    assert _status(web, task) == "due"
    assert _task_events(web, task) == []
    assert "crm-9" not in _event_ids(web)


def test_bad_bodies_are_located(web: Web) -> None:
    _configure(web)
    task = _task_of(web, "c1")
    empty = _post(web, {})
    assert empty.status_code == 422
    assert "neither" in empty.json()["error"]["problems"][0]["message"]
    not_json = _post(web, b"{oops")
    assert not_json.status_code == 422
    assert not_json.json()["error"]["problems"][0]["where"] == "(body)"
    wrong = _post(
        web,
        {
            "events": [_event("x", customer="nobody")],
            "results": [{"task": task, "result": "read"}, {"task": task, "result": "done", "at": "2026-11-20 10:00"}],
        },
    )
    assert wrong.status_code == 422
    assert [p["where"] for p in wrong.json()["error"]["problems"]] == ["results[0].result", "results[1].at"]
    assert wrong.json()["error"]["problems"][1]["message"].startswith("date-time '2026-11-20 10:00' has no offset")
    unknown_customer = _post(web, {"events": [_event("x", customer="nobody")]})
    assert unknown_customer.json()["error"]["problems"][0]["where"] == "events[0].customer"
    future = _post(web, {"results": [{"task": task, "result": "done", "at": "2026-11-20T11:00:00+08:00"}]})
    assert future.status_code == 422
    assert future.json()["error"]["problems"][0]["where"] == "results[0].at"
    assert _status(web, task) == "due"


def test_a_body_over_the_cap_is_refused_unread(web: Web) -> None:
    _configure(web)
    answer = _post(web, b"[" + b" " * MAX_BODY_BYTES + b"]")
    assert answer.status_code == 413
    assert f"{MAX_BODY_BYTES:,}" in answer.json()["error"]["message"]


def test_a_task_that_cannot_become_done_is_refused(web: Web) -> None:
    _configure(web)
    task = _task_of(web, "c1")
    with web.engine.begin() as conn:
        conn.execute(sa.update(tasks).where(tasks.c.id == task).values(status="cancelled"))
    answer = _post(web, {"results": [{"task": task, "result": "done"}]})
    assert answer.status_code == 422
    assert answer.json()["error"]["problems"] == [
        {
            "where": "results[0].result",
            "message": f"task {task}: the task is cancelled; only pending or due tasks can become done",
        }
    ]


def test_missing_stale_or_wrong_signatures_are_refused_with_the_reason(web: Web) -> None:
    _configure(web)
    body = {"events": [_event("crm-1")]}
    missing = _post(web, body, headers={})
    assert missing.status_code == 401
    assert missing.json()["error"] == {
        "code": "webhook_signature",
        "message": f"missing header {TIMESTAMP_HEADER}",
        "problems": [],
    }
    stale = _post(web, body, timestamp=_now_s(web) - 400)
    assert stale.status_code == 401
    assert "400 s old" in stale.json()["error"]["message"]
    wrong = _post(web, body, secret="another-secret-0123456789")
    assert wrong.status_code == 401
    assert "does not match" in wrong.json()["error"]["message"]
    raw = json.dumps(body).encode()
    stamp = _now_s(web)
    tampered = web.client().post(
        URL,
        content=raw.replace(b"crm-1", b"crm-2"),
        headers={TIMESTAMP_HEADER: str(stamp), SIGNATURE_HEADER: sign(SECRET, stamp, raw)},
    )
    assert tampered.status_code == 401
    assert _event_ids(web) == ["ev1", "ev2"]


def test_without_an_inbound_secret_the_endpoint_answers_503(web: Web) -> None:
    answer = _post(web, {"events": [_event("crm-1")]})
    assert answer.status_code == 503
    assert answer.json()["error"]["code"] == "not_configured"
    assert "inbound_secret" in answer.json()["error"]["message"]
    assert _event_ids(web) == ["ev1", "ev2"]


def test_a_stored_secret_that_no_longer_validates_is_named_not_shown(web: Web) -> None:
    with web.engine.begin() as conn:
        conn.execute(
            sa.insert(channels_table).values(
                name="webhook", enabled=True, settings={}, secrets={"inbound_secret": "short-s3cret"}, updated_at=0
            )
        )
    answer = _post(web, {"events": [_event("crm-1")]}, secret="short-s3cret")
    assert answer.status_code == 503
    message = answer.json()["error"]["message"]
    assert "inbound_secret" in message
    assert "short-s3cret" not in message
