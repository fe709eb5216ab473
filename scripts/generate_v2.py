"""Write ``ideogram_async/_v2/_generated.py``: the typed v2 methods, from ``_v2/_fields.py``.

One method per operation and model on three groups: ``client.v2`` (run to the result),
``client.v2.submit`` (a ``Job`` at once) and ``client.v2.quote`` (a ``PriceQuote``, only for
operations that declare ``dry_run``). Run ``python scripts/generate_v2.py`` after changing the
field table; ``--check`` fails when the generated file is stale.
"""

from __future__ import annotations

import argparse
import pathlib
import sys
import textwrap
import typing

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ideogram_async import _enums  # noqa: E402
from ideogram_async._v2._fields import ENUMS, OPS, Enum, Field, Op  # noqa: E402
from ideogram_async._v2._routes import ROUTES  # noqa: E402

TARGET = ROOT / "ideogram_async" / "_v2" / "_generated.py"

_DOCS = {
    "aspect_ratio": "The output's aspect ratio.",
    "resolution": "The output's resolution.",
    "resolution_tier": "The output's size tier.",
    "quality": "The quality tier (a higher one costs more).",
    "rendering_speed": "Faster, or better, rendering.",
    "style_type": "The kind of style.",
    "style_preset": "A style preset; not with style codes or style references.",
    "background": "Whether the background is transparent or opaque.",
    "output_resolution": "The output's resolution tier.",
    "upscale_factor": "How much to enlarge.",
    "category_id": "A category that guides the model choice.",
    "custom_width": "The width in pixels (with ``custom_height``).",
    "custom_height": "The height in pixels (with ``custom_width``).",
    "num_inference_steps": "The number of sampling steps.",
    "style_reference_collection_id": "A collection of style references.",
    "style_reference_collection_version_id": "A version of that collection.",
    "character_reference_images": "One image of the character to keep.",
    "character_reference_asset_identifiers": "The character reference as an asset identifier.",
    "character_reference_collection_id": "A collection holding the character reference.",
    "character_reference_collection_version_id": "A version of that collection.",
    "character_reference_mask": "A mask of the character in its reference image.",
    "stacked_custom_models": "More custom models: ``{'custom_model_uri': ..., 'weight': ...}``.",
    "context_window": "How much of the image around the edit the model sees.",
    "reference_image_asset_identifiers": "Reference images as asset identifiers.",
    "enhancement_strength": "How strongly to enhance.",
    "subject_detection": "Which part of the image the upscaler treats as the subject.",
    "store_assets": "Store the results as assets.",
    "include_bbox": "Include bounding boxes of the elements.",
    "include_style_descriptions": "Include descriptions of the style.",
    "include_tags": "Include tags.",
    "webhook_url": "An HTTPS URL Ideogram POSTs the result to when the job finishes.",
    "color_preservation": "Keep the source's colours.",
    "autoprompt": "Let the upscaler write its own prompt.",
    "detail": "Add detail.",
    "face_enhancement": "Enhance faces.",
}
_KNOB = "A setting of the upscaler."


def _type(field: Field) -> str:
    kind = field.kind
    if isinstance(kind, Enum):
        return kind.name
    return {
        "str": "str",
        "int": "int",
        "num": "float",
        "bool": "bool",
        "asset": "Asset",
        "assets": "Asset | Sequence[Asset]",
        "file": "FileInput",
        "files": "FileInput | Sequence[FileInput]",
        "palette": "ColorPalettePreset | Mapping[str, Any]",
        "strs": "str | Sequence[str]",
        "stacked": "Sequence[Mapping[str, Any]]",
    }[kind]


def _n(bound: float) -> str:
    return str(int(bound)) if float(bound).is_integer() else str(bound)


def _doc(field: Field) -> str:
    text = field.doc or _DOCS.get(field.name) or _KNOB
    if not field.doc and field.kind in ("int", "num") and None not in (field.low, field.high):
        # The snapshot's range, which the SDK checks before sending.
        text = text[:-1] + f", from {_n(field.low or 0)} to {_n(field.high or 0)}."
    if isinstance(field.kind, Enum) and len(field.kind.values) <= 8:
        text += " One of " + ", ".join(f"``{v}``" for v in field.kind.values) + "."
    return text


_RESULTS = {
    "generation": "GenerationResult",
    "describe_v3": "DescribeV3Result",
    "describe_v4": "DescribeV4Result",
}
_VERBS = {
    "generate": "Generate images",
    "inpaint": "Repaint the masked part of an image",
    "precise_edit": "Edit an image precisely",
    "remix": "Remix an image",
    "reframe": "Extend an image to a new frame",
    "upscale": "Upscale an image",
    "remove_background": "Remove an image's background",
    "remove_object": "Remove the masked object from an image",
    "replace_background": "Replace an image's background",
    "describe": "Describe an image",
    "layerize": "Split a design into its layers",
}


def _method(o: Op, kind: str) -> list[str]:
    route = ROUTES["/v2/" + o.path]
    fields = [f for f in o.fields if f.name != "async"]
    if kind != "submit":
        fields = [f for f in fields if f.name != "webhook_url"]
    fields.sort(key=lambda f: not f.required)
    result = _RESULTS[o.result]
    returns = {"run": result, "submit": f"Job[{result}]", "quote": "PriceQuote"}[kind]
    lines = [f"    async def {o.method}(", "        self,", "        *,"]
    for f in fields:
        default = "" if f.required else " | None = None"
        lines.append(f"        {f.name}: {_type(f)}{default},")
    lines += ["        **options: Unpack[RequestOptions],", f"    ) -> {returns}:"]
    summary = {
        "run": f"{_VERBS[o.family]} with ``{o.model}``.",
        "submit": f"Submit {o.family.replace('_', ' ')} with ``{o.model}`` as a job.",
        "quote": f"Price {o.family.replace('_', ' ')} with ``{o.model}``: nothing runs or bills.",
    }[kind]
    lines.append(f'        """{summary}')
    lines.append("")
    lines.append(f"        ``POST /v2/{o.path}``" + ("?dry_run=true." if kind == "quote" else "."))
    lines.append("")
    if kind == "run" and route.mode == "always":
        lines += [
            "        The API runs it as a job only; this submits it and waits for the result.",
            "",
        ]
    if kind == "submit":
        lines += [
            "        Save ``job.id`` to resume with ``client.jobs.get(id)``; never resubmit.",
            "",
        ]
    lines.append("        Args:")
    for f in fields:
        lines += textwrap.wrap(
            f"{f.name}: {_doc(f)}",
            width=100,
            initial_indent=" " * 12,
            subsequent_indent=" " * 16,
            break_on_hyphens=False,
        )
    lines.append("            **options: Per-call ``RequestOptions`` (timeout, max_retries, ...).")
    lines.append("")
    lines.append("        Returns:")
    lines.append(
        {
            "run": f"            The ``{result}``.",
            "submit": f"            The ``Job``; ``await job.wait()`` gives the ``{result}``.",
            "quote": "            The ``PriceQuote``.",
        }[kind]
    )
    lines.append("")
    lines.append("        Raises:")
    lines.append("            IdeogramValidationError: A parameter is invalid (nothing was sent).")
    if kind == "run" and route.mode == "always":
        lines.append("            JobFailedError: The job failed.")
    lines.append("            APIError: The request failed.")
    lines.append('        """')
    args = ", ".join(f'"{f.name}": {f.name}' for f in fields)
    call = {"run": "_run", "submit": "_submit", "quote": "_quote"}[kind]
    lines.append(f"        result: {returns} = await self.{call}(")
    lines.append(f'            "{o.path}", {{{args}}}, options')
    lines.append("        )")
    lines.append("        return result")
    lines.append("")
    return lines


def _v1_aliases() -> dict[str, str]:
    """v2 enum name -> the v1 ``...Value`` alias of ``_enums.py`` with the very same values."""
    v1 = {
        typing.get_args(value): name
        for name, value in vars(_enums).items()
        if name.endswith("Value") and typing.get_origin(value) is typing.Literal
    }
    return {e.name: v1[e.values] for e in ENUMS if e.values in v1}


def render() -> str:
    """The generated module's text."""
    shared = _v1_aliases()
    out = [
        '"""Typed v2 methods, one per operation and model.',
        "",
        "Generated by ``scripts/generate_v2.py`` from ``_fields.py``: do not edit by hand.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "from collections.abc import Mapping, Sequence",
        "from typing import TYPE_CHECKING, Any, Literal, Union",
        "",
        *([f"from .._enums import {', '.join(sorted(shared.values()))}"] if shared else []),
        "from ._base import V2Base",
        "",
        "if TYPE_CHECKING:",
        "    from typing_extensions import Unpack",
        "",
        "    from .._jobs import Job",
        "    from .._models import AssetIdentifier",
        "    from .._types import FileInput, RequestOptions",
        "    from ._results import (",
        "        DescribeV3Result,",
        "        DescribeV4Result,",
        "        GenerationResult,",
        "        PriceQuote,",
        "    )",
        "",
        '__all__ = ["V2Operations", "V2Quotes", "V2Submissions"]',
        "",
        'Asset = Union["AssetIdentifier", Mapping[str, str]]',
        '"""``AssetIdentifier``, or ``{"asset_type": ..., "asset_id": ...}``."""',
        "",
    ]
    for enum in sorted(ENUMS, key=lambda e: e.name):
        values = ", ".join(f'"{v}"' for v in enum.values)
        # The same values as a v1 alias: one Literal, not two copies that could drift apart.
        out.append(f"{enum.name} = {shared.get(enum.name) or f'Literal[{values}]'}")
    out.append("")
    groups = (
        ("V2Operations", "run", "Ideogram's v2 operations, run to their result."),
        ("V2Submissions", "submit", "The v2 operations submitted as jobs (``client.v2.submit``)."),
        ("V2Quotes", "quote", "Price quotes of the v2 operations that declare ``dry_run``."),
    )
    for name, kind, doc in groups:
        out += ["", f"class {name}(V2Base):", f'    """{doc}"""', ""]
        for o in OPS:
            route = ROUTES["/v2/" + o.path]
            if kind == "submit" and route.mode == "sync":
                continue
            if kind == "quote" and not route.dry_run:
                continue
            out += _method(o, kind)
    return "\n".join(out).rstrip() + "\n"


def main() -> int:
    """Write the module, or with ``--check`` say whether it is stale."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if the file is stale")
    args = parser.parse_args()
    import subprocess

    text = render()
    formatted = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--stdin-filename", str(TARGET), "-"],
        input=text,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if args.check:
        if not TARGET.exists() or TARGET.read_text() != formatted:
            print(f"{TARGET.relative_to(ROOT)} is stale: run python scripts/generate_v2.py")
            return 1
        return 0
    TARGET.write_text(formatted)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
