"""The editor offers the names that exist in the data as people type a tag, an attribute, an
event type, a role or a staff id, and its warnings are in the reader's language."""

from __future__ import annotations

import re

from tests.support.web import Web


def _options(html: str, kind: str) -> list[str]:
    found = re.search(rf'<datalist id="known-{kind}">(.*?)</datalist>', html, re.S)
    assert found is not None, f"no datalist of {kind}"
    return re.findall(r'<option value="([^"]*)">', found.group(1))


def test_the_editor_offers_tags_events_and_staff_from_the_data(web: Web) -> None:
    page = web.console("operator").get("/sops/welcome/edit")
    assert page.status_code == 200
    html = page.text
    assert "新客" in _options(html, "tag")
    assert {"st1", "st2", "st3"} <= set(_options(html, "staff"))
    assert "导购" in _options(html, "role")
    assert 'list="known-tag"' in html  # the audience's tag input uses it


def test_the_editors_warnings_follow_the_readers_language(web: Web) -> None:
    client = web.console("operator")
    source = "id: w2\nname: w2\nkind: customer\naudience: {tag: 新课}\nsteps:\n  - id: a\n    at: {delay: 1h}\n"
    source += "    channel: private\n    executor: owner\n    content: [{text: hi}]\n"
    chinese = client.post("/sop-editor/yaml", data={"source": source, "origin": ""})
    assert "从未出现在数据中" in chinese.text
    client.get("/lang/en")
    english = client.post("/sop-editor/yaml", data={"source": source, "origin": ""})
    assert "never appears in the data" in english.text
