"""The API's draft check and apply carry names the data has never had as located `warnings`
with the closest existing names, in the caller's language; `?strict=true` refuses the apply
(422) and stores nothing."""

from __future__ import annotations

import sqlalchemy as sa

from siyu.store.tables import sops
from tests.support.web import Web

SOP = """\
id: pets
name: 宠物关怀
kind: customer
audience: {tag: 宠物住}
steps:
  - id: hello
    at: {day: 0, time: "10:00"}
    channel: private
    executor: owner
    content:
      - text: 你好
"""


def seed_tag(web: Web) -> None:
    with web.engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO customers (id, external_id, name, created_at, updated_at) VALUES (9001, 'x', 'x', 0, 0)"
            )
        )
        conn.execute(sa.text("INSERT INTO customer_tags (customer_id, tag) VALUES (9001, '宠物主')"))


def test_validate_and_apply_warn_of_a_misspelt_tag(web: Web) -> None:
    seed_tag(web)
    api = web.api("operator")
    checked = api.post("/api/v1/sop-drafts/validate", json={"source": SOP})
    assert checked.status_code == 200
    assert checked.json()["ok"] is True
    assert checked.json()["warnings"] == [
        {
            "where": "draft.yaml:4: audience.tag",
            "message": "标签「宠物住」从未出现在数据中；是否想写：宠物主？",
            "line": 4,
            "path": "audience.tag",
        }
    ]
    api.cookies.set("siyu_lang", "en")
    applied = api.post("/api/v1/sops", json={"source": SOP})
    assert applied.status_code == 200, applied.text
    assert applied.json()["outcome"] == "created"
    assert applied.json()["warnings"] == [
        {
            "where": "console/pets.yaml:4: audience.tag",
            "message": "tag 宠物住 never appears in the data; did you mean 宠物主?",
        }
    ]


def test_strict_apply_refuses_and_stores_nothing(web: Web) -> None:
    seed_tag(web)
    refused = web.api("operator").post("/api/v1/sops?strict=true", json={"source": SOP})
    assert refused.status_code == 422
    assert "宠物住" in refused.text
    with web.engine.begin() as conn:
        assert conn.execute(sa.select(sops.c.id).where(sops.c.id == "pets")).first() is None


def test_known_names_give_no_warnings(web: Web) -> None:
    seed_tag(web)
    answer = web.api("operator").post("/api/v1/sop-drafts/validate", json={"source": SOP.replace("宠物住", "宠物主")})
    assert answer.json()["warnings"] == []
