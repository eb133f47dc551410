from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from generation.imaging.checks import OtherSelfie, analyse_selfie, odd_one_out, set_checks
from generation.imaging.io import ImageRejected, decode_upload
from generation.management.local_files import LOCAL_FILE_NOTICE, biometric_free


class Command(BaseCommand):
    help = (
        "Run the selfie checklist on local photos (as one member's set) and print the report as JSON. "
        + LOCAL_FILE_NOTICE
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        self.stderr.write(LOCAL_FILE_NOTICE)
        reports, analyses = [], {}
        for path in options["paths"]:
            if not path.is_file():
                raise CommandError(f"{path} does not exist")
            try:
                analyses[path.name] = analyse_selfie(decode_upload(path.read_bytes()).image)
            except ImageRejected as exc:
                reports.append(
                    {
                        "path": str(path),
                        "passed": False,
                        "checks": [
                            {
                                "code": exc.code,
                                "passed": False,
                                "value": None,
                                "message": exc.message,
                            }
                        ],
                    }
                )
        odd = odd_one_out(list(analyses), [a.descriptor for a in analyses.values()])
        for path in options["paths"]:
            if path.name in analyses:
                reports.append({"path": str(path), **self._with_set(path.name, analyses, odd)})
        result = {
            "passed": all(r["passed"] for r in reports) and odd is None,
            "mixed_people": odd,
            "photos": reports,
        }
        self.stdout.write(json.dumps(biometric_free(result), indent=2))
        if not result["passed"]:
            raise SystemExit(1)

    @staticmethod
    def _with_set(name: str, analyses: dict, odd: str | None) -> dict:
        """Each photo is compared with the others, leaving out the one that doesn't match."""
        analysis = analyses[name]
        others = [
            OtherSelfie(label=n, descriptor=a.descriptor, phash=a.phash)
            for n, a in analyses.items()
            if n != name and (n != odd or name == odd)
        ]
        analysis.checks += set_checks(analysis, name, others)
        return analysis.report
