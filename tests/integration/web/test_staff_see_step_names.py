"""Staff see a step by its `name` (SOP-FORMAT) on their phone — the task list, the batch card
and the batch page — and by "步骤 <id>" when it has none."""

from __future__ import annotations

from pathlib import Path

from siyu.core.timeutil import to_us
from siyu.sops import repo as sop_service
from tests.support.web import WELCOME_SOP, Web


def _name_the_step(web: Web) -> None:
    named = WELCOME_SOP.replace("  - id: hello\n", "  - id: hello\n    name: 新客欢迎语\n")
    with web.engine.begin() as conn:
        sop_service.apply_text(conn, named, Path("welcome.yaml"), now_us=to_us(web.now))


def test_without_a_name_the_step_shows_its_id(web: Web) -> None:
    page = web.console("staff1").get("/my/tasks", params={"view": "each"})
    assert "步骤 hello · 私聊" in page.text


def test_a_named_step_shows_its_name_in_the_list_the_batch_card_and_the_batch_page(web: Web) -> None:
    _name_the_step(web)
    client = web.console("staff1")
    each = client.get("/my/tasks", params={"view": "each"})
    assert "新客欢迎语 · 私聊" in each.text and "步骤 hello" not in each.text
    batches = client.get("/my/tasks")
    assert "新客欢迎语 · 私聊" in batches.text
    batch_link = batches.text.split('href="/my/tasks/batches/')[1].split('"')[0]
    batch = client.get(f"/my/tasks/batches/{batch_link}")
    assert batch.status_code == 200 and "新客欢迎语" in batch.text
