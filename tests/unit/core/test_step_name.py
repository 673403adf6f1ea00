"""A step may have a `name` (SOP-FORMAT): the title staff and operators see instead of its id."""

from __future__ import annotations

from siyu.core.sopparse.sop import parse_sop
from siyu.planner.task_content import render_content
from tests.unit.core.sop_samples import messages, sop, step


def test_a_step_name_is_read_and_travels_with_the_task_content() -> None:
    parsed = parse_sop(sop("customer", step(name="售后回访")))
    assert parsed.steps[0].name == "售后回访"
    assert render_content(parsed.steps[0], None, {})["step_name"] == "售后回访"


def test_a_step_without_a_name_shows_its_id() -> None:
    parsed = parse_sop(sop("customer", step()))
    assert parsed.steps[0].name is None
    assert "step_name" not in render_content(parsed.steps[0], None, {})


def test_a_bad_step_name_is_located() -> None:
    assert messages(sop("customer", step(name=""))) == ["steps[0].name: expected text, got nothing"]
    assert messages(sop("customer", step(name="名" * 101))) == ["steps[0].name: at most 100 characters, got 101"]
