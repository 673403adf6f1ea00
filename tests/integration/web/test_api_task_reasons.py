"""A task's reason is stored as a code with parameters and read in the caller's language: the
user's own setting (zh-CN by default), a person's words as they were typed."""

from __future__ import annotations

import sqlalchemy as sa

from siyu.store.tables import task_changes, tasks, users
from tests.support.web import Web

DEFERRED = {"reason": None, "reason_code": "daily_cap_deferred", "reason_params": {"limit": 2, "days": 1}}


def _deferred_task(web: Web) -> int:
    """The first task, as the planner leaves one the daily cap moved (code and parameters)."""
    with web.engine.begin() as conn:
        task_id = int(conn.execute(sa.select(sa.func.min(tasks.c.id))).scalar_one())
        conn.execute(sa.update(tasks).where(tasks.c.id == task_id).values(**DEFERRED))
        conn.execute(
            sa.insert(task_changes).values(task_id=task_id, at=0, status="pending", actor="planner", **DEFERRED)
        )
    return task_id


def _speaks(web: Web, username: str, locale: str) -> None:
    with web.engine.begin() as conn:
        conn.execute(sa.update(users).where(users.c.username == username).values(locale=locale))


def test_the_reason_is_in_chinese_by_default_and_in_english_for_an_english_user(web: Web) -> None:
    task_id = _deferred_task(web)
    client = web.api("operator")
    chinese = client.get(f"/api/v1/tasks/{task_id}").json()
    assert chinese["reason"] == "每日上限 2 已满，顺延 1 天"
    assert chinese["history"][-1]["reason"] == "每日上限 2 已满，顺延 1 天"
    listed = {t["id"]: t["reason"] for t in client.get("/api/v1/tasks").json()["items"]}
    assert listed[task_id] == "每日上限 2 已满，顺延 1 天"

    _speaks(web, "operator", "en")
    english = client.get(f"/api/v1/tasks/{task_id}").json()
    assert english["reason"] == "daily cap 2 reached; deferred 1 day"
    assert english["history"][-1]["reason"] == "daily cap 2 reached; deferred 1 day"
    listed = {t["id"]: t["reason"] for t in client.get("/api/v1/tasks").json()["items"]}
    assert listed[task_id] == "daily cap 2 reached; deferred 1 day"


def test_a_skip_reason_stays_in_the_words_it_was_typed(web: Web) -> None:
    _speaks(web, "staff1", "en")
    client = web.api("staff1")
    task = client.get("/api/v1/tasks").json()["items"][0]
    skipped = client.post(f"/api/v1/tasks/{task['id']}/skip", json={"reason": "客户在外地"}).json()
    assert skipped["reason"] == "客户在外地"
    with web.engine.connect() as conn:
        stored = conn.execute(sa.select(tasks.c.reason, tasks.c.reason_code).where(tasks.c.id == task["id"])).one()
    assert tuple(stored) == ("客户在外地", None)


def test_a_staff_user_whose_staff_link_is_gone_reads_no_task(web: Web) -> None:
    every = web.api("operator").get("/api/v1/tasks").json()["items"]
    with web.engine.begin() as conn:
        conn.execute(sa.update(users).where(users.c.username == "staff2").values(staff_id=None))
    client = web.api("staff2")
    for answer in (client.get("/api/v1/tasks"), client.get(f"/api/v1/tasks/{every[0]['id']}")):
        assert answer.status_code == 403
        assert "no longer linked" in answer.json()["error"]["message"]
