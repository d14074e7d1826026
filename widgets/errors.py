"""Errors that carry a message fit for the person in front of the screen.

Raised for bad input (a missing workspace, a malformed world, a wrong argument); the
command line prints the message on one line and exits non-zero, widgets show it in
French. Anything else that escapes is a bug in the kit.
"""


class TremplinError(Exception):
    """A problem the user can fix, explained in one line."""
