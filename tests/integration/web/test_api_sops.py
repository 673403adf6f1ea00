"""SOP endpoints: list, detail, versions and diff, apply with located errors, enable / disable with
audit, audience size and sample, a simulation that writes nothing; staff may only read the list."""

from __future__ import annotations

import pytest

from tests.support.brand import sql
from tests.support.web import WELCOME_SOP, Web

WELCOME_V2 = WELCOME_SOP.replace('time: "10:00"', 'time: "11:00"')

EVENING_SOP = """\
id: evening-care
name: 晚间关怀
kind: customer
enabled: false
audience: {tag: 新客}
steps:
  - id: nightly
    at: {every: day, time: "20:00"}
    channel: private
    executor: owner
    content:
      - text: "晚上好，{{customer.name}}"
"""


def audit_of(web: Web, sop: str) -> list[tuple[str, str, object]]:
    log = web.api("admin").get("/api/v1/audit", params={"subject_type": "sop", "subject_id": sop}).json()
    return [(e["actor"], e["action"], e["detail"]) for e in reversed(log)]


def test_list_shows_who_is_in_each_sop_and_its_last_tick(web: Web) -> None:
    answer = web.api("operator").get("/api/v1/sops")
    assert answer.status_code == 200
    assert answer.json() == {
        "items": [
            {
                "id": "welcome",
                "name": "新客欢迎",
                "kind": "customer",
                "enabled": True,
                "priority": 0,
                "latest_version": 1,
                "in_sop": 3,
                "in_sop_capped": False,
                "last_tick_at": "2026-11-20T10:00:00+08:00",
            }
        ],
        "next_offset": None,
    }


def test_list_pages_by_priority_then_id(web: Web) -> None:
    client = web.api("operator")
    assert client.post("/api/v1/sops", json={"source": EVENING_SOP.replace("priority", "x")}).status_code == 200
    urgent = EVENING_SOP.replace("evening-care", "urgent").replace("enabled: false", "priority: 5")
    assert client.post("/api/v1/sops", json={"source": urgent}).status_code == 200
    first = client.get("/api/v1/sops", params={"limit": 2}).json()
    assert [s["id"] for s in first["items"]] == ["urgent", "evening-care"]
    assert first["next_offset"] == 2
    second = client.get("/api/v1/sops", params={"limit": 2, "offset": 2}).json()
    assert [s["id"] for s in second["items"]] == ["welcome"]
    assert second["next_offset"] is None
    assert first["items"][1]["in_sop"] == 0 and first["items"][1]["last_tick_at"] is None


def test_detail_has_source_definition_and_versions(web: Web) -> None:
    client = web.api("operator")
    client.post("/api/v1/sops", json={"source": WELCOME_V2})
    body = client.get("/api/v1/sops/welcome").json()
    assert body["latest_version"] == 2
    assert body["source"] == WELCOME_V2
    assert body["definition"]["steps"][0]["at"] == {"day": 0, "time": "11:00"}
    assert [v["version"] for v in body["versions"]] == [2, 1]
    assert body["in_sop"] == 3
    assert body["enabled"] is True
    assert client.get("/api/v1/sops/nothing-here").status_code == 404


def test_apply_with_a_located_error_writes_nothing(web: Web) -> None:
    client = web.api("operator")
    broken = WELCOME_SOP.replace('time: "10:00"', 'time: "25:00"')
    answer = client.post("/api/v1/sops", json={"source": broken})
    assert answer.status_code == 422
    problems = answer.json()["error"]["problems"]
    assert len(problems) == 1
    assert problems[0]["where"] == "console/welcome.yaml:9: steps[0].at.time"
    assert "25:00" in problems[0]["message"]
    assert client.get("/api/v1/sops/welcome").json()["latest_version"] == 1
    assert audit_of(web, "welcome") == []


def test_apply_of_unreadable_yaml_is_located_too(web: Web) -> None:
    answer = web.api("operator").post("/api/v1/sops", json={"source": "id: [unclosed\n"})
    assert answer.status_code == 422
    assert answer.json()["error"]["problems"][0]["where"].startswith("console/sop.yaml:")


def test_apply_of_a_control_character_is_located(web: Web) -> None:
    answer = web.api("operator").post("/api/v1/sops", json={"source": "id: welcome\nname: 新\u001f客\n"})
    assert answer.status_code == 422
    assert answer.json()["error"]["problems"] == [
        {"where": "console/sop.yaml:2:8", "message": "the character U+001F is not allowed in YAML text"}
    ]


def test_apply_makes_a_new_version_and_audits_it(web: Web) -> None:
    client = web.api("operator")
    answer = client.post("/api/v1/sops", json={"source": WELCOME_V2})
    assert answer.status_code == 200
    body = answer.json()
    assert (body["sop"], body["outcome"], body["version"]) == ("welcome", "updated", 2)
    assert body["applied"] == [{"sop": "welcome", "outcome": "updated", "version": 2}]
    again = client.post("/api/v1/sops", json={"source": WELCOME_V2}).json()
    assert (again["outcome"], again["version"]) == ("unchanged", 2)
    created = client.post("/api/v1/sops", json={"source": EVENING_SOP}).json()
    assert (created["sop"], created["outcome"], created["version"]) == ("evening-care", "created", 1)
    assert audit_of(web, "welcome") == [("operator", "sop.apply", {"version": 2, "outcome": "updated"})]
    assert audit_of(web, "evening-care") == [("operator", "sop.apply", {"version": 1, "outcome": "created"})]


def test_apply_answers_warnings(web: Web) -> None:
    with_image = EVENING_SOP.replace('      - text: "晚上好，{{customer.name}}"', "      - image: assets/night.png")
    body = web.api("operator").post("/api/v1/sops", json={"source": with_image}).json()
    assert body["warnings"] == [
        {
            "where": "console/evening-care.yaml:12: steps[0].content[0].image",
            "message": "material assets/night.png is missing (it must exist before the step sends)",
        }
    ]


def test_versions_and_diff(web: Web) -> None:
    client = web.api("operator")
    client.post("/api/v1/sops", json={"source": WELCOME_V2})
    first = client.get("/api/v1/sops/welcome/versions/1").json()
    assert first["source"] == WELCOME_SOP
    assert (first["version"], first["latest_version"]) == (1, 2)
    diff = client.get("/api/v1/sops/welcome/diff", params={"from": 1, "to": 2}).json()
    assert (diff["from_version"], diff["to_version"]) == (1, 2)
    assert diff["diff"].splitlines() == [
        "--- welcome v1",
        "+++ welcome v2",
        "@@ -6,7 +6,7 @@",
        " reentry: never",
        " steps:",
        "   - id: hello",
        '-    at: {day: 0, time: "10:00"}',
        '+    at: {day: 0, time: "11:00"}',
        "     channel: private",
        "     executor: owner",
        "     mode: remind",
    ]
    assert [line["kind"] for line in diff["lines"]] == [
        "file",
        "file",
        "hunk",
        "same",
        "same",
        "same",
        "del",
        "add",
        "same",
        "same",
        "same",
    ]
    by_default = client.get("/api/v1/sops/welcome/diff").json()
    assert by_default["diff"] == diff["diff"]
    missing = client.get("/api/v1/sops/welcome/versions/3")
    assert missing.status_code == 404
    assert missing.json()["error"]["message"] == "SOP welcome has no version 3 (versions 1 to 2)"
    assert client.get("/api/v1/sops/welcome/diff", params={"from": 0}).status_code == 422


def test_enable_and_disable_are_audited_with_the_version(web: Web) -> None:
    client = web.api("operator")
    off = client.post("/api/v1/sops/welcome/disable")
    assert off.status_code == 200
    assert off.json() == {"sop": "welcome", "enabled": False, "changed": True, "version": 1}
    assert client.post("/api/v1/sops/welcome/disable").json()["changed"] is False
    assert client.get("/api/v1/sops/welcome").json()["enabled"] is False
    on = web.api("admin").post("/api/v1/sops/welcome/enable").json()
    assert (on["enabled"], on["changed"]) == (True, True)
    assert audit_of(web, "welcome") == [
        ("operator", "sop.disable", {"version": 1}),
        ("admin", "sop.enable", {"version": 1}),
    ]
    assert client.post("/api/v1/sops/no-such/enable").status_code == 404


def test_audience_count_and_sample_with_names(web: Web) -> None:
    client = web.api("operator")
    body = client.get("/api/v1/sops/welcome/audience").json()
    assert body["at"] == "2026-11-20T10:30:00+08:00"
    [customers] = body["audiences"]
    assert (customers["name"], customers["target"], customers["count"]) == ("customers", "customer", 3)
    assert sorted((m["id"], m["name"]) for m in customers["sample"]) == [("c1", "陈一"), ("c2", "陈二"), ("c3", "陈三")]
    limited = client.get("/api/v1/sops/welcome/audience", params={"limit": 2}).json()
    assert len(limited["audiences"][0]["sample"]) == 2
    assert limited["audiences"][0]["count"] == 3
    assert client.get("/api/v1/sops/welcome/audience", params={"limit": 0}).status_code == 422


def counts(web: Web) -> tuple[int, int, int, int]:
    [(tasks, changes, entries, enabled)] = sql(
        web.engine,
        "SELECT (SELECT count(*) FROM tasks), (SELECT count(*) FROM task_changes), "
        "(SELECT count(*) FROM sop_entries), (SELECT count(*) FROM sops WHERE enabled)",
    )
    return int(tasks), int(changes), int(entries), int(enabled)


def test_simulation_shows_the_tasks_and_writes_nothing(web: Web) -> None:
    client = web.api("operator")
    client.post("/api/v1/sops", json={"source": EVENING_SOP})
    before = counts(web)
    answer = client.post("/api/v1/sops/evening-care/simulate", json={"days": 2, "every": "1h"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["start"], body["end"], body["ticks"]) == ("2026-11-20T10:30:00+08:00", "2026-11-22T10:30:00+08:00", 49)
    assert body["total"] == 6
    assert body["by_day"] == [{"key": "2026-11-20", "count": 3}, {"key": "2026-11-21", "count": 3}]
    assert body["by_step"] == [{"key": "nightly", "count": 6}]
    assert sorted((t["target"], t["executor"], t["due_at"]) for t in body["tasks"])[:2] == [
        ("c1", "st1", "2026-11-20T20:00:00+08:00"),
        ("c1", "st1", "2026-11-21T20:00:00+08:00"),
    ]
    assert counts(web) == before
    assert client.get("/api/v1/sops/evening-care").json()["enabled"] is False


def test_simulation_input_is_checked(web: Web) -> None:
    client = web.api("operator")
    too_long = client.post("/api/v1/sops/welcome/simulate", json={"days": 32})
    assert too_long.status_code == 422
    assert too_long.json()["error"]["problems"][0]["where"] == "days"
    too_fine = client.post("/api/v1/sops/welcome/simulate", json={"days": 31, "every": "30m"})
    assert too_fine.status_code == 422
    assert too_fine.json()["error"]["problems"] == [
        {"where": "every", "message": "1489 ticks is too many (at most 744); take a longer step"}
    ]
    assert client.post("/api/v1/sops/welcome/simulate", json={"every": "0m"}).status_code == 422
    assert client.post("/api/v1/sops/welcome/simulate", json={"every": "soon"}).status_code == 422
    assert client.post("/api/v1/sops/no-such/simulate").status_code == 404


def test_staff_read_the_list_without_figures(web: Web) -> None:
    body = web.api("staff1").get("/api/v1/sops").json()
    assert [(s["id"], s["name"], s["in_sop"], s["last_tick_at"]) for s in body["items"]] == [
        ("welcome", "新客欢迎", None, None)
    ]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/api/v1/sops/welcome", None),
        ("get", "/api/v1/sops/welcome/versions/1", None),
        ("get", "/api/v1/sops/welcome/diff", None),
        ("get", "/api/v1/sops/welcome/audience", None),
        ("post", "/api/v1/sops/welcome/simulate", {"days": 1}),
        ("post", "/api/v1/sops", {"source": WELCOME_V2}),
        ("post", "/api/v1/sops/welcome/enable", None),
        ("post", "/api/v1/sops/welcome/disable", None),
    ],
)
def test_staff_cannot_manage_sops(web: Web, method: str, path: str, body: object) -> None:
    answer = getattr(web.api("staff2"), method)(path, **({"json": body} if body is not None else {}))
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "forbidden"
    detail = web.api("operator").get("/api/v1/sops/welcome").json()
    assert (detail["latest_version"], detail["enabled"]) == (1, True)
    assert audit_of(web, "welcome") == []


def test_signed_out_callers_are_refused(web: Web) -> None:
    client = web.client()
    assert client.get("/api/v1/sops").status_code == 401
    assert client.post("/api/v1/sops/welcome/simulate").status_code == 401
