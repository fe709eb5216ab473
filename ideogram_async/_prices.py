"""Prices as data: what one image costs, by operation, model and rendering speed.

Money is integer USD micros everywhere (``60_000`` is $0.06). A table maps keys to prices:

- ``"v3.generate/TURBO"``: a 3.0 operation at a rendering speed;
- ``"legacy.generate/V_2A_TURBO"``: a legacy operation with a model (the speed is in its name);
- ``"images.remove_background"``: an operation with one price.

A key without a variant is the operation's price for every variant the table does not list.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from decimal import Decimal

__all__ = ["IDEOGRAM_LIST_PRICES", "PriceTable", "format_usd", "parse_usd"]

_MICROS = 1_000_000

# Ideogram's list prices per image (developer.ideogram.ai pricing, and the API's own dry-run
# quotes: ideogram-3 $0.06, remove background $0.01). Gateways charge otherwise: override them.
IDEOGRAM_LIST_PRICES: Mapping[str, str] = {
    **{
        f"v3.{op}/{speed}": price
        for op in ("generate", "remix", "inpaint", "edit", "reframe", "replace_background")
        for speed, price in (("TURBO", "0.03"), ("DEFAULT", "0.06"), ("QUALITY", "0.09"))
    },
    **{
        f"legacy.{op}/{model}": price
        for op in ("generate", "remix")
        for model, price in (
            ("V_1", "0.06"),
            ("V_1_TURBO", "0.02"),
            ("V_2", "0.08"),
            ("V_2_TURBO", "0.05"),
            ("V_2A", "0.04"),
            ("V_2A_TURBO", "0.025"),
        )
    },
    "legacy.edit/V_2": "0.08",
    "legacy.edit/V_2_TURBO": "0.05",
    "legacy.upscale": "0.06",
    "images.remove_background": "0.01",
}
"""Ideogram's list price per image, in USD, by table key."""

# The variant an operation is priced at when its parameters do not name one (the API's default).
_DEFAULT_VARIANT = {"v3": "DEFAULT", "legacy": "V_2"}


def parse_usd(value: str | int | Decimal) -> int:
    """``"0.06"`` (dollars, as a decimal string or ``Decimal``) in USD micros: ``60000``.

    An ``int`` is taken as micros already. Floats are refused: they cannot hold cents exactly.

    Raises:
        ValueError: The value is not a non-negative amount, or has more than six decimals.
    """
    if isinstance(value, (bool, float)):
        raise ValueError(f"give money as a decimal string or int micros, not {value!r}")
    if isinstance(value, int):
        micros = value
    else:
        from decimal import Decimal, InvalidOperation  # on first use: import time is measured

        try:
            amount = Decimal(str(value).strip().lstrip("$"))
        except InvalidOperation as exc:
            raise ValueError(f"{value!r} is not an amount in USD") from exc
        scaled = amount * _MICROS
        if not amount.is_finite() or scaled != scaled.to_integral_value():
            raise ValueError(f"{value!r} is not an amount in USD with at most 6 decimals")
        micros = int(scaled)
    if micros < 0:
        raise ValueError(f"{value!r} is negative")
    return micros


def format_usd(micros: int) -> str:
    """USD micros as dollars for people: ``60000`` -> ``"$0.06"``, ``25000`` -> ``"$0.025"``."""
    from decimal import Decimal

    text = f"{Decimal(micros) / _MICROS:.6f}".rstrip("0")
    whole, _, cents = text.partition(".")
    return f"${whole}.{cents.ljust(2, '0')}"


def _as_dict(prices: Mapping[str, int]) -> dict[str, int]:
    return dict(prices)


@attrs.frozen
class PriceTable:
    """Prices per image in USD micros, by key (see the module docstring); overridable.

    >>> table = PriceTable.ideogram().with_prices({"v3.generate/TURBO": "0.025"})
    >>> table.price_per_image("v3.generate", {"rendering_speed": "TURBO"})
    25000

    Attributes:
        prices: Micros per image, by key.
    """

    prices: Mapping[str, int] = attrs.field(converter=_as_dict)

    @classmethod
    def ideogram(cls) -> PriceTable:
        """Ideogram's list prices (``IDEOGRAM_LIST_PRICES``)."""
        return cls.from_usd(IDEOGRAM_LIST_PRICES)

    @classmethod
    def from_usd(cls, prices: Mapping[str, str | int | Decimal]) -> PriceTable:
        """A table from prices in dollars (decimal strings or ``Decimal``; ints are micros).

        Raises:
            ValueError: A price is not an amount.
        """
        return cls({_key(key): parse_usd(value) for key, value in prices.items()})

    @classmethod
    def load(cls, path: str | os.PathLike[str], *, base: PriceTable | None = None) -> PriceTable:
        """Prices from a JSON object file (``{"v3.generate/TURBO": "0.03", ...}``) laid over
        ``base`` (default: Ideogram's list prices).

        Raises:
            OSError: The file cannot be read.
            ValueError: It is not a JSON object of prices.
        """
        data: Any = json.loads(Path(path).read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError(f"{path}: a price file is one JSON object of key: price")
        return (base or cls.ideogram()).with_prices(data)

    def with_prices(self, prices: Mapping[str, str | int | Decimal]) -> PriceTable:
        """This table with ``prices`` (dollars as decimal strings, or int micros) laid over it."""
        return PriceTable({**self.prices, **PriceTable.from_usd(prices).prices})

    def price_per_image(self, operation: str, params: Mapping[str, Any]) -> int | None:
        """What one image of ``operation`` with ``params`` costs, or ``None`` if unpriced."""
        family = operation.partition(".")[0]
        given = params.get("model" if family == "legacy" else "rendering_speed")
        variant = _text(given) or _DEFAULT_VARIANT.get(family)
        if variant is not None and f"{operation}/{variant}" in self.prices:
            return self.prices[f"{operation}/{variant}"]
        return self.prices.get(operation)

    def cost(self, operation: str, params: Mapping[str, Any], images: int) -> int | None:
        """What ``images`` images of ``operation`` with ``params`` cost, or ``None``."""
        price = self.price_per_image(operation, params)
        return None if price is None else price * images


def _key(key: str) -> str:
    operation, sep, variant = key.strip().partition("/")
    return f"{operation}/{variant.strip().upper()}" if sep else operation


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = getattr(value, "value", value)  # a str enum member, or its text
    return str(text).upper()
