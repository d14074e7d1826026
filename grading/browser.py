"""Debian's chromium driven by Playwright, as the tests and the benchmark use it.

Playwright's own browser download does not work on the kit's machines, so it always
launches the system chromium with flags that keep it off the network.
"""

from __future__ import annotations

from pathlib import Path

from tremplin.widgets.errors import TremplinError

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
#: A Voilà page's widgets may take this long to appear on a loaded 2-core machine.
WIDGETS_TIMEOUT_MS = 60_000
#: What counts as "a widget is on screen" in a Voilà page.
WIDGET_SELECTOR = ".jupyter-widgets.widget-text input, .jupyter-widgets button, .widget-button"


def launch_chromium(playwright: object) -> object:
    if not CHROMIUM.is_file():
        raise TremplinError(
            f"{CHROMIUM} est absent : « make test » l'installe (apt-get install chromium, en root). "
            f"/ {CHROMIUM} is missing: `make test` installs it."
        )
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS))
