"""The CLI's v2 additions: ``--model ideogram-4-5`` and the other v2 models, ``ideogram quote``
and ``ideogram job`` (wait on, or resume, a job by its id).

``generate`` and ``batch`` with a v2 model run each call as a job through the batch engine, so a
re-run of ``ideogram batch`` polls the jobs it already paid for.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Mapping
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

import ideogram_async as ia
from ideogram_async._v2._base import _ops
from ideogram_async._v2._fields import Enum, Op
from ideogram_async._v2._routes import ROUTES

from ._exit import ExitCode, exit_code_for

__all__ = [
    "V2_COMMANDS",
    "add_v2_commands",
    "keyword_parameters",
    "run_v2_command",
    "v2_generate",
]

V2_COMMANDS = ("quote", "job")
_CASE_FOLDED = ("magic_prompt", "rendering_speed", "style_type", "style_preset", "color_palette")


def _generate_ops() -> dict[str, Op]:
    return {op.model: op for op in _ops().values() if op.family == "generate"}


def v2_models() -> list[str]:
    """The v2 generate models, as ``--model`` takes them."""
    return sorted(_generate_ops())


def _spelled(op: Op, params: Mapping[str, Any]) -> dict[str, Any]:
    """The CLI's options in v2's spelling (lowercase enums, ``W:H`` where the model wants it)."""
    out = dict(params)
    for name in _CASE_FOLDED:
        if isinstance(out.get(name), str):
            out[name] = out[name].lower()
    ratio = next((f for f in op.fields if f.name == "aspect_ratio"), None)
    if ratio is not None and isinstance(out.get("aspect_ratio"), str):
        kind = ratio.kind
        if isinstance(kind, Enum) and any(":" in value for value in kind.values):
            out["aspect_ratio"] = out["aspect_ratio"].replace("x", ":")
    return out


def v2_generate(model: str, params: Mapping[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """For a v2 model: the batch operation name and the options in its spelling; else ``None``.

    Raises:
        ValueError: An option the model does not take.
    """
    op = _generate_ops().get(model.strip().lower())
    if op is None:
        return None
    out = _spelled(op, params)
    known = set(keyword_parameters(f"v2.{op.method}"))
    for name in out:
        if name not in known:
            flag = "--" + name.replace("_", "-")
            raise ValueError(
                f"{flag} is not an option of {op.model}; it takes {', '.join(sorted(known))}"
            )
    return f"v2.{op.method}", out


def keyword_parameters(operation: str) -> list[str]:
    """The fields a ``v2.<method>`` operation takes (what a prompts file's lines may set)."""
    method = operation.removeprefix("v2.")
    op = next(o for o in _ops().values() if o.method == method)
    return [f.name for f in op.fields if f.name not in ("async", "webhook_url")]


def add_v2_commands(commands: Any, common: argparse.ArgumentParser, epilog: str) -> None:
    """Register ``quote`` and ``job`` on the CLI's subparsers."""
    quote = commands.add_parser(
        "quote",
        parents=[common],
        help="price a v2 generation without running it (dry_run: nothing is billed)",
        description="Price a v2 generation with dry_run: nothing runs, nothing is billed. "
        "Fields go as --param KEY=VALUE (checked as the model takes them).",
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    quote.add_argument("model", metavar="MODEL", help="a v2 model: " + ", ".join(v2_models()))
    quote.add_argument("prompt", metavar="PROMPT", help="what to draw")
    quote.add_argument("-n", "--num-images", type=int, metavar="N", help="images, 1 to 8")
    quote.set_defaults(_options=())
    job = commands.add_parser(
        "job",
        parents=[common],
        help="wait on (or resume) a v2 job by its id and save its images",
        description="Poll a v2 generation job by its id (from any earlier run) until it ends, "
        "and save its images; nothing is submitted again.",
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    job.add_argument("generation_id", metavar="ID", help="the job's generation_id")
    job.add_argument(
        "--no-wait", action="store_true", help="poll once and print the status, then stop"
    )
    job.add_argument("--wait-timeout", type=float, metavar="SECONDS", help="stop waiting after")
    job.set_defaults(_options=())


async def run_v2_command(
    args: argparse.Namespace,
    out_dir: Path,
    open_client: Callable[[argparse.Namespace], AbstractAsyncContextManager[ia.AsyncIdeogram]],
    parse_params: Callable[[list[str]], dict[str, Any]],
) -> int:
    """Run ``quote`` or ``job``; the exit code."""
    try:
        async with open_client(args) as client:
            if args.command == "quote":
                return await _quote(args, client, parse_params(args.param))
            return await _job(args, client, out_dir)
    except (ia.IdeogramError, OSError, ValueError, TypeError) as exc:
        code = ExitCode.USAGE if isinstance(exc, TypeError) else exit_code_for(exc)
        print(f"ideogram: error: {exc}", file=sys.stderr)
        if args.json:
            print(json.dumps({"ok": False, "error": str(exc), "exit_code": int(code)}))
        return code


async def _quote(args: argparse.Namespace, client: ia.AsyncIdeogram, fields: dict[str, Any]) -> int:
    op = _generate_ops().get(args.model.strip().lower())
    if op is None:
        raise ValueError(f"{args.model!r} is not a v2 model: {', '.join(v2_models())}")
    if not ROUTES["/v2/" + op.path].dry_run:
        raise ValueError(f"{op.model} does not declare dry_run, so it cannot be quoted")
    if args.num_images is not None:
        fields["num_images"] = args.num_images
    quote: ia.PriceQuote = await getattr(client.v2.quote, op.method)(
        prompt=args.prompt, **_spelled(op, fields)
    )
    if args.json:
        print(json.dumps({"ok": True, "model": op.model, **_quote_json(quote)}))
    else:
        bound = (
            f" (at most {quote.upper_bound_usd_micros / 1e6:.4f})"
            if quote.upper_bound_usd_micros is not None
            else ""
        )
        print(f"{op.model}: {quote.usd_micros / 1e6:.4f} USD, {quote.qualifier}{bound}")
    return ExitCode.OK


def _quote_json(quote: ia.PriceQuote) -> dict[str, Any]:
    return {
        "billing_identifier": quote.billing_identifier,
        "quantity": quote.quantity,
        "usd_micros": quote.usd_micros,
        "qualifier": quote.qualifier,
        "upper_bound_usd_micros": quote.upper_bound_usd_micros,
    }


async def _job(args: argparse.Namespace, client: ia.AsyncIdeogram, out_dir: Path) -> int:
    from ideogram_async._batch_files import save_image

    job = client.jobs.get(args.generation_id)
    if args.no_wait:
        status = await job.poll()
        if args.json:
            print(json.dumps({"ok": True, "generation_id": job.id, "status": status.status}))
        else:
            print(f"{job.id}: {status.status}")
        return ExitCode.OK
    result = await job.wait(timeout=args.wait_timeout)
    out_dir.mkdir(parents=True, exist_ok=True)
    files = []
    for index, output in enumerate(result.data):
        if output.url and output.is_image_safe:
            path = await save_image(client, output.url, out_dir, f"{job.id}-{index}", adopt=True)
            files.append(str(path))
    if args.json:
        cost = result.usage_cost_usd_micros
        print(json.dumps({"ok": True, "generation_id": job.id, "files": files, "usd_micros": cost}))
    else:
        for name in files:
            print(name)
    return ExitCode.OK
