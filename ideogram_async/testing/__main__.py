"""``python -m ideogram_async.testing``: serve the emulator on a port (needs uvicorn)."""

from __future__ import annotations

import argparse
import socket
import sys
from collections.abc import Sequence

from ._app import Emulator

__all__ = ["main"]

INSTALL_HINT = 'the emulator server needs uvicorn: pip install "ideogram-async[emulator]"'


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m ideogram_async.testing",
        description="Serve an emulator of Ideogram's API (no key, no credits, no network).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="default: 127.0.0.1")
    parser.add_argument("--port", type=int, default=8000, help="default: 8000; 0 picks one")
    parser.add_argument("--api-key", help="the only key accepted (default: any key)")
    parser.add_argument("--inflight-limit", type=int, default=10, help="default: 10 images")
    parser.add_argument(
        "--hide-limit",
        action="store_true",
        help="answer a 429 as gateways do, without reject_reason or the limit",
    )
    parser.add_argument("--latency", type=float, default=0.0, help="seconds per generation")
    parser.add_argument("--link-ttl", type=float, default=86400.0, help="seconds a link lives")
    parser.add_argument("--route-prefix", default="", help='e.g. "/ideogram", as gateways')
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse ``argv``, print the URL and serve until interrupted; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        import uvicorn
    except ImportError:
        print(f"error: {INSTALL_HINT}", file=sys.stderr)
        return 1
    try:
        emulator = Emulator(
            api_key=args.api_key,
            inflight_limit=args.inflight_limit,
            announce_limit=not args.hide_limit,
            latency=args.latency,
            link_ttl=args.link_ttl,
            route_prefix=args.route_prefix,
        )
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((args.host, args.port))
    except OSError as exc:
        sock.close()
        print(f"error: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    port = sock.getsockname()[1]
    host = f"[{args.host}]" if family == socket.AF_INET6 else args.host
    url = f"http://{host}:{port}{emulator.route_prefix}"
    key = "the key given" if args.api_key else "any API key"
    print(f"Ideogram emulator on {url} (accepts {key}; Ctrl+C stops it)", flush=True)
    print(f'  AsyncIdeogram(base_url="{url}", api_key="...")', flush=True)
    config = uvicorn.Config(emulator, log_level="warning", lifespan="on")
    uvicorn.Server(config).run(sockets=[sock])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
