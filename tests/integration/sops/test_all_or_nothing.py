"""A batch is validated whole before anything is written, and written in one transaction."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from siyu.core.errors import ValidationError
from siyu.sops import repo as sop_service
from siyu.store.tables import customer_attributes, customer_tags, customers
from tests.integration.sops.scenarios import NOW_US, simple, snapshot, write


def test_one_bad_file_leaves_the_database_exactly_as_before(engine: Engine, tmp_path: Path) -> None:
    write(tmp_path / "old.yaml", simple("old", text="旧"))
    with engine.begin() as conn:
        sop_service.apply(conn, [tmp_path], now_us=NOW_US)
    before = snapshot(engine)

    write(tmp_path / "old.yaml", simple("old", text="新"))  # would be version 2
    write(tmp_path / "new.yaml", simple("new"))  # would be created
    bad = write(tmp_path / "zz-bad.yaml", simple("bad").replace('"10:00"', '"25:00"'))
    with engine.begin() as conn, pytest.raises(ValidationError) as caught:
        sop_service.apply(conn, [tmp_path], now_us=NOW_US + 1)
    assert [str(p) for p in caught.value.problems] == [
        f"{bad}:7: steps[0].at.time: expected a time \"HH:MM\" from 00:00 to 23:59, got '25:00'"
    ]
    assert snapshot(engine) == before


def test_a_failure_while_writing_rolls_everything_back(engine: Engine, tmp_path: Path) -> None:
    """Validation passes but the kind check of the second SOP fails: the first is not written either."""
    write(tmp_path / "a.yaml", simple("a"))
    with engine.begin() as conn:
        sop_service.apply(conn, [tmp_path / "a.yaml"], now_us=NOW_US)
    before = snapshot(engine)
    write(tmp_path / "b.yaml", simple("b"))
    write(
        tmp_path / "a.yaml",
        simple("a")
        .replace("kind: customer", "kind: moments")
        .replace("audience: {tag: 会员}\n", "")
        .replace("channel: private", "channel: moments")
        .replace("owner", "self"),
    )
    with engine.begin() as conn, pytest.raises(ValidationError, match="its kind cannot change"):
        sop_service.apply(conn, [tmp_path], now_us=NOW_US + 1)
    assert snapshot(engine) == before


def test_the_same_id_twice_in_one_call_is_an_error(engine: Engine, tmp_path: Path) -> None:
    first = write(tmp_path / "a.yaml", simple("twin"))
    second = write(tmp_path / "b.yaml", simple("twin", text="另一个"))
    with engine.begin() as conn, pytest.raises(ValidationError) as caught:
        sop_service.apply(conn, [tmp_path], now_us=NOW_US)
    assert [str(p) for p in caught.value.problems] == [f"{second}:1: id: SOP id twin is also defined at {first}:1"]
    assert snapshot(engine) == ([], [])


def test_missing_paths_and_empty_directories(engine: Engine, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with engine.begin() as conn, pytest.raises(ValidationError) as caught:
        sop_service.apply(conn, [tmp_path / "nope.yaml", tmp_path / "empty"], now_us=NOW_US)
    assert [str(p) for p in caught.value.problems] == [
        f"{tmp_path / 'nope.yaml'}: no such file or directory",
        f"{tmp_path / 'empty'}: no SOP files (*.yaml, *.yml) in this directory",
    ]


def test_warnings_for_missing_materials_and_unknown_attributes(engine: Engine, tmp_path: Path) -> None:
    text = simple(text="{{customer.pet_name}} {{customer.vip_level}}") + "      - image: assets/qr.png\n"
    file = write(tmp_path / "w.yaml", text)
    with engine.begin() as conn:
        conn.execute(sa.insert(customers).values(id=1, external_id="c1", name="王", created_at=0, updated_at=0))
        conn.execute(
            sa.insert(customer_attributes).values(customer_id=1, key="vip_level", kind="text", value_text="金")
        )
        conn.execute(sa.insert(customer_tags).values(customer_id=1, tag="会员"))  # the audience's tag is known
        report = sop_service.apply(conn, [file], now_us=NOW_US)
    assert [str(w) for w in report.warnings] == [
        f"{file}:12: steps[0].content[1].image: material assets/qr.png is missing "
        "(it must exist before the step sends)",
        f"{file}:11: steps[0].content[0].text: no customer has the attribute pet_name yet "
        "({{customer.pet_name}} has no value until it is imported)",
    ]
    write(tmp_path / "assets" / "qr.png", "png")
    assert sop_service.check([file]).warnings == []
