"""The console's user pages (admins only) and everyone's own API tokens page: forms need their
CSRF token, refusals are located, changes are audited, a token's secret is shown once."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.support.web import Web, password_of


def _form_client(web: Web, username: str = "admin") -> tuple[TestClient, str]:
    client = web.console(username)
    return client, client.headers.pop("X-CSRF-Token")


def _user(web: Web, username: str) -> dict[str, object]:
    users = web.api("admin").get("/api/v1/users").json()
    found: dict[str, object] = next(u for u in users if u["username"] == username)
    return found


def _audit(web: Web) -> list[tuple[str, str, str, object]]:
    log = web.api("admin").get("/api/v1/audit", params={"subject_type": "user"}).json()
    return [(e["actor"], e["action"], e["subject_id"], e["detail"]) for e in log]


def test_only_admins_open_the_user_pages(web: Web) -> None:
    for username in ("operator", "staff1"):
        client, token = _form_client(web, username)
        assert client.get("/users").status_code == 403
        assert client.get("/users/staff1").status_code == 403
        refused = client.post(
            "/users", data={"csrf_token": token, "username": "x1", "password": "long-enough", "role": "admin"}
        )
        assert refused.status_code == 403
        assert client.post("/users/staff1/disabled", data={"csrf_token": token, "disabled": "true"}).status_code == 403
    assert _user(web, "staff1")["disabled"] is False
    assert [u["username"] for u in web.api("admin").get("/api/v1/users").json()] == [
        "admin",
        "operator",
        "staff1",
        "staff2",
    ]


def test_the_list_shows_every_user_with_role_and_staff_link(web: Web) -> None:
    page = web.console("admin").get("/users")
    assert page.status_code == 200
    row = re.search(r'<a href="/users/staff2">staff2</a></td>(.*?)</tr>', page.text, re.S)
    assert row is not None
    assert "<td>员工</td>" in row.group(1) and "<td>st2</td>" in row.group(1) and "正常" in row.group(1)


def test_an_admin_adds_a_staff_user_who_can_then_sign_in(web: Web) -> None:
    client, token = _form_client(web)
    answer = client.post(
        "/users",
        data={
            "csrf_token": token,
            "username": "xiaowang",
            "display_name": "小王",
            "password": "very-secret-1",
            "role": "staff",
            "staff": "st3",
            "locale": "zh-CN",
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/users/xiaowang?saved=created"
    assert "用户已添加" in client.get(answer.headers["location"]).text
    assert (_user(web, "xiaowang")["role"], _user(web, "xiaowang")["staff"]) == ("staff", "st3")
    assert _audit(web)[0] == ("admin", "user.create", "xiaowang", {"role": "staff", "staff": "st3"})
    signed_in = web.client().post(
        "/login", data={"username": "xiaowang", "password": "very-secret-1"}, follow_redirects=False
    )
    assert (signed_in.status_code, signed_in.headers["location"]) == (303, "/my/tasks")


def test_a_refused_new_user_is_located_and_the_form_keeps_its_values(web: Web) -> None:
    client, token = _form_client(web)
    answer = client.post(
        "/users",
        data={
            "csrf_token": token,
            "username": "xiaowang",
            "display_name": "小王",
            "password": "short",
            "role": "staff",
        },
    )
    assert answer.status_code == 422
    assert "<code>password</code> at least 8 characters" in answer.text
    assert "<code>staff</code> a staff user must be linked to a staff id" in answer.text
    assert 'name="username" required autocomplete="off" value="xiaowang"' in answer.text
    assert "short" not in answer.text  # a password is never sent back
    unknown = client.post(
        "/users",
        data={"csrf_token": token, "username": "x2", "password": "long-enough", "role": "staff", "staff": "st9"},
    )
    assert "<code>staff</code> no staff member st9" in unknown.text
    bad_role = client.post(
        "/users", data={"csrf_token": token, "username": "x3", "password": "long-enough", "role": "boss"}
    )
    assert "<code>role</code> one of admin, operator, staff" in bad_role.text
    assert [u["username"] for u in web.api("admin").get("/api/v1/users").json()] == [
        "admin",
        "operator",
        "staff1",
        "staff2",
    ]
    assert _audit(web) == []


def test_an_admin_changes_a_role_and_staff_link(web: Web) -> None:
    client, token = _form_client(web)
    answer = client.post(
        "/users/operator",
        data={"csrf_token": token, "role": "staff", "staff": "st3", "display_name": "王店长", "locale": "en"},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    user = _user(web, "operator")
    assert (user["role"], user["staff"], user["display_name"], user["locale"]) == ("staff", "st3", "王店长", "en")
    assert _audit(web)[0] == (
        "admin",
        "user.change",
        "operator",
        {"role": "staff", "staff": "st3", "display_name": "王店长", "locale": "en"},
    )
    refused = client.post("/users/operator", data={"csrf_token": token, "role": "staff", "staff": ""})
    assert refused.status_code == 422
    assert "<code>staff</code> a staff user must be linked to a staff id" in refused.text
    assert _user(web, "operator")["staff"] == "st3"


def test_an_admin_keeps_their_own_admin_role_and_account(web: Web) -> None:
    client, token = _form_client(web)
    demoted = client.post("/users/admin", data={"csrf_token": token, "role": "operator"})
    assert demoted.status_code == 422
    assert "<code>role</code> you cannot take away your own admin role" in demoted.text
    disabled = client.post("/users/admin/disabled", data={"csrf_token": token, "disabled": "true"})
    assert disabled.status_code == 422
    assert (_user(web, "admin")["role"], _user(web, "admin")["disabled"]) == ("admin", False)
    assert "/users/admin/disabled" not in client.get("/users/admin").text


def test_disabling_a_user_ends_their_sessions_and_enabling_lets_them_back(web: Web) -> None:
    staff = web.console("staff1")
    assert staff.get("/my/tasks").status_code == 200
    client, token = _form_client(web)
    answer = client.post(
        "/users/staff1/disabled", data={"csrf_token": token, "disabled": "true"}, follow_redirects=False
    )
    assert answer.headers["location"] == "/users/staff1?saved=disabled"
    assert staff.get("/my/tasks", follow_redirects=False).status_code == 303  # back to the sign-in page
    again = web.client().post("/login", data={"username": "staff1", "password": password_of("staff1")})
    assert again.status_code == 401
    client.post("/users/staff1/disabled", data={"csrf_token": token, "disabled": "false"})
    assert _user(web, "staff1")["disabled"] is False
    assert [a[3] for a in _audit(web)[:2]] == [{"disabled": False}, {"disabled": True}]


def test_an_admin_resets_a_password(web: Web) -> None:
    client, token = _form_client(web)
    short = client.post("/users/staff2/password", data={"csrf_token": token, "password": "short"})
    assert short.status_code == 422 and "<code>password</code> at least 8 characters" in short.text
    done = client.post(
        "/users/staff2/password", data={"csrf_token": token, "password": "a-new-secret"}, follow_redirects=False
    )
    assert done.headers["location"] == "/users/staff2?saved=password"
    signed_in = web.client().post(
        "/login", data={"username": "staff2", "password": "a-new-secret"}, follow_redirects=False
    )
    assert signed_in.status_code == 303
    assert _audit(web)[0] == ("admin", "user.change", "staff2", {"password": "changed"})


def test_every_user_form_needs_its_csrf_token(web: Web) -> None:
    client, _token = _form_client(web)
    for path, data in (
        ("/users", {"username": "x1", "password": "long-enough", "role": "admin"}),
        ("/users/staff1", {"role": "operator"}),
        ("/users/staff1/password", {"password": "long-enough"}),
        ("/users/staff1/disabled", {"disabled": "true"}),
        ("/account/tokens", {"name": "CRM"}),
    ):
        assert client.post(path, data=data).status_code == 403, path
        assert client.post(path, data={**data, "csrf_token": "forged"}).status_code == 403, path
    assert (_user(web, "staff1")["role"], _user(web, "staff1")["disabled"]) == ("staff", False)
    assert _audit(web) == []


def test_a_new_token_is_shown_once_then_only_its_prefix(web: Web) -> None:
    client, token = _form_client(web, "staff1")
    assert '<a class="who" href="/account/tokens"' in client.get("/my/tasks").text  # every page leads there
    made = client.post("/account/tokens", data={"csrf_token": token, "name": "CRM 同步"})
    assert made.status_code == 200
    assert made.headers["cache-control"] == "no-store"
    secret = re.search(r'<pre class="script" id="new-token">(siyu_[^<]+)</pre>', made.text)
    assert secret is not None
    assert 'data-copy="#new-token"' in made.text
    works = web.client().get("/api/v1/me", headers={"Authorization": f"Bearer {secret.group(1)}"})
    assert works.json()["user"]["username"] == "staff1"
    later = client.get("/account/tokens")
    assert secret.group(1) not in later.text
    assert f"<code>{secret.group(1)[:11]}…</code>" in later.text
    assert "CRM 同步" in later.text


def test_a_user_revokes_their_own_token_only(web: Web) -> None:
    client, token = _form_client(web, "staff1")
    client.post("/account/tokens", data={"csrf_token": token, "name": "CRM"})
    mine = web.api("staff1").get("/api/v1/tokens").json()
    crm = next(t for t in mine if t["name"] == "CRM")
    others = web.api("staff2").get("/api/v1/tokens").json()
    refused = client.post(f"/account/tokens/{others[0]['id']}/revoke", data={"csrf_token": token})
    assert refused.status_code == 404
    assert web.api("staff2").get("/api/v1/me").status_code == 200
    revoked = client.post(f"/account/tokens/{crm['id']}/revoke", data={"csrf_token": token}, follow_redirects=False)
    assert revoked.headers["location"] == "/account/tokens?saved=revoked"
    page = client.get(revoked.headers["location"])
    assert "令牌已作废" in page.text and "已作废</span>" in page.text
    state = {t["name"]: t["revoked_at"] for t in web.api("staff1").get("/api/v1/tokens").json()}
    assert state == {"tests": None, "CRM": "2026-11-20T02:30:00+00:00"}


def test_a_token_needs_a_name(web: Web) -> None:
    client, token = _form_client(web, "operator")
    answer = client.post("/account/tokens", data={"csrf_token": token, "name": "  "})
    assert answer.status_code == 422
    assert "<code>name</code> a token needs a name of 1–100 characters" in answer.text
    assert 'id="new-token"' not in answer.text


def test_an_admin_revokes_another_users_token(web: Web) -> None:
    client, token = _form_client(web)
    page = client.get("/users/staff2")
    found = re.search(r'action="/users/staff2/tokens/(\d+)/revoke"', page.text)
    assert found is not None
    path = f"/users/staff2/tokens/{found.group(1)}/revoke"
    answer = client.post(path, data={"csrf_token": token}, follow_redirects=False)
    assert answer.headers["location"] == "/users/staff2?saved=revoked"
    assert web.api("staff2").get("/api/v1/me").status_code == 401
    assert _audit(web)[0] == ("admin", "token.revoke", "staff2", {"token_id": int(found.group(1))})
