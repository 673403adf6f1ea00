"""A name the data has never had — a tag, attribute, event type, product, staff id or role — is a
located warning with the closest existing names at `siyu sop validate` and `siyu sop apply`
(which still applies); `--strict` makes them problems and stores nothing; names the data has are
silent. On SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from siyu.store.tables import customer_attributes, customer_tags, customers, events, staff, staff_roles
from tests.integration.sops.scenarios import snapshot, write
from tests.support.cli import Siyu

NOW = "2026-11-22T10:00:00+08:00"

SOP = """\
id: pets
name: 宠物关怀
kind: customer
audience:
  all:
    - tag: {tag}
    - event: {event}
      within: 30d
      where: {{product: {product}}}
steps:
  - id: hello
    at: {{day: 0, time: "10:00"}}
    channel: private
    executor: staff:{staff}
    when: {{attr: {attr}, gte: 2}}
    content:
      - text: 你好
  - id: help
    at: {{day: 1, time: "10:00"}}
    channel: private
    executor: role:{role}
    content:
      - text: 你好
"""
KNOWN = {
    "tag": "宠物主",
    "event": "order_paid",
    "product": "宠物粮",
    "staff": "st0001",
    "attr": "level",
    "role": "导购",
}
MISSPELT = {**KNOWN, "tag": "宠物住", "event": "order_payed", "staff": "st001", "attr": "levle", "role": "导游"}


def seed(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(sa.insert(staff).values(id=1, external_id="st0001", name="张", created_at=0, updated_at=0))
        conn.execute(sa.insert(staff_roles).values(staff_id=1, role="导购"))
        conn.execute(sa.insert(customers).values(id=1, external_id="c1", name="王", created_at=0, updated_at=0))
        for tag in ("宠物主", "会员", "潜客"):
            conn.execute(sa.insert(customer_tags).values(customer_id=1, tag=tag))
        conn.execute(sa.insert(customer_attributes).values(customer_id=1, key="level", kind="number", value_text="3"))
        for number, (kind, product) in enumerate(
            [("order_paid", "宠物粮"), ("order_paid", "润肤霜"), ("friend_added", None)]
        ):
            properties = {"product": product} if product else {}
            conn.execute(
                sa.insert(events).values(
                    external_id=f"e{number}", type=kind, customer_id=1, at=0, day=0, properties=properties
                )
            )


def test_misspelt_names_warn_with_suggestions_and_apply_still_stores(
    engine: Engine, siyu: Siyu, tmp_path: Path
) -> None:
    seed(engine)
    file = write(tmp_path / "pets.yaml", SOP.format(**MISSPELT | {"product": "宠物量"}))
    expected = [
        f"warning: {file}:6: audience.all[0].tag: 标签「宠物住」从未出现在数据中；是否想写：宠物主？",
        f"warning: {file}:7: audience.all[1].event: 事件类型「order_payed」从未出现在数据中；是否想写：order_paid？",
        f"warning: {file}:9: audience.all[1].where.product: 「order_payed」事件的 product「宠物量」从未出现在数据中",
        f"warning: {file}:14: steps[0].executor: 员工「st001」从未出现在数据中；是否想写：st0001？",
        f"warning: {file}:15: steps[0].when.attr: 属性「levle」从未出现在数据中；是否想写：level？",
        f"warning: {file}:21: steps[1].executor: 角色「导游」从未出现在数据中；是否想写：导购？",
    ]
    checked = siyu("sop", "validate", str(file))
    assert checked.exit_code == 0, checked.output
    assert checked.stderr.splitlines() == expected
    assert checked.stdout == "ok: 1 SOP(s) in 1 file(s)\n"

    applied = siyu("sop", "apply", str(file), "--now", NOW)
    assert applied.exit_code == 0, applied.output
    assert applied.stderr.splitlines() == expected
    assert applied.stdout == "created   pets (version 1)\n"


def test_a_product_of_the_right_event_type_suggests_its_neighbours(engine: Engine, siyu: Siyu, tmp_path: Path) -> None:
    seed(engine)
    file = write(tmp_path / "pets.yaml", SOP.format(**KNOWN | {"product": "宠物量"}))
    result = siyu("sop", "validate", str(file))
    assert result.stderr.splitlines() == [
        f"warning: {file}:9: audience.all[1].where.product: 「order_paid」事件的 product「宠物量」从未出现在数据中；是否想写：宠物粮？"
    ]


def test_warnings_read_in_english_with_siyu_locale(
    engine: Engine, siyu: Siyu, tmp_path: Path, monkeypatch: object
) -> None:
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    monkeypatch.setenv("SIYU_LOCALE", "en")
    seed(engine)
    file = write(tmp_path / "pets.yaml", SOP.format(**KNOWN | {"tag": "宠物住"}))
    result = siyu("sop", "validate", str(file))
    assert result.stderr.splitlines() == [
        f"warning: {file}:6: audience.all[0].tag: tag 宠物住 never appears in the data; did you mean 宠物主?"
    ]


def test_known_names_are_silent(engine: Engine, siyu: Siyu, tmp_path: Path) -> None:
    seed(engine)
    file = write(tmp_path / "pets.yaml", SOP.format(**KNOWN))
    checked = siyu("sop", "validate", "--strict", str(file))
    assert (checked.exit_code, checked.stderr) == (0, "")
    applied = siyu("sop", "apply", "--strict", str(file), "--now", NOW)
    assert (applied.exit_code, applied.stderr, applied.stdout) == (0, "", "created   pets (version 1)\n")


def test_strict_refuses_and_stores_nothing(engine: Engine, siyu: Siyu, tmp_path: Path) -> None:
    seed(engine)
    file = write(tmp_path / "pets.yaml", SOP.format(**KNOWN | {"tag": "宠物住"}))
    problem = f"{file}:6: audience.all[0].tag: 标签「宠物住」从未出现在数据中；是否想写：宠物主？"

    checked = siyu("sop", "validate", "--strict", str(file))
    assert checked.exit_code == 1
    assert checked.stderr.splitlines() == [problem, "1 problem(s) in 1 file(s)."]

    before = snapshot(engine)
    applied = siyu("sop", "apply", "--strict", str(file), "--now", NOW)
    assert applied.exit_code == 1
    assert applied.stderr.splitlines() == [problem, "1 problem(s); nothing was written."]
    assert snapshot(engine) == before == ([], [])


def test_event_types_siyu_knows_are_silent_before_the_first_one_arrives(
    engine: Engine, siyu: Siyu, tmp_path: Path
) -> None:
    """coupon_redeemed (the SOP format's list) and member_joined (which siyu records itself) are
    spelt right even when the data has none yet: the example SOPs validate without warnings."""
    seed(engine)
    for event_type in ("coupon_redeemed", "member_joined"):
        product = f"      where: {{product: {KNOWN['product']}}}\n"
        known = SOP.format(**{**KNOWN, "event": event_type}).replace(product, "")
        file = write(tmp_path / f"{event_type}.yaml", known)
        checked = siyu("sop", "validate", "--strict", str(file))
        assert (checked.exit_code, checked.stderr) == (0, ""), checked.output
