"""A small brand with auto and remind steps, for dispatcher tests: s1 owns c1..cN; the SOP
`greet` sends `hello` automatically (private) at entry and reminds `call` an hour later."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from siyu.channels import stored as channels
from siyu.core.timeutil import to_us
from siyu.store.tables import deliveries, delivery_tasks, tasks
from tests.support.brand import Brand, apply_sops, at, run

GREET = """
- id: greet
  name: 欢迎
  kind: customer
  audience: {tag: 新客}
  entry: audience
  steps:
    - id: hello
      at: {delay: 0m}
      channel: private
      executor: owner
      mode: auto
      content:
        - text: "你好 {{customer.name}}，我是 {{staff.name}}"
    - id: call
      at: {delay: 1h}
      channel: private
      executor: owner
      mode: remind
      content:
        - text: "给 {{customer.name}} 打个电话"
"""

START = "2026-11-20 10:00"


# the same SOP, but `hello` has no variables: every customer's rendered content is the same, so
# the due sends of one staff member group into one WeCom mass send
SAME_HELLO = GREET.replace("你好 {{customer.name}}，我是 {{staff.name}}", "会员日快乐，全场 8 折")


def greet_brand(
    engine: Engine,
    tmp_path: Path,
    *,
    customers: int = 3,
    channels_on: dict[str, Any] | None = None,
    sop_text: str = GREET,
) -> None:
    """Channels first (routing is read when tasks fall due), then the brand, the SOP and the
    ticks that make `hello` due (10:00) and `call` due (11:00)."""
    set_channels(engine, channels_on or {})
    brand = Brand()
    brand.add_staff("s1", name="小暖")
    for n in range(1, customers + 1):
        brand.add_customer(f"c{n}", "s1", name=f"客户{n}", tags=("新客",), phone=f"1380000{n:04d}")
    brand.write(engine, tmp_path / "brand")
    sop = tmp_path / "greet.yaml"
    sop.write_text(sop_text, encoding="utf-8")
    apply_sops(engine, sop, now=at(START))
    run(engine, START, "2026-11-20 11:00")


def set_channels(engine: Engine, configs: dict[str, Any]) -> None:
    """{"wecom": {"enabled": True, "settings": {...}, "secrets": {...}}, "delivery": {...}}"""
    with engine.begin() as conn:
        for name, config in configs.items():
            channels.save(
                conn,
                name,
                enabled=config.get("enabled", True),
                settings=config.get("settings", {}),
                secrets=config.get("secrets", {}),
                now_us=to_us_now(),
            )


def to_us_now() -> int:
    return at(START)


def rows(engine: Engine) -> list[Any]:
    with engine.begin() as conn:
        return list(conn.execute(sa.select(deliveries).order_by(deliveries.c.id)))


def task_of(engine: Engine, task_id: int) -> Any:
    with engine.begin() as conn:
        return conn.execute(sa.select(tasks).where(tasks.c.id == task_id)).one()


def tasks_of(engine: Engine, row: Any) -> list[int]:
    """The tasks a delivery carries: its own task, or those a batch reminder names."""
    if row.task_id is not None:
        return [int(row.task_id)]
    with engine.begin() as conn:
        found = conn.execute(
            sa.select(delivery_tasks.c.task_id).where(delivery_tasks.c.delivery_id == row.id).order_by("task_id")
        )
        return [int(task_id) for task_id in found.scalars()]


__all__ = ["SAME_HELLO", "at", "greet_brand", "rows", "set_channels", "task_of", "tasks_of", "to_us"]


def wecom_on(base_url: str, *, timeout_s: float = 5.0, delivery: dict[str, Any] | None = None) -> dict[str, Any]:
    """Channel settings that send through a FakeWeCom at `base_url` (its default credentials)."""
    return {
        "wecom": {
            "settings": {
                "corp_id": "ww-fake-corp",
                "agent_id": 1000002,
                "base_url": base_url,
                "timeout_s": timeout_s,
                "calls_per_minute": 100_000,
            },
            "secrets": {"contact_secret": "fake-contact-secret", "agent_secret": "fake-agent-secret"},
        },
        "delivery": {"settings": {"digest_time": "", **(delivery or {})}},
    }
