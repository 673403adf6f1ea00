"""A staff member on a phone works through today's tasks: sees only their own, copies a script,
marks one done; then the operator's dashboard counts it."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlparse

import sqlalchemy as sa
from playwright.sync_api import Page, expect

from siyu.brand import settings as brand_settings
from siyu.core.timeutil import to_us
from siyu.store.tables import staff, tasks
from tests.browser.conftest import Shot
from tests.browser.support import NOW, PHONE, Live, login, open_tasks_today, staff_id_of, task_row


def _path(page: Page) -> str:
    return urlparse(page.url).path


def _load_every_page(page: Page) -> None:
    more = page.locator("#more-tasks button")
    while more.count():
        before = page.locator("article.task").count()
        more.tap()
        # waits for one more task without evaluating a string in the page (the console's CSP forbids eval)
        page.locator("article.task").nth(before).wait_for(state="attached")


def _done_due_today(live: Live) -> int:
    with live.engine.connect() as conn:
        zone = brand_settings.load(conn).zone
        midnight = NOW.astimezone(zone).replace(hour=0, minute=0, second=0, microsecond=0)
        query = sa.select(sa.func.count()).where(
            tasks.c.status == "done",
            tasks.c.due_at >= to_us(midnight),
            tasks.c.due_at < to_us(midnight + timedelta(days=1)),
        )
        return int(conn.execute(query).scalar_one())


def test_staff_sees_only_their_tasks_copies_a_script_marks_one_done_and_the_operator_sees_it(
    live: Live, phone_page: Page, page: Page, shot: Shot
) -> None:
    phone = phone_page
    phone.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live.base_url)
    login(phone, "staff", "siyu-staff-demo")
    assert _path(phone) == "/my/tasks"
    phone.goto("/my/tasks?view=each")  # one card per task (batches: test_staff_batches.py)

    staff_id = staff_id_of(live.engine, "staff")
    expected = open_tasks_today(live.engine, staff_id)
    assert expected, "the demo staff login should have work today"
    _load_every_page(phone)
    shown = phone.locator("article.task").evaluate_all("cards => cards.map(c => Number(c.dataset.taskId))")
    assert len(shown) == len(set(shown)) == len(expected)
    assert set(shown) == expected
    with live.engine.connect() as conn:
        executors = conn.execute(
            sa.select(tasks.c.executor_id).where(tasks.c.id.in_(shown)).group_by(tasks.c.executor_id)
        ).all()
        others = conn.execute(sa.select(sa.func.count()).select_from(staff).where(staff.c.id != staff_id)).scalar()
    assert [row.executor_id for row in executors] == [staff_id]
    assert others, "the demo brand has other staff whose tasks must not show"
    expect(phone.locator("#count-todo")).to_have_text(str(len(expected)))
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(phone, "tasks")

    # a task due today (not overdue), so that the dashboard's "today" counts it once done
    card = phone.locator('article.task[data-status="due"]:not(.overdue)').filter(has=phone.locator("pre.script")).first
    task_id = int(card.get_attribute("data-task-id") or "0")
    script_text = task_row(live.engine, task_id).content["items"][0]["text"]
    script = card.locator("pre.script").first
    assert script.inner_text() == script_text
    copy = card.locator("button.copy").first
    copy.scroll_into_view_if_needed()
    copy.tap()
    expect(copy).to_have_text("已复制")
    assert phone.evaluate("navigator.clipboard.readText()") == script_text
    shot(phone, "copied", around=card)

    card.locator("button.done-button").tap()
    done_card = phone.locator(f'#task-{task_id}[data-status="done"]')
    expect(done_card).to_be_visible()
    expect(done_card.locator('[data-role="status"]')).to_have_text("已完成")
    assert task_row(live.engine, task_id).status == "done"
    expect(phone.locator("#count-todo")).to_have_text(str(len(expected) - 1))
    shot(phone, "done", around=done_card)

    login(page, "operator", "siyu-operator-demo")
    assert _path(page) == "/"
    done_today = _done_due_today(live)
    assert done_today >= 1
    expect(page.locator('#today .dash-stat[data-status="done"] .stat')).to_have_text(f"{done_today:,}")
    listed = page.request.get("/api/v1/tasks", params={"status": "done", "today": "true", "limit": 500})
    assert listed.ok
    assert task_id in [item["id"] for item in listed.json()["items"]]
    shot(page, "dashboard")
