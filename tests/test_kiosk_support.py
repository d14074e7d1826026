"""Starting a real kiosk for tests: the `tremplin kiosk` command in a subprocess.

Not a test module of its own (no tests inside); test_kiosk*.py import it. The kiosk serves
a copy of notebooks/ holding the real home page and Voilà settings, plus pages the tests
need (a placeholder lesson, an épreuve, a notebook that raises), so the real lessons'
heavy kernels are not started for nothing.
"""

from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tremplin.grading.browser import WIDGETS_TIMEOUT_MS
from tremplin.grading.kiosk import free_port

from tremplin import NOTEBOOKS_DIR

#: The real `tremplin` command line (`python -m tremplin`), run with `-c` by the helpers below.
CLI = "import sys; from tremplin.grading import cli; sys.exit(cli.main(sys.argv[1:]))"
LESSON_TITLE = "Leçon d'essai du kiosque"
EPREUVE_TITLE = "Épreuve d'essai du kiosque"
SECRET_SOURCE = "kiosk_secret_source_marker"



def _notebook(cells: list[dict], title: str | None = None) -> dict:
    metadata: dict = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    if title:
        metadata["tremplin"] = {"title": title}
    return {"cells": cells, "metadata": metadata, "nbformat": 4, "nbformat_minor": 5}


def _code(source: str, tags: tuple[str, ...] = ()) -> dict:
    return {"cell_type": "code", "execution_count": None, "metadata": {"tags": list(tags)},
            "outputs": [], "source": source}


def _markdown(source: str) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": source}


def build_notebooks(folder: Path) -> Path:
    """A served folder: the real accueil.ipynb and voila/, plus small test pages."""
    folder.mkdir(parents=True)
    shutil.copy2(NOTEBOOKS_DIR / "accueil.ipynb", folder / "accueil.ipynb")
    shutil.copytree(NOTEBOOKS_DIR / "voila", folder / "voila")
    wait = _code("from tremplin.widgets.visit import wait_for_visitor\nwait_for_visitor()",
                 ("tremplin-wait-for-visitor",))
    lesson = _notebook([
        _markdown("# Titre lu dans le markdown"),
        wait,
        _code(
            "from IPython.display import HTML, display\n"
            "from tremplin.widgets.visit import current_visit, missing_visit_html\n"
            f"{SECRET_SOURCE} = current_visit()\n"
            f"display(HTML('<p>Bonjour ' + {SECRET_SOURCE}.pseudonym + '</p>') if {SECRET_SOURCE} "
            "else HTML(missing_visit_html()))"
        ),
    ], title=LESSON_TITLE)
    (folder / "lecons").mkdir()
    (folder / "lecons" / "00-essai.ipynb").write_text(json.dumps(lesson), encoding="utf-8")
    (folder / "epreuves").mkdir()
    epreuve = _notebook([_markdown(f"# {EPREUVE_TITLE}"), _code("print('épreuve')")])
    (folder / "epreuves" / "essai.ipynb").write_text(json.dumps(epreuve), encoding="utf-8")
    boom = _notebook([_code("def kiosk_boom():\n    raise ValueError('kiosk_boom_secret')\nkiosk_boom()")])
    (folder / "boom.ipynb").write_text(json.dumps(boom), encoding="utf-8")
    return folder


@dataclass
class Kiosk:
    process: subprocess.Popen
    port: int
    data: Path
    notebooks: Path
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def get(self, path: str, timeout: float = 90) -> tuple[int, str, str]:
        """(status, final URL, body) of a GET; errors are returned, not raised."""
        try:
            with urllib.request.urlopen(self.url + path.lstrip("/"), timeout=timeout) as response:
                return response.status, response.geturl(), response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, error.geturl(), error.read().decode("utf-8", "replace")

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def run_cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", CLI, *args], capture_output=True, text=True, timeout=timeout)


def start_kiosk(
    tmp: Path, timeout: float = 120, *, notebooks: Path | None = None, data: Path | None = None
) -> Kiosk:
    """Run `tremplin kiosk` on a free port; return once it printed its address (or fail).

    By default it serves the small test pages of `build_notebooks`; pass the real
    notebooks folder (and a data root holding a world) to test the real lessons.
    """
    notebooks = notebooks or build_notebooks(tmp / "notebooks")
    data = data or tmp / "data"
    log = tmp / "kiosk.log"
    port = free_port()
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-c", CLI, "kiosk", "--port", str(port), "--data", str(data),
             "--notebooks", str(notebooks)],
            stdout=out, stderr=subprocess.STDOUT,
        )
    return wait_until_ready(Kiosk(process, port, data, notebooks, log), "Tremplin est prêt", timeout)


def wait_until_ready(server: Kiosk, marker: str, timeout: float) -> Kiosk:
    """The server once its output says `marker`; stopped, with its output, if it never does."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if marker in server.output():
            return server
        if server.process.poll() is not None:
            break
        time.sleep(0.2)
    server.stop()
    raise AssertionError(f"the server did not start:\n{server.output()[-3000:]}")


def served_pages(tmp: Path, pages: tuple[str, ...]) -> Path:
    """A copy of the kit's notebooks folder with its template, its home page and only `pages`
    (paths like « lecons/06-….ipynb »): each served page preheats a kernel, and the kit's 28
    starting at once keep a 2-core machine busy long enough to time a browser test out."""
    from tremplin import NOTEBOOKS_DIR

    served = tmp / "notebooks"
    shutil.copytree(Path(NOTEBOOKS_DIR) / "voila", served / "voila")
    for page in ("accueil.ipynb", *pages):
        (served / page).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(Path(NOTEBOOKS_DIR) / page, served / page)
    return served


def start_real_kiosk(
    tmp: Path, world_dir: Path, pages: tuple[str, ...], epreuves: tuple[str, ...] = ()
) -> Kiosk:
    """The kit's real `pages` on a data root that links `world_dir`; `epreuves` are released
    through nbgrader's exchange first, so they can be handed in."""
    from tremplin.grading.course import CourseLayout, init_course, open_course
    from tremplin.grading.exchange import release_epreuves

    data = tmp / "data"
    data.mkdir()
    (data / "world").symlink_to(world_dir, target_is_directory=True)
    if epreuves:
        layout = CourseLayout.under(data)
        init_course(layout, epreuves=list(epreuves))
        release_epreuves(open_course(layout.course_dir), list(epreuves), progress=lambda _l: None)
    return start_kiosk(tmp, notebooks=served_pages(tmp, pages), data=data)


def verify(page, shows: str) -> str:
    """Click « Vérifier » and return the panel once it says `shows`."""
    panel = page.locator(".tremplin-feedback")
    exact_button(page, "Vérifier").click()
    panel.get_by_text(shows).first.wait_for(timeout=WIDGETS_TIMEOUT_MS)
    return panel.inner_text()


def exact_button(page, label: str):
    """A button by its whole label (an icon before it adds no letter)."""
    return page.get_by_role("button", name=re.compile(rf"^\W*{re.escape(label)}\W*$"))


#: The searching lesson and its épreuve: the real pages several browser test files visit.
SEARCH_LESSON = "lecons/01-chercher-des-offres.ipynb"
SEARCH_EPREUVE = "epreuves/chercher-offres.ipynb"
#: A public computer's screen, for the tests that measure what fits on it.
SCREEN = {"width": 1280, "height": 800}


def start_search_kiosk(tmp: Path, world_dir: Path) -> Kiosk:
    """One real kiosk for the searching lesson and its released épreuve (conftest's
    `search_kiosk` shares it between the test files that only visit those pages)."""
    return start_real_kiosk(tmp, world_dir, (SEARCH_LESSON, SEARCH_EPREUVE), epreuves=("chercher-offres",))


@contextmanager
def browser_context(
    browser,
    *,
    navigation_ms: float | None = None,
    timeout_ms: float | None = None,
    viewport: dict | None = None,
    init_script: str | None = None,
) -> Iterator[object]:
    """A fresh chromium context (its own cookies and storage: a new kiosk session), closed after."""
    context = browser.new_context(viewport=viewport) if viewport else browser.new_context()
    if navigation_ms is not None:
        context.set_default_navigation_timeout(navigation_ms)
    if timeout_ms is not None:
        context.set_default_timeout(timeout_ms)
    if init_script:
        context.add_init_script(init_script)
    try:
        yield context
    finally:
        context.close()
