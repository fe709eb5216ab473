"""``ideogram``: run what the arguments ask, through one client, and report it."""

from __future__ import annotations

import argparse
import inspect
import json
import os
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Any, Literal
from urllib.parse import urlsplit

import anyio
import attrs

import ideogram_async as ia
from ideogram_async._encoding import merge
from ideogram_async._files import is_url

from ._batch import (
    BatchItem,
    ItemResult,
    PromptsFileError,
    check_params,
    overall_exit_code,
    parse_prompts,
    run_batch,
    run_item,
)
from ._exit import ExitCode, exit_code_for
from ._parser import build_parser
from ._progress import Progress
from ._save import slugify

__all__ = ["main"]

MISSING_KEY = (
    "no API key: set the IDEOGRAM_API_KEY environment variable, "
    "or try it offline with --emulator (or run `ideogram demo`)"
)

# Prompts for `ideogram demo`, each showing a parameter or two.
DEMO_ITEMS = (
    BatchItem("a lighthouse at dawn, watercolour", {"aspect_ratio": "16x9"}),
    BatchItem('a retro poster that says "HELLO ASYNC"', {"num_images": 2}),
    BatchItem("a cosy reading nook with a sleeping cat", {"rendering_speed": "TURBO"}),
    BatchItem("an isometric city built from stacked books", {"seed": 42}),
    BatchItem("a paper-cut fox in an autumn forest", {"style_type": "DESIGN"}),
    BatchItem("a neon ramen shop on a rainy night", {"aspect_ratio": "9x16", "num_images": 2}),
)

# v3 names of the options that the legacy /generate route spells differently or lacks.
_LEGACY_RENAMES = {"magic_prompt": "magic_prompt_option"}
_V3_ONLY = {
    "rendering_speed": "--rendering-speed",
    "style_preset": "--style-preset",
    "style_reference_images": "--style-reference",
}

_Method = Callable[..., Awaitable[Any]]

# command: (the method it calls, the name the method gives the image)
_SINGLE: dict[str, tuple[Callable[[ia.AsyncIdeogram], _Method], str]] = {
    "remix": (lambda c: c.v3.remix, "image"),
    "edit": (lambda c: c.v3.inpaint, "image"),
    "upscale": (lambda c: c.legacy.upscale, "image_file"),
    "describe": (lambda c: c.legacy.describe, "image_file"),
    "reframe": (lambda c: c.v3.reframe, "image"),
    "replace-background": (lambda c: c.v3.replace_background, "image"),
    "remove-background": (lambda c: c.images.remove_background, "image"),
}


class CLIError(Exception):
    """A failure found by the command itself, with its exit code."""

    def __init__(self, code: ExitCode, message: str) -> None:
        super().__init__(message)
        self.code = code


@attrs.frozen
class _Job:
    """The work a command does: ``total`` items, run through a client."""

    total: int
    run: Callable[[ia.AsyncIdeogram, Callable[[ItemResult], None]], Awaitable[list[ItemResult]]]


def main(argv: list[str] | None = None) -> int:
    """Run the ``ideogram`` command line.

    Args:
        argv: The arguments, without the program name; default ``sys.argv[1:]``.

    Returns:
        The exit code: 0 ok, 1 some items failed, 2 usage or validation, 3 authentication or
        configuration, 4 rate limit or quota, 5 API or network (see ``ideogram --help``).
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a usage error argparse has printed
        return exc.code if isinstance(exc.code, int) else ExitCode.USAGE
    try:
        return anyio.run(_run, args)
    except KeyboardInterrupt:
        print("ideogram: interrupted", file=sys.stderr)
        return ExitCode.INTERRUPTED


async def _run(args: argparse.Namespace) -> int:
    out_dir = Path(args.out).expanduser().absolute()
    try:
        job = _plan(args, out_dir)
        async with _open_client(args) as client:
            progress = Progress(
                job.total,
                stream=sys.stderr,
                enabled=_isatty(sys.stderr) if args.progress is None else args.progress,
            )
            progress.start()
            try:
                results = await job.run(client, lambda result: progress.advance(result.ok))
            finally:
                progress.close()
    except CLIError as exc:
        return _fatal(args, out_dir, exc.code, type(exc).__name__, str(exc))
    except PromptsFileError as exc:
        return _fatal(args, out_dir, ExitCode.USAGE, type(exc).__name__, str(exc))
    except (ia.IdeogramError, OSError) as exc:
        return _fatal(args, out_dir, exit_code_for(exc), type(exc).__name__, str(exc))
    code = overall_exit_code(results)
    if args.json:
        _print_json(_document(args, out_dir, code, results, None))
    else:
        _print_human(args, out_dir, results)
    return code


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
            items = [BatchItem(prompt=args.prompt)]
        else:
            items = _read_prompts(args.prompts_file)
        items = [_with_defaults(item, defaults, extra_body, family) for item in items]
        concurrency = getattr(args, "concurrency", 1)

        async def run_many(
            client: ia.AsyncIdeogram, on_result: Callable[[ItemResult], None]
        ) -> list[ItemResult]:
            generate = client.v3.generate if family == "v3" else client.legacy.generate
            check_params(items, _keyword_parameters(generate))
            return await run_batch(
                client,
                items,
                out_dir,
                model=family,
                concurrency=concurrency,
                on_result=on_result,
            )

        return _Job(len(items), run_many)

    get_method, image_name = _SINGLE[command]
    kwargs: dict[str, Any] = {image_name: args.image, **options}
    for positional in ("mask", "prompt", "resolution"):
        if positional in vars(args) and positional not in args._options:
            kwargs[positional] = getattr(args, positional)
    if extra_body:
        kwargs["extra_body"] = extra_body
    prompt: str | None = kwargs.get("prompt")
    slug = slugify(prompt) if prompt else f"{_stem(args.image)}-{command}"

    async def run_one(
        client: ia.AsyncIdeogram, on_result: Callable[[ItemResult], None]
    ) -> list[ItemResult]:
        call = partial(get_method(client), **kwargs)
        result = await run_item(client, 0, call, out_dir, prompt=prompt, slug=slug)
        on_result(result)
        return [result]

    return _Job(1, run_one)


def _generate_options(options: Mapping[str, Any]) -> tuple[Literal["v3", "legacy"], dict[str, Any]]:
    """The model family ``--model`` names, and the other options in that family's spelling."""
    params = dict(options)
    model = str(params.pop("model", "v3")).strip()
    if model.lower() in ("v3", "3", "3.0", "v_3"):
        return "v3", params
    for name, flag in _V3_ONLY.items():
        if name in params:
            raise CLIError(ExitCode.USAGE, f"{flag} is only for --model v3")
    if model.lower() != "legacy":
        params["model"] = model.upper()
    return "legacy", params


def _with_defaults(
    item: BatchItem,
    defaults: Mapping[str, Any],
    extra_body: Mapping[str, Any],
    family: Literal["v3", "legacy"],
) -> BatchItem:
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


def _keyword_parameters(method: _Method) -> list[str]:
    return [
        name
        for name, parameter in inspect.signature(method).parameters.items()
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY and name != "prompt"
    ]


def _read_prompts(name: str) -> list[BatchItem]:
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


def _stem(image: str) -> str:
    path = urlsplit(image).path if is_url(image) else image
    return slugify(PurePosixPath(path.replace("\\", "/")).stem)


# --- the client ----------------------------------------------------------------------------


@asynccontextmanager
async def _open_client(args: argparse.Namespace) -> AsyncIterator[ia.AsyncIdeogram]:
    """The emulator's client (``--emulator``, ``demo``), else one for the API from the env."""
    kwargs: dict[str, Any] = {"max_inflight_images": args.max_inflight_images}
    if args.timeout is not None:
        kwargs["timeout"] = args.timeout
    if args.max_retries is not None:
        kwargs["max_retries"] = args.max_retries
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


# --- reporting -----------------------------------------------------------------------------


def _fatal(args: argparse.Namespace, out_dir: Path, code: ExitCode, kind: str, message: str) -> int:
    """Report a failure that stopped the command before its items could run."""
    print(f"ideogram: error: {message}", file=sys.stderr)
    if args.json:
        error = {"type": kind, "message": message, "exit_code": int(code)}
        _print_json(_document(args, out_dir, code, [], error))
    return code


def _document(
    args: argparse.Namespace,
    out_dir: Path,
    code: ExitCode,
    results: Sequence[ItemResult],
    error: dict[str, Any] | None,
) -> dict[str, Any]:
    """The ``--json`` document (its schema is in docs/cli.md)."""
    succeeded = sum(result.ok for result in results)
    return {
        "command": args.command,
        "ok": code == ExitCode.OK,
        "exit_code": int(code),
        "out_dir": str(out_dir),
        "summary": {
            "items": len(results),
            "succeeded": succeeded,
            "failed": len(results) - succeeded,
            "files": sum(len(result.files) for result in results),
        },
        "items": [result.to_json() for result in results],
        "error": error,
    }


def _print_json(document: Mapping[str, Any]) -> None:
    sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")


def _print_human(args: argparse.Namespace, out_dir: Path, results: Sequence[ItemResult]) -> None:
    """Files (and descriptions) on stdout, one a line, for pipes; errors on stderr."""
    files = [file for result in results for file in result.files]
    if args.command == "demo":
        print(f"Wrote {len(files)} images from the offline emulator to {out_dir}:")
    for result in results:
        for file in result.files:
            print(file)
        for description in result.descriptions or ():
            print(description)
    many = args.command in ("batch", "demo")
    for result in results:
        if result.error is None:
            continue
        if many:
            where = f"item {result.index}" + (f" (line {result.line})" if result.line else "")
            print(
                f"ideogram: {where} {_quote(result.prompt)}: "
                f"{result.error.type}: {result.error.message}",
                file=sys.stderr,
            )
        else:
            print(f"ideogram: error: {result.error.message}", file=sys.stderr)
    if many:
        failed = sum(not result.ok for result in results)
        print(
            f"ideogram: {len(results)} prompts, {len(results) - failed} succeeded, "
            f"{failed} failed; {len(files)} images saved in {out_dir}",
            file=sys.stderr,
        )


def _quote(prompt: str | None) -> str:
    text = prompt or ""
    return json.dumps(text if len(text) <= 40 else text[:39] + "…", ensure_ascii=False)


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False
