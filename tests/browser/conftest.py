"""Browser tests: Debian's Chromium driven by Playwright against the local stack on a free port."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.conftest import MentorOnDuty, Stack, start_stack, stop_stack

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
SCREENSHOTS = ROOT / "docs" / "screenshots"
PHONE = {"width": 390, "height": 844}
DEMO_MENTOR = ("mentor", "demo-mentor-1")
DEMO_ADMIN = ("admin", "demo-admin-1")


@pytest.fixture(scope="session")
def stack(tmp_path_factory) -> Stack:
    process, running = start_stack(tmp_path_factory.mktemp("browser-stack"), "--no-persist")
    yield running
    stop_stack(process)


@pytest.fixture(scope="session")
def on_duty(stack):
    """The demo mentor in the demo group (as if on the mentor page in another tab): teens may write
    only while a mentor is in the room."""
    mentor = MentorOnDuty(stack)
    yield mentor
    mentor.stop()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: `make browser` (apt-get install chromium) provides it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class PageProblems:
    """Console errors and uncaught exceptions of every page a test opens: CSP violations included."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def watch(self, page) -> None:
        page.on("pageerror", lambda error: self.problems.append(f"{page.url}: uncaught {error}"))
        page.on("console", lambda message: self._console(page, message))

    def _console(self, page, message) -> None:
        text = message.text
        # A refused WebSocket while offline is the scenario under test, not a fault of the page.
        if message.type == "error" and ("Content Security Policy" in text or "Uncaught" in text):
            self.problems.append(f"{page.url}: {text}")


@pytest.fixture
def new_page(browser) -> Callable[..., object]:
    """``new_page(path="", viewport=PHONE)``: a page in its own context (its own storage, its own network)."""
    contexts = []
    problems = PageProblems()

    def make(stack: Stack, path: str = "", viewport: dict | None = None, **options):
        # Each context is a device of its own: the per-source limits count it apart from the others
        # (the test-only header, honoured from loopback alone).
        headers = {"X-Test-Source": f"browser-{uuid.uuid4()}", **options.pop("extra_http_headers", {})}
        context = browser.new_context(viewport=viewport or PHONE, extra_http_headers=headers, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        problems.watch(page)
        page.goto(stack.url + path)
        return page

    yield make
    for context in contexts:
        context.close()
    assert not problems.problems, "\n".join(problems.problems)


def screenshot_path(name: str, tmp_path: Path, folder: Path = SCREENSHOTS) -> Path:
    """The committed screenshot when it is missing or UPDATE_SCREENSHOTS=1; a scratch file otherwise,
    so an ordinary test run leaves the working tree clean."""
    committed = folder / name
    if os.environ.get("UPDATE_SCREENSHOTS") == "1" or not committed.exists():
        folder.mkdir(parents=True, exist_ok=True)
        return committed
    return tmp_path / name
