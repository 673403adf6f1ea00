"""The console's settings page: one form per setting (CSRF), refused values shown beside their
field with nothing written, workday overrides edited as rows, recent changes from the audit log."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.support.web import Web


def _form_client(web: Web, username: str = "operator") -> tuple[TestClient, str]:
    client = web.console(username)
    return client, client.headers.pop("X-CSRF-Token")


def _settings(web: Web) -> dict[str, object]:
    answer: dict[str, object] = web.api("operator").get("/api/v1/settings").json()
    return answer


def test_the_page_shows_every_setting_with_its_value(web: Web) -> None:
    page = web.console("operator").get("/settings")
    assert page.status_code == 200
    assert "品牌设置" in page.text and "免打扰时段" in page.text
    assert 'name="value" list="zones" required value="Asia/Shanghai"' in page.text
    assert '<option value="Europe/Paris">' in page.text
    assert 'name="start" type="time" required value="22:00"' in page.text
    assert 'name="per_week" type="number" min="0" step="1" required value="5"' in page.text
    assert 'value="1d" placeholder="24h"' in page.text
    assert page.text.count('name="day" type="date" value=""') == 3
    assert "还没有更改过设置" in page.text


def test_saving_a_form_changes_the_setting_and_lists_the_change(web: Web) -> None:
    client, token = _form_client(web)
    answer = client.post(
        "/settings/quiet_hours", data={"csrf_token": token, "start": "21:30", "end": "07:45"}, follow_redirects=False
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/settings?saved=quiet_hours"
    assert _settings(web)["quiet_hours"] == {"start": "21:30", "end": "07:45"}
    page = client.get(answer.headers["location"])
    assert '<p class="ok" role="status">已保存</p>' in page.text
    row = re.search(r"<tr>\s*<td>2026-11-20 10:30</td><td>operator</td><td>免打扰时段</td>(.*?)</tr>", page.text, re.S)
    assert row is not None
    assert "（默认值）" in row.group(1)
    assert "{&#34;end&#34;: &#34;07:45&#34;, &#34;start&#34;: &#34;21:30&#34;}" in row.group(1)


def test_caps_and_late_after_and_time_zone_save_from_their_forms(web: Web) -> None:
    client, token = _form_client(web)
    for key, data in (
        ("caps", {"per_day": "3", "per_week": "9"}),
        ("late_after", {"value": " 36h "}),
        ("timezone", {"value": "Asia/Tokyo"}),
    ):
        answer = client.post(f"/settings/{key}", data={"csrf_token": token, **data}, follow_redirects=False)
        assert answer.status_code == 303, answer.text
    settings = _settings(web)
    assert (settings["caps"], settings["late_after"], settings["timezone"]) == (
        {"per_day": 3, "per_week": 9},
        "36h",
        "Asia/Tokyo",
    )


def test_a_refused_value_is_shown_beside_its_field_and_nothing_is_written(web: Web) -> None:
    client, token = _form_client(web)
    answer = client.post("/settings/caps", data={"csrf_token": token, "per_day": "two", "per_week": "5"})
    assert answer.status_code == 422
    caps = re.search(r'<section class="card" id="caps">(.*?)</section>', answer.text, re.S)
    assert caps is not None
    assert "<code>caps.per_day</code> expected a whole number, got &#39;two&#39;" in caps.group(1)
    assert 'name="per_day" type="number" min="0" step="1" required value="two"' in caps.group(1)
    late = client.post("/settings/late_after", data={"csrf_token": token, "value": "soon"})
    assert "<code>late_after</code> expected a duration like 30m, 24h or 7d" in late.text
    zone = client.post("/settings/timezone", data={"csrf_token": token, "value": "Mars/Olympus"})
    assert zone.status_code == 422 and "<code>timezone</code>" in zone.text
    assert _settings(web)["caps"] == {"per_day": 2, "per_week": 5}
    assert _settings(web)["late_after"] == "1d"
    assert web.api("operator").get("/api/v1/audit", params={"subject_type": "settings"}).json() == []


def test_workday_rows_are_added_changed_and_removed(web: Web) -> None:
    client, token = _form_client(web)
    added = client.post(
        "/settings/workdays",
        data={
            "csrf_token": token,
            "day": ["2027-01-01", "", "2027-02-07"],
            "kind": ["holiday", "holiday", "workday"],
        },
        follow_redirects=False,
    )
    assert added.status_code == 303
    assert _settings(web)["workdays"] == {"2027-01-01": "holiday", "2027-02-07": "workday"}
    page = client.get("/settings")
    assert 'name="day" type="date" value="2027-01-01"' in page.text
    assert '<option value="remove">删除</option>' in page.text
    client.post(
        "/settings/workdays",
        data={
            "csrf_token": token,
            "day": ["2027-01-01", "2027-02-07", "2027-10-09"],
            "kind": ["remove", "workday", "workday"],
        },
    )
    assert _settings(web)["workdays"] == {"2027-02-07": "workday", "2027-10-09": "workday"}


def test_a_bad_or_repeated_workday_is_located(web: Web) -> None:
    client, token = _form_client(web)
    twice = client.post(
        "/settings/workdays",
        data={"csrf_token": token, "day": ["2027-01-01", "2027-01-01"], "kind": ["holiday", "workday"]},
    )
    assert twice.status_code == 422
    assert "<code>workdays.2027-01-01</code> this date is given twice" in twice.text
    bad = client.post("/settings/workdays", data={"csrf_token": token, "day": ["2027-02-30"], "kind": ["holiday"]})
    assert "<code>workdays.2027-02-30</code> expected a date written YYYY-MM-DD" in bad.text
    assert _settings(web)["workdays"] == {}


def test_the_forms_need_their_csrf_token(web: Web) -> None:
    client, _token = _form_client(web)
    refused = client.post("/settings/late_after", data={"value": "2h"})
    assert refused.status_code == 403
    forged = client.post("/settings/late_after", data={"value": "2h", "csrf_token": "forged"})
    assert forged.status_code == 403
    assert _settings(web)["late_after"] == "1d"


def test_staff_cannot_open_or_post_settings(web: Web) -> None:
    client, token = _form_client(web, "staff1")
    assert client.get("/settings").status_code == 403
    assert client.post("/settings/late_after", data={"csrf_token": token, "value": "2h"}).status_code == 403
    assert _settings(web)["late_after"] == "1d"


def test_the_page_speaks_english_on_request(web: Web) -> None:
    client = web.console("admin")
    client.cookies.set("siyu_lang", "en")
    page = client.get("/settings")
    assert "Brand settings" in page.text and "Quiet hours" in page.text and "Holidays and make-up workdays" in page.text
