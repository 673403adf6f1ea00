"""Every console page renders in a real browser for the role that uses it, with no JavaScript
error, no failed request (a missing static asset counts) and a screenshot; the language switch
turns the console into English and back. Each page's server render time is measured (median of
three GETs with the session cookie; the browser's time to first byte beside it), printed at the
end and written to tests/browser/artifacts/console-page-times.txt; no threshold is asserted here
(bench/ measures speed at scale)."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlparse

import httpx2 as httpx
import pytest
import sqlalchemy as sa
from playwright.sync_api import ConsoleMessage, Page, Request, Response, expect

from siyu.store.tables import customers, sops
from tests.browser.conftest import Shot
from tests.browser.support import ARTIFACTS, PHONE, Live, login, staff_id_of

TIMINGS = ARTIFACTS / "console-page-times.txt"
SAMPLES = 3


@dataclass
class Watch:
    """What went wrong in the browser while a page was open."""

    page: Page
    errors: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.on("pageerror", lambda exc: self.errors.append(f"uncaught: {exc}"))
        self.page.on("console", self._console)
        self.page.on("response", self._response)
        self.page.on("requestfailed", self._failed)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"console error: {message.text} ({message.location.get('url', '')})")

    def _response(self, response: Response) -> None:
        if response.status >= 400:
            self.errors.append(f"{response.status} {response.request.method} {response.url}")

    def _failed(self, request: Request) -> None:
        if request.failure == "net::ERR_ABORTED":  # cancelled by leaving the page: not a fault
            return
        self.errors.append(f"failed {request.method} {request.url}: {request.failure}")

    def take(self) -> list[str]:
        found, self.errors = self.errors, []
        return found


@dataclass
class Timing:
    who: str
    path: str
    status: int
    browser_ttfb_ms: float
    server_ms: list[float]

    def line(self) -> str:
        samples = " ".join(f"{ms:.0f}" for ms in self.server_ms)
        return (
            f"{self.who:<8} {self.path:<40} {self.status} median {statistics.median(self.server_ms):6.1f} ms "
            f"(GETs: {samples}; browser TTFB {self.browser_ttfb_ms:.0f} ms)"
        )


@pytest.fixture(scope="module")
def timings(request: pytest.FixtureRequest) -> Iterator[list[Timing]]:
    """Collects each page's figures; at the end prints them (without xdist; its workers' output
    is not shown) and writes them to tests/browser/artifacts/console-page-times[-gwN].txt."""
    found: list[Timing] = []
    yield found
    if not found:
        return
    lines = [t.line() for t in found]
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    out = TIMINGS.with_stem(f"{TIMINGS.stem}-{worker}") if worker else TIMINGS
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    out.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if capture is not None and reporter is not None:
        with capture.global_and_fixture_disabled():
            reporter.write_line("")
            reporter.write_line(f"console page render times (also in {out.name}):")
            for line in lines:
                reporter.write_line(line)


def _server_ms(live: Live, page: Page, path: str) -> list[float]:
    """Wall time of plain GETs with the page's session cookie: the server's render, nothing else."""
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    took: list[float] = []
    with httpx.Client(base_url=live.base_url, cookies=cookies, timeout=30) as client:
        for _ in range(SAMPLES):
            started = time.perf_counter()
            answer = client.get(path)
            took.append((time.perf_counter() - started) * 1000)
            assert answer.status_code == 200, f"GET {path}: {answer.status_code}"
    return took


def _no_errors(page: Page, watch: Watch, where: str) -> None:
    page.wait_for_load_state("networkidle")
    errors = watch.take()
    assert not errors, f"{where}:\n" + "\n".join(errors)


def _visit(live: Live, page: Page, watch: Watch, shot: Shot, *, who: str, path: str, heading: str) -> Timing:
    response = page.goto(path)
    assert response is not None
    page.wait_for_load_state("networkidle")
    assert response.status == 200, f"{who} GET {path}: {response.status}"
    assert urlparse(page.url).path == urlparse(path).path, f"{who} GET {path} went to {page.url}"
    expect(page.locator("main h1").first).to_contain_text(heading)
    expect(page.locator("main")).not_to_contain_text("出错了")
    shot(page, f"{who}-{path}")
    _no_errors(page, watch, f"{who} {path}")
    timing = response.request.timing
    ttfb = timing["responseStart"] - timing["requestStart"]
    return Timing(who, path, response.status, ttfb, _server_ms(live, page, path))


def _an_sop(live: Live) -> str:
    with live.engine.connect() as conn:
        return str(conn.execute(sa.select(sops.c.id).where(sops.c.id == "birthday")).scalar_one())


def _a_customer(live: Live, owner_id: int | None = None) -> tuple[str, str]:
    query = sa.select(customers.c.external_id, customers.c.name).where(customers.c.name.is_not(None))
    if owner_id is not None:
        query = query.where(customers.c.owner_id == owner_id)
    with live.engine.connect() as conn:
        row = conn.execute(query.order_by(customers.c.id).limit(1)).one()
    return str(row.external_id), str(row.name)


def test_every_operator_page_renders_without_errors(live: Live, page: Page, shot: Shot, timings: list[Timing]) -> None:
    watch = Watch(page)
    login(page, "operator", "siyu-operator-demo")
    _no_errors(page, watch, "signing in")
    sop_id = _an_sop(live)
    customer_id, customer_name = _a_customer(live)
    prefix = customer_name[:1]
    pages = [
        ("/", "工作台"),
        ("/sops", "SOP 列表"),
        (f"/sops/{sop_id}", "会员生日祝福"),
        (f"/sops/{sop_id}/edit", f"编辑 SOP · {sop_id}"),
        ("/sops/new", "新建 SOP"),
        ("/customers", "客户"),
        (f"/customers?q={prefix}", "客户"),
        (f"/customers/{customer_id}", customer_name),
        ("/imports", "导入数据"),
        ("/settings", "品牌设置"),
        ("/deliveries", "投递记录"),
        ("/deliveries?status=dead", "死信"),
        ("/account/tokens", "我的 API 令牌"),
    ]
    for path, heading in pages:
        timings.append(_visit(live, page, watch, shot, who="operator", path=path, heading=heading))
        if path.startswith("/customers?q="):
            names = page.locator("main table tbody tr").all_inner_texts()
            assert names, f"searching {prefix!r} finds {customer_name}"
            assert any(customer_name in row for row in names)


def test_admin_users_page_renders_without_errors(live: Live, page: Page, shot: Shot, timings: list[Timing]) -> None:
    watch = Watch(page)
    login(page, "admin", "siyu-admin-demo")
    _no_errors(page, watch, "signing in")
    for path, heading in (
        ("/", "工作台"),
        ("/users", "用户"),
        ("/users/operator", "operator"),
        ("/channels", "渠道设置"),
    ):
        timings.append(_visit(live, page, watch, shot, who="admin", path=path, heading=heading))
    expect(page.locator('nav a[href="/users"]')).to_be_visible()


def test_staff_pages_render_on_a_phone_without_errors(
    live: Live, phone_page: Page, shot: Shot, timings: list[Timing]
) -> None:
    watch = Watch(phone_page)
    login(phone_page, "staff", "siyu-staff-demo")
    _no_errors(phone_page, watch, "signing in")
    customer_id, customer_name = _a_customer(live, staff_id_of(live.engine, "staff"))
    for path, heading in (
        ("/my/tasks", "我的任务"),
        ("/customers", "客户"),
        (f"/customers/{customer_id}", customer_name),
    ):
        timings.append(_visit(live, phone_page, watch, shot, who="staff", path=path, heading=heading))
        width = phone_page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{path} is {width}px wide on a {PHONE['width']}px phone"
    expect(phone_page.locator('nav a[href="/sops"]')).to_have_count(0)


def test_the_language_switch_turns_the_console_into_english_and_back(page: Page, shot: Shot) -> None:
    watch = Watch(page)
    login(page, "operator", "siyu-operator-demo")
    page.goto("/sops")
    nav = page.locator("nav.nav")
    expect(nav.locator('a[href="/"]')).to_have_text("工作台")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")

    with page.expect_navigation():
        page.locator("a.lang").click()
    assert urlparse(page.url).path == "/sops"
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(nav.locator('a[href="/"]')).to_have_text("Dashboard")
    expect(nav.locator('a[href="/sops"]')).to_have_text("SOPs")
    expect(page.locator("main h1").first).to_have_text("SOPs")
    expect(page.locator("a.lang")).to_have_text("中文")
    shot(page, "english")

    page.goto("/customers")
    expect(page.locator("main h1").first).to_have_text("Customers")

    with page.expect_navigation():
        page.locator("a.lang").click()
    assert urlparse(page.url).path == "/customers"
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(nav.locator('a[href="/"]')).to_have_text("工作台")
    expect(page.locator("main h1").first).to_have_text("客户")
    shot(page, "chinese")
    _no_errors(page, watch, "switching languages")


def test_the_watch_reports_script_errors_console_errors_and_missing_assets(page: Page) -> None:
    """The checks above would pass vacuously if the watch heard nothing: it must hear each kind."""
    watch = Watch(page)
    login(page, "operator", "siyu-operator-demo")
    _no_errors(page, watch, "signing in")
    page.evaluate(
        """() => {
            setTimeout(() => { throw new Error("thrown by the test"); });
            console.error("logged by the test");
            const script = document.createElement("script");
            script.src = "/static/no-such-file.js";
            document.head.appendChild(script);
        }"""
    )
    heard: list[str] = []
    deadline = time.monotonic() + 10
    while len(heard) < 3 and time.monotonic() < deadline:
        page.wait_for_timeout(50)
        heard += watch.take()
    found = "\n".join(heard)
    assert "uncaught: thrown by the test" in found
    assert "console error: logged by the test" in found
    assert "404 GET http://" in found and "/static/no-such-file.js" in found
