"""The one error the documents pieces raise, so a widget can show its French message as is."""

from __future__ import annotations

from tremplin.widgets.errors import TremplinError


class DocumentError(TremplinError):
    """A document could not be read, written or accepted; the message says what to do, in French."""
