"""A one-line progress bar for the mediator's long commands (tqdm is not a dependency).

On a terminal the line is redrawn in place (`Correction  [#####-----] 12/30  chercher-offres · zoe`);
anywhere else (tests, CI logs, a file) each step is a plain line of its own, so a log
never fills with carriage returns. Message lines (`note`) are printed above the bar.
"""

from __future__ import annotations

import shutil
import sys
from typing import TextIO

#: Erase from the cursor to the end of the line (ANSI, understood by every modern terminal).
CLEAR_LINE = "\r\x1b[K"


class ProgressBar:
    """`start(total)`, then `advance(detail)` once per finished item, then `close()`."""

    def __init__(self, label: str, *, stream: TextIO | None = None, out: TextIO | None = None,
                 width: int = 20) -> None:
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.out = out if out is not None else sys.stdout
        self.width = width
        self.total = 0
        self.done = 0
        self.detail = ""
        self.live = _is_tty(self.stream)
        self._drawn = False

    def start(self, total: int) -> None:
        self.total, self.done, self.detail = max(total, 0), 0, ""
        if self.live:
            self._draw()

    def advance(self, detail: str = "") -> None:
        """One more item finished; `detail` names it (e.g. « chercher-offres · zoe »)."""
        self.done = min(self.done + 1, self.total) if self.total else self.done + 1
        self.detail = detail
        if self.live:
            self._draw()
        else:
            self._write(self.stream, self.render() + "\n")

    def note(self, line: str) -> None:
        """A message line (a failure, the summary) that must stay visible above the bar."""
        if self._drawn:
            self._write(self.stream, CLEAR_LINE)
        self._write(self.out, line + "\n")
        if self._drawn:
            self._draw()

    def close(self) -> None:
        """Leave the last state of the bar on its own line."""
        if self._drawn:
            self._write(self.stream, "\n")
            self._drawn = False

    def render(self) -> str:
        filled = self.width * self.done // self.total if self.total else 0
        bar = "#" * filled + "-" * (self.width - filled)
        line = f"{self.label}  [{bar}] {self.done}/{self.total}"
        return f"{line}  {self.detail}" if self.detail else line

    def _draw(self) -> None:
        columns = shutil.get_terminal_size((80, 24)).columns
        self._write(self.stream, CLEAR_LINE + self.render()[: max(columns - 1, 10)])
        self._drawn = True

    @staticmethod
    def _write(stream: TextIO, text: str) -> None:
        stream.write(text)
        stream.flush()


def _is_tty(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # a closed or fake stream
        return False
