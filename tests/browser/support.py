"""Browser tests: a small demo brand served by uvicorn on loopback, and Debian's Chromium.

The brand is what `./dev demo` makes, smaller: `siyu demo generate` (300 customers, seed 7),
`siyu sop apply examples/sops` and one `siyu plan`, all at the fixed instant NOW, plus the demo
logins. The app's clock stays at NOW, so the tasks due "today" are the same on every run."""

from __future__ import annotations

import re
import socket
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import uvicorn
from playwright.sync_api import Browser, Locator, Page, Playwright
from sqlalchemy.engine import Engine

from siyu.accounts import users as accounts
from siyu.brand import settings as brand_settings
from siyu.core.timeutil import to_us
from siyu.demo.logins import DemoLogin, ensure_demo_users
from siyu.store.db import create_engine
from siyu.store.tables import tasks
from siyu.web.app import create_app
from tests.support.cli import siyu_for

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "sops"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
NOW = datetime.fromisoformat("2026-11-20T10:30:00+08:00")
CUSTOMERS = 300
SEED = 7
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
TIMEOUT_MS = 10_000
SHOT_TIMEOUT_MS = 30_000
SHOT_MAX_HEIGHT = 3_000


def build_demo(folder: Path) -> tuple[Engine, list[DemoLogin]]:
    """The demo brand in a new SQLite file, through the same commands `./dev demo` runs."""
    engine = create_engine(f"sqlite:///{folder / 'demo.db'}")
    siyu = siyu_for(engine)
    now = NOW.isoformat()
    for args in (
        ("demo", "generate", "--customers", str(CUSTOMERS), "--seed", str(SEED), "--now", now, "--workers", "1"),
        ("sop", "apply", str(EXAMPLES), "--now", now),
        ("plan", "--now", now),
    ):
        result = siyu(*args)
        assert result.exit_code == 0, f"siyu {' '.join(args)} failed:\n{result.output}"
    with engine.begin() as conn:
        logins = ensure_demo_users(conn, now_us=to_us(NOW))
    return engine, logins


def _loopback_socket() -> socket.socket:
    """A listening socket on a free 127.0.0.1 port, handed to uvicorn (no race for the port).

    Its proto must say TCP: asyncio sets TCP_NODELAY only on sockets whose proto is IPPROTO_TCP,
    and without it every request after the first on a kept-alive connection waited ~40 ms for a
    delayed ACK (Nagle holding the response body back)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@dataclass
class Live:
    """The running console: where it answers, and the database behind it."""

    base_url: str
    engine: Engine
    logins: list[DemoLogin]
    server: uvicorn.Server
    thread: threading.Thread

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)


def serve(engine: Engine, logins: list[DemoLogin]) -> Live:
    """Serve the app with its clock fixed at NOW in a background thread; return once it listens."""
    app = create_app(engine, clock=lambda: NOW)
    sock = _loopback_socket()
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="siyu-live", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the live server did not start (see the uvicorn log above)")
        time.sleep(0.02)
    return Live(f"http://127.0.0.1:{port}", engine, logins, server, thread)


def launch_chromium(playwright: Playwright) -> Browser:
    if not CHROMIUM.exists():
        raise FileNotFoundError(
            f"{CHROMIUM} is missing: the browser tests drive Debian's Chromium. "
            "Install it with `apt-get install -y chromium` (as root), then run the tests again."
        )
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def login(page: Page, username: str, password: str) -> None:
    """Sign in through the console's form and wait for the page it leads to."""
    page.goto("/login")
    page.fill('input[name="username"]', username)
    page.fill('input[name="password"]', password)
    with page.expect_navigation():
        page.click('form[action="/login"] button[type="submit"]')
    path = page.evaluate("location.pathname")
    if path == "/login":
        raise AssertionError(f"signing in as {username} failed: {page.inner_text('main')}")


def artifact_name(test_name: str, step: str) -> Path:
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{test_name}-{step}").strip("_")
    return ARTIFACTS / f"{safe}.png"


def screenshot(page: Page, test_name: str, step: str, around: Locator | None = None) -> Path:
    """Saved as tests/browser/artifacts/<test-name>-<step>.png: the screen with `around` scrolled
    into view, or else the page from its top (at most SHOT_MAX_HEIGHT CSS pixels of it: a long
    task list makes a page too tall to capture whole)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = artifact_name(test_name, step)
    if around is not None:
        around.scroll_into_view_if_needed()
        page.screenshot(path=str(path), timeout=SHOT_TIMEOUT_MS)
        return path
    width, height = page.evaluate("[document.documentElement.clientWidth, document.documentElement.scrollHeight]")
    clip = {"x": 0, "y": 0, "width": width, "height": min(height, SHOT_MAX_HEIGHT)}
    page.screenshot(path=str(path), full_page=True, clip=clip, timeout=SHOT_TIMEOUT_MS)  # type: ignore[arg-type]
    return path


def staff_id_of(engine: Engine, username: str) -> int:
    with engine.connect() as conn:
        user = accounts.get_user(conn, username)
    if user.staff_id is None:
        raise AssertionError(f"{username} has no staff link")
    return user.staff_id


def open_tasks_today(engine: Engine, staff_id: int) -> set[int]:
    """The tasks /my/tasks lists as to do: due ones from today or within late_after, and the
    ones planned for later today."""
    with engine.connect() as conn:
        brand = brand_settings.load(conn)
        midnight = NOW.astimezone(brand.zone).replace(hour=0, minute=0, second=0, microsecond=0)
        start, end = to_us(midnight), to_us(midnight + timedelta(days=1))
        late_from = min(to_us(NOW) - brand.late_after_us, start)
        rows = conn.execute(
            sa.select(tasks.c.id).where(
                tasks.c.executor_id == staff_id,
                sa.or_(
                    sa.and_(tasks.c.status == "due", tasks.c.due_at >= late_from, tasks.c.due_at < end),
                    sa.and_(tasks.c.status == "pending", tasks.c.due_at >= start, tasks.c.due_at < end),
                ),
            )
        )
        return {int(r.id) for r in rows}


def task_row(engine: Engine, task_id: int) -> Any:
    with engine.connect() as conn:
        return conn.execute(sa.select(tasks).where(tasks.c.id == task_id)).one()
