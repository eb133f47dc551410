"""An export built while a member is erased never keeps the erased member's face."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.utils.text import slugify

from compliance.services import consent_withdraw
from core import media as storage
from generation import services as gen
from generation.models import Export, ExportStatus
from generation.services import exports as export_services

from .conftest import every_version

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def team(hr, rendered):
    people = [rendered("Ada"), rendered("Grace")]
    for person in people:
        chosen = gen.headshot_choose(actor=person.member, headshot=person.job.headshots.first())
        gen.headshot_approve(actor=hr, headshot=chosen)
    return people


def _exports_prefix(member) -> str:
    return f"orgs/{member.organization_id}/exports/"


def _members_in_zips(organization_id) -> set[str]:
    names = set()
    for export in Export.objects.filter(organization_id=organization_id, status=ExportStatus.SUCCEEDED):
        with zipfile.ZipFile(io.BytesIO(storage.get(export.storage_key))) as archive:
            names |= {n for n in archive.namelist() if "/" not in n}
    return names


@pytest.mark.parametrize("moment", ["while_packing", "after_the_zip_is_written"])
def test_an_export_racing_an_erasure_never_holds_the_erased_member(hr, team, monkeypatch, moment):
    ada = team[0].member
    erased = []

    def erase_once() -> None:
        if not erased:
            erased.append(consent_withdraw(member=ada))

    if moment == "while_packing":
        real_write = export_services._write_members

        def write_then_erase(export, upload):
            done = real_write(export, upload)  # Ada's face is already in these bytes
            erase_once()
            return done

        monkeypatch.setattr(export_services, "_write_members", write_then_erase)
    else:
        from core.uploads import ResumableUpload

        real_complete = ResumableUpload.complete

        def complete_then_erase(upload):
            real_complete(upload)
            erase_once()

        monkeypatch.setattr(ResumableUpload, "complete", complete_then_erase)

    export = gen.export_create(actor=hr)
    assert erased and erased[0].verified_empty
    row = Export.objects.filter(pk=export.pk).first()
    assert row is None or row.status == ExportStatus.FAILED  # deleted by the erasure, or discarded
    assert every_version(_exports_prefix(ada)) == []  # the zip is gone, every version of it
    assert f"{slugify(ada.display_name)}.jpg" not in _members_in_zips(ada.organization_id)

    monkeypatch.undo()
    again = gen.export_create(actor=hr)
    again.refresh_from_db()
    assert again.status == ExportStatus.SUCCEEDED and not again.members.filter(member=ada).exists()
    assert every_version(_exports_prefix(ada)) == [again.storage_key]
    assert f"{slugify(team[1].member.display_name)}.jpg" in _members_in_zips(ada.organization_id)


def test_an_erasure_after_the_export_deletes_it(hr, team):
    export = gen.export_create(actor=hr)
    export.refresh_from_db()
    assert export.status == ExportStatus.SUCCEEDED
    receipt = consent_withdraw(member=team[1].member)
    assert receipt.counts["exports"] == 1 and not Export.objects.filter(pk=export.pk).exists()
    assert every_version(_exports_prefix(team[1].member)) == []
