"""Layouts and styles shared by the widgets that never change theirs.

Each ipywidget otherwise makes its own Layout and style models: in the search lesson about 60
of its 90 models, every one created, serialised and sent to the browser when the learner
arrives — the largest part of what 20 learners opening a page at once cost the kiosk's two
cores. Only widgets whose layout and style are never changed after creation may take these
(a shared layout hidden with `display = "none"` would hide every widget holding it).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import ipywidgets as w
from ipywidgets.widgets.widget_string import HTMLStyle, TextStyle


@cache
def plain_layout() -> w.Layout:
    """The default layout, one model for every widget that keeps it."""
    return w.Layout()


@cache
def wide_layout() -> w.Layout:
    """A field as wide as the text column (36em at most)."""
    return w.Layout(width="100%", max_width="36em")


@cache
def labelled(description_width: str) -> TextStyle:
    """The style of a labelled field (a TextStyle also serves dropdowns: it extends theirs)."""
    return TextStyle(description_width=description_width)


@cache
def button_look() -> w.ButtonStyle:
    return w.ButtonStyle()


@cache
def html_look() -> HTMLStyle:
    return HTMLStyle()


def html_widget(value: str = "") -> w.HTML:
    """An HTML widget with the shared layout and style."""
    return w.HTML(value=value, layout=plain_layout(), style=html_look())


def plain_button(**traits: object) -> w.Button:
    """A button with the shared layout and style (its colour comes from `button_style`)."""
    return w.Button(layout=plain_layout(), style=button_look(), **traits)


def column(children: Sequence[w.Widget] = ()) -> w.VBox:
    """A VBox with the shared layout."""
    return w.VBox(list(children), layout=plain_layout())


def line(children: Sequence[w.Widget] = ()) -> w.HBox:
    """An HBox with the shared layout."""
    return w.HBox(list(children), layout=plain_layout())
