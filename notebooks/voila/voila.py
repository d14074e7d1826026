"""Voilà reads this beside voila.json (`--Voila.config_file_paths`): what JSON cannot hold.

Every value lives in voila.json. With preheated kernels a page's first cell waits for its
visitor, which can take hours, so the execution timeout must not count that wait: the
policy below gives cells tagged "tremplin-wait-for-visitor" no limit and every other cell
`VoilaExecutor.timeout` seconds. It also installs, in Voilà's process only, the caches that
spare each page view compiling templates and rendering markdown again (grading/kiosk_speed.py).
"""

from tremplin.grading import kiosk_speed
from tremplin.grading.kiosk import cell_timeout_policy

kiosk_speed.install()

c.VoilaExecutor.timeout_func = cell_timeout_policy(__file__)  # noqa: F821 (`c` is traitlets' config)
