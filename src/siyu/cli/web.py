"""`siyu serve` (the console and API, optionally with the worker) and `siyu user …`."""

from __future__ import annotations

import os
import threading
import time
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from siyu.accounts import admin
from siyu.accounts import users as accounts
from siyu.accounts.actors import CliActor
from siyu.accounts.users import Role
from siyu.cli.app import FormatOption, OutputFormat, app, engine, err, handles_errors, out, parse_now, print_json
from siyu.cli.demo import demo_app
from siyu.core.timeutil import to_us
from siyu.demo.logins import ensure_demo_users

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from siyu.channels.wecom.fake_server import FakeWeCom

user_app = typer.Typer(help="Console users (admin, operator, staff).", no_args_is_help=True)
app.add_typer(user_app, name="user")


def _worker_loop(stop: threading.Event, interval: float) -> None:
    from siyu.cli.plan import print_failures
    from siyu.cli.wecom import sync_between_ticks
    from siyu.directory.wecom_sync import WeComSync
    from siyu.planner.tick import tick
    from siyu.planner.worker import run_loop

    db = engine()

    wecom = WeComSync(db)

    def tick_once() -> None:
        started = time.monotonic()
        report = tick(db, to_us(parse_now(None)), should_stop=stop.is_set)
        err.print(f"tick {time.monotonic() - started:.2f} s {sum(report.steps.values())} steps")
        print_failures(report)
        if not stop.is_set():
            sync_between_ticks(wecom, to_us(parse_now(None)))

    run_loop(
        tick_once,
        interval_s=interval,
        should_stop=stop.is_set,
        wait=stop.wait,
        log=lambda text: err.print(text, style="bold red", markup=False, highlight=False),
    )


@app.command("serve")
@handles_errors
def serve(
    *,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    with_worker: Annotated[
        bool, typer.Option("--worker/--no-worker", help="Also run the planner worker and the dispatcher here.")
    ] = False,
    interval: Annotated[float, typer.Option("--interval", help="Seconds between worker ticks.")] = 60.0,
    fake_wecom: Annotated[
        bool,
        typer.Option(
            "--fake-wecom", help="Run the local fake WeCom the WeCom channel points at (see `siyu demo wecom`)."
        ),
    ] = False,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            min=1,
            max=64,
            help="Server processes (the planner worker still runs once). On SQLite an import's live "
            "progress is only seen by the process running it; keep 1 there unless you need the throughput.",
        ),
    ] = 1,
    demo_logins: Annotated[bool, typer.Option("--demo-logins", help="Make and print the demo brand's logins.")] = False,
) -> None:
    """Serve the console (中文 / English) and the REST API (docs at /docs)."""
    import uvicorn

    from siyu.web.app import create_app

    db = engine()
    if demo_logins:
        _print_demo_logins()
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    out.print(f"console: http://{shown}:{port}/   API docs: http://{shown}:{port}/docs", markup=False)
    fake = _start_fake_wecom(db) if fake_wecom else None
    stop = threading.Event()
    worker = dispatching = None
    if with_worker:
        from siyu.cli.plan import start_dispatcher

        worker = threading.Thread(target=_worker_loop, args=(stop, interval), name="siyu-worker", daemon=True)
        worker.start()
        dispatching = start_dispatcher(db, stop.is_set)
    try:
        if workers == 1:
            uvicorn.run(create_app(db), host=host, port=port, log_level="warning")
        else:
            # each process builds its own app and engine: the URL goes to them through the environment
            os.environ["SIYU_DATABASE_URL"] = db.url.render_as_string(hide_password=False)
            uvicorn.run(
                "siyu.web.server:create_from_env",
                factory=True,
                workers=workers,
                host=host,
                port=port,
                log_level="warning",
            )
    finally:
        stop.set()
        for thread in (worker, dispatching):
            if thread is not None:
                thread.join(timeout=30)
        if fake is not None:
            fake.stop()


def _start_fake_wecom(db: Engine) -> FakeWeCom | None:
    """The fake WeCom on the address the WeCom channel points at, if it points at a local one."""
    from siyu.channels.wecom.fake_server import FakeWeCom
    from siyu.demo.fake_wecom import corp_tags_of, fake_address

    with db.begin() as conn:
        address = fake_address(conn)
        corp_tags = corp_tags_of(conn)
    if address is None:
        err.print("--fake-wecom: the WeCom channel is not pointed at a local fake (siyu demo wecom): not started")
        return None
    # the staff member "confirms" each mass send a minute later, as a person would in WeCom
    fake = FakeWeCom(
        host=address.host, port=address.port, auto_confirm_after_s=60.0, check_media_ids=True, corp_tags=corp_tags
    )
    base = fake.start()
    out.print(f"WeCom: a local fake at {base} (calls and messages: {base}/fake/records)", markup=False)
    return fake


def _print_demo_logins() -> None:
    with engine().begin() as conn:
        logins = ensure_demo_users(conn, now_us=to_us(parse_now(None)))
    table = Table(title="demo logins · 演示账号")
    for column in ("username", "password", "role", "staff"):
        table.add_column(column)
    for login in logins:
        table.add_row(login.username, login.password, login.role.value, login.staff or "")
    out.print(table)


@demo_app.command("logins")
@handles_errors
def demo_logins_command() -> None:
    """Make (if missing) and print the demo brand's console logins, one per role."""
    _print_demo_logins()


@user_app.command("add")
@handles_errors
def add(
    username: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[Role, typer.Option("--role", help="admin, operator or staff.")] = Role.admin,
    staff: Annotated[str | None, typer.Option("--staff", help="The staff id a staff user works as.")] = None,
    name: Annotated[str, typer.Option("--name", help="Display name.")] = "",
    password: Annotated[
        str, typer.Option("--password", prompt=True, hide_input=True, confirmation_prompt=True, help="Password.")
    ] = "",
) -> None:
    """Add a console user (the first admin, for example)."""
    now = to_us(parse_now(None))
    with engine().begin() as conn:
        user = admin.add_user(
            conn,
            actor=CliActor.current(),
            username=username,
            password=password,
            role=role,
            now_us=now,
            staff_external_id=staff,
            display_name=name,
        )
    out.print(f"user {user.username} ({user.role.value}) added", markup=False)


@user_app.command("list")
@handles_errors
def list_users(output: FormatOption = OutputFormat.table) -> None:
    """Every console user."""
    with engine().connect() as conn:
        users = accounts.list_users(conn)
    if output is OutputFormat.json:
        print_json([u.as_dict() for u in users])
        return
    table = Table()
    for column in ("username", "role", "staff", "name", "disabled"):
        table.add_column(column)
    for u in users:
        table.add_row(u.username, u.role.value, u.staff_external_id or "", u.display_name, "yes" if u.disabled else "")
    out.print(table)
