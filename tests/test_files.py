"""File inputs: every accepted shape, content sniffing, size limits, URLs and dataset files."""

from __future__ import annotations

import io
import json
import pathlib
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import respx

import ideogram_async as ia

from .conftest import API, JPEG, KEY, PNG, WEBP, image_response, multipart_parts

pytestmark = pytest.mark.anyio

LIMIT = 10 * 1024 * 1024
REMIX = f"{API}/v1/ideogram-v3/remix"
GENERATE = f"{API}/v1/ideogram-v3/generate"
CDN = "https://cdn.example.com/pics"
CREDENTIALS = ("api-key", "authorization", "proxy-authorization", "cookie")


async def no_sleep(_: float) -> None:
    """Never wait."""


def api_route(respx_mock: respx.MockRouter, url: str = REMIX) -> respx.Route:
    """A 3.0 route that answers with one image."""
    return respx_mock.post(url).mock(return_value=httpx.Response(200, json=image_response(1)))


def file_parts(route: respx.Route) -> list[tuple[str, str | None, str | None, bytes]]:
    """The file parts of the route's one request, by field (a field's files keep their order)."""
    assert route.call_count == 1
    found = [part for part in multipart_parts(route.calls.last.request) if part[1] is not None]
    return sorted(found, key=lambda part: part[0])


def padded(image: bytes, size: int) -> bytes:
    """``image`` padded with zero bytes to exactly ``size`` bytes (only its start is sniffed)."""
    return image + bytes(size - len(image))


def refused(info: pytest.ExceptionInfo[ia.IdeogramValidationError], param: str) -> str:
    """The error's message, after checking that it names ``param``."""
    assert info.value.param == param
    message = str(info.value)
    assert message.startswith(f"{param}=")
    return message


# --- the accepted shapes -----------------------------------------------------------------------


async def test_a_path_as_str_uploads_the_file_under_its_name(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter, tmp_path: pathlib.Path
) -> None:
    """A path given as ``str`` is read and sent with its file name and sniffed type."""
    path = tmp_path / "cat.png"
    path.write_bytes(PNG)
    route = api_route(respx_mock)
    await client.v3.remix(image=str(path), prompt="p")
    assert file_parts(route) == [("image", "cat.png", "image/png", PNG)]


async def test_a_pathlib_path_uploads_the_file_under_its_name(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter, tmp_path: pathlib.Path
) -> None:
    """A ``pathlib.Path`` is read and sent with its file name and sniffed type."""
    path = tmp_path / "dog.webp"
    path.write_bytes(WEBP)
    route = api_route(respx_mock)
    await client.v3.remix(image=path, prompt="p")
    assert file_parts(route) == [("image", "dog.webp", "image/webp", WEBP)]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(JPEG, ("image", "image.jpg", "image/jpeg", JPEG), id="bytes"),
        pytest.param(bytearray(PNG), ("image", "image.png", "image/png", PNG), id="bytearray"),
        pytest.param(
            memoryview(WEBP), ("image", "image.webp", "image/webp", WEBP), id="memoryview"
        ),
        pytest.param(
            lambda: io.BytesIO(PNG), ("image", "image.png", "image/png", PNG), id="BytesIO"
        ),
        pytest.param(("me.jpg", JPEG), ("image", "me.jpg", "image/jpeg", JPEG), id="2-tuple"),
        pytest.param(
            ("me.png", PNG, "image/png"), ("image", "me.png", "image/png", PNG), id="3-tuple"
        ),
        pytest.param(
            ("me.png", JPEG, "image/png"),
            ("image", "me.png", "image/jpeg", JPEG),
            id="3-tuple-with-a-wrong-type",
        ),
        pytest.param(
            ("me.webp", WEBP, "application/octet-stream"),
            ("image", "me.webp", "image/webp", WEBP),
            id="3-tuple-with-a-vague-type",
        ),
    ],
)
async def test_in_memory_inputs_are_sent_with_their_sniffed_type(
    client: ia.AsyncIdeogram,
    respx_mock: respx.MockRouter,
    value: Any,
    expected: tuple[str, str, str, bytes],
) -> None:
    """Bytes, file objects and tuples are sent with the type their bytes show, not a given one."""
    route = api_route(respx_mock)
    await client.v3.remix(image=value() if callable(value) else value, prompt="p")
    assert file_parts(route) == [expected]


async def test_an_opened_binary_file_is_read_and_left_open(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter, tmp_path: pathlib.Path
) -> None:
    """A file the caller opened in ``rb`` mode is uploaded under its name and not closed."""
    path = tmp_path / "holiday.jpg"
    path.write_bytes(JPEG)
    route = api_route(respx_mock)
    with path.open("rb") as handle:
        await client.v3.remix(image=handle, prompt="p")
        assert not handle.closed
    assert file_parts(route) == [("image", "holiday.jpg", "image/jpeg", JPEG)]


async def test_every_shape_works_in_a_list_parameter(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter, tmp_path: pathlib.Path
) -> None:
    """A list parameter takes a mix of paths, bytes, file objects and tuples, in order."""
    path = tmp_path / "a.png"
    path.write_bytes(PNG)
    route = api_route(respx_mock, GENERATE)
    await client.v3.generate(
        prompt="p",
        style_reference_images=[path, JPEG, io.BytesIO(WEBP), ("d.png", PNG)],
    )
    assert file_parts(route) == [
        ("style_reference_images", "a.png", "image/png", PNG),
        ("style_reference_images", "style_reference_images.jpg", "image/jpeg", JPEG),
        ("style_reference_images", "style_reference_images.webp", "image/webp", WEBP),
        ("style_reference_images", "d.png", "image/png", PNG),
    ]


# --- content checks ----------------------------------------------------------------------------


async def test_the_type_comes_from_the_bytes_not_the_extension(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter, tmp_path: pathlib.Path
) -> None:
    """A ``.png`` file that holds a JPEG is sent as ``image/jpeg``."""
    path = tmp_path / "really-a-jpeg.png"
    path.write_bytes(JPEG)
    route = api_route(respx_mock)
    await client.v3.remix(image=path, prompt="p")
    [(_, _, content_type, content)] = file_parts(route)
    assert content_type == "image/jpeg"
    assert content == JPEG


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(b"hello, I am plain text", id="text-bytes"),
        pytest.param(("notes.png", b"<html></html>"), id="html-named-png"),
        pytest.param(b"GIF89a\x01\x00\x01\x00", id="gif"),
        pytest.param(b"", id="empty"),
        pytest.param(b"RIFF\x1a\x00\x00\x00WAVEfmt ", id="riff-but-not-webp"),
    ],
)
async def test_bytes_that_are_not_an_image_are_refused(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter, value: Any
) -> None:
    """Anything but PNG, JPEG or WebP is refused by name before a request is sent."""
    with pytest.raises(ia.IdeogramValidationError) as info:
        await client.v3.remix(image=value, prompt="p")
    assert "a PNG, JPEG or WebP image" in refused(info, "image")
    assert not respx_mock.calls


async def test_a_text_file_in_a_list_parameter_is_refused_by_name(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter, tmp_path: pathlib.Path
) -> None:
    """A text file among style references is refused naming ``style_reference_images``."""
    notes = tmp_path / "notes.txt"
    notes.write_text("not an image")
    with pytest.raises(ia.IdeogramValidationError) as info:
        await client.v3.generate(prompt="p", style_reference_images=[PNG, notes])
    assert "notes.txt" in refused(info, "style_reference_images")
    assert not respx_mock.calls


async def test_an_image_of_exactly_10_mb_is_sent(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """An image of exactly 10 MB (10 * 1024 * 1024 bytes) is within the limit."""
    big = padded(PNG, LIMIT)
    route = api_route(respx_mock)
    await client.v3.remix(image=big, prompt="p")
    [(_, _, _, content)] = file_parts(route)
    assert len(content) == LIMIT


async def test_an_image_one_byte_over_10_mb_is_refused(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """One byte more than 10 MB is refused naming the parameter and the limit."""
    with pytest.raises(ia.IdeogramValidationError) as info:
        await client.v3.remix(image=padded(JPEG, LIMIT + 1), prompt="p")
    assert "at most 10485760 bytes" in refused(info, "image")
    assert not respx_mock.calls


@pytest.mark.parametrize("field", ["style_reference_images", "character_reference_images"])
async def test_references_may_fill_10_mb_between_them(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter, field: str
) -> None:
    """Two references of 5 MB each (10 MB in all) are sent."""
    route = api_route(respx_mock, GENERATE)
    half = LIMIT // 2
    refs: dict[str, Any] = {field: [padded(PNG, half), padded(JPEG, half)]}
    await client.v3.generate(prompt="p", **refs)
    assert [len(part[3]) for part in file_parts(route)] == [half, half]


@pytest.mark.parametrize("field", ["style_reference_images", "character_reference_images"])
async def test_references_over_10_mb_in_all_are_refused(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter, field: str
) -> None:
    """References under 10 MB each but over 10 MB in all are refused naming the parameter."""
    half = LIMIT // 2
    refs: dict[str, Any] = {field: [padded(PNG, half), padded(JPEG, half + 1)]}
    with pytest.raises(ia.IdeogramValidationError) as info:
        await client.v3.generate(prompt="p", **refs)
    assert "across all files" in refused(info, field)
    assert not respx_mock.calls


async def test_a_missing_path_is_refused_naming_the_file(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter, tmp_path: pathlib.Path
) -> None:
    """A path that does not exist is refused with the path and the reason."""
    missing = tmp_path / "nowhere" / "cat.png"
    with pytest.raises(ia.IdeogramValidationError) as info:
        await client.v3.remix(image=missing, prompt="p")
    message = refused(info, "image")
    assert str(missing) in message
    assert "a readable file" in message
    assert "No such file or directory" in message
    assert not respx_mock.calls


async def test_a_directory_is_refused(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter, tmp_path: pathlib.Path
) -> None:
    """A directory is not a file to upload."""
    with pytest.raises(ia.IdeogramValidationError) as info:
        await client.v3.remix(image=str(tmp_path), prompt="p")
    assert "a readable file" in refused(info, "image")
    assert not respx_mock.calls


async def test_a_text_mode_file_object_is_refused(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """A text stream is refused with a hint to open the file in binary mode."""
    with pytest.raises(ia.IdeogramValidationError) as info:
        await client.v3.remix(image=io.StringIO("not bytes"), prompt="p")  # type: ignore[arg-type]
    assert "opened in binary mode ('rb')" in refused(info, "image")
    assert not respx_mock.calls


async def test_an_image_opened_in_text_mode_is_refused_with_a_clear_error(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter, tmp_path: pathlib.Path
) -> None:
    """``open("cat.png")`` without ``"rb"`` gives the binary-mode hint, not a UnicodeDecodeError."""
    path = tmp_path / "cat.png"
    path.write_bytes(PNG)
    with path.open(encoding="utf-8") as handle, pytest.raises(ia.IdeogramValidationError) as info:
        await client.v3.remix(image=handle, prompt="p")  # type: ignore[arg-type]
    assert "opened in binary mode ('rb')" in refused(info, "image")
    assert not respx_mock.calls


# --- URLs --------------------------------------------------------------------------------------


async def test_a_url_is_downloaded_and_uploaded(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """An ``https://`` input is fetched, sniffed and uploaded under the URL's file name."""
    download = respx_mock.get(f"{CDN}/cat.jpg").mock(
        return_value=httpx.Response(200, content=JPEG, headers={"Content-Type": "image/jpeg"})
    )
    route = api_route(respx_mock)
    await client.v3.remix(image=f"{CDN}/cat.jpg?size=large", prompt="p")
    assert download.call_count == 1
    assert file_parts(route) == [("image", "cat.jpg", "image/jpeg", JPEG)]
    assert route.calls.last.request.headers["Api-Key"] == KEY


async def test_downloads_carry_no_credentials(respx_mock: respx.MockRouter) -> None:
    """An input URL is downloaded with no secret of either client; the API call keeps its key."""
    download = respx_mock.get(f"{CDN}/ref.png").mock(return_value=httpx.Response(200, content=PNG))
    route = api_route(respx_mock, GENERATE)
    http = httpx.AsyncClient(
        headers={"Authorization": "Bearer injected-secret", "Cookie": "sid=injected"},
        cookies={"jar": "injected-jar"},
    )
    async with (
        http,
        ia.AsyncIdeogram(
            api_key=KEY,
            base_url=API,
            http_client=http,
            default_headers={
                "Cookie": "sid=default",
                "Proxy-Authorization": "Basic c2VjcmV0",
                "X-Trace": "t-1",
            },
            sleep=no_sleep,
        ) as client,
    ):
        await client.v3.generate(prompt="p", style_reference_images=f"{CDN}/ref.png")

    fetched = download.calls.last.request.headers
    for name in CREDENTIALS:
        assert name not in fetched, name
    assert "injected" not in str(fetched.raw)
    assert route.calls.last.request.headers["Api-Key"] == KEY


async def test_downloads_ignore_the_injected_clients_auth(respx_mock: respx.MockRouter) -> None:
    """An injected ``httpx.AsyncClient(auth=...)`` does not authenticate downloads of inputs."""
    download = respx_mock.get(f"{CDN}/ref.png").mock(return_value=httpx.Response(200, content=PNG))
    api_route(respx_mock, GENERATE)
    http = httpx.AsyncClient(auth=("corp-user", "corp-password"))
    async with (
        http,
        ia.AsyncIdeogram(api_key=KEY, base_url=API, http_client=http, sleep=no_sleep) as client,
    ):
        await client.v3.generate(prompt="p", style_reference_images=f"{CDN}/ref.png")
    assert "authorization" not in download.calls.last.request.headers


async def test_downloads_carry_no_bearer_key(respx_mock: respx.MockRouter) -> None:
    """With the gateway ``bearer`` scheme, the key goes to the API and never to the image host."""
    download = respx_mock.get(f"{CDN}/cat.png").mock(return_value=httpx.Response(200, content=PNG))
    route = respx_mock.post("https://gateway.example/ideogram/v1/ideogram-v3/remix").mock(
        return_value=httpx.Response(200, json=image_response(1))
    )
    async with ia.AsyncIdeogram(
        api_key=KEY,
        base_url="https://gateway.example/ideogram",
        auth_scheme="bearer",
        sleep=no_sleep,
    ) as client:
        await client.v3.remix(image=f"{CDN}/cat.png", prompt="p")
    assert "authorization" not in download.calls.last.request.headers
    assert route.calls.last.request.headers["Authorization"] == f"Bearer {KEY}"


@pytest.mark.parametrize("status", [403, 404, 410])
async def test_a_url_that_cannot_be_fetched_is_refused_without_calling_the_api(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter, status: int
) -> None:
    """A URL answering 4xx is refused naming the parameter and the URL; the API is never called."""
    download = respx_mock.get(f"{CDN}/gone.png").mock(
        return_value=httpx.Response(status, text="nope")
    )
    with pytest.raises(ia.IdeogramValidationError) as info:
        await client.v3.remix(image=f"{CDN}/gone.png", prompt="p")
    message = refused(info, "image")
    assert f"{CDN}/gone.png" in message
    assert "a URL that can be downloaded" in message
    assert isinstance(info.value.__cause__, ia.DownloadError)
    assert info.value.__cause__.status_code == status
    assert download.call_count == 1
    assert len(respx_mock.calls) == 1


async def test_a_url_to_a_web_page_is_refused(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """A URL that answers with HTML instead of an image is refused before the API is called."""
    respx_mock.get(f"{CDN}/page").mock(
        return_value=httpx.Response(200, html="<html><body>cat</body></html>")
    )
    with pytest.raises(ia.IdeogramValidationError) as info:
        await client.v3.remix(image=f"{CDN}/page", prompt="p")
    assert "a PNG, JPEG or WebP image" in refused(info, "image")
    assert len(respx_mock.calls) == 1


# --- dataset files -----------------------------------------------------------------------------

UPLOAD = f"{API}/datasets/ds_1/upload_assets"
UPLOADED = {"total_count": 3, "success_count": 3, "failure_count": 0}
ZIP = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(20)


async def test_dataset_uploads_take_images_captions_and_zip_archives(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter, tmp_path: pathlib.Path
) -> None:
    """Images, ``.txt`` captions and ZIP archives are sent, each with its own content type."""
    image = tmp_path / "sunset.jpg"
    image.write_bytes(JPEG)
    caption = tmp_path / "sunset.txt"
    caption.write_text("a sunset over the sea")
    route = respx_mock.post(UPLOAD).mock(return_value=httpx.Response(200, json=UPLOADED))
    result = await client.datasets.upload_assets(
        "ds_1", files=[image, caption, ("more.zip", ZIP), ("LOUD.TXT", b"shouting")]
    )
    assert result.success_count == 3
    assert file_parts(route) == [
        ("files", "sunset.jpg", "image/jpeg", JPEG),
        ("files", "sunset.txt", "text/plain", b"a sunset over the sea"),
        ("files", "more.zip", "application/zip", ZIP),
        ("files", "LOUD.TXT", "text/plain", b"shouting"),
    ]


async def test_a_zip_given_as_bytes_is_named_as_a_zip(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """A ZIP archive given as bare bytes still travels under a ``.zip`` file name."""
    route = respx_mock.post(UPLOAD).mock(return_value=httpx.Response(200, json=UPLOADED))
    await client.datasets.upload_assets("ds_1", files=ZIP)
    [(name, filename, content_type, content)] = file_parts(route)
    assert (name, content_type, content) == ("files", "application/zip", ZIP)
    assert filename is not None
    assert filename.endswith(".zip")


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(("report.pdf", b"%PDF-1.7\n"), id="pdf"),
        pytest.param(("captions.csv", b"a,b\n"), id="csv"),
        pytest.param(b"a caption with no file name", id="unnamed-text"),
    ],
)
async def test_dataset_uploads_refuse_other_files(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter, value: Any
) -> None:
    """Any other file is refused by name, saying what a dataset takes."""
    with pytest.raises(ia.IdeogramValidationError) as info:
        await client.datasets.upload_assets("ds_1", files=[PNG, value])
    assert "a ZIP archive or a .txt caption file" in refused(info, "files")
    assert not respx_mock.calls


# --- pass_image_urls ---------------------------------------------------------------------------


@pytest.fixture
async def url_client(respx_mock: respx.MockRouter) -> AsyncIterator[ia.AsyncIdeogram]:
    """A client for a gateway that takes image URLs (``pass_image_urls=True``)."""
    async with ia.AsyncIdeogram(
        api_key=KEY, base_url=API, pass_image_urls=True, sleep=no_sleep
    ) as c:
        yield c


async def test_urls_are_passed_in_a_json_body(
    url_client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """With ``pass_image_urls``, a remix of a URL sends the URL in JSON and downloads nothing."""
    route = api_route(respx_mock)
    await url_client.v3.remix(image=f"{CDN}/cat.png", prompt="at night")
    request = route.calls.last.request
    assert request.headers["content-type"] == "application/json"
    assert request.headers["Api-Key"] == KEY
    assert json.loads(request.content) == {"prompt": "at night", "image": f"{CDN}/cat.png"}


async def test_list_urls_are_passed_as_json_lists(
    url_client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """List parameters become JSON lists (one URL too); other fields keep their JSON types."""
    route = api_route(respx_mock, GENERATE)
    await url_client.v3.generate(
        prompt="p",
        seed=5,
        color_palette="PASTEL",
        character_reference_images=f"{CDN}/me.png",
        character_reference_images_mask=[f"{CDN}/mask.png"],
    )
    assert json.loads(route.calls.last.request.content) == {
        "prompt": "p",
        "seed": 5,
        "color_palette": {"name": "PASTEL"},
        "character_reference_images": [f"{CDN}/me.png"],
        "character_reference_images_mask": [f"{CDN}/mask.png"],
    }


async def test_one_local_file_makes_every_input_travel_as_an_upload(
    url_client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """If any input is not a URL, the URLs are downloaded and everything goes multipart."""
    download = respx_mock.get(f"{CDN}/cat.jpg").mock(return_value=httpx.Response(200, content=JPEG))
    route = api_route(respx_mock)
    await url_client.v3.remix(image=f"{CDN}/cat.jpg", prompt="p", style_reference_images=[PNG])
    assert download.call_count == 1
    assert route.calls.last.request.headers["content-type"].startswith("multipart/form-data")
    assert file_parts(route) == [
        ("image", "cat.jpg", "image/jpeg", JPEG),
        ("style_reference_images", "style_reference_images.png", "image/png", PNG),
    ]


async def test_without_any_file_the_body_stays_multipart(
    url_client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """A call with no file input at all is sent as the route's usual multipart body."""
    route = api_route(respx_mock, GENERATE)
    await url_client.v3.generate(prompt="p")
    assert route.calls.last.request.headers["content-type"].startswith("multipart/form-data")
    assert multipart_parts(route.calls.last.request) == [("prompt", None, None, b"p")]
