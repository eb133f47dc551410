from __future__ import annotations

import re
from typing import Any

from django.db import transaction

from core.audit import Verb, audit_event_record
from core.exceptions import ApplicationError, NotAllowed
from teams.models import Membership, Organization

from ..engines import RenderError, StyleSpec
from ..models import BrandStyle, Engine
from ..platform_sizes import sizes_format, sizes_parse

_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")
EDITABLE = {
    "name",
    "engine",
    "backdrop_color",
    "backdrop",
    "framing",
    "attire",
    "output_width",
    "output_height",
    "variant_count",
    "options",
}


def _validate(fields: dict[str, Any]) -> None:
    if "backdrop_color" in fields and not _HEX.match(str(fields["backdrop_color"])):
        raise ApplicationError("The backdrop colour must look like #RRGGBB.", code="bad_color")
    if "engine" in fields and fields["engine"] not in Engine.values:
        raise ApplicationError(f"Unknown engine; use one of {', '.join(Engine.values)}.", code="bad_engine")
    for dim in ("output_width", "output_height"):
        if dim in fields and not 256 <= int(fields[dim]) <= 4096:
            raise ApplicationError(f"{dim} must be between 256 and 4096 pixels.", code="bad_size")
    if "variant_count" in fields and not 1 <= int(fields["variant_count"]) <= 12:
        raise ApplicationError("variant_count must be between 1 and 12.", code="bad_variants")
    framing = fields.get("framing") or {}
    for key, low, high in (("eye_line", 0.2, 0.6), ("eye_distance", 0.08, 0.45)):
        if key in framing and not low <= _number(framing[key]) <= high:
            raise ApplicationError(f"framing.{key} must be between {low} and {high}.", code="bad_framing")
    _validate_platform_sizes((fields.get("options") or {}).get("platform_sizes"))


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")  # fails every range check


def _validate_platform_sizes(sizes: Any) -> None:
    if sizes is None:
        return
    try:
        sizes_parse(sizes_format({str(name): (int(w), int(h)) for name, (w, h) in dict(sizes).items()}))
    except (ValueError, TypeError) as exc:
        raise ApplicationError(f"Platform sizes: {exc}", code="bad_platform_sizes") from None


def _validate_engine_options(values: dict[str, Any]) -> None:
    """A diffusion style's options are checked when saved, not when a job first runs."""
    if values["engine"] != Engine.DIFFUSION:
        return
    from ..engines.diffusion.options import options_for  # no torch import

    try:
        options_for(StyleSpec(style_id="new", version=0, **{k: v for k, v in values.items() if k != "name"}))
    except RenderError as exc:
        raise ApplicationError(f"The diffusion options are not usable: {exc}", code="bad_options") from None


def brand_style_create_default(*, organization: Organization, actor: Membership | None) -> BrandStyle:
    style = BrandStyle.objects.create(organization=organization, created_by=actor)
    audit_event_record(actor=actor, organization=organization, verb=Verb.STYLE_CREATED, target=style)
    return style


@transaction.atomic
def brand_style_update(*, actor: Membership, changes: dict[str, Any]) -> BrandStyle:
    """Make a new version of the organisation's current style; jobs keep the old one."""
    if not actor.is_admin:
        raise NotAllowed("Only an organisation admin can change the brand style.", code="not_admin")
    unknown = set(changes) - EDITABLE
    if unknown:
        raise ApplicationError(f"Unknown style field(s): {', '.join(sorted(unknown))}.", code="bad_field")
    _validate(changes)
    current = BrandStyle.objects.select_for_update().get(organization=actor.organization, is_current=True)
    BrandStyle.objects.filter(pk=current.pk).update(is_current=False)
    values = {f: getattr(current, f) for f in EDITABLE} | changes
    _validate_engine_options(values)
    latest = (
        BrandStyle.objects.filter(organization=actor.organization, name=values["name"]).order_by("-version").first()
    )
    style = BrandStyle.objects.create(
        organization=actor.organization,
        version=(latest.version + 1 if latest else 1),
        created_by=actor,
        **values,
    )
    audit_event_record(
        actor=actor,
        organization=actor.organization,
        verb=Verb.STYLE_UPDATED,
        target=style,
        data={"version": style.version, "changed": sorted(changes)},
    )
    return style
