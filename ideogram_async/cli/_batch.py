"""Prompts files in, batch items out; and the exit code a batch's results earn.

The work itself is the library's ``ideogram_async.Batch``: this module only reads what the
command line gives it.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence

import ideogram_async as ia

from ._exit import ExitCode, exit_code_for_error

__all__ = ["PromptsFileError", "check_params", "overall_exit_code", "parse_prompts"]


class PromptsFileError(ValueError):
    """A line of a prompts file cannot be read."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line


def parse_prompts(text: str) -> list[ia.BatchItem]:
    """Read a prompts file: one prompt a line, or a JSON object a line (JSONL), mixed freely.

    Blank lines and lines starting with ``#`` are skipped. A JSON line needs a ``"prompt"``;
    its other keys are the item's parameters, and ``"extra_body"`` (an object) is sent as is.
    Each item's ``tag`` is its line number.

    Raises:
        PromptsFileError: A line is not valid JSON or lacks a prompt.
    """
    items = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if not line.startswith("{"):
            items.append(ia.BatchItem({"prompt": line}, tag=number))
            continue
        try:
            obj = json.loads(line)
        except ValueError as exc:
            raise PromptsFileError(number, f"not valid JSON ({exc})") from exc
        if not isinstance(obj, dict):
            raise PromptsFileError(number, "a JSON line must be an object")
        prompt = obj.pop("prompt", None)
        if not isinstance(prompt, str) or not prompt.strip():
            raise PromptsFileError(number, 'a JSON line needs a non-empty "prompt" string')
        extra = obj.pop("extra_body", None)
        if extra is not None and not isinstance(extra, dict):
            raise PromptsFileError(number, '"extra_body" must be a JSON object')
        items.append(ia.BatchItem({"prompt": prompt, **obj}, extra_body=extra, tag=number))
    return items


def check_params(items: Sequence[ia.BatchItem], allowed: Collection[str]) -> None:
    """Refuse a parameter the operation does not take (a typo would be lost otherwise).

    Raises:
        PromptsFileError: An item has an unknown parameter.
    """
    for item in items:
        unknown = sorted(set(item.params) - set(allowed) - {"prompt"})
        if unknown:
            raise PromptsFileError(
                item.tag or 0,
                f"unknown parameter {unknown[0]!r}; known: {', '.join(sorted(allowed))} "
                '(send other fields in "extra_body")',
            )


def overall_exit_code(report: ia.BatchReport) -> ExitCode:
    """130 if interrupted; 0 when all succeeded; a stopped batch's cause; one shared
    failure's code; else 1."""
    if report.interrupted:
        return ExitCode.INTERRUPTED
    if report.stopped_by is not None:
        return exit_code_for_error(report.stopped_by)
    codes = [item_exit_code(result) for result in report.results]
    failures = [code for code in codes if code != ExitCode.OK]
    if not failures:
        return ExitCode.OK
    if len(failures) == len(codes) and len(set(failures)) == 1:
        return failures[0]
    return ExitCode.PARTIAL


def item_exit_code(result: ia.BatchResult) -> ExitCode:
    """The exit code one item earns on its own."""
    if result.error is not None:
        return exit_code_for_error(result.error)
    if result.unsafe:
        return ExitCode.PARTIAL
    return ExitCode.OK
