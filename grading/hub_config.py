"""JupyterHub settings for a Tremplin room, shared by deploy/jupyterhub_config.py and the TLJH snippet.

One room = one hub: learners sign up, a mediator approves them (NativeAuthenticator), and
each learner gets their own server running the kiosk's standalone Voilà
(`tremplin.grading.hub_singleuser`); mediators (hub admins, the mediators' group, or a
course's `formgrade-<course>` group) get JupyterLab with nbgrader's formgrader on their
course. A room may run several nbgrader courses on one exchange (`tremplin.grading.hub_courses`).
An idle culler stops servers nobody uses. Every value comes from the environment
(`HubSettings.from_env`), so the same file serves a machine on its own, The Littlest JupyterHub and the tests.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tremplin.grading.hub_courses import (
    HubCourse,
    course_groups,
    courses_from_env,
    learner_course,
    mediator_courses,
)

MEDIATOR_DEFAULT_URL = "/lab"
#: Where the hub sends a learner who opens their server ("/" shows the home page as well).
LEARNER_DEFAULT_URL = "/voila/render/accueil.ipynb"


def _names(raw: str) -> frozenset[str]:
    return frozenset(name.strip() for name in raw.split(",") if name.strip())


@dataclass(frozen=True)
class HubSettings:
    """What differs between rooms; read from TREMPLIN_* variables by `from_env`."""

    data_root: Path
    notebooks_dir: Path | None  # None: the kit's own notebooks/, as installed beside the servers
    python: str
    admins: frozenset[str]
    mediators_group: str
    state_dir: Path
    cull_timeout_s: int
    proxy_command: str | None
    courses: tuple[HubCourse, ...] = ()  # default first; empty only when built by hand: DATA/course

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> HubSettings:
        env = dict(os.environ if env is None else env)
        from tremplin.widgets.paths import data_root

        root = data_root(env.get("TREMPLIN_DATA"))
        notebooks = env.get("TREMPLIN_NOTEBOOKS")
        return cls(
            data_root=root,
            notebooks_dir=Path(notebooks).resolve() if notebooks else None,
            python=env.get("TREMPLIN_HUB_PYTHON") or sys.executable,
            admins=_names(env.get("TREMPLIN_HUB_ADMINS", "mediateur")),
            mediators_group=env.get("TREMPLIN_HUB_MEDIATORS", "mediateurs"),
            state_dir=Path(env.get("TREMPLIN_HUB_STATE") or root / "hub").resolve(),
            cull_timeout_s=int(env.get("TREMPLIN_HUB_CULL_TIMEOUT", "3600")),
            proxy_command=env.get("TREMPLIN_HUB_PROXY") or _venv_proxy(),
            courses=courses_from_env(env, root),
        )

    @property
    def room_courses(self) -> tuple[HubCourse, ...]:
        """The courses, default first (the room's one DATA/course when none are listed)."""
        return self.courses or courses_from_env({}, self.data_root)

    @property
    def course_dir(self) -> Path:
        """The default course's folder."""
        return self.room_courses[0].course_dir


def _venv_proxy() -> str | None:
    """configurable-http-proxy installed beside the venv (`npm install --prefix .venv/node …`)."""
    found = Path(sys.prefix) / "node" / "node_modules" / ".bin" / "configurable-http-proxy"
    return str(found) if found.is_file() else None


def _group_names(user: Any) -> set[str]:
    return {group.name for group in getattr(user, "groups", [])}


def is_mediator(user: Any, settings: HubSettings) -> bool:
    """Hub admins, the mediators' group and `formgrade-<course>` members get JupyterLab;
    everyone else is a learner."""
    groups = _group_names(user)
    if getattr(user, "admin", False) or settings.mediators_group in groups:
        return True
    return bool(mediator_courses(settings.room_courses, groups))


def mediator_course(groups: set[str], settings: HubSettings) -> HubCourse:
    """The course a mediator's formgrader opens: their first `formgrade-<course>`, else the default."""
    return (*mediator_courses(settings.room_courses, groups), settings.room_courses[0])[0]


def choose_server(spawner: Any, settings: HubSettings) -> None:
    """pre_spawn_hook: the learner's kiosk Voilà, or the mediator's JupyterLab with the formgrader.

    Both see the room's data root. The learner's hand-ins go to their course (TREMPLIN_COURSE);
    nbgrader finds the mediator's course's nbgrader_config.py through JUPYTER_CONFIG_PATH, so
    the formgrader opens that course wherever the server starts.
    """
    common = {"TREMPLIN_DATA": str(settings.data_root)}
    if settings.notebooks_dir is not None:
        common["TREMPLIN_NOTEBOOKS"] = str(settings.notebooks_dir)
    spawner.environment = {**(spawner.environment or {}), **common}
    groups = _group_names(spawner.user)
    if is_mediator(spawner.user, settings):
        course = mediator_course(groups, settings)
        spawner.cmd = [str(Path(settings.python).with_name("jupyterhub-singleuser"))]
        if os.geteuid() == 0:  # a container's root: Jupyter Server refuses to start without it
            spawner.cmd.append("--allow-root")
        spawner.default_url = MEDIATOR_DEFAULT_URL
        spawner.notebook_dir = str(_formgrader_root(course, settings))
        spawner.environment["JUPYTER_CONFIG_PATH"] = str(course.course_dir)
        return
    spawner.environment["TREMPLIN_COURSE"] = str(learner_course(settings.room_courses, groups).course_dir)
    spawner.cmd = [settings.python, "-m", "tremplin.grading.hub_singleuser"]
    spawner.default_url = LEARNER_DEFAULT_URL


def _formgrader_root(course: HubCourse, settings: HubSettings) -> Path:
    """The formgrader needs the course inside its server's root: the data root, when it holds it."""
    return settings.data_root if course.course_dir.is_relative_to(settings.data_root) else course.course_dir


def configure_servers(c: Any, settings: HubSettings) -> None:
    """Which server each user gets (the part TLJH needs: it brings its own auth and spawner)."""
    c.Spawner.pre_spawn_hook = lambda spawner: choose_server(spawner, settings)
    c.Spawner.http_timeout = 120  # a learner's Voilà imports the kit before it listens
    c.Spawner.start_timeout = 120
    c.Authenticator.admin_users = set(settings.admins)
    c.JupyterHub.load_groups = {
        settings.mediators_group: {"users": sorted(settings.admins)},
        **course_groups(settings.room_courses),
    }


def configure_auth(c: Any) -> None:
    """Learners sign up at /hub/signup; a mediator approves them at /hub/authorize."""
    c.JupyterHub.authenticator_class = "nativeauthenticator.NativeAuthenticator"
    c.NativeAuthenticator.open_signup = False
    c.NativeAuthenticator.minimum_password_length = 8
    c.NativeAuthenticator.check_common_password = True
    # NativeAuthenticator refuses unapproved accounts itself; the hub's allow list is every approved one
    c.Authenticator.allow_all = True


def configure_culler(c: Any, settings: HubSettings) -> None:
    """jupyterhub-idle-culler as a hub service: a server idle for cull_timeout_s is stopped."""
    c.JupyterHub.services = [
        {
            "name": "idle-culler",
            "command": [
                settings.python,
                "-m",
                "jupyterhub_idle_culler",
                f"--timeout={settings.cull_timeout_s}",
                "--cull-every=300",
            ],
        },
    ]
    c.JupyterHub.load_roles = [
        {
            "name": "idle-culler",
            "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
            "services": ["idle-culler"],
        },
    ]


def configure_mail(c: Any, settings: HubSettings) -> None:
    """The room's mail server (`tremplin.grading.hub_mail`) as a hub-managed service."""
    c.JupyterHub.services.append(
        {
            "name": "tremplin-mail",
            "command": [settings.python, "-m", "tremplin.grading.hub_mail"],
            "environment": {"TREMPLIN_DATA": str(settings.data_root)},
        }
    )


def configure_room(c: Any, settings: HubSettings) -> None:
    """A whole room on one machine without root: every part above, plus where the hub keeps its state.

    SimpleLocalProcessSpawner runs every server as the hub's own OS user (no Unix account
    per learner); learners are kept apart by the hub's login and by standalone Voilà, which
    runs no code sent by a browser. TLJH instead creates a Unix user per learner
    (SystemdSpawner): see deploy/tljh/.
    """
    settings.state_dir.mkdir(parents=True, exist_ok=True)
    c.JupyterHub.db_url = f"sqlite:///{settings.state_dir / 'jupyterhub.sqlite'}"
    c.JupyterHub.cookie_secret_file = str(settings.state_dir / "jupyterhub_cookie_secret")
    c.JupyterHub.spawner_class = "jupyterhub.spawner.SimpleLocalProcessSpawner"
    c.SimpleLocalProcessSpawner.home_dir_template = str(settings.state_dir / "homes" / "{username}")
    if settings.proxy_command:
        c.ConfigurableHTTPProxy.command = [settings.proxy_command]
    configure_auth(c)
    configure_servers(c, settings)
    configure_culler(c, settings)
    configure_mail(c, settings)
