"""Postgres: as the application's own database role, the audit log cannot be changed.

``audit_lockdown`` (run as an administrator) gives the table to a role that
cannot log in. The tests then connect as a plain login role, the way the
application does in production, and try every way of changing history.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from compliance.audit_chain import audit_chain_verify
from compliance.audit_lockdown import OWNER_ROLE, audit_privileges
from compliance.models import AuditEvent
from compliance.services import retention_policy_update

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="database roles are Postgres only"),
]
TABLE = "compliance_auditevent"


@pytest.fixture
def app_role() -> str:
    """A login role like the application's: no superuser, no ownership."""
    name = f"headshot_app_{connection.settings_dict['NAME']}"[:60]
    with connection.cursor() as cursor:
        cursor.execute(
            f"DO $$ BEGIN CREATE ROLE {name} LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;"
            f"GRANT USAGE ON SCHEMA public TO {name};"
            f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {name};"
        )
    call_command("audit_lockdown", app_role=name)
    return name


@pytest.fixture
def as_app(app_role: str) -> Iterator[psycopg.Connection]:
    settings = connection.settings_dict
    conn = psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        dbname=settings["NAME"],
        user=app_role,
        autocommit=True,
    )
    yield conn
    conn.close()


def test_the_application_role_may_only_insert_and_read(app_role, admin, as_app):
    event = AuditEvent.objects.create(organization=admin.organization, verb="test.happened")
    rights = audit_privileges(role=app_role)
    assert rights.locked_down and rights.owner == OWNER_ROLE

    for sql in (
        f"UPDATE {TABLE} SET verb = 'test.rewritten' WHERE id = %s",
        f"DELETE FROM {TABLE} WHERE id = %s",
        f"TRUNCATE {TABLE}",
        f"ALTER TABLE {TABLE} DISABLE TRIGGER compliance_auditevent_append_only",
        f"ALTER TABLE {TABLE} DISABLE TRIGGER ALL",
        f"DROP TABLE {TABLE}",
        f"ALTER TABLE {TABLE} OWNER TO CURRENT_USER",
        f"SET ROLE {OWNER_ROLE}",
        "CREATE OR REPLACE FUNCTION compliance_audit_append_only() RETURNS trigger AS 'BEGIN RETURN NULL; END' "
        "LANGUAGE plpgsql",
    ):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            as_app.execute(sql, [event.pk] if "%s" in sql else None)
    with as_app.cursor() as cur:
        cur.execute(f"SELECT verb FROM {TABLE} WHERE id = %s", [event.pk])
        assert cur.fetchone() == ("test.happened",)
    assert AuditEvent.objects.count() >= 1 and AuditEvent.objects.get(pk=event.pk).verb == "test.happened"


def test_the_application_role_can_append(app_role, admin, as_app):
    as_app.execute(
        f"INSERT INTO {TABLE} (id, verb, target_type, target_id, data, at, prev_hash, row_hash) "
        "VALUES (gen_random_uuid(), 'test.raw', '', '', '{}', now(), '', '')"
    )
    assert AuditEvent.objects.filter(verb="test.raw").exists()


def test_pruning_deletes_only_rows_past_the_policy(app_role, admin, as_app):
    retention_policy_update(actor=admin, changes={"audit_years": 2})
    now = timezone.now()
    AuditEvent.objects.create(organization=admin.organization, verb="test.old", at=now - timedelta(days=740))
    AuditEvent.objects.create(organization=admin.organization, verb="test.recent", at=now - timedelta(days=700))
    with as_app.cursor() as cur:
        # The policy decides, the database clock decides: no argument can widen the cut-off.
        cur.execute("SELECT compliance_audit_prune(%s, 1000)", [admin.organization_id])
        assert cur.fetchone() == (1,)
        cur.execute("SELECT compliance_audit_prune(%s, 1000)", [admin.organization_id])
        assert cur.fetchone() == (0,)
    assert not AuditEvent.objects.filter(verb="test.old").exists()
    assert AuditEvent.objects.filter(verb="test.recent").exists()


def test_the_chain_check_finds_a_row_the_owner_changed(app_role, admin):
    events = [AuditEvent.objects.create(organization=admin.organization, verb=f"test.{n}") for n in range(3)]
    call_command("audit_verify")
    with connection.cursor() as cursor:  # the owner can do anything, including hiding from the trigger
        cursor.execute(f"SET ROLE {OWNER_ROLE}")
        cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER compliance_auditevent_append_only")
        cursor.execute(f"UPDATE {TABLE} SET data = '{{\"rewritten\": true}}' WHERE id = %s", [events[1].pk])
        cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER compliance_auditevent_append_only")
        cursor.execute("RESET ROLE")
    _checked, breaks = audit_chain_verify()
    assert [(b.event_id, b.problem) for b in breaks] == [(str(events[1].pk), "content does not match its hash")]
    with pytest.raises(CommandError, match="broken in 1 place"):
        call_command("audit_verify")


def test_lockdown_refuses_the_application_role_itself(app_role):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        me = cursor.fetchone()[0]
    with pytest.raises(CommandError, match="administrator"):
        call_command("audit_lockdown", app_role=me)
