"""Batches on the phone: the tasks of one SOP step due in the same minute are one card on /my/tasks
with their count; the batch page lists the customers with each one's own script (逐个复制) and
marks every open task done in one audited action (全部完成)."""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

import sqlalchemy as sa

from siyu.store.tables import audit_log, events, task_changes, tasks
from tests.integration.web.test_console_my_tasks import busy  # noqa: F401  (fixture)
from tests.support.brand import at
from tests.support.web import Web

SUMMARY = re.compile(r'<a class="card batch-summary" href="/my/tasks/batches/(\d+)" data-batch-id="\d+">')
LATER = re.compile(r'data-step="([^"]+)">.*?<strong>(\d+) (?:位客户|个群|项)</strong>', re.DOTALL)
OPEN_COUNT = re.compile(r"<strong>(\d+) (?:位客户|个群|项)待办</strong>")


def _batch_tasks(web: Web, staff: str) -> dict[int, list[Any]]:
    """Batch id → its tasks (id, status, customer name, content) for one staff member."""
    query = sa.text(
        "SELECT t.batch_id, t.id, t.status, COALESCE(c.name, g.name), t.content, t.due_at FROM tasks t "
        "JOIN staff s ON s.id = t.executor_id "
        "LEFT JOIN customers c ON t.target_type = 'customer' AND c.id = t.target_id "
        "LEFT JOIN chat_groups g ON t.target_type = 'group' AND g.id = t.target_id "
        "WHERE s.external_id = :staff AND t.batch_id IS NOT NULL ORDER BY t.id"
    )
    found: dict[int, list[Any]] = {}
    with web.engine.connect() as conn:
        for row in conn.execute(query, {"staff": staff}):
            found.setdefault(int(row[0]), []).append(row)
    return found


def _open_batches(web: Web, staff: str) -> dict[int, int]:
    return {
        batch: sum(1 for row in rows if row[2] == "due")
        for batch, rows in _batch_tasks(web, staff).items()
        if any(row[2] == "due" for row in rows)
    }


def test_the_list_shows_each_open_batch_as_one_card_with_its_count(busy: Web) -> None:  # noqa: F811
    expected = _open_batches(busy, "st1")
    assert expected and sum(expected.values()) > len(expected)  # batches of more than one task
    # a batch is one SOP step, one executor, one minute
    for rows in _batch_tasks(busy, "st1").values():
        assert len({row[5] // 60_000_000 for row in rows}) == 1
    html = busy.console("staff1").get("/my/tasks").text
    shown = [int(found) for found in SUMMARY.findall(html)]
    assert sorted(shown) == sorted(expected)
    assert [int(count) for count in OPEN_COUNT.findall(html)] == [expected[batch] for batch in shown]
    batched = {row[1] for rows in _batch_tasks(busy, "st1").values() for row in rows if row[2] == "due"}
    assert not any(f'id="task-{task_id}"' in html for task_id in batched)  # on their batch's card only
    # later today: counted per SOP step and minute, the batches they will form
    with busy.engine.connect() as conn:
        pending = conn.execute(
            sa.text(
                "SELECT t.sop_id, t.step_id, t.due_at - t.due_at % 60000000, COUNT(*) FROM tasks t "
                "JOIN staff s ON s.id = t.executor_id WHERE s.external_id = 'st1' AND t.status = 'pending' "
                "AND t.due_at >= :start AND t.due_at < :end GROUP BY 1, 2, 3 ORDER BY 3, 1, 2"
            ),
            {"start": at("2026-11-21 00:00"), "end": at("2026-11-22 00:00")},
        ).all()
    assert pending
    assert LATER.findall(html) == [(f"{row[0]}/{row[1]}", str(row[3])) for row in pending]
    assert not any('data-status="pending"' in card for card in html.split("<article")[1:])
    each = busy.console("staff1").get("/my/tasks?view=each").text
    assert all(f'id="task-{task_id}"' in each for task_id in batched)  # one card per task still works
    assert "batch-summary" not in each


def test_a_batch_page_lists_its_customers_each_with_their_own_script(busy: Web) -> None:  # noqa: F811
    batch, rows = next((b, r) for b, r in _batch_tasks(busy, "st1").items() if len(r) > 1 and r[0][2] == "due")
    html = busy.console("staff1").get(f"/my/tasks/batches/{batch}").text
    assert html.count('class="card task batch') == 1
    for row in rows:
        content = json.loads(row[4]) if isinstance(row[4], str) else row[4]  # SQLite gives the text
        script = "\n\n".join(item["text"] for item in content["items"] if "text" in item)
        assert f'<pre class="batch-script" hidden data-name="{row[3]}">{script}</pre>' in html
        assert f'href="/my/tasks/{row[1]}"' in html
    assert "逐个复制" in html and "全部完成" in html
    assert f'hx-confirm="把这个批次的 {len(rows)} 项待办全部标记为完成？"' in html
    assert html.count('<pre class="script"') == 1  # the script once


def test_mark_all_done_is_one_audited_action_over_every_open_task(busy: Web) -> None:  # noqa: F811
    batch, rows = next((b, r) for b, r in _batch_tasks(busy, "st1").items() if len(r) > 1 and r[0][2] == "due")
    ids = sorted(int(row[1]) for row in rows)
    client = busy.console("staff1")
    answer = client.post(f"/my/tasks/batches/{batch}/done", headers={"HX-Request": "true"})
    assert answer.status_code == 200
    assert f"已完成 {len(ids)} 项" in answer.text and 'id="count-todo" hx-swap-oob="true"' in answer.text
    with busy.engine.connect() as conn:
        statuses = dict(conn.execute(sa.select(tasks.c.id, tasks.c.status).where(tasks.c.id.in_(ids))).all())
        history = Counter(
            conn.execute(
                sa.select(task_changes.c.task_id).where(
                    task_changes.c.task_id.in_(ids), task_changes.c.status == "done"
                )
            ).scalars()
        )
        actors = set(conn.execute(sa.select(task_changes.c.actor).where(task_changes.c.task_id.in_(ids))).scalars())
        done_events = conn.execute(sa.select(events.c.external_id).where(events.c.type == "task_done")).scalars().all()
        audits = conn.execute(sa.select(audit_log).where(audit_log.c.action == "task.batch_done")).all()
    assert statuses == dict.fromkeys(ids, "done")
    assert history == dict.fromkeys(ids, 1) and "user:staff1" in actors
    assert sorted(done_events) == sorted(f"siyu:task:{task_id}:done" for task_id in ids)
    (entry,) = audits
    assert (entry.subject_type, entry.subject_id) == ("batch", str(batch))
    assert entry.detail == {"count": len(ids), "tasks": ids, "via": "console"}
    again = client.post(f"/my/tasks/batches/{batch}/done", headers={"HX-Request": "true"})
    assert again.status_code == 422 and "这个批次已经没有待办任务" in again.text
    with busy.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).where(audit_log.c.action == "task.batch_done")).scalar() == 1


def test_someone_elses_batch_is_not_found_and_changes_need_the_csrf_token(busy: Web) -> None:  # noqa: F811
    batch = next(iter(_open_batches(busy, "st1")))
    other = busy.console("staff2")
    assert other.get(f"/my/tasks/batches/{batch}").status_code == 404
    assert other.post(f"/my/tasks/batches/{batch}/done").status_code == 404
    mine = busy.console("staff1")
    del mine.headers["X-CSRF-Token"]
    assert mine.post(f"/my/tasks/batches/{batch}/done").status_code == 403
    assert _open_batches(busy, "st1")[batch] > 0
    assert busy.console("staff1").get("/my/tasks/batches/999999").status_code == 404
