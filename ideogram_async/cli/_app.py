"""``ideogram``: run what the arguments ask, through one client, and report it.

Every command that makes images is a batch of the library's ``ideogram_async.Batch`` (one item
for ``generate`` and the image commands); this module turns arguments into items and the
batch's report into output.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import anyio
import anyio.abc
import attrs

import ideogram_async as ia
from ideogram_async._batch_files import check_output_dir, slugify
from ideogram_async._encoding import merge
from ideogram_async._files import is_url
from ideogram_async._prices import parse_usd

from ._batch import PromptsFileError, check_params, overall_exit_code, parse_prompts
from ._exit import ExitCode, exit_code_for
from ._parser import MANIFEST_NAME, build_parser
from ._progress import progress_for
from ._report import document, dry_run_document, print_dry_run, print_human, print_json
from ._shard import manifest_name, take_shard
from ._v2 import V2_COMMANDS, keyword_parameters, run_v2_command, v2_generate

if TYPE_CHECKING:
    from ideogram_async.redis import RedisBudget

__all__ = ["main"]

MISSING_KEY = (
    "no API key: set the IDEOGRAM_API_KEY environment variable, "
    "or try it offline with --emulator (or run `ideogram demo`)"
)

# Prompts for `ideogram demo`, each showing a parameter or two.
DEMO_ITEMS = (
    ia.BatchItem.prompt("a lighthouse at dawn, watercolour", aspect_ratio="16x9"),
    ia.BatchItem.prompt('a retro poster that says "HELLO ASYNC"', num_images=2),
    ia.BatchItem.prompt("a cosy reading nook with a sleeping cat", rendering_speed="TURBO"),
    ia.BatchItem.prompt("an isometric city built from stacked books", seed=42),
    ia.BatchItem.prompt("a paper-cut fox in an autumn forest", style_type="DESIGN"),
    ia.BatchItem.prompt("a neon ramen shop on a rainy night", aspect_ratio="9x16", num_images=2),
)

# v3 names of the options that the legacy /generate route spells differently or lacks.
_LEGACY_RENAMES = {"magic_prompt": "magic_prompt_option"}
_V3_ONLY = {
    "rendering_speed": "--rendering-speed",
    "style_preset": "--style-preset",
    "style_reference_images": "--style-reference",
}

# command: (the operation it runs, the name the operation gives the image)
_SINGLE: dict[str, tuple[str, str]] = {
    "remix": ("v3.remix", "image"),
    "edit": ("v3.inpaint", "image"),
    "upscale": ("legacy.upscale", "image_file"),
    "reframe": ("v3.reframe", "image"),
    "replace-background": ("v3.replace_background", "image"),
    "remove-background": ("images.remove_background", "image"),
}


class CLIError(Exception):
    """A failure found by the command itself, with its exit code."""

    def __init__(self, code: ExitCode, message: str) -> None:
        super().__init__(message)
        self.code = code


@attrs.frozen
class _Job:
    """The work a command does: a batch of ``items`` of ``operation``."""

    items: Sequence[ia.BatchItem]
    operation: str
    manifest: Path | None = None
    retry_failed: bool = False
    prices: ia.PriceTable | None = None
    max_cost_usd_micros: int | None = None
    concurrency: int | None = None
    dry_run: bool = False


def main(argv: list[str] | None = None) -> int:
    """Run the ``ideogram`` command line.

    Args:
        argv: The arguments, without the program name; default ``sys.argv[1:]``.

    Returns:
        The exit code: 0 ok, 1 some items failed, 2 usage or validation, 3 authentication or
        configuration, 4 rate limit or quota, 5 API or network, 130 interrupted (see
        ``ideogram --help``).
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a usage error argparse has printed
        return exc.code if isinstance(exc.code, int) else ExitCode.USAGE
    try:
        return anyio.run(_run, args)
    except KeyboardInterrupt:  # before the batch started, or a second Ctrl-C
        print("ideogram: interrupted", file=sys.stderr)
        return ExitCode.INTERRUPTED


async def _run(args: argparse.Namespace) -> int:
    out_dir = Path(args.out).expanduser().absolute()
    manifest: Path | None = None
    try:
        if args.command == "describe":
            return await _describe(args, out_dir)
        if args.command in V2_COMMANDS:  # v2 hook
            return await run_v2_command(args, out_dir, _open_client, _parse_params)
        job = _plan(args, out_dir)
        manifest = job.manifest
        if job.dry_run:
            return _dry_run(args, out_dir, job)
        # Before the first request: a paid image must have somewhere to go.
        check_output_dir(out_dir)
        async with _open_client(args) as client:
            report = await _run_batch(client, job, out_dir, args.progress)
    except CLIError as exc:
        return _fatal(args, out_dir, exc.code, type(exc).__name__, str(exc), manifest)
    except PromptsFileError as exc:
        return _fatal(args, out_dir, ExitCode.USAGE, type(exc).__name__, str(exc), manifest)
    except (ia.IdeogramError, OSError, ValueError) as exc:
        return _fatal(args, out_dir, exit_code_for(exc), type(exc).__name__, str(exc), manifest)
    code = overall_exit_code(report)
    if args.json:
        print_json(document(args.command, out_dir, code, report, manifest=manifest))
    else:
        print_human(args.command, out_dir, report, manifest)
    return code


async def _run_batch(
    client: ia.AsyncIdeogram, job: _Job, out_dir: Path, show: bool | None
) -> ia.BatchReport:
    """Run the job's batch with progress on stderr; Ctrl-C ends it with its report."""
    progress = progress_for(sys.stderr, show)
    batch = ia.Batch(
        client,
        job.items,
        operation=job.operation,
        out_dir=out_dir,
        manifest=job.manifest,
        retry_failed=job.retry_failed,
        prices=job.prices,
        max_cost_usd_micros=job.max_cost_usd_micros,
        concurrency=job.concurrency,
        on_event=progress.update,
    )
    progress.start(len(job.items))
    try:
        async with anyio.create_task_group() as tg:
            await tg.start(_cancel_on_interrupt, batch)
            report = await batch.run()
            tg.cancel_scope.cancel()
    finally:
        progress.close()
    return report


async def _cancel_on_interrupt(
    batch: ia.Batch, *, task_status: anyio.abc.TaskStatus[None] = anyio.TASK_STATUS_IGNORED
) -> None:
    """The first Ctrl-C (or SIGTERM) cancels the batch, which then reports; a second one
    interrupts at once."""
    try:
        receiver = anyio.open_signal_receiver(signal.SIGINT, signal.SIGTERM)
        signals = receiver.__enter__()
    except (NotImplementedError, ValueError, RuntimeError):  # not the main thread, or Windows
        task_status.started()
        return
    try:
        task_status.started()
        async for _ in signals:
            print("ideogram: interrupted: stopping, and writing the report", file=sys.stderr)
            batch.cancel()
            return
    finally:
        receiver.__exit__(None, None, None)


def _dry_run(args: argparse.Namespace, out_dir: Path, job: _Job) -> int:
    estimate = ia.estimate_batch(
        job.items,
        operation=job.operation,
        manifest=job.manifest,
        retry_failed=job.retry_failed,
        prices=job.prices,
    )
    if args.json:
        print_json(dry_run_document(args.command, out_dir, job.manifest, estimate, len(job.items)))
    else:
        print_dry_run(out_dir, job.manifest, estimate, len(job.items))
    return ExitCode.OK


# --- planning: arguments to a job ----------------------------------------------------------


def _plan(args: argparse.Namespace, out_dir: Path) -> _Job:
    """Check the arguments and read the inputs: every usage error comes before any request."""
    extra_body = _parse_params(args.param)
    options = {dest: getattr(args, dest) for dest in args._options}
    options = {name: value for name, value in options.items() if value is not None}
    command: str = args.command
    if command in ("generate", "batch", "demo"):
        family, defaults = _generate_options(options)
        if command == "demo":
            items = list(DEMO_ITEMS)
        elif command == "generate":
            items = [ia.BatchItem.prompt(args.prompt)]
        else:
            items = _read_prompts(args.prompts_file)
            if args.shard is not None:
                items = take_shard(items, *args.shard)
        items = [_with_defaults(item, defaults, extra_body, family) for item in items]
        operation = family if family.startswith("v2.") else f"{family}.generate"
        check_params(items, _keyword_parameters(operation))
        if command != "batch":
            return _Job(items, operation, concurrency=getattr(args, "concurrency", None))
        return _Job(
            items,
            operation,
            manifest=Path(args.manifest).expanduser().absolute()
            if args.manifest
            else out_dir
            / (manifest_name(MANIFEST_NAME, *args.shard) if args.shard else MANIFEST_NAME),
            retry_failed=args.retry_failed,
            prices=_prices(args.prices),
            max_cost_usd_micros=_money(args.max_cost),
            concurrency=args.concurrency,
            dry_run=args.dry_run,
        )

    operation, image_name = _SINGLE[command]
    params: dict[str, Any] = {image_name: args.image, **options}
    for positional in ("mask", "prompt", "resolution"):
        if positional in vars(args) and positional not in args._options:
            params[positional] = getattr(args, positional)
    prompt = params.get("prompt")
    name = prompt if prompt else f"{_stem(args.image)}-{command}"
    item = ia.BatchItem(params, extra_body=extra_body or None, name=name)
    return _Job([item], operation)


def _generate_options(options: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """The model family ``--model`` names, and the other options in that family's spelling."""
    params = dict(options)
    model = str(params.pop("model", "v3")).strip()
    try:
        v2 = v2_generate(model, params)  # v2 hook: a v2 model is its own operation
    except ValueError as exc:
        raise CLIError(ExitCode.USAGE, str(exc)) from exc
    if v2 is not None:
        return v2
    if model.lower() in ("v3", "3", "3.0", "v_3"):
        return "v3", params
    for name, flag in _V3_ONLY.items():
        if name in params:
            raise CLIError(ExitCode.USAGE, f"{flag} is only for --model v3")
    if model.lower() != "legacy":
        params["model"] = model.upper()
    return "legacy", params


def _with_defaults(
    item: ia.BatchItem,
    defaults: Mapping[str, Any],
    extra_body: Mapping[str, Any],
    family: str,
) -> ia.BatchItem:
    """The item with the command's options under its own, in the family's spelling."""
    params = {**defaults, **item.params}
    if family == "legacy":
        params = {_LEGACY_RENAMES.get(name, name): value for name, value in params.items()}
        if isinstance(params.get("aspect_ratio"), str):
            params["aspect_ratio"] = _legacy_value("ASPECT", params["aspect_ratio"])
        if isinstance(params.get("resolution"), str):
            params["resolution"] = _legacy_value("RESOLUTION", params["resolution"])
    extra = merge(dict(extra_body), item.extra_body or {})
    return attrs.evolve(item, params=params, extra_body=extra or None)


def _legacy_value(prefix: str, value: str) -> str:
    """``16x9`` as the legacy routes spell it: ``ASPECT_16_9`` (or ``RESOLUTION_...``)."""
    if value.upper().startswith(prefix + "_"):
        return value.upper()
    return f"{prefix}_" + value.lower().replace(":", "x").replace("x", "_")


def _keyword_parameters(operation: str) -> list[str]:
    """The keyword parameters of an operation's method, read from its group's class."""
    from ideogram_async._resources.legacy import Legacy
    from ideogram_async._resources.v3 import V3

    group, _, name = operation.partition(".")
    if group == "v2":  # v2 hook
        return keyword_parameters(operation)
    method: Callable[..., Awaitable[Any]] = getattr(V3 if group == "v3" else Legacy, name)
    return [
        name
        for name, parameter in inspect.signature(method).parameters.items()
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY
    ]


def _read_prompts(name: str) -> list[ia.BatchItem]:
    try:
        text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CLIError(ExitCode.USAGE, f"cannot read the prompts file {name}: {exc}") from exc
    items = parse_prompts(text)
    if not items:
        raise CLIError(ExitCode.USAGE, f"no prompts in {name}")
    return items


def _parse_params(pairs: Sequence[str]) -> dict[str, Any]:
    """``--param KEY=VALUE`` pairs as one body: VALUE is JSON if it parses; ``a.b`` nests."""
    body: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        names = key.strip().split(".")
        if not sep or not all(name.strip() for name in names):
            raise CLIError(ExitCode.USAGE, f"--param {pair!r}: write it as KEY=VALUE")
        try:
            value: Any = json.loads(raw)
        except ValueError:
            value = raw
        for name in reversed(names[1:]):
            value = {name: value}
        body = merge(body, {names[0]: value})
    return body


def _money(text: str | None) -> int | None:
    if text is None:
        return None
    try:
        return parse_usd(text)
    except ValueError as exc:
        raise CLIError(ExitCode.USAGE, f"--max-cost: {exc} (write dollars: 2.50)") from exc


def _prices(path: str | None) -> ia.PriceTable | None:
    if path is None:
        return None
    try:
        return ia.PriceTable.load(path)
    except (OSError, ValueError) as exc:
        raise CLIError(ExitCode.USAGE, f"--prices {path}: {exc}") from exc


def _stem(image: str) -> str:
    path = urlsplit(image).path if is_url(image) else image
    return slugify(PurePosixPath(path.replace("\\", "/")).stem)


# --- describe: text, not images --------------------------------------------------------------


async def _describe(args: argparse.Namespace, out_dir: Path) -> int:
    options = {dest: getattr(args, dest) for dest in args._options}
    kwargs = {name: value for name, value in options.items() if value is not None}
    extra_body = _parse_params(args.param)
    if extra_body:
        kwargs["extra_body"] = extra_body
    entry: dict[str, Any] = {
        "index": 0,
        "line": None,
        "prompt": None,
        "status": "done",
        "ok": True,
        "files": [],
        "seeds": [],
        "images": [],
        "request_id": None,
        "error": None,
    }
    async with _open_client(args) as client:
        try:
            response = await client.legacy.describe(image_file=args.image, **kwargs)
        except (ia.IdeogramError, OSError) as exc:
            code = exit_code_for(exc)
            error = ia.BatchItemError.from_exception(exc, "request")
            entry.update(
                status="failed", ok=False, error={**error.to_json(), "exit_code": int(code)}
            )
            print(f"ideogram: error: {exc}", file=sys.stderr)
        else:
            code = ExitCode.OK
            texts = [description.text for description in response.descriptions]
            entry.update(descriptions=texts, request_id=response.request_id)
            if not args.json:
                for text in texts:
                    print(text)
    if args.json:
        print_json(document(args.command, out_dir, code, None, items=[entry]))
    return code


# --- the client ----------------------------------------------------------------------------


@asynccontextmanager
async def _open_client(args: argparse.Namespace) -> AsyncIterator[ia.AsyncIdeogram]:
    """The emulator's client (``--emulator``, ``demo``), else one for the API from the env."""
    kwargs: dict[str, Any] = {"max_inflight_images": args.max_inflight_images}
    if args.timeout is not None:
        kwargs["timeout"] = args.timeout
    if args.max_retries is not None:
        kwargs["max_retries"] = args.max_retries
    async with _shared_budget(args) as budget:
        if budget is not None:
            kwargs["budget"] = budget
        async with _client(args, kwargs) as client:
            yield client


@asynccontextmanager
async def _shared_budget(args: argparse.Namespace) -> AsyncIterator[RedisBudget | None]:
    """``--redis URL``: one budget of ``--max-inflight-images`` for every process sharing it."""
    if getattr(args, "redis", None) is None:
        yield None
        return
    try:
        # Imported here only: redis-py is an optional extra.
        from ideogram_async.redis import RedisBudget
    except ImportError as exc:
        raise CLIError(ExitCode.AUTH, str(exc)) from exc
    key = os.environ.get("IDEOGRAM_API_KEY")
    budget = RedisBudget.from_url(
        args.redis,
        max_capacity=args.max_inflight_images,
        # The emulator has no key to name the budget after.
        name=None if key and not args.emulator else "emulator",
        api_key=key,
    )
    try:
        yield budget
    finally:
        await budget.aclose()


@asynccontextmanager
async def _client(
    args: argparse.Namespace, kwargs: dict[str, Any]
) -> AsyncIterator[ia.AsyncIdeogram]:
    if args.emulator or args.command == "demo":
        # Imported here only: the emulator is never loaded for the real API.
        from ideogram_async.testing import Emulator

        emulator = Emulator(inflight_limit=args.max_inflight_images)
        async with emulator.client(**kwargs) as client:
            yield client
        return
    if not os.environ.get("IDEOGRAM_API_KEY"):
        raise CLIError(ExitCode.AUTH, MISSING_KEY)
    if args.base_url:
        kwargs["base_url"] = args.base_url
    async with ia.AsyncIdeogram(**kwargs) as client:
        yield client


def _fatal(
    args: argparse.Namespace,
    out_dir: Path,
    code: ExitCode,
    kind: str,
    message: str,
    manifest: Path | None,
) -> int:
    """Report a failure that stopped the command before its items could run."""
    print(f"ideogram: error: {message}", file=sys.stderr)
    if args.json:
        error = {"type": kind, "message": message, "exit_code": int(code)}
        print_json(document(args.command, out_dir, code, None, manifest=manifest, error=error))
    return code
