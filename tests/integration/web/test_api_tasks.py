"""Task endpoints: filters, paging, done / skip with history and audit, staff see only their own."""

from __future__ import annotations

from tests.support.web import Web


def test_operator_lists_every_task_due_today(web: Web) -> None:
    answer = web.api("operator").get("/api/v1/tasks", params={"today": True})
    assert answer.status_code == 200
    body = answer.json()
    assert sorted((t["target"], t["executor"], t["status"]) for t in body["items"]) == [
        ("c1", "st1", "due"),
        ("c2", "st1", "due"),
        ("c3", "st2", "due"),
    ]
    assert body["next_offset"] is None
    assert body["items"][0]["content"]["items"][0]["text"].endswith("欢迎来到暖柚生活～")


def test_pages_follow_next_offset(web: Web) -> None:
    client = web.api("operator")
    first = client.get("/api/v1/tasks", params={"limit": 2}).json()
    assert len(first["items"]) == 2 and first["next_offset"] == 2
    second = client.get("/api/v1/tasks", params={"limit": 2, "offset": first["next_offset"]}).json()
    assert [t["id"] for t in second["items"]] and second["next_offset"] is None
    assert not {t["id"] for t in first["items"]} & {t["id"] for t in second["items"]}


def test_staff_sees_only_their_own_tasks_whatever_the_filter(web: Web) -> None:
    client = web.api("staff2")
    mine = client.get("/api/v1/tasks").json()["items"]
    assert [(t["target"], t["executor"]) for t in mine] == [("c3", "st2")]
    asked_for_others = client.get("/api/v1/tasks", params={"staff": "st1"}).json()["items"]
    assert [t["executor"] for t in asked_for_others] == ["st2"]


def test_staff_cannot_read_or_change_another_staffs_task(web: Web) -> None:
    others = web.api("operator").get("/api/v1/tasks", params={"staff": "st1"}).json()["items"]
    client = web.api("staff2")
    for answer in (
        client.get(f"/api/v1/tasks/{others[0]['id']}"),
        client.post(f"/api/v1/tasks/{others[0]['id']}/done"),
        client.post(f"/api/v1/tasks/{others[0]['id']}/skip", json={"reason": "x"}),
    ):
        assert answer.status_code == 404
        assert answer.json()["error"]["code"] == "not_found"
    still = web.api("operator").get(f"/api/v1/tasks/{others[0]['id']}").json()
    assert still["status"] == "due"


def test_done_is_recorded_in_history_and_audit(web: Web) -> None:
    client = web.api("staff1")
    task = client.get("/api/v1/tasks").json()["items"][0]
    done = client.post(f"/api/v1/tasks/{task['id']}/done")
    assert done.status_code == 200
    assert done.json()["status"] == "done"
    assert done.json()["history"][-1]["actor"] == "user:staff1"
    log = web.api("operator").get("/api/v1/audit", params={"subject_type": "task"}).json()
    assert [(e["actor"], e["action"], e["subject_id"]) for e in log] == [("staff1", "task.done", str(task["id"]))]
    again = client.post(f"/api/v1/tasks/{task['id']}/done")
    assert again.status_code == 422
    assert again.json()["error"]["problems"][0]["where"] == f"task {task['id']}"


def test_skip_needs_a_reason(web: Web) -> None:
    client = web.api("staff1")
    task = client.get("/api/v1/tasks").json()["items"][0]
    refused = client.post(f"/api/v1/tasks/{task['id']}/skip", json={"reason": ""})
    assert refused.status_code == 422
    assert refused.json()["error"]["problems"][0]["where"] == "reason"
    skipped = client.post(f"/api/v1/tasks/{task['id']}/skip", json={"reason": "客户在外地"})
    assert skipped.json()["status"] == "skipped"
    assert skipped.json()["reason"] == "客户在外地"


def test_filters_are_validated_with_their_location(web: Web) -> None:
    client = web.api("operator")
    naive = client.get("/api/v1/tasks", params={"due_before": "2026-11-21T00:00:00"})
    assert naive.status_code == 422
    assert naive.json()["error"]["problems"][0]["where"] == "due_before"
    bad_status = client.get("/api/v1/tasks", params={"status": "finished"})
    assert bad_status.status_code == 422
    assert bad_status.json()["error"]["problems"][0]["where"] == "query.status"
    too_many = client.get("/api/v1/tasks", params={"limit": 501})
    assert too_many.json()["error"]["problems"][0]["where"] == "query.limit"
