from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from generation.services import selfie_descriptors_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt stored face descriptors with the first key of FIELD_ENCRYPTION_KEYS. "
        "Run after putting a new key first; then remove the old key."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = selfie_descriptors_rotate()
        self.stdout.write(f"re-encrypted {count} descriptor(s) with the newest key")
