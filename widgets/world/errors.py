"""The one error the world raises for a problem the user can fix (bad folder, bad argument)."""

from tremplin.widgets.errors import TremplinError


class WorldError(TremplinError):
    """A world that cannot be built or opened, explained in one French line."""
