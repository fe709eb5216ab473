"""The price table: list prices as data, overrides, and money as integer micros."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

import ideogram_async as ia
from ideogram_async._prices import format_usd, parse_usd


@pytest.mark.parametrize(
    ("operation", "params", "micros"),
    [
        ("v3.generate", {}, 60_000),
        ("v3.generate", {"rendering_speed": "TURBO"}, 30_000),
        ("v3.remix", {"rendering_speed": ia.RenderingSpeed.QUALITY}, 90_000),
        ("v3.replace_background", {"rendering_speed": "turbo"}, 30_000),
        ("legacy.generate", {}, 80_000),
        ("legacy.generate", {"model": "V_2A_TURBO"}, 25_000),
        ("legacy.edit", {"model": "V_2_TURBO"}, 50_000),
        ("legacy.upscale", {}, 60_000),
        ("images.remove_background", {}, 10_000),
        ("v3.generate", {"rendering_speed": "FLASH"}, None),
        ("v3.layerize_text", {}, None),
    ],
)
def test_list_prices_by_operation_model_and_speed(
    operation: str, params: dict[str, object], micros: int | None
) -> None:
    """Each operation is priced by its speed (3.0) or model (legacy), defaulting as the API."""
    assert ia.PriceTable.ideogram().price_per_image(operation, params) == micros


def test_a_gateway_table_overrides_prices(tmp_path: Path) -> None:
    """A gateway's prices (seed 003: 3.0 edits at $0.06 even at TURBO) lay over the list."""
    path = tmp_path / "prices.json"
    path.write_text(json.dumps({"v3.inpaint/TURBO": "0.06", "v3.generate_transparent": 70000}))
    table = ia.PriceTable.load(path)
    assert table.price_per_image("v3.inpaint", {"rendering_speed": "TURBO"}) == 60_000
    assert table.price_per_image("v3.generate_transparent", {}) == 70_000
    assert table.price_per_image("v3.generate", {"rendering_speed": "TURBO"}) == 30_000
    assert table.cost("v3.inpaint", {"rendering_speed": "TURBO"}, 3) == 180_000


@pytest.mark.parametrize(
    ("text", "micros"),
    [("0.06", 60_000), ("$0.025", 25_000), (Decimal("1.5"), 1_500_000), (7, 7), ("0", 0)],
)
def test_money_is_parsed_exactly(text: str | int | Decimal, micros: int) -> None:
    """Dollars as decimal strings or ``Decimal`` become exact micros; an int is micros."""
    assert parse_usd(text) == micros


@pytest.mark.parametrize("bad", [0.06, "-1", "0.0000001", "cheap", True])
def test_money_that_is_not_exact_is_refused(bad: object) -> None:
    """Floats, negatives, sub-micro amounts and non-numbers are refused."""
    with pytest.raises(ValueError):  # noqa: PT011 - each message differs
        parse_usd(bad)  # type: ignore[arg-type]


def test_micros_print_as_dollars() -> None:
    """Micros print with at least two decimals and no float noise."""
    assert [format_usd(m) for m in (60_000, 25_000, 0, 12_345_678)] == [
        "$0.06",
        "$0.025",
        "$0.00",
        "$12.345678",
    ]
