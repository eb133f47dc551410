"""Every output says what it is: IPTC DigitalSourceType in XMP, and a signed C2PA manifest.

Studio outputs are real photos of the person composited onto a backdrop the
program draws (a solid colour, a gradient, or a brand image): IPTC's
``compositeSynthetic`` ("mix or composite of several elements, at least one of
which is synthetic") fits. The backdrop is made by a plain algorithm, not a
trained model, so the ``...WithTrainedAlgorithmicMedia`` terms would overstate
it; ``digitalCapture`` would hide the edit. The segmentation model only
decides which captured pixels to keep. Generative engines pass
``TRAINED_COMPOSITE`` instead.
"""

from __future__ import annotations

import datetime
import io
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from PIL import Image

from .io import without_metadata

IPTC = "http://cv.iptc.org/newscodes/digitalsourcetype/"
STUDIO_COMPOSITE = IPTC + "compositeSynthetic"
TRAINED_COMPOSITE = IPTC + "compositeWithTrainedAlgorithmicMedia"
GENERATOR = {"name": "headshots", "version": "1"}

XMP_TEMPLATE = (
    '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    '<rdf:Description rdf:about="" xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/" '
    'Iptc4xmpExt:DigitalSourceType="{term}"/></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
)


def xmp_packet(term: str) -> bytes:
    return XMP_TEMPLATE.format(term=term).encode()


def digital_source_type(data: bytes) -> str | None:
    """Read the IPTC DigitalSourceType back from a JPEG's XMP."""
    xmp = Image.open(io.BytesIO(data)).info.get("xmp", b"")
    text = xmp.decode(errors="replace") if isinstance(xmp, bytes) else str(xmp)
    marker = 'DigitalSourceType="'
    if marker not in text:
        return None
    return text.split(marker, 1)[1].split('"', 1)[0]


def _manifest(term: str, title: str) -> str:
    action = {"action": "c2pa.created", "digitalSourceType": term, "softwareAgent": GENERATOR}
    return json.dumps(
        {
            "claim_generator_info": [GENERATOR],
            "title": title,
            "format": "image/jpeg",
            "assertions": [{"label": "c2pa.actions", "data": {"actions": [action]}}],
        }
    )


def _signed(image: Image.Image, term: str, quality: int, builder: Any) -> bytes:
    import c2pa

    plain = io.BytesIO()
    without_metadata(image).save(plain, "JPEG", quality=quality, optimize=True, xmp=xmp_packet(term))
    key, cert = signing_pair()
    signer = c2pa.Signer.from_info(c2pa.C2paSignerInfo(b"es256", cert, key, None))
    signed = io.BytesIO()
    builder.sign(signer, "image/jpeg", io.BytesIO(plain.getvalue()), signed)
    return signed.getvalue()


def disclose_jpeg(
    image: Image.Image,
    *,
    term: str = STUDIO_COMPOSITE,
    title: str = "headshot.jpg",
    quality: int = 92,
) -> bytes:
    """Encode as JPEG (no EXIF) with the XMP DigitalSourceType, then sign a C2PA manifest into it."""
    import c2pa

    return _signed(image, term, quality, c2pa.Builder(_manifest(term, title)))


def disclose_derived(image: Image.Image, *, master: bytes, title: str, quality: int = 92) -> bytes:
    """A resized copy of a disclosed master: same XMP term, and a C2PA manifest whose
    parent ingredient is the master (with its own manifest), so the chain reads back."""
    import c2pa

    term = digital_source_type(master) or STUDIO_COMPOSITE
    actions = [
        {"action": "c2pa.opened", "parameters": {"ingredientIds": ["master"]}},
        {"action": "c2pa.resized"},
    ]
    builder = c2pa.Builder(
        json.dumps(
            {
                "claim_generator_info": [GENERATOR],
                "title": title,
                "format": "image/jpeg",
                "assertions": [{"label": "c2pa.actions", "data": {"actions": actions}}],
            }
        )
    )
    ingredient = {"title": "master.jpg", "relationship": "parentOf", "label": "master"}
    builder.add_ingredient(json.dumps(ingredient), "image/jpeg", io.BytesIO(master))
    return _signed(image, term, quality, builder)


def read_manifest(data: bytes) -> dict:
    """The active C2PA manifest of a JPEG (raises c2pa.C2paError when there is none)."""
    import c2pa

    store = json.loads(c2pa.Reader("image/jpeg", io.BytesIO(data)).json())
    return store["manifests"][store["active_manifest"]]


@lru_cache(maxsize=1)
def signing_pair() -> tuple[bytes, bytes]:
    """(private key PEM, certificate chain PEM) from settings, or a dev pair made once under VAR_DIR."""
    key_path, cert_path = settings.C2PA_SIGNING_KEY, settings.C2PA_SIGNING_CERT
    if key_path and cert_path:
        return Path(key_path).read_bytes(), Path(cert_path).read_bytes()
    folder = Path(settings.VAR_DIR) / "c2pa"
    key_file, cert_file = folder / "dev-signer.key", folder / "dev-signer-chain.pem"
    if not (key_file.is_file() and cert_file.is_file()):
        folder.mkdir(parents=True, exist_ok=True)
        key, chain = make_dev_pair()
        key_file.write_bytes(key)
        key_file.chmod(0o600)
        cert_file.write_bytes(chain)
    return key_file.read_bytes(), cert_file.read_bytes()


def make_dev_pair(common_name: str = "Headshots dev signer") -> tuple[bytes, bytes]:
    """An ES256 leaf signed by a throwaway CA (C2PA refuses a bare self-signed leaf).
    Validators report it as untrusted: fine for development, not for production."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    def name(cn: str) -> x509.Name:
        return x509.Name(
            [
                x509.NameAttribute(NameOID.COMMON_NAME, cn),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Headshots"),
            ]
        )

    def usage(*, sign: bool, ca: bool) -> x509.KeyUsage:
        return x509.KeyUsage(sign, False, False, False, False, ca, ca, False, False)

    now = datetime.datetime.now(datetime.UTC)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())

    def builder(subject: str, public_key: ec.EllipticCurvePublicKey) -> x509.CertificateBuilder:
        return (
            x509.CertificateBuilder()
            .subject_name(name(subject))
            .issuer_name(name("Headshots dev CA"))
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=3650))
        )

    ca = (
        builder("Headshots dev CA", ca_key.public_key())
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(usage(sign=False, ca=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    leaf = (
        builder(common_name, key.public_key())
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage(sign=True, ca=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    key_pem = key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return key_pem, leaf.public_bytes(pem) + ca.public_bytes(pem)
