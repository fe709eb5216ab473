"""An emulator of Ideogram's API, to try the SDK and test code without a key or credits.

>>> from ideogram_async.testing import Emulator
>>> emu = Emulator()
>>> client = emu.client()  # an AsyncIdeogram talking to the emulator in-process

Run it on a port with ``python -m ideogram_async.testing --port 8000`` (needs the
``emulator`` extra), and use the ``ideogram_emulator`` / ``ideogram_client`` pytest fixtures.
"""

from __future__ import annotations

from ._app import EmulatedConnectionReset, Emulator, FaultMode, RecordedRequest
from ._generate import UNSAFE_IMAGE, UNSAFE_PROMPT
from ._store import EmulatorStats
from ._webhooks import Delivery, WebhookSender

__all__ = [
    "UNSAFE_IMAGE",
    "UNSAFE_PROMPT",
    "Delivery",
    "EmulatedConnectionReset",
    "Emulator",
    "EmulatorStats",
    "FaultMode",
    "RecordedRequest",
    "WebhookSender",
]
