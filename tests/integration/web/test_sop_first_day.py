"""Before an SOP is switched on, people see how many tasks each staff member gets on its first
day — in the console (启用 shows it, then 确认启用), the API and the CLI — and nothing is stored."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from siyu.core.timeutil import to_us
from siyu.planner.first_day import first_day
from siyu.sops import repo as sop_service
from siyu.store.tables import sop_entries, sops, tasks
from tests.support.cli import siyu_for
from tests.support.web import Web

VIP_CARE = """
id: vip-care
name: 新客关怀
kind: customer
enabled: false
audience: {tag: 新客}
steps:
  - id: call
    at: {delay: 2h}
    channel: private
    executor: owner
    content: [{text: 您好}]
  - id: later
    at: {day: 3, time: "10:00"}
    channel: private
    executor: owner
    content: [{text: 回访}]
"""


def _apply(web: Web) -> None:
    with web.engine.begin() as conn:
        sop_service.apply_text(conn, VIP_CARE, Path("vip-care.yaml"), now_us=to_us(web.now))


def _stored(engine: Engine) -> tuple[int, int, bool]:
    with engine.connect() as conn:
        made = conn.execute(sa.select(sa.func.count()).select_from(tasks).where(tasks.c.sop_id == "vip-care"))
        entered = conn.execute(
            sa.select(sa.func.count()).select_from(sop_entries).where(sop_entries.c.sop_id == "vip-care")
        )
        enabled = conn.execute(sa.select(sops.c.enabled).where(sops.c.id == "vip-care"))
        return int(made.scalar_one()), int(entered.scalar_one()), bool(enabled.scalar_one())


def test_the_first_day_counts_each_staff_members_tasks_and_stores_nothing(web: Web) -> None:
    _apply(web)
    day = first_day(web.engine, "vip-care", to_us(web.now))
    assert [(load.staff, load.name, load.tasks) for load in day.loads] == [("st1", "小林", 2), ("st2", "小周", 1)]
    assert day.total == 3  # the day-3 step is not first-day work
    assert _stored(web.engine) == (0, 0, False)


def test_the_api_answers_the_first_day(web: Web) -> None:
    _apply(web)
    answer = web.api("operator").get("/api/v1/sops/vip-care/first-day")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["sop"], body["total"]) == ("vip-care", 3)
    assert body["staff"] == [{"staff": "st1", "name": "小林", "tasks": 2}, {"staff": "st2", "name": "小周", "tasks": 1}]
    assert web.api("staff1").get("/api/v1/sops/vip-care/first-day").status_code == 403
    assert _stored(web.engine) == (0, 0, False)


def test_the_console_shows_the_first_day_before_the_switch(web: Web) -> None:
    _apply(web)
    client = web.console("operator")
    page = client.get("/sops/vip-care")
    assert 'hx-get="/sops/vip-care/first-day"' in page.text
    shown = client.get("/sops/vip-care/first-day", headers={"HX-Request": "true"})
    assert shown.status_code == 200
    assert 'data-staff="st1"' in shown.text and "<td>2</td>" in shown.text
    assert "确认启用" in shown.text and 'hx-post="/sops/vip-care/enable"' in shown.text
    assert _stored(web.engine) == (0, 0, False)
    switched = client.post("/sops/vip-care/enable", headers={"HX-Request": "true"})
    assert switched.status_code == 200
    assert _stored(web.engine)[2] is True


def test_the_cli_shows_the_first_day_and_then_switches(web: Web) -> None:
    _apply(web)
    siyu = siyu_for(web.engine)
    now = web.now.isoformat()
    preview = siyu("sop", "enable", "vip-care", "--preview", "--now", now)
    assert preview.exit_code == 0, preview.output
    assert "st1" in preview.stdout and "3 task(s) for 2 staff member(s)" in preview.stdout
    assert _stored(web.engine) == (0, 0, False)
    switched = siyu("sop", "enable", "vip-care", "--now", now)
    assert switched.exit_code == 0, switched.output
    assert "vip-care enabled" in switched.stdout and "st2" in switched.stdout
    assert _stored(web.engine)[2] is True
