"""Console SOP pages: the list, one SOP's page with its steps on a time axis (days after entry, T−n
with phases, a week grid), the htmx switch (audited), the audience loaded on demand, versions with
a diff, both languages; staff users are refused."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.web import WELCOME_SOP, Web

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "sops"
HTMX = {"HX-Request": "true"}

FOLLOW_UP = """\
id: follow-up
name: 新客跟进
kind: customer
audience: {tag: 新客}
reentry: {after: 30d}
steps:
  - id: hello
    at: {delay: 10m}
    channel: private
    executor: owner
    mode: auto
    content:
      - text: "你好 {{customer.name}}"
  - id: day3
    at: {day: 3, time: "19:30"}
    channel: sms
    executor: role:店长
    content:
      - text: "第三天短信"
  - id: nightly
    at: {every: day, time: "21:00"}
    channel: private
    executor: owner
    when: {no_event: order_paid}
    content:
      - text: "晚安"
      - link: {title: 福利, url: "https://example.com/w"}
    notes: 语气亲切
"""


def apply(web: Web, source: str) -> None:
    answer = web.api("operator").post("/api/v1/sops", json={"source": source})
    assert answer.status_code == 200, answer.text


def cell(html: str, row: str, css: str) -> str:
    """The text of the `<td class="… css">` in the row with data-sop=row."""
    found = re.search(rf'<tr data-sop="{row}">.*?<td class="[^"]*\b{css}\b[^"]*"[^>]*>\s*(.*?)\s*</td>', html, re.S)
    assert found, f"no {css} cell for {row}"
    return found.group(1)


def test_list_shows_switch_state_who_is_in_and_last_tick(web: Web) -> None:
    apply(web, FOLLOW_UP.replace("kind: customer", "kind: customer\nenabled: false"))
    page = web.console("operator").get("/sops")
    assert page.status_code == 200
    html = page.text
    assert re.findall(r'<tr data-sop="([^"]+)"', html) == ["follow-up", "welcome"]
    assert cell(html, "welcome", "in-sop") == "3"
    assert cell(html, "follow-up", "in-sop") == "0"
    assert '<a href="/sops/welcome">新客欢迎</a>' in html
    assert '<span class="badge on">已启用</span>' in html and '<span class="badge off">已停用</span>' in html
    assert "2026-11-20 10:00" in html and "尚未运行" in html
    assert 'href="/sops/welcome/edit"' in html and 'href="/sops/new"' in html


def test_days_after_entry_are_drawn_on_an_axis_with_each_steps_content(web: Web) -> None:
    apply(web, FOLLOW_UP)
    html = web.console("operator").get("/sops/follow-up").text
    assert '<link rel="stylesheet" href="/static/sops.css">' in html
    # two days on a 4-day axis (day 0 to day 3): each point in the middle of its day
    points = re.findall(r'<a class="axis-point (?:up|down)" href="#day-(\d+)" style="left: ([\d.]+)%"', html)
    assert points == [("0", "12.5"), ("3", "87.5")]
    assert '<h3 class="day-label">进入当天' in html and '<h3 class="day-label">第 3 天' in html
    assert '<strong class="when">进入后 10 分钟</strong>' in html
    assert '<strong class="when">19:30</strong>' in html
    assert '<pre class="script">你好 {{customer.name}}</pre>' in html
    assert '<span class="badge channel">短信</span>' in html
    assert '<span class="badge executor">角色：店长</span>' in html
    assert '<span class="badge mode-auto">自动发送</span>' in html
    # the nightly step is a band across the axis and a card of its own
    assert '<div class="band" title="nightly">↻ 每天 21:00' in html
    assert '<strong class="when">每天 21:00</strong>' in html
    assert "有条件" in html and "备注：语气亲切" in html and "https://example.com/w" in html
    assert "距上次进入满 30 天 后可再次进入" in html
    assert 'hx-get="/sops/follow-up/audience" hx-trigger="load"' in html


def test_a_campaign_counts_down_to_its_day_with_phases(web: Web) -> None:
    apply(web, (EXAMPLES / "14-trial-class-campaign.yaml").read_text(encoding="utf-8"))
    html = web.console("operator").get("/sops/trial-class-campaign").text
    assert "T = 2026-12-01" in html
    phases = re.findall(
        r'<span class="phase phase-\d" style="left: ([\d.]+)%; width: ([\d.]+)%"[^>]*>([^<]+)</span>', html
    )
    assert phases == [
        ("0.0", "25.0", "筹备期"),
        ("25.0", "18.75", "预热期"),
        ("43.75", "18.75", "启动期"),
        ("62.5", "37.5", "收尾期"),
    ]
    labels = re.findall(r'<span class="label">([^<]+)</span>', html)
    assert labels == ["T−7", "T−3", "T−2", "T", "T+1", "T+2", "T+3"]
    assert (
        '<h3 class="day-label">T−7 <span class="muted">· 2026-11-24</span> <span class="badge phase-name">筹备期</span>'
        in html
    )
    assert '<span class="badge channel">内部工作</span>' in html


def test_a_weekly_calendar_is_a_week_grid(web: Web) -> None:
    text = (EXAMPLES / "13-group-weekly.yaml").read_text(encoding="utf-8")
    apply(web, text)
    html = web.console("operator").get("/sops/member-group-weekly").text
    columns = re.findall(
        r'<div class="weekday" data-weekday="(\w+)">\s*<h4>(\w+)</h4>(.*?)</div>\s*(?=<div class="weekday"|</div>)',
        html,
        re.S,
    )
    assert [(day, name) for day, name, _ in columns] == [
        ("mon", "周一"),
        ("tue", "周二"),
        ("wed", "周三"),
        ("thu", "周四"),
        ("fri", "周五"),
        ("sat", "周六"),
        ("sun", "周日"),
    ]
    tuesday = columns[1][2]
    assert re.findall(r"<time>([\d:]+)</time> <a href=\"#step-([\w-]+)\">", tuesday) == [
        ("15:00", "tue-coupon-notice"),
        ("17:00", "tue-coupon-go"),
        ("17:05", "tue-koc-echo"),
    ]
    assert '<p class="muted empty">—</p>' in columns[3][2]
    assert "事件触发" in html and '<strong class="when">每次 member_joined</strong>' in html
    assert html.count('<article class="step') == 7


def test_switch_by_htmx_answers_the_switch_and_is_audited(web: Web) -> None:
    client = web.console("operator")
    off = client.post("/sops/welcome/disable", headers=HTMX)
    assert off.status_code == 200
    assert off.text.startswith('<div id="sop-switch"') and "<html" not in off.text
    assert '<span class="badge off">已停用</span>' in off.text and 'hx-get="/sops/welcome/first-day"' in off.text  # 启用 first shows the first day's work
    plain = client.post("/sops/welcome/enable", follow_redirects=False)
    assert plain.status_code == 303 and plain.headers["location"] == "/sops/welcome"
    log = web.api("admin").get("/api/v1/audit", params={"subject_type": "sop"}).json()
    assert [(e["actor"], e["action"], e["detail"]) for e in reversed(log)] == [
        ("operator", "sop.disable", {"version": 1}),
        ("operator", "sop.enable", {"version": 1}),
    ]


def test_a_plain_form_post_needs_the_csrf_token(web: Web) -> None:
    client = web.console("operator")
    del client.headers["X-CSRF-Token"]
    refused = client.post("/sops/welcome/disable")
    assert refused.status_code == 403
    csrf = web.console("operator").get("/api/v1/me").json()["csrf_token"]
    page = client.get("/sops/welcome").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token and token.group(1) != csrf  # each session has its own
    accepted = client.post("/sops/welcome/disable", data={"csrf_token": token.group(1)}, follow_redirects=False)
    assert accepted.status_code == 303
    assert web.api("operator").get("/api/v1/sops/welcome").json()["enabled"] is False


def test_audience_fragment_has_the_count_and_a_named_sample(web: Web) -> None:
    fragment = web.console("operator").get("/sops/welcome/audience", headers=HTMX).text
    assert "<html" not in fragment
    assert '<span class="stat audience-count">3</span>' in fragment
    assert sorted(re.findall(r'<a href="/customers/(c\d)">([^<]+)</a>', fragment)) == [
        ("c1", "陈一"),
        ("c2", "陈二"),
        ("c3", "陈三"),
    ]


def test_versions_and_their_diff(web: Web) -> None:
    apply(web, WELCOME_SOP.replace('time: "10:00"', 'time: "11:00"'))
    client = web.console("operator")
    page = client.get("/sops/welcome").text
    assert re.findall(r'<tr data-version="(\d+)">', page) == ["2", "1"]
    assert 'hx-get="/sops/welcome/diff" hx-target="#sop-diff"' in page
    fragment = client.get("/sops/welcome/diff", params={"from": 1, "to": 2}, headers=HTMX).text
    assert fragment.startswith('<div id="sop-diff"')
    assert '<span class="del">-    at: {day: 0, time: &#34;10:00&#34;}</span>' in fragment
    assert '<span class="add">+    at: {day: 0, time: &#34;11:00&#34;}</span>' in fragment
    full = client.get("/sops/welcome/diff", params={"from": 2, "to": 2}).text
    assert "<html" in full and "两个版本的 YAML 相同" in full
    missing = client.get("/sops/welcome/diff", params={"from": 1, "to": 9}, headers=HTMX)
    assert missing.status_code == 200 and "SOP welcome has no version 9" in missing.text
    source = client.get("/sops/welcome/versions/1").text
    assert "time: &#34;10:00&#34;" in source and "与上一版对比" not in source
    assert client.get("/sops/welcome/versions/7").status_code == 404


def test_the_page_speaks_english_too(web: Web) -> None:
    apply(web, FOLLOW_UP)
    client = web.console("operator")
    client.cookies.set("siyu_lang", "en")
    html = client.get("/sops/follow-up").text
    assert "Entry day" in html and "Day 3" in html and "10 min after entry" in html
    assert "Private chat" in html and "Role: 店长" in html and "Every day at 21:00" in html
    assert "Again 30 days after the last entry" in html
    assert "SOPs" in client.get("/sops").text


def test_an_unknown_sop_is_a_404_page(web: Web) -> None:
    answer = web.console("operator").get("/sops/nothing-here")
    assert answer.status_code == 404
    assert "no SOP named nothing-here" in answer.text


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/sops"),
        ("get", "/sops/welcome"),
        ("get", "/sops/welcome/audience"),
        ("get", "/sops/welcome/versions/1"),
        ("get", "/sops/welcome/diff"),
        ("post", "/sops/welcome/disable"),
        ("post", "/sops/welcome/enable"),
    ],
)
def test_staff_users_are_refused(web: Web, method: str, path: str) -> None:
    answer = getattr(web.console("staff1"), method)(path, follow_redirects=False)
    assert answer.status_code == 403
    assert web.api("operator").get("/api/v1/sops/welcome").json()["enabled"] is True


def test_signed_out_visitors_go_to_sign_in(web: Web) -> None:
    answer = web.client().get("/sops/welcome", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=/sops/welcome"
