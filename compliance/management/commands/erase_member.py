from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from compliance.models import ErasureReason
from compliance.services import member_erase
from teams.selectors import member_by_email


class Command(BaseCommand):
    help = (
        "Erase a member's selfies, face descriptors, headshots and the exports that contain them "
        "(an erasure request received by another channel). Prints the deletion receipt."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="organisation slug")
        parser.add_argument("--email", required=True, help="the member's e-mail address")
        parser.add_argument("--requested-by", default="", help="who handled the request (kept on the receipt)")
        parser.add_argument(
            "--account",
            action="store_true",
            help="also erase the account: name, e-mail, login, and IP/browser in consent records",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        member = member_by_email(organization_slug=options["org"], email=options["email"])
        if member is None:
            raise CommandError(f"No member {options['email']} in organisation {options['org']!r}.")
        by = options["requested_by"].strip() or "manage.py erase_member"
        if options["account"]:
            from compliance.services.account_erasure import account_erase

            receipt = account_erase(member=member, requested_by=by).receipt
        else:
            receipt = member_erase(member=member, reason=ErasureReason.REQUEST, requested_by=by)
        counts = ", ".join(f"{name}={count}" for name, count in sorted(receipt.counts.items()))
        self.stdout.write(f"receipt {receipt.pk} for member {receipt.member_id}: {counts}")
        if receipt.remaining_objects:
            raise CommandError(
                f"{receipt.remaining_objects} object(s) are still stored; the retention sweep retries them."
            )
        self.stdout.write(self.style.SUCCESS("verified: no objects left under the member's prefix"))
