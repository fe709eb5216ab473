"""A progress line on stderr, with the standard library only."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

__all__ = ["Progress"]


class Progress:
    """Counts finished items: ``[#######-----] 7/12  6 ok  1 failed  4.2s``.

    On a terminal the line is redrawn in place; elsewhere (``--progress`` into a log) each
    update is a line of its own. A disabled instance does nothing, so callers need no checks.
    """

    def __init__(
        self,
        total: int,
        *,
        stream: TextIO,
        enabled: bool,
        label: str = "",
        width: int = 24,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.total = total
        self.ok = 0
        self.failed = 0
        self._stream = stream
        self._enabled = enabled and total > 0
        self._label = label
        self._width = width
        self._clock = clock
        self._started = clock()
        self._redraw = enabled and _isatty(stream)
        self._last_len = 0

    @property
    def done(self) -> int:
        """Items finished, whether they succeeded or not."""
        return self.ok + self.failed

    def start(self) -> None:
        """Draw the empty bar."""
        self._draw()

    def advance(self, ok: bool) -> None:
        """Count one finished item."""
        if ok:
            self.ok += 1
        else:
            self.failed += 1
        self._draw()

    def close(self) -> None:
        """End the line, so what follows starts on a fresh one."""
        if self._enabled and self._redraw:
            self._stream.write("\n")
            self._stream.flush()
        self._enabled = False

    def render(self) -> str:
        """The progress line's text."""
        filled = self._width * self.done // self.total if self.total else self._width
        bar = "#" * filled + "-" * (self._width - filled)
        text = f"[{bar}] {self.done}/{self.total}  {self.ok} ok"
        if self.failed:
            text += f"  {self.failed} failed"
        text += f"  {self._clock() - self._started:.1f}s"
        return f"{self._label} {text}" if self._label else text

    def _draw(self) -> None:
        if not self._enabled:
            return
        text = self.render()
        if self._redraw:
            # Pad over the end of a longer previous line.
            self._stream.write("\r" + text.ljust(self._last_len))
            self._last_len = len(text)
        else:
            self._stream.write(text + "\n")
        self._stream.flush()


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or unusual stream
        return False
