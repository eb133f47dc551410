from django.db import migrations, models
from django.utils import timezone


def unfinished_exports_get_a_lease(apps, schema_editor):
    """Exports left queued or between chunks had no lease: give them one that has expired, so
    beat sends them again instead of leaving them unfinished for good."""
    Export = apps.get_model("generation", "Export")
    Export.objects.filter(status__in=["queued", "running"], lease_until__isnull=True).update(lease_until=timezone.now())


class Migration(migrations.Migration):
    dependencies = [
        ("generation", "0008_job_heartbeat_outbox"),
    ]

    operations = [
        migrations.AddField(
            model_name="export",
            name="chunk_running",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(unfinished_exports_get_a_lease, migrations.RunPython.noop),
    ]
