from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from generation.engines import RenderError, RenderInput, StyleSpec, get_engine
from generation.imaging.disclosure import disclose_jpeg
from generation.imaging.io import ImageRejected, decode_upload
from generation.management.local_files import LOCAL_FILE_NOTICE


class Command(BaseCommand):
    help = "Render one local photo with the studio engine (no database, a local tool). " + LOCAL_FILE_NOTICE

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("input", type=Path)
        parser.add_argument("output", type=Path)
        parser.add_argument("--style", type=Path, help="JSON with BrandStyle fields")
        parser.add_argument("--variant", type=int, default=0)

    def handle(self, *args: Any, **options: Any) -> None:
        self.stderr.write(LOCAL_FILE_NOTICE)
        if not options["input"].is_file():
            raise CommandError(f"{options['input']} does not exist")
        fields = {}
        if options["style"]:
            try:
                fields = json.loads(options["style"].read_text())
            except (OSError, json.JSONDecodeError) as exc:
                raise CommandError(f"cannot read style {options['style']}: {exc}") from None
        allowed = set(StyleSpec.__dataclass_fields__) - {"style_id", "version", "engine"}
        unknown = set(fields) - allowed
        if unknown:
            raise CommandError(f"unknown style field(s): {', '.join(sorted(unknown))}")
        style = StyleSpec(style_id="cli", version=0, engine="studio", **fields)
        try:
            photo = decode_upload(options["input"].read_bytes()).image
            [result] = get_engine("studio").render(
                RenderInput(photos=[photo], style=style, seed_key="cli"), [options["variant"]]
            )
        except ImageRejected as exc:
            raise CommandError(exc.message) from None
        except RenderError as exc:
            raise CommandError(f"cannot render: {exc}") from None
        options["output"].parent.mkdir(parents=True, exist_ok=True)
        options["output"].write_bytes(disclose_jpeg(result.image, title=options["output"].name))
        self.stdout.write(f"wrote {options['output']} ({result.image.width}x{result.image.height})")
