"""JupyterHub for one Tremplin room on one machine: `jupyterhub -f deploy/jupyterhub_config.py`.

Learners sign up at /hub/signup and wait for a mediator's approval (/hub/authorize);
each learner's server is the kiosk's standalone Voilà, each mediator's is JupyterLab with
nbgrader's formgrader. Settings come from the environment (see docs/jupyterhub.md):
TREMPLIN_DATA (the room's data root), TREMPLIN_HUB_ADMINS (mediators, comma-separated,
default « mediateur »), TREMPLIN_HUB_STATE, TREMPLIN_HUB_CULL_TIMEOUT, TREMPLIN_HUB_PROXY,
TREMPLIN_HUB_COURSES (several nbgrader courses, e.g. « mardi,jeudi »; default: DATA/course alone).
Add a public address with `--JupyterHub.bind_url=https://…` (and a certificate).
"""

from tremplin.grading.hub_config import HubSettings, configure_room

c = get_config()  # noqa: F821 (given by JupyterHub)
configure_room(c, HubSettings.from_env())
