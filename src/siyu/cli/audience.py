"""`siyu audience …`: who matches an SOP's audience, or any condition, right now."""

from __future__ import annotations

import time
from typing import Annotated, Any

import typer
from rich.table import Table

from siyu.audiences import query as audiences
from siyu.cli.app import FormatOption, NowOption, OutputFormat, app, engine, handles_errors, out, parse_now, print_json
from siyu.core.audiences import Audience, audiences_of
from siyu.core.conditions.nodes import TargetKind
from siyu.core.conditions.parse import parse_condition
from siyu.core.errors import Problem, ValidationError
from siyu.core.timeutil import to_us
from siyu.core.yamlsource import load_yaml
from siyu.sops import repo as sop_service

audience_app = typer.Typer(help="Audiences: who matches, now or at --now.", no_args_is_help=True)
app.add_typer(audience_app, name="audience")

SopArgument = Annotated[str, typer.Argument(help="SOP id.")]


@audience_app.command("count")
@handles_errors
def count(
    sop_id: Annotated[str | None, typer.Argument(help="SOP id; without it, every SOP.")] = None,
    now: NowOption = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """How many targets match an SOP's audience (JSON also lists their ids)."""
    moment = to_us(parse_now(now))
    with engine().connect() as conn:
        if sop_id is None:
            _count_all(conn, moment, output)
            return
        stored = sop_service.latest(conn, sop_id)
        result: dict[str, Any] = {"sop": stored.id, "version": stored.version, "kind": stored.sop.kind.value}
        for index, (name, audience) in enumerate(audiences_of(stored.sop).items()):
            found = audiences.count(conn, audience, moment)
            if output is OutputFormat.json:
                ids = list(audiences.external_ids(conn, audience, moment))
                part = {"target": audience.target.value, "count": found, "ids": ids}
                if index == 0:
                    result.update(part)
                else:
                    result[name] = part
            else:
                out.print(f"{stored.id} ({stored.sop.name}): {found} {name}")
        if output is OutputFormat.json:
            print_json(result)


def _count_all(conn: Any, moment: int, output: OutputFormat) -> None:
    rows: list[dict[str, Any]] = []
    for stored in sop_service.all_latest(conn):
        for name, audience in audiences_of(stored.sop).items():
            started = time.perf_counter()
            found = audiences.count(conn, audience, moment)
            elapsed = time.perf_counter() - started
            rows.append(
                {"sop": stored.id, "name": stored.sop.name, "kind": stored.sop.kind.value, "targets": name,
                 "count": found, "enabled": stored.sop.enabled, "seconds": round(elapsed, 3)}
            )  # fmt: skip
    if output is OutputFormat.json:
        print_json({"sops": rows})
        return
    table = Table("SOP", "名称 name", "kind", "targets", "count", "enabled", "time")
    for row in rows:
        table.add_row(
            row["sop"], row["name"], row["kind"], row["targets"], f"{row['count']:,}",
            "yes" if row["enabled"] else "no", f"{row['seconds'] * 1000:.0f} ms",
        )  # fmt: skip
    out.print(table)


@audience_app.command("sample")
@handles_errors
def sample(
    sop_id: SopArgument,
    limit: Annotated[int, typer.Option("--limit", min=1, help="How many ids at most.")] = 20,
    now: NowOption = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """A few matching targets, spread over the audience (the same ones every run)."""
    moment = to_us(parse_now(now))
    with engine().connect() as conn:
        stored = sop_service.latest(conn, sop_id)
        audience = next(iter(audiences_of(stored.sop).values()))
        found = audiences.count(conn, audience, moment)
        ids = audiences.sample(conn, audience, moment, limit=limit)
    _show(found, ids, audience.target, output)


@audience_app.command("query")
@handles_errors
def query(
    where: Annotated[str, typer.Option("--where", help="A condition in YAML, e.g. '{tag: 会员}'.")],
    kind: Annotated[TargetKind, typer.Option("--kind", help="What the condition selects.")] = TargetKind.customer,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="List at most this many ids.")] = None,
    now: NowOption = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Who matches any condition (no SOP needed)."""
    raw, _lines, _node = load_yaml(where, "--where")
    if raw is None:
        raise ValidationError([Problem("--where", "expected a condition, got nothing")])
    condition = parse_condition(raw, kind, ("--where",))
    moment = to_us(parse_now(now))
    with engine().connect() as conn:
        audience = Audience(kind, condition)
        found = audiences.count(conn, audience, moment)
        ids = list(audiences.external_ids(conn, audience, moment, limit=limit))
    _show(found, ids, kind, output)


def _show(found: int, ids: list[str], target: TargetKind, output: OutputFormat) -> None:
    if output is OutputFormat.json:
        print_json({"target": target.value, "count": found, "ids": ids})
        return
    out.print(f"{found:,} {target.value}(s) match")
    for external_id in ids:
        out.print(f"  {external_id}")
