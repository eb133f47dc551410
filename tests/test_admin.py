"""The Django admin: every model is there, read-only; the services make every change."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin as django_admin
from django.contrib.auth import get_user_model
from django.urls import reverse

from compliance.models import AuditEvent, ConsentRecord
from teams.models import Membership
from tests import factories
from tests.page_helpers import approved_headshot, browser

pytestmark = pytest.mark.django_db
APPS = ("teams", "compliance", "generation")


@pytest.fixture
def operator(db):
    user = get_user_model().objects.create_superuser("ops", "ops@example.org", factories.PASSWORD)
    page = browser()
    page.force_login(user)
    return page


def _admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_model_is_registered():
    models = [m for name in APPS for m in apps.get_app_config(name).get_models()]
    assert models and all(django_admin.site.is_registered(m) for m in models)


def test_every_list_and_detail_page_opens_with_data(operator, admin, hr, consented):
    approved_headshot(consented, admin=admin, hr=hr)
    for name in APPS:
        for model in apps.get_app_config(name).get_models():
            listing = operator.get(_admin_url(model, "changelist"))
            assert listing.status_code == 200, model
            obj = model.objects.first()
            if obj is not None:
                assert operator.get(_admin_url(model, "change", obj.pk)).status_code == 200, model


def test_the_lists_filter_and_search(operator, admin, consented):
    url = _admin_url(AuditEvent, "changelist")
    response = operator.get(url, {"verb": "consent.granted"})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == list(AuditEvent.objects.filter(verb="consent.granted"))
    response = operator.get(_admin_url(ConsentRecord, "changelist"), {"q": consented.user.email})
    assert [r.member for r in response.context["cl"].result_list] == [consented]


def test_the_audit_log_cannot_be_added_changed_or_deleted(operator, admin):
    event = AuditEvent.objects.first()
    verb, before = event.verb, AuditEvent.objects.count()
    assert operator.get(_admin_url(AuditEvent, "add")).status_code == 403
    assert operator.post(_admin_url(AuditEvent, "change", event.pk), {"verb": "forged"}).status_code == 403
    assert operator.post(_admin_url(AuditEvent, "delete", event.pk), {"post": "yes"}).status_code == 403
    bulk = {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"}
    operator.post(_admin_url(AuditEvent, "changelist"), bulk)
    event.refresh_from_db()
    assert event.verb == verb and AuditEvent.objects.count() == before


def test_consent_records_are_read_only(operator, consented):
    record = ConsentRecord.objects.get(member=consented)
    page = operator.get(_admin_url(ConsentRecord, "change", record.pk))
    assert not page.context["adminform"].form.fields  # every field read-only
    operator.post(_admin_url(ConsentRecord, "change", record.pk), {"text_sha256": "0" * 64})
    assert operator.post(_admin_url(ConsentRecord, "delete", record.pk), {"post": "yes"}).status_code == 403
    record.refresh_from_db()
    assert record.text_sha256 != "0" * 64


def test_organisation_members_who_are_not_staff_cannot_open_the_admin(admin):
    response = browser(admin).get(reverse("admin:index"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_operators_cannot_edit_roles_behind_the_services(operator, admin, hr):
    """A role changed here would write no audit row: the teams admin is read-only."""
    assert operator.post(_admin_url(Membership, "change", hr.pk), {"role": "admin"}).status_code == 403
    hr.refresh_from_db()
    assert hr.role == "hr"
