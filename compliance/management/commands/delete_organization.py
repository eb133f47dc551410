from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from compliance.services.organization_deletion import (
    DeletionAlreadyScheduled,
    organization_deletion_run,
    organization_deletion_schedule,
)
from teams.models import Organization


class Command(BaseCommand):
    help = (
        "Delete an organisation at the end of its contract: every member through the erasure cascade, then "
        "its rows, accounts and storage prefix. Schedules it for --at (default now) and, when due now, runs it "
        "and prints the final receipt."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="organisation slug")
        parser.add_argument("--at", default="", help="ISO date/time of the contract's end (default: now)")
        parser.add_argument("--requested-by", default="", help="who asked (kept on the receipt)")
        parser.add_argument("--yes", action="store_true", help="confirm: this cannot be undone")

    def handle(self, *args: Any, **options: Any) -> None:
        organization = Organization.objects.filter(slug=options["org"]).first()
        if organization is None:
            raise CommandError(f"No organisation {options['org']!r}.")
        when = self._when(options["at"])
        if not options["yes"]:
            raise CommandError(f"This deletes {organization.name} and all its members' data. Add --yes to confirm.")
        by = options["requested_by"].strip() or "manage.py delete_organization"
        try:
            deletion = organization_deletion_schedule(organization=organization, requested_by=by, scheduled_for=when)
        except DeletionAlreadyScheduled as exc:
            raise CommandError(str(exc)) from exc
        if when > timezone.now():
            self.stdout.write(f"deletion {deletion.pk} of {organization.name} scheduled for {when:%Y-%m-%d %H:%M} UTC")
            return
        deletion = organization_deletion_run(deletion=deletion)
        self.stdout.write(
            f"receipt {deletion.pk}: {deletion.counts.get('members_erased', 0)} member(s) erased, "
            f"{deletion.counts.get('storage_objects', 0)} object(s) deleted, status {deletion.status}"
        )
        if not deletion.verified_empty:
            raise CommandError(
                f"{deletion.remaining_objects} object(s) remain; the hourly run retries. {deletion.error}"
            )
        self.stdout.write(self.style.SUCCESS("verified: nothing left under the organisation's prefix"))

    def _when(self, value: str) -> datetime:
        if not value:
            return timezone.now()
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError as exc:
            raise CommandError(f"--at must be an ISO date or date/time, not {value!r}") from exc
        return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, UTC)
