"""`siyu channel …` (adapter settings, secrets, a test message), `siyu deliveries …` (the
outbox and its dead letters) and `siyu dispatch` (the dispatcher loop on its own)."""

from __future__ import annotations

import json
import signal
import sys
import uuid
from types import FrameType
from typing import Annotated, Any

import typer
from rich.table import Table

from siyu.accounts.actors import CliActor
from siyu.brand import settings as brand_settings
from siyu.channels import stored as channel_service
from siyu.channels.base import DeliveryError, Outgoing, Person, Purpose
from siyu.channels.registry import KINDS, SETTINGS_MODELS
from siyu.cli.app import FormatOption, OutputFormat, app, engine, err, handles_errors, out, parse_now, print_json
from siyu.core.errors import NotFoundError, Problem, ValidationError
from siyu.core.timeutil import to_us
from siyu.delivery import deliveries as delivery_service
from siyu.store.tables import staff

channel_app = typer.Typer(help="Channels: WeCom, webhook, SMS, the inbox, and delivery settings.", no_args_is_help=True)
app.add_typer(channel_app, name="channel")
delivery_app = typer.Typer(help="The outbox: deliveries, dead letters, retries.", no_args_is_help=True)
app.add_typer(delivery_app, name="deliveries")

NAMES = ", ".join(SETTINGS_MODELS)


def _now_us() -> int:
    return to_us(parse_now(None))


def _parse_value(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


@channel_app.command("list")
@handles_errors
def list_channels(output: FormatOption = OutputFormat.table) -> None:
    """Every channel: on or off, and which secrets are set (never their values)."""
    with engine().begin() as conn:
        shown = [channel_service.shown(config) for config in channel_service.load_all(conn).values()]
    if output is OutputFormat.json:
        print_json(shown)
        return
    table = Table()
    for column in ("channel", "enabled", "secrets set"):
        table.add_column(column)
    for item in shown:
        secrets = ", ".join(f"{k}{'✓' if v else '✗'}" for k, v in item["secrets"].items()) or "-"
        table.add_row(item["name"], "on" if item["enabled"] else "off", secrets)
    out.print(table)


@channel_app.command("show")
@handles_errors
def show(name: Annotated[str, typer.Argument(help=NAMES)]) -> None:
    """A channel's settings (defaults filled in) as JSON; secrets only as set / not set."""
    with engine().begin() as conn:
        print_json(channel_service.shown(channel_service.load(conn, name)))


@channel_app.command("set")
@handles_errors
def set_(
    name: Annotated[str, typer.Argument(help=NAMES)],
    values: Annotated[list[str] | None, typer.Argument(help="key=value … (JSON values, e.g. agent_id=1000002)")] = None,
    enable: Annotated[bool | None, typer.Option("--enable/--disable", help="Switch the channel on or off.")] = None,
) -> None:
    """Change settings (validated as a whole; nothing is written on a problem; audited as
    cli@<your login>). Secrets given here land in your shell history: prefer `siyu channel secret`."""
    model = SETTINGS_MODELS.get(name)
    if model is None:
        raise NotFoundError(f"no channel named {name!r}: expected one of {NAMES}")
    settings: dict[str, Any] = {}
    secrets: dict[str, str | None] = {}
    problems = []
    for pair in values or []:
        key, sep, text = pair.partition("=")
        if not sep:
            problems.append(Problem(pair, "expected key=value"))
        elif key in model.SECRETS:
            secrets[key] = text
        else:
            settings[key] = _parse_value(text)
    if problems:
        raise ValidationError(problems)
    with engine().begin() as conn:
        saved = channel_service.change(
            conn, name, actor=CliActor.current(), enabled=enable, settings=settings, secrets=secrets, now_us=_now_us()
        )
    out.print(f"{name} saved ({'on' if saved.enabled else 'off'})")


@channel_app.command("secret")
@handles_errors
def secret(
    name: Annotated[str, typer.Argument(help=NAMES)],
    key: Annotated[str, typer.Argument(help="The secret's name, e.g. contact_secret")],
    clear: Annotated[bool, typer.Option("--clear", help="Remove the stored secret.")] = False,
) -> None:
    """Set a secret, typed at a hidden prompt (or piped on stdin); it is never shown again."""
    if clear:
        value = ""
    elif sys.stdin.isatty():
        value = typer.prompt(f"{name}.{key}", hide_input=True)
    else:
        value = sys.stdin.readline().rstrip("\n")
        if not value:
            raise ValidationError([Problem(f"{name}.{key}", "no value on stdin (use --clear to remove it)")])
    with engine().begin() as conn:
        channel_service.change(conn, name, actor=CliActor.current(), secrets={key: value}, now_us=_now_us())
    out.print(f"{name}.{key} {'cleared' if clear else 'saved'}")


@channel_app.command("test")
@handles_errors
def test_message(
    name: Annotated[str, typer.Argument(help="wecom | webhook")],
    staff_id: Annotated[str, typer.Option("--staff", help="The staff member (id) who receives the test reminder.")],
) -> None:
    """Send a test reminder to one staff member through a channel, and print what it answered."""
    kind = KINDS.get(name)
    if kind is None:
        raise NotFoundError(f"no adapter named {name!r}: expected one of {', '.join(KINDS)}")
    with engine().begin() as conn:
        config = channel_service.load(conn, name)
        member = conn.execute(staff.select().where(staff.c.external_id == staff_id)).first()
    if member is None:
        raise NotFoundError(f"no staff member {staff_id!r}")
    adapter = kind.build(config.model())
    item = Outgoing(
        key=f"test:{uuid.uuid4().hex}",
        purpose=Purpose.remind,
        channel="internal",
        title="siyu 测试消息 (test message)",
        text="渠道连接正常 (the channel is connected)",
        staff=Person(member.external_id, member.name),
    )
    try:
        receipt = adapter.send(item)
    except DeliveryError as exc:
        kind_text = "permanent" if exc.permanent else "transient"
        raise ValidationError([Problem(name, f"{kind_text} failure {exc.code or ''}: {exc.message}")]) from exc
    finally:
        adapter.close()
    out.print(f"sent through {name}: ref={receipt.ref} delivered={receipt.delivered}")


@delivery_app.command("list")
@handles_errors
def list_deliveries(
    status: Annotated[
        str | None, typer.Option("--status", help="queued | sent | delivered | failed | dead | cancelled")
    ] = None,
    adapter: Annotated[str | None, typer.Option("--adapter", help="inbox | wecom | webhook | sms")] = None,
    task: Annotated[int | None, typer.Option("--task", help="Only this task's deliveries.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=10_000)] = 50,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Deliveries, newest first (`--status dead`: the dead-letter list)."""
    with engine().begin() as conn:
        zone = brand_settings.load(conn).zone
        rows = delivery_service.list_deliveries(
            conn, delivery_service.DeliveryFilter(status=status, adapter=adapter, task_id=task, limit=limit), zone
        )
    if output is OutputFormat.json:
        print_json(rows)
        return
    table = Table()
    for column in ("id", "purpose", "adapter", "task", "staff", "status", "attempts", "last error"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            str(row["id"]),
            row["purpose"],
            row["adapter"],
            str(row["task"] or ""),
            row["staff"] or "",
            row["status"] + (" (in doubt)" if row["in_doubt"] else ""),
            str(row["attempts"]),
            (row["last_error"] or "")[:80],
        )
    out.print(table)


@delivery_app.command("show")
@handles_errors
def show_delivery(delivery_id: Annotated[int, typer.Argument()]) -> None:
    """One delivery with what was handed to the provider, as JSON."""
    with engine().begin() as conn:
        print_json(delivery_service.get_delivery(conn, delivery_id, brand_settings.load(conn).zone))


@delivery_app.command("retry")
@handles_errors
def retry(
    delivery_id: Annotated[int | None, typer.Argument(help="A dead or failed delivery.")] = None,
    dead: Annotated[bool, typer.Option("--dead", help="Every dead letter (optionally of --adapter).")] = False,
    adapter: Annotated[str | None, typer.Option("--adapter")] = None,
) -> None:
    """Queue dead or failed deliveries again, from their first try (audited as cli@<your login>)."""
    if (delivery_id is None) == (not dead):
        raise ValidationError([Problem("arguments", "give a delivery id or --dead, not both")])
    with engine().begin() as conn:
        if dead:
            count = delivery_service.retry_dead(conn, actor=CliActor.current(), adapter=adapter, now_us=_now_us())
            out.print(f"{count} dead letter(s) queued again")
        else:
            assert delivery_id is not None
            delivery_service.retry(conn, delivery_id, actor=CliActor.current(), now_us=_now_us())
            out.print(f"delivery {delivery_id} queued again")


class _Stop:
    def __init__(self) -> None:
        self.requested = False

    def __call__(self, signum: int, _frame: FrameType | None) -> None:
        self.requested = True
        err.print(f"received signal {signum}: finishing the current round, then stopping")


@app.command("dispatch")
@handles_errors
def dispatch(
    once: Annotated[bool, typer.Option("--once", help="One round, then exit.")] = False,
    idle: Annotated[float, typer.Option("--idle", help="Seconds to wait when nothing is due.")] = 2.0,
    batch: Annotated[int, typer.Option("--batch", min=1, max=1000, help="Deliveries claimed per round.")] = 20,
    parallel: Annotated[
        int, typer.Option("--parallel", min=1, max=64, help="Deliveries handed to providers at once.")
    ] = 4,
    quiet: Annotated[bool, typer.Option("--quiet", help="Print nothing per round.")] = False,
) -> None:
    """Hand due deliveries to their channels until SIGTERM / SIGINT (`siyu worker` runs this too)."""
    from siyu.delivery.dispatcher import Dispatcher, DispatchReport

    stop = _Stop()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    dispatcher = Dispatcher(engine(), batch=batch, parallel=parallel)

    def show(report: DispatchReport) -> None:
        if not quiet:
            err.print(" ".join(f"{k}={v}" for k, v in sorted(report.counts.items())), markup=False)

    try:
        if once:
            show(dispatcher.step())
        else:
            dispatcher.run(lambda: stop.requested, idle_s=idle, on_report=show)
    finally:
        dispatcher.close()
    err.print("dispatcher stopped")
