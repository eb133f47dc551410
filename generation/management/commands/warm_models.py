"""Load and check every model the current diffusion styles need.

    python manage.py warm_models                 # every current diffusion style
    python manage.py warm_models --model PATH    # one model, e.g. in a container build

Exits non-zero naming the first problem, so a GPU worker that cannot
render fails at start-up rather than on its first job.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from generation.engines.base import RenderError, StyleSpec


class Command(BaseCommand):
    help = "Load and check the diffusion models that the current brand styles need."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--model", help="check this model (local path or hub id) instead of the styles'")

    def handle(self, *args: Any, model: str | None = None, **options: Any) -> None:
        from generation.engines.diffusion.warm import current_diffusion_styles, warm_style

        styles = current_diffusion_styles()
        if model:
            styles = [StyleSpec(style_id="--model", version=0, engine="diffusion", options={"model": model})]
        for style in styles:
            try:
                source = warm_style(style)
            except (RenderError, ImportError) as exc:
                raise CommandError(f"style {style.style_id}: {exc}") from exc
            self.stdout.write(f"ok {source} (style {style.style_id} v{style.version})")
        if not styles:
            self.stdout.write("no diffusion styles to warm")
