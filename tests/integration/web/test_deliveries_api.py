"""The outbox over the API (operators and admins): deliveries listed with filters and pages, one
with its payload, counts by adapter and state, and retries — one dead or failed delivery, or all
dead letters — that start over from the first try and are audited. Staff get 403."""

from __future__ import annotations

from typing import Any, get_args

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from siyu.channels.base import Purpose
from siyu.channels.delivery_settings import ADAPTERS
from siyu.delivery.deliveries import STATUSES
from siyu.store.tables import customers, deliveries, tasks
from siyu.web.api.deliveries import AdapterName, DeliveryStatus, PurposeName
from tests.support.brand import at
from tests.support.web import Web

NOW_US = at("2026-11-20 10:30")


def add_delivery(
    engine: Engine,
    *,
    customer: str = "c1",
    purpose: str = "send",
    adapter: str = "wecom",
    status: str = "queued",
    attempts: int = 0,
    lease_until: int | None = None,
    last_error: str | None = None,
    payload: Any = None,
) -> int:
    """A delivery row for the task of `customer` in the web fixture's brand (its executor as staff)."""
    with engine.begin() as conn:
        task = conn.execute(
            sa.select(tasks.c.id, tasks.c.executor_id)
            .join(customers, sa.and_(tasks.c.target_type == "customer", customers.c.id == tasks.c.target_id))
            .where(customers.c.external_id == customer)
        ).one()
        count = conn.execute(sa.select(sa.func.count()).select_from(deliveries)).scalar_one()
        return int(
            conn.execute(
                sa.insert(deliveries)
                .values(
                    key=f"task:{task.id}:{purpose}:{count}",
                    purpose=purpose,
                    adapter=adapter,
                    task_id=task.id,
                    staff_id=task.executor_id,
                    status=status,
                    attempts=attempts,
                    next_attempt_at=NOW_US - 60_000_000,
                    lease_owner="worker-1" if lease_until else None,
                    lease_until=lease_until,
                    last_error=last_error,
                    error_code="60020" if last_error else None,
                    payload=payload,
                    created_at=NOW_US - 3_600_000_000,
                    updated_at=NOW_US - 60_000_000,
                )
                .returning(deliveries.c.id)
            ).scalar_one()
        )


def _row(engine: Engine, delivery_id: int) -> Any:
    with engine.connect() as conn:
        return conn.execute(sa.select(deliveries).where(deliveries.c.id == delivery_id)).one()


def _delivery_audit(web: Web) -> list[tuple[str, str, str, Any]]:
    log = web.api("admin").get("/api/v1/audit", params={"subject_type": "delivery"}).json()
    return [(e["actor"], e["action"], e["subject_id"], e["detail"]) for e in log]


def test_the_filters_name_the_services_states_adapters_and_purposes() -> None:
    assert get_args(DeliveryStatus) == STATUSES
    assert get_args(AdapterName) == ADAPTERS
    assert get_args(PurposeName) == tuple(p.value for p in Purpose)


def test_deliveries_are_listed_newest_first_with_filters_and_pages(web: Web) -> None:
    first = add_delivery(web.engine, status="delivered")
    dead = add_delivery(web.engine, customer="c3", status="dead", attempts=8, last_error="rate limited")
    remind = add_delivery(web.engine, customer="c2", purpose="remind", adapter="webhook", lease_until=NOW_US + 10**8)
    client = web.api("operator")
    listed = client.get("/api/v1/deliveries").json()
    assert [d["id"] for d in listed["items"]] == [remind, dead, first] and listed["next_offset"] is None
    item = listed["items"][1]
    assert item["status"] == "dead" and item["attempts"] == 8 and item["staff"] == "st2" and item["customer"] == "c3"
    assert (item["last_error"], item["error_code"]) == ("rate limited", "60020")
    assert item["created_at"] == "2026-11-20T09:30:00+08:00" and item["next_attempt_at"] is None
    assert listed["items"][0]["sending"] is True and listed["items"][2]["sending"] is False
    assert "payload" not in item

    def ids(**params: Any) -> list[int]:
        return [d["id"] for d in client.get("/api/v1/deliveries", params=params).json()["items"]]

    assert ids(status="dead") == [dead]
    assert ids(adapter="webhook") == [remind]
    assert ids(purpose="send") == [dead, first]
    assert ids(task=item["task"]) == [dead]
    assert ids(status="dead", adapter="webhook") == []
    paged = client.get("/api/v1/deliveries", params={"limit": 2}).json()
    assert [d["id"] for d in paged["items"]] == [remind, dead] and paged["next_offset"] == 2
    assert ids(limit=2, offset=2) == [first]


def test_one_delivery_comes_with_its_payload_and_counts_cover_the_outbox(web: Web) -> None:
    payload = {"key": "task:1:send", "text": "陈一 你好", "customer": {"id": "c1", "name": "陈一"}}
    sent = add_delivery(web.engine, status="sent", payload=payload)
    add_delivery(web.engine, status="dead")
    add_delivery(web.engine, customer="c2", status="dead", adapter="sms", purpose="send")
    client = web.api("admin")
    detail = client.get(f"/api/v1/deliveries/{sent}").json()
    assert detail["payload"] == payload and detail["status"] == "sent"
    assert detail["next_attempt_at"] == "2026-11-20T10:29:00+08:00"
    assert client.get("/api/v1/deliveries/counts").json() == {"wecom": {"sent": 1, "dead": 1}, "sms": {"dead": 1}}


def test_retrying_a_dead_delivery_queues_it_from_the_first_try_and_is_audited(web: Web) -> None:
    dead = add_delivery(web.engine, status="dead", attempts=8, last_error="timeout")
    answer = web.api("operator").post(f"/api/v1/deliveries/{dead}/retry")
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "queued" and answer.json()["attempts"] == 0
    row = _row(web.engine, dead)
    assert (row.status, row.attempts, row.next_attempt_at) == ("queued", 0, NOW_US)
    assert _delivery_audit(web) == [("operator", "delivery.retry", str(dead), None)]


def test_only_dead_or_failed_deliveries_are_retried(web: Web) -> None:
    delivered = add_delivery(web.engine, status="delivered", attempts=1)
    answer = web.api("operator").post(f"/api/v1/deliveries/{delivered}/retry")
    assert answer.status_code == 422
    [problem] = answer.json()["error"]["problems"]
    assert problem == {
        "where": f"delivery {delivered}",
        "message": "it is delivered; only dead or failed deliveries can be retried",
    }
    assert _row(web.engine, delivered).status == "delivered"
    assert _delivery_audit(web) == []


def test_retrying_all_dead_letters_of_an_adapter_leaves_the_others(web: Web) -> None:
    wecom_dead = [add_delivery(web.engine, status="dead"), add_delivery(web.engine, customer="c2", status="dead")]
    sms_dead = add_delivery(web.engine, customer="c3", adapter="sms", status="dead")
    failed = add_delivery(web.engine, status="failed")
    client = web.api("admin")
    answer = client.post("/api/v1/deliveries/retry-dead", params={"adapter": "wecom"})
    assert answer.status_code == 200 and answer.json() == {"retried": 2}
    assert [_row(web.engine, i).status for i in [*wecom_dead, sms_dead, failed]] == [
        "queued",
        "queued",
        "dead",
        "failed",
    ]
    assert client.post("/api/v1/deliveries/retry-dead").json() == {"retried": 1}
    assert _row(web.engine, sms_dead).status == "queued"
    assert _delivery_audit(web) == [
        ("admin", "delivery.retry_dead", "*", {"adapter": None, "count": 1}),
        ("admin", "delivery.retry_dead", "wecom", {"adapter": "wecom", "count": 2}),
    ]


BAD_REQUESTS: list[tuple[str, dict[str, Any], str]] = [
    ("/api/v1/deliveries", {"status": "lost"}, "query.status"),
    ("/api/v1/deliveries", {"adapter": "fax"}, "query.adapter"),
    ("/api/v1/deliveries", {"purpose": "spam"}, "query.purpose"),
    ("/api/v1/deliveries", {"task": 0}, "query.task"),
    ("/api/v1/deliveries/0", {}, "path.delivery_id"),
    (f"/api/v1/deliveries/{2**63}", {}, "path.delivery_id"),
]


def test_a_bad_filter_or_id_is_located(web: Web) -> None:
    client = web.api("operator")
    for path, params, where in BAD_REQUESTS:
        answer = client.get(path, params=params)
        assert answer.status_code == 422, (path, params)
        assert [p["where"] for p in answer.json()["error"]["problems"]] == [where]


def test_an_unknown_delivery_is_not_found(web: Web) -> None:
    client = web.api("operator")
    assert client.get("/api/v1/deliveries/999").status_code == 404
    assert client.post("/api/v1/deliveries/999/retry").json()["error"]["code"] == "not_found"


def test_staff_are_refused_the_outbox(web: Web) -> None:
    dead = add_delivery(web.engine, status="dead")
    client = web.api("staff1")
    for answer in (
        client.get("/api/v1/deliveries"),
        client.get(f"/api/v1/deliveries/{dead}"),
        client.get("/api/v1/deliveries/counts"),
        client.post(f"/api/v1/deliveries/{dead}/retry"),
        client.post("/api/v1/deliveries/retry-dead"),
    ):
        assert answer.status_code == 403
        assert answer.json()["error"]["code"] == "forbidden"
    assert _row(web.engine, dead).status == "dead"
