"""The batch engine: concurrency inside the budget, splitting, stops, cancellation, cost, saving."""

from __future__ import annotations

import json
import random
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, MutableMapping
from pathlib import Path
from typing import Any

import anyio
import anyio.lowlevel
import httpx
import pytest
import respx

import ideogram_async as ia
from ideogram_async.testing import Emulator
from ideogram_async.testing.pytest_plugin import _VirtualTime as VirtualTime

from .conftest import API, KEY, PNG, image_response

pytestmark = pytest.mark.anyio

LINKS = "https://images.example/ephemeral/"
Scope = MutableMapping[str, Any]
ASGIApp = Callable[..., Awaitable[None]]


def emulator_client(emulator: Emulator, **kwargs: Any) -> ia.AsyncIdeogram:
    """A client of ``emulator`` whose backoff and cooldowns run on virtual time."""
    time = VirtualTime()
    return emulator.client(sleep=time.sleep, clock=time.clock, **kwargs)


def generate_prompts(emulator: Emulator) -> list[str]:
    """The prompts of the generate requests the emulator answered (or failed), in order."""
    return [
        str(request.fields.get("prompt"))
        for request in emulator.requests
        if request.path.endswith("/generate")
    ]


def files_in(directory: Path) -> list[str]:
    """The names of the files in ``directory`` (hidden ones too), sorted."""
    return sorted(path.name for path in directory.iterdir())


# --- running -----------------------------------------------------------------------------


async def test_every_item_is_saved_and_results_keep_input_order(tmp_path: Path) -> None:
    """``run()`` returns one done result per item in input order, each image saved as a PNG."""
    emulator = Emulator()
    prompts = [f"prompt {i}" for i in range(12)]
    async with emulator_client(emulator) as client:
        report = await ia.Batch(client, prompts, out_dir=tmp_path).run()
    assert [result.index for result in report.results] == list(range(12))
    assert [result.item.params["prompt"] for result in report.results] == prompts
    assert all(result.status == "done" and result.ok for result in report.results)
    assert report.ok
    assert len(report.files) == 12
    assert all(path.read_bytes().startswith(b"\x89PNG") for path in report.files)
    assert report.files[3].name.startswith("003-prompt-3-")


async def test_iteration_yields_items_as_they_end(tmp_path: Path) -> None:
    """Iterating yields each item once, as it ends: a slow first item comes last."""
    emulator = Emulator()
    emulator.fail_next(mode="slow", delay=0.2, path="/v1/ideogram-v3/generate")
    async with (
        emulator_client(emulator) as client,
        ia.Batch(client, ["slow", "a", "b"], out_dir=tmp_path) as batch,
    ):
        order = [result.index async for result in batch]
    assert sorted(order) == [0, 1, 2]
    assert order[-1] == 0


async def test_calls_stay_inside_the_budget_and_the_task_bound(tmp_path: Path) -> None:
    """Many items never put more images in flight than the budget, nor more calls under way
    than ``concurrency``, and no 429 comes back from a server with the same limit."""
    emulator = Emulator(inflight_limit=4, latency=0.01)
    under_way = peak = 0

    class Counting(ia.MethodOperation):
        async def submit(
            self, client: ia.AsyncIdeogram, params: Mapping[str, Any], extra_body: Any
        ) -> ia.BatchSubmission:
            nonlocal under_way, peak
            under_way += 1
            peak = max(peak, under_way)
            try:
                return await super().submit(client, params, extra_body)
            finally:
                under_way -= 1

    async with emulator_client(emulator, max_inflight_images=4) as client:
        batch = ia.Batch(
            client, [f"p{i}" for i in range(60)], operation=Counting("v3.generate"), concurrency=6
        )
        report = await batch.run()
    assert report.ok
    assert emulator.stats.rate_limited == 0
    assert peak == 6
    assert client.inflight_budget.in_use == 0


async def test_an_item_for_more_images_than_a_call_allows_is_split(tmp_path: Path) -> None:
    """20 images are asked for in calls of 8, 8 and 4, with seeds following on."""
    emulator = Emulator()
    async with emulator_client(emulator) as client:
        item = ia.BatchItem.prompt("many", num_images=20, seed=100)
        report = await ia.Batch(client, [item], out_dir=tmp_path).run()
    (result,) = report.results
    posts = [r for r in emulator.requests if r.method == "POST"]
    sent = sorted((int(r.fields["seed"]), int(r.fields["num_images"])) for r in posts)
    assert sent == [(100, 8), (108, 8), (116, 4)]
    assert [image.seed for image in result.images] == list(range(100, 120))
    assert len(result.files) == 20
    assert result.cost_usd_micros == 20 * 60_000


async def test_items_may_name_any_image_operation(tmp_path: Path) -> None:
    """Items of different operations (remix, reframe, remove background, legacy) all run."""
    image = tmp_path / "in.png"
    image.write_bytes(PNG)
    items = [
        ia.BatchItem({"prompt": "a fox", "model": "V_2A"}, operation="legacy.generate"),
        ia.BatchItem({"image": image, "prompt": "snow"}, operation="v3.remix"),
        ia.BatchItem({"image": image, "resolution": "1280x704"}, operation="v3.reframe"),
        ia.BatchItem({"image": image}, operation="images.remove_background", name="cut"),
        ia.BatchItem({"image": image, "prompt": "a beach"}, operation="v3.replace_background"),
    ]
    emulator = Emulator()
    async with emulator_client(emulator) as client:
        report = await ia.Batch(client, items, out_dir=tmp_path / "out").run()
    assert [result.status for result in report.results] == ["done"] * 5
    assert report.results[3].files[0].name == "003-cut.png"
    assert sorted(r.path for r in emulator.requests if r.method == "POST") == [
        "/generate",
        "/v1/ideogram-v3/reframe",
        "/v1/ideogram-v3/remix",
        "/v1/ideogram-v3/replace-background",
        "/v1/remove-background",
    ]


async def test_one_failing_item_never_stops_the_others(tmp_path: Path) -> None:
    """A 500 and an invalid parameter fail their items only, each with a typed error."""
    emulator = Emulator()
    emulator.fail_next(500, path="/v1/ideogram-v3/generate")
    items: list[Any] = ["boom", {"prompt": "bad", "seed": -1}, "fine"]
    async with emulator_client(emulator, max_retries=0) as client:
        report = await ia.Batch(client, items, out_dir=tmp_path, concurrency=1).run()
    first, second, third = report.results
    assert (first.status, first.error and first.error.type) == ("failed", "InternalServerError")
    assert first.error is not None
    assert first.error.maybe_billed is True
    assert isinstance(first.error.exception, ia.InternalServerError)
    assert second.error is not None
    assert (second.status, second.error.type) == ("failed", "IdeogramValidationError")
    assert third.ok


@pytest.mark.parametrize(
    ("status", "error"),
    [(401, "AuthenticationError"), (402, "PaymentRequiredError"), (403, "PermissionDeniedError")],
)
async def test_401_402_403_from_the_api_stop_sending(
    tmp_path: Path, status: int, error: str
) -> None:
    """After a 401, 402 or 403 from the API no call is sent, and the rest are skipped."""
    emulator = Emulator()
    emulator.fail_next(status, path="/v1/ideogram-v3/generate")
    async with emulator_client(emulator, max_retries=0) as client:
        batch = ia.Batch(client, [f"p{i}" for i in range(5)], out_dir=tmp_path, concurrency=1)
        report = await batch.run()
    assert len(emulator.requests) == 1
    assert [r.status for r in report.results] == ["failed", *["skipped"] * 4]
    assert report.stopped_by is not None
    assert report.stopped_by.type == error
    assert all(r.error and r.error.stage == "skipped" for r in report.results[1:])


async def test_a_403_from_the_image_host_stops_nothing(
    respx_mock: respx.MockRouter, tmp_path: Path
) -> None:
    """An expired link (403 from storage) fails that item's download; every item is still sent."""
    generate = respx_mock.post(f"{API}/v1/ideogram-v3/generate").mock(
        side_effect=lambda request: httpx.Response(200, json=_linked(image_response(1)))
    )
    calls = iter(range(100))
    respx_mock.get(url__startswith=LINKS).mock(
        side_effect=lambda request: (
            httpx.Response(403, text="expired")
            if next(calls) == 0
            else httpx.Response(200, content=PNG)
        )
    )
    async with ia.AsyncIdeogram(api_key=KEY, base_url=API, max_retries=0) as client:
        batch = ia.Batch(client, [f"p{i}" for i in range(4)], out_dir=tmp_path, concurrency=1)
        report = await batch.run()
    assert generate.call_count == 4
    assert report.stopped_by is None
    first = report.results[0]
    assert first.status == "failed"
    assert first.error is not None
    assert first.error.stage == "download"
    assert first.images[0].url is not None  # the paid image's link is kept
    assert [r.ok for r in report.results[1:]] == [True] * 3


def _linked(body: dict[str, Any]) -> dict[str, Any]:
    for number, image in enumerate(body["data"]):
        image["url"] = f"{LINKS}{number}-{random.random()}.png?sig=s"
    return body


async def test_the_api_key_never_reaches_the_image_host(
    respx_mock: respx.MockRouter, tmp_path: Path
) -> None:
    """Downloads carry no ``Api-Key``, ``Authorization`` or cookie, with either auth scheme."""
    respx_mock.post(f"{API}/v1/ideogram-v3/generate").mock(
        side_effect=lambda request: httpx.Response(200, json=_linked(image_response(2)))
    )
    downloads = respx_mock.get(url__startswith=LINKS).mock(
        return_value=httpx.Response(200, content=PNG)
    )
    for scheme in ("api-key", "bearer"):
        async with ia.AsyncIdeogram(
            api_key=KEY, base_url=API, auth_scheme=scheme, default_headers={"Cookie": "s=1"}
        ) as client:
            item = ia.BatchItem.prompt("a fox", num_images=2)
            assert (await ia.Batch(client, [item], out_dir=tmp_path).run()).ok
    assert downloads.call_count == 4
    for call in downloads.calls:
        headers = {name.lower() for name in call.request.headers}
        assert not headers & {"api-key", "authorization", "cookie"}
        assert KEY not in str(call.request.headers)


async def test_a_bad_output_folder_fails_before_any_request(tmp_path: Path) -> None:
    """An ``out_dir`` that is a file is refused before anything is sent."""
    emulator = Emulator()
    plain = tmp_path / "a-file"
    plain.write_text("not a folder")
    async with emulator_client(emulator) as client:
        with pytest.raises(ia.IdeogramValidationError, match="out_dir"):
            await ia.Batch(client, ["a fox"], out_dir=plain / "sub").run()
        with pytest.raises(ia.IdeogramValidationError, match="out_dir"):
            await ia.Batch(client, ["a fox"], out_dir=plain).run()
    assert emulator.requests == []


async def test_a_download_that_fails_half_way_leaves_no_file(tmp_path: Path) -> None:
    """A download cut short fails its image and leaves nothing in the folder; resuming gets it."""
    emulator = Emulator()
    emulator.fail_next(mode="reset", path="/images", count=10)
    manifest = tmp_path / "m.jsonl"
    out = tmp_path / "out"
    async with emulator_client(emulator, max_retries=0) as client:
        report = await ia.Batch(client, ["a fox"], out_dir=out, manifest=manifest).run()
        (result,) = report.results
        assert result.status == "failed"
        assert result.error is not None
        assert result.error.stage == "download"
        assert files_in(out) == []
        emulator._faults.clear()
        again = await ia.Batch(client, ["a fox"], out_dir=out, manifest=manifest).run()
    assert again.ok
    assert again.results[0].resumed
    assert len(files_in(out)) == 1
    assert generate_prompts(emulator) == ["a fox"]  # downloaded again, never generated again


async def test_an_unsafe_image_is_reported_not_saved(tmp_path: Path) -> None:
    """An image without a link is kept in the result, unsaved; the item is done but not ok."""
    emulator = Emulator()
    from ideogram_async.testing import UNSAFE_IMAGE

    async with emulator_client(emulator) as client:
        report = await ia.Batch(client, [f"x {UNSAFE_IMAGE}"], out_dir=tmp_path).run()
    (result,) = report.results
    assert result.status == "done"
    assert result.unsafe == 1
    assert not result.ok
    assert files_in(tmp_path) == []


async def test_without_an_output_folder_nothing_is_downloaded() -> None:
    """``out_dir=None`` keeps the links only."""
    emulator = Emulator()
    async with emulator_client(emulator) as client:
        report = await ia.Batch(client, ["a", "b"]).run()
    assert all(result.images[0].url for result in report.results)
    assert report.files == []
    assert [r.path for r in emulator.requests] == ["/v1/ideogram-v3/generate"] * 2


# --- events and cancellation -------------------------------------------------------------


async def test_events_tell_the_whole_story(tmp_path: Path) -> None:
    """Events come in order per item (sent, answered, saved, done) with counters that add up."""
    emulator = Emulator()
    events: list[ia.BatchEvent] = []
    items: list[Any] = ["a", ia.BatchItem.prompt("b", num_images=2)]
    async with emulator_client(emulator) as client:
        await ia.Batch(client, items, out_dir=tmp_path, on_event=events.append).run()
    kinds = [event.kind for event in events if event.index == 1]
    assert kinds == ["sent", "answered", "saved", "saved", "done"]
    last = events[-1].progress
    assert (last.total, last.done, last.failed, last.in_flight, last.images_saved) == (
        2,
        2,
        0,
        0,
        3,
    )
    assert last.cost_usd_micros == 3 * 60_000 == last.estimated_usd_micros
    assert max(event.progress.in_flight for event in events) >= 1
    done = [event for event in events if event.kind == "done"]
    assert all(event.result is not None and event.result.ok for event in done)


async def test_cancel_stops_promptly_and_gives_the_budget_back(tmp_path: Path) -> None:
    """``cancel()`` after two items ends the rest ``interrupted``; no budget place stays held."""
    emulator = Emulator(latency=0.05)
    async with emulator_client(emulator) as client:
        done = 0

        def on_event(event: ia.BatchEvent) -> None:
            nonlocal done
            if event.kind == "done":
                done += 1
                if done == 2:
                    batch.cancel()

        batch = ia.Batch(
            client, [f"p{i}" for i in range(40)], out_dir=tmp_path, on_event=on_event, concurrency=2
        )
        with anyio.fail_after(5):
            report = await batch.run()
        assert client.inflight_budget.in_use == 0
    assert report.interrupted
    assert report.count("done") >= 2
    assert report.count("interrupted") >= 36
    interrupted = [r for r in report.results if r.status == "interrupted"]
    assert all(r.error is not None and r.error.stage == "interrupted" for r in interrupted)
    assert not [name for name in files_in(tmp_path) if name.startswith(".")]


async def test_leaving_the_block_on_an_error_cancels_the_batch(tmp_path: Path) -> None:
    """An exception in the ``async with`` body cancels the calls under way and propagates."""
    emulator = Emulator(latency=0.05)
    async with emulator_client(emulator) as client:
        with pytest.raises(KeyError):
            async with ia.Batch(client, [f"p{i}" for i in range(30)], out_dir=tmp_path):
                raise KeyError("stop")
        assert client.inflight_budget.in_use == 0


# --- cost ----------------------------------------------------------------------------------


async def test_the_estimate_prices_every_call_before_running(tmp_path: Path) -> None:
    """``estimate()`` sums the list price of each call still to send, by speed and model."""
    emulator = Emulator()
    items = [
        ia.BatchItem.prompt("a", rendering_speed="TURBO", num_images=2),
        ia.BatchItem.prompt("b", rendering_speed="QUALITY"),
        ia.BatchItem({"prompt": "c", "model": "V_2A_TURBO"}, operation="legacy.generate"),
        ia.BatchItem.prompt("d", num_images=2),
    ]
    async with emulator_client(emulator) as client:
        estimate = ia.Batch(client, items).estimate()
    assert estimate.usd_micros == 2 * 30_000 + 90_000 + 25_000 + 2 * 60_000
    assert (estimate.calls, estimate.images, estimate.items, estimate.unpriced) == (4, 6, 4, ())
    assert emulator.requests == []


async def test_a_cost_cap_stops_scheduling_before_it_is_passed(tmp_path: Path) -> None:
    """With a cap of 3 calls' cost, 3 items are sent and the rest skipped, never over the cap."""
    emulator = Emulator()
    async with emulator_client(emulator) as client:
        batch = ia.Batch(
            client,
            [f"p{i}" for i in range(10)],
            out_dir=tmp_path,
            max_cost_usd_micros=3 * 60_000 + 59_999,
            concurrency=1,
        )
        report = await batch.run()
    assert report.count("done") == 3
    assert report.count("skipped") == 7
    assert report.cost_usd_micros == 180_000
    assert len(generate_prompts(emulator)) == 3


async def test_a_cap_with_an_unpriced_operation_is_refused(tmp_path: Path) -> None:
    """A cap cannot be kept for an operation the table has no price for: refused up front."""
    emulator = Emulator()
    async with emulator_client(emulator) as client:
        item = ia.BatchItem({"prompt": "x"}, operation="v3.generate_transparent")
        with pytest.raises(ValueError, match="no price"):
            ia.Batch(client, [item], max_cost_usd_micros=1_000_000)
        table = ia.PriceTable.ideogram().with_prices({"v3.generate_transparent": "0.07"})
        batch = ia.Batch(client, [item], max_cost_usd_micros=1_000_000, prices=table)
        assert batch.estimate().usd_micros == 70_000


# --- the job seam --------------------------------------------------------------------------


class FakeJob:
    """A job that completes with a canned result when waited for."""

    def __init__(self, job_id: str, result: Any) -> None:
        self._id = job_id
        self._result = result

    @property
    def id(self) -> str:
        return self._id

    async def wait(self, *, timeout: float | None = None) -> Any:
        await anyio.lowlevel.checkpoint()
        return self._result


class JobOperation:
    """A job-based operation on top of 3.0 generate: submit answers with a job, resume polls."""

    name = "test.jobs"
    max_images_per_call = 8

    def __init__(self, crash_after_accept: bool = False) -> None:
        self.submitted: list[str] = []
        self.resumed: list[str] = []
        self.results: dict[str, Any] = {}

    async def submit(
        self, client: ia.AsyncIdeogram, params: Mapping[str, Any], extra_body: Any
    ) -> ia.BatchSubmission:
        result = await client.v3.generate(**params)
        job_id = f"job-{len(self.submitted)}"
        self.submitted.append(job_id)
        self.results[job_id] = result
        return ia.BatchSubmission(job=FakeJob(job_id, result), cost_usd_micros=12_345)

    async def resume(self, client: ia.AsyncIdeogram, job_id: str) -> ia.BatchSubmission:
        self.resumed.append(job_id)
        return ia.BatchSubmission(result=self.results[job_id])


class Crash(BaseException):
    """Stands for the process dying: nothing after it runs."""


def crashed(exc: BaseException) -> bool:
    """Whether ``exc`` is, or a group holding, a ``Crash``."""
    if isinstance(exc, Crash):
        return True
    return any(crashed(inner) for inner in getattr(exc, "exceptions", ()))


class CrashingManifest(ia.Manifest):
    """A manifest whose process dies around one event: ``before`` or ``after`` it is written."""

    def __init__(self, path: Path, event: str, when: str, nth: int = 1) -> None:
        super().__init__(path)
        self.event, self.when, self.left = event, when, nth

    async def append(self, event: Mapping[str, Any]) -> None:
        hit = event["event"] == self.event
        if hit:
            self.left -= 1
        if hit and self.left == 0 and self.when == "before":
            raise Crash(self.event)
        await super().append(event)
        if hit and self.left == 0 and self.when == "after":
            raise Crash(self.event)


async def test_a_job_is_resumed_by_its_id_not_submitted_again(tmp_path: Path) -> None:
    """A crash after a job was accepted: the next run polls the job by id, never resubmits."""
    emulator = Emulator()
    operation = JobOperation()
    manifest = tmp_path / "m.jsonl"
    async with emulator_client(emulator) as client:
        crashing = CrashingManifest(manifest, "accepted", "after")
        with pytest.raises(BaseException) as caught:  # noqa: PT011 - a group or the crash
            await ia.Batch(
                client, ["a fox"], operation=operation, out_dir=tmp_path, manifest=crashing
            ).run()
        assert crashed(caught.value)
        report = await ia.Batch(
            client, ["a fox"], operation=operation, out_dir=tmp_path, manifest=manifest
        ).run()
    assert operation.submitted == ["job-0"]
    assert operation.resumed == ["job-0"]
    (result,) = report.results
    assert result.ok
    assert result.job_ids == ("job-0",)


async def test_job_events_and_reported_cost(tmp_path: Path) -> None:
    """A job-based call emits ``accepted`` with its id, and its cost is what the job reports."""
    emulator = Emulator()
    events: list[ia.BatchEvent] = []
    async with emulator_client(emulator) as client:
        report = await ia.Batch(
            client, ["a fox"], operation=JobOperation(), out_dir=tmp_path, on_event=events.append
        ).run()
    assert [e.kind for e in events] == ["sent", "accepted", "answered", "saved", "done"]
    assert events[1].job_id == "job-0"
    assert report.cost_usd_micros == report.results[0].cost_usd_micros == 12_345


# --- 200 prompts with random faults --------------------------------------------------------


def chaos(app: ASGIApp, seed: int, rate: float) -> ASGIApp:
    """``app`` behind a gate that answers a random share of generate calls with 429 or 500."""
    rng = random.Random(seed)

    async def gate(scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"].endswith("/generate"):
            roll = rng.random()
            if roll < rate:
                status = 429 if roll < rate * 0.7 else 500
                body = json.dumps({"error": "chaos", "reject_reason": "inflight_limit"}).encode()
                await send(
                    {
                        "type": "http.response.start",
                        "status": status,
                        "headers": [(b"content-type", b"application/json"), (b"retry-after", b"0")],
                    }
                )
                await send({"type": "http.response.body", "body": body})
                return
        await app(scope, receive, send)

    return gate


@pytest.fixture
async def chaos_client() -> AsyncIterator[tuple[ia.AsyncIdeogram, Emulator]]:
    """A client of an emulator behind ``chaos`` (25% of generate calls fail), on virtual time."""
    emulator = Emulator(latency=0.001)
    time = VirtualTime()
    transport = httpx.ASGITransport(app=chaos(emulator, seed=7, rate=0.25))
    async with ia.AsyncIdeogram(
        api_key="k",
        base_url="http://emulator.invalid",
        transport=transport,
        sleep=time.sleep,
        clock=time.clock,
    ) as client:
        yield client, emulator


async def test_200_prompts_through_random_429s_and_failures(
    chaos_client: tuple[ia.AsyncIdeogram, Emulator], tmp_path: Path
) -> None:
    """200 prompts, a quarter of calls failing at random: each item ends done or with a typed
    error; a second run with ``retry_failed`` finishes the rest and sends nothing done again."""
    client, emulator = chaos_client
    prompts = [f"prompt {i}" for i in range(200)]
    manifest, out = tmp_path / "m.jsonl", tmp_path / "out"
    first = await ia.Batch(client, prompts, out_dir=out, manifest=manifest).run()
    assert {r.status for r in first.results} <= {"done", "failed"}
    failed = [r for r in first.results if r.status == "failed"]
    assert failed
    assert all(r.error is not None and r.error.exception is not None for r in failed)
    assert {r.error.type for r in failed if r.error} <= {"InternalServerError", "RateLimitError"}
    done_first = {r.item.params["prompt"] for r in first.results if r.ok}
    assert len(files_in(out)) == len(done_first)

    sent_before = len(emulator.requests)
    second = await ia.Batch(client, prompts, out_dir=out, manifest=manifest).run()
    assert emulator.requests[sent_before:] == []  # failed items wait for retry_failed
    assert second.count("failed") == len(failed)

    for _ in range(10):
        again = await ia.Batch(
            client, prompts, out_dir=out, manifest=manifest, retry_failed=True
        ).run()
        if again.ok:
            break
    assert again.ok
    answered = [str(r.fields["prompt"]) for r in emulator.requests if r.status == 200 and r.fields]
    assert sorted(answered) == sorted(prompts)  # each prompt generated exactly once
    assert len(files_in(out)) == 200
    assert client.inflight_budget.in_use == 0


async def test_client_batches_runs_a_batch_and_estimates(tmp_path: Path) -> None:
    """``client.batches.run`` is ``Batch(client, ...).run()``; ``estimate`` sends nothing."""
    emulator = Emulator()
    async with emulator_client(emulator) as client:
        estimate = client.batches.estimate(["a", "b"], prices=ia.PriceTable({"v3.generate": 7}))
        assert (estimate.usd_micros, emulator.requests) == (14, [])
        report = await client.batches.run(["a", "b"], out_dir=tmp_path)
    assert report.ok
    assert len(report.files) == 2
