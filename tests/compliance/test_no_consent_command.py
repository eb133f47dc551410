"""The management-command entry point: an operator cannot render a member who has not consented."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from core import media
from generation.models import GenerationJob, JobStatus
from tests import factories


def _run(person, hr) -> None:
    call_command("request_headshots", org=person.organization.slug, email=person.user.email, by=hr.user.email)


@pytest.mark.django_db
def test_an_operator_cannot_render_a_member_without_consent(employee, hr):
    with pytest.raises(CommandError, match="Give consent"):
        _run(employee, hr)

    assert not GenerationJob.objects.exists()
    assert media.list_prefix(media.member_prefix(organization_id=employee.organization_id, member_id=employee.id)) == []


@pytest.mark.django_db(transaction=True)
def test_an_operator_renders_a_consenting_member_through_the_same_service(admin, hr, astronaut_png):

    person = factories.consent(factories.member(admin=admin))
    factories.selfie(actor=person, data=astronaut_png)

    _run(person, hr)

    job = GenerationJob.objects.get(member=person)
    assert job.status == JobStatus.SUCCEEDED and job.requested_by == hr


@pytest.mark.django_db
def test_an_employee_cannot_request_someone_elses_headshots(admin, employee):
    colleague = factories.consent(factories.member(admin=admin))
    with pytest.raises(CommandError, match="only request your own"):
        _run(colleague, employee)
    assert not GenerationJob.objects.exists()


@pytest.mark.django_db
def test_an_unknown_member_is_named(employee, hr):
    with pytest.raises(CommandError, match="nobody@nowhere.example"):
        call_command(
            "request_headshots", org=employee.organization.slug, email="nobody@nowhere.example", by=hr.user.email
        )
