from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone

from compliance.crypto import EncryptedJSONField


class Engine(models.TextChoices):
    STUDIO = "studio", "Studio (real photo, CPU)"
    DIFFUSION = "diffusion", "Diffusion (generative, GPU)"


# A job row for a finished photo the member provided instead of face processing (services/provided.py).
PROVIDED_ENGINE = "provided"
JOB_ENGINES = [*Engine.choices, (PROVIDED_ENGINE, "Photo provided by the member (no face processing)")]


def default_framing() -> dict:
    # Fractions of the output: eye line height from the top, distance between
    # the eye centres as a share of the width.
    return {"eye_line": 0.45, "eye_distance": 0.18}


def default_backdrop() -> dict:
    return {"kind": "solid"}


class BrandStyle(models.Model):
    """One version of an organisation's look. Editing a style makes a new
    row with ``version + 1``; jobs keep the row they were rendered with."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey("teams.Organization", on_delete=models.CASCADE, related_name="styles")
    name = models.CharField(max_length=120, default="Default")
    version = models.PositiveIntegerField(default=1)
    is_current = models.BooleanField(default=True)
    engine = models.CharField(max_length=20, choices=Engine.choices, default=Engine.STUDIO)
    backdrop_color = models.CharField(max_length=7, default="#D9DEE4")
    # kind: solid | gradient | image; gradient adds color2; image adds image_key, blur; shadow: bool
    backdrop = models.JSONField(default=default_backdrop, blank=True)
    framing = models.JSONField(default=default_framing, blank=True)
    attire = models.CharField(max_length=200, blank=True)
    output_width = models.PositiveIntegerField(default=1024)
    output_height = models.PositiveIntegerField(default=1024)
    variant_count = models.PositiveSmallIntegerField(default=4)
    # Engine-specific settings (diffusion model, prompts, steps, seed policy, ...).
    options = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        "teams.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["organization", "name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name", "version"], name="style_version_unique"),
            models.UniqueConstraint(
                fields=["organization"], condition=models.Q(is_current=True), name="one_current_style"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class Selfie(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey("teams.Organization", on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey("teams.Membership", on_delete=models.CASCADE, related_name="selfies")
    storage_key = models.CharField(max_length=300, unique=True)
    uploaded_at = models.DateTimeField(default=timezone.now)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    original_format = models.CharField(max_length=10)
    # The checklist: {"passed": bool, "checks": [{"code", "passed", "value", "message"}]}
    checks = models.JSONField(default=dict, blank=True)
    usable = models.BooleanField(default=False)
    # dlib's 128 float64 face descriptor (raw bytes), for the set and likeness checks.
    descriptor = models.BinaryField(null=True, blank=True, editable=False)
    # Perceptual hash (near-duplicates) and mean CIELAB of the facial skin (the skin-tone guard):
    # figures of a face, encrypted at rest like the descriptor.
    phash = EncryptedJSONField(null=True, blank=True)
    skin_lab = EncryptedJSONField(null=True, blank=True)
    # The checklist runs on a worker after the upload answers; until then the selfie is not usable.
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"selfie {self.id} of {self.member_id}"

    @property
    def is_checked(self) -> bool:
        return self.checked_at is not None

    @property
    def checklist(self) -> dict | None:
        """The checklist's report, or None while it is still running."""
        return self.checks if self.checked_at is not None else None


class JobStatus(models.TextChoices):
    """Allowed transitions:

    queued → running → succeeded | failed
    running → queued           (the sweep: the worker's heartbeat stopped; bounded attempts)
    failed | cancelled → queued    (retry)
    queued | running → cancelled   (erasure, withdrawal, or the member asks)
    """

    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


class GenerationJob(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey("teams.Organization", on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey("teams.Membership", on_delete=models.CASCADE, related_name="jobs")
    # RESTRICT: a style in use cannot be deleted on its own, only with its organisation.
    style = models.ForeignKey(BrandStyle, on_delete=models.RESTRICT, related_name="jobs")
    engine = models.CharField(max_length=20, choices=JOB_ENGINES)
    status = models.CharField(max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED)
    idempotency_key = models.CharField(max_length=100)
    attempts = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    progress_step = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    # Guard failures and other per-run notes: [{"variant", "attempt", "likeness", ...}]
    report = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    requested_by = models.ForeignKey(
        "teams.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The row is its own outbox: written in the request's transaction, sent to the broker after
    # commit (dispatched_at set once the broker took it). The sweep resends rows the broker lost.
    dispatched_at = models.DateTimeField(null=True, blank=True)
    dispatches = models.PositiveIntegerField(default=0)
    # The running worker touches heartbeat_at every few seconds; ``claim`` names the run that owns
    # the job, so a worker that was given up on cannot write over its successor.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    claim = models.UUIDField(null=True, blank=True, editable=False)
    lost_runs = models.PositiveIntegerField(default=0)  # runs whose worker died since the last (re)try

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["member", "idempotency_key"], name="job_idempotency_key")]
        indexes = [
            models.Index(fields=["organization", "status"]),
            models.Index(fields=["organization", "-created_at"], name="job_org_newest"),  # the paginated list
        ]

    def __str__(self) -> str:
        return f"job {self.id} ({self.status})"


class ReviewState(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class Headshot(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey("teams.Organization", on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey("teams.Membership", on_delete=models.CASCADE, related_name="headshots")
    job = models.ForeignKey(GenerationJob, on_delete=models.CASCADE, related_name="headshots")
    variant_index = models.PositiveSmallIntegerField()
    storage_key = models.CharField(max_length=300)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    # Guard figures for this output (likeness distance, skin ΔE, ...).
    guards = models.JSONField(default=dict, blank=True)
    chosen = models.BooleanField(default=False)
    chosen_at = models.DateTimeField(null=True, blank=True)
    review_state = models.CharField(max_length=20, choices=ReviewState.choices, default=ReviewState.PENDING)
    reviewed_by = models.ForeignKey(
        "teams.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(blank=True)
    # Platform sizes made once, when HR approves: {platform: {"key", "width", "height"}}.
    sizes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["job_id", "variant_index"]  # the FK column: no join to order (index headshot_org_list)
        constraints = [
            models.UniqueConstraint(fields=["job", "variant_index"], name="one_headshot_per_variant"),
            models.UniqueConstraint(fields=["member"], condition=models.Q(chosen=True), name="one_chosen_headshot"),
        ]
        indexes = [
            models.Index(fields=["organization", "review_state", "chosen"]),
            models.Index(fields=["organization", "job", "variant_index"], name="headshot_org_list"),
        ]

    def __str__(self) -> str:
        return f"headshot {self.job_id}#{self.variant_index}"


class ExportStatus(models.TextChoices):
    """queued → running → succeeded | failed

    A running export is built in chunks. ``lease_until`` is the time by which somebody
    must show progress: a chunk holds it while it runs (``chunk_running``), and a chunk
    that ends hands the next one until then to start. A worker that died mid-chunk, or a
    message lost between chunks (or before the first one), leaves the lease to expire;
    beat then sends the export again, and the next claim resumes from the last checkpoint
    (``upload_state``, ``members_done``)."""

    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class Export(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey("teams.Organization", on_delete=models.CASCADE, related_name="exports")
    requested_by = models.ForeignKey(
        "teams.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    department = models.CharField(max_length=120, blank=True)
    status = models.CharField(max_length=20, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    storage_key = models.CharField(max_length=300, blank=True)
    headshot_count = models.PositiveIntegerField(default=0)
    # Progress of the build: members written so far (of headshot_count), bytes in the zip.
    members_done = models.PositiveIntegerField(default=0)
    bytes_written = models.PositiveBigIntegerField(default=0)
    # The resumable upload's checkpoint (storage.ResumableUpload.state).
    upload_state = models.JSONField(default=dict, blank=True, editable=False)
    lease_until = models.DateTimeField(null=True, blank=True)
    chunk_running = models.BooleanField(default=False)
    attempts = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organization", "-created_at"], name="export_org_newest")]

    def __str__(self) -> str:
        return f"export {self.id} ({self.status})"

    @property
    def progress(self) -> int:
        """Per cent of members written."""
        return 100 * self.members_done // self.headshot_count if self.headshot_count else 0


class ExportMember(models.Model):
    """Who is in an export (so erasure finds the exports holding a person with one indexed
    query), and where their files sit in the zip (for its central directory)."""

    export = models.ForeignKey(Export, on_delete=models.CASCADE, related_name="members")
    member = models.ForeignKey("teams.Membership", on_delete=models.CASCADE, related_name="export_entries")
    headshot = models.ForeignKey(Headshot, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    position = models.PositiveIntegerField()
    name = models.CharField(max_length=200)  # file name stem in the zip, unique within the export
    # [[name, crc32, size, offset], ...] once written.
    entries = models.JSONField(default=list, blank=True, editable=False)

    class Meta:
        ordering = ["export", "position"]
        constraints = [
            models.UniqueConstraint(fields=["export", "position"], name="export_member_position"),
            models.UniqueConstraint(fields=["export", "member"], name="export_member_once"),
        ]

    def __str__(self) -> str:
        return f"{self.export_id}#{self.position}"
