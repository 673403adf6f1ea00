"""Brand settings over the API: read, change one key with its audit entry, located refusals that
write nothing, operators only."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.web import Web

DEFAULTS = {
    "timezone": "Asia/Shanghai",
    "quiet_hours": {"start": "22:00", "end": "08:00"},
    "caps": {"per_day": 2, "per_week": 5},
    "late_after": "1d",
    "workdays": {},
}


def test_the_settings_are_read_in_the_form_they_are_written(web: Web) -> None:
    client = web.api("operator")
    assert client.get("/api/v1/settings").json() == DEFAULTS
    for key, value in DEFAULTS.items():
        assert client.put(f"/api/v1/settings/{key}", json={"value": value}).status_code == 200
    assert client.get("/api/v1/settings").json() == DEFAULTS


def test_a_change_answers_the_new_settings_and_is_audited(web: Web) -> None:
    client = web.api("admin")
    changed = client.put("/api/v1/settings/caps", json={"value": {"per_day": 3, "per_week": 6}})
    assert changed.status_code == 200
    assert changed.json() == {**DEFAULTS, "caps": {"per_day": 3, "per_week": 6}}
    client.put("/api/v1/settings/caps", json={"value": {"per_day": 1}})
    client.put("/api/v1/settings/late_after", json={"value": "36h"})
    assert client.get("/api/v1/settings").json()["caps"] == {"per_day": 1, "per_week": 5}
    assert client.get("/api/v1/settings").json()["late_after"] == "36h"
    log = client.get("/api/v1/audit", params={"subject_type": "settings"}).json()
    assert [(e["actor"], e["action"], e["subject_id"], e["detail"], e["at"]) for e in log] == [
        ("admin", "settings.set", "late_after", {"old": None, "new": "36h"}, "2026-11-20T10:30:00+08:00"),
        (
            "admin",
            "settings.set",
            "caps",
            {"old": {"per_day": 3, "per_week": 6}, "new": {"per_day": 1}},
            "2026-11-20T10:30:00+08:00",
        ),
        (
            "admin",
            "settings.set",
            "caps",
            {"old": None, "new": {"per_day": 3, "per_week": 6}},
            "2026-11-20T10:30:00+08:00",
        ),
    ]


def test_workday_overrides_replace_the_whole_map(web: Web) -> None:
    client = web.api("operator")
    client.put("/api/v1/settings/workdays", json={"value": {"2027-01-01": "holiday", "2027-02-07": "workday"}})
    client.put("/api/v1/settings/workdays", json={"value": {"2027-02-07": "workday"}})
    assert client.get("/api/v1/settings").json()["workdays"] == {"2027-02-07": "workday"}


def test_a_new_time_zone_is_used_for_the_audit_times(web: Web) -> None:
    client = web.api("operator")
    assert client.put("/api/v1/settings/timezone", json={"value": "Europe/Paris"}).json()["timezone"] == "Europe/Paris"
    log = client.get("/api/v1/audit", params={"subject_type": "settings"}).json()
    assert log[0]["at"] == "2026-11-20T03:30:00+01:00"
    assert log[0]["detail"] == {"old": None, "new": "Europe/Paris"}


@pytest.mark.parametrize(
    ("key", "value", "problems"),
    [
        ("timezone", "Mars/Olympus", [("timezone", "unknown time zone")]),
        ("quiet_hours", {"start": "25:00", "end": "08:00"}, [("quiet_hours.start", 'expected "HH:MM"')]),
        ("quiet_hours", {"start": "22:00"}, [("quiet_hours", "expected {start")]),
        ("caps", {"per_day": -1}, [("caps", "expected {per_day: N, per_week: N}")]),
        ("caps", {"per_week": 10**9}, [("caps.per_week", "at most 100000")]),
        ("late_after", "soon", [("late_after", "expected a duration like 30m, 24h or 7d")]),
        ("late_after", "400d", [("late_after", "at most 365d")]),
        (
            "workdays",
            {"2027-02-30": "holiday", "2027-01-01": "day off"},
            [
                ("workdays.2027-02-30", "expected a date written YYYY-MM-DD"),
                ("workdays.2027-01-01", 'expected "workday" or "holiday"'),
            ],
        ),
        ("workdays", {"2027-01-01": ["holiday"]}, [("workdays.2027-01-01", 'expected "workday" or "holiday"')]),
        ("workdays", ["2027-01-01"], [("workdays", "expected {")]),
        ("colour", "green", [("colour", "unknown setting")]),
    ],
)
def test_a_bad_value_is_refused_where_it_is_wrong_and_nothing_changes(
    web: Web, key: str, value: Any, problems: list[tuple[str, str]]
) -> None:
    client = web.api("operator")
    answer = client.put(f"/api/v1/settings/{key}", json={"value": value})
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error["code"] == "invalid"
    got = [(p["where"], p["message"]) for p in error["problems"]]
    assert [where for where, _ in got] == [where for where, _ in problems]
    assert all(message.startswith(start) for (_, message), (_, start) in zip(got, problems, strict=True))
    assert client.get("/api/v1/settings").json() == DEFAULTS
    assert client.get("/api/v1/audit", params={"subject_type": "settings"}).json() == []


def test_a_missing_value_is_located(web: Web) -> None:
    answer = web.api("operator").put("/api/v1/settings/timezone", json={})
    assert answer.status_code == 422
    assert [p["where"] for p in answer.json()["error"]["problems"]] == ["value"]


def test_staff_may_not_read_or_change_settings(web: Web) -> None:
    client = web.api("staff1")
    for answer in (client.get("/api/v1/settings"), client.put("/api/v1/settings/timezone", json={"value": "UTC"})):
        assert answer.status_code == 403
        assert answer.json()["error"]["code"] == "forbidden"
    assert web.api("operator").get("/api/v1/settings").json()["timezone"] == "Asia/Shanghai"


def test_a_session_change_needs_the_csrf_token(web: Web) -> None:
    client = web.console("operator")
    token = client.headers.pop("X-CSRF-Token")
    assert client.put("/api/v1/settings/late_after", json={"value": "2h"}).status_code == 403
    answer = client.put("/api/v1/settings/late_after", json={"value": "2h"}, headers={"X-CSRF-Token": token})
    assert answer.json()["late_after"] == "2h"
