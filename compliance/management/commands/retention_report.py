from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from compliance.services import retention_plan
from teams.models import Organization


class Command(BaseCommand):
    help = "Dry run: list what the next retention sweep will delete, and why. Deletes nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", help="only this organisation (slug)")

    def handle(self, *args: Any, **options: Any) -> None:
        organizations = Organization.objects.order_by("slug")
        if options["org"]:
            organizations = organizations.filter(slug=options["org"])
            if not organizations.exists():
                raise CommandError(f"No organisation {options['org']!r}.")
        total = 0
        for organization in organizations:
            plan = retention_plan(organization=organization)
            total += len(plan)
            self.stdout.write(f"{organization.slug}: {len(plan)} item(s) due")
            for item in plan:
                self.stdout.write(f"  {item.category:<18} {item.object_id}  {item.reason}")
        self.stdout.write(f"total: {total} item(s) would be deleted by the next sweep")
