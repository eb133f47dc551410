"""Forms for the generation pages: input is validated here, never read raw from request.POST."""

from __future__ import annotations

from typing import Any

from django import forms

from teams.models import Membership, Role

from .models import BrandStyle, Engine, Headshot
from .platform_sizes import sizes_for, sizes_format, sizes_parse
from .roster import STATUSES, RosterFilter
from .selectors import review_queue


class BulkApproveForm(forms.Form):
    """The headshots HR ticked in the review queue; only the actor's own queue is offered."""

    headshots: forms.ModelMultipleChoiceField[Headshot] = forms.ModelMultipleChoiceField(
        queryset=Headshot.objects.none()
    )

    def __init__(self, *args: Any, actor: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["headshots"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = review_queue(actor=actor).select_related("member__user")

    def problem(self) -> str:
        """One sentence for the page: what went wrong with the ticked headshots."""
        if self.has_error("headshots", "required"):
            return "Tick at least one headshot to approve."
        return (
            "Some of the ticked headshots are no longer waiting for review, so nothing was approved. Reload the page."
        )


class JobRequestForm(forms.Form):
    # The page's one-time key: a double submit finds the job the first one made.
    idempotency_key = forms.CharField(required=False, max_length=100)


class RejectForm(forms.Form):
    reason = forms.CharField(required=False, max_length=500)  # the service says when one is needed


class ExportForm(forms.Form):
    department = forms.CharField(required=False, max_length=120)


class RosterFilterForm(forms.Form):
    search = forms.CharField(required=False, max_length=100, label="Search")
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *STATUSES])
    department = forms.CharField(required=False, max_length=120)
    role = forms.ChoiceField(required=False, choices=[("", "Any role"), *Role.choices])

    def roster_filter(self) -> RosterFilter:
        data = self.cleaned_data if self.is_valid() else {}
        return RosterFilter(
            status=data.get("status", ""),
            department=data.get("department", ""),
            role=data.get("role", ""),
            search=data.get("search", ""),
        )


HEX = r"^#[0-9A-Fa-f]{6}$"


class BrandStyleForm(forms.Form):
    name = forms.CharField(max_length=120)
    engine = forms.ChoiceField(choices=Engine.choices)
    backdrop_kind = forms.ChoiceField(
        label="Backdrop", choices=[("solid", "Solid colour"), ("gradient", "Gradient"), ("image", "Uploaded image")]
    )
    backdrop_color = forms.RegexField(regex=HEX, label="Colour", error_messages={"invalid": "Use #RRGGBB."})
    backdrop_color2 = forms.RegexField(
        regex=HEX, label="Gradient bottom colour", required=False, error_messages={"invalid": "Use #RRGGBB."}
    )
    backdrop_image = forms.FileField(label="Backdrop image (JPEG or PNG)", required=False)
    backdrop_blur = forms.FloatField(label="Blur the backdrop image (px)", min_value=0, max_value=50, required=False)
    shadow = forms.BooleanField(label="Soft shadow behind the person", required=False)
    eye_line = forms.FloatField(label="Eye line (share of the height from the top)", min_value=0.2, max_value=0.6)
    eye_distance = forms.FloatField(label="Eye distance (share of the width)", min_value=0.08, max_value=0.45)
    output_width = forms.IntegerField(min_value=256, max_value=4096)
    output_height = forms.IntegerField(min_value=256, max_value=4096)
    variant_count = forms.IntegerField(label="Variants per person", min_value=1, max_value=12)
    platform_sizes = forms.CharField(
        label="Platform sizes (one per line: name WIDTHxHEIGHT)",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=2000,
    )
    preview_on_own_photo = forms.BooleanField(
        label="Preview on my own photo (uses your selfie; needs your consent)", required=False
    )
    rerender = forms.BooleanField(label="Re-render everyone's approved headshot in the new style", required=False)

    @classmethod
    def initial_from(cls, style: BrandStyle) -> dict[str, Any]:
        backdrop = style.backdrop or {}
        return {
            "name": style.name,
            "engine": style.engine,
            "backdrop_kind": backdrop.get("kind", "solid"),
            "backdrop_color": style.backdrop_color,
            "backdrop_color2": backdrop.get("color2", "#FFFFFF"),
            "backdrop_blur": backdrop.get("blur", 0),
            "shadow": bool(backdrop.get("shadow")),
            "eye_line": (style.framing or {}).get("eye_line", 0.40),
            "eye_distance": (style.framing or {}).get("eye_distance", 0.20),
            "output_width": style.output_width,
            "output_height": style.output_height,
            "variant_count": style.variant_count,
            "platform_sizes": sizes_format(sizes_for(style.options)),
        }

    def clean_platform_sizes(self) -> dict[str, tuple[int, int]]:
        try:
            return sizes_parse(self.cleaned_data["platform_sizes"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("backdrop_kind") == "gradient" and not data.get("backdrop_color2"):
            self.add_error("backdrop_color2", "A gradient needs its second colour.")
        return data

    def changes(self, current: BrandStyle) -> dict[str, Any]:
        data = self.cleaned_data
        backdrop: dict[str, Any] = {"kind": data["backdrop_kind"], "shadow": data["shadow"]}
        if data["backdrop_kind"] == "gradient":
            backdrop["color2"] = data["backdrop_color2"]
        if data["backdrop_kind"] == "image":
            backdrop["blur"] = data.get("backdrop_blur") or 0
            if not data.get("backdrop_image") and (current.backdrop or {}).get("image_key"):
                backdrop["image_key"] = current.backdrop["image_key"]  # keep the stored image
        return {
            "name": data["name"],
            "engine": data["engine"],
            "backdrop_color": data["backdrop_color"],
            "backdrop": backdrop,
            "framing": {"eye_line": data["eye_line"], "eye_distance": data["eye_distance"]},
            "output_width": data["output_width"],
            "output_height": data["output_height"],
            "variant_count": data["variant_count"],
            "options": dict(current.options or {})
            | {"platform_sizes": {name: [w, h] for name, (w, h) in data["platform_sizes"].items()}},
        }

    def image_bytes(self) -> bytes | None:
        upload = self.cleaned_data.get("backdrop_image")
        return upload.read() if upload else None
