"""Fixtures for the browser tests: one live server over a small demo brand per test session
(per xdist worker), one Chromium, and a fresh desktop or phone page per test.

Chromium is Debian's (/usr/bin/chromium); without it the tests fail and say how to install it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import pytest
from playwright.sync_api import Browser, Locator, Page, Playwright, sync_playwright

from tests.browser.support import DESKTOP, PHONE, TIMEOUT_MS, Live, build_demo, launch_chromium, screenshot, serve


class Shot(Protocol):
    def __call__(self, page: Page, step: str, around: Locator | None = None) -> Path: ...


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """The console over the demo brand, its clock fixed at support.NOW: `live.base_url`, `live.engine`."""
    engine, logins = build_demo(tmp_path_factory.mktemp("browser-demo"))
    server = serve(engine, logins)
    try:
        yield server
    finally:
        server.stop()
        engine.dispose()


@pytest.fixture(scope="session")
def _playwright() -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(_playwright: Playwright) -> Iterator[Browser]:
    try:
        chromium = launch_chromium(_playwright)
    except FileNotFoundError as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        yield chromium
    finally:
        chromium.close()


def _page(browser: Browser, live: Live, **options: object) -> Iterator[Page]:
    context = browser.new_context(base_url=live.base_url, locale="zh-CN", timezone_id="Asia/Shanghai", **options)  # type: ignore[arg-type]
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def page(browser: Browser, live: Live) -> Iterator[Page]:
    """A desktop page (1280×900) on the live server."""
    yield from _page(browser, live, viewport=DESKTOP)


@pytest.fixture
def phone_page(browser: Browser, live: Live) -> Iterator[Page]:
    """A phone page: 390×844, touch, mobile layout."""
    yield from _page(browser, live, viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)


@pytest.fixture
def shot(request: pytest.FixtureRequest) -> Shot:
    """`shot(page, "step")` saves tests/browser/artifacts/<test-name>-<step>.png (the screen
    around a locator with `around=`)."""

    def take(page: Page, step: str, around: Locator | None = None) -> Path:
        return screenshot(page, request.node.name, step, around)

    return take
