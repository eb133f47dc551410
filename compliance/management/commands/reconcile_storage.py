from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from compliance.services.reconcile import storage_reconcile


class Command(BaseCommand):
    help = (
        "List every stored object (on S3 every version) against the database and delete the objects no row "
        "owns, and old versions of those it does. Prints what it found; --dry-run deletes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument(
            "--min-age-minutes", type=int, default=60, help="leave younger objects alone (uploads in flight)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = storage_reconcile(
            dry_run=options["dry_run"], min_age=timedelta(minutes=max(options["min_age_minutes"], 0))
        )
        for key in report.orphans:
            self.stdout.write(f"orphan: {key}")
        verb = "would delete" if options["dry_run"] else "deleted"
        self.stdout.write(
            f"{report.listed} key(s) listed, {report.owned} owned, {len(report.orphans)} orphan(s), "
            f"{report.old_versions} old version(s), {report.too_young} too young to judge; {verb} "
            f"{len(report.orphans) if options['dry_run'] else report.deleted}"
        )
        if report.errors:
            raise CommandError("; ".join(report.errors))
