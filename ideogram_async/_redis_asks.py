"""The tickets a process sends to the Redis budget's queue: those asked together go together.

A batch of fifty calls that starts at once would otherwise send fifty scripts, each on a
connection of its own, before the first call could start. Here, the calls that ask while an
ask is on its way wait for it, then go together in the next one, in the order they asked.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Final

import anyio
import anyio.lowlevel

__all__ = ["Answer", "Asks", "Ticket"]

Ticket = tuple[str, int, int]
"""A ticket's id, its weight, and its place in the queue (0 for a new ticket)."""

Answer = tuple[int, int, int, int, int]
"""Places granted (0: queued), their epoch, the pause in force (ms), the ticket's place in the
queue, and the ms to the next lease expiry (-1: no lease)."""

MOST: Final = 100  # tickets in one script call, at most


class _Ask:
    __slots__ = ("answer", "error", "sent", "ticket", "wake")

    def __init__(self, ticket: Ticket) -> None:
        self.ticket = ticket
        self.answer: Answer | None = None
        self.error: Exception | None = None
        self.sent = False
        self.wake = anyio.Event()  # set when answered, or when it is its turn to send


class Asks:
    """Sends tickets through ``send`` (one round trip for many tickets), one batch at a time.

    No task of its own: the first call that asks sends, shielded, for every call waiting; when
    it is done, the next call in line sends the asks made meanwhile.
    """

    def __init__(self, send: Callable[[list[Ticket]], Awaitable[list[Answer]]]) -> None:
        self._send = send
        self._waiting: list[_Ask] = []
        self._sending = False

    async def ask(self, ticket: Ticket) -> Answer:
        """Send ``ticket`` with the others asked meanwhile; return its answer.

        Raises:
            Exception: What ``send`` raised, for every ticket of its batch.
        """
        ask = _Ask(ticket)
        self._waiting.append(ask)
        try:
            while ask.answer is None:
                if ask.error is not None:
                    raise ask.error
                if self._sending:
                    await ask.wake.wait()
                    ask.wake = anyio.Event()
                else:
                    await self._send_waiting()
            return ask.answer
        except BaseException:
            if not ask.sent:
                self._waiting.remove(ask)
            else:
                # On its way: wait for it (sending is shielded and bounded by ``send``), so
                # that whatever the caller sends next (giving the ticket back) comes after.
                with anyio.CancelScope(shield=True):
                    while ask.answer is None and ask.error is None:
                        await ask.wake.wait()
                        ask.wake = anyio.Event()
            raise
        finally:
            if not self._sending and self._waiting:
                self._waiting[0].wake.set()  # the next in line sends what was asked meanwhile

    async def _send_waiting(self) -> None:
        self._sending = True
        try:
            # Shielded: other calls' tickets ride on it.
            with anyio.CancelScope(shield=True):
                # Let the calls started at the same moment as this one ask too.
                await anyio.lowlevel.cancel_shielded_checkpoint()
                batch = self._waiting[:MOST]
                del self._waiting[:MOST]
                for ask in batch:
                    ask.sent = True
                try:
                    answers = await self._send([ask.ticket for ask in batch])
                    for ask, answer in zip(batch, answers, strict=True):
                        ask.answer = answer
                except Exception as exc:
                    for ask in batch:
                        ask.error = exc
                for ask in batch:
                    ask.wake.set()
        finally:
            self._sending = False
