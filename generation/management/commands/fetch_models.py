from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from generation.imaging.models_fetch import ModelFetchError, fetch_all


class Command(BaseCommand):
    requires_system_checks = []  # the checks would refuse to run until the models are here
    help = "Fetch pinned model files (MediaPipe selfie segmenter) into HEADSHOT_MODELS_DIR and verify their hashes."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            for path, status in fetch_all():
                self.stdout.write(f"{status}: {path}")
        except ModelFetchError as exc:
            raise CommandError(str(exc)) from None
