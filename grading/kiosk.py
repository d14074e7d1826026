"""Build and run the kiosk: standalone Voilà on 127.0.0.1 serving Tremplin's pages.

Standalone Voilà, never the Jupyter server extension: only standalone Voilà refuses
execute requests sent by a browser and keeps JupyterLab out of reach. Every Voilà setting
lives in notebooks/voila/voila.json (plus voila.py for the one JSON cannot hold); this
module only adds what depends on the run: the port, the folder served, and the
environment (TREMPLIN_DATA for the kernels, JUPYTER_PATH so Voilà finds the Tremplin
template). `kiosk_command` and `kiosk_env` let tests and the benchmark start exactly the
server that `tremplin kiosk` starts.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from tremplin.widgets.errors import TremplinError
from tremplin.widgets.i18n import t
from tremplin.widgets.visit import LEARNERS_DIR, VISITOR_CELL_TAG, VISITS_DIR

from tremplin import NOTEBOOKS_DIR

HOST = "127.0.0.1"
DEFAULT_PORT = 8866
HOME_NOTEBOOK = "accueil.ipynb"
SETTINGS_FOLDER = "voila"
SETTINGS_FILE = "voila.json"
#: Seconds `run_kiosk` waits for Voilà to listen before giving up.
START_TIMEOUT_S = 120.0
#: JupyterLab extensions installed beside nbgrader that fail to load in a Voilà page (each logs
#: a "shared module" error in the browser console); no kiosk or dashboard page needs them.
NOT_FOR_VOILA = ("@jupyter/nbgrader", "@jupyter-notebook/lab-extension")


def voila_dir(notebooks_dir: Path | None = None) -> Path:
    """notebooks/voila: the settings files and, under templates/, the Tremplin template."""
    return Path(notebooks_dir or NOTEBOOKS_DIR).resolve() / SETTINGS_FOLDER


def load_settings(notebooks_dir: Path | None = None) -> dict[str, Any]:
    """voila.json as a dict; a TremplinError naming the file if it is missing or malformed."""
    path = voila_dir(notebooks_dir) / SETTINGS_FILE
    try:
        settings = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise TremplinError(t("kiosk.settings_unreadable", path=path, reason=error.strerror)) from error
    except json.JSONDecodeError as error:
        reason = f"ligne {error.lineno} : {error.msg}"
        raise TremplinError(t("kiosk.settings_unreadable", path=path, reason=reason)) from error
    if not isinstance(settings, dict):
        raise TremplinError(t("kiosk.settings_unreadable", path=path, reason="JSON object expected"))
    return settings


def cell_timeout_policy(settings_file: str | Path) -> Callable[[Any], int | None]:
    """The per-cell time limit for `VoilaExecutor.timeout_func` (called from voila.py).

    A preheated kernel runs a page until its first cell waits for the visitor; that wait
    lasts until someone opens the page, so it must not count against the limit. Cells
    tagged VISITOR_CELL_TAG therefore have none; every other cell gets
    `VoilaExecutor.timeout` seconds from voila.json.
    """
    settings = json.loads(Path(settings_file).with_name(SETTINGS_FILE).read_text(encoding="utf-8"))
    limit = settings.get("VoilaExecutor", {}).get("timeout")

    def cell_timeout(cell: Any) -> int | None:
        tags = (cell.get("metadata") or {}).get("tags") or []
        return None if VISITOR_CELL_TAG in tags else limit

    return cell_timeout


def kiosk_command(data_root: Path, port: int = DEFAULT_PORT, notebooks_dir: Path | None = None) -> list[str]:
    """The Voilà command line of the kiosk (run it with `kiosk_env(data_root)`)."""
    del data_root  # the data root travels in the environment (TREMPLIN_DATA), not on the line
    served = Path(notebooks_dir or NOTEBOOKS_DIR).resolve()
    return [
        sys.executable,
        "-m",
        "voila",
        str(served),
        f"--Voila.config_file_paths={voila_dir(served)}",
        f"--Voila.root_dir={served}",
        f"--Voila.ip={HOST}",
        f"--port={int(port)}",
        "--Voila.port_retries=0",
        "--no-browser",
        *[f"--VoilaConfiguration.extension_denylist={name}" for name in NOT_FOR_VOILA],
    ]


def kiosk_env(
    data_root: Path, notebooks_dir: Path | None = None, base: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The environment of the Voilà process, inherited by every kernel it starts.

    TREMPLIN_DATA is the absolute data root; TREMPLIN_NOTEBOOKS the folder served (the home
    page lists its lessons); JUPYTER_PATH starts with that folder, so that Voilà finds the
    template in voila/templates/tremplin/ without installing anything.
    """
    served = Path(notebooks_dir or NOTEBOOKS_DIR).resolve()
    env = dict(os.environ if base is None else base)
    jupyter_path = [str(served), *[p for p in env.get("JUPYTER_PATH", "").split(os.pathsep) if p]]
    env.update(
        TREMPLIN_DATA=str(Path(data_root).resolve()),
        TREMPLIN_NOTEBOOKS=str(served),
        JUPYTER_PATH=os.pathsep.join(jupyter_path),
        PYTHONUNBUFFERED="1",
    )
    return env


def home_url(port: int = DEFAULT_PORT) -> str:
    """The address learners open; `/` sends them on to the home page."""
    return f"http://{HOST}:{int(port)}/"


def free_port() -> int:
    """A port nobody listens on right now (for tests and the benchmark's servers)."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def ensure_port_free(port: int) -> None:
    """Raise one clear TremplinError if something already listens on 127.0.0.1:port."""
    if not 0 < port < 65536:
        raise TremplinError(t("kiosk.bad_port", port=port))
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError as error:
            raise TremplinError(t("kiosk.port_in_use", port=port)) from error


def prepare_data_root(data_root: Path) -> list[str]:
    """Make the folders the visits write to; return warnings (e.g. no world built yet)."""
    root = Path(data_root).resolve()
    try:
        for name in (LEARNERS_DIR, VISITS_DIR):
            (root / name).mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise TremplinError(t("kiosk.data_unwritable", path=root, reason=error.strerror)) from error
    warnings = []
    if not (root / "world" / "world.json").is_file():
        warnings.append(t("kiosk.no_world", path=root / "world"))
    return warnings


def wait_until_listening(process: subprocess.Popen, port: int, timeout: float = START_TIMEOUT_S) -> bool:
    """True once 127.0.0.1:port accepts connections; False if the process ended or time ran out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.2)
    return False


def run_kiosk(
    data_root: Path,
    port: int = DEFAULT_PORT,
    notebooks_dir: Path | None = None,
    *,
    say: Callable[[str], None] = print,
) -> int:
    """Start Voilà, announce the address once it answers, and run until stopped (Ctrl+C)."""
    served = Path(notebooks_dir or NOTEBOOKS_DIR).resolve()
    if not (served / HOME_NOTEBOOK).is_file():
        raise TremplinError(t("kiosk.no_home", path=served / HOME_NOTEBOOK))
    load_settings(served)  # a malformed settings file stops here, with its line
    ensure_port_free(port)
    for warning in prepare_data_root(data_root):
        say(warning)
    from tremplin.widgets.mail_server import start_for_kiosk

    # the room's own mail server, on 127.0.0.1; kernels find it in data/mail/server.json
    mail = start_for_kiosk(data_root)
    try:
        return serve_until_stopped(
            kiosk_command(data_root, port, served),
            kiosk_env(data_root, served),
            port,
            say,
            failed=t("kiosk.start_failed", port=port),
            ready=t("kiosk.ready", url=home_url(port)),
            stopped=t("kiosk.stopped"),
        )
    finally:
        mail.stop()


def serve_until_stopped(
    command: list[str],
    env: Mapping[str, str],
    port: int,
    say: Callable[[str], None],
    *,
    failed: str,
    ready: str,
    stopped: str,
) -> int:
    """Run a Voilà server, say `ready` once it answers, stop it cleanly on Ctrl+C or SIGTERM."""
    process = subprocess.Popen(command, env=dict(env))
    _stop_on_sigterm()
    try:
        if not wait_until_listening(process, port):
            _stop(process)
            raise TremplinError(failed)
        say(ready)
        return process.wait()
    except KeyboardInterrupt:
        _stop(process)
        say(stopped)
        return 0


def _stop_on_sigterm() -> None:
    """Treat SIGTERM like Ctrl+C, so a service manager stopping us also stops Voilà's kernels."""

    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    with contextlib.suppress(ValueError):  # not the main thread (embedded use): leave signals alone
        signal.signal(signal.SIGTERM, interrupt)


def _stop(process: subprocess.Popen) -> None:
    """Ask Voilà to stop (it then shuts its kernels down), and insist if it does not."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
