"""The ``ideogram`` command line: generate, edit and batch images from a shell.

Run ``ideogram --help`` (or ``python -m ideogram_async.cli --help``); the guide is
``docs/cli.md``. The core package never imports this one.
"""

from __future__ import annotations

from ._app import main

__all__ = ["main"]
