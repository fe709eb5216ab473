"""Downloads: ``download`` and ``download_to``, whole images only, no credential on any hop,
``DownloadError``, bounded memory, and what a batch and the CLI make of a failed download."""

from __future__ import annotations

import datetime as dt
import gc
import io
import json
import socket
import struct
import threading
import tracemalloc
import zlib
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
import respx

import ideogram_async as ia
from ideogram_async._download import ImageEnd, link_expiry
from ideogram_async.cli import main
from ideogram_async.testing import Emulator

from .conftest import API, JPEG, KEY, PNG, WEBP, image_response

pytestmark = pytest.mark.anyio

LINK = "https://ideogram.ai/api/images/ephemeral/abc.png?exp=1700000000&signature=s3cr3t"
OTHER = "https://cdn.example/img/abc.png"


class Sleeps:
    """An injected sleep that records the delays asked for and returns at once."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


def client_for(
    handler: Callable[[httpx.Request], Any], *, max_retries: int = 2, **kwargs: Any
) -> tuple[ia.AsyncIdeogram, Sleeps]:
    """A client whose HTTP goes to ``handler`` (an ``httpx.MockTransport``) and never sleeps."""
    sleeps = Sleeps()
    client = ia.AsyncIdeogram(
        api_key=KEY,
        transport=httpx.MockTransport(handler),
        max_retries=max_retries,
        sleep=sleeps,
        **kwargs,
    )
    return client, sleeps


def big_png(size: int) -> bytes:
    """A valid PNG of about ``size`` bytes (stored, not compressed)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    width = 1024
    height = max(1, size // (width * 3 + 1))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress((b"\x00" + b"\x7f" * width * 3) * height, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


async def chunks(data: bytes, size: int = 64 * 1024) -> AsyncIterator[bytes]:
    """``data`` as a streamed body, in pieces (nothing kept once sent)."""
    for start in range(0, len(data), size):
        yield data[start : start + size]


def hidden(folder: Path) -> list[str]:
    """Temporary files a download may have left in ``folder``."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".ideogram-"))


# --- download_to --------------------------------------------------------------------------------


async def test_download_to_a_path_writes_the_whole_image_and_returns_its_size(
    tmp_path: Path,
) -> None:
    """A path gets exactly the image's bytes, the size is returned, no temporary file stays."""
    client, _ = client_for(lambda request: httpx.Response(200, content=PNG))
    dest = tmp_path / "fox.png"
    async with client:
        size = await client.download_to(LINK, dest)
        await client.download_to(LINK, str(tmp_path / "as-str.png"))
    assert size == len(PNG)
    assert dest.read_bytes() == PNG
    assert (tmp_path / "as-str.png").read_bytes() == PNG
    assert hidden(tmp_path) == []


async def test_download_to_a_file_object_writes_the_image_into_it() -> None:
    """A binary file object receives the image's bytes."""
    client, _ = client_for(lambda request: httpx.Response(200, content=JPEG))
    file = io.BytesIO(b"")
    async with client:
        assert await client.download_to(LINK, file) == len(JPEG)
    assert file.getvalue() == JPEG


async def test_a_failed_download_to_leaves_the_destination_as_it_was(tmp_path: Path) -> None:
    """After a 410 an existing file is untouched, no file appears, and nothing hidden stays."""
    client, _ = client_for(lambda request: httpx.Response(410, text="gone"))
    dest = tmp_path / "kept.png"
    dest.write_bytes(b"old")
    buffer = io.BytesIO()
    async with client:
        with pytest.raises(ia.DownloadError):
            await client.download_to(LINK, dest)
        with pytest.raises(ia.DownloadError):
            await client.download_to(LINK, tmp_path / "new.png")
        with pytest.raises(ia.DownloadError):
            await client.download_to(LINK, buffer)
    assert dest.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.png"]
    assert buffer.getvalue() == b""


async def test_a_cancelled_download_to_leaves_nothing(tmp_path: Path) -> None:
    """Cancelling a download half-way through the body leaves no file, hidden or not."""
    started = anyio.Event()

    async def stalls() -> AsyncIterator[bytes]:
        yield PNG[:20] + bytes(1 << 18)  # a whole block: the temporary file is written
        started.set()
        await anyio.sleep_forever()
        yield b""  # pragma: no cover

    client, _ = client_for(lambda request: httpx.Response(200, content=stalls()))
    async with client, anyio.create_task_group() as tg:
        tg.start_soon(client.download_to, LINK, tmp_path / "fox.png")
        await started.wait()
        assert len(hidden(tmp_path)) == 1  # the download was writing its temporary file
        tg.cancel_scope.cancel()
    assert list(tmp_path.iterdir()) == []


async def test_download_to_streams_with_bounded_memory(tmp_path: Path) -> None:
    """A 24 MB image goes to disk without the process ever holding more than a few MB of it."""
    image = big_png(24 * 2**20)
    client, _ = client_for(lambda request: httpx.Response(200, content=chunks(image)))
    async with client:
        tracemalloc.start()
        try:
            size = await client.download_to(LINK, tmp_path / "big.png")
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert size == len(image)
    assert (tmp_path / "big.png").stat().st_size == len(image)
    assert peak < 4 * 2**20


@pytest.mark.parametrize("method", ["download", "download_to"])
async def test_a_finished_download_frees_its_body_without_the_garbage_collector(
    tmp_path: Path, method: str
) -> None:
    """With the cycle collector off, 20 downloads of 2 MB leave less than 4 MB allocated."""
    image = big_png(2 * 2**20)
    client, _ = client_for(lambda request: httpx.Response(200, content=chunks(image)))
    async with client:
        await client.download(LINK)  # warm up: imports, the pool
        gc.collect()
        gc.disable()
        tracemalloc.start()
        try:
            before, _ = tracemalloc.get_traced_memory()
            for n in range(20):
                if method == "download":
                    assert len(await client.download(LINK)) == len(image)
                else:
                    await client.download_to(LINK, tmp_path / f"{n}.png")
            after, _ = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
            gc.enable()
    assert after - before < 4 * 2**20


async def test_the_sync_client_downloads_to_a_path_and_a_file_object(
    tmp_path: Path, ideogram_sync_client: ia.Ideogram
) -> None:
    """``Ideogram.download_to`` takes a path and a file object, as the async one does."""
    result = ideogram_sync_client.v3.generate(prompt="a fox")
    size = ideogram_sync_client.download_to(result.data[0], tmp_path / "fox.png")
    with open(tmp_path / "fox-2.png", "wb") as file:
        assert ideogram_sync_client.download_to(result.data[0], file) == size
    assert (tmp_path / "fox.png").read_bytes() == (tmp_path / "fox-2.png").read_bytes()
    assert (tmp_path / "fox.png").read_bytes().startswith(b"\x89PNG")


# --- whole images only --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("image", "cut"),
    [(PNG, PNG[:-12]), (JPEG, JPEG[:-2]), (WEBP, WEBP[:-4]), (PNG, b"")],
    ids=["png-without-iend", "jpeg-without-eoi", "webp-short-of-riff", "empty"],
)
async def test_a_truncated_image_with_matching_framing_is_retried_then_raised(
    tmp_path: Path, image: bytes, cut: bytes
) -> None:
    """A short body with a correct Content-Length is retried, then a ``DownloadError``; no
    bytes are returned and no file is written."""
    calls: list[httpx.Request] = []

    def short(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(200, content=cut)  # Content-Length matches the short body

    client, sleeps = client_for(short, max_retries=2)
    async with client:
        with pytest.raises(ia.DownloadError) as info:
            await client.download(LINK)
        with pytest.raises(ia.DownloadError):
            await client.download_to(LINK, tmp_path / "x.png")
    assert len(calls) == 6  # 3 attempts each
    assert len(sleeps.delays) == 4
    assert info.value.status_code is None
    assert "incomplete" in str(info.value)
    assert len(info.value.attempts) == 3
    assert list(tmp_path.iterdir()) == []


async def test_a_truncated_image_that_arrives_whole_on_retry_is_returned() -> None:
    """A cut-short first answer is retried and the whole image comes back."""
    answers = iter([PNG[: len(PNG) // 2], PNG])
    client, sleeps = client_for(lambda request: httpx.Response(200, content=next(answers)))
    async with client:
        assert await client.download(LINK) == PNG
    assert len(sleeps.delays) == 1


async def test_a_body_of_another_format_is_trusted_as_framed() -> None:
    """A body that is not PNG, JPEG or WebP comes back as the transfer framed it."""
    gif = b"GIF89a" + b"\x00" * 20
    client, _ = client_for(lambda request: httpx.Response(200, content=gif))
    async with client:
        assert await client.download(LINK) == gif


def test_image_end_reads_the_end_across_any_chunking() -> None:
    """Fed byte by byte or whole, a whole PNG, JPEG and WebP are whole, and a cut one is not."""
    for image in (PNG, JPEG, WEBP):
        for size in (1, 3, 7, len(image)):
            end = ImageEnd()
            for start in range(0, len(image), size):
                end.feed(image[start : start + size])
            assert end.missing() is None
            assert end.length == len(image)
            cut = ImageEnd()
            cut.feed(image[:-1])
            assert cut.missing() is not None


@contextmanager
def raw_server(body: bytes, *, length: int | None) -> Iterator[str]:
    """A loopback HTTP server that answers every request with ``body`` and closes.

    With ``length``, it sends that ``Content-Length`` (possibly more than it sends); without,
    the body ends when it closes the connection.
    """
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            with conn:
                conn.recv(65536)
                head = "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nConnection: close\r\n"
                if length is not None:
                    head += f"Content-Length: {length}\r\n"
                conn.sendall(head.encode() + b"\r\n" + body)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/img.png"
    finally:
        stop.set()
        thread.join(5)
        listener.close()


@pytest.mark.parametrize("length", [None, len(PNG)], ids=["closed-by-server", "short-of-length"])
async def test_an_image_cut_off_by_the_server_is_never_saved(
    tmp_path: Path, length: int | None
) -> None:
    """A real connection that ends half-way into a PNG (closed, or short of its
    Content-Length) gives a ``DownloadError`` after the retries, and no file."""
    sleeps = Sleeps()
    with raw_server(PNG[: len(PNG) // 2], length=length) as url:
        async with ia.AsyncIdeogram(api_key=KEY, max_retries=1, sleep=sleeps) as client:
            with pytest.raises(ia.DownloadError) as info:
                await client.download_to(url, tmp_path / "x.png")
    assert len(info.value.attempts) == 2
    assert list(tmp_path.iterdir()) == []


async def test_a_whole_image_from_a_server_that_closes_is_accepted(tmp_path: Path) -> None:
    """A whole PNG ended by the server closing the connection is saved."""
    with raw_server(PNG, length=None) as url:
        async with ia.AsyncIdeogram(api_key=KEY) as client:
            assert await client.download_to(url, tmp_path / "x.png") == len(PNG)
    assert (tmp_path / "x.png").read_bytes() == PNG


# --- no credential on any hop -------------------------------------------------------------------


async def test_cookies_and_auth_of_an_injected_client_reach_no_hop() -> None:
    """An injected client's cookies, ``auth=`` and headers reach neither the image host nor
    the other origin it redirects to, and a cookie the host sets is not sent on."""
    seen: list[httpx.Request] = []

    def hosts(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.host == "ideogram.ai":
            return httpx.Response(
                302, headers={"Location": OTHER, "Set-Cookie": "host=1; Domain=.example; Path=/"}
            )
        return httpx.Response(200, content=PNG)

    async with httpx.AsyncClient(
        transport=httpx.MockTransport(hosts),
        cookies={"session": "secret-cookie"},
        auth=httpx.BasicAuth("user", "secret-password"),
        headers={"Authorization": "Bearer other-secret", "X-Token": "t0k3n"},
        follow_redirects=True,
    ) as http:
        client = ia.AsyncIdeogram(api_key=KEY, http_client=http)
        assert await client.download(LINK) == PNG
        assert await client.download_to(LINK, io.BytesIO()) == len(PNG)
    assert [r.url.host for r in seen] == ["ideogram.ai", "cdn.example"] * 2
    for request in seen:
        raw = str(request.headers.raw)
        for secret in ("secret-cookie", "secret-password", "other-secret", "t0k3n", KEY, "host=1"):
            assert secret not in raw
        assert not {"cookie", "authorization", "api-key"} & {n.lower() for n in request.headers}


async def test_a_relative_redirect_is_resolved_against_the_link() -> None:
    """A ``Location`` relative to the link is followed on the same host."""
    seen: list[str] = []

    def hosts(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        if "/ephemeral/" in request.url.path:
            return httpx.Response(307, headers={"Location": "../moved/abc.png?x=1"})
        return httpx.Response(200, content=PNG)

    client, _ = client_for(hosts)
    async with client:
        assert await client.download(LINK) == PNG
    assert seen[1] == "https://ideogram.ai/api/images/moved/abc.png?x=1"


async def test_a_redirect_loop_is_a_download_error() -> None:
    """A link that redirects forever fails after a bounded number of hops."""
    seen: list[httpx.Request] = []

    def loop(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(302, headers={"Location": str(request.url)})

    client, _ = client_for(loop, max_retries=0)
    async with client:
        with pytest.raises(ia.DownloadError, match="redirects"):
            await client.download(LINK)
    assert len(seen) == 11


# --- DownloadError ------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [403, 410])
async def test_an_expired_link_is_a_download_error_that_says_so(status: int) -> None:
    """A 403 or 410 with a text body: one attempt, a ``DownloadError`` with the status, the
    body, the link's expiry and the link without its signature in the message."""
    calls: list[httpx.Request] = []

    def expired(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(status, text="Request has expired")

    client, _ = client_for(expired)
    async with client:
        with pytest.raises(ia.DownloadError) as info:
            await client.download(LINK)
    error = info.value
    assert isinstance(error, ia.APIError)
    assert not isinstance(error, ia.APIStatusError)
    assert (error.status_code, error.body, error.url) == (status, "Request has expired", LINK)
    assert error.expires_at == dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=dt.timezone.utc)
    message = str(error)
    assert "expired at 2023-11-14 22:13:20 UTC" in message
    assert "ideogram.ai/api/images/ephemeral/abc.png" in message
    assert "s3cr3t" not in message
    assert "key" not in message
    assert len(calls) == 1


async def test_a_refusal_without_an_expiry_says_the_link_may_have_expired() -> None:
    """A link without an expiry parameter: the message says it may have expired."""
    client, _ = client_for(lambda request: httpx.Response(403, text="<Error>Denied</Error>"))
    async with client:
        with pytest.raises(ia.DownloadError, match="may have expired") as info:
            await client.download(OTHER)
    assert info.value.expires_at is None
    assert info.value.body == "<Error>Denied</Error>"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("exp=1700000000&signature=x", 1700000000),
        ("Expires=1700000000&Signature=x", 1700000000),
        ("expires=1700000000000", 1700000000),  # milliseconds
        ("X-Amz-Expires=3600", None),  # a duration, not a time
        ("exp=soon", None),
        ("", None),
    ],
)
def test_link_expiry_reads_unix_times_from_the_query(query: str, expected: int | None) -> None:
    """``exp``/``Expires`` Unix times (seconds or milliseconds) are read; other values are not."""
    when = link_expiry(f"https://h.example/a.png?{query}")
    assert (when.timestamp() if when else None) == expected


async def test_transient_failures_are_retried_and_end_as_a_download_error() -> None:
    """Resets and 5xx are retried (downloads are never billed); the last failure is the cause."""
    calls = 0

    def flaky(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        if calls % 2:
            raise httpx.ReadError("connection reset", request=request)
        return httpx.Response(502, text="bad gateway")

    client, sleeps = client_for(flaky, max_retries=3)
    async with client:
        with pytest.raises(ia.DownloadError) as info:
            await client.download(LINK)
    assert calls == 4
    assert len(sleeps.delays) == 3
    assert info.value.status_code == 502


async def test_a_reset_ends_as_a_download_error_caused_by_the_connection_error() -> None:
    """A download that never gets an answer raises ``DownloadError`` from the connection error."""

    def resets(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    client, _ = client_for(resets, max_retries=1)
    async with client:
        with pytest.raises(ia.DownloadError) as info:
            await client.download(LINK)
    assert isinstance(info.value.__cause__, ia.APIConnectionError)
    assert info.value.status_code is None
    assert "s3cr3t" not in str(info.value)


async def test_a_429_from_the_image_host_is_retried_a_bounded_number_of_times() -> None:
    """An image host's 429 waits its ``Retry-After`` and counts against ``max_retries``."""
    calls = 0

    def busy(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(429, headers={"Retry-After": "2"}, text="slow down")

    client, sleeps = client_for(busy, max_retries=2)
    async with client:
        with pytest.raises(ia.DownloadError) as info:
            await client.download(LINK)
    assert calls == 3
    assert sleeps.delays == [2.0, 2.0]
    assert info.value.status_code == 429


async def test_a_link_that_is_not_http_is_refused_before_sending() -> None:
    """A ``file:`` or ``ftp:`` link is an ``IdeogramValidationError``; nothing is sent."""
    client, _ = client_for(lambda request: pytest.fail("nothing may be sent"))
    async with client:
        for link in ("file:///etc/passwd", "ftp://h.example/a.png"):
            with pytest.raises(ia.IdeogramValidationError):
                await client.download(link)


# --- image inputs given as URLs -----------------------------------------------------------------


async def test_an_input_url_is_fetched_without_credentials_through_a_redirect(
    respx_mock: respx.MockRouter,
) -> None:
    """An image input URL is fetched with no credential on any hop, then uploaded."""
    first = respx_mock.get("https://in.example/cat.png").respond(302, headers={"Location": OTHER})
    second = respx_mock.get(OTHER).respond(200, content=PNG)
    remix = respx_mock.post(f"{API}/v1/ideogram-v3/remix").respond(200, json=image_response(1))
    async with ia.AsyncIdeogram(
        api_key=KEY, default_headers={"Cookie": "s=secret-cookie"}
    ) as client:
        await client.v3.remix(image="https://in.example/cat.png", prompt="in snow")
    for route in (first, second):
        raw = str(route.calls.last.request.headers.raw)
        assert KEY not in raw
        assert "secret-cookie" not in raw
    assert PNG in remix.calls.last.request.read()


async def test_an_input_url_that_fails_names_the_parameter(respx_mock: respx.MockRouter) -> None:
    """A truncated or expired input is an ``IdeogramValidationError`` for its parameter."""
    respx_mock.get("https://in.example/cut.png").respond(200, content=PNG[:-12])
    respx_mock.get("https://in.example/gone.png").respond(403, text="expired")

    async def no_sleep(_: float) -> None:
        return None

    async with ia.AsyncIdeogram(api_key=KEY, sleep=no_sleep) as client:
        for name in ("cut", "gone"):
            with pytest.raises(ia.IdeogramValidationError) as info:
                await client.v3.remix(image=f"https://in.example/{name}.png", prompt="p")
            assert info.value.param == "image"
            assert isinstance(info.value.__cause__, ia.DownloadError)


# --- batches and the CLI ------------------------------------------------------------------------


LINKS = "https://ideogram.ai/api/images/ephemeral/"


def thirty_prompts_one_expired(router: respx.MockRouter) -> tuple[respx.Route, list[str]]:
    """A generate route linking image ``n`` to ``LINKS{n}.png``; link 7 answers 403."""
    counter = iter(range(1000))
    links: list[str] = []

    def generate(request: httpx.Request) -> httpx.Response:
        body = image_response(1)
        n = next(counter)
        body["data"][0]["url"] = f"{LINKS}{n}.png?exp=1700000000&sig=s3cr3t"  # type: ignore[index]
        links.append(body["data"][0]["url"])  # type: ignore[index]
        return httpx.Response(200, json=body)

    def image(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/7.png"):
            return httpx.Response(403, text="Request has expired")
        return httpx.Response(200, content=PNG)

    route = router.post(f"{API}/v1/ideogram-v3/generate").mock(side_effect=generate)
    router.get(url__startswith=LINKS).mock(side_effect=image)
    return route, links


async def test_a_403_from_the_image_host_never_stops_a_batch(
    respx_mock: respx.MockRouter, tmp_path: Path
) -> None:
    """30 prompts, one link answering 403: all 30 are sent, one image fails with a
    ``DownloadError`` keeping its link, and the batch was not stopped."""
    route, links = thirty_prompts_one_expired(respx_mock)
    async with ia.AsyncIdeogram(api_key=KEY, max_retries=0) as client:
        report = await ia.Batch(client, [f"p{i}" for i in range(30)], out_dir=tmp_path).run()
    assert route.call_count == 30
    assert report.stopped_by is None
    failed = [r for r in report.results if not r.ok]
    assert len(failed) == 1
    (image,) = failed[0].images
    assert image.url == links[7]
    assert image.error is not None
    assert (image.error.type, image.error.stage, image.error.status_code) == (
        "DownloadError",
        "download",
        403,
    )
    assert len(report.files) == 29


def test_cli_batch_keeps_sending_and_prints_the_failed_image_link(
    respx_mock: respx.MockRouter,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``ideogram batch``: a 403 on one link sends all 30 prompts, exits 1, and prints that
    paid image's link on stderr."""
    monkeypatch.setenv("IDEOGRAM_API_KEY", KEY)
    route, links = thirty_prompts_one_expired(respx_mock)
    prompts = tmp_path / "prompts.txt"
    prompts.write_text("".join(f"prompt {i}\n" for i in range(30)))
    code = main(["batch", str(prompts), "--out", str(tmp_path / "out"), "--max-retries", "0"])
    err = capsys.readouterr().err
    assert code == 1
    assert route.call_count == 30
    assert f"not saved, its link (it expires): {links[7]}" in err
    assert "DownloadError" in err
    assert "stopped sending" not in err


def test_cli_batch_json_reports_the_failed_image_and_its_link(
    respx_mock: respx.MockRouter,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``--json``: the item that failed carries its image's link and the image's error."""
    monkeypatch.setenv("IDEOGRAM_API_KEY", KEY)
    _, links = thirty_prompts_one_expired(respx_mock)
    prompts = tmp_path / "prompts.txt"
    prompts.write_text("".join(f"prompt {i}\n" for i in range(30)))
    argv = ["batch", str(prompts), "--out", str(tmp_path / "out"), "--max-retries", "0", "--json"]
    assert main(argv) == 1
    document = json.loads(capsys.readouterr().out)
    failed = [item for item in document["items"] if not item["ok"]]
    assert len(failed) == 1
    (image,) = failed[0]["images"]
    assert image["url"] == links[7]
    assert image["file"] is None
    assert image["error"]["type"] == "DownloadError"
    assert image["error"]["status_code"] == 403
    assert failed[0]["error"]["exit_code"] == 5
    assert document["summary"]["files"] == 29


async def test_an_emulator_link_past_its_expiry_names_the_time(tmp_path: Path) -> None:
    """The emulator's expired links (410) raise a ``DownloadError`` naming the expiry."""
    now = [1_000_000.0]
    emulator = Emulator(link_ttl=60, clock=lambda: now[0])
    async with emulator.client() as client:
        result = await client.v3.generate(prompt="a fox")
        now[0] += 3600
        with pytest.raises(ia.DownloadError) as info:
            await client.download_to(result.data[0], tmp_path / "fox.png")
    assert info.value.status_code == 410
    assert info.value.expires_at == dt.datetime.fromtimestamp(1_000_060, dt.timezone.utc)
    assert list(tmp_path.iterdir()) == []
