"""Text with NUL (U+0000) is refused at the edge with a located 422 (PostgreSQL cannot store it)."""

from __future__ import annotations

from tests.support.web import Web


def test_nul_in_a_json_body_is_refused(web: Web) -> None:
    answer = web.api("operator").post("/api/v1/tokens", json={"name": "a\x00b"})
    assert answer.status_code == 422
    assert answer.json()["error"]["problems"] == [{"where": "body", "message": "text may not contain NUL (U+0000)"}]


def test_nul_in_a_query_is_refused(web: Web) -> None:
    answer = web.api("operator").get("/api/v1/tasks?sop=a%00b")
    assert answer.status_code == 422
    assert answer.json()["error"]["problems"][0]["where"] == "query"


def test_an_escaped_backslash_before_u0000_is_ordinary_text(web: Web) -> None:
    answer = web.api("operator").post(
        "/api/v1/tokens", content=b'{"name": "path\\\\u0000"}', headers={"content-type": "application/json"}
    )
    assert answer.status_code == 201
    assert answer.json()["name"] == "path\\u0000"
