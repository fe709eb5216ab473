from __future__ import annotations

import httpx
import pytest
import respx

import ideogram_async as ia

from .conftest import API, KEY, image_response

pytestmark = pytest.mark.anyio


async def test_generate_v3_returns_typed_images(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """A 3.0 generate call returns typed images with their resolution split into sides."""
    route = respx_mock.post(f"{API}/v1/ideogram-v3/generate").mock(
        return_value=httpx.Response(200, json=image_response(2))
    )
    result = await client.v3.generate(prompt="a lighthouse at dawn", num_images=2)
    assert route.calls.last.request.headers["Api-Key"] == KEY
    assert [image.resolution.width for image in result.data] == [1024, 1024]
    assert result.response is not None
    assert result.response.status_code == 200
