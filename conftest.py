"""Shared test fixtures, including the browser harness.

Browser tests drive Debian's Chromium through Playwright (``playwright install``
cannot download here) against pytest-django's ``live_server``::

    pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True,
                                                            serialized_rollback=True)]

    def test_home(live_server, page, axe_check):
        page.goto(live_server.url + "/")
        axe_check(page)

``serialized_rollback`` restores what the migrations created (Wagtail's root
page, the default locale and site) after the live-server test flushes the
database. On failure every page a test opened is saved to
``test-artifacts/<test name>.png``.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page
    from pytest_django.live_server_helper import LiveServer

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parent / "test-artifacts"
DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 375, "height": 812}
# axe impacts that fail a test; "minor" and "moderate" findings are reported by axe only.
AXE_FAILING_IMPACTS = frozenset({"serious", "critical"})


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Keep each phase's report on the item, so fixtures can tell whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def _failed(node: pytest.Item) -> bool:
    return any(
        getattr(getattr(node, f"report_{when}", None), "failed", False)
        for when in ("setup", "call")
    )


def _artifact_name(node: pytest.Item) -> str:
    return re.sub(r"[^\w.\-\[\]]+", "_", node.name)[:150]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the whole session."""
    if not os.access(CHROMIUM, os.X_OK):
        reason = f"Chromium not found at {CHROMIUM}: run `make browser-deps` (apt install chromium)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason}. Browser tests may not be skipped in CI.", pytrace=False)
        pytest.skip(reason)
    from django.db import connections
    from playwright.sync_api import sync_playwright

    kept = {alias: connections[alias] for alias in connections}
    with sync_playwright() as playwright:
        # Playwright's sync API keeps an asyncio loop running in this thread, which makes
        # asgiref (Django's connection storage) switch from thread-local to context-local
        # storage. Carry the existing connection objects over, or the test database state
        # they hold (the in-memory SQLite handle, serialized_rollback's snapshot) is lost.
        for alias, connection in kept.items():
            connections[alias] = connection
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


class ContextFactory:
    """Makes browser contexts (locale zh-CN, Asia/Shanghai) that close after the test."""

    def __init__(self, browser: Browser) -> None:
        self.browser = browser
        self.contexts: list[BrowserContext] = []
        self._without_javascript: set[int] = set()

    def __call__(self, **options: Any) -> BrowserContext:
        options.setdefault("locale", "zh-CN")
        options.setdefault("timezone_id", "Asia/Shanghai")
        options.setdefault("viewport", DESKTOP)
        context = self.browser.new_context(**options)
        context.set_default_timeout(10_000)
        self.contexts.append(context)
        if options.get("java_script_enabled") is False:
            self._without_javascript.add(id(context))
        return context

    def javascript_enabled(self, context: BrowserContext) -> bool:
        return id(context) not in self._without_javascript

    def close(self, *, screenshots_as: str | None) -> None:
        pages = [p for context in self.contexts for p in context.pages]
        for open_page in pages:
            # Let requests in flight finish: the live server shares the test database,
            # and a request still running while the test's flush runs locks SQLite.
            with contextlib.suppress(Exception):
                open_page.wait_for_load_state("networkidle", timeout=5_000)
        if screenshots_as and pages:
            ARTIFACTS.mkdir(exist_ok=True)
            for number, open_page in enumerate(pages):
                name = screenshots_as + ("" if number == 0 else f"-{number + 1}")
                try:
                    open_page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
                except Exception as error:  # a crashed page must not hide the test's failure
                    print(f"screenshot {name} failed: {error}")
        for context in self.contexts:
            context.close()


@pytest.fixture(scope="session")
def live_server(django_db_setup: None, live_server: LiveServer) -> LiveServer:
    """pytest-django's live server, started only once the test database exists.

    Started earlier it would not see the in-memory SQLite test database as such,
    open its own handle on it and hit "database table is locked" during flushes.
    """
    return live_server


@pytest.fixture
def new_context(browser: Browser, request: pytest.FixtureRequest) -> Iterator[ContextFactory]:
    """Make extra browser contexts: ``new_context(java_script_enabled=False)``.

    Takes Playwright's ``new_context`` options. Every page of a failed test is
    saved to ``test-artifacts/<test name>[-n].png``.
    """
    factory = ContextFactory(browser)
    yield factory
    failed = _failed(request.node)
    factory.close(screenshots_as=_artifact_name(request.node) if failed else None)


@pytest.fixture
def page(new_context: ContextFactory) -> Page:
    """A desktop page (1280 px wide) in a fresh context."""
    return new_context().new_page()


@pytest.fixture
def mobile_page(new_context: ContextFactory) -> Page:
    """A phone-sized page (375 x 812) in a fresh context."""
    return new_context(
        viewport=MOBILE, device_scale_factor=2, is_mobile=True, has_touch=True
    ).new_page()


def run_axe(page: Page) -> list[dict[str, Any]]:
    """Run axe-core on the page and return the serious and critical violations."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [v for v in results.response["violations"] if v.get("impact") in AXE_FAILING_IMPACTS]


def format_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']} "
            f"<{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            target = ", ".join(str(t) for t in node["target"])
            lines.append(f"    {target}: {node.get('failureSummary', '').strip()}")
            lines.append(f"      {node.get('html', '')[:200]}")
    return "\n".join(lines)


@pytest.fixture
def axe_check(new_context: ContextFactory) -> Callable[[Page], None]:
    """``axe_check(page)`` fails the test listing every serious or critical axe violation.

    axe-core is JavaScript and cannot run where the page's scripts are off, so a
    page opened with ``java_script_enabled=False`` is checked by loading the same
    URL, with the same cookies and viewport, in a context where they are on.
    """

    def check(page: Page) -> None:
        target = page
        if not new_context.javascript_enabled(page.context):
            twin = new_context(viewport=page.viewport_size or DESKTOP)
            twin.add_cookies(page.context.cookies())  # type: ignore[arg-type]
            target = twin.new_page()
            target.goto(page.url)
        violations = run_axe(target)
        if violations:
            pytest.fail(
                f"axe found {len(violations)} serious/critical violation(s) on {page.url}:\n"
                + format_violations(violations),
                pytrace=False,
            )

    return check
