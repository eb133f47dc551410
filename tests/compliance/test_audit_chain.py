"""The audit log's hash chain: every row is sealed to the one before it, and the check finds changes."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from compliance.audit_chain import GENESIS, audit_chain_verify
from compliance.models import AuditEvent

pytestmark = pytest.mark.django_db


def _record(member, verb: str) -> AuditEvent:
    return AuditEvent.objects.create(
        organization=member.organization, actor_member_id=member.pk, verb=verb, data={"n": verb}
    )


def test_each_row_carries_the_previous_rows_hash(admin):
    rows = [_record(admin, f"test.{n}") for n in range(3)]
    chain = list(AuditEvent.objects.filter(organization=admin.organization).order_by("seq"))
    assert [r.seq for r in chain] == list(range(1, len(chain) + 1))
    assert chain[0].prev_hash == GENESIS
    assert all(b.prev_hash == a.row_hash for a, b in zip(chain, chain[1:], strict=False))
    assert rows[-1].row_hash == chain[-1].row_hash
    checked, breaks = audit_chain_verify()
    assert checked >= 3 and breaks == []


def test_organisations_have_separate_chains(admin, outsider):
    _record(admin, "test.acme")
    _record(outsider, "test.globex")
    firsts = AuditEvent.objects.filter(seq=1).values_list("organization_id", flat=True)
    assert {admin.organization_id, outsider.organization_id} <= set(firsts)


def test_rows_are_appended_one_by_one(admin):
    with pytest.raises(PermissionError):
        AuditEvent.objects.bulk_create([AuditEvent(organization=admin.organization, verb="test.bulk")])


def _tamper(sql: str, params: list) -> None:
    """What someone with the table's owner rights could do behind the application's back."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE compliance_auditevent DISABLE TRIGGER compliance_auditevent_append_only")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE compliance_auditevent ENABLE TRIGGER compliance_auditevent_append_only")


def test_the_check_finds_a_changed_row_and_a_removed_row(admin):
    events = [_record(admin, f"test.{n}") for n in range(4)]
    call_command("audit_verify")  # intact

    _tamper("UPDATE compliance_auditevent SET verb = 'test.innocent' WHERE id = %s", [events[1].pk.hex])
    _tamper("DELETE FROM compliance_auditevent WHERE id = %s", [events[2].pk.hex])
    _checked, breaks = audit_chain_verify()
    problems = {(b.event_id, b.problem) for b in breaks}
    assert (str(events[1].pk), "content does not match its hash") in problems
    assert any(b.event_id == str(events[3].pk) and "missing" in b.problem for b in breaks)
    with pytest.raises(CommandError, match="broken"):
        call_command("audit_verify")
