"""An organisation leaving at the end of its contract is deleted whole, with a final receipt."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from compliance.models import DeletionReceipt, OrganizationDeletion
from compliance.services.organization_deletion import (
    DeletionAlreadyScheduled,
    organization_deletion_cancel,
    organization_deletion_schedule,
    organization_deletions_run_due,
)
from generation import services as gen
from teams.models import Membership, Organization

from .conftest import every_version

pytestmark = pytest.mark.django_db(transaction=True)

# Kept on purpose after the organisation goes: they hold its id, never a person's name or e-mail.
RECORDS_THAT_OUTLIVE_IT = {"compliance.auditevent", "compliance.deletionreceipt", "compliance.organizationdeletion"}


def rows_pointing_at(organization_id) -> dict[str, int]:
    """Every row, in every model, with a foreign key to the organisation or to one of its members."""
    found = {}
    member_ids = list(Membership.objects.filter(organization_id=organization_id).values_list("pk", flat=True))
    for model in apps.get_models():
        if model._meta.label_lower in RECORDS_THAT_OUTLIVE_IT:
            continue
        for field in model._meta.concrete_fields:
            target = getattr(field, "related_model", None)
            if target is Organization:
                count = model.objects.filter(**{field.attname: organization_id}).count()
            elif target is Membership:
                count = model.objects.filter(**{f"{field.attname}__in": member_ids}).count()
            else:
                continue
            if count:
                found[f"{model._meta.label_lower}.{field.name}"] = count
    return found


@pytest.fixture
def busy_org(admin, hr, rendered):
    """Acme with two members who rendered, chose, were approved and exported, and a pending invitation."""
    people = [rendered("Ada"), rendered("Grace")]
    for person in people:
        chosen = gen.headshot_choose(actor=person.member, headshot=person.job.headshots.first())
        gen.headshot_approve(actor=hr, headshot=chosen)
    export = gen.export_create(actor=hr)
    export.refresh_from_db()
    assert export.storage_key
    return admin.organization


def test_deleting_an_organisation_leaves_no_object_no_row_and_a_receipt(busy_org, outsider, rendered):
    prefix = f"orgs/{busy_org.pk}/"
    assert len(every_version(prefix)) > 6
    users = list(get_user_model().objects.filter(membership__organization=busy_org).values_list("pk", flat=True))
    globex_rows = rows_pointing_at(outsider.organization_id)

    deletion = organization_deletion_schedule(organization=busy_org, requested_by="contract ended")
    assert organization_deletions_run_due() == 1
    deletion.refresh_from_db()

    assert every_version(prefix) == []
    assert rows_pointing_at(busy_org.pk) == {}
    assert not Organization.objects.filter(pk=busy_org.pk).exists()
    assert not get_user_model().objects.filter(pk__in=users).exists()  # names, e-mails and logins too
    assert deletion.verified_empty and deletion.status == "completed"
    assert deletion.counts["members_erased"] == 4  # admin, HR, Ada, Grace
    receipts = DeletionReceipt.objects.filter(pk__in=deletion.counts["member_receipts"])
    assert receipts.count() == 4 and all(r.reason == "contract_end" and r.verified_empty for r in receipts)
    # Another organisation is untouched.
    assert rows_pointing_at(outsider.organization_id) == globex_rows


def test_a_deletion_waits_for_its_date_and_can_be_cancelled(admin):
    later = organization_deletion_schedule(
        organization=admin.organization, requested_by="contract", scheduled_for=timezone.now() + timedelta(days=30)
    )
    assert organization_deletions_run_due() == 0
    with pytest.raises(DeletionAlreadyScheduled):
        organization_deletion_schedule(organization=admin.organization, requested_by="twice")
    assert organization_deletion_cancel(deletion=later)
    assert organization_deletions_run_due(now=timezone.now() + timedelta(days=31)) == 0
    assert Organization.objects.filter(pk=admin.organization_id).exists()


def test_the_command_deletes_now_and_prints_the_receipt(busy_org):
    with pytest.raises(CommandError, match="--yes"):
        call_command("delete_organization", org=busy_org.slug)
    out = io.StringIO()
    call_command("delete_organization", org=busy_org.slug, yes=True, stdout=out)
    assert "verified: nothing left" in out.getvalue()
    assert OrganizationDeletion.objects.get(organization_id=busy_org.pk).verified_empty
    with pytest.raises(CommandError, match="No organisation"):
        call_command("delete_organization", org=busy_org.slug, yes=True)
