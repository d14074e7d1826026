"""Status lines a screen reader announces: the status widget itself is the live region.

A message inserted with a role of its own (`<p role="status">…`) is not announced by every
screen reader: a live region must be on the page before its message. So a widget that shows
messages is marked with LIVE_CLASS; tremplin.js makes it a polite live region as soon as it
is drawn, and each message that arrives in it passes it its kind (status, or alert: assertive)
and keeps no role of its own — said once, whatever the reader. The widget's HTML keeps its
roles, so a page without tremplin.js (nbgrader, a test) still says what each message is.
"""

from __future__ import annotations

from typing import TypeVar

import ipywidgets as w

#: The class tremplin.js looks for (notebooks/voila/templates/tremplin/static/tremplin.js).
LIVE_CLASS = "tremplin-live"

W = TypeVar("W", bound=w.DOMWidget)


def live(widget: W) -> W:
    """`widget`, marked as the live region of the messages it will show."""
    widget.add_class(LIVE_CLASS)
    return widget
