"""The Littlest JupyterHub: copy to /opt/tljh/config/jupyterhub_config.d/tremplin.py.

TLJH brings its own authenticator (`tljh-config set auth.type nativeauthenticator.NativeAuthenticator`),
its spawner (a Unix user `jupyter-<name>` per user, SystemdSpawner) and its idle culler.
This snippet chooses each user's server (the kiosk's Voilà for learners, JupyterLab with
the formgrader for mediators), with the room's courses and their groups, and runs the
room's mail server. The kit is installed in
TLJH's user environment (`sudo -E /opt/tljh/user/bin/pip install tremplin`), whose
Python runs the servers, and in the hub's, which reads this file.
"""

import os

from tremplin.grading.hub_config import HubSettings, configure_mail, configure_servers

os.environ.setdefault("TREMPLIN_DATA", "/srv/tremplin/data")
os.environ.setdefault("TREMPLIN_HUB_PYTHON", "/opt/tljh/user/bin/python")
# Several nbgrader courses on this hub (groups nbgrader-<id> / formgrade-<id>): docs/jupyterhub.md
# os.environ.setdefault("TREMPLIN_HUB_COURSES", "mardi,jeudi")

c = get_config()  # noqa: F821 (given by JupyterHub)
settings = HubSettings.from_env()
configure_servers(c, settings)
configure_mail(c, settings)  # the room's SMTP server, which the mail lessons write to
