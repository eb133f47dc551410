"""The pages around the product: self-hosted API docs, the favicon, friendly error pages."""

from __future__ import annotations

import re

import pytest
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_the_api_docs_load_their_scripts_from_this_site(path):
    page = Client().get(path).content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources and all(not s.startswith(("http://", "https://", "//")) for s in sources), sources


def test_the_favicon_is_served_from_the_static_files():
    from django.contrib.staticfiles import finders

    response = Client().get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("/static/favicon.ico")
    assert finders.find("favicon.ico") and finders.find("favicon.svg")


@override_settings(DEBUG=False)
def test_a_missing_page_is_a_friendly_404(employee):
    client = Client()
    client.force_login(employee.user)
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and b"We could not find that page" in response.content
    assert b'<main id="main"' in response.content


def test_a_page_for_another_role_is_a_friendly_403(employee):
    client = Client()
    client.force_login(employee.user)
    response = client.get("/review/")
    assert response.status_code == 403 and b"This page is not for your role" in response.content


def test_the_500_page_stands_alone():
    from django.template.loader import render_to_string

    assert "Something went wrong on our side" in render_to_string("500.html")
