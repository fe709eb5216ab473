"""Progress on stderr, drawn from the batch's events.

On a terminal it is a ``rich`` progress bar (``pip install "ideogram-async[cli]"``), loaded
only then: rich costs tens of milliseconds to import, and ``import ideogram_async`` never
loads it. Elsewhere (``--progress`` into a log, or without rich) each finished item prints a
plain line. ``NO_COLOR`` turns colour off (rich honours it too).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any, TextIO

import ideogram_async as ia
from ideogram_async._prices import format_usd

__all__ = ["Progress", "progress_for"]


class Progress:
    """A progress display; this base draws nothing, so callers need no checks."""

    def start(self, total: int) -> None:
        """Begin, for ``total`` items."""

    def update(self, event: ia.BatchEvent) -> None:
        """Show what an event changed."""

    def close(self) -> None:
        """End the display, so what follows starts on a fresh line."""


def summary(progress: ia.BatchProgress, elapsed: float) -> str:
    """``12/30  11 done  1 failed  3 in flight  14 images  $0.72  4.2s``."""
    text = f"{progress.finished}/{progress.total}  {progress.done} done"
    if progress.failed:
        text += f"  {progress.failed} failed"
    if progress.skipped:
        text += f"  {progress.skipped} skipped"
    if progress.resumed:
        text += f"  ({progress.resumed} from the manifest)"
    text += f"  {progress.in_flight} in flight  {progress.images_saved} images"
    text += f"  {format_usd(progress.cost_usd_micros)}  {elapsed:.1f}s"
    return text


class LineProgress(Progress):
    """One plain line per finished item, for logs and pipes."""

    def __init__(self, stream: TextIO, clock: Callable[[], float] = time.monotonic) -> None:
        self._stream = stream
        self._clock = clock
        self._started = clock()

    def start(self, total: int) -> None:
        self._started = self._clock()

    def update(self, event: ia.BatchEvent) -> None:
        if event.result is None:
            return
        self._stream.write(summary(event.progress, self._clock() - self._started) + "\n")
        self._stream.flush()


class RichProgress(Progress):
    """A rich progress bar redrawn in place on a terminal."""

    def __init__(self, stream: TextIO, *, no_color: bool) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, TextColumn, TimeElapsedColumn
        from rich.progress import Progress as Bar

        self._console = Console(file=stream, no_color=no_color, highlight=False)
        self._bar = Bar(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TextColumn("{task.fields[counts]}"),
            TimeElapsedColumn(),
            console=self._console,
            transient=False,
        )
        self._task: Any = None

    def start(self, total: int) -> None:
        self._bar.start()
        self._task = self._bar.add_task("ideogram", total=total, counts="")

    def update(self, event: ia.BatchEvent) -> None:
        progress = event.progress
        counts = f"{progress.done} done"
        if progress.failed:
            counts += f" [red]{progress.failed} failed[/red]"
        if progress.skipped:
            counts += f" [yellow]{progress.skipped} skipped[/yellow]"
        counts += (
            f"  {progress.in_flight} in flight  {progress.images_saved} images"
            f"  {format_usd(progress.cost_usd_micros)}"
        )
        self._bar.update(self._task, completed=progress.finished, counts=counts)

    def close(self) -> None:
        self._bar.stop()


def progress_for(stream: TextIO, enabled: bool | None) -> Progress:
    """The display for ``stream``: a rich bar on a terminal, lines elsewhere, or none.

    ``enabled`` is ``--progress`` / ``--no-progress``; ``None`` shows it on a terminal only.
    """
    terminal = _isatty(stream)
    if enabled is False or (enabled is None and not terminal):
        return Progress()
    if terminal:
        try:
            return RichProgress(stream, no_color=bool(os.environ.get("NO_COLOR")))
        except ImportError:  # rich is the ``cli`` extra: without it, plain lines
            pass
    return LineProgress(stream)


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # a closed or unusual stream
        return False
