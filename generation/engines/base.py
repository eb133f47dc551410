"""What every rendering engine takes and returns.

An engine turns a member's checked selfies into N brand headshots. It knows
nothing about the database or storage: the job service loads the inputs,
calls ``render`` and stores what comes back.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from PIL import Image

from ..imaging.faces import Face

if TYPE_CHECKING:
    from ..models import BrandStyle


@dataclass(frozen=True)
class StyleSpec:
    """A brand style version, as plain values."""

    style_id: str
    version: int
    engine: str
    backdrop_color: str = "#D9DEE4"
    backdrop: dict[str, Any] = field(default_factory=dict)
    framing: dict[str, Any] = field(default_factory=dict)
    attire: str = ""
    output_width: int = 1024
    output_height: int = 1024
    variant_count: int = 4
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def eye_line(self) -> float:
        return float(self.framing.get("eye_line", 0.45))

    @property
    def eye_distance(self) -> float:
        return float(self.framing.get("eye_distance", 0.18))

    @classmethod
    def from_model(cls, style: BrandStyle) -> StyleSpec:
        return cls(
            style_id=str(style.id),
            version=style.version,
            engine=style.engine,
            backdrop_color=style.backdrop_color,
            backdrop=dict(style.backdrop or {}),
            framing=dict(style.framing or {}),
            attire=style.attire,
            output_width=style.output_width,
            output_height=style.output_height,
            variant_count=style.variant_count,
            options=dict(style.options or {}),
        )


@dataclass
class RenderInput:
    photos: Sequence[Image.Image]  # the member's usable selfies: RGB, upright, best first
    style: StyleSpec
    seed_key: str  # stable per (member, style version); engines derive per-variant seeds from it


@dataclass
class RenderedVariant:
    index: int
    image: Image.Image
    meta: dict[str, Any] = field(default_factory=dict)
    # Where the engine put the face, in output pixels, when it knows (the studio engine moves the
    # selfie's own face): the guards then measure that face instead of searching the output again.
    face: Face | None = None
    # Outputs with the same key show the same face pixels (the studio engine's variants of one
    # cut-out, differing only in backdrop or crop): the guards measure one of them for all.
    likeness_key: str | None = None


ProgressCallback = Callable[[int, int], None]  # (step, total)


class RenderError(Exception):
    """The engine cannot render these photos (for example: no face found)."""


class Engine(Protocol):
    name: str

    def render(
        self,
        request: RenderInput,
        variants: Sequence[int],
        *,
        attempt: int = 0,
        progress: ProgressCallback | None = None,
    ) -> list[RenderedVariant]: ...
