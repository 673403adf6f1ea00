"""Signing in: tokens, sessions with CSRF, roles, throttling, revoked tokens."""

from __future__ import annotations

from tests.support.web import Web, password_of


def test_no_credentials_is_401_with_the_error_shape(web: Web) -> None:
    answer = web.client().get("/api/v1/tasks")
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "unauthenticated"


def test_unknown_token_is_refused(web: Web) -> None:
    answer = web.client().get("/api/v1/me", headers={"Authorization": "Bearer siyu_not-a-token"})
    assert answer.status_code == 401


def test_me_tells_the_role_and_staff_link(web: Web) -> None:
    user = web.api("staff1").get("/api/v1/me").json()["user"]
    assert (user["role"], user["staff"]) == ("staff", "st1")


def test_session_changes_need_the_csrf_token(web: Web) -> None:
    client = web.console("staff1")
    task = client.get("/api/v1/tasks").json()["items"][0]
    del client.headers["X-CSRF-Token"]
    refused = client.post(f"/api/v1/tasks/{task['id']}/done")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["error"]["message"]
    wrong = client.post(f"/api/v1/tasks/{task['id']}/done", headers={"X-CSRF-Token": "forged"})
    assert wrong.status_code == 403
    token = client.get("/api/v1/me").json()["csrf_token"]
    assert client.post(f"/api/v1/tasks/{task['id']}/done", headers={"X-CSRF-Token": token}).status_code == 200


def test_staff_and_operator_cannot_manage_users(web: Web) -> None:
    for username in ("staff1", "operator"):
        answer = web.api(username).get("/api/v1/users")
        assert answer.status_code == 403
        assert answer.json()["error"]["code"] == "forbidden"
    assert web.api("admin").get("/api/v1/users").status_code == 200


def test_admin_adds_a_staff_user_who_can_sign_in(web: Web) -> None:
    admin = web.api("admin")
    bad = admin.post("/api/v1/users", json={"username": "xiaozhou", "password": "long-enough", "role": "staff"})
    assert bad.status_code == 422
    assert bad.json()["error"]["problems"][0]["where"] == "staff"
    made = admin.post(
        "/api/v1/users", json={"username": "xiaozhou", "password": "long-enough", "role": "staff", "staff": "st3"}
    )
    assert made.status_code == 201
    signed_in = web.client().post("/api/v1/session", json={"username": "xiaozhou", "password": "long-enough"})
    assert signed_in.status_code == 200
    assert signed_in.json()["user"]["staff"] == "st3"
    log = admin.get("/api/v1/audit", params={"subject_type": "user", "subject_id": "xiaozhou"}).json()
    assert [e["action"] for e in log] == ["user.create"]


def test_repeated_failures_are_throttled(web: Web) -> None:
    client = web.client()
    for _ in range(5):
        answer = client.post("/api/v1/session", json={"username": "staff1", "password": "wrong"})
        assert answer.status_code == 401
    throttled = client.post("/api/v1/session", json={"username": "staff1", "password": password_of("staff1")})
    assert throttled.status_code == 429
    assert int(throttled.headers["Retry-After"]) > 0
    web.set_now("2026-11-20 10:46")
    assert (
        client.post("/api/v1/session", json={"username": "staff1", "password": password_of("staff1")}).status_code
        == 200
    )


def test_a_revoked_token_stops_working(web: Web) -> None:
    client = web.api("operator")
    made = client.post("/api/v1/tokens", json={"name": "CRM sync"})
    assert made.status_code == 201
    secret = made.json()["token"]
    other = web.client()
    other.headers["Authorization"] = f"Bearer {secret}"
    assert other.get("/api/v1/me").status_code == 200
    assert client.delete(f"/api/v1/tokens/{made.json()['id']}").status_code == 204
    assert other.get("/api/v1/me").status_code == 401
    assert all(t["prefix"] != secret for t in client.get("/api/v1/tokens").json())


def test_a_staff_user_whose_staff_member_is_gone_sees_nothing(web: Web) -> None:
    with web.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE users SET staff_id = NULL WHERE username = 'staff1'")
    for path in ("/api/v1/tasks", "/api/v1/customers", "/api/v1/me"):
        answer = web.api("staff1").get(path)
        assert answer.status_code == 403, path
        assert "no longer linked" in answer.json()["error"]["message"]


def test_a_tokens_last_use_is_recorded_by_reading_requests_too(web: Web) -> None:
    client = web.api("operator")
    assert client.get("/api/v1/me").status_code == 200
    used = [t["last_used_at"] for t in client.get("/api/v1/tokens").json() if t["name"] == "tests"]
    assert used == ["2026-11-20T02:30:00+00:00"]  # the app's clock, 10:30 in Shanghai
