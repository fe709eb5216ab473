"""The ``ideogram`` command's arguments (argparse); ``_app`` runs what they ask."""

from __future__ import annotations

import argparse
from typing import Any

import ideogram_async as ia

from ._exit import EXIT_CODES_HELP
from ._shard import parse_shard
from ._v2 import add_v2_commands, v2_models

__all__ = ["DEFAULT_OUT", "MANIFEST_NAME", "build_parser"]

DEFAULT_OUT = "ideogram-out"
MANIFEST_NAME = "ideogram-batch.jsonl"
"""The manifest ``ideogram batch`` keeps in its output folder, so that a re-run resumes."""

_ENVIRONMENT_HELP = """\
environment:
  IDEOGRAM_API_KEY      the API key (required unless --emulator or demo)
  IDEOGRAM_BASE_URL     a gateway's URL instead of https://api.ideogram.ai
  IDEOGRAM_AUTH_SCHEME  api-key (Ideogram's Api-Key header) or bearer (gateways)"""

_EPILOG = f"{EXIT_CODES_HELP}\n\n{_ENVIRONMENT_HELP}"


def _values(*enum_classes: Any) -> str:
    return ", ".join(str(member.value) for cls in enum_classes for member in cls)


def _loose(text: str) -> str:
    """A spelling folded for finding what a near miss meant: ``16:9`` and ``16X9`` alike."""
    return text.strip().upper().replace(":", "X").replace("*", "X").replace("-", "_")


def _choice(*enum_classes: Any, listed: int = 16) -> Any:
    """An argparse type taking exactly the API's spellings of the enums' values.

    The SDK takes the same strings, so the command and the library agree. A near miss
    (``16:9``, ``turbo``) is refused with the spelling it would have been; argparse puts the
    flag in front of the message (``argument --aspect-ratio: ...``).
    """
    values = [str(member.value) for cls in enum_classes for member in cls]

    def parse(text: str) -> str:
        if text in values:
            return text
        meant = [value for value in values if _loose(value) == _loose(text)]
        shown = ", ".join(values[:listed]) + (", ..." if len(values) > listed else "")
        hint = f" (did you mean {meant[0]}?)" if meant else ""
        raise argparse.ArgumentTypeError(f"{text!r} is not one of {shown}{hint}")

    parse.__name__ = enum_classes[0].__name__  # argparse names the type in some errors
    return parse


def _model(text: str) -> str:
    """``v3``, ``legacy`` or a legacy model, spelt as the API spells it."""
    if text in ("v3", "legacy") or text in v2_models():
        return text
    try:
        return str(_choice(ia.Model)(text))
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not v3, legacy or one of {_values(ia.Model)}"
        ) from None


def _int_range(low: int, high: int | None = None) -> Any:
    """An argparse type for an integer from ``low`` to ``high`` (no limit when ``None``)."""
    allowed = f"an integer from {low} to {high}" if high is not None else f"{low} or more"

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"invalid int value: {text!r}") from None
        if value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"{value} is invalid: {allowed}")
        return value

    parse.__name__ = "int"
    return parse


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


_ASPECT_RATIO = _choice(ia.AspectRatioV3, ia.AspectRatio, listed=15)
_RESOLUTION = _choice(ia.ResolutionV3, ia.Resolution, listed=4)
_PERCENT = _int_range(1, 100)


# Each option's destination is the SDK's parameter name, so ``_app`` passes them as they are.
_MAGIC_PROMPT: tuple[tuple[str, ...], dict[str, Any]] = (
    ("--magic-prompt",),
    {
        "type": _choice(ia.MagicPromptOption),
        "metavar": "OPTION",
        "help": _values(ia.MagicPromptOption),
    },
)
_OPTIONS: dict[str, tuple[tuple[str, ...], dict[str, Any]]] = {
    "model": (
        ("--model",),
        {
            "type": _model,
            "default": "v3",
            "metavar": "MODEL",
            "help": "v3 (Ideogram 3.0, the default), legacy (the /generate route's default "
            f"model), a legacy model: {_values(ia.Model)}, or a v2 model run as a job "
            "(ideogram-4-5, nano-banana-2, ...: see ideogram quote --help)",
        },
    ),
    "aspect_ratio": (
        ("--aspect-ratio",),
        {
            "type": _ASPECT_RATIO,
            "metavar": "WxH",
            "help": f"{_values(ia.AspectRatioV3)}; not with --resolution",
        },
    ),
    "resolution": (
        ("--resolution",),
        {"type": _RESOLUTION, "metavar": "WxH", "help": "such as 1024x1024 or 1280x704"},
    ),
    "num_images": (
        ("-n", "--num-images"),
        # Only the lower bound: the 3.0 routes take 1 to 8 a call, and the SDK says so naming
        # num_images; the batch engine (branch batch) splits a larger count into calls.
        {"type": _int_range(1), "metavar": "N", "help": "images to make, 1 to 8"},
    ),
    "seed": (
        ("--seed",),
        {"type": _int_range(0, 2147483647), "help": "0 to 2147483647, for repeatable results"},
    ),
    "rendering_speed": (
        ("--rendering-speed",),
        {
            "type": _choice(ia.RenderingSpeed),
            "metavar": "SPEED",
            "help": _values(ia.RenderingSpeed),
        },
    ),
    "style_type": (
        ("--style-type",),
        {
            "type": _choice(ia.StyleTypeV3, ia.StyleType),
            "metavar": "TYPE",
            "help": _values(ia.StyleTypeV3) + " (3.0)",
        },
    ),
    "style_preset": (
        ("--style-preset",),
        {
            "type": _choice(ia.StylePresetV3, listed=6),
            "metavar": "PRESET",
            "help": "a 3.0 style preset, such as ART_DECO",
        },
    ),
    "negative_prompt": (("--negative-prompt",), {"metavar": "TEXT", "help": "what to leave out"}),
    "magic_prompt": _MAGIC_PROMPT,
    "magic_prompt_option": _MAGIC_PROMPT,  # the legacy routes' name for the same option
    "color_palette": (
        ("--color-palette",),
        {
            "type": _choice(ia.ColorPalettePresetName),
            "metavar": "NAME",
            "help": f"a preset palette: {_values(ia.ColorPalettePresetName)}",
        },
    ),
    "style_reference_images": (
        ("--style-reference",),
        {"action": "append", "metavar": "IMAGE", "help": "a style reference image (repeatable)"},
    ),
    "image_weight": (
        ("--image-weight",),
        {
            "type": _PERCENT,
            "metavar": "1-100",
            "help": "how much of the image to keep (default 50)",
        },
    ),
    "prompt": (("--prompt",), {"metavar": "TEXT", "help": "a prompt to guide the upscale"}),
    "resemblance": (
        ("--resemblance",),
        {"type": _PERCENT, "metavar": "1-100", "help": "how closely to keep the original"},
    ),
    "detail": (
        ("--detail",),
        {"type": _PERCENT, "metavar": "1-100", "help": "how much detail to add"},
    ),
    "describe_model_version": (
        ("--describe-model-version",),
        {
            "type": _choice(ia.DescribeModelVersion),
            "metavar": "VERSION",
            "help": _values(ia.DescribeModelVersion),
        },
    ),
}

_GENERATE_OPTIONS = (
    "model",
    "aspect_ratio",
    "resolution",
    "num_images",
    "seed",
    "rendering_speed",
    "style_type",
    "style_preset",
    "negative_prompt",
    "magic_prompt",
    "color_palette",
    "style_reference_images",
)
_STYLE = ("style_preset", "color_palette", "style_reference_images")

# command: (positionals, options, one-line help)
_COMMANDS: dict[str, tuple[tuple[str, ...], tuple[str, ...], str]] = {
    "generate": (("prompt",), _GENERATE_OPTIONS, "generate images from a prompt (3.0 default)"),
    "remix": (
        ("image", "prompt"),
        (
            "image_weight",
            "aspect_ratio",
            "resolution",
            "num_images",
            "seed",
            "rendering_speed",
            "style_type",
            "negative_prompt",
            "magic_prompt",
            *_STYLE,
        ),
        "remix an image with a prompt (3.0)",
    ),
    "edit": (
        ("image", "mask", "prompt"),
        ("num_images", "seed", "rendering_speed", "style_type", "magic_prompt", *_STYLE),
        "repaint the masked part of an image (3.0 inpaint)",
    ),
    "upscale": (
        ("image",),
        ("prompt", "resemblance", "detail", "num_images", "seed", "magic_prompt_option"),
        "upscale an image",
    ),
    "describe": (("image",), ("describe_model_version",), "describe an image in words"),
    "reframe": (
        ("image", "resolution"),
        ("num_images", "seed", "rendering_speed", *_STYLE),
        "extend a square image to a new resolution (3.0)",
    ),
    "replace-background": (
        ("image", "prompt"),
        ("num_images", "seed", "rendering_speed", "magic_prompt", *_STYLE),
        "keep the subject, paint a new background (3.0)",
    ),
    "remove-background": (("image",), (), "cut the subject out onto transparency"),
    "batch": (
        ("prompts_file",),
        _GENERATE_OPTIONS,
        "generate from every prompt of a file, concurrently",
    ),
    "demo": ((), (), "run a small batch offline against the built-in emulator"),
}

_POSITIONAL_HELP = {
    "prompt": "what to draw",
    "image": "an image file (PNG, JPEG or WebP) or an http(s) URL",
    "mask": "black where the image may change, white elsewhere; the image's size",
    "resolution": "the output resolution, such as 1280x704",
    "prompts_file": 'one prompt a line, or JSONL ({"prompt": ..., "num_images": 2}); - for stdin',
}


def _common() -> argparse.ArgumentParser:
    """Options every command takes."""
    parser = argparse.ArgumentParser(add_help=False)
    group = parser.add_argument_group("common options")
    group.add_argument(
        "-o",
        "--out",
        default=DEFAULT_OUT,
        metavar="DIR",
        help=f"where images are saved (default ./{DEFAULT_OUT}); never overwritten; "
        "checked before any request",
    )
    group.add_argument(
        "--json",
        action="store_true",
        help="print one JSON object on stdout describing every item (for scripts)",
    )
    group.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="show progress on stderr (default: when stderr is a terminal)",
    )
    group.add_argument(
        "--emulator",
        action="store_true",
        help="talk to the built-in offline emulator instead of the API (no key needed)",
    )
    group.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="an extra field sent as is (extra_body); VALUE is JSON if it parses, else a "
        "string; a.b=1 nests (repeatable)",
    )
    group.add_argument("--base-url", metavar="URL", help="overrides IDEOGRAM_BASE_URL")
    group.add_argument("--timeout", type=float, metavar="SECONDS", help="per request")
    group.add_argument(
        "--max-retries", type=int, metavar="N", help="retries after a failure (default 2)"
    )
    group.add_argument(
        "--max-inflight-images",
        type=_positive,
        default=10,
        metavar="N",
        help="images in flight at once, client-wide (default 10)",
    )
    return parser


def _batch_options(group: argparse._ArgumentGroup) -> None:
    group.add_argument(
        "--manifest",
        metavar="FILE",
        help=f"the batch's journal (default OUT/{MANIFEST_NAME}); a re-run with the same "
        "manifest skips finished items and downloads missing files again",
    )
    group.add_argument(
        "--retry-failed",
        action="store_true",
        help="send again the items that failed in an earlier run (by default they are "
        "reported, not sent)",
    )
    group.add_argument(
        "--dry-run",
        action="store_true",
        help="send nothing: print what would be sent and its estimated cost",
    )
    group.add_argument(
        "--max-cost",
        metavar="USD",
        help="stop sending once this run's cost would pass USD dollars (such as 2.50), "
        "at the price table's prices",
    )
    group.add_argument(
        "--prices",
        metavar="FILE",
        help='a JSON price table laid over Ideogram\'s list prices: {"v3.generate/TURBO": '
        '"0.03", ...} (for gateways that charge otherwise)',
    )


def _sharing_options(group: argparse._ArgumentGroup) -> None:
    group.add_argument(
        "--shard",
        type=parse_shard,
        metavar="K/N",
        help="take shard K of N of the prompts file (prompts K, K+N, K+2N, ...), with its own "
        "manifest (default OUT/ideogram-batch.shard-K-of-N.jsonl); run shards 1/N to N/N on "
        "N machines, with --redis to share one budget",
    )
    group.add_argument(
        "--redis",
        metavar="URL",
        help="share one in-flight budget (--max-inflight-images) with every process using "
        "this Redis and key (needs the redis extra; docs/redis.md)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The ``ideogram`` parser; each subcommand records its SDK options in ``_options``."""
    parser = argparse.ArgumentParser(
        prog="ideogram",
        description="Generate and edit images with Ideogram's API, or offline with --emulator.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {ia.__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    common = _common()
    for name, (positionals, options, summary) in _COMMANDS.items():
        sub = commands.add_parser(
            name,
            parents=[common],
            help=summary,
            description=summary[0].upper() + summary[1:] + ".",
            epilog=_EPILOG,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        for positional in positionals:
            sub.add_argument(
                positional,
                type=_RESOLUTION if positional == "resolution" else str,
                metavar=positional.upper(),
                help=_POSITIONAL_HELP[positional],
            )
        group = sub.add_argument_group(f"{name} options") if options else sub
        for dest in options:
            flags, kwargs = _OPTIONS[dest]
            group.add_argument(*flags, dest=dest, **kwargs)
        if name in ("batch", "demo"):
            sub.add_argument(
                "--concurrency",
                type=_positive,
                metavar="N",
                help="the most calls under way at once (default: twice the in-flight image "
                "budget); the budget limits what is in flight",
            )
        if name == "batch":
            _batch_options(sub.add_argument_group("resuming and cost"))
            _sharing_options(sub.add_argument_group("splitting a batch over machines"))
        sub.set_defaults(_options=options)
    add_v2_commands(commands, common, _EPILOG)  # v2 hook: quote, job
    return parser
