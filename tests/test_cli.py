"""The ``ideogram`` command line, run in-process through ``main([...])``.

``main`` runs ``anyio.run`` itself, so these are plain synchronous tests. HTTP goes to the
strict ``respx_mock`` router (or, for ``demo`` and ``--emulator``, to the in-process emulator).
"""

from __future__ import annotations

import io
import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
import respx

import ideogram_async as ia
from ideogram_async.cli import main
from ideogram_async.cli._parser import build_parser
from ideogram_async.cli._progress import progress_for

from .conftest import API, JPEG, KEY, PNG, image_response, multipart_parts

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
LINKS = "https://ideogram.ai/api/images/ephemeral/"
MANIFEST = "ideogram-batch.jsonl"
NO_RETRY = ["--max-retries", "0"]  # failures are final at once: no test sleeps for real


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """A key for the official API, and none of the other settings a developer may have."""
    monkeypatch.setenv("IDEOGRAM_API_KEY", KEY)
    for name in ("IDEOGRAM_BASE_URL", "IDEOGRAM_AUTH_SCHEME", "IDEOGRAM_LOG"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """The ``--out`` directory (not created: the command creates it)."""
    return tmp_path / "out"


def form(request: httpx.Request) -> dict[str, str]:
    """The text fields of a multipart request (the last one wins for repeated names)."""
    return {
        name: content.decode()
        for name, filename, _, content in multipart_parts(request)
        if filename is None
    }


def uploads(request: httpx.Request) -> dict[str, bytes]:
    """The file parts of a multipart request, by field name."""
    return {
        name: content
        for name, filename, _, content in multipart_parts(request)
        if filename is not None
    }


def images_in(directory: Path) -> list[str]:
    """The names of the files in ``directory`` but the batch manifest, sorted."""
    return sorted(path.name for path in directory.iterdir() if path.name != MANIFEST)


class FakeAPI:
    """A generate route answering with as many images as asked, and the links it hands out.

    It records every generate request and the peak number of them in flight at once.
    """

    def __init__(self, router: respx.MockRouter, route: str = "/v1/ideogram-v3/generate") -> None:
        self.requests: list[httpx.Request] = []
        self.inflight = 0
        self.peak = 0
        self.links = 0
        self.route = router.post(API + route).mock(side_effect=self.generate)
        self.downloads = router.get(url__startswith=LINKS).mock(
            return_value=httpx.Response(200, content=PNG, headers={"content-type": "image/png"})
        )

    async def generate(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        self.inflight += 1
        self.peak = max(self.peak, self.inflight)
        # Yield a few times, so that other items the CLI runs concurrently reach the server.
        for _ in range(20):
            await anyio.sleep(0)
        self.inflight -= 1
        fields = form(request) if "multipart" in request.headers["content-type"] else {}
        count = int(fields.get("num_images", "1"))
        body = image_response(count)
        for image in body["data"]:  # type: ignore[attr-defined]
            self.links += 1
            image["url"] = f"{LINKS}{self.links}.png?sig=x"
            image["prompt"] = fields.get("prompt", "")
        return httpx.Response(200, json=body)

    def prompts(self) -> list[str]:
        """The prompts sent, in the order the requests arrived."""
        return [form(request)["prompt"] for request in self.requests]


def write_prompts(tmp_path: Path, text: str, name: str = "prompts.txt") -> str:
    """A prompts file with ``text``; its path as a string."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def run_json(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any]]:
    """Run with ``--json``; the exit code and the one JSON document on stdout."""
    code = main([*argv, "--json"])
    document: dict[str, Any] = json.loads(capsys.readouterr().out)
    return code, document


# --- generate -----------------------------------------------------------------------------


def test_generate_sends_its_options_and_saves_every_image(
    respx_mock: respx.MockRouter, out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`generate` sends a 3.0 request with its options and saves each image as a real PNG."""
    api = FakeAPI(respx_mock)
    code = main(
        [
            "generate",
            "A lighthouse at dawn!",
            "--aspect-ratio",
            "16x9",
            "-n",
            "2",
            "--seed",
            "7",
            "--rendering-speed",
            "TURBO",
            "--style-type",
            "DESIGN",
            "--negative-prompt",
            "fog",
            "--magic-prompt",
            "OFF",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    request = api.requests[0]
    assert request.headers["Api-Key"] == KEY
    assert form(request) == {
        "prompt": "A lighthouse at dawn!",
        "aspect_ratio": "16x9",
        "num_images": "2",
        "seed": "7",
        "rendering_speed": "TURBO",
        "style_type": "DESIGN",
        "negative_prompt": "fog",
        "magic_prompt": "OFF",
    }
    names = images_in(out)
    assert names == ["000-a-lighthouse-at-dawn-12345.png", "000-a-lighthouse-at-dawn-12346.png"]
    assert all((out / name).read_bytes().startswith(PNG_MAGIC) for name in names)
    assert capsys.readouterr().out.split() == [str(out / name) for name in names]


def test_generate_with_a_legacy_model_uses_the_legacy_route_and_spelling(
    respx_mock: respx.MockRouter, out: Path
) -> None:
    """`--model V_2A` calls /generate with the legacy names and enum spellings."""
    route = respx_mock.post(f"{API}/generate").mock(
        return_value=httpx.Response(200, json=image_response(1))
    )
    respx_mock.get(url__startswith=LINKS).mock(return_value=httpx.Response(200, content=PNG))
    argv = ["generate", "a fox", "--model", "V_2A", "--aspect-ratio", "16x9", "--magic-prompt"]
    assert main([*argv, "OFF", "--out", str(out)]) == 0
    assert json.loads(route.calls.last.request.content) == {
        "image_request": {
            "prompt": "a fox",
            "model": "V_2A",
            "aspect_ratio": "ASPECT_16_9",
            "magic_prompt_option": "OFF",
        }
    }


def test_an_option_only_for_v3_is_refused_with_a_legacy_model(
    out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--rendering-speed` with `--model legacy` is a usage error, found before any request."""
    code = main(["generate", "a fox", "--model", "legacy", "--rendering-speed", "TURBO"])
    assert code == 2
    assert "--rendering-speed is only for --model v3" in capsys.readouterr().err
    assert not out.exists()


def test_param_sends_extra_fields_as_json_values_and_nested_keys(
    respx_mock: respx.MockRouter, out: Path
) -> None:
    """`--param` values reach the body as sent: JSON when they parse, nested by dotted keys."""
    api = FakeAPI(respx_mock)
    argv = ["generate", "a fox", "--out", str(out)]
    params = ["--param", "magic_prompt=OFF", "--param", "future.level=3", "--param", "flag=true"]
    assert main(argv + params) == 0
    fields = form(api.requests[0])
    assert fields["magic_prompt"] == "OFF"
    assert json.loads(fields["future"]) == {"level": 3}
    assert fields["flag"] == "true"


def test_a_param_without_an_equals_sign_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`--param KEY` alone exits 2 and says how to write it."""
    assert main(["generate", "a fox", "--param", "magic_prompt"]) == 2
    assert "KEY=VALUE" in capsys.readouterr().err


# --- the image commands --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "route", "fields", "files"),
    [
        (
            ["remix", "{image}", "make it snowy", "--image-weight", "30", "--seed", "5"],
            "/v1/ideogram-v3/remix",
            {"prompt": "make it snowy", "image_weight": "30", "seed": "5"},
            ["image"],
        ),
        (
            ["edit", "{image}", "{mask}", "a red door", "--rendering-speed", "QUALITY"],
            "/v1/ideogram-v3/inpaint",
            {"prompt": "a red door", "rendering_speed": "QUALITY"},
            ["image", "mask"],
        ),
        (
            ["reframe", "{image}", "1280x704", "--num-images", "2"],
            "/v1/ideogram-v3/reframe",
            {"resolution": "1280x704", "num_images": "2"},
            ["image"],
        ),
        (
            ["replace-background", "{image}", "a beach", "--style-preset", "ART_DECO"],
            "/v1/ideogram-v3/replace-background",
            {"prompt": "a beach", "style_preset": "ART_DECO"},
            ["image"],
        ),
        (
            ["upscale", "{image}", "--resemblance", "80", "--detail", "20"],
            "/upscale",
            {"image_request": json.dumps({"resemblance": 80, "detail": 20})},
            ["image_file"],
        ),
    ],
)
def test_image_commands_send_their_request_and_save_the_result(
    respx_mock: respx.MockRouter,
    tmp_path: Path,
    out: Path,
    argv: list[str],
    route: str,
    fields: dict[str, str],
    files: list[str],
) -> None:
    """Each image command calls its route with the image, its options, and saves the images."""
    image, mask = tmp_path / "photo.png", tmp_path / "mask.png"
    image.write_bytes(PNG)
    mask.write_bytes(PNG)
    called = respx_mock.post(API + route).mock(
        return_value=httpx.Response(200, json=image_response(1))
    )
    respx_mock.get(url__startswith=LINKS).mock(return_value=httpx.Response(200, content=PNG))
    args = [arg.format(image=image, mask=mask) for arg in argv]
    assert main([*args, "--out", str(out)]) == 0
    request = called.calls.last.request
    assert form(request) == fields
    assert uploads(request) == dict.fromkeys(files, PNG)
    saved = images_in(out)
    assert len(saved) == 1
    assert (out / saved[0]).read_bytes().startswith(PNG_MAGIC)


def test_upscale_without_a_prompt_names_the_file_after_the_image(
    respx_mock: respx.MockRouter, tmp_path: Path, out: Path
) -> None:
    """A command without a prompt names its files after the input image and the command."""
    image = tmp_path / "Holiday Photo.jpg"
    image.write_bytes(JPEG)
    respx_mock.post(f"{API}/upscale").mock(return_value=httpx.Response(200, json=image_response(1)))
    respx_mock.get(url__startswith=LINKS).mock(return_value=httpx.Response(200, content=PNG))
    assert main(["upscale", str(image), "--out", str(out)]) == 0
    assert images_in(out) == ["000-holiday-photo-upscale-12345.png"]


def test_remove_background_saves_the_cut_out(
    respx_mock: respx.MockRouter, tmp_path: Path, out: Path
) -> None:
    """`remove-background` uploads the image and saves the foreground, which has no seed."""
    image = tmp_path / "cat.png"
    image.write_bytes(PNG)
    route = respx_mock.post(f"{API}/v1/remove-background").mock(
        return_value=httpx.Response(
            200,
            json={"created": "2000-01-23T04:56:07Z", "data": [{"url": f"{LINKS}fg.png"}]},
        )
    )
    respx_mock.get(f"{LINKS}fg.png").mock(return_value=httpx.Response(200, content=PNG))
    assert main(["remove-background", str(image), "--out", str(out)]) == 0
    assert uploads(route.calls.last.request) == {"image": PNG}
    assert images_in(out) == ["000-cat-remove-background.png"]


def test_describe_prints_the_descriptions(
    respx_mock: respx.MockRouter, tmp_path: Path, out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`describe` sends the image and model version, prints each description, and saves nothing."""
    image = tmp_path / "fox.png"
    image.write_bytes(PNG)
    route = respx_mock.post(f"{API}/describe").mock(
        return_value=httpx.Response(200, json={"descriptions": [{"text": "A red fox."}]})
    )
    argv = ["describe", str(image), "--describe-model-version", "V_3", "--out", str(out)]
    assert main(argv) == 0
    assert form(route.calls.last.request) == {"describe_model_version": "V_3"}
    assert capsys.readouterr().out == "A red fox.\n"
    assert not out.exists()


def test_describe_json_carries_the_descriptions(
    respx_mock: respx.MockRouter, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With `--json`, a description is in its item's `descriptions`."""
    image = tmp_path / "fox.png"
    image.write_bytes(PNG)
    respx_mock.post(f"{API}/describe").mock(
        return_value=httpx.Response(200, json={"descriptions": [{"text": "A red fox."}]})
    )
    code, document = run_json(["describe", str(image)], capsys)
    assert code == 0
    assert document["items"][0]["descriptions"] == ["A red fox."]


def test_a_missing_image_file_is_a_validation_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An image path that cannot be read exits 2, and nothing is sent."""
    code = main(["remix", str(tmp_path / "nope.png"), "snow"])
    assert code == 2
    assert "nope.png" in capsys.readouterr().err


# --- batch ---------------------------------------------------------------------------------


def test_batch_reads_one_prompt_a_line(
    respx_mock: respx.MockRouter, tmp_path: Path, out: Path
) -> None:
    """A text file gives one item per line; blank lines and # comments are skipped."""
    api = FakeAPI(respx_mock)
    path = write_prompts(tmp_path, "# my prompts\na red fox\n\n  a blue whale  \nan owl\n")
    assert main(["batch", path, "--out", str(out), "--seed", "3"]) == 0
    assert sorted(api.prompts()) == ["a blue whale", "a red fox", "an owl"]
    assert all(form(request)["seed"] == "3" for request in api.requests)
    assert images_in(out) == [
        "000-a-red-fox-12345.png",
        "001-a-blue-whale-12345.png",
        "002-an-owl-12345.png",
    ]


def test_batch_jsonl_items_carry_their_own_parameters(
    respx_mock: respx.MockRouter, tmp_path: Path, out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """JSONL items send their own parameters over the command's, and extra_body as is."""
    api = FakeAPI(respx_mock)
    lines = [
        {"prompt": "a wide harbour", "num_images": 2, "aspect_ratio": "16x9"},
        {"prompt": "a tall tower", "aspect_ratio": "9x16", "extra_body": {"tag": "t"}},
        "a plain line",
    ]
    text = "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines)
    path = write_prompts(tmp_path, text, "prompts.jsonl")
    code, document = run_json(["batch", path, "--out", str(out), "--aspect-ratio", "1x1"], capsys)
    assert code == 0
    sent = {form(request)["prompt"]: form(request) for request in api.requests}
    assert sent["a wide harbour"]["num_images"] == "2"
    assert sent["a wide harbour"]["aspect_ratio"] == "16x9"
    assert sent["a tall tower"]["aspect_ratio"] == "9x16"
    assert sent["a tall tower"]["tag"] == "t"
    assert sent["a plain line"]["aspect_ratio"] == "1x1"
    assert [len(item["files"]) for item in document["items"]] == [2, 1, 1]
    assert [item["line"] for item in document["items"]] == [1, 2, 3]


def test_batch_runs_items_concurrently(
    respx_mock: respx.MockRouter, tmp_path: Path, out: Path
) -> None:
    """A batch has several requests in flight at once through one client."""
    api = FakeAPI(respx_mock)
    path = write_prompts(tmp_path, "\n".join(f"prompt {i}" for i in range(6)))
    assert main(["batch", path, "--out", str(out)]) == 0
    assert api.peak > 1
    assert len(images_in(out)) == 6


def test_batch_concurrency_bounds_the_items_in_progress(
    respx_mock: respx.MockRouter, tmp_path: Path, out: Path
) -> None:
    """`--concurrency 1` runs the items one at a time, in file order."""
    api = FakeAPI(respx_mock)
    path = write_prompts(tmp_path, "\n".join(f"prompt {i}" for i in range(4)))
    assert main(["batch", path, "--out", str(out), "--concurrency", "1"]) == 0
    assert api.peak == 1
    assert api.prompts() == [f"prompt {i}" for i in range(4)]


def test_the_inflight_budget_limits_a_batch(
    respx_mock: respx.MockRouter, tmp_path: Path, out: Path
) -> None:
    """With room for 2 images in flight, items of 2 images each go one at a time."""
    api = FakeAPI(respx_mock)
    path = write_prompts(tmp_path, "\n".join(f"prompt {i}" for i in range(4)))
    argv = ["batch", path, "--out", str(out), "-n", "2", "--max-inflight-images", "2"]
    assert main(argv) == 0
    assert api.peak == 1
    assert len(images_in(out)) == 8


def test_file_names_never_collide(
    respx_mock: respx.MockRouter, tmp_path: Path, out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Same prompts and seeds, twice in a file and run twice (a fresh manifest), give distinct
    files."""
    FakeAPI(respx_mock)
    path = write_prompts(tmp_path, "a fox\na fox\n")
    assert main(["batch", path, "--out", str(out)]) == 0
    assert main(["batch", path, "--out", str(out), "--manifest", str(tmp_path / "m.jsonl")]) == 0
    assert images_in(out) == [
        "000-a-fox-12345-2.png",
        "000-a-fox-12345.png",
        "001-a-fox-12345-2.png",
        "001-a-fox-12345.png",
    ]
    printed = capsys.readouterr().out.split()
    assert len(set(printed)) == 4


def test_a_rerun_resumes_and_sends_nothing_finished(
    respx_mock: respx.MockRouter, tmp_path: Path, out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A plain re-run skips what the manifest in the output folder says is done, and says so."""
    api = FakeAPI(respx_mock)
    path = write_prompts(tmp_path, "a fox\nan owl\n")
    assert main(["batch", path, "--out", str(out)]) == 0
    assert (out / MANIFEST).is_file()
    first = capsys.readouterr()
    code, document = run_json(["batch", path, "--out", str(out)], capsys)
    assert code == 0
    assert len(api.requests) == 2
    assert document["summary"]["resumed"] == 2
    assert document["manifest"] == str(out / MANIFEST)
    assert sorted(document["items"][0]["files"] + document["items"][1]["files"]) == sorted(
        first.out.split()
    )
    assert main(["batch", path, "--out", str(out)]) == 0
    assert "2 done (2 in an earlier run)" in capsys.readouterr().err


def test_batch_reads_prompts_from_stdin(
    respx_mock: respx.MockRouter, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`batch -` reads the prompts from standard input."""
    api = FakeAPI(respx_mock)
    monkeypatch.setattr("sys.stdin", _StringStdin("a fox\nan owl\n"))
    assert main(["batch", "-", "--out", str(out)]) == 0
    assert sorted(api.prompts()) == ["a fox", "an owl"]


class _StringStdin:
    def __init__(self, text: str) -> None:
        self.text = text

    def read(self) -> str:
        return self.text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"prompt": "a fox", ', "line 1: not valid JSON"),
        ('a fox\n{"num_images": 2}', 'line 2: a JSON line needs a non-empty "prompt"'),
        ('{"prompt": "a fox", "aspect-ratio": "16x9"}', "unknown parameter 'aspect-ratio'"),
        ('{"prompt": "a fox", "extra_body": [1]}', '"extra_body" must be a JSON object'),
        ("# only a comment\n\n", "no prompts in"),
    ],
)
def test_a_bad_prompts_file_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    """A prompts file that cannot be read as prompts exits 2, naming the line, sending nothing."""
    assert main(["batch", write_prompts(tmp_path, text)]) == 2
    assert message in capsys.readouterr().err


def test_a_missing_prompts_file_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A prompts file that does not exist exits 2."""
    assert main(["batch", str(tmp_path / "none.txt")]) == 2
    assert "cannot read the prompts file" in capsys.readouterr().err


def test_batch_with_a_legacy_model_converts_item_values(
    respx_mock: respx.MockRouter, tmp_path: Path, out: Path
) -> None:
    """In a legacy batch, items' aspect ratios are sent in the legacy spelling."""
    route = respx_mock.post(f"{API}/generate").mock(
        return_value=httpx.Response(200, json=image_response(1))
    )
    respx_mock.get(url__startswith=LINKS).mock(return_value=httpx.Response(200, content=PNG))
    path = write_prompts(tmp_path, json.dumps({"prompt": "a fox", "aspect_ratio": "3x2"}))
    assert main(["batch", path, "--model", "legacy", "--out", str(out)]) == 0
    body = json.loads(route.calls.last.request.content)
    assert body == {"image_request": {"prompt": "a fox", "aspect_ratio": "ASPECT_3_2"}}


def test_file_names_are_short_ascii_forms_of_the_prompt(
    respx_mock: respx.MockRouter, out: Path
) -> None:
    """A long or accented prompt gives a short ASCII name cut at a word; no letters give 'image'."""
    FakeAPI(respx_mock)
    prompt = "Café scene: an isometric city built from stacked books, at golden hour"
    assert main(["generate", prompt, "--out", str(out)]) == 0
    assert main(["generate", "一只猫", "--out", str(out)]) == 0
    assert images_in(out) == [
        "000-cafe-scene-an-isometric-city-built-from-12345.png",
        "000-image-12345.png",
    ]


# --- --json and progress -------------------------------------------------------------------


def test_json_describes_every_item(
    respx_mock: respx.MockRouter, tmp_path: Path, out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--json` prints one document: the summary, and each item's prompt, files, seeds, error."""
    FakeAPI(respx_mock)
    path = write_prompts(tmp_path, json.dumps({"prompt": "a fox", "num_images": 2}))
    code, document = run_json(["batch", path, "--out", str(out)], capsys)
    assert code == 0
    assert document["command"] == "batch"
    assert document["ok"] is True
    assert document["exit_code"] == 0
    assert document["out_dir"] == str(out)
    assert document["error"] is None
    assert document["summary"] == {
        "items": 1,
        "succeeded": 1,
        "failed": 0,
        "skipped": 0,
        "interrupted": 0,
        "resumed": 0,
        "files": 2,
        "cost_usd_micros": 120_000,
        "estimated_usd_micros": 120_000,
    }
    assert document["interrupted"] is False
    (item,) = document["items"]
    assert item["prompt"] == "a fox"
    assert item["ok"] is True
    assert item["error"] is None
    assert item["seeds"] == [12345, 12346]
    assert item["files"] == [str(out / "000-a-fox-12345.png"), str(out / "000-a-fox-12346.png")]
    assert item["images"][0] == {
        "file": item["files"][0],
        "seed": 12345,
        "url": f"{LINKS}1.png?sig=x",
        "resolution": "1024x1024",
        "is_image_safe": True,
        "error": None,
    }


def test_progress_is_shown_on_request_and_only_on_stderr(
    respx_mock: respx.MockRouter, tmp_path: Path, out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--progress` counts items on stderr; stdout keeps only the file names."""
    FakeAPI(respx_mock)
    path = write_prompts(tmp_path, "a\nb\nc\n")
    assert main(["batch", path, "--out", str(out), "--progress"]) == 0
    captured = capsys.readouterr()
    assert "3/3  3 done" in captured.err
    assert "/3" not in captured.out
    assert len(captured.out.split()) == 3


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _event(done: int, total: int = 2) -> ia.BatchEvent:
    progress = ia.BatchProgress(total=total, done=done, images_saved=done, cost_usd_micros=30_000)
    result = ia.BatchResult(index=done, item=ia.BatchItem(), key="k", status="done")
    return ia.BatchEvent("done", done, progress, result=result)


def test_progress_on_a_terminal_is_a_rich_bar(monkeypatch: pytest.MonkeyPatch) -> None:
    """On a terminal the progress is rich's bar, with counts and cost, and colour."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    stream = _Terminal()
    progress = progress_for(stream, None)
    assert type(progress).__name__ == "RichProgress"
    progress.start(2)
    progress.update(_event(1))
    progress.update(_event(2))
    progress.close()
    text = stream.getvalue()
    assert "2/2" in text
    assert "2 done" in text
    assert "$0.03" in text
    assert "\x1b[" in text


def test_no_color_turns_colour_off(monkeypatch: pytest.MonkeyPatch) -> None:
    """With NO_COLOR set, the bar has no colour codes (SGR 30-38, 90-97)."""
    monkeypatch.setenv("NO_COLOR", "1")
    stream = _Terminal()
    progress = progress_for(stream, True)
    progress.start(2)
    progress.update(_event(2))
    progress.close()
    assert not re.search(r"\x1b\[[0-9;]*(3[0-8]|9[0-7])[;m]", stream.getvalue())


def test_progress_into_a_log_is_one_plain_line_per_item() -> None:
    """``--progress`` into a file that is not a terminal prints plain lines, no escapes."""
    stream = io.StringIO()
    progress = progress_for(stream, True)
    progress.start(2)
    progress.update(_event(1))
    progress.update(_event(2))
    progress.close()
    lines = stream.getvalue().splitlines()
    assert [line.split("  ")[0] for line in lines] == ["1/2", "2/2"]
    assert "\x1b" not in stream.getvalue()
    assert progress_for(io.StringIO(), None).__class__.__name__ == "Progress"


def test_no_progress_when_stderr_is_not_a_terminal(
    respx_mock: respx.MockRouter, tmp_path: Path, out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without `--progress`, a stderr that is not a terminal gets no progress line."""
    FakeAPI(respx_mock)
    assert main(["batch", write_prompts(tmp_path, "a\nb\n"), "--out", str(out)]) == 0
    assert "2/2" not in capsys.readouterr().err


# --- exit codes ----------------------------------------------------------------------------


def test_no_key_exits_3_and_says_what_to_do(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without IDEOGRAM_API_KEY or --emulator: exit 3, naming the variable and the way out."""
    monkeypatch.delenv("IDEOGRAM_API_KEY")
    code, document = run_json(["generate", "a fox"], capsys)
    assert code == 3
    message = document["error"]["message"]
    assert "IDEOGRAM_API_KEY" in message
    assert "--emulator" in message
    assert "ideogram demo" in message
    assert document["items"] == []
    assert document["exit_code"] == 3


def test_a_bad_base_url_is_a_configuration_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An IDEOGRAM_BASE_URL that is not http(s) exits 3."""
    monkeypatch.setenv("IDEOGRAM_BASE_URL", "ftp://example.com")
    assert main(["generate", "a fox"]) == 3
    assert "base_url" in capsys.readouterr().err


def test_gateway_settings_come_from_the_environment(
    respx_mock: respx.MockRouter, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """IDEOGRAM_BASE_URL and IDEOGRAM_AUTH_SCHEME send requests to a gateway with Bearer."""
    monkeypatch.setenv("IDEOGRAM_BASE_URL", "https://gw.example/ideogram")
    monkeypatch.setenv("IDEOGRAM_AUTH_SCHEME", "bearer")
    route = respx_mock.post("https://gw.example/ideogram/v1/ideogram-v3/generate").mock(
        return_value=httpx.Response(200, json=image_response(1))
    )
    respx_mock.get(url__startswith=LINKS).mock(return_value=httpx.Response(200, content=PNG))
    assert main(["generate", "a fox", "--out", str(out)]) == 0
    assert route.calls.last.request.headers["Authorization"] == f"Bearer {KEY}"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["generate", "a fox", "-n", "0"], "argument -n/--num-images: 0 is invalid: 1 or more"),
        (["generate", "a fox", "--aspect-ratio", "7x5"], "argument --aspect-ratio: '7x5' is not"),
        (["generate", "a fox", "--seed", "-1"], "argument --seed: -1 is invalid"),
        (["upscale", "x.png", "--detail", "101"], "argument --detail: 101 is invalid"),
        (["generate", "a fox", "--model", "V_9"], "argument --model: 'V_9' is not v3, legacy"),
        (["generate", "a fox", "--seed", "many"], "invalid int value"),
        (["paint", "a fox"], "invalid choice"),
        ([], "required"),
    ],
)
def test_bad_arguments_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Arguments argparse or the SDK refuses exit 2 before any request is sent."""
    assert main(argv) == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(
    ("status", "body", "code"),
    [
        (400, {"error": "bad field"}, 2),
        (422, {"error": "prompt failed the safety check"}, 2),
        (401, {"message": "bad key"}, 3),
        (403, {"message": "forbidden"}, 3),
        (402, {"reject_reason": "insufficient_credits"}, 4),
        (429, {"reject_reason": "inflight_limit"}, 4),
        (500, {"error": "boom"}, 5),
        (503, "unavailable", 5),
    ],
)
def test_api_failures_exit_with_their_code(
    respx_mock: respx.MockRouter,
    out: Path,
    capsys: pytest.CaptureFixture[str],
    status: int,
    body: object,
    code: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each API failure exits with its documented code and reports the status in --json."""
    # An in-flight 429 is retried for rate_limit_timeout, which the CLI has no flag for yet.
    defaults = {**(ia.AsyncIdeogram.__init__.__kwdefaults__ or {}), "rate_limit_timeout": 0}
    monkeypatch.setattr(ia.AsyncIdeogram.__init__, "__kwdefaults__", defaults)
    kwargs: dict[str, Any] = {"json": body} if isinstance(body, dict) else {"text": body}
    respx_mock.post(f"{API}/v1/ideogram-v3/generate").mock(
        return_value=httpx.Response(status, headers={"Retry-After": "0"}, **kwargs)
    )
    exit_code, document = run_json(["generate", "a fox", "--out", str(out), *NO_RETRY], capsys)
    assert exit_code == code
    error = document["items"][0]["error"]
    assert error["status_code"] == status
    assert error["exit_code"] == code
    assert error["stage"] == "request"
    assert document["ok"] is False


def test_a_connection_failure_exits_5(
    respx_mock: respx.MockRouter, capsys: pytest.CaptureFixture[str]
) -> None:
    """No response at all (a refused connection) exits 5."""
    respx_mock.post(f"{API}/v1/ideogram-v3/generate").mock(
        side_effect=httpx.ConnectError("refused")
    )
    assert main(["generate", "a fox", *NO_RETRY]) == 5
    assert "ConnectError" in capsys.readouterr().err


def test_a_failed_download_exits_5_even_when_the_link_answers_403(
    respx_mock: respx.MockRouter, out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An expired link (403 from storage) is a download failure, 5, not an auth failure."""
    respx_mock.post(f"{API}/v1/ideogram-v3/generate").mock(
        return_value=httpx.Response(200, json=image_response(1))
    )
    respx_mock.get(url__startswith=LINKS).mock(return_value=httpx.Response(403))
    code, document = run_json(["generate", "a fox", "--out", str(out), *NO_RETRY], capsys)
    assert code == 5
    assert document["items"][0]["error"]["stage"] == "download"
    assert document["items"][0]["images"][0]["file"] is None


def test_an_unsafe_image_is_reported_and_exits_1(
    respx_mock: respx.MockRouter, out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An image without a link (safety check) is not saved; the others are, and the exit is 1."""
    body = image_response(2)
    body["data"][1].update(url=None, is_image_safe=False)  # type: ignore[index]
    respx_mock.post(f"{API}/v1/ideogram-v3/generate").mock(
        return_value=httpx.Response(200, json=body)
    )
    respx_mock.get(url__startswith=LINKS).mock(return_value=httpx.Response(200, content=PNG))
    code, document = run_json(["generate", "a fox", "-n", "2", "--out", str(out)], capsys)
    assert code == 1
    item = document["items"][0]
    assert item["error"]["type"] == "UnsafeImage"
    assert [image["file"] is None for image in item["images"]] == [False, True]
    assert len(images_in(out)) == 1


def test_a_batch_with_some_failures_exits_1_and_keeps_the_rest(
    respx_mock: respx.MockRouter, tmp_path: Path, out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One failed item of three: exit 1, the other two saved, the failure named on stderr."""

    def answer(request: httpx.Request) -> httpx.Response:
        if form(request)["prompt"] == "bad":
            return httpx.Response(500, json={"error": "boom"})
        return httpx.Response(200, json=image_response(1))

    respx_mock.post(f"{API}/v1/ideogram-v3/generate").mock(side_effect=answer)
    respx_mock.get(url__startswith=LINKS).mock(return_value=httpx.Response(200, content=PNG))
    path = write_prompts(tmp_path, "good\nbad\nfine\n")
    assert main(["batch", path, "--out", str(out), *NO_RETRY]) == 1
    assert images_in(out) == ["000-good-12345.png", "002-fine-12345.png"]
    err = capsys.readouterr().err
    assert 'item 1 (line 2) "bad": InternalServerError' in err
    assert "3 items: 2 done, 1 failed" in err


def test_a_batch_whose_items_all_fail_alike_exits_with_that_code(
    respx_mock: respx.MockRouter, tmp_path: Path, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every item rate limited: the batch exits 4, not 1."""
    defaults = {**(ia.AsyncIdeogram.__init__.__kwdefaults__ or {}), "rate_limit_timeout": 0}
    monkeypatch.setattr(ia.AsyncIdeogram.__init__, "__kwdefaults__", defaults)
    # Retry-After: 0, so that the client's pause after a 429 is no real wait.
    respx_mock.post(f"{API}/v1/ideogram-v3/generate").mock(
        return_value=httpx.Response(
            429, json={"reject_reason": "inflight_limit"}, headers={"Retry-After": "0"}
        )
    )
    path = write_prompts(tmp_path, "a\nb\n")
    assert main(["batch", path, "--out", str(out), *NO_RETRY]) == 4


def test_a_rejected_key_stops_the_batch(
    respx_mock: respx.MockRouter, tmp_path: Path, out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """After a 401, no further item is sent: they are reported skipped, and the exit is 3."""
    route = respx_mock.post(f"{API}/v1/ideogram-v3/generate").mock(
        return_value=httpx.Response(401, json={"message": "bad key"})
    )
    path = write_prompts(tmp_path, "\n".join(f"prompt {i}" for i in range(5)))
    argv = ["batch", path, "--out", str(out), "--concurrency", "1"]
    code, document = run_json(argv, capsys)
    assert code == 3
    assert route.call_count == 1
    assert [item["error"]["type"] for item in document["items"]] == [
        "AuthenticationError",
        *["Skipped"] * 4,
    ]


# --- resuming, interruption, cost ---------------------------------------------------------


def test_an_output_folder_that_is_a_file_fails_before_any_request(
    respx_mock: respx.MockRouter, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--out` naming a plain file exits 2 with one JSON object, and nothing is sent."""
    plain = tmp_path / "taken"
    plain.write_text("a file")
    path = write_prompts(tmp_path, "a fox\nan owl\n")
    code, document = run_json(["batch", path, "--out", str(plain)], capsys)
    assert code == 2
    assert "out_dir" in document["error"]["message"]
    assert document["items"] == []
    assert len(respx_mock.calls) == 0


def test_an_interrupted_batch_reports_what_was_saved(
    respx_mock: respx.MockRouter, tmp_path: Path, out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ctrl-C after some items: one valid JSON object names what was saved and what was not,
    the exit is 130, and a re-run resumes."""
    api = FakeAPI(respx_mock)

    async def interrupt_at_the_fourth(request: httpx.Request) -> httpx.Response:
        if len(api.requests) == 3:
            os.kill(os.getpid(), signal.SIGINT)
        return await api.generate(request)

    api.route.side_effect = interrupt_at_the_fourth
    path = write_prompts(tmp_path, "\n".join(f"prompt {i}" for i in range(12)))
    argv = ["batch", path, "--out", str(out), "--concurrency", "1"]
    code, document = run_json(argv, capsys)
    assert code == 130
    assert document["interrupted"] is True
    statuses = [item["status"] for item in document["items"]]
    assert statuses[:3] == ["done"] * 3
    assert "interrupted" in statuses
    assert document["summary"]["files"] == len(images_in(out)) >= 3
    done = {item["prompt"] for item in document["items"] if item["status"] == "done"}
    first_run = len(api.requests)
    assert main([*argv, "--json"]) == 0
    rerun = json.loads(capsys.readouterr().out)
    assert rerun["summary"]["resumed"] == len(done)
    resent = api.prompts()[first_run:]
    assert not done & set(resent)  # nothing finished was sent again
    assert sorted(set(api.prompts())) == sorted(f"prompt {i}" for i in range(12))


def test_dry_run_estimates_and_sends_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--dry-run` needs no key and no network: it prints the calls and their cost."""
    monkeypatch.delenv("IDEOGRAM_API_KEY")
    lines = ["a fox", json.dumps({"prompt": "many", "num_images": 10})]
    path = write_prompts(tmp_path, "\n".join(lines))
    out = tmp_path / "out"
    with respx.mock(assert_all_mocked=True):
        code, document = run_json(
            ["batch", path, "--out", str(out), "--dry-run", "--rendering-speed", "TURBO"], capsys
        )
        assert main(["batch", path, "--out", str(out), "--dry-run"]) == 0
    assert code == 0
    assert document["dry_run"] is True
    assert document["estimate"]["calls"] == 3
    assert document["estimate"]["images"] == 11
    assert document["estimate"]["usd_micros"] == 11 * 30_000
    assert document["estimate"]["usd"] == "$0.33"
    assert "estimated cost: $0.66" in capsys.readouterr().out
    assert not out.exists()


def test_max_cost_stops_sending_at_the_cap(
    respx_mock: respx.MockRouter, tmp_path: Path, out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--max-cost 0.13` at $0.06 a call sends two items and skips the rest."""
    api = FakeAPI(respx_mock)
    path = write_prompts(tmp_path, "\n".join(f"prompt {i}" for i in range(5)))
    argv = ["batch", path, "--out", str(out), "--concurrency", "1", "--max-cost", "0.13"]
    code, document = run_json(argv, capsys)
    assert len(api.requests) == 2
    assert code == 1
    assert document["summary"]["skipped"] == 3
    assert document["summary"]["cost_usd_micros"] == 120_000


def test_a_price_file_and_a_bad_cap_are_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--prices` lays a gateway's table over the list; a cap that is not dollars exits 2."""
    prices = tmp_path / "prices.json"
    prices.write_text(json.dumps({"v3.generate/DEFAULT": "0.10"}))
    path = write_prompts(tmp_path, "a fox\n")
    _, document = run_json(["batch", path, "--dry-run", "--prices", str(prices)], capsys)
    assert document["estimate"]["usd_micros"] == 100_000
    assert main(["batch", path, "--max-cost", "lots"]) == 2
    assert "--max-cost" in capsys.readouterr().err


def test_failed_items_are_retried_only_with_retry_failed(
    respx_mock: respx.MockRouter, tmp_path: Path, out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A re-run reports earlier failures without sending them; `--retry-failed` sends them."""
    failing = {"on": True}

    def answer(request: httpx.Request) -> httpx.Response:
        if failing["on"] and form(request)["prompt"] == "bad":
            return httpx.Response(500, json={"error": "boom"})
        return httpx.Response(200, json=image_response(1))

    route = respx_mock.post(f"{API}/v1/ideogram-v3/generate").mock(side_effect=answer)
    respx_mock.get(url__startswith=LINKS).mock(return_value=httpx.Response(200, content=PNG))
    path = write_prompts(tmp_path, "good\nbad\n")
    argv = ["batch", path, "--out", str(out), *NO_RETRY]
    assert main(argv) == 1
    failing["on"] = False
    assert main(argv) == 1
    assert route.call_count == 2
    assert "--retry-failed sends them again" in capsys.readouterr().err
    assert main([*argv, "--retry-failed"]) == 0
    assert route.call_count == 3


def test_a_paid_image_that_failed_to_download_prints_its_link(
    respx_mock: respx.MockRouter, tmp_path: Path, out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """In text mode a download failure names the image's link, and other items still run."""
    api = FakeAPI(respx_mock)
    api.downloads.side_effect = lambda request: (
        httpx.Response(403, text="expired")
        if request.url.path.endswith("/1.png")
        else httpx.Response(200, content=PNG)
    )
    path = write_prompts(tmp_path, "a\nb\nc\n")
    assert main(["batch", path, "--out", str(out), "--concurrency", "1", *NO_RETRY]) == 1
    err = capsys.readouterr().err
    assert f"{LINKS}1.png?sig=x" in err
    assert len(api.requests) == 3
    assert len(images_in(out)) == 2


# --- the emulator and demo -----------------------------------------------------------------


def test_demo_writes_pngs_offline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`demo` needs no key: it runs its prompts through the emulator and writes real PNGs."""
    monkeypatch.delenv("IDEOGRAM_API_KEY")
    out = tmp_path / "demo"
    with respx.mock(assert_all_mocked=True):  # nothing may leave the process
        assert main(["demo", "--out", str(out)]) == 0
    stdout = capsys.readouterr().out
    assert str(out) in stdout.splitlines()[0]
    names = images_in(out)
    assert len(names) >= 6
    assert all(name.endswith(".png") for name in names)
    assert all((out / name).read_bytes().startswith(PNG_MAGIC) for name in names)
    assert all(str(out / name) in stdout for name in names)


def test_demo_json_lists_every_prompt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`demo --json` reports every built-in prompt with its files."""
    monkeypatch.delenv("IDEOGRAM_API_KEY")
    code, document = run_json(["demo", "--out", str(tmp_path)], capsys)
    assert code == 0
    assert document["summary"]["failed"] == 0
    assert all(item["files"] for item in document["items"])
    assert document["summary"]["files"] == len(images_in(tmp_path))


def test_emulator_flag_runs_a_batch_offline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--emulator` runs a JSONL batch without a key; per-item image counts are honoured."""
    monkeypatch.delenv("IDEOGRAM_API_KEY")
    path = write_prompts(
        tmp_path, json.dumps({"prompt": "a fox", "num_images": 3}) + "\nan owl\n", "p.jsonl"
    )
    out = tmp_path / "out"
    code, document = run_json(["batch", path, "--emulator", "--out", str(out)], capsys)
    assert code == 0
    assert [len(item["files"]) for item in document["items"]] == [3, 1]
    assert all(Path(f).read_bytes().startswith(PNG_MAGIC) for f in document["items"][0]["files"])


def test_emulator_flag_serves_every_image_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every image command works end to end against the emulator."""
    monkeypatch.delenv("IDEOGRAM_API_KEY")
    image, mask = tmp_path / "in.png", tmp_path / "mask.png"
    image.write_bytes(PNG)
    mask.write_bytes(PNG)
    out = tmp_path / "out"
    commands = [
        ["generate", "a fox"],
        ["remix", str(image), "snow"],
        ["edit", str(image), str(mask), "a door"],
        ["upscale", str(image)],
        ["reframe", str(image), "1280x704"],
        ["replace-background", str(image), "a beach"],
        ["remove-background", str(image)],
        ["describe", str(image)],
    ]
    for argv in commands:
        code, document = run_json([*argv, "--emulator", "--out", str(out)], capsys)
        assert (argv[0], code) == (argv[0], 0)
        item = document["items"][0]
        assert item["files"] or item.get("descriptions"), argv[0]


# --- packaging -----------------------------------------------------------------------------


def test_help_documents_the_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    """`--help` exits 0 and lists every exit code and the environment variables."""
    assert main(["--help"]) == 0
    text = capsys.readouterr().out
    for line in ("0    every item", "1    some items", "2    usage", "3    auth", "4    rate"):
        assert line in text
    assert "5    API or network" in text
    assert "IDEOGRAM_API_KEY" in text


def test_python_m_runs_the_cli_and_the_core_does_not_import_it() -> None:
    """`python -m ideogram_async.cli` works; importing the SDK loads neither CLI nor emulator."""
    version = subprocess.run(
        [sys.executable, "-m", "ideogram_async.cli", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert version.stdout.startswith("ideogram ")
    check = (
        "import sys, ideogram_async, ideogram_async.cli; "
        "assert 'ideogram_async.testing' not in sys.modules, 'emulator imported'"
    )
    subprocess.run([sys.executable, "-c", check], check=True)
    # httpx itself loads rich when click and rich are installed (its own CLI): compare with it.
    check = (
        "import sys, httpx; rich = {m for m in sys.modules if m.split('.')[0] == 'rich'}; "
        "import ideogram_async; assert 'ideogram_async.cli' not in sys.modules; "
        "assert {m for m in sys.modules if m.split('.')[0] == 'rich'} == rich"
    )
    subprocess.run([sys.executable, "-c", check], check=True)


@pytest.mark.parametrize(
    ("flag", "typed", "meant"),
    [
        ("--aspect-ratio", "16:9", "16x9"),
        ("--rendering-speed", "turbo", "TURBO"),
        ("--style-type", "design", "DESIGN"),
        ("--magic-prompt", "off", "OFF"),
        ("--resolution", "1024*1024", "1024x1024"),
        ("--color-palette", "pastel", "PASTEL"),
        ("--style-preset", "art-deco", "ART_DECO"),
    ],
)
def test_a_near_miss_spelling_is_refused_with_the_one_the_sdk_takes(
    flag: str, typed: str, meant: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The command takes the SDK's spellings only; a near miss names the flag and the spelling."""
    assert main(["generate", "a fox", flag, typed]) == 2
    err = capsys.readouterr().err
    assert f"argument {flag}: {typed!r} is not one of" in err
    assert f"(did you mean {meant}?)" in err


@pytest.mark.parametrize(
    ("dest", "sdk_values"),
    [
        ("aspect_ratio", [*ia.AspectRatioV3, *ia.AspectRatio]),
        ("rendering_speed", list(ia.RenderingSpeed)),
        ("magic_prompt", list(ia.MagicPromptOption)),
        ("style_preset", list(ia.StylePresetV3)),
        ("color_palette", list(ia.ColorPalettePresetName)),
    ],
)
def test_the_command_takes_every_value_the_sdk_takes(dest: str, sdk_values: list[Any]) -> None:
    """Every enum value the library accepts parses, unchanged, as the flag's value."""
    parser = build_parser()
    flag = "--" + dest.replace("_", "-")
    for value in sdk_values:
        args = parser.parse_args(["generate", "a fox", flag, str(value.value)])
        assert getattr(args, dest) == value.value
