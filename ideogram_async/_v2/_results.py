"""What the v2 routes return: generation results, descriptions, price quotes and usage."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

import attrs

from .._models import APIResponse

__all__ = [
    "DescribeV3Result",
    "DescribeV4Result",
    "GenerationOutput",
    "GenerationResult",
    "PriceQuote",
    "UsageBucket",
    "UsageLineItem",
    "UsageReport",
    "to_micros",
]


@attrs.frozen
class GenerationOutput:
    """One output of a v2 generation: an image, an SVG, a video or a layerized design.

    ``url`` is ``None`` when the output failed the safety check (``is_image_safe`` false).
    Links expire after 24 hours: download what you keep. ``object_type`` says what it is
    (``image.generation`` when the server leaves it out); ``raw`` keeps every field sent,
    including those of layerized designs (``text_blocks``) and videos (``duration``).
    """

    url: str | None
    is_image_safe: bool
    object_type: str
    prompt: str | None = None
    resolution: str | None = None
    seed: int | None = None
    asset_id: str | None = None
    raw: Mapping[str, Any] = attrs.field(factory=dict, repr=False, eq=False)

    @classmethod
    def from_wire(cls, item: Mapping[str, Any]) -> GenerationOutput:
        """Read one item of ``data``; entries without ``object_type`` are images (the spec)."""
        return cls(
            url=item.get("url"),
            is_image_safe=bool(item.get("is_image_safe", True)),
            object_type=str(item.get("object_type") or "image.generation"),
            prompt=item.get("prompt"),
            resolution=item.get("resolution"),
            seed=item.get("seed"),
            asset_id=item.get("asset_id"),
            raw=dict(item),
        )


def _time(value: object) -> dt.datetime | None:
    if not isinstance(value, str) or not value:
        return None
    text = value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)


@attrs.frozen
class GenerationResult(APIResponse):
    """The result of a v2 image operation, whether it answered at once or ran as a job.

    Attributes:
        generation_id: The generation's id (poll it with ``client.jobs.get``).
        data: The outputs, in order.
        seed: The seed used, when the answer carries it (a job's final status does not).
        generation_kind: ``sampling`` or ``workflow`` (Ideogram 4.5).
        width: The output width, where the operation reports it (reframe, upscale, inpaint).
        height: The output height, likewise.
        usage_cost_usd_micros: What the job cost, in USD micros, when the status reports it.
        created: When the generation was created, when reported.
    """

    generation_id: str | None
    data: tuple[GenerationOutput, ...] = ()
    seed: int | None = None
    generation_kind: str | None = None
    width: int | None = None
    height: int | None = None
    usage_cost_usd_micros: int | None = None
    created: dt.datetime | None = None

    @classmethod
    def from_wire(cls, body: Mapping[str, Any], response: Any = None) -> GenerationResult:
        """Read a synchronous answer or a completed ``GenerationResponse``."""
        items = body.get("data") or ()
        return cls(
            generation_id=body.get("generation_id"),
            data=tuple(GenerationOutput.from_wire(i) for i in items if isinstance(i, Mapping)),
            seed=body.get("seed"),
            generation_kind=body.get("generation_kind"),
            width=body.get("width"),
            height=body.get("height"),
            usage_cost_usd_micros=body.get("usage_cost_usd_micros"),
            created=_time(body.get("created")),
            response=response,
        )


@attrs.frozen
class DescribeV3Result(APIResponse):
    """Descriptions of an image by Ideogram 3.0."""

    description_id: str
    descriptions: tuple[str, ...]
    created: dt.datetime | None = None

    @classmethod
    def from_wire(cls, body: Mapping[str, Any], response: Any = None) -> DescribeV3Result:
        """Read the answer of ``/v2/image/describe/ideogram-3``."""
        return cls(
            description_id=str(body.get("description_id", "")),
            descriptions=tuple(
                str(d.get("text", ""))
                for d in body.get("descriptions") or ()
                if isinstance(d, Mapping)
            ),
            created=_time(body.get("created")),
            response=response,
        )


@attrs.frozen
class DescribeV4Result(APIResponse):
    """An image described by Ideogram 4.0, as a structured ``json_prompt``."""

    description_id: str
    json_prompt: Mapping[str, Any]
    created: dt.datetime | None = None

    @classmethod
    def from_wire(cls, body: Mapping[str, Any], response: Any = None) -> DescribeV4Result:
        """Read the answer of ``/v2/image/describe/ideogram-4``."""
        prompt = body.get("json_prompt")
        return cls(
            description_id=str(body.get("description_id", "")),
            json_prompt=dict(prompt) if isinstance(prompt, Mapping) else {},
            created=_time(body.get("created")),
            response=response,
        )


@attrs.frozen
class PriceQuote(APIResponse):
    """What an operation would cost, from a ``dry_run``: nothing was run, stored or billed.

    Attributes:
        billing_identifier: The product billed (``ideogram_4_5_generate``).
        quantity: The units billed.
        usd_micros: The price in USD micros (1,000,000 = one dollar).
        credit_millis: The price in credits, in thousandths.
        qualifier: ``exact``, or ``estimate`` (then ``upper_bound_usd_micros`` may bound it).
        upper_bound_usd_micros: The most an estimated operation may cost.
    """

    billing_identifier: str
    quantity: int
    usd_micros: int
    credit_millis: int
    qualifier: Literal["exact", "estimate"] | str
    upper_bound_usd_micros: int | None = None

    @classmethod
    def from_wire(cls, body: Mapping[str, Any], response: Any = None) -> PriceQuote:
        """Read a ``price_quote`` object."""
        return cls(
            billing_identifier=str(body.get("billing_identifier", "")),
            quantity=int(body.get("quantity", 1)),
            usd_micros=int(body["usd_micros"]),
            credit_millis=int(body.get("credit_millis", 0)),
            qualifier=str(body.get("qualifier", "exact")),
            upper_bound_usd_micros=body.get("upper_bound_usd_micros"),
            response=response,
        )


def to_micros(amount: Decimal) -> int:
    """A decimal amount of dollars as integer micros (half-up at the sixth decimal)."""
    return int((amount * 1_000_000).to_integral_value(rounding="ROUND_HALF_UP"))


def _decimal(value: object) -> Decimal:
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return Decimal(0)


@attrs.frozen
class UsageLineItem:
    """One line of account usage: what was billed, for which endpoint and key.

    ``cost_total`` is the API's decimal string kept as a ``Decimal``; ``cost_usd_micros`` is
    the same amount in integer micros when the currency is USD.
    """

    product: str
    endpoint: str
    description: str
    cost_total: Decimal
    currency_code: str
    source: str
    quantity: Decimal | None = None
    unit: str | None = None
    unit_price: Decimal | None = None
    api_key_id: str | None = None
    api_key_label: str | None = None
    user_email: str | None = None
    dimensions: Mapping[str, str] = attrs.field(factory=dict)

    @property
    def cost_usd_micros(self) -> int | None:
        """The cost in USD micros, or ``None`` for another currency."""
        return to_micros(self.cost_total) if self.currency_code.upper() == "USD" else None


@attrs.frozen
class UsageBucket:
    """The usage of one time bucket."""

    start_time: dt.datetime | None
    end_time: dt.datetime | None
    line_items: tuple[UsageLineItem, ...]

    @property
    def cost_usd_micros(self) -> int:
        """The bucket's USD cost in micros."""
        return sum(item.cost_usd_micros or 0 for item in self.line_items)


@attrs.frozen
class UsageReport(APIResponse):
    """Account usage and spend (``GET /v2/account/usage``), bucket by bucket."""

    buckets: tuple[UsageBucket, ...]

    @property
    def cost_usd_micros(self) -> int:
        """The total USD cost over every bucket, in micros."""
        return sum(bucket.cost_usd_micros for bucket in self.buckets)

    @classmethod
    def from_wire(cls, body: Mapping[str, Any], response: Any = None) -> UsageReport:
        """Read a ``GetAccountUsageResponse``."""
        buckets = []
        for bucket in body.get("buckets") or ():
            items = []
            for line in bucket.get("line_items") or ():
                units = line.get("billed_units") or {}
                key = line.get("api_key") or {}
                items.append(
                    UsageLineItem(
                        product=str(line.get("product", "")),
                        endpoint=str(line.get("endpoint", "")),
                        description=str(line.get("description", "")),
                        cost_total=_decimal(line.get("cost_total", "0")),
                        currency_code=str(line.get("currency_code", "")),
                        source=str(line.get("source", "")),
                        quantity=_decimal(units["quantity"]) if "quantity" in units else None,
                        unit=units.get("unit"),
                        unit_price=_decimal(units["unit_price"]) if "unit_price" in units else None,
                        api_key_id=key.get("id"),
                        api_key_label=key.get("label"),
                        user_email=line.get("user_email"),
                        dimensions=dict(line.get("dimensions") or {}),
                    )
                )
            buckets.append(
                UsageBucket(
                    _time(bucket.get("start_time")), _time(bucket.get("end_time")), tuple(items)
                )
            )
        return cls(buckets=tuple(buckets), response=response)
