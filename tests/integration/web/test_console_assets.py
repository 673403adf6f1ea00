"""Every page links an icon, and every asset a console page links is served: a browser asks for
/favicon.ico when a page names no icon, and a 404 shows as an error in its console."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.support.web import Web

LINKED = re.compile(r'(?:href|src)="(/static/[^"?#]+)"')


def assets_of(client: TestClient, path: str) -> set[str]:
    page = client.get(path)
    assert page.status_code == 200, path
    return set(LINKED.findall(page.text))


def test_every_page_names_the_svg_icon_which_is_served(web: Web) -> None:
    for client, path in (
        (web.client(), "/login"),
        (web.console("operator"), "/"),
        (web.console("staff1"), "/my/tasks"),
    ):
        html = client.get(path).text
        assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html, path
    icon = web.client().get("/static/favicon.svg")
    assert icon.status_code == 200
    assert icon.headers["content-type"] == "image/svg+xml"
    assert icon.text.startswith("<svg ")


def test_every_asset_the_console_pages_link_is_served(web: Web) -> None:
    operator = web.console("operator")
    linked = assets_of(web.client(), "/login")
    for path in ("/", "/sops", "/sops/welcome", "/sops/new", "/customers", "/customers/c1", "/imports", "/settings"):
        linked |= assets_of(operator, path)
    linked |= assets_of(web.console("admin"), "/users")
    linked |= assets_of(web.console("staff1"), "/my/tasks")
    assert {"/static/favicon.svg", "/static/siyu.css", "/static/htmx-2.0.11.min.js", "/static/editor.js"} <= linked
    client = web.client()
    missing = {asset: client.get(asset).status_code for asset in sorted(linked)}
    assert {asset: status for asset, status in missing.items() if status != 200} == {}
