from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from teams.models import Membership, Organization


@pytest.mark.django_db
def test_an_operator_creates_an_organisation_with_its_first_admin(monkeypatch, capsys):
    monkeypatch.setenv("ADMIN_PASSWORD", "a long admin password")
    call_command(
        "create_organization",
        name="Acme",
        slug="acme",
        domain=["acme.com"],
        admin_email="it@acme.com",
        admin_first_name="Ida",
        admin_last_name="Tech",
    )

    org = Organization.objects.get(slug="acme")
    assert org.allowed_domains == ["acme.com"]
    admin = Membership.objects.get(organization=org)
    assert admin.role == "admin" and admin.display_name == "Ida Tech"
    assert "admin: Ida Tech <it@acme.com>" in capsys.readouterr().out


@pytest.mark.django_db
def test_a_taken_slug_is_refused_and_nothing_is_created(monkeypatch, admin):
    monkeypatch.setenv("ADMIN_PASSWORD", "a long admin password")
    with pytest.raises(CommandError, match="taken"):
        call_command(
            "create_organization",
            name="Again",
            slug=admin.organization.slug,
            admin_email="x@acme.com",
            admin_first_name="A",
            admin_last_name="B",
        )
    assert Organization.objects.count() == 1


@pytest.mark.django_db
def test_a_weak_password_is_refused_and_no_organisation_is_left_behind(monkeypatch):
    monkeypatch.setenv("ADMIN_PASSWORD", "short")
    with pytest.raises(CommandError, match="too short"):
        call_command(
            "create_organization",
            name="Acme",
            slug="acme",
            admin_email="it@acme.com",
            admin_first_name="A",
            admin_last_name="B",
        )
    assert not Organization.objects.exists()


@pytest.mark.django_db
def test_without_a_name_and_without_a_terminal_it_asks_for_the_flags(monkeypatch):
    monkeypatch.setenv("ADMIN_PASSWORD", "a long admin password")
    with pytest.raises(CommandError, match="--admin-first-name"):
        call_command("create_organization", name="Acme", slug="acme", admin_email="it@acme.com", no_input=True)
    assert not Organization.objects.exists()
