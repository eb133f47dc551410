from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from compliance.audit_lockdown import OWNER_ROLE, audit_lockdown


class Command(BaseCommand):
    help = (
        "Postgres, once, as a database administrator (DATABASE_URL of a superuser): give the audit table "
        "to a role that cannot log in and leave the application's role INSERT and SELECT only. "
        "Run it again after migrations that change the audit table."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--app-role", required=True, help="the role the application connects as")
        parser.add_argument("--owner-role", default=OWNER_ROLE, help=f"the table's new owner (default {OWNER_ROLE})")

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("the audit lockdown needs Postgres roles; on SQLite only the hash chain applies")
        try:
            rights = audit_lockdown(app_role=options["app_role"], owner_role=options["owner_role"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if not rights.locked_down:
            raise CommandError(f"{rights.role} can still change the audit table: {rights}")
        self.stdout.write(
            self.style.SUCCESS(f"{rights.role} may INSERT and SELECT audit rows; {rights.owner} owns them")
        )
