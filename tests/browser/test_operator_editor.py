"""An operator builds the birthday SOP and the new-contact SOP from a blank form in the editor,
checks the YAML tab, the live validation, the audience preview and the 14-day simulation against
the API's answers for the same draft, then saves and enables each one."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlparse

import sqlalchemy as sa
import yaml
from playwright.sync_api import Locator, Page, Route, expect

from siyu.store.tables import audit_log, sops
from tests.browser.conftest import Shot
from tests.browser.support import TIMEOUT_MS, Live, login

SIMULATION_TIMEOUT_MS = 60_000


def _path(page: Page) -> str:
    return urlparse(page.url).path


def _field(page: Page, name: str) -> Locator:
    return page.locator(f'#editor [name="{name}"]')


def _rerendered(page: Page, action: Callable[[], object], sent: dict[str, str], what: str) -> None:
    """Do what re-renders the form (a structural choice, an add button) and wait until the form
    the server answered to *that* request is in the page. A background sync of typed text may be
    in flight too, so the response is picked by what it carries; and the old panel is marked,
    so that a field filled next cannot land in the panel about to be replaced."""
    page.evaluate("document.getElementById('form-panel').setAttribute('data-replaced', '')")
    with page.expect_response(
        lambda r: r.url.endswith("/sop-editor/form") and _carries(r.request.post_data, sent), timeout=TIMEOUT_MS
    ) as answer:
        action()
    assert answer.value.ok, f"{what}: {answer.value.status}"
    expect(page.locator("#form-panel:not([data-replaced])")).to_be_attached(timeout=TIMEOUT_MS)


def _carries(body: str | None, sent: dict[str, str]) -> bool:
    posted = parse_qs(body or "", keep_blank_values=True)
    return all(posted.get(key, [None])[-1] == value for key, value in sent.items())


def _choose(page: Page, name: str, value: str, appears: str | None = None) -> None:
    """Pick an option of a select that re-renders the form."""
    field = _field(page, name)
    _rerendered(page, lambda: field.select_option(value), {"op": "render", name: value}, f"{name} = {value}")
    expect(_field(page, name)).to_have_value(value)
    if appears is not None:
        expect(_field(page, appears)).to_be_visible()


def _click_op(page: Page, testid: str, appears: str) -> None:
    button = page.get_by_test_id(testid)
    op = button.get_attribute("hx-vals") or ""
    _rerendered(page, button.click, {"op": json.loads(op)["op"]}, testid)
    expect(_field(page, appears)).to_be_visible()


def _fill(page: Page, values: dict[str, str]) -> None:
    for name, value in values.items():
        _field(page, name).fill(value)


def _draft(page: Page, must_hold: list[str]) -> str:
    """The YAML the form has synced to, once every edit has reached it."""
    source = page.get_by_test_id("yaml-source")
    for line in must_hold:
        expect(source).to_have_value(re.compile(re.escape(line)))
    expect(page.locator('[data-testid=problems][data-ok="true"]')).to_be_visible()
    return source.input_value()


def _check_yaml_tab(page: Page, shot: Shot, lines: list[str]) -> str:
    page.get_by_test_id("tab-yaml").click()
    source = page.get_by_test_id("yaml-source")
    expect(source).to_be_visible()
    expect(page.locator('[data-panel="form"]')).to_be_hidden()
    text = source.input_value()
    for line in lines:
        assert line in text.splitlines(), f"{line!r} not a line of the YAML tab:\n{text}"
    shot(page, "yaml-tab")
    page.get_by_test_id("tab-form").click()
    expect(page.locator('[data-panel="form"]')).to_be_visible()
    expect(source).to_be_hidden()
    return text


def _api(page: Page, path: str, body: dict[str, Any]) -> dict[str, Any]:
    """POST to the API in the operator's browser session (cookie + CSRF token)."""
    me = page.request.get("/api/v1/me")
    assert me.ok, me.text()
    answer = page.request.post(
        path, data=body, headers={"X-CSRF-Token": me.json()["csrf_token"]}, timeout=SIMULATION_TIMEOUT_MS
    )
    assert answer.ok, f"{path}: {answer.status} {answer.text()}"
    result: dict[str, Any] = answer.json()
    return result


def _check_preview(page: Page, shot: Shot, source: str) -> int:
    with page.expect_response(lambda r: r.url.endswith("/sop-editor/preview")) as sent:
        page.get_by_test_id("preview-button").click()
    assert sent.value.ok
    expected = _api(page, "/api/v1/sop-drafts/preview", {"source": source})
    count = page.get_by_test_id("preview-count").first
    expect(count).to_have_text(str(expected["count"]))
    shown = page.get_by_test_id("preview-member").evaluate_all("rows => rows.map(r => r.dataset.id)")
    assert shown == [member["id"] for member in expected["sample"]]
    shot(page, "preview", around=page.get_by_test_id("preview-box"))
    return int(expected["count"])


def _check_simulation(page: Page, shot: Shot, source: str) -> dict[str, Any]:
    page.get_by_test_id("simulate-button").click()
    result = page.get_by_test_id("simulation-result")
    expect(result).to_have_attribute("data-total", re.compile(r"^\d+$"), timeout=SIMULATION_TIMEOUT_MS)
    expected = _api(page, "/api/v1/sop-drafts/simulate", {"source": source, "days": 14, "every": "1h"})
    assert result.get_attribute("data-total") == str(expected["total"])
    days = page.get_by_test_id("simulation-day").evaluate_all(
        "days => days.map(d => [d.dataset.date, Number(d.dataset.count)])"
    )
    assert days == [[day["date"], day["count"]] for day in expected["days"]]
    shot(page, "simulation", around=page.get_by_test_id("simulation-box"))
    return expected


def _save_enable(page: Page, shot: Shot, sop_id: str) -> None:
    with page.expect_navigation(url=re.compile(rf"/sops/{re.escape(sop_id)}$")):
        page.get_by_test_id("save-enable").click()
    assert _path(page) == f"/sops/{sop_id}"
    expect(page.locator("#sop-switch .badge.on")).to_have_text("已启用")
    expect(page.locator(".sop-header code")).to_have_text(sop_id)
    shot(page, "saved")


def _assert_stored(live: Live, sop_id: str, name: str) -> None:
    with live.engine.connect() as conn:
        row = conn.execute(sa.select(sops).where(sops.c.id == sop_id)).one()
        actions = conn.execute(
            sa.select(audit_log.c.action, audit_log.c.actor)
            .where(audit_log.c.subject_type == "sop", audit_log.c.subject_id == sop_id)
            .order_by(audit_log.c.id)
        ).all()
    assert (row.name, row.enabled, row.latest_version) == (name, True, 1)
    assert [(a.action, a.actor) for a in actions] == [("sop.apply", "operator"), ("sop.enable", "operator")]


def _start(page: Page, shot: Shot) -> None:
    login(page, "operator", "siyu-operator-demo")
    page.goto("/sops/new")
    expect(page.get_by_test_id("template-select")).to_have_value("")
    expect(page.get_by_test_id("sop-id")).to_have_value("")
    expect(page.get_by_test_id("preview-result")).to_be_attached()
    shot(page, "blank")


def test_operator_builds_the_birthday_sop_from_a_blank_form_previews_simulates_and_enables_it(
    live: Live, page: Page, shot: Shot
) -> None:
    sop_id, name = "birthday-browser", "会员生日祝福（浏览器）"
    wish = "亲，今天是你的生日🎂 暖柚生活特此送来真诚的祝福～"
    _start(page, shot)

    _fill(page, {"id": sop_id, "name": name, "goal": "增强情感连接"})
    _choose(page, "kind", "customer", appears="audience.type")
    _choose(page, "audience.type", "birthday", appears="audience.period")
    expect(_field(page, "audience.period")).to_have_value("today")
    _choose(page, "reentry", "always")
    shot(page, "audience", around=page.get_by_test_id("section-audience"))

    _choose(page, "steps.0.channel", "private")
    _choose(page, "steps.0.executor_kind", "owner")
    _field(page, "steps.0.mode").select_option("remind")
    _fill(page, {"steps.0.id": "wish", "steps.0.at.day": "0", "steps.0.at.time": "09:00"})
    _fill(page, {"steps.0.content.0.value": wish})
    _click_op(page, "steps.0.content.add", appears="steps.0.content.1.kind")
    _choose(page, "steps.0.content.1.kind", "link", appears="steps.0.content.1.title")
    _fill(page, {"steps.0.content.1.title": "领取生日礼", "steps.0.content.1.url": "https://example.com/nuanyou/gift"})
    source = _draft(page, [f"id: {sop_id}", "https://example.com/nuanyou/gift", "09:00", wish])
    shot(page, "step", around=page.get_by_test_id("step-0"))
    expect(page.get_by_test_id("no-problems")).to_be_visible()
    shot(page, "valid")

    text = _check_yaml_tab(
        page,
        shot,
        [
            f"id: {sop_id}",
            f"name: {name}",
            "kind: customer",
            "audience: {birthday: today}",
            "reentry: always",
            "  - id: wish",
            '    at: {day: 0, time: "09:00"}',
        ],
    )
    assert text == source
    built = yaml.safe_load(text)
    assert built["audience"] == {"birthday": "today"}
    assert built["entry"] == "audience"
    assert built["steps"] == [
        {
            "id": "wish",
            "at": {"day": 0, "time": "09:00"},
            "channel": "private",
            "executor": "owner",
            "mode": "remind",
            "content": [{"text": wish}, {"link": {"title": "领取生日礼", "url": "https://example.com/nuanyou/gift"}}],
        }
    ]

    _check_preview(page, shot, source)
    simulated = _check_simulation(page, shot, source)
    assert simulated["total"] > 0, "a 300-customer brand has birthdays in the next 14 days"
    assert [item["key"] for item in simulated["by_step"]] == ["wish"]

    _save_enable(page, shot, sop_id)
    _assert_stored(live, sop_id, name)


def test_operator_builds_the_new_contact_sop_from_a_blank_form_previews_simulates_and_enables_it(
    live: Live, page: Page, shot: Shot
) -> None:
    sop_id, name = "new-contact-browser", "新好友承接（浏览器）"
    hello = "你好呀{{customer.name}}，我是你的暖柚专属顾问{{staff.name}}～"
    invite = "进新人福利群可以领取新人优惠券哦，扫码即可～"
    _start(page, shot)

    _fill(page, {"id": sop_id, "name": name})
    _choose(page, "kind", "customer", appears="audience.type")
    _choose(page, "audience.type", "not", appears="audience.0.type")
    _choose(page, "audience.0.type", "tag", appears="audience.0.name")
    _fill(page, {"audience.0.name": "员工"})
    _choose(page, "entry", "event", appears="entry_event")
    _fill(page, {"entry_event": "friend_added"})
    _choose(page, "reentry", "never")
    shot(page, "audience", around=page.get_by_test_id("section-audience"))

    _choose(page, "steps.0.at.form", "delay", appears="steps.0.at.delay")
    _fill(page, {"steps.0.id": "hello", "steps.0.at.delay": "0m", "steps.0.content.0.value": hello})
    _field(page, "steps.0.mode").select_option("auto")
    _click_op(page, "steps.add", appears="steps.1.at.form")
    _choose(page, "steps.1.at.form", "day", appears="steps.1.at.day")
    _fill(page, {"steps.1.id": "group-invite", "steps.1.at.day": "1", "steps.1.at.time": "20:00"})
    _choose(page, "steps.1.when.type", "in_group", appears="steps.1.when.member")
    _choose(page, "steps.1.when.member", "false")
    _fill(page, {"steps.1.content.0.value": invite})
    _field(page, "steps.1.mode").select_option("remind")
    source = _draft(page, [f"id: {sop_id}", "group-invite", "20:00", invite, "mode: auto", "mode: remind"])
    shot(page, "steps", around=page.get_by_test_id("step-1"))
    expect(page.get_by_test_id("no-problems")).to_be_visible()
    shot(page, "valid")

    text = _check_yaml_tab(
        page,
        shot,
        [
            f"id: {sop_id}",
            f"name: {name}",
            "kind: customer",
            "audience: {not: {tag: 员工}}",
            "entry: {event: friend_added}",
            "reentry: never",
            "  - id: hello",
            "  - id: group-invite",
            "    when: {in_group: false}",
        ],
    )
    assert text == source
    built = yaml.safe_load(text)
    assert built["audience"] == {"not": {"tag": "员工"}}
    assert built["entry"] == {"event": "friend_added"}
    assert built["steps"] == [
        {
            "id": "hello",
            "at": {"delay": "0m"},
            "channel": "private",
            "executor": "owner",
            "mode": "auto",
            "content": [{"text": hello}],
        },
        {
            "id": "group-invite",
            "at": {"day": 1, "time": "20:00"},
            "channel": "private",
            "executor": "owner",
            "mode": "remind",
            "when": {"in_group": False},
            "content": [{"text": invite}],
        },
    ]

    count = _check_preview(page, shot, source)
    assert count > 0, "most demo customers are not tagged 员工"
    expect(page.get_by_test_id("preview").get_by_text("事件触发的 SOP")).to_be_visible()
    simulated = _check_simulation(page, shot, source)
    assert simulated["note"], "an event-entry SOP's simulation says why no new contacts arrive"
    expect(page.get_by_test_id("simulation-note")).to_be_visible()

    _save_enable(page, shot, sop_id)
    _assert_stored(live, sop_id, name)


def test_the_form_waits_for_its_rerender_and_later_syncs_queue_behind_it(page: Page, shot: Shot) -> None:
    """An answer that re-renders the form replaces it whole: while one is on its way the form takes
    no input, and the next sync is sent only after it (answers out of order put back what the
    person had just chosen). The structural request is held in the browser to open that window."""
    login(page, "operator", "siyu-operator-demo")
    page.goto("/sops/new")
    page.wait_for_load_state("networkidle")
    held: list[Route] = []
    seen: list[dict[str, list[str]]] = []

    def hold(route: Route) -> None:
        posted = parse_qs(route.request.post_data or "", keep_blank_values=True)
        seen.append(posted)
        if posted.get("op") == ["render"] and not held:
            held.append(route)
        else:
            route.continue_()

    page.route("**/sop-editor/form", hold)
    _field(page, "audience.type").select_option("birthday")
    page.wait_for_function("document.getElementById('form-panel').inert === true")
    assert len(held) == 1
    shot(page, "rerendering")

    page.evaluate("htmx.trigger(document.body, 'form-edited')")
    page.wait_for_timeout(1000)  # the sync's 400 ms debounce, and then some
    assert len(seen) == 1, "a sync went out while the form was being re-rendered"

    held[0].continue_()
    expect(_field(page, "audience.period")).to_be_visible()
    page.wait_for_function("document.getElementById('form-panel').inert === false")
    page.wait_for_load_state("networkidle")
    assert len(seen) == 2, "the queued sync went out after the re-render"
    assert seen[1].get("audience.type") == ["birthday"]
    assert "op" not in seen[1]
    expect(page.get_by_test_id("yaml-source")).to_have_value(re.compile(r"audience: \{birthday: today\}"))
