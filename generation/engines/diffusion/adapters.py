"""Identity adapters for `generate` mode, and their licences.

The default is PhotoMaker v1 (Apache-2.0): its ID encoder is CLIP-based, so
nothing in it carries a non-commercial licence. Adapters built on
InsightFace's antelopev2 model are opt-in (DIFFUSION_ALLOW_NONCOMMERCIAL_ADAPTERS)
because antelopev2 is licensed for non-commercial research only.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from ..base import RenderError


@dataclass(frozen=True)
class Adapter:
    name: str
    licence: str
    commercial_use: bool
    face_model: str  # what encodes the identity
    package: str  # the Python package that provides its pipeline
    weight_name: str


NON_COMMERCIAL = "Apache-2.0 code + InsightFace antelopev2 (non-commercial research only)"


def _antelopev2(name: str, package: str, weight_name: str) -> Adapter:
    return Adapter(name, NON_COMMERCIAL, False, "antelopev2", package, weight_name)


ADAPTERS = {
    "photomaker-v1": Adapter("photomaker-v1", "Apache-2.0", True, "CLIP ViT-L/14", "photomaker", "photomaker-v1.bin"),
    "photomaker-v2": _antelopev2("photomaker-v2", "photomaker", "photomaker-v2.bin"),
    "instantid": _antelopev2("instantid", "insightface", "ip-adapter.bin"),
    "pulid": _antelopev2("pulid", "insightface", "pulid_v1.1.safetensors"),
    "ip-adapter-faceid": _antelopev2("ip-adapter-faceid", "insightface", "ip-adapter-faceid_sdxl.bin"),
}
DEFAULT_ADAPTER = "photomaker-v1"


def adapter_for(name: str) -> Adapter:
    """The adapter a style names, if this deployment may use it."""
    adapter = ADAPTERS.get(name)
    if adapter is None:
        raise RenderError(f"unknown identity adapter {name!r}; use one of {', '.join(sorted(ADAPTERS))}")
    if not adapter.commercial_use and not settings.DIFFUSION_ALLOW_NONCOMMERCIAL_ADAPTERS:
        raise RenderError(
            f"adapter {name!r} uses InsightFace antelopev2, licensed for non-commercial research "
            "only; set DIFFUSION_ALLOW_NONCOMMERCIAL_ADAPTERS=1 only where that use is allowed"
        )
    return adapter
