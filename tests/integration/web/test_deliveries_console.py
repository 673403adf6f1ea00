"""The console's outbox page (operators and admins): counts by adapter and state, a filter, a paged
table whose dead and failed rows have a retry button (htmx re-renders the row), the dead-letter
view, and "retry all dead letters"; every retry is audited. Staff get 403."""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from siyu.store.tables import deliveries
from tests.integration.web.test_deliveries_api import NOW_US, add_delivery
from tests.support.web import Web

HTMX = {"HX-Request": "true"}


def _form_client(web: Web, username: str = "operator") -> tuple[TestClient, str]:
    client = web.console(username)
    return client, client.headers.pop("X-CSRF-Token")


def _status(engine: Engine, delivery_id: int) -> str:
    with engine.connect() as conn:
        return str(conn.execute(sa.select(deliveries.c.status).where(deliveries.c.id == delivery_id)).scalar_one())


def _row_html(page: str, delivery_id: int) -> str:
    found = re.search(rf'<tr id="delivery-{delivery_id}"(.*?)</tr>', page, re.S)
    assert found is not None, f"no row for delivery {delivery_id}"
    return found.group(1)


def _audit(web: Web) -> list[tuple[str, str, Any]]:
    log = web.api("admin").get("/api/v1/audit", params={"subject_type": "delivery"}).json()
    return [(e["action"], e["subject_id"], e["detail"]) for e in log]


@pytest.mark.parametrize("username", ["operator", "admin"])
def test_the_page_shows_counts_and_rows_with_retry_only_where_it_helps(web: Web, username: str) -> None:
    delivered = add_delivery(web.engine, status="delivered")
    dead = add_delivery(web.engine, customer="c3", status="dead", attempts=8, last_error="客户已拒收")
    leased = add_delivery(web.engine, customer="c2", purpose="remind", adapter="webhook", lease_until=NOW_US + 10**8)
    page = web.console(username).get("/deliveries")
    assert page.status_code == 200
    assert "<h1>投递记录</h1>" in page.text
    assert '<a href="/deliveries" aria-current="page">投递</a>' in page.text
    counts = re.search(r'<tr data-adapter="wecom">(.*?)</tr>', page.text, re.S)
    assert counts is not None
    assert '<a href="/deliveries?status=delivered&amp;adapter=wecom">1</a>' in counts.group(1)
    assert '<a href="/deliveries?status=dead&amp;adapter=wecom">1</a>' in counts.group(1)
    assert '<tr data-adapter="sms">' not in page.text  # no rows: no line
    dead_row = _row_html(page.text, dead)
    assert "死信" in dead_row and "客户已拒收" in dead_row and "<code>60020</code>" in dead_row
    assert f'hx-post="/deliveries/{dead}/retry"' in dead_row and ">重试</button>" in dead_row
    assert '<a href="/customers/c3"' in dead_row and "st2" in dead_row
    assert "重试" not in _row_html(page.text, delivered)
    leased_row = _row_html(page.text, leased)
    assert "发送中" in leased_row and "提醒" in leased_row and "Webhook" in leased_row
    assert "重试全部死信" in page.text


def test_staff_are_refused(web: Web) -> None:
    dead = add_delivery(web.engine, status="dead")
    client, token = _form_client(web, "staff1")
    assert client.get("/deliveries").status_code == 403
    assert client.post(f"/deliveries/{dead}/retry", data={"csrf_token": token}).status_code == 403
    assert client.post("/deliveries/retry-dead", data={"csrf_token": token}).status_code == 403
    assert _status(web.engine, dead) == "dead"
    assert 'href="/deliveries"' not in client.get("/my/tasks").text


def test_the_dead_letter_view_and_the_filter(web: Web) -> None:
    dead = add_delivery(web.engine, status="dead")
    queued = add_delivery(web.engine, customer="c2", status="queued")
    sms_dead = add_delivery(web.engine, customer="c3", adapter="sms", status="dead")
    client = web.console("operator")
    page = client.get("/deliveries", params={"status": "dead"}).text
    assert "<h1>死信</h1>" in page and "死信 (2)" in page
    assert f'id="delivery-{dead}"' in page and f'id="delivery-{sms_dead}"' in page
    assert f'id="delivery-{queued}"' not in page
    assert '<option value="dead" selected>' in page
    sms_only = client.get("/deliveries", params={"status": "dead", "adapter": "sms", "purpose": ""}).text
    assert f'id="delivery-{sms_dead}"' in sms_only and f'id="delivery-{dead}"' not in sms_only
    assert '<input type="hidden" name="adapter" value="sms">' in sms_only
    refused = client.get("/deliveries", params={"status": "lost"})
    assert refused.status_code == 422 and "expected one of queued" in refused.text


def test_htmx_retry_rerenders_the_row_as_queued(web: Web) -> None:
    dead = add_delivery(web.engine, status="dead", attempts=8, last_error="timeout")
    client = web.console("operator")
    answer = client.post(f"/deliveries/{dead}/retry", headers=HTMX)
    assert answer.status_code == 200
    assert answer.text.lstrip().startswith(f'<tr id="delivery-{dead}" data-status="queued">')
    assert "排队中" in answer.text and "已重新排队" in answer.text and "重试</button>" not in answer.text
    assert "<html" not in answer.text
    assert _status(web.engine, dead) == "queued"
    assert _audit(web) == [("delivery.retry", str(dead), None)]


def test_htmx_retry_of_a_delivered_row_says_why_and_changes_nothing(web: Web) -> None:
    delivered = add_delivery(web.engine, status="delivered")
    answer = web.console("operator").post(f"/deliveries/{delivered}/retry", headers=HTMX)
    assert answer.status_code == 200
    assert "only dead or failed deliveries can be retried" in answer.text and "已送达" in answer.text
    assert _status(web.engine, delivered) == "delivered"
    assert _audit(web) == []


def test_a_plain_form_retry_goes_back_to_the_list_it_came_from(web: Web) -> None:
    failed = add_delivery(web.engine, status="failed")
    client, token = _form_client(web)
    answer = client.post(
        f"/deliveries/{failed}/retry",
        data={"csrf_token": token, "next": "/deliveries?status=failed"},
        follow_redirects=False,
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/deliveries?status=failed"
    assert _status(web.engine, failed) == "queued"
    elsewhere = add_delivery(web.engine, status="failed")
    offsite = client.post(
        f"/deliveries/{elsewhere}/retry",
        data={"csrf_token": token, "next": "https://evil.example/"},
        follow_redirects=False,
    )
    assert offsite.headers["location"] == "/"


def test_retry_all_dead_letters_requeues_them_and_says_how_many(web: Web) -> None:
    dead = [add_delivery(web.engine, status="dead"), add_delivery(web.engine, customer="c3", status="dead")]
    sms_dead = add_delivery(web.engine, customer="c2", adapter="sms", status="dead")
    client, token = _form_client(web, "admin")
    answer = client.post(
        "/deliveries/retry-dead", data={"csrf_token": token, "adapter": "wecom"}, follow_redirects=False
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/deliveries?status=dead&adapter=wecom&retried=2"
    assert [_status(web.engine, i) for i in [*dead, sms_dead]] == ["queued", "queued", "dead"]
    page = client.get(answer.headers["location"]).text
    assert "已将 2 条死信重新排队" in page and "重试全部死信" not in page  # none left for wecom
    assert _audit(web) == [("delivery.retry_dead", "wecom", {"adapter": "wecom", "count": 2})]
    assert client.post("/deliveries/retry-dead", data={"adapter": "wecom"}).status_code == 403  # no CSRF token


def test_the_table_pages_by_fifty_keeping_the_filter(web: Web) -> None:
    ids = [add_delivery(web.engine, status="queued") for _ in range(51)]
    client = web.console("operator")
    first = client.get("/deliveries", params={"status": "queued"}).text
    assert first.count('<tr id="delivery-') == 50 and f'id="delivery-{ids[0]}"' not in first
    assert '<a href="/deliveries?status=queued&amp;offset=50">下一页</a>' in first
    second = client.get("/deliveries", params={"status": "queued", "offset": 50}).text
    assert second.count('<tr id="delivery-') == 1 and f'id="delivery-{ids[0]}"' in second
    assert '<a href="/deliveries?status=queued">上一页</a>' in second
