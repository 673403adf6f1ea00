"""The API docs at /docs work with no internet: Swagger UI is served from /static, no CDN."""

from __future__ import annotations

import re

from tests.support.web import Web


def test_docs_page_loads_only_from_this_server(web: Web) -> None:
    client = web.client()
    page = client.get("/docs")
    assert page.status_code == 200
    assert re.findall(r"https?://", page.text) == []
    for asset in re.findall(r'(?:href|src)="(/static/[^"]+)"', page.text):
        assert client.get(asset).status_code == 200, asset
    assert "/static/swagger-ui/swagger-ui-bundle.js" in page.text
    assert client.get("/api/v1/openapi.json").json()["info"]["title"] == "siyu API"
