"""A small brand behind the web app, with one user per role, for API and console tests.

Brand (zone Asia/Shanghai, clock fixed at 2026-11-20 10:30 local unless moved):
- staff st1 and st2 (role 导购), st3 (role 店长);
- customers c1, c2 (owner st1, tag 新客), c3 (owner st2, tag 新客), c4 (owner st2, no tag);
- group g1 (owner st1) with members c1 and c3;
- the SOP `welcome` (customer, audience tag 新客): a day-0 10:00 private remind by the owner,
  planned by one tick at 10:00, so st1 has two tasks due (c1, c2) and st2 one (c3).
Users (password `password-<username>`): admin, operator, staff1 → st1, staff2 → st2."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from siyu.accounts import users as accounts
from siyu.accounts.users import Role
from siyu.core.timeutil import to_us
from siyu.web.app import create_app
from tests.support.brand import SHANGHAI, Brand, apply_sops, at, run

WELCOME_SOP = """\
id: welcome
name: 新客欢迎
kind: customer
audience: {tag: 新客}
entry: audience
reentry: never
steps:
  - id: hello
    at: {day: 0, time: "10:00"}
    channel: private
    executor: owner
    mode: remind
    content:
      - text: "{{customer.name}} 你好，我是{{staff.name}}，欢迎来到暖柚生活～"
"""

USERS = {
    "admin": (Role.admin, None),
    "operator": (Role.operator, None),
    "staff1": (Role.staff, "st1"),
    "staff2": (Role.staff, "st2"),
}


def password_of(username: str) -> str:
    return f"password-{username}"


@dataclass
class Web:
    engine: Engine
    app: FastAPI
    now: datetime
    tokens: dict[str, str] = field(default_factory=dict)
    _clients: list[TestClient] = field(default_factory=list)

    def set_now(self, local: str) -> None:
        """Move the app's clock to a local moment ('2026-11-20 11:00')."""
        self.now = datetime.fromisoformat(local).replace(tzinfo=SHANGHAI)

    def client(self) -> TestClient:
        client = TestClient(self.app, raise_server_exceptions=True)
        self._clients.append(client)
        return client

    def api(self, username: str) -> TestClient:
        """A client that sends `username`'s API token on every request."""
        client = self.client()
        client.headers["Authorization"] = f"Bearer {self.tokens[username]}"
        return client

    def console(self, username: str) -> TestClient:
        """A client signed in through the console's login form, sending the CSRF header."""
        client = self.client()
        answer = client.post(
            "/login", data={"username": username, "password": password_of(username)}, follow_redirects=False
        )
        assert answer.status_code == 303, answer.text
        me = client.get("/api/v1/me").json()
        client.headers["X-CSRF-Token"] = me["csrf_token"]
        return client

    def close(self) -> None:
        for client in self._clients:
            client.close()


def build_brand(engine: Engine, folder: Path) -> None:
    brand = Brand()
    brand.add_staff("st1", "导购", name="小林")
    brand.add_staff("st2", "导购", name="小周")
    brand.add_staff("st3", "店长", name="王店长")
    brand.add_customer("c1", "st1", name="陈一", tags=("新客",))
    brand.add_customer("c2", "st1", name="陈二", tags=("新客",))
    brand.add_customer("c3", "st2", name="陈三", tags=("新客",))
    brand.add_customer("c4", "st2", name="陈四")
    brand.add_group("g1", "st1", members=("c1", "c3"), name="暖柚宠物群")
    brand.add_event("order_paid", "2026-11-10 12:00", customer="c1", amount=199)
    brand.add_event("order_paid", "2026-11-15 12:00", customer="c3", amount=88)
    brand.write(engine, folder / "brand")
    sop = folder / "welcome.yaml"
    sop.write_text(WELCOME_SOP, encoding="utf-8")
    apply_sops(engine, sop, now=at("2026-11-20 09:00"))
    run(engine, "2026-11-20 10:00")


def make_users(engine: Engine, now_us: int) -> dict[str, str]:
    tokens: dict[str, str] = {}
    with engine.begin() as conn:
        for username, (role, staff) in USERS.items():
            user = accounts.create_user(
                conn,
                username=username,
                password=password_of(username),
                role=role,
                now_us=now_us,
                staff_external_id=staff,
            )
            tokens[username], _ = accounts.create_token(conn, user, name="tests", now_us=now_us)
    return tokens


def web_for(engine: Engine, folder: Path) -> Iterator[Web]:
    build_brand(engine, folder)
    now = datetime(2026, 11, 20, 10, 30, tzinfo=SHANGHAI)
    holder: dict[str, Any] = {}
    app = create_app(engine, clock=lambda: holder["web"].now)
    web = Web(engine, app, now)
    holder["web"] = web
    web.tokens = make_users(engine, to_us(now))
    try:
        yield web
    finally:
        web.close()
