"""The batch manifest: an append-only JSONL journal of every call, so a batch can resume.

Each line is one event about one call, named by its key (a stable hash of the operation and its
parameters): ``sent``, ``accepted`` (a job id), ``answered`` (the images and their links),
``saved`` (a file), ``download_failed``, ``failed``. A line is written, flushed and fsync'd
before the batch acts on what it records, so a crash loses at most the event being written; a
torn last line is ignored when the manifest is read back.
"""

from __future__ import annotations

import enum
import hashlib
import json
import os
import time
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

import anyio
import attrs

from ._batch_files import fsync_dir
from ._exceptions import IdeogramError

__all__ = ["Manifest", "ManifestError", "PartRecord", "request_key"]

VERSION = 1


class ManifestError(IdeogramError):
    """A manifest cannot be used: another batch holds it, or it is not a batch manifest."""


def request_key(operation: str, params: Mapping[str, Any], extra_body: Any = None) -> str:
    """A stable hash of an operation and its parameters (32 hex digits).

    Files given as paths are named by their path, bytes by their SHA-256.

    Raises:
        TypeError: A parameter cannot be hashed stably (an open file object without a name).
    """
    document = {"operation": operation, "params": _canonical(params)}
    if extra_body:
        document["extra_body"] = _canonical(extra_body)
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _canonical(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value.value if isinstance(value, enum.Enum) else value
    if isinstance(value, enum.Enum):
        return _canonical(value.value)
    if isinstance(value, Mapping):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"sha256": hashlib.sha256(value).hexdigest()}
    if isinstance(value, os.PathLike):
        return {"file": os.fspath(value)}
    if attrs.has(type(value)):
        return {"type": type(value).__name__, **_canonical(attrs.asdict(value, recurse=False))}
    name = getattr(value, "name", None)
    if hasattr(value, "read") and isinstance(name, str):
        return {"file": name}
    raise TypeError(
        f"cannot key a batch item on {type(value).__name__}: give files as paths or bytes"
    )


@attrs.define
class PartRecord:
    """What the manifest knows of one call.

    Attributes:
        sent: How many times it was sent.
        job_id: The job id the API answered with, for job-based operations.
        answer: The ``answered`` event (``images``, ``request_id``, ``cost_usd_micros``).
        saved: The file of each image saved, by image number.
        download_errors: The last download error of each image not saved, by image number.
        failure: The last failure of the call itself, unless it was sent again since.
    """

    sent: int = 0
    job_id: str | None = None
    answer: dict[str, Any] | None = None
    saved: dict[int, str] = attrs.Factory(dict)
    download_errors: dict[int, dict[str, Any]] = attrs.Factory(dict)
    failure: dict[str, Any] | None = None

    def apply(self, event: Mapping[str, Any]) -> None:
        """Fold one event into the record."""
        kind = event.get("event")
        if kind == "sent":
            self.sent += 1
            self.failure = None
        elif kind == "accepted":
            self.job_id = event.get("job_id")
        elif kind == "answered":
            self.answer = dict(event)
            self.failure = None
        elif kind == "saved":
            self.saved[int(event["image"])] = str(event["file"])
            self.download_errors.pop(int(event["image"]), None)
        elif kind == "download_failed":
            self.download_errors[int(event["image"])] = dict(event.get("error") or {})
        elif kind == "failed" and self.answer is None:
            self.failure = dict(event.get("error") or {})


class Manifest:
    """An append-only JSONL journal of a batch's calls (see the module docstring).

    Reading it is synchronous and does no writing: ``Manifest(path)`` loads what is there (a
    missing file is an empty manifest). The file is created, and locked against a second
    batch, on the first ``append``.

    Args:
        path: The JSONL file.

    Raises:
        ManifestError: The file is not a batch manifest.
        OSError: The file exists but cannot be read.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.records: dict[str, PartRecord] = {}
        self.unreadable_lines = 0
        self._file: IO[bytes] | None = None
        self._lock = anyio.Lock()
        self._pending: list[bytes] = []
        self._queued = 0
        self._durable = 0
        self._load()

    def __repr__(self) -> str:
        return f"<Manifest {str(self.path)!r} calls={len(self.records)}>"

    def _load(self) -> None:
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return
        for line in data.splitlines():
            if not line.strip():
                continue
            try:
                event = json.loads(line)
            except ValueError:
                self.unreadable_lines += 1  # a line torn by a crash mid-write
                continue
            if not isinstance(event, dict):
                self.unreadable_lines += 1
                continue
            if event.get("event") == "manifest":
                if event.get("version") != VERSION:
                    raise ManifestError(
                        f"{self.path} is a version {event.get('version')} manifest; "
                        f"this SDK reads version {VERSION}"
                    )
                continue
            key = event.get("key")
            if isinstance(key, str):
                self.records.setdefault(key, PartRecord()).apply(event)
        if data and self.unreadable_lines == len(data.splitlines()):
            raise ManifestError(f"{self.path} is not a batch manifest (no line is JSON)")

    def get(self, key: str) -> PartRecord | None:
        """What the manifest knows of the call ``key``, or ``None``."""
        return self.records.get(key)

    async def append(self, event: Mapping[str, Any]) -> None:
        """Record an event: returns once it is written, flushed and fsync'd.

        Events appended concurrently share one fsync. The write is shielded from
        cancellation: an event whose work has happened is never lost to a cancel.

        Raises:
            ManifestError: Another process holds the manifest.
            OSError: The manifest cannot be written.
        """
        key = event.get("key")
        if isinstance(key, str):
            self.records.setdefault(key, PartRecord()).apply(event)
        line = {"time": round(time.time(), 3), **event}
        self._pending.append(json.dumps(line, ensure_ascii=False).encode() + b"\n")
        self._queued += 1
        ticket = self._queued
        with anyio.CancelScope(shield=True):
            async with self._lock:
                if self._durable >= ticket:
                    return  # written by the flush of an event appended meanwhile
                lines, self._pending = self._pending, []
                from anyio import to_thread

                await to_thread.run_sync(self._write, lines)
                self._durable += len(lines)

    def _write(self, lines: list[bytes]) -> None:
        if self._file is None:
            self._file = self._open()
        self._file.write(b"".join(lines))
        self._file.flush()
        os.fsync(self._file.fileno())

    def _open(self) -> IO[bytes]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        new = not self.path.exists()
        file = self.path.open("ab")
        try:
            _lock(file, self.path)
            if file.tell() > 0:
                with self.path.open("rb") as reader:
                    reader.seek(-1, os.SEEK_END)
                    if reader.read(1) != b"\n":
                        file.write(b"\n")  # end a line torn by a crash before appending
            header = {"event": "manifest", "version": VERSION, "time": round(time.time(), 3)}
            file.write(json.dumps(header).encode() + b"\n")
        except BaseException:
            file.close()
            raise
        if new:
            fsync_dir(self.path.parent)
        return file

    def close(self) -> None:
        """Close the file (and release the lock); appending again reopens it."""
        if self._file is not None:
            self._file.close()
            self._file = None


def _lock(file: IO[bytes], path: Path) -> None:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no advisory lock
        return
    try:
        fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError as exc:
        raise ManifestError(f"{path} is in use by another batch") from exc
