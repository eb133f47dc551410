"""Every output says how it was made: IPTC DigitalSourceType in XMP and a signed C2PA manifest."""

from __future__ import annotations

import io
import zipfile

import pytest
from PIL import Image

from core import media
from generation import services
from generation.imaging import disclosure
from generation.models import BrandStyle
from tests import factories


@pytest.fixture
def signing_pair(settings, tmp_path):
    """Tests sign with a key pair of their own, made here."""
    key, chain = disclosure.make_dev_pair("Test signer")
    (tmp_path / "key.pem").write_bytes(key)
    (tmp_path / "chain.pem").write_bytes(chain)
    settings.C2PA_SIGNING_KEY, settings.C2PA_SIGNING_CERT = (
        str(tmp_path / "key.pem"),
        str(tmp_path / "chain.pem"),
    )
    disclosure.signing_pair.cache_clear()
    yield
    disclosure.signing_pair.cache_clear()


def _assert_disclosed(data: bytes, term: str = disclosure.STUDIO_COMPOSITE) -> None:
    assert disclosure.digital_source_type(data) == term
    manifest = disclosure.read_manifest(data)
    [actions] = [a for a in manifest["assertions"] if a["label"].startswith("c2pa.actions")]
    assert actions["data"]["actions"][0]["digitalSourceType"] == term
    assert manifest["signature_info"]["common_name"] == "Test signer"


def test_the_c2pa_manifest_and_the_iptc_field_read_back(signing_pair):
    data = disclosure.disclose_jpeg(Image.new("RGB", (320, 400), "#D9DEE4"))
    _assert_disclosed(data)
    assert Image.open(io.BytesIO(data)).size == (320, 400)


def test_a_generative_engine_discloses_trained_media(signing_pair):
    data = disclosure.disclose_jpeg(Image.new("RGB", (64, 64)), term=disclosure.TRAINED_COMPOSITE)
    _assert_disclosed(data, disclosure.TRAINED_COMPOSITE)


def test_without_settings_a_dev_pair_is_made_once_under_var_dir(settings, tmp_path):
    settings.C2PA_SIGNING_KEY = settings.C2PA_SIGNING_CERT = ""
    settings.VAR_DIR = tmp_path
    disclosure.signing_pair.cache_clear()
    try:
        first = disclosure.signing_pair()
        disclosure.signing_pair.cache_clear()
        assert disclosure.signing_pair() == first
        assert (tmp_path / "c2pa" / "dev-signer.key").stat().st_mode & 0o077 == 0
    finally:
        disclosure.signing_pair.cache_clear()


def test_a_plain_jpeg_has_no_manifest():
    import c2pa

    buffer = io.BytesIO()
    Image.new("RGB", (32, 32)).save(buffer, "JPEG")
    assert disclosure.digital_source_type(buffer.getvalue()) is None
    with pytest.raises(c2pa.C2paError):
        disclosure.read_manifest(buffer.getvalue())


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_stored_and_exported_headshots_keep_both(signing_pair, consented, hr, faces_dir, run_on_commit):
    factories.selfie(actor=consented, data=(faces_dir / "obama/obama_1.jpg").read_bytes())
    BrandStyle.objects.filter(organization=consented.organization).update(
        variant_count=1, output_width=512, output_height=512
    )
    job = services.job_enqueue(actor=consented, idempotency_key="disclosed")
    [headshot] = job.headshots.all()
    _assert_disclosed(media.get(headshot.storage_key))
    services.headshot_approve(actor=hr, headshot=services.headshot_choose(actor=consented, headshot=headshot))
    export = services.export_create(actor=hr)
    export.refresh_from_db()
    archive = zipfile.ZipFile(io.BytesIO(media.get(export.storage_key)))
    [master, *sizes] = sorted((n for n in archive.namelist() if n.endswith(".jpg")), key=lambda n: n.count("/"))
    assert sizes
    _assert_disclosed(archive.read(master))
    for name in sizes:
        data = archive.read(name)
        assert disclosure.digital_source_type(data) == disclosure.STUDIO_COMPOSITE
        manifest = disclosure.read_manifest(data)
        [actions] = [a for a in manifest["assertions"] if a["label"].startswith("c2pa.actions")]
        assert [a["action"] for a in actions["data"]["actions"]] == ["c2pa.opened", "c2pa.resized"]
        assert [i["relationship"] for i in manifest["ingredients"]] == ["parentOf"]
