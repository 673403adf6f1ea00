"""The staff task list at /my/tasks: own tasks only, grouped by SOP and step with overdue ones
first, scripts rendered with copy buttons, done / skip through htmx with history and audit. This
is the one-card-per-task view (?view=each); batches as cards: test_console_my_batches.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from siyu.store.tables import audit_log, task_changes, tasks
from tests.support.brand import Brand, apply_sops, at, run
from tests.support.web import Web

MORE_SOPS = """\
- id: care
  name: 新客关怀
  kind: customer
  audience: {tag: 新客}
  steps:
    - id: ask
      at: {day: 0, time: "16:00"}
      channel: private
      executor: owner
      content:
        - text: "{{customer.name}}，收到货了吗？"
        - link: {title: 满意度问卷, url: "https://example.com/s/1"}
        - miniprogram: {title: 会员中心, appid: wx123, page: pages/member}
        - image: assets/thanks.png
      notes: 语气亲切，不要催单
    - id: follow
      at: {day: 1, time: "09:00"}
      channel: private
      executor: owner
      content:
        - text: "{{customer.name}} 早上好～"
    - id: evening
      at: {day: 1, time: "20:00"}
      channel: private
      executor: owner
      content:
        - text: "晚安"
- id: group-hi
  name: 群早安
  kind: group
  audience: {tag: 会员群}
  steps:
    - id: notice
      at: {day: 1, time: "09:00"}
      channel: group
      executor: group_owner
      content:
        - text: "{{group.name}} 的朋友们早安！"
- id: moments-hi
  name: 朋友圈早安
  kind: moments
  audience: {role: 导购}
  visible_to: {tag: 会员}
  steps:
    - id: post
      at: {every: day, time: "09:00"}
      channel: moments
      executor: self
      content:
        - text: "早安☀️"
"""

EACH = "/my/tasks?view=each"  # one card per task


@pytest.fixture
def busy(web: Web, tmp_path: Path) -> Web:
    """More work for st1: yesterday's tasks still due (overdue), today's due and later ones, a
    group task and a moments post; the clock at 2026-11-21 09:30."""
    brand = Brand()
    brand.add_group("g1", "st1", members=("c1", "c3"), name="暖柚宠物群", tags=("会员群",))
    brand.write(web.engine, tmp_path / "more")
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "thanks.png").write_bytes(b"png")
    sop = tmp_path / "more.yaml"
    sop.write_text(MORE_SOPS, encoding="utf-8")
    apply_sops(web.engine, sop, now=at("2026-11-20 10:00"))
    run(web.engine, "2026-11-20 16:00", "2026-11-21 09:00")
    web.set_now("2026-11-21 09:30")
    return web


CARD = re.compile(r'<article class="card task[^"]*" id="task-(\d+)"\s+data-task-id="\d+" data-status="(\w+)">')
GROUP = re.compile(r'data-group="([^"]+)"')
SECTION = re.compile(r'<h2 class="task-section (\w+)">')


def _targets(web: Web, staff_id: str) -> dict[int, str]:
    """Task id → "sop/step target" for one staff member's tasks."""
    query = sa.text(
        "SELECT t.id, t.sop_id, t.step_id, COALESCE(c.external_id, g.external_id, s.external_id) "
        "FROM tasks t JOIN staff s ON s.id = t.executor_id "
        "LEFT JOIN customers c ON t.target_type = 'customer' AND c.id = t.target_id "
        "LEFT JOIN chat_groups g ON t.target_type = 'group' AND g.id = t.target_id "
        "WHERE s.external_id = :staff "
        # in due order: a recurring step has tomorrow's occurrence too, and the first match must be
        # today's (without an order PostgreSQL returned them either way round)
        "ORDER BY t.due_at, t.id"
    )
    with web.engine.connect() as conn:
        return {int(r[0]): f"{r[1]}/{r[2]} {r[3]}" for r in conn.execute(query, {"staff": staff_id})}


def _layout(html: str, names: dict[int, str]) -> list[tuple[str, list[str]]]:
    """The page as (group, [task...]) in the order shown."""
    found: list[tuple[str, list[str]]] = []
    for block in html.split('<section class="task-group"')[1:]:
        group = GROUP.search(block)
        assert group is not None
        found.append((group.group(1), [names[int(m.group(1))] for m in CARD.finditer(block)]))
    return found


def _card_html(html: str, task_id: int) -> str:
    start = html.index(f'id="task-{task_id}"')
    return html[start : html.index("</article>", start)]


def _task_id(web: Web, sop: str, step: str, target: str) -> int:
    for task_id, name in _targets(web, "st1").items():
        if name == f"{sop}/{step} {target}":
            return task_id
    for task_id, name in _targets(web, "st2").items():
        if name == f"{sop}/{step} {target}":
            return task_id
    raise AssertionError(f"no task {sop}/{step} {target}")


def _status(web: Web, task_id: int) -> tuple[str, str | None]:
    with web.engine.connect() as conn:
        row = conn.execute(sa.select(tasks.c.status, tasks.c.reason).where(tasks.c.id == task_id)).one()
    return str(row.status), row.reason


def test_todo_groups_by_sop_and_step_with_overdue_first(busy: Web) -> None:
    page = busy.console("staff1").get(EACH)
    assert page.status_code == 200
    assert _layout(page.text, _targets(busy, "st1")) == [
        ("overdue|care|ask", ["care/ask c1", "care/ask c2"]),
        ("overdue|welcome|hello", ["welcome/hello c1", "welcome/hello c2"]),
        ("now|care|follow", ["care/follow c1", "care/follow c2"]),
        ("now|group-hi|notice", ["group-hi/notice g1"]),
        ("now|moments-hi|post", ["moments-hi/post st1"]),
        ("later|care|evening", ["care/evening c1", "care/evening c2"]),
    ]
    assert SECTION.findall(page.text) == ["overdue", "now", "later"]
    assert '<span class="count" id="count-todo">10</span>' in page.text
    assert '<span class="count" id="count-done">0</span>' in page.text
    assert '<span class="sop-name">新客关怀</span>' in page.text
    assert '<span class="step-id">步骤 ask · 私聊</span>' in page.text


def test_overdue_cards_are_marked_and_todays_are_not(busy: Web) -> None:
    html = busy.console("staff1").get(EACH).text
    overdue = _card_html(html, _task_id(busy, "welcome", "hello", "c1"))
    today = _card_html(html, _task_id(busy, "care", "follow", "c1"))
    assert "逾期" in overdue and "11-20 10:00 到期" in overdue
    assert "逾期" not in today and "09:00 到期" in today


def test_a_still_due_task_older_than_late_after_is_left_out(busy: Web) -> None:
    busy.set_now("2026-11-21 10:30")  # welcome/hello was due 2026-11-20 10:00, more than 24 h ago
    html = busy.console("staff1").get(EACH).text
    shown = [name for _, names in _layout(html, _targets(busy, "st1")) for name in names]
    assert "welcome/hello c1" not in shown and "care/ask c1" in shown


def test_a_card_shows_the_rendered_script_attachments_and_notes(busy: Web) -> None:
    html = busy.console("staff1").get(EACH).text
    task_id = _task_id(busy, "care", "ask", "c1")
    card = _card_html(html, task_id)
    assert f'<pre class="script" id="script-{task_id}-1">陈一，收到货了吗？</pre>' in card
    assert f'data-copy="#script-{task_id}-1" data-copied="已复制">复制</button>' in card
    assert '<a href="https://example.com/s/1" target="_blank" rel="noopener noreferrer">满意度问卷</a>' in card
    assert f'<span class="url" id="script-{task_id}-2">https://example.com/s/1</span>' in card
    assert "会员中心" in card and "appid wx123 · pages/member" in card
    assert '<span class="kind">图片</span> <span class="path">assets/thanks.png</span>' in card
    assert "语气亲切，不要催单" in card
    assert '<a href="/customers/c1">陈一</a>' in card and '<span class="muted ext-id">c1</span>' in card
    assert f'hx-post="/my/tasks/{task_id}/done"' in card and f'hx-post="/my/tasks/{task_id}/skip"' in card


def test_group_moments_and_later_tasks_show_what_they_need(busy: Web) -> None:
    html = busy.console("staff1").get(EACH).text
    group = _card_html(html, _task_id(busy, "group-hi", "notice", "g1"))
    assert "暖柚宠物群" in group and '<span class="muted ext-id">g1</span>' in group
    assert "暖柚宠物群 的朋友们早安！" in group and "/customers/" not in group
    moments = _card_html(html, _task_id(busy, "moments-hi", "post", "st1"))
    assert "发到自己的朋友圈" in moments and "<code>{tag: 会员}</code>" in moments
    later_id = _task_id(busy, "care", "evening", "c1")
    later = _card_html(html, later_id)
    assert "20:00 到期" in later and "<pre" not in later and "hx-post" not in later
    assert '<p class="muted later-hint">到时间后会生成话术。</p>' in html


def test_done_through_htmx_swaps_the_card_and_records_history_and_audit(busy: Web) -> None:
    client = busy.console("staff1")
    task_id = _task_id(busy, "care", "follow", "c2")
    answer = client.post(f"/my/tasks/{task_id}/done", headers={"HX-Request": "true"})
    assert answer.status_code == 200
    assert CARD.findall(answer.text) == [(str(task_id), "done")]
    assert "hx-post" not in answer.text
    assert '<span class="count" id="count-todo" hx-swap-oob="true">9</span>' in answer.text
    assert '<span class="count" id="count-done" hx-swap-oob="true">1</span>' in answer.text
    assert _status(busy, task_id) == ("done", None)
    with busy.engine.connect() as conn:
        change = conn.execute(sa.select(task_changes).where(task_changes.c.task_id == task_id)).all()[-1]
        logged = conn.execute(sa.select(audit_log).where(audit_log.c.subject_type == "task")).all()
    assert (change.status, change.actor, change.at) == ("done", "user:staff1", at("2026-11-21 09:30"))
    assert [(e.actor, e.action, e.subject_id, e.detail) for e in logged] == [
        ("staff1", "task.done", str(task_id), {"via": "console"})
    ]
    done_tab = client.get("/my/tasks", params={"tab": "done"}).text
    assert _layout(done_tab, _targets(busy, "st1")) == [("finished|care|follow", ["care/follow c2"])]
    assert SECTION.findall(done_tab) == ["finished"]


def test_skip_asks_for_a_reason_and_keeps_it(busy: Web) -> None:
    client = busy.console("staff1")
    task_id = _task_id(busy, "welcome", "hello", "c2")
    refused = client.post(f"/my/tasks/{task_id}/skip", data={"reason": "  "}, headers={"HX-Request": "true"})
    assert refused.status_code == 422
    assert "请填写跳过原因" in refused.text and '<details class="skip" open>' in refused.text
    assert _status(busy, task_id) == ("due", None)
    too_long = client.post(f"/my/tasks/{task_id}/skip", data={"reason": "长" * 501})
    assert too_long.status_code == 422 and "原因最多 500 个字" in too_long.text
    skipped = client.post(f"/my/tasks/{task_id}/skip", data={"reason": "客户在外地"}, headers={"HX-Request": "true"})
    assert skipped.status_code == 200
    assert CARD.findall(skipped.text) == [(str(task_id), "skipped")]
    assert "已跳过：客户在外地" in skipped.text
    assert _status(busy, task_id) == ("skipped", "客户在外地")
    with busy.engine.connect() as conn:
        logged = conn.execute(sa.select(audit_log).where(audit_log.c.subject_type == "task")).all()
    assert [(e.actor, e.action, e.subject_id, e.detail) for e in logged] == [
        ("staff1", "task.skipped", str(task_id), {"reason": "客户在外地", "via": "console"})
    ]


def test_a_task_no_longer_open_answers_422_with_its_current_state(busy: Web) -> None:
    client = busy.console("staff1")
    task_id = _task_id(busy, "care", "follow", "c1")
    assert client.post(f"/my/tasks/{task_id}/done").status_code == 200
    again = client.post(f"/my/tasks/{task_id}/skip", data={"reason": "重复"})
    assert again.status_code == 422
    assert CARD.findall(again.text) == [(str(task_id), "done")]
    assert "这条任务已经不是待办状态" in again.text
    assert _status(busy, task_id) == ("done", None)


def test_changes_need_the_csrf_token(busy: Web) -> None:
    client = busy.console("staff1")
    del client.headers["X-CSRF-Token"]
    task_id = _task_id(busy, "care", "follow", "c1")
    for answer in (
        client.post(f"/my/tasks/{task_id}/done"),
        client.post(f"/my/tasks/{task_id}/skip", data={"reason": "x"}),
    ):
        assert answer.status_code == 403
    assert _status(busy, task_id) == ("due", None)


def test_another_staffs_task_is_not_found_and_not_listed(busy: Web) -> None:
    client = busy.console("staff2")
    theirs = _task_id(busy, "care", "follow", "c1")  # st1's
    for answer in (
        client.post(f"/my/tasks/{theirs}/done"),
        client.post(f"/my/tasks/{theirs}/skip", data={"reason": "x"}),
        client.post(f"/my/tasks/{theirs}/skip", data={"reason": ""}),
    ):
        assert answer.status_code == 404
    assert _status(busy, theirs) == ("due", None)
    html = client.get(EACH).text
    mine = _targets(busy, "st2")
    shown = [int(m.group(1)) for m in CARD.finditer(html)]
    assert shown and set(shown) <= set(mine)
    assert sorted(mine[i] for i in shown) == [
        "care/ask c3",
        "care/evening c3",
        "care/follow c3",
        "moments-hi/post st2",
        "welcome/hello c3",
    ]


def test_an_operator_without_a_staff_link_gets_a_message(busy: Web) -> None:
    client = busy.console("operator")
    page = client.get(EACH)
    assert page.status_code == 200
    assert 'id="no-staff-link"' in page.text and "你的账号还没有关联员工" in page.text
    assert CARD.findall(page.text) == []
    task_id = _task_id(busy, "care", "follow", "c1")
    assert client.post(f"/my/tasks/{task_id}/done").status_code == 404
    assert _status(busy, task_id) == ("due", None)


def test_an_operator_with_a_staff_link_works_on_that_staff_members_tasks(busy: Web) -> None:
    from siyu.accounts import users as accounts
    from siyu.accounts.users import Role
    from siyu.core.timeutil import to_us

    with busy.engine.begin() as conn:
        accounts.create_user(
            conn,
            username="lead",
            password="password-lead",
            role=Role.operator,
            now_us=to_us(busy.now),
            staff_external_id="st2",
        )
    client = busy.client()
    signed_in = client.post("/login", data={"username": "lead", "password": "password-lead"}, follow_redirects=False)
    assert signed_in.headers["location"] == "/"
    client.headers["X-CSRF-Token"] = client.get("/api/v1/me").json()["csrf_token"]
    html = client.get(EACH).text
    assert {_targets(busy, "st2")[int(m.group(1))] for m in CARD.finditer(html)} >= {"care/follow c3"}
    mine = _task_id(busy, "care", "follow", "c3")
    assert client.post(f"/my/tasks/{mine}/done").status_code == 200
    assert client.post(f"/my/tasks/{_task_id(busy, 'care', 'follow', 'c1')}/done").status_code == 404


def test_long_lists_page_on_and_carry_the_group_over(busy: Web, monkeypatch: pytest.MonkeyPatch) -> None:
    from siyu.web.console import my_tasks

    monkeypatch.setattr(my_tasks, "PAGE_SIZE", 3)
    client = busy.console("staff1")
    names = _targets(busy, "st1")
    first = client.get(EACH).text
    assert _layout(first, names) == [
        ("overdue|care|ask", ["care/ask c1", "care/ask c2"]),
        ("overdue|welcome|hello", ["welcome/hello c1"]),
    ]
    assert 'hx-get="/my/tasks?tab=todo&view=each&offset=3&after=overdue%7Cwelcome%7Chello"' in first
    second = client.get(
        "/my/tasks",
        params={"view": "each", "offset": 3, "after": "overdue|welcome|hello"},
        headers={"HX-Request": "true"},
    ).text
    assert "<html" not in second
    assert _layout(second, names) == [
        ("overdue|welcome|hello", ["welcome/hello c2"]),
        ("now|care|follow", ["care/follow c1", "care/follow c2"]),
    ]
    assert SECTION.findall(second) == ["now"]
    assert second.count('<h3 class="group-head">') == 1


def test_bad_tab_or_offset_is_a_located_error(busy: Web) -> None:
    client = busy.console("staff1")
    assert client.get("/my/tasks", params={"tab": "all"}).status_code == 422
    negative = client.get("/my/tasks", params={"offset": -1})
    assert negative.status_code == 422 and "query.offset" in negative.text
    huge = client.get("/my/tasks", params={"offset": 10**20})
    assert huge.status_code == 422 and "query.offset" in huge.text


def test_the_list_speaks_english_after_the_switch(busy: Web) -> None:
    client = busy.console("staff1")
    client.get("/lang/en", params={"next": "/my/tasks"})
    html = client.get(EACH).text
    assert "My tasks" in html and "Overdue" in html and ">Done</button>" in html
    assert "逾期" not in html
