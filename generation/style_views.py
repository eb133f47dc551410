"""The brand-style editor page (admins): preview with the studio engine, save a new version."""

from __future__ import annotations

import base64
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from core.exceptions import ApplicationError
from teams.access import member_view, refuse
from teams.models import Membership

from . import services
from .models import BrandStyle, Engine, GenerationJob
from .platform_sizes import sizes_for, sizes_format, sizes_parse

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


def _current(actor: Membership) -> BrandStyle:
    return BrandStyle.objects.get(organization=actor.organization, is_current=True)


def _progress(style: BrandStyle) -> dict[str, int]:
    jobs = GenerationJob.objects.filter(organization=style.organization, style=style)
    return {status: jobs.filter(status=status).count() for status in ("queued", "running", "succeeded", "failed")}


@member_view("admin")
def brand_style(request: HttpRequest, actor: Membership) -> HttpResponse:
    current = _current(actor)
    preview = None
    status = 200
    if request.method == "POST":
        form = BrandStyleForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, "Some values are not valid; nothing was saved. See the notes beside them.")
            status = 400
        else:
            try:
                if "preview" in request.POST:
                    preview = services.brand_style_preview(
                        actor=actor,
                        changes=form.changes(current),
                        backdrop_image=form.image_bytes(),
                        own_photo=form.cleaned_data["preview_on_own_photo"],
                    )
                else:
                    return _save(request, actor, form, current)
            except ApplicationError as exc:
                refuse(request, exc)
                status = 400
    else:
        form = BrandStyleForm(initial=BrandStyleForm.initial_from(current))
    context = {
        "form": form,
        "current": current,
        "versions": BrandStyle.objects.filter(organization=actor.organization).order_by("-created_at")[:20],
        "progress": _progress(current),
        "preview": preview,
        "preview_src": f"data:image/jpeg;base64,{base64.b64encode(preview.jpeg).decode()}" if preview else "",
    }
    return render(request, "generation/brand_style.html", context, status=status)


def _save(request: HttpRequest, actor: Membership, form: BrandStyleForm, current: BrandStyle) -> HttpResponse:
    style = services.brand_style_save(actor=actor, changes=form.changes(current), backdrop_image=form.image_bytes())
    messages.success(request, f"Saved {style.name} version {style.version}. New jobs use it.")
    if form.cleaned_data["rerender"]:
        result = services.brand_style_rerender_approved(actor=actor, style=style)
        messages.success(request, f"Queued {result.queued} re-render(s) of approved headshots.")
        for line in result.skipped[:20]:
            messages.warning(request, f"Not re-rendered: {line}")
    return redirect("generation:brand-style")
