"""The dashboard at /: today's tasks by status in the brand's local day, overdue work by staff, SOPs
with who is in them and their last tick, recent failures — exact figures; staff go to /my/tasks."""

from __future__ import annotations

import re

from tests.support.brand import run
from tests.support.web import Web

# {{customer.member_level}} has no value for any customer: each task fails when it comes due
FAILING_SOP = """\
id: level-care
name: 会员等级关怀
kind: customer
audience: {tag: 新客}
steps:
  - id: level
    at: {day: 0, time: "10:40"}
    channel: private
    executor: owner
    content:
      - text: "您的会员等级是 {{customer.member_level}}"
"""


def stat(html: str, status: str) -> int:
    found = re.search(rf'data-status="{status}">\s*<span[^>]*>[^<]*</span>\s*<span class="stat">([\d,]+)</span>', html)
    assert found, status
    return int(found.group(1).replace(",", ""))


def overdue(html: str) -> list[tuple[str, int]]:
    rows = re.findall(r'<tr data-staff="([^"]*)">.*?<td class="num overdue-count">([\d,]+)</td>', html, re.S)
    return [(staff, int(n)) for staff, n in rows]


def section(html: str, name: str) -> str:
    found = re.search(rf'<section class="card" id="{name}">(.*?)</section>', html, re.S)
    assert found, name
    return found.group(1)


def test_todays_tasks_by_status_and_overdue_by_staff(web: Web) -> None:
    html = web.console("operator").get("/").text
    assert "今天 2026-11-20（Asia/Shanghai）" in html
    assert {s: stat(html, s) for s in ("pending", "due", "done", "skipped", "failed")} == {
        "pending": 0,
        "due": 3,
        "done": 0,
        "skipped": 0,
        "failed": 0,
    }
    assert "共 3" in section(html, "today")
    assert overdue(html) == [("st1", 2), ("st2", 1)]
    assert "小林 <code" in html and "共 3" in section(html, "overdue")


def test_done_work_moves_between_the_figures(web: Web) -> None:
    staff1 = web.api("staff1")
    first = staff1.get("/api/v1/tasks").json()["items"][0]
    assert staff1.post(f"/api/v1/tasks/{first['id']}/done").status_code == 200
    html = web.console("operator").get("/").text
    assert (stat(html, "due"), stat(html, "done")) == (2, 1)
    assert overdue(html) == [("st1", 1), ("st2", 1)]


def test_work_not_yet_late_is_not_overdue(web: Web) -> None:
    web.set_now("2026-11-20 09:59")
    html = web.console("operator").get("/").text
    assert overdue(html) == []
    assert "没有逾期任务" in html
    assert stat(html, "due") == 3


def test_today_is_the_brands_local_day(web: Web) -> None:
    # 07:00 on the 21st in Shanghai is still the 20th in UTC: the 20th's tasks are not today's
    web.set_now("2026-11-21 07:00")
    html = web.console("operator").get("/").text
    assert "今天 2026-11-21" in html
    assert stat(html, "due") == 0 and "共 0" in section(html, "today")
    assert overdue(html) == [("st1", 2), ("st2", 1)]


def test_sops_show_who_is_in_them_and_the_last_tick(web: Web) -> None:
    html = web.console("operator").get("/").text
    sops = section(html, "sops")
    row = re.search(r'<tr data-sop="welcome">(.*?)</tr>', sops, re.S)
    assert row
    assert re.search(r'<td class="num in-sop">\s*3\s*</td>', row.group(1))
    assert "2026-11-20 10:00" in row.group(1) and '<span class="badge on">已启用</span>' in row.group(1)


def test_recent_errors_show_failed_tasks_with_their_reasons(web: Web) -> None:
    assert web.api("operator").post("/api/v1/sops", json={"source": FAILING_SOP}).status_code == 200
    run(web.engine, "2026-11-20 10:45")
    web.set_now("2026-11-20 10:50")
    html = web.console("operator").get("/").text
    assert stat(html, "failed") == 3
    errors = section(html, "errors")
    failed = re.findall(r'<table class="responsive failed-tasks">.*?</table>', errors, re.S)
    assert failed
    rows = re.findall(r'<tr data-task="\d+">(.*?)</tr>', failed[0], re.S)
    assert len(rows) == 3
    assert all("level-care" in r and "member_level" in r for r in rows)
    assert sorted(re.findall(r'<a href="/customers/(c\d)">', failed[0])) == ["c1", "c2", "c3"]
    changes = re.findall(r'<table class="responsive failure-changes">(.*?)</table>', errors, re.S)
    assert changes and len(re.findall(r"<tr data-task=", changes[0])) == 3
    assert "planner" in changes[0]
    assert "没有失败的任务" not in html


def test_no_errors_says_so(web: Web) -> None:
    html = web.console("operator").get("/").text
    assert "没有失败的任务" in section(html, "errors")


def test_the_dashboard_speaks_english(web: Web) -> None:
    client = web.console("admin")
    client.cookies.set("siyu_lang", "en")
    html = client.get("/").text
    assert "Today, 2026-11-20 (Asia/Shanghai)" in html and "Overdue, by staff" in html and "3 in all" in html


def test_staff_users_are_sent_to_their_tasks(web: Web) -> None:
    answer = web.console("staff2").get("/", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/my/tasks"


def test_signed_out_visitors_go_to_sign_in(web: Web) -> None:
    answer = web.client().get("/", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=/"
