"""A staff member with many tasks sees a handful of batch cards on the phone, opens one, copies
each customer's own script in turn (逐个复制) and marks the whole batch done (全部完成)."""

from __future__ import annotations

import sqlalchemy as sa
from playwright.sync_api import Dialog, Page, expect

from siyu.store.tables import audit_log, customers, tasks
from tests.browser.conftest import Shot
from tests.browser.support import PHONE, Live, login, open_tasks_today, staff_id_of


def _open_batches(live: Live, task_ids: set[int]) -> dict[int, list[int]]:
    with live.engine.connect() as conn:
        rows = conn.execute(
            sa.select(tasks.c.batch_id, tasks.c.id)
            .where(tasks.c.id.in_(task_ids), tasks.c.status == "due", tasks.c.batch_id.is_not(None))
            .order_by(tasks.c.id)
        )
        found: dict[int, list[int]] = {}
        for batch_id, task_id in rows:
            found.setdefault(int(batch_id), []).append(int(task_id))
    return found


def _script_and_name(live: Live, task_id: int) -> tuple[str, str]:
    with live.engine.connect() as conn:
        row = conn.execute(
            sa.select(tasks.c.content, customers.c.name)
            .select_from(tasks.join(customers, customers.c.id == tasks.c.target_id))
            .where(tasks.c.id == task_id)
        ).one()
    texts = [item["text"] for item in row.content["items"] if "text" in item]
    return "\n\n".join(texts), str(row.name)


def test_a_batch_is_one_card_its_scripts_are_copied_in_turn_and_it_is_done_at_once(
    live: Live, phone_page: Page, shot: Shot
) -> None:
    phone = phone_page
    phone.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live.base_url)
    login(phone, "staff", "siyu-staff-demo")
    staff_id = staff_id_of(live.engine, "staff")
    open_today = open_tasks_today(live.engine, staff_id)
    batches = _open_batches(live, open_today)
    batched = sum(len(ids) for ids in batches.values())
    assert batches and batched > 2 * len(batches), "the demo staff login should have batches of several tasks"

    cards = phone.locator("a.batch-summary")
    expect(cards).to_have_count(len(batches))
    shown = cards.evaluate_all("cards => cards.map(c => Number(c.dataset.batchId))")
    assert sorted(shown) == sorted(batches)
    # the batched tasks are not listed one by one
    listed = phone.locator("article.task").evaluate_all("cards => cards.map(c => Number(c.dataset.taskId))")
    assert not set(listed) & {task_id for ids in batches.values() for task_id in ids}
    # a handful of cards, not one per task: batches, later today per step and minute, and the
    # few due tasks that are in no batch (sent automatically)
    shown_cards = phone.locator("a.batch-summary, div.later-batch, article.task").count()
    assert shown_cards * 10 < len(open_today), (shown_cards, len(open_today))
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(phone, "batches")

    batch_id, task_ids = max(batches.items(), key=lambda item: len(item[1]))
    cards.and_(phone.locator(f'[data-batch-id="{batch_id}"]')).tap()
    phone.wait_for_url(f"**/my/tasks/batches/{batch_id}")
    card = phone.locator(f"#batch-{batch_id}")
    expect(card.locator(".batch-target")).to_have_count(len(task_ids))
    expect(card.locator("pre.script")).to_have_count(1)  # the script once

    copy_each = card.locator("button.copy-each")
    status = card.locator(".copy-each-status")
    for turn, task_id in enumerate(task_ids[:3], start=1):
        script, name = _script_and_name(live, task_id)
        copy_each.tap()
        expect(status).to_have_text(f"已复制 {turn}/{len(task_ids)}：{name}")
        assert phone.evaluate("navigator.clipboard.readText()") == script
        expect(card.locator(f'.batch-target[data-task-id="{task_id}"]')).to_have_class(
            "batch-target due copying copied"
        )
    shot(phone, "copied", around=card)

    confirmations: list[str] = []

    def accept(dialog: Dialog) -> None:
        confirmations.append(dialog.message)
        dialog.accept()

    phone.once("dialog", accept)
    card.locator("button.batch-done-button").tap()
    expect(card.locator(".outcome")).to_have_text(f"✓ 已完成 {len(task_ids)} 项")
    assert confirmations == [f"把这个批次的 {len(task_ids)} 项待办全部标记为完成？"]
    expect(card.locator('.batch-target[data-status="done"]')).to_have_count(len(task_ids))
    expect(card.locator("button.batch-done-button")).to_have_count(0)
    with live.engine.connect() as conn:
        statuses = set(conn.execute(sa.select(tasks.c.status).where(tasks.c.id.in_(task_ids))).scalars())
        audits = (
            conn.execute(
                sa.select(audit_log.c.detail).where(
                    audit_log.c.action == "task.batch_done", audit_log.c.subject_id == str(batch_id)
                )
            )
            .scalars()
            .all()
        )
    assert statuses == {"done"}
    assert [entry["count"] for entry in audits] == [len(task_ids)]
    shot(phone, "done", around=card)
