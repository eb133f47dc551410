from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.exceptions import ApplicationError
from generation.services import job_enqueue
from teams.selectors import member_by_email


class Command(BaseCommand):
    help = (
        "Request a new headshot job for a member on behalf of HR (after a brand style change, say). "
        "Goes through the same service as the pages and the API, so consent is required."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="organisation slug")
        parser.add_argument("--email", required=True, help="the member whose headshots to render")
        parser.add_argument("--by", required=True, help="e-mail of the HR or admin member asking")

    def handle(self, *args: Any, **options: Any) -> None:
        member = member_by_email(organization_slug=options["org"], email=options["email"])
        actor = member_by_email(organization_slug=options["org"], email=options["by"])
        if member is None or actor is None:
            missing = options["email"] if member is None else options["by"]
            raise CommandError(f"No member {missing} in organisation {options['org']!r}.")
        try:
            job = job_enqueue(actor=actor, member=member)
        except ApplicationError as exc:
            raise CommandError(exc.message) from None
        job.refresh_from_db()
        self.stdout.write(f"job {job.id}: {job.status}{f' ({job.error})' if job.error else ''}")
