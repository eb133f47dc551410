"""A form fuzzer over every page's POST: hostile values in every field a page's forms name,
posted to every page URL, as each role. Nothing may answer 5xx (the test client re-raises
a view's exception, so a crash fails here with its traceback)."""

from __future__ import annotations

import random
import uuid
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver

from generation.models import Export
from tests import factories
from tests.page_helpers import approved_headshot, browser

from .generation.hostile_corpus import CASES

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

ROUNDS = 6  # hostile payloads per page and role
VALUES = [
    "",
    "\x00",
    "a\x00b",
    "A" * 10_000,
    "-1",
    "0",
    "99999999999999999999999",
    "1e309",
    "NaN",
    "<script>alert(1)</script>",
    '=HYPERLINK("http://evil.example")',
    "😀" * 200,
    "../../etc/passwd",
    "on",
    "true",
    str(uuid.uuid4()),
    "ada@example.com",
    "\r\n\t",
]
FILES = ["random bytes", "PNG 10x20000 strip", "JPEG cut at 60%", "a PDF", "an animated GIF"]


class _Fields(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        name = dict(attrs).get("name")
        if tag in ("input", "select", "textarea") and name and name != "csrfmiddlewaretoken":
            self.names.add(name)


def _page_paths() -> list[tuple[str, list[str]]]:
    found: list[tuple[str, list[str]]] = []

    def walk(resolver: URLResolver, prefix: str) -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                walk(entry, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                path = prefix + str(entry.pattern)
                if not path.startswith(("admin/", "api/", "media/")):
                    found.append((path, list(entry.pattern.converters)))

    walk(get_resolver(), "")
    return found


def _url(path: str, ids: dict[str, list[str]], rng: random.Random) -> str:
    for part in path.split("<")[1:]:
        spec = part.split(">")[0]
        converter, name = spec.split(":") if ":" in spec else ("str", spec)
        choices = ids.get(name, []) + [str(uuid.uuid4()), "not-a-token"]
        value = rng.choice(choices if converter == "str" else [c for c in choices if _is_uuid(c)])
        path = path.replace(path[path.index("<") : path.index(">") + 1], value, 1)
    return "/" + path


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _payload(fields: set[str], rng: random.Random) -> dict:
    data: dict = {name: rng.choice(VALUES) for name in fields}
    for name in fields & {"photos", "csv_file", "image", "file"}:
        data[name] = SimpleUploadedFile("fuzz.bin", CASES[rng.choice(FILES)][0]())
    return data


def test_no_page_answers_a_hostile_post_with_a_server_error(admin, hr, employee):
    rng = random.Random(12)
    approved = approved_headshot(factories.consent(employee), admin=admin, hr=hr)
    export = Export.objects.create(organization=admin.organization, requested_by=hr)
    ids = {
        "headshot_id": [str(approved.id)],
        "job_id": [str(approved.job_id)],
        "selfie_id": [str(s.id) for s in employee.selfies.all()],
        "export_id": [str(export.id)],
    }
    paths = _page_paths()
    fields: set[str] = set()
    for member in (admin, hr, employee):
        client = browser(member)
        for path, _ in paths:
            response = client.get(_url(path, ids, rng))
            assert response.status_code < 500, path
            if getattr(response, "streaming", False):  # a download, not a page with forms
                continue
            parser = _Fields()
            parser.feed(response.content.decode(errors="replace"))
            fields |= parser.names
    assert {"email", "photos", "csv_file", "expires_in_days"} <= fields  # the forms were found
    fields |= {"reason", "department", "password", "password2", "idempotency_key"}  # forms shown only sometimes
    posts = 0
    for member in (None, employee, hr, admin):
        for path, _ in paths:
            if path == "logout/":
                continue
            for _ in range(ROUNDS):
                client = browser(member)
                url = _url(path, ids, rng)
                chosen = set(rng.sample(sorted(fields), k=min(len(fields), rng.randint(1, 8))))
                response = client.post(url, _payload(chosen, rng))
                assert response.status_code < 500, (url, response.status_code)
                posts += 1
    assert posts > 400
