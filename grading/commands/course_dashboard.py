"""`tremplin course dashboard`: the mediators' dashboard, served by Voilà on 127.0.0.1 only.

It reuses the kiosk's pieces (grading/kiosk.py): the same Voilà settings and template, the
same port checks and start/stop handling, but serves the one dashboard notebook and sets
DASHBOARD_ENV: the only kernels allowed to show the dashboard are this command's. Like the
kiosk's pages, the notebook's preheated kernel only imports, then waits for the request:
each opening reads the gradebook as it is then.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from tremplin.widgets.i18n import t

from tremplin import NOTEBOOKS_DIR

DEFAULT_PORT = 8867
NOTEBOOK = Path("mediateur") / "tableau-de-bord.ipynb"


def register_steps(steps: argparse._SubParsersAction, where: argparse.ArgumentParser) -> None:
    """Add `dashboard` to `tremplin course` (`where` carries --data)."""
    from tremplin.grading.commands.course import COURSE_HELP

    step = steps.add_parser(
        "dashboard",
        parents=[where],
        help="tableau de bord du groupe (Voilà) / the group's dashboard (Voilà)",
        description=(
            "Ouvre le tableau de bord des médiateurs sur 127.0.0.1 : compétences par "
            "apprenant·e, progression, qui bloque, relectures en attente, export CSV. "
            "Ctrl+C l'arrête. / Serves the mediators' dashboard on 127.0.0.1: competences per "
            "learner, progress, who is stuck, reviews waiting, CSV export. Ctrl+C stops it."
        ),
    )
    step.add_argument("--course", type=Path, default=None, metavar="DIR", help=COURSE_HELP)
    step.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port (défaut / default: {DEFAULT_PORT})"
    )
    step.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from tremplin.grading.course import CourseLayout
    from tremplin.widgets.paths import data_root

    layout = CourseLayout.under(data_root(args.data), args.course)
    return run_dashboard(layout.data_root, layout.course_dir, args.port)


def dashboard_command(
    data_root: Path, port: int = DEFAULT_PORT, notebooks_dir: Path | None = None
) -> list[str]:
    """The kiosk's Voilà command (its extension denylist included), serving the dashboard notebook alone."""
    from tremplin.grading.kiosk import kiosk_command

    served = Path(notebooks_dir or NOTEBOOKS_DIR).resolve()
    command = kiosk_command(data_root, port, served)
    command[command.index(str(served))] = str(served / NOTEBOOK)
    return command


def dashboard_env(data_root: Path, course_dir: Path, notebooks_dir: Path | None = None) -> dict[str, str]:
    """The kiosk's environment plus the course and the mark that allows the dashboard."""
    from tremplin.grading.course import COURSE_ENV
    from tremplin.grading.dashboard_widget import DASHBOARD_ENV
    from tremplin.grading.kiosk import kiosk_env

    env = kiosk_env(data_root, notebooks_dir)
    env.update({COURSE_ENV: str(Path(course_dir).resolve()), DASHBOARD_ENV: "1"})
    return env


def run_dashboard(
    data_root: Path,
    course_dir: Path,
    port: int = DEFAULT_PORT,
    notebooks_dir: Path | None = None,
    *,
    say: Callable[[str], None] = print,
) -> int:
    """Start Voilà, say the address once it answers, run until Ctrl+C (or SIGTERM)."""
    from tremplin.grading.course import CONFIG_NAME
    from tremplin.grading.kiosk import ensure_port_free, home_url, load_settings, serve_until_stopped
    from tremplin.widgets.errors import TremplinError

    served = Path(notebooks_dir or NOTEBOOKS_DIR).resolve()
    if not (Path(course_dir) / CONFIG_NAME).is_file():
        raise TremplinError(t("dashboard.no_course", path=course_dir))
    if not (served / NOTEBOOK).is_file():
        raise TremplinError(t("dashboard.no_notebook", path=served / NOTEBOOK))
    load_settings(served)  # a malformed voila.json stops here, with its line
    ensure_port_free(port)
    return serve_until_stopped(
        dashboard_command(data_root, port, served),
        dashboard_env(data_root, course_dir, served),
        port,
        say,
        failed=t("dashboard.start_failed", port=port),
        ready=t("dashboard.ready", url=home_url(port)),
        stopped=t("dashboard.stopped"),
    )
