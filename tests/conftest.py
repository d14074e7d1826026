"""Shared fixtures: one small real world per test session, built by the real generator."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

#: Tests must never read the developer's own data folder.
os.environ.pop("TREMPLIN_DATA", None)
os.environ.setdefault("TREMPLIN_LANG", "fr")

WORLD_SEED = 42
WORLD_OFFERS = 2000


@pytest.fixture(scope="session")
def data_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data root holding a default-size world and its search index (read-only for tests)."""
    from tremplin.widgets.search import build_index
    from tremplin.widgets.world import build_world

    root = tmp_path_factory.mktemp("data")
    build_world(root / "world", seed=WORLD_SEED, offers=WORLD_OFFERS)
    build_index(root / "world")
    return root


@pytest.fixture(scope="session")
def world(data_root: Path):
    from tremplin.widgets.world import World

    return World.open(data_root / "world")


@pytest.fixture(scope="session")
def world_engine(data_root: Path):
    """The search engine over the session world, as the kiosk pages open it."""
    from tremplin.widgets.search import SearchEngine

    opened = SearchEngine.open(data_root / "world")
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def search_kiosk(tmp_path_factory: pytest.TempPathFactory, data_root: Path) -> Iterator[object]:
    """One real kiosk serving the searching lesson and its épreuve, shared by the browser test
    files that visit only those (each learner of theirs has a visit of their own)."""
    from test_kiosk_support import start_search_kiosk

    server = start_search_kiosk(tmp_path_factory.mktemp("search-kiosk"), data_root / "world")
    yield server
    server.stop()


@pytest.fixture
def learner_workspace(tmp_path: Path, world):
    """A fresh workspace of learner « Camille » on the session world."""
    from tremplin.widgets.workspace import Workspace

    return Workspace.create(tmp_path / "ws", "Camille",
                            world={"seed": world.manifest.seed, "offers": world.manifest.offers})


@pytest.fixture
def root(tmp_path: Path, data_root: Path) -> Iterator[Path]:
    """A writable data root sharing the session's (read-only) world; mail servers a page
    started in this process are stopped afterwards."""
    from tremplin.widgets.mail_client_backend import stop_local_servers

    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "world").symlink_to(data_root / "world", target_is_directory=True)
    yield folder
    stop_local_servers()


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """What a page puts on screen, caught instead of displayed (no kernel in tests)."""
    from tremplin.grading import page_support

    seen: list[object] = []
    monkeypatch.setattr(page_support, "show", seen.append)
    monkeypatch.delenv("QUERY_STRING", raising=False)
    return seen


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's chromium through Playwright; a missing one fails with the way to install it."""
    from playwright.sync_api import sync_playwright
    from tremplin.grading.browser import launch_chromium

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


#: How much of a failed browser test's page text goes into the report (CI prints it).
PAGE_TEXT_AT_FAILURE = 4000


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    """A browser test that fails shows, in the report, what its page said at that moment (and
    leaves a screenshot in the temporary folder's tremplin-test-failures/): a flaky failure on a clean clone
    can then be read from CI's output instead of guessed."""
    outcome = yield
    report = outcome.get_result()
    page = getattr(item, "funcargs", {}).get("page")
    if report.when != "call" or not report.failed or not hasattr(page, "screenshot"):
        return
    try:
        text = page.inner_text("body", timeout=5000)
        folder = Path(tempfile.gettempdir()) / "tremplin-test-failures"
        folder.mkdir(exist_ok=True)
        shot = folder / ("".join(c if c.isalnum() else "_" for c in item.nodeid)[-120:] + ".png")
        page.screenshot(path=str(shot), full_page=True, timeout=10000)
    except Exception as error:  # noqa: BLE001 (the test's own failure is what matters)
        report.sections.append(("page at failure", f"not readable: {error}"))
        return
    said = f"{page.url}\n{text[:PAGE_TEXT_AT_FAILURE]}\n(screenshot: {shot})"
    report.sections.append(("page at failure", said))
