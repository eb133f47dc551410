"""Postgres: pruning the audit log goes through a security-definer function.

The append-only trigger now lets a DELETE through only inside
``compliance_audit_prune()``, which takes its cut-off from the retention
policy and the database clock. ``manage.py audit_lockdown`` then takes
UPDATE, DELETE and TRUNCATE away from the application's role.
"""

from django.db import migrations

from compliance.audit_lockdown import PRUNE_SQL, TRIGGER_SQL

UNDO = "DROP FUNCTION IF EXISTS compliance_audit_prune(uuid, integer);"


def _on_postgres(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(sql)  # no params: the % in RAISE is PL/pgSQL's, not a placeholder

    return run


class Migration(migrations.Migration):
    dependencies = [("compliance", "0003_audit_hash_chain")]

    operations = [migrations.RunPython(_on_postgres(TRIGGER_SQL + PRUNE_SQL), _on_postgres(UNDO))]
