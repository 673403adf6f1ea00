"""A new password or a disabled account ends every session and API token of that user — the
ones made before the change, whoever made it; tokens made afterwards work."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from siyu.store.tables import api_tokens, users
from tests.support.web import Web, password_of


def _signed_in(web: Web, username: str, password: str) -> TestClient:
    client = web.client()
    answer = client.post("/api/v1/session", json={"username": username, "password": password})
    assert answer.status_code == 200, answer.text
    client.headers["X-CSRF-Token"] = answer.json()["csrf_token"]
    return client


@pytest.mark.parametrize("how", ["api", "console"])
def test_an_admins_password_reset_revokes_the_users_tokens_and_sessions(web: Web, how: str) -> None:
    staff_token = web.api("staff1")
    second = staff_token.post("/api/v1/tokens", json={"name": "crm"}).json()["token"]
    staff_session = web.console("staff1")
    if how == "api":
        changed = web.api("admin").patch("/api/v1/users/staff1", json={"password": "a-new-secret"})
        assert changed.status_code == 200
    else:
        admin = web.console("admin")
        form = {"csrf_token": admin.headers["X-CSRF-Token"], "password": "a-new-secret"}
        assert admin.post("/users/staff1/password", data=form, follow_redirects=False).status_code == 303
    assert staff_token.get("/api/v1/me").status_code == 401
    other = web.client()
    assert other.get("/api/v1/me", headers={"Authorization": f"Bearer {second}"}).status_code == 401
    assert staff_session.get("/api/v1/me").status_code == 401
    with web.engine.connect() as conn:
        left = conn.execute(
            sa.select(sa.func.count())
            .select_from(api_tokens.join(users, users.c.id == api_tokens.c.user_id))
            .where(users.c.username == "staff1", api_tokens.c.revoked_at.is_(None))
        ).scalar_one()
    assert left == 0
    # the others are untouched
    assert web.api("staff2").get("/api/v1/me").status_code == 200


def test_a_token_made_after_the_reset_works(web: Web) -> None:
    web.api("admin").patch("/api/v1/users/staff1", json={"password": "a-new-secret"})
    client = web.client()
    signed = client.post("/api/v1/session", json={"username": "staff1", "password": "a-new-secret"})
    client.headers["X-CSRF-Token"] = signed.json()["csrf_token"]
    fresh = client.post("/api/v1/tokens", json={"name": "after"}).json()["token"]
    assert web.client().get("/api/v1/me", headers={"Authorization": f"Bearer {fresh}"}).status_code == 200


def test_disabling_revokes_tokens_and_enabling_does_not_bring_them_back(web: Web) -> None:
    staff_token = web.api("staff1")
    admin = web.api("admin")
    assert admin.patch("/api/v1/users/staff1", json={"disabled": True}).status_code == 200
    assert staff_token.get("/api/v1/me").status_code == 401
    assert admin.patch("/api/v1/users/staff1", json={"disabled": False}).status_code == 200
    assert staff_token.get("/api/v1/me").status_code == 401
    again = web.client().post("/api/v1/session", json={"username": "staff1", "password": password_of("staff1")})
    assert again.status_code == 200


def test_an_admin_changing_their_own_password_signs_themself_out_too(web: Web) -> None:
    admin = web.console("admin")
    answer = admin.patch("/api/v1/users/admin", json={"password": "admin-new-secret"})
    assert answer.status_code == 200
    assert admin.get("/api/v1/me").status_code == 401
    assert web.api("admin").get("/api/v1/me").status_code == 401
    _signed_in(web, "admin", "admin-new-secret")


def test_other_changes_leave_tokens_alone(web: Web) -> None:
    staff_token = web.api("staff1")
    assert web.api("admin").patch("/api/v1/users/staff1", json={"display_name": "小林"}).status_code == 200
    assert staff_token.get("/api/v1/me").status_code == 200
