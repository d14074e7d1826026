"""A learner's server under JupyterHub: the kiosk's standalone Voilà, behind the hub's login.

JupyterHub starts this instead of `jupyterhub-singleuser` for learners
(`python -m tremplin.grading.hub_singleuser`). It runs the very Voilà of `tremplin kiosk`
(`kiosk_command`, `kiosk_env`: standalone, so no code sent by a browser ever runs and
JupyterLab stays out of reach) with three changes:

- Voilà's identity provider is the hub's OAuth (`HubIdentityProvider`): every page and
  kernel socket needs a hub login holding `access:servers!server=<user>/`, so a learner
  gets a 403 on anyone else's server;
- the learner is the hub user: their workspace DATA/learners/<slug> is opened (or created)
  before Voilà starts and named by TREMPLIN_WORKSPACE, so pages never ask a pseudonym;
- no preheated kernels: one server per learner would otherwise start one kernel per page.

The learner's course (TREMPLIN_COURSE, chosen by the hub from their `nbgrader-<course>`
group, see `hub_courses`) passes through to Voilà and its kernels: hand-ins go there.

Where it listens and under which prefix come from JUPYTERHUB_SERVICE_URL and
JUPYTERHUB_SERVICE_PREFIX, set by the spawner; the spawner's own arguments are ignored.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from jupyterhub.singleuser.extension import JupyterHubIdentityProvider
from jupyterhub.utils import url_path_join
from tremplin.grading.kiosk import kiosk_command, kiosk_env

#: The dotted name Voilà loads as `Voila.identity_provider_class`.
IDENTITY_PROVIDER = "tremplin.grading.hub_singleuser.HubIdentityProvider"


class HubIdentityProvider(JupyterHubIdentityProvider):
    """JupyterHub's OAuth identity provider, fitted to standalone Voilà.

    Voilà builds its identity provider with a token and a login handler (its own password
    login); the hub decides who is logged in, so both are dropped. Voilà mounts the
    provider's handlers as given, not under its base URL, so they are prefixed here.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.pop("token", None)
        kwargs.pop("login_handler_class", None)
        super().__init__(**kwargs)

    def get_handlers(self) -> list[tuple[Any, ...]]:
        prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/")
        callback = urlparse(self.hub_auth.oauth_redirect_uri).path or url_path_join(prefix, "oauth_callback")
        handlers = []
        for route, *rest in super().get_handlers():
            path = callback if route == "/oauth_callback" else url_path_join(prefix, route.lstrip("/"))
            handlers.append((path, *rest))
        return handlers


def listen_address(env: Mapping[str, str]) -> tuple[str, int]:
    """(ip, port) the spawner chose, from JUPYTERHUB_SERVICE_URL (http://ip:port/user/name/)."""
    url = urlparse(env.get("JUPYTERHUB_SERVICE_URL", ""))
    if not url.port:
        raise SystemExit("JUPYTERHUB_SERVICE_URL is missing: start this server from JupyterHub.")
    return url.hostname or "127.0.0.1", url.port


def open_learner_workspace(data_root: Path, user: str) -> Path:
    """The hub user's workspace under DATA/learners, created and seeded as the kiosk does.

    `start_visit` is the one place that creates a learner's workspace (profile, world
    identity, inbox); the visit token it also writes is not needed under the hub (the
    hub login says who is there), so it is ended at once. The folder is made private
    (0700): under real Unix users (TLJH), no other learner can read it.
    """
    from tremplin.widgets.visit import end_visit, start_visit

    visit = start_visit(user, data_root)
    end_visit(visit.token, data_root)
    os.chmod(visit.workspace, 0o700)
    return visit.workspace


def singleuser_command(
    data_root: Path, env: Mapping[str, str], notebooks_dir: Path | None = None
) -> list[str]:
    """The kiosk's Voilà command, listening where the hub says, behind the hub's login."""
    ip, port = listen_address(env)
    prefix = env.get("JUPYTERHUB_SERVICE_PREFIX", "/")
    kiosk = kiosk_command(data_root, port, notebooks_dir)
    kiosk = [arg for arg in kiosk if not arg.startswith("--Voila.ip=")]
    return [
        *kiosk,
        f"--Voila.ip={ip}",  # a container listens on 0.0.0.0; traitlets refuses a second value
        f"--Voila.base_url={prefix}",
        f"--Voila.identity_provider_class={IDENTITY_PROVIDER}",
        "--VoilaConfiguration.preheat_kernel=False",
    ]


def singleuser_env(
    data_root: Path, workspace: Path, env: Mapping[str, str], notebooks_dir: Path | None = None
) -> dict[str, str]:
    """The kiosk's environment plus the learner's workspace (pages read it, not a visit)."""
    result = kiosk_env(data_root, notebooks_dir, base=env)
    result["TREMPLIN_WORKSPACE"] = str(workspace)
    return result


def main(argv: Sequence[str] | None = None) -> None:
    """Open the learner's workspace, then become their Voilà server (exec: one process)."""
    del argv  # the spawner's --port/--notebook-dir arguments are for jupyterhub-singleuser
    from tremplin.widgets.paths import data_root as default_root

    env = dict(os.environ)
    root = Path(default_root()).resolve()
    notebooks = Path(env["TREMPLIN_NOTEBOOKS"]) if env.get("TREMPLIN_NOTEBOOKS") else None
    workspace = open_learner_workspace(root, env["JUPYTERHUB_USER"])
    command = singleuser_command(root, env, notebooks)
    sys.stdout.flush()
    os.execve(command[0], command, singleuser_env(root, workspace, env, notebooks))


if __name__ == "__main__":
    main(sys.argv[1:])
