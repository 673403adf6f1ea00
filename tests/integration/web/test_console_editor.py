"""The SOP editor page: form and YAML kept in sync through the server, located problems, the
audience preview and simulation, saving (with or without switching on, audited), for operators
and admins only."""

from __future__ import annotations

import html
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from siyu.core.yamlsource import load_sops, load_yaml
from siyu.sops.yaml_writer import same
from siyu.store.tables import metadata, sop_versions, sops
from tests.support.brand import Brand
from tests.support.html_form import form_fields, fragment_fields
from tests.support.web import Web

EXAMPLES = Path(__file__).parents[3] / "examples" / "sops"
TEXTAREA = re.compile(r'<textarea id="yaml-source"[^>]*>\n?(.*?)</textarea>', re.S)


def yaml_in(page: str) -> str:
    found = TEXTAREA.search(page)
    assert found is not None, page[:500]
    return html.unescape(found.group(1))


def every_row(engine: Engine) -> dict[str, list[str]]:
    with engine.begin() as conn:
        return {
            table.name: sorted(json.dumps(list(row), default=str) for row in conn.execute(sa.select(table)))
            for table in metadata.sorted_tables
        }


def page_fields(web: Web, path: str) -> tuple[Any, dict[str, str]]:
    client = web.console("operator")
    answer = client.get(path)
    assert answer.status_code == 200, answer.text[:300]
    return client, form_fields(answer.text, "editor")


def test_every_template_goes_through_the_form_unchanged(web: Web) -> None:
    client = web.console("operator")
    for path in sorted(EXAMPLES.glob("*.yaml")):
        for index, loaded in enumerate(load_sops(path.read_text(encoding="utf-8"), path.name)):
            key = path.stem if index == 0 else f"{path.stem}:{loaded.raw['id']}"
            page = client.get("/sops/new", params={"template": key})
            assert page.status_code == 200, key
            fields = form_fields(page.text, "editor")
            answer = client.post("/sop-editor/form", data=fields)
            assert answer.status_code == 200
            again, _, _ = load_yaml(yaml_in(answer.text), "again.yaml")
            assert same(again, loaded.raw), key


def test_form_fields_become_yaml(web: Web) -> None:
    client, fields = page_fields(web, "/sops/new")
    fields.update(
        {
            "id": "birthday-wish",
            "name": "生日祝福",
            "audience.type": "birthday",
            "reentry": "always",
            "steps.0.id": "wish",
            "steps.0.at.time": "09:00",
            "steps.0.content.0.value": "生日快乐，{{customer.name}}！",
        }
    )
    answer = client.post("/sop-editor/form", data=fields)
    assert answer.status_code == 200
    assert yaml_in(answer.text) == (
        "id: birthday-wish\n"
        "name: 生日祝福\n"
        "kind: customer\n"
        "audience: {birthday: today}\n"
        "entry: audience\n"
        "reentry: always\n"
        "steps:\n"
        "  - id: wish\n"
        '    at: {day: 0, time: "09:00"}\n'
        "    channel: private\n"
        "    executor: owner\n"
        "    mode: remind\n"
        "    content:\n"
        '      - text: "生日快乐，{{customer.name}}！"\n'
    )
    assert 'data-ok="true"' in answer.text
    assert answer.headers.get("HX-Trigger") == "audience-changed"  # the blank page had no audience
    assert 'id="form-panel"' not in answer.text  # typing keeps the form as it is (and the focus)


def test_a_button_answers_the_rerendered_form(web: Web) -> None:
    client, fields = page_fields(web, "/sops/new?template=06-birthday")
    answer = client.post("/sop-editor/form", data={**fields, "op": "add:steps"})
    form = fragment_fields(
        answer.text.split('id="form-panel"', 1)[1].split("</textarea>", 1)[0] if False else answer.text
    )
    assert form["steps.1.id"] == "step-2"
    assert "  - id: step-2\n" in yaml_in(answer.text)
    assert "HX-Trigger" not in answer.headers  # the audience did not change


def test_yaml_edits_rerender_the_form(web: Web) -> None:
    client, fields = page_fields(web, "/sops/new?template=06-birthday")
    source = (
        fields["source"]
        .replace("name: 会员生日祝福", "name: 生日关怀")
        .replace("{birthday: today}", "{birthday: this_week}")
    )
    answer = client.post("/sop-editor/yaml", data={**fields, "source": source, "last": "yaml"})
    assert answer.status_code == 200
    form = fragment_fields(answer.text)
    assert (form["name"], form["audience.type"], form["audience.period"]) == ("生日关怀", "birthday", "this_week")
    assert "yaml-source" not in answer.text  # the YAML being typed is left alone
    assert answer.headers.get("HX-Trigger") == "audience-changed"


def test_invalid_yaml_keeps_the_form_and_shows_the_located_problem(web: Web) -> None:
    client, fields = page_fields(web, "/sops/new?template=06-birthday")
    source = fields["source"].replace('time: "09:00"}', 'time: "09:00"')
    answer = client.post("/sop-editor/yaml", data={**fields, "source": source})
    assert answer.status_code == 200
    assert 'id="form-panel"' not in answer.text
    assert 'data-testid="form-stale"' in answer.text
    found = re.findall(
        r'data-testid="problem" data-line="(\d+)" data-path="">\s*<code>[^<]*</code>\s*([^<]*)', answer.text
    )
    assert [(line, html.unescape(message).strip()[:20]) for line, message in found] == [("12", "expected ',' or '}',")]


def test_a_valid_mapping_with_problems_still_updates_the_form(web: Web) -> None:
    client, fields = page_fields(web, "/sops/new?template=06-birthday")
    source = fields["source"].replace('time: "09:00"', 'time: "9 点"')
    answer = client.post("/sop-editor/yaml", data={**fields, "source": source})
    assert fragment_fields(answer.text)["steps.0.at.time"] == "9 点"
    found = re.findall(r'data-testid="problem" data-line="(\d+)" data-path="([^"]*)"', answer.text)
    assert found == [("11", "steps[0].at.time")]


def test_preview_counts_the_audience_of_the_form(web: Web, tmp_path: Path) -> None:
    brand = Brand()
    brand.add_customer("c5", "st1", name="寿星", birthday=date(1990, 11, 20))
    brand.write(web.engine, tmp_path / "more")
    client, fields = page_fields(web, "/sops/new?template=06-birthday")
    answer = client.post("/sop-editor/preview", data=fields)
    assert re.findall(r'data-testid="preview-member" data-id="([^"]+)"', answer.text) == ["c5"]
    assert '<span class="stat" data-testid="preview-count">1</span>' in answer.text
    # the form was edited last: its fields count, not the (older) YAML text
    edited = {**fields, "audience.type": "tag", "audience.name": "新客", "last": "form"}
    answer = client.post("/sop-editor/preview", data=edited)
    assert sorted(re.findall(r'data-testid="preview-member" data-id="([^"]+)"', answer.text)) == ["c1", "c2", "c3"]


def test_simulation_shows_the_days_ahead_and_stores_nothing(web: Web) -> None:
    client, fields = page_fields(web, "/sops/new")
    fields.update(
        {
            "id": "greet",
            "name": "问候",
            "audience.type": "tag",
            "audience.name": "新客",
            "steps.0.at.time": "11:00",
            "steps.0.content.0.value": "你好",
            "last": "form",
            "days": "3",
        }
    )
    before = every_row(web.engine)
    answer = client.post("/sop-editor/simulate", data=fields)
    assert answer.status_code == 200, answer.text[:300]
    assert re.findall(r'data-testid="simulation-result" data-total="(\d+)"', answer.text) == ["3"]
    assert re.findall(r'data-testid="simulation-day" data-date="([^"]+)" data-count="(\d+)"', answer.text) == [
        ("2026-11-20", "3")
    ]
    assert every_row(web.engine) == before


def test_save_and_enable_makes_a_version_switches_it_on_and_audits(web: Web) -> None:
    client, fields = page_fields(web, "/sops/new?template=06-birthday")
    answer = client.post("/sop-editor/save", data={**fields, "enable": "1"}, headers={"HX-Request": "true"})
    assert answer.status_code == 200
    assert answer.headers["HX-Redirect"] == "/sops/birthday"
    with web.engine.begin() as conn:
        row = conn.execute(sa.select(sops.c.enabled, sops.c.latest_version).where(sops.c.id == "birthday")).one()
        source = conn.execute(sa.select(sop_versions.c.source).where(sop_versions.c.sop_id == "birthday")).scalar_one()
    assert (row.enabled, row.latest_version) == (True, 1)
    assert source == (EXAMPLES / "06-birthday.yaml").read_text(encoding="utf-8")
    log = web.api("admin").get("/api/v1/audit", params={"subject_type": "sop"}).json()
    assert [(e["actor"], e["action"], e["subject_id"], e["detail"]) for e in log] == [
        ("operator", "sop.enable", "birthday", {"version": 1}),
        ("operator", "sop.apply", "birthday", {"version": 1, "outcome": "created"}),
    ]


def test_save_keeps_a_new_sop_switched_off(web: Web) -> None:
    client, fields = page_fields(web, "/sops/new?template=06-birthday")
    answer = client.post("/sop-editor/save", data={**fields, "enable": "0"}, follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/sops/birthday"
    with web.engine.begin() as conn:
        assert conn.execute(sa.select(sops.c.enabled).where(sops.c.id == "birthday")).scalar_one() is False
    log = web.api("admin").get("/api/v1/audit", params={"subject_type": "sop"}).json()
    assert [e["action"] for e in log] == ["sop.apply"]


def test_editing_makes_a_new_version_of_the_latest(web: Web) -> None:
    client, fields = page_fields(web, "/sops/welcome/edit")
    assert (fields["id"], fields["origin"]) == ("welcome", "sop:welcome")
    fields.update({"name": "新客欢迎（改）", "last": "form"})
    answer = client.post("/sop-editor/save", data=fields, headers={"HX-Request": "true"})
    assert answer.headers["HX-Redirect"] == "/sops/welcome"
    with web.engine.begin() as conn:
        row = conn.execute(
            sa.select(sops.c.name, sops.c.enabled, sops.c.latest_version).where(sops.c.id == "welcome")
        ).one()
    assert tuple(row) == ("新客欢迎（改）", True, 2)


def test_save_refuses_a_draft_with_problems_and_writes_nothing(web: Web) -> None:
    client, fields = page_fields(web, "/sops/new")
    before = every_row(web.engine)
    answer = client.post("/sop-editor/save", data={**fields, "enable": "1"}, headers={"HX-Request": "true"})
    assert answer.status_code == 200
    assert 'data-testid="save-refused"' in answer.text and "HX-Redirect" not in answer.headers
    assert "missing required key: id" in answer.text
    plain = client.post("/sop-editor/save", data={**fields, "enable": "1"})
    assert plain.status_code == 422 and 'data-testid="editor"' in plain.text
    assert every_row(web.engine) == before


def test_a_kind_change_is_refused_at_its_line(web: Web) -> None:
    client, fields = page_fields(web, "/sops/welcome/edit")
    source = (
        "id: welcome\nname: 群欢迎\nkind: group\naudience: {tag: 会员群}\nsteps:\n  - id: hi\n"
        "    at: {on: member_joined}\n    channel: group\n    executor: group_owner\n    content: [{text: 欢迎}]\n"
    )
    answer = client.post("/sop-editor/yaml", data={**fields, "source": source})
    assert re.findall(r'data-testid="problem" data-line="(\d+)" data-path="kind"', answer.text) == ["3"]
    assert fragment_fields(answer.text)["kind"] == "group"  # the form shows what the YAML says


def test_unknown_sop_or_template_is_404(web: Web) -> None:
    client = web.console("operator")
    assert client.get("/sops/nope/edit").status_code == 404
    assert client.get("/sops/new", params={"template": "99-nothing"}).status_code == 404


def test_staff_cannot_open_or_use_the_editor(web: Web) -> None:
    client = web.console("staff1")
    assert client.get("/sops/new").status_code == 403
    assert client.get("/sops/welcome/edit").status_code == 403
    for path in ("form", "yaml", "preview", "simulate", "save"):
        assert client.post(f"/sop-editor/{path}", data={"source": "id: x"}).status_code == 403
    anonymous = web.client().get("/sops/new", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")


def test_requests_that_answer_the_form_or_yaml_queue_on_the_editor(web: Web) -> None:
    """Out-of-order answers put back what the person had just changed (seen under load): the text
    syncs and everything in the form panel (structural selects, buttons) share one queue; the
    browser test proves the behaviour, this pins the wiring of every editor page."""
    client = web.console("operator")
    for path in ("/sops/new", "/sops/new?template=12-new-friend-onboarding", "/sops/welcome/edit"):
        page = client.get(path).text
        assert re.search(r'<div hidden hx-post="/sop-editor/form" [^>]*hx-sync="#editor:queue all"', page), path
        assert re.search(r'<div hidden hx-post="/sop-editor/yaml" [^>]*hx-sync="#editor:queue all"', page), path
        assert '<section data-panel="form" role="tabpanel" hx-sync="#editor:queue all">' in page, path
        panel = page.split('<section data-panel="form"', 1)[1].split('<section data-panel="yaml"', 1)[0]
        assert 'hx-post="/sop-editor/form"' in panel  # the structural selects and buttons inherit it
        side = page.split('<aside class="editor-side', 1)[1]
        assert "hx-sync" not in side  # saving, the preview and a simulation do not hold the form up
        assert '<script src="/static/editor.js" defer></script>' in page
    script = client.get("/static/editor.js").text
    assert 'document.addEventListener("htmx:beforeRequest"' in script and "panel.inert = on" in script
