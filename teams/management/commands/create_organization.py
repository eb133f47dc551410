from __future__ import annotations

import getpass
import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.exceptions import ApplicationError
from teams.services import organization_create


class Command(BaseCommand):
    help = "Create an organisation and its first admin (for a fresh deployment)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True)
        parser.add_argument("--slug", required=True)
        parser.add_argument("--domain", action="append", default=[], help="allowed e-mail domain (repeatable)")
        parser.add_argument("--admin-email", required=True)
        parser.add_argument("--admin-first-name", help="asked for when not given")
        parser.add_argument("--admin-last-name", help="asked for when not given")
        parser.add_argument("--no-input", action="store_true", help="never prompt; fail instead")
        parser.add_argument(
            "--password-env",
            default="ADMIN_PASSWORD",
            help="environment variable holding the admin's password (asked for when unset)",
        )

    def _name(self, options: dict[str, Any], key: str, prompt: str) -> str:
        value = (options[key] or "").strip()
        if not value and not options["no_input"] and sys.stdin.isatty():
            value = input(prompt).strip()
        if not value:
            raise CommandError(f"The admin's name is needed: pass --{key.replace('_', '-')}.")
        return value

    def handle(self, *args: Any, **options: Any) -> None:
        first = self._name(options, "admin_first_name", "Admin's first name: ")
        last = self._name(options, "admin_last_name", "Admin's last name: ")
        password = os.environ.get(options["password_env"])
        if not password:
            if options["no_input"] or not sys.stdin.isatty():
                raise CommandError(f"Set the admin's password in ${options['password_env']}.")
            password = getpass.getpass("Admin password: ")
        try:
            admin = organization_create(
                name=options["name"],
                slug=options["slug"],
                allowed_domains=options["domain"],
                admin_email=options["admin_email"],
                admin_password=password,
                admin_first_name=first,
                admin_last_name=last,
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(
            f"organisation: {admin.organization.slug} ({admin.organization.id}); "
            f"admin: {admin.display_name} <{admin.user.email}>"
        )
