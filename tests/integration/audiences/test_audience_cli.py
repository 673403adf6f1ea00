"""`siyu audience count | sample | query` on a crafted brand, on both databases."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine

from siyu.core.timeutil import US_PER_DAY, to_us
from tests.support.cli import Siyu
from tests.support.dataset import Ev, Group, Person, StaffMember, World

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 22, 9, 30, tzinfo=SHANGHAI)
NOW_TEXT = NOW.isoformat()
Runner = Callable[..., tuple[int, str]]
SCENARIOS = Path(__file__).resolve().parents[3].parent / "shared" / "scenarios" / "sops"


def _brand() -> World:
    now = to_us(NOW)
    customers = [Person(f"c{n}") for n in range(1, 9)]
    customers[0].tags.add("会员")
    customers[1].attributes["gender"] = "female"
    customers[2].birthday = datetime(1990, 11, 22).date()
    return World(
        zone=SHANGHAI,
        staff=[StaffMember("s1", {"导购"}), StaffMember("s2", {"客服"})],
        customers=customers,
        groups=[Group("g1", {"会员群"}, members={"c1", "c2"}), Group("g2", set())],
        events=[
            Ev("e1", "friend_added", now - 10 * US_PER_DAY, "c1"),
            Ev("e2", "friend_added", now - 10 * US_PER_DAY, "c3"),
            Ev("e3", "friend_added", now - 2 * US_PER_DAY, "c4"),
            Ev("e4", "account_bound", now - 1 * US_PER_DAY, "c3"),
        ],
    )


@pytest.fixture
def run(engine: Engine, siyu: Siyu) -> Callable[..., tuple[int, str]]:
    """The CLI on a database holding the crafted brand; returns (exit code, output)."""
    with engine.begin() as conn:
        _brand().write(conn)

    def invoke(*args: str) -> tuple[int, str]:
        result = siyu(*args)
        return result.exit_code, result.output

    return invoke


def test_query_counts_and_lists_ids(run: Runner) -> None:
    code, output = run("audience", "query", "--where", "{in_group: false}", "--now", NOW_TEXT, "--format", "json")
    assert code == 0, output
    assert json.loads(output) == {"target": "customer", "count": 6, "ids": ["c3", "c4", "c5", "c6", "c7", "c8"]}


def test_query_other_target_kinds(run: Runner) -> None:
    _, groups = run("audience", "query", "--kind", "group", "--where", "{tag: 会员群}", "--format", "json")
    assert json.loads(groups)["ids"] == ["g1"]
    _, staff = run("audience", "query", "--kind", "staff", "--where", "{role: 导购}", "--format", "json")
    assert json.loads(staff)["ids"] == ["s1"]


def test_query_with_a_bad_condition_is_located(run: Runner) -> None:
    code, output = run("audience", "query", "--where", "{since: friend_added, days: {gte: soon}}")
    assert code == 1
    assert "--where.days.gte: expected a number, got 'soon'" in output


def test_sop_audiences_from_the_scenario_pack(run: Runner) -> None:
    assert SCENARIOS.is_dir(), f"the scenario pack is missing at {SCENARIOS}"
    assert run("sop", "apply", str(SCENARIOS / "01-unbound-revisit.yaml"), str(SCENARIOS / "06-birthday.yaml"))[0] == 0
    code, output = run("audience", "count", "unbound-revisit", "--now", NOW_TEXT, "--format", "json")
    assert code == 0, output
    assert json.loads(output) == {
        "sop": "unbound-revisit",
        "version": 1,
        "kind": "customer",
        "target": "customer",
        "count": 1,
        "ids": ["c1"],
    }
    _, birthday = run("audience", "count", "birthday", "--now", NOW_TEXT, "--format", "json")
    assert json.loads(birthday)["ids"] == ["c3"]
    _, sample = run("audience", "sample", "birthday", "--limit", "5", "--now", NOW_TEXT, "--format", "json")
    assert json.loads(sample) == {"target": "customer", "count": 1, "ids": ["c3"]}
    code, table = run("audience", "count", "--now", NOW_TEXT)
    assert code == 0
    assert "unbound-revisit" in table
    assert "birthday" in table


def test_unknown_sop(run: Runner) -> None:
    code, output = run("audience", "count", "nope")
    assert code == 1
    assert "no SOP named nope" in output


def test_now_must_have_an_offset(run: Runner) -> None:
    code, output = run("audience", "query", "--where", "{tag: 会员}", "--now", "2026-11-22T10:00:00")
    assert code == 2
    assert "has no offset" in output
