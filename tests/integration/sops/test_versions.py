"""Applying an id again makes version N+1; identical content makes none; every version is kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from siyu.core.errors import NotFoundError, ValidationError
from siyu.sops import repo as sop_service
from tests.integration.sops.scenarios import NOW_US, simple, snapshot, write


def apply(engine: Engine, *paths: Path, now_us: int = NOW_US) -> list[tuple[str, str, int]]:
    with engine.begin() as conn:
        report = sop_service.apply(conn, list(paths), now_us=now_us)
    return [(item.sop_id, item.outcome.value, item.version) for item in report.applied]


def test_versions_increment(engine: Engine, tmp_path: Path) -> None:
    file = write(tmp_path / "hello.yaml", simple(text="你好"))
    assert apply(engine, file) == [("hello", "created", 1)]
    write(file, simple(text="您好"))
    assert apply(engine, file, now_us=NOW_US + 10) == [("hello", "updated", 2)]
    write(file, simple(text="早上好"))
    assert apply(engine, file, now_us=NOW_US + 20) == [("hello", "updated", 3)]

    with engine.begin() as conn:
        latest = sop_service.latest(conn, "hello")
        first = sop_service.version(conn, "hello", 1)
        summary = sop_service.summaries(conn)
    assert (latest.version, latest.latest_version, latest.is_latest) == (3, 3, True)
    assert latest.sop.steps[0].content[0].text == "早上好"  # type: ignore[union-attr]
    assert first.source == simple(text="你好")
    assert first.sop.steps[0].content[0].text == "你好"  # type: ignore[union-attr]
    assert (first.created_at_us, first.updated_at_us, first.is_latest) == (NOW_US, NOW_US + 20, False)
    assert [(s.id, s.latest_version, s.created_at_us, s.updated_at_us) for s in summary] == [
        ("hello", 3, NOW_US, NOW_US + 20)
    ]


def test_identical_content_is_unchanged_and_makes_no_version(engine: Engine, tmp_path: Path) -> None:
    file = write(tmp_path / "hello.yaml", simple())
    apply(engine, file)
    before = snapshot(engine)
    # comments and layout are not content: the canonical definition is the same
    write(file, "# a comment\n" + simple().replace("audience: {tag: 会员}", "audience:\n  tag: 会员"))
    assert apply(engine, file, now_us=NOW_US + 10) == [("hello", "unchanged", 1)]
    assert snapshot(engine) == before


def test_name_enabled_and_priority_follow_the_latest_version(engine: Engine, tmp_path: Path) -> None:
    file = write(tmp_path / "hello.yaml", simple())
    apply(engine, file)
    write(file, simple(name="新名字") + "enabled: false\npriority: 7\n")
    apply(engine, file, now_us=NOW_US + 10)
    with engine.begin() as conn:
        (summary,) = sop_service.summaries(conn)
        assert sop_service.all_latest(conn, enabled_only=True) == []
    assert (summary.name, summary.enabled, summary.priority) == ("新名字", False, 7)


def test_kind_cannot_change(engine: Engine, tmp_path: Path) -> None:
    file = write(tmp_path / "hello.yaml", simple())
    apply(engine, file)
    write(
        file,
        "id: hello\nname: 群\nkind: group\naudience: {tag: 群}\nsteps:\n"
        '  - {id: a, at: {next: "09:00"}, channel: group, executor: group_owner, content: [{text: 早}]}\n',
    )
    with pytest.raises(ValidationError) as caught:
        apply(engine, file)
    assert [str(p) for p in caught.value.problems] == [
        f"{file}:3: kind: SOP hello is a customer SOP; its kind cannot change (use a new id)"
    ]


def test_all_latest_orders_by_priority_then_id(engine: Engine, tmp_path: Path) -> None:
    write(tmp_path / "a.yaml", simple("a-low"))
    write(tmp_path / "b.yaml", simple("b-high") + "priority: 5\n")
    write(tmp_path / "c.yaml", simple("c-low"))
    apply(engine, tmp_path)
    with engine.begin() as conn:
        assert [s.id for s in sop_service.all_latest(conn)] == ["b-high", "a-low", "c-low"]


def test_missing_sop_or_version(engine: Engine, tmp_path: Path) -> None:
    apply(engine, write(tmp_path / "hello.yaml", simple()))
    with engine.begin() as conn:
        with pytest.raises(NotFoundError, match=r"^no SOP named nope$"):
            sop_service.latest(conn, "nope")
        with pytest.raises(NotFoundError, match=r"^no SOP named nope$"):
            sop_service.version(conn, "nope", 1)
        with pytest.raises(NotFoundError, match=r"^SOP hello has no version 2 \(versions 1 to 1\)$"):
            sop_service.version(conn, "hello", 2)


def test_a_list_file_stores_each_sop_with_its_own_source(engine: Engine, tmp_path: Path) -> None:
    one, two = simple("one"), simple("two")
    text = "- " + one.replace("\n", "\n  ").rstrip() + "\n- " + two.replace("\n", "\n  ").rstrip() + "\n"
    file = write(tmp_path / "pair.yaml", text)
    assert apply(engine, file) == [("one", "created", 1), ("two", "created", 1)]
    with engine.begin() as conn:
        assert sop_service.latest(conn, "one").source == one
        stored = sop_service.latest(conn, "two")
    assert stored.source == two
    assert stored.source_file == str(file.resolve())
