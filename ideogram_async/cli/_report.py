"""What a command reports: one JSON document (``--json``), or files on stdout, notes on stderr."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import ideogram_async as ia
from ideogram_async._prices import format_usd

from ._exit import ExitCode, exit_code_for_error

__all__ = ["document", "dry_run_document", "print_dry_run", "print_human", "print_json"]


def item_json(result: ia.BatchResult) -> dict[str, Any]:
    """One item as ``--json`` reports it (the schema is in docs/cli.md)."""
    return {
        "index": result.index,
        "line": result.item.tag,
        "prompt": result.item.params.get("prompt"),
        "status": result.status,
        "ok": result.ok,
        "resumed": result.resumed,
        "key": result.key,
        "files": [str(path) for path in result.files],
        "seeds": [image.seed for image in result.images if image.seed is not None],
        "images": [_image_json(image) for image in result.images],
        "request_id": result.request_ids[0] if result.request_ids else None,
        "cost_usd_micros": result.cost_usd_micros,
        "error": _error_json(result),
    }


def _image_json(image: ia.BatchImage) -> dict[str, Any]:
    """One image, with why it was not saved (its link is kept, to fetch it before it expires)."""
    error = None if image.error is None else image.error.to_json()
    return {**image.to_json(), "error": error}


def _error_json(result: ia.BatchResult) -> dict[str, Any] | None:
    error = result.error
    if error is None and result.unsafe:
        error = ia.BatchItemError(
            "UnsafeImage",
            f"{result.unsafe} of {len(result.images)} images failed the safety check "
            "and came without a link",
            "request",
        )
        return {**error.to_json(), "exit_code": int(ExitCode.PARTIAL)}
    if error is None:
        return None
    return {**error.to_json(), "exit_code": int(exit_code_for_error(error))}


def document(
    command: str,
    out_dir: Path,
    code: ExitCode,
    report: ia.BatchReport | None,
    *,
    manifest: Path | None = None,
    items: Sequence[dict[str, Any]] | None = None,
    error: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The ``--json`` document: one object, also for a failure before any item ran."""
    results = report.results if report is not None else ()
    entries = list(items) if items is not None else [item_json(r) for r in results]
    succeeded = sum(entry["ok"] for entry in entries)
    estimate = report.estimate if report is not None else None
    return {
        "command": command,
        "ok": code == ExitCode.OK,
        "exit_code": int(code),
        "interrupted": bool(report and report.interrupted),
        "out_dir": str(out_dir),
        "manifest": None if manifest is None else str(manifest),
        "summary": {
            "items": len(entries),
            "succeeded": succeeded,
            "failed": len(entries) - succeeded,
            "skipped": sum(r.status == "skipped" for r in results),
            "interrupted": sum(r.status == "interrupted" for r in results),
            "resumed": sum(r.resumed for r in results),
            "files": sum(len(entry["files"]) for entry in entries),
            "cost_usd_micros": report.cost_usd_micros if report is not None else 0,
            "estimated_usd_micros": estimate.usd_micros if estimate is not None else None,
        },
        "items": entries,
        "error": None if error is None else dict(error),
    }


def dry_run_document(
    command: str, out_dir: Path, manifest: Path | None, estimate: ia.CostEstimate, total: int
) -> dict[str, Any]:
    """The ``--json`` document of ``--dry-run``: the estimate, and no items."""
    return {
        "command": command,
        "dry_run": True,
        "ok": True,
        "exit_code": 0,
        "out_dir": str(out_dir),
        "manifest": None if manifest is None else str(manifest),
        "estimate": {
            "items": total,
            "finished": estimate.finished,
            "to_send": estimate.items,
            "calls": estimate.calls,
            "images": estimate.images,
            "usd_micros": estimate.usd_micros,
            "usd": format_usd(estimate.usd_micros),
            "unpriced_items": list(estimate.unpriced),
        },
        "items": [],
        "error": None,
    }


def print_json(data: Mapping[str, Any]) -> None:
    """Exactly one JSON object on stdout."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def print_dry_run(
    out_dir: Path, manifest: Path | None, estimate: ia.CostEstimate, total: int
) -> None:
    """The estimate in words, on stdout."""
    print(f"{total} items; {estimate.finished} already finished" + _in(manifest))
    print(
        f"would send {estimate.calls} calls for {estimate.images} images "
        f"({estimate.items} items), saved in {out_dir}"
    )
    line = f"estimated cost: {format_usd(estimate.usd_micros)}"
    if estimate.unpriced:
        shown = ", ".join(str(index) for index in estimate.unpriced[:5])
        line += f" (not counting {len(estimate.unpriced)} unpriced items: {shown}...)"
    print(line)


def print_human(command: str, out_dir: Path, report: ia.BatchReport, manifest: Path | None) -> None:
    """Files on stdout, one a line, for pipes; errors, links of unsaved images and the
    batch's summary on stderr."""
    for path in report.files:
        print(path)
    many = command in ("batch", "demo")
    for result in report.results:
        error = result.error
        where = _where(result) if many else "error"
        if error is not None and error.stage not in ("skipped", "interrupted"):
            print(f"ideogram: {where}: {error.type}: {error.message}", file=sys.stderr)
        elif error is None and result.unsafe:
            print(
                f"ideogram: {where}: {result.unsafe} of {len(result.images)} images failed the "
                "safety check and came without a link",
                file=sys.stderr,
            )
        # A paid image not on disk, however that came about: its link, to fetch it in time.
        unsaved = [image for image in result.images if image.path is None and image.url]
        if unsaved and (error is None or error.stage in ("skipped", "interrupted")):
            print(f"ideogram: {where}: {len(unsaved)} images not saved", file=sys.stderr)
        for image in unsaved:
            print(f"  not saved, its link (it expires): {image.url}", file=sys.stderr)
    if many or report.interrupted:
        _print_summary(report, out_dir, manifest)


def _print_summary(report: ia.BatchReport, out_dir: Path, manifest: Path | None) -> None:
    results = report.results
    done = report.count("done")
    resumed = sum(r.resumed and r.status == "done" for r in results)
    parts = [f"{done} done" + (f" ({resumed} in an earlier run)" if resumed else "")]
    for status in ("failed", "skipped", "interrupted"):
        if report.count(status):
            parts.append(f"{report.count(status)} {status}")
    print(
        f"ideogram: {len(results)} items: {', '.join(parts)}; "
        f"{len(report.files)} images in {out_dir}; priced at {format_usd(report.cost_usd_micros)}",
        file=sys.stderr,
    )
    if report.stopped_by is not None:
        print(
            f"ideogram: stopped sending after {report.stopped_by.type}: "
            f"{report.stopped_by.message}",
            file=sys.stderr,
        )
    if report.interrupted:
        again = "run the same command again to resume" if manifest else "nothing resumes"
        print(f"ideogram: interrupted; {again}" + _in(manifest), file=sys.stderr)
    failed_now = [r for r in results if r.status == "failed" and r.resumed]
    if failed_now and manifest is not None:
        print(
            f"ideogram: {len(failed_now)} items failed in an earlier run; "
            "--retry-failed sends them again",
            file=sys.stderr,
        )


def _where(result: ia.BatchResult) -> str:
    line = result.item.tag
    where = f"item {result.index}" + (f" (line {line})" if line else "")
    return f"{where} {_quote(result.item.params.get('prompt'))}"


def _in(manifest: Path | None) -> str:
    return f" (manifest {manifest})" if manifest is not None else ""


def _quote(prompt: Any) -> str:
    text = str(prompt or "")
    return json.dumps(text if len(text) <= 40 else text[:39] + "…", ensure_ascii=False)
