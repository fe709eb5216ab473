"""Start a throwaway ``redis-server`` on loopback (for the tests and the Redis benchmark)."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator

__all__ = ["start_redis_server"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@contextlib.contextmanager
def start_redis_server(binary: str = "redis-server") -> Iterator[str]:
    """Run ``redis-server`` on ``127.0.0.1`` and a free port, without persistence; yield its URL.

    A port taken between choosing and binding (another engineer's server, say) is retried.
    """
    for _ in range(5):
        port = _free_port()
        with tempfile.TemporaryDirectory() as folder:
            process = subprocess.Popen(
                [
                    binary,
                    "--bind", "127.0.0.1",
                    "--port", str(port),
                    "--save", "",
                    "--appendonly", "no",
                    "--dir", folder,
                    "--protected-mode", "yes",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )  # fmt: skip
            try:
                deadline = time.monotonic() + 10
                while process.poll() is None and time.monotonic() < deadline:
                    if _answers(port):
                        yield f"redis://127.0.0.1:{port}/0"
                        return
                    time.sleep(0.02)
            finally:
                process.terminate()
                try:
                    process.wait(5)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
    raise RuntimeError("redis-server did not start on a free port in 5 tries")
