"""Starting a real JupyterHub room for tests: deploy/jupyterhub_config.py with its proxy.

Not a test module (no tests inside); test_jupyterhub.py imports it. The hub runs the room's
real configuration (NativeAuthenticator, the kiosk's Voilà per learner, JupyterLab for the
mediators, the idle culler, the room's courses) with configurable-http-proxy from npm, on
free ports of 127.0.0.1. The served folder holds the real home page and Voilà settings plus
a page where the learner is greeted, sees their course's épreuves and hands them in.
`HubUser` drives the hub as a browser would, over HTTP, with its cookies and _xsrf tokens.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import requests
from tremplin.grading.kiosk import free_port

from tremplin import NOTEBOOKS_DIR

DEPLOY_CONFIG = Path(__file__).resolve().parents[1] / "deploy" / "jupyterhub_config.py"
MEDIATOR = "mediateur"
PASSWORD = "Tremplin-salle-2026"
EPREUVE = "lettre-hub"
#: The second course's épreuve: a learner of the first course must never see it.
JEUDI_EPREUVE = "lettre-jeudi"
WORK_PAGE = "epreuves/travail.ipynb"


def _wait_cell() -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(
        "from tremplin.widgets.visit import wait_for_visitor\nwait_for_visitor()"
    )
    cell.metadata["tags"] = ["tremplin-wait-for-visitor"]
    return cell


def _page(path: Path, *sources: str) -> None:
    notebook = nbformat.v4.new_notebook(cells=[_wait_cell(), *map(nbformat.v4.new_code_cell, sources)])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)


def build_served(folder: Path) -> Path:
    """The kit's home page and Voilà settings, plus a page where the learner works and hands in.

    The page greets its learner with their workspace, lists the épreuves released in their
    course (the one the hub named in TREMPLIN_COURSE), writes the letter only for learners
    whose name starts with « a » (so the grades tell them apart) and hands every one in.
    """
    shutil.copytree(NOTEBOOKS_DIR / "voila", folder / "voila")
    shutil.copy2(NOTEBOOKS_DIR / "accueil.ipynb", folder / "accueil.ipynb")
    _page(
        folder / WORK_PAGE,
        "from tremplin.grading.course import learner_course_dir, open_course\n"
        "from tremplin.grading.exchange import hand_in\n"
        "from tremplin.widgets.visit import current_visit\n"
        "visit = current_visit()\n"
        "print('Bonjour ' + visit.pseudonym + ' depuis ' + str(visit.workspace))\n"
        "epreuves = open_course(learner_course_dir()).released_epreuves()\n"
        "print('Épreuves : ' + ', '.join(epreuves))\n"
        "if visit.slug.startswith('a'):\n"
        "    (visit.workspace / 'documents' / 'lettre.txt').write_text('Bonjour', encoding='utf-8')\n"
        "for epreuve in epreuves:\n"
        "    hand_in(None, epreuve, visit.slug, visit.workspace)\n"
        "print('Rendu enregistré pour ' + visit.slug)",
    )
    return folder


def build_epreuve(exercises: Path, epreuve: str = EPREUVE) -> Path:
    """A one-test épreuve: the hand-in's workspace holds documents/lettre.txt (1 point)."""
    test = nbformat.v4.new_code_cell(
        "from pathlib import Path\nassert Path('workspace/documents/lettre.txt').is_file()"
    )
    test.metadata["nbgrader"] = {
        "grade": True,
        "grade_id": "t-lettre",
        "locked": True,
        "points": 1,
        "schema_version": 3,
        "solution": False,
    }
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("Écrivez une lettre."), test])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    folder = exercises / epreuve
    folder.mkdir(parents=True)
    nbformat.write(notebook, folder / f"{epreuve}.ipynb")
    return exercises


@dataclass
class Hub:
    process: subprocess.Popen
    port: int
    data: Path
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        """SIGTERM: the hub stops the servers it spawned and its proxy before it exits."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._stop_orphan_proxy()

    def _stop_orphan_proxy(self) -> None:
        """A hub stopped while starting leaves its proxy running; its pid file says which one."""
        with contextlib.suppress(OSError, ValueError):  # no pid file: it stopped with the hub
            pid = int((self.log.parent / "jupyterhub-proxy.pid").read_text().strip())
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
            if b"configurable-http-proxy" in command and f"{self.port}".encode() in command:
                os.kill(pid, signal.SIGTERM)


def start_hub(
    tmp: Path, data: Path, notebooks: Path, timeout: float = 180, settings: dict[str, str] | None = None
) -> Hub:
    """`jupyterhub -f deploy/jupyterhub_config.py` on free ports; return once it answers."""
    return wait_until_up(launch_hub(tmp, data, notebooks, settings), timeout)


def launch_hub(tmp: Path, data: Path, notebooks: Path, settings: dict[str, str] | None = None) -> Hub:
    """Start the hub without waiting for it (the caller may prepare courses meanwhile).

    `settings`: more TREMPLIN_HUB_* variables (the room's courses…)."""
    port, hub_port, api_port = free_port(), free_port(), free_port()
    log = tmp / "jupyterhub.log"
    env = {
        **_base_env(),
        "TREMPLIN_DATA": str(data),
        "TREMPLIN_NOTEBOOKS": str(notebooks),
        "TREMPLIN_HUB_ADMINS": MEDIATOR,
        "TREMPLIN_HUB_STATE": str(tmp / "hub"),
        **(settings or {}),
    }
    command = [
        sys.executable,
        "-m",
        "jupyterhub",
        "-f",
        str(DEPLOY_CONFIG),
        f"--JupyterHub.bind_url=http://127.0.0.1:{port}",
        f"--JupyterHub.hub_bind_url=http://127.0.0.1:{hub_port}",
        f"--ConfigurableHTTPProxy.api_url=http://127.0.0.1:{api_port}",
    ]
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=tmp, env=env, stdout=out, stderr=subprocess.STDOUT)
    return Hub(process, port, data, log)


def wait_until_up(hub: Hub, timeout: float = 180) -> Hub:
    """Return the hub once its API answers; stop it and fail with its log if it never does."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and hub.process.poll() is None:
        try:
            if requests.get(f"{hub.url}/hub/api/", timeout=2).ok:
                return hub
        except requests.RequestException:
            pass
        time.sleep(0.3)
    hub.stop()
    raise AssertionError(f"JupyterHub did not start:\n{hub.output()[-4000:]}")


PROXY = Path(__file__).parent / "node" / "node_modules" / ".bin" / "configurable-http-proxy"


def _base_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("TREMPLIN_WORKSPACE", None)
    env["PATH"] = f"{Path(sys.executable).parent}:{env.get('PATH', '')}"
    # the proxy `make test` installs from tests/node's lock file
    env.setdefault("TREMPLIN_HUB_PROXY", str(PROXY))
    return env


class HubUser:
    """One person's browser session on the hub: sign-up, login, their server, pages."""

    def __init__(self, hub: Hub, name: str) -> None:
        self.hub, self.name = hub, name
        self.session = requests.Session()

    def _xsrf(self, prefix: str = "/hub/", page: str = "/hub/login") -> str:
        """The _xsrf token of the hub (or of a server: prefix /user/<name>/), fetched once by a page."""
        for _attempt in range(2):
            for cookie in self.session.cookies:
                hub_cookie = not cookie.path.startswith("/user/")
                if cookie.name == "_xsrf" and (
                    cookie.path.rstrip("/") == prefix.rstrip("/") or (prefix == "/hub/" and hub_cookie)
                ):
                    return cookie.value
            self.session.get(f"{self.hub.url}{page}", timeout=90)
        raise AssertionError(f"no _xsrf cookie for {prefix}: {list(self.session.cookies)}")

    def post_form(self, path: str, fields: dict[str, str]) -> requests.Response:
        return self.session.post(
            f"{self.hub.url}{path}", data={**fields, "_xsrf": self._xsrf()}, allow_redirects=False, timeout=60
        )

    def sign_up(self) -> requests.Response:
        return self.post_form(
            "/hub/signup",
            {
                "username": self.name,
                "signup_password": PASSWORD,
                "signup_password_confirmation": PASSWORD,
            },
        )

    def log_in(self) -> bool:
        """True when the hub accepted the password (it redirects and sets its login cookie)."""
        response = self.post_form("/hub/login", {"username": self.name, "password": PASSWORD})
        return response.status_code == 302 and "jupyterhub-hub-login" in self.session.cookies

    def get(self, path: str) -> requests.Response:
        return self.session.get(f"{self.hub.url}{path}", timeout=90)

    def add_to_group(self, group: str, names: list[str]) -> None:
        """What an admin does at /hub/admin → Groups (the page calls this very API)."""
        response = self.session.post(
            f"{self.hub.url}/hub/api/groups/{group}/users",
            json={"users": names},
            headers={"X-XSRFToken": self._xsrf()},
            timeout=60,
        )
        assert response.status_code == 200, response.text

    def formgrader_api(self, path: str, method: str = "GET") -> requests.Response:
        """nbgrader's formgrader API on one's own JupyterLab, as its page calls it (with _xsrf)."""
        prefix = f"/user/{self.name}/"
        token = self._xsrf(prefix, f"{prefix}formgrader")
        return self.session.request(
            method,
            f"{self.hub.url}{prefix}formgrader/api/{path}",
            headers={"X-XSRFToken": token},
            timeout=120,
        )

    def request_server(self) -> None:
        """Ask the hub for one's server, as the « Start » button does (the hub answers at once)."""
        response = self.session.post(
            f"{self.hub.url}/hub/api/users/{self.name}/server",
            headers={"X-XSRFToken": self._xsrf()},
            timeout=60,
        )
        assert response.status_code in (201, 202), response.text

    def wait_for_server(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            model = self.get(f"/hub/api/users/{self.name}").json()
            server = (model.get("servers") or {}).get("")
            if server and server.get("ready"):
                return
            time.sleep(0.5)
        raise AssertionError(f"{self.name}'s server did not start:\n{self.hub.output()[-4000:]}")

    def page(self, user: str, page: str) -> requests.Response:
        """A page of `user`'s kiosk, following the OAuth redirects through the hub."""
        response = self.get(f"/user/{user}/voila/render/{page}")
        response.encoding = "utf-8"  # Voilà's pages are UTF-8; its Content-Type does not say so
        return response


def gradebook_scores(
    course_dir: Path, epreuve: str, learners: list[str], course_id: str = "tremplin"
) -> dict[str, float]:
    """Each learner's autograded score of the épreuve, read back from nbgrader's gradebook."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}", course_id) as gradebook:
        return {name: gradebook.find_submission(epreuve, name).score for name in learners}


def server_memory_mb(user: str) -> tuple[int, float]:
    """(processes, resident MB) of a user's server: every process the hub started for them
    (Voilà and its kernels inherit JUPYTERHUB_USER), read from /proc."""
    count, rss_kb = 0, 0
    for proc in Path("/proc").iterdir():
        try:
            environ = (proc / "environ").read_bytes().split(b"\0")
            if f"JUPYTERHUB_USER={user}".encode() not in environ:
                continue
            status = (proc / "status").read_text()
        except (OSError, ValueError):
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                count, rss_kb = count + 1, rss_kb + int(line.split()[1])
    return count, rss_kb / 1024
