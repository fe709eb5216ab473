"""The runtime of the generated sync facade: one event loop thread per client, via a portal.

``Ideogram`` (generated into ``_sync.py``) is a thin shell over an ``AsyncIdeogram``. Each call
builds the coroutine in the caller's thread and runs it on the client's own event loop, which
lives on a daemon thread started on first use and driven through an anyio ``BlockingPortal``.
One loop per client means one httpx pool and one in-flight budget shared by every thread.

- The loop thread is a daemon, so a client nobody closed does not hold the interpreter at exit
  (anyio's ``start_blocking_portal`` is a context manager, which a long-lived client is not).
- After ``os.fork()`` the child finds its pid changed and builds a fresh async client and loop;
  the parent's thread does not exist in the child, and its pool's sockets belong to the parent.
- A ``KeyboardInterrupt`` (or any exception) raised in the caller while it waits cancels the
  task underneath and waits briefly for it to unwind, so its budget places are back before the
  exception reaches the caller.
"""

from __future__ import annotations

import contextvars
import os
import sys
import threading
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterator
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import AbstractAsyncContextManager, AbstractContextManager
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import anyio

if TYPE_CHECKING:
    import asyncio

    from anyio.from_thread import BlockingPortal
    from anyio.streams.memory import MemoryObjectSendStream

__all__ = ["SyncClient", "SyncGroup", "SyncHandle"]

_T = TypeVar("_T")
_A = TypeVar("_A")

_UNWIND_GRACE = 5.0
"""Seconds an interrupted caller waits for the cancelled task to give its places back."""

# POSIX delivers Ctrl-C into a blocked ``Future.result()``; Windows only between timed waits.
_POLL: float | None = None if os.name == "posix" else 0.1


class _LoopThread:
    """An event loop on a daemon thread, serving a ``BlockingPortal`` until stopped."""

    def __init__(self, backend: str) -> None:
        # Loaded here, on first use, not when ``import ideogram_async`` runs (import time).
        import asyncio

        ready: Future[BlockingPortal] = Future()
        self.thread = threading.Thread(
            target=self._serve, args=(backend, ready), name="ideogram-sync-loop", daemon=True
        )
        self.thread.start()
        self.portal = ready.result()
        self.asyncio_loop: asyncio.AbstractEventLoop | None = None
        self._submit = asyncio.run_coroutine_threadsafe
        if backend == "asyncio":
            self.asyncio_loop = self.portal.call(asyncio.get_running_loop)
        self.ident = self.thread.ident
        self.pid = os.getpid()

    @staticmethod
    def _serve(backend: str, ready: Future[BlockingPortal]) -> None:
        from anyio.from_thread import BlockingPortal

        async def main() -> None:
            async with BlockingPortal() as portal:
                ready.set_result(portal)
                await portal.sleep_until_stopped()

        try:
            anyio.run(main, backend=backend)
        except BaseException as exc:  # a backend that will not start: tell the caller
            if not ready.done():
                ready.set_exception(exc)

    def in_loop(self) -> bool:
        return threading.get_ident() == self.ident

    def wait(self, awaitable: Awaitable[_T]) -> _T:
        """Run ``awaitable`` as a task on the loop and wait; an interrupt cancels the task."""
        done = threading.Event()
        scopes: list[anyio.CancelScope] = []
        try:
            future = self.spawn(_drive(done, awaitable, scopes))
        except BaseException:
            if scopes:
                # Interrupted (Ctrl-C) after the task had started on the loop but before its
                # future came back: cancel it there, so it gives back its places, as below.
                self.portal.call(scopes[0].cancel)
                done.wait(_UNWIND_GRACE)
            else:
                _discard(awaitable)  # it will never run: no "never awaited" warning
            raise
        try:
            while True:
                try:
                    result: _T = future.result(_POLL)
                except FutureTimeout:
                    continue
                return result
        except BaseException:
            if not future.done():
                # Interrupted while waiting: cancel the request and let it give back its places.
                future.cancel()
                done.wait(_UNWIND_GRACE)
            raise

    def spawn(self, coroutine: Coroutine[Any, Any, _T]) -> Future[_T]:
        """Start ``coroutine`` as a task on the loop, from any thread but the loop's."""
        if self.asyncio_loop is not None:
            # asyncio's own hand-off is one hop; the portal's waits for the task to be spawned
            # first, which doubles the thread switches of every call.
            if not self.asyncio_loop.is_running():
                coroutine.close()
                raise RuntimeError("the client's event loop has stopped")
            # In an empty context: the caller's context variables (a trio run's among them,
            # which tell anyio which backend it is on) must not leak into the loop's task.
            return contextvars.Context().run(self._submit, coroutine, self.asyncio_loop)
        try:
            return self.portal.start_task_soon(_await, coroutine)
        except RuntimeError:
            if not _in_trio_task():
                coroutine.close()
                raise
        # Trio refuses thread calls from inside any trio run, though this loop is another
        # one: hand the spawning to a short-lived thread, which trio accepts.
        spawned: Future[Future[_T]] = Future()

        def spawn() -> None:
            try:
                spawned.set_result(self.portal.start_task_soon(_await, coroutine))
            except BaseException as exc:
                coroutine.close()
                spawned.set_exception(exc)

        threading.Thread(target=spawn, name="ideogram-sync-spawn", daemon=True).start()
        return spawned.result()

    def stop(self, closing: Callable[[], Awaitable[object]] | None, *, join: bool) -> None:
        """Run ``closing`` on the loop, cancel what still runs, and end the thread."""
        if self.pid != os.getpid():
            return  # a forked child: the thread is the parent's
        try:
            if join:
                try:
                    if closing is not None:
                        self.portal.call(closing)
                finally:
                    self.portal.call(self.portal.stop, True)
            else:
                # From a finalizer, maybe on the loop thread itself: schedule, never block.
                self.portal.start_task_soon(_close_and_stop, self.portal, closing)
        except RuntimeError:
            return  # the portal stopped already
        if join and not self.in_loop():
            self.thread.join(_UNWIND_GRACE)


async def _drive(
    done: threading.Event,
    awaitable: Awaitable[_T],
    scopes: list[anyio.CancelScope] | None = None,
) -> _T:
    try:
        if scopes is None:
            return await awaitable
        with anyio.CancelScope() as scope:
            scopes.append(scope)  # so a caller interrupted while spawning can cancel the task
            return await awaitable
        raise RuntimeError("cancelled: the caller was interrupted")  # nobody waits for this
    finally:
        done.set()


async def _await(awaitable: Awaitable[_T]) -> _T:
    return await awaitable


async def _close_and_stop(
    portal: BlockingPortal, closing: Callable[[], Awaitable[object]] | None
) -> None:
    try:
        if closing is not None:
            await closing()
    finally:
        await portal.stop(cancel_remaining=True)


async def _feed(iterator: AsyncIterator[_T], send: MemoryObjectSendStream[_T]) -> None:
    """Run an async iterator to its end in one task, handing each item to the sync side."""
    async with send:
        try:
            async for item in iterator:
                await send.send(item)
        finally:
            aclose = getattr(iterator, "aclose", None)
            if aclose is not None:
                await aclose()


class SyncClient(Generic[_A]):
    """The base of a generated sync client: owns the async client and its loop thread."""

    def __init__(self, factory: Callable[[], _A], *, backend: str = "asyncio") -> None:
        self._factory = factory
        self._backend = backend
        self._async = factory()
        self._pid = os.getpid()
        self._lock = threading.Lock()
        self._loop: _LoopThread | None = None
        self._finalizer: weakref.finalize[Any, Any] | None = None
        self._closed = False

    # --- what the generated methods call ---------------------------------------------------

    @property
    def _target(self) -> _A:
        """The async client, rebuilt after a fork; raises once the client is closed."""
        if self._pid != os.getpid():
            self._after_fork()
        if self._closed:
            raise RuntimeError(f"this {type(self).__name__} client is closed")
        return self._async

    def _run(self, awaitable: Awaitable[_T]) -> _T:
        """Run a coroutine of the async client on the client's loop, and wait for it."""
        loop = self._loop_for(awaitable)
        result: _T = loop.wait(awaitable)
        return result

    def _iterate(self, iterator: AsyncIterator[_T]) -> Iterator[_T]:
        """A sync iterator over an async one; closing or dropping it closes the async one."""
        loop = self._loop_for(None)
        send, receive = anyio.create_memory_object_stream[_T](0)
        fed = threading.Event()
        feeding = loop.spawn(_drive(fed, _feed(iterator, send)))
        try:
            while True:
                try:
                    item = loop.wait(receive.receive())
                except anyio.EndOfStream:
                    break
                yield item
            feeding.result()  # the iterator's own exception, if it raised one
        finally:
            in_loop = loop.in_loop()
            if not feeding.done():
                feeding.cancel()
                if not in_loop:
                    fed.wait(_UNWIND_GRACE)  # the async iterator is closed when this returns
            try:
                if in_loop:
                    receive.close()
                else:
                    loop.portal.call(receive.close)
            except RuntimeError:  # the loop has stopped: nothing else touches the stream
                receive.close()

    def _enter(self, manager: AbstractAsyncContextManager[_T]) -> AbstractContextManager[_T]:
        """A sync context manager over an async one; both halves run in one task on the loop."""
        return self._loop_for(None).portal.wrap_async_context_manager(manager)

    # --- life cycle ----------------------------------------------------------------------------

    def __enter__(self: _T) -> _T:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the HTTP client (if the SDK created it) and stop the event loop thread."""
        if self._pid != os.getpid():
            self._after_fork()
        with self._lock:
            if self._closed:
                return
            loop = self._loop
            if loop is not None and loop.in_loop():
                raise _in_loop_error(type(self).__name__)
            self._closed = True
            if self._finalizer is not None:
                self._finalizer.detach()
        if loop is not None:
            loop.stop(_closer(self._async), join=True)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} wrapping {self._async!r}>"

    def _loop_for(self, awaitable: Awaitable[Any] | None) -> _LoopThread:
        loop = self._loop
        if loop is None:
            loop = self._start(awaitable)
        if loop.in_loop():
            _discard(awaitable)
            raise _in_loop_error(type(self).__name__)
        return loop

    def _start(self, awaitable: Awaitable[Any] | None) -> _LoopThread:
        with self._lock:
            if self._closed:
                _discard(awaitable)
                raise RuntimeError(f"this {type(self).__name__} client is closed")
            if self._loop is None:
                try:
                    loop = _LoopThread(self._backend)
                except BaseException:
                    _discard(awaitable)
                    raise
                # A client nobody closed: stop its thread when it is collected. At exit the
                # daemon thread simply ends with the interpreter.
                self._finalizer = weakref.finalize(
                    self, loop.stop, _closer(self._async), join=False
                )
                self._finalizer.atexit = False
                self._loop = loop
            return self._loop

    def _after_fork(self) -> None:
        """In a forked child: drop the parent's loop and pool, and start afresh on next use."""
        self._lock = threading.Lock()  # the parent's lock may have been held at the fork
        if self._finalizer is not None:
            self._finalizer.detach()
        self._finalizer = None
        self._loop = None
        self._async = self._factory()
        self._pid = os.getpid()


class SyncGroup:
    """The base of a generated sync operation group: finds its async twin through the client."""

    def __init__(self, root: SyncClient[Any], path: tuple[str, ...]) -> None:
        self._root = root
        self._path = path

    @property
    def _target(self) -> Any:
        """The async group (each generated class narrows the type for the checker)."""
        target: Any = self._root._target
        for name in self._path:
            target = getattr(target, name)
        return target

    def _run(self, awaitable: Awaitable[_T]) -> _T:
        return self._root._run(awaitable)

    def _iterate(self, iterator: AsyncIterator[_T]) -> Iterator[_T]:
        return self._root._iterate(iterator)

    def _enter(self, manager: AbstractAsyncContextManager[_T]) -> AbstractContextManager[_T]:
        return self._root._enter(manager)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self._root!r}>"


class SyncHandle:
    """The base of a generated sync twin of an object a method returns (a job handle)."""

    def __init__(self, root: SyncClient[Any], target: Any) -> None:
        self._root = root
        self._wrapped = target

    @property
    def _target(self) -> Any:
        """The async object (each generated class narrows the type for the checker)."""
        return self._wrapped

    def _run(self, awaitable: Awaitable[_T]) -> _T:
        return self._root._run(awaitable)

    def _iterate(self, iterator: AsyncIterator[_T]) -> Iterator[_T]:
        return self._root._iterate(iterator)

    def _enter(self, manager: AbstractAsyncContextManager[_T]) -> AbstractContextManager[_T]:
        return self._root._enter(manager)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._wrapped!r}>"


def _closer(client: object) -> Callable[[], Awaitable[object]] | None:
    aclose = getattr(client, "aclose", None)
    return aclose if callable(aclose) else None


def _discard(awaitable: Awaitable[Any] | None) -> None:
    """Close a coroutine that will never run, so Python does not warn it was never awaited."""
    close = getattr(awaitable, "close", None)
    if close is not None:
        close()


def _in_trio_task() -> bool:
    trio = sys.modules.get("trio")
    if trio is None:
        return False
    try:
        trio.lowlevel.current_task()
    except RuntimeError:
        return False
    return True


def _in_loop_error(name: str) -> RuntimeError:
    return RuntimeError(
        f"{name} was called from its own event loop thread (from a callback such as on_retry, "
        "or async code the client runs), where a blocking call would wait for itself forever: "
        "await the async client's method there instead"
    )
