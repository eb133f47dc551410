"""Encrypt the perceptual hash and skin colour of selfies at rest, like descriptors.

New encrypted columns are filled from the old ones, which are then dropped.
"""

from django.db import migrations

import compliance.crypto


def encrypt_existing(apps, schema_editor):
    Selfie = apps.get_model("generation", "Selfie")
    for selfie in Selfie.objects.only("pk", "phash", "skin_lab").iterator(chunk_size=500):
        Selfie.objects.filter(pk=selfie.pk).update(phash_sealed=selfie.phash or None, skin_lab_sealed=selfie.skin_lab)


def decrypt_back(apps, schema_editor):
    Selfie = apps.get_model("generation", "Selfie")
    for selfie in Selfie.objects.only("pk", "phash_sealed", "skin_lab_sealed").iterator(chunk_size=500):
        Selfie.objects.filter(pk=selfie.pk).update(phash=selfie.phash_sealed or "", skin_lab=selfie.skin_lab_sealed)


class Migration(migrations.Migration):
    dependencies = [("generation", "0002_job_style_restrict")]

    operations = [
        migrations.AddField(
            model_name="selfie",
            name="phash_sealed",
            field=compliance.crypto.EncryptedJSONField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="selfie",
            name="skin_lab_sealed",
            field=compliance.crypto.EncryptedJSONField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(encrypt_existing, decrypt_back),
        migrations.RemoveField(model_name="selfie", name="phash"),
        migrations.RemoveField(model_name="selfie", name="skin_lab"),
        migrations.RenameField(model_name="selfie", old_name="phash_sealed", new_name="phash"),
        migrations.RenameField(model_name="selfie", old_name="skin_lab_sealed", new_name="skin_lab"),
    ]
