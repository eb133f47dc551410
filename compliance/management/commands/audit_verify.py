from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from compliance.audit_chain import audit_chain_verify
from compliance.models import AuditEvent


class Command(BaseCommand):
    help = (
        "Recompute the audit log's hash chains and report every row whose content or link no longer "
        "matches. On Postgres, also report whether the application's role can change the table."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organization", default=None, help="check one organisation's chain (UUID)")

    def handle(self, *args: Any, **options: Any) -> None:
        org = options["organization"]
        checked, breaks = audit_chain_verify(organization_id=org, all_chains=org is None)
        unsealed = AuditEvent.objects.filter(seq__isnull=True).count()
        self.stdout.write(f"{checked} audit row(s) checked, {unsealed} from before the chain (unsealed)")
        if connection.vendor == "postgresql":
            from compliance.audit_lockdown import audit_privileges

            rights = audit_privileges()
            state = "INSERT and SELECT only" if rights.locked_down else "NOT locked down (run audit_lockdown)"
            self.stdout.write(f"role {rights.role} on the audit table: {state}; owner {rights.owner}")
        for found in breaks:
            self.stdout.write(
                f"BROKEN organisation={found.organization_id or '-'} seq={found.seq} "
                f"event={found.event_id}: {found.problem}"
            )
        if breaks:
            raise CommandError(f"the audit chain is broken in {len(breaks)} place(s)")
        self.stdout.write(self.style.SUCCESS("audit chain intact"))
