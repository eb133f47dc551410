"""Run the whole flow for a demo organisation, then serve the site.

Every step goes through the same services the API and pages use.
"""

from __future__ import annotations

import io
import shutil
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from PIL import Image, ImageOps

from compliance.models import ConsentRecord
from compliance.services import consent_grant, consent_text_for
from core import media
from generation import services as gen
from generation.models import Export, ExportStatus, GenerationJob, JobStatus
from teams import services as teams
from teams.models import Organization, Role

from ._worker import background_worker, wait_until_checked, wait_until_finished

DEMO_SLUG = "demo"
DOMAIN = "acme.example"
PASSWORD = "demo-headshots-2026"
STAFF = [
    ("Ada", "Lovelace", "Engineering", "Staff engineer"),
    ("Grace", "Hopper", "Engineering", "Engineering manager"),
    ("Katherine", "Johnson", "Research", "Research scientist"),
]


CONTACT_SHEET_PEOPLE = 48


def _astronaut_set() -> list[bytes]:
    from skimage import data

    base = Image.fromarray(data.astronaut())
    # The photo and its mirror image: two distinct selfies of one person, as the checklist wants.
    images = [base, ImageOps.mirror(base)]
    out = []
    for image in images:
        buffer = io.BytesIO()
        image.save(buffer, "PNG")
        out.append(buffer.getvalue())
    return out


def _photos_from(folder: Path) -> list[list[bytes]]:
    """One list of photos per person: sub-folders are people; loose files are one person each."""
    people = sorted(p for p in folder.iterdir() if p.is_dir())
    suffixes = {".jpg", ".jpeg", ".png", ".webp", ".heic"}
    if people:
        return [[f.read_bytes() for f in sorted(p.iterdir()) if f.suffix.lower() in suffixes] for p in people]
    return [[f.read_bytes()] for f in sorted(folder.iterdir()) if f.suffix.lower() in suffixes]


class Command(BaseCommand):
    help = "Run the whole headshot flow for a demo organisation, then serve the site."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="stop after the flow instead of serving")
        parser.add_argument("--selfies", type=Path, help="folder of selfies (one sub-folder per person)")
        parser.add_argument("--addr", default="127.0.0.1:8000")

    def handle(self, *args: Any, **options: Any) -> None:
        # A fresh checkout has no tables yet: migrate first, quietly.
        call_command("migrate", interactive=False, verbosity=0)
        photo_sets = self._photo_sets(options["selfies"])
        self._reset()
        with background_worker(self.stdout):
            self._serve_after_flow(photo_sets, options)

    def _serve_after_flow(self, photo_sets: list[list[bytes]], options: dict) -> None:
        export = self._run_flow(photo_sets)
        path = media.local_path(export.storage_key)
        self.stdout.write(f"export: {path}")
        # Beside the export; under VAR_DIR/demo when the export lives in S3.
        folder = Path(settings.VAR_DIR) / "demo" if path.startswith("s3://") else Path(path).parent
        self.stdout.write(f"contact_sheet: {self._contact_sheet(export, folder)}")
        self._print_mail()
        self._print_logins()
        if not options["no_serve"]:
            call_command("runserver", options["addr"], use_reloader=False)

    def _photo_sets(self, folder: Path | None) -> list[list[bytes]]:
        if folder is None:
            return [_astronaut_set() for _ in STAFF]
        if not folder.is_dir():
            raise CommandError(f"--selfies {folder} is not a folder")
        sets = [s for s in _photos_from(folder) if s]
        if len(sets) < len(STAFF):
            raise CommandError(f"--selfies needs photos of at least {len(STAFF)} people, found {len(sets)}")
        return sets[: len(STAFF)]

    def _reset(self) -> None:
        """Remove the previous demo: its rows first (all or nothing), then its files and mails."""
        self._clear_mail()
        org = Organization.objects.filter(slug=DEMO_SLUG).first()
        if org is None:
            return
        prefix = f"orgs/{org.id}/"  # delete() clears org.id
        users = get_user_model().objects.filter(membership__organization=org)
        with transaction.atomic():
            user_ids = list(users.values_list("id", flat=True))
            GenerationJob.objects.filter(organization=org).delete()
            # A consent text is protected while a record points at it; the demo starts from nothing.
            ConsentRecord.objects.filter(member__organization=org).delete()
            org.delete()
            get_user_model().objects.filter(id__in=user_ids).delete()
        for key in media.list_prefix(prefix):
            media.delete(key)
        if isinstance(default_storage, FileSystemStorage):  # and the empty folders they leave
            shutil.rmtree(default_storage.path(prefix), ignore_errors=True)

    def _mail_folder(self) -> Path | None:
        if settings.EMAIL_BACKEND != "django.core.mail.backends.filebased.EmailBackend":
            return None
        return Path(settings.EMAIL_FILE_PATH)

    def _wait_for_queued_mail(self, timeout: float = 60) -> None:
        """With the background worker, the last notifications may still be in the broker's queue."""
        queue = getattr(settings, "BROKER_DIR", None)
        if settings.CELERY_TASK_ALWAYS_EAGER or queue is None:
            return
        deadline = time.monotonic() + timeout
        while any((Path(queue) / "queue").glob("*")) and time.monotonic() < deadline:
            time.sleep(0.3)
        time.sleep(0.5)  # the message is taken off the queue before its mail is written

    def _clear_mail(self) -> None:
        folder = self._mail_folder()
        if folder and folder.is_dir():
            for mail in folder.glob("*.log"):
                mail.unlink()

    def _print_mail(self) -> None:
        self._wait_for_queued_mail()
        folder = self._mail_folder()
        if folder is None:
            self.stdout.write(f"mail: sent through {settings.EMAIL_BACKEND}")
            return
        count = len(list(folder.glob("*.log"))) if folder.is_dir() else 0
        self.stdout.write(f"mail: {count} message(s) written to {folder}/ (one .log file per message)")

    def _run_flow(self, photo_sets: list[list[bytes]]) -> Export:
        admin = teams.organization_create(
            name="Acme Corp",
            slug=DEMO_SLUG,
            allowed_domains=[DOMAIN],
            admin_email=f"admin@{DOMAIN}",
            admin_password=PASSWORD,
            admin_first_name="Alex",
            admin_last_name="Admin",
        )
        self.stdout.write(f"organisation: {admin.organization.name} ({admin.organization.slug})")
        hr_invite = teams.invitation_create(
            actor=admin,
            email=f"hr@{DOMAIN}",
            role=Role.HR,
            first_name="Harper",
            last_name="Reviewer",
            department="People",
            job_title="HR partner",
        )
        hr = teams.invitation_accept(token=hr_invite.token, password=PASSWORD)
        csv_rows = ["email,first_name,last_name,department,title,role"] + [
            f"{first.lower()}@{DOMAIN},{first},{last},{dept},{title},employee" for first, last, dept, title in STAFF
        ]
        imported = teams.invitations_import_csv(actor=admin, csv_text="\n".join(csv_rows))
        self.stdout.write(f"invited: {len(imported.created)} employees from CSV")
        for issued, photos in zip(imported.created, photo_sets, strict=True):
            member = teams.invitation_accept(token=issued.token, password=PASSWORD)
            text = consent_text_for(member=member)
            consent_grant(member=member, text_version=text.version, text_sha256=text.sha256, user_agent="demo")
            for data in photos:
                # The checklist runs on the worker after the upload, as it does for a person on the page.
                selfie = wait_until_checked(gen.selfie_upload(actor=member, data=data))
                if not selfie.usable:
                    failed = [c["message"] for c in selfie.checks["checks"] if not c["passed"]]
                    self.stdout.write(f"  {member.display_name}: a selfie failed the checklist: {'; '.join(failed)}")
            job = wait_until_finished(gen.job_enqueue(actor=member, idempotency_key="demo"))
            if job.status != JobStatus.SUCCEEDED:
                raise CommandError(f"rendering failed for {member.display_name}: {job.error}")
            first = job.headshots.order_by("variant_index").first()
            if first is None:
                raise CommandError(f"rendering made no headshot for {member.display_name}")
            chosen = gen.headshot_choose(actor=member, headshot=first)
            gen.headshot_approve(actor=hr, headshot=chosen)
            self.stdout.write(f"  {member.display_name}: {job.headshots.count()} headshots, one approved")
        export = wait_until_finished(gen.export_create(actor=hr))
        if export.status != ExportStatus.SUCCEEDED:
            raise CommandError(f"export failed: {export.error}")
        return export

    def _contact_sheet(self, export: Export, folder: Path) -> Path:
        from generation.imaging.contact_sheet import contact_sheet
        from generation.imaging.io import open_rgb
        from generation.models import Headshot

        approved = (
            Headshot.objects.filter(organization=export.organization, chosen=True, review_state="approved")
            .select_related("member__user")
            .order_by("member__user__last_name")
        )
        # One page of the team, not everyone: 1,000 people made a 1280 x 87,000 px sheet.
        page = approved[:CONTACT_SHEET_PEOPLE]
        sheet = contact_sheet([(h.member.display_name, open_rgb(media.get(h.storage_key))) for h in page])
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / "contact_sheet.png"
        sheet.save(target)
        return target

    def _print_logins(self) -> None:
        self.stdout.write(f"login: admin@{DOMAIN} / {PASSWORD} (admin)")
        self.stdout.write(f"login: hr@{DOMAIN} / {PASSWORD} (HR)")
        self.stdout.write(f"login: ada@{DOMAIN} / {PASSWORD} (employee)")
