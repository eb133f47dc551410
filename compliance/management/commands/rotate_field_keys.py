from __future__ import annotations

from django.core.management.base import BaseCommand

from compliance.crypto import descriptors_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt stored face descriptors with the first key of FIELD_ENCRYPTION_KEYS. "
        "Run after putting a new key first; then remove the old key."
    )

    def handle(self, *args, **options):
        count = descriptors_rotate()
        self.stdout.write(f"re-encrypted {count} descriptor(s) with the newest key")
