from __future__ import annotations

import getpass
import os

from django.core.management.base import BaseCommand, CommandError

from core.exceptions import ApplicationError
from teams.services import organization_create


class Command(BaseCommand):
    help = "Create an organisation and its first admin (for a fresh deployment)."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True)
        parser.add_argument("--slug", required=True)
        parser.add_argument("--domain", action="append", default=[], help="allowed e-mail domain (repeatable)")
        parser.add_argument("--admin-email", required=True)
        parser.add_argument(
            "--password-env",
            default="ADMIN_PASSWORD",
            help="environment variable holding the admin's password (asked for when unset)",
        )

    def handle(self, *args, **options):
        password = os.environ.get(options["password_env"]) or getpass.getpass("Admin password: ")
        try:
            admin = organization_create(
                name=options["name"],
                slug=options["slug"],
                allowed_domains=options["domain"],
                admin_email=options["admin_email"],
                admin_password=password,
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(
            f"organisation: {admin.organization.slug} ({admin.organization.id}); admin: {admin.user.email}"
        )
