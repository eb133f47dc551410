from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from compliance.records import dpia_draft, processing_record
from teams.models import Organization


class Command(BaseCommand):
    help = "Print (or write) the organisation's record of processing (Art. 30) or a DPIA draft, as Markdown."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="organisation slug")
        parser.add_argument("--kind", choices=["record", "dpia"], default="record")
        parser.add_argument("--output", type=Path, help="write to this file instead of printing")

    def handle(self, *args: Any, **options: Any) -> None:
        organization = Organization.objects.filter(slug=options["org"]).first()
        if organization is None:
            raise CommandError(f"No organisation {options['org']!r}.")
        make = processing_record if options["kind"] == "record" else dpia_draft
        text = make(organization=organization)
        if options["output"]:
            options["output"].write_text(text, encoding="utf-8")
            self.stdout.write(f"wrote {options['output']}")
        else:
            self.stdout.write(text)
