"""Face descriptors: encrypted at the field level, keys rotate, and only behind a grant."""

from __future__ import annotations

import numpy as np
import pytest
from cryptography.fernet import Fernet

from compliance import crypto
from compliance.biometric import BiometricAccessDenied, biometric_grant, subject_access_grant
from compliance.services import ConsentRequired, consent_withdraw
from generation.services import selfie_descriptors_rotate
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def vector():
    return np.random.default_rng(7).normal(size=128)


@pytest.fixture
def grant(consented):
    return biometric_grant(member=consented)


def test_a_descriptor_round_trips_and_is_not_stored_in_clear(vector, grant):
    token = crypto.descriptor_encrypt(vector, grant=grant)
    assert vector.tobytes() not in token
    np.testing.assert_array_equal(crypto.descriptor_decrypt(token, grant=grant), vector)
    assert crypto.descriptor_decrypt(None, grant=grant) is None


def test_descriptors_need_a_live_processing_grant(vector, grant, consented):
    token = crypto.descriptor_encrypt(vector, grant=grant)
    with pytest.raises(BiometricAccessDenied):
        crypto.descriptor_decrypt(token, grant=None)
    with pytest.raises(BiometricAccessDenied):
        crypto.descriptor_decrypt(token, grant=subject_access_grant(member=consented))
    consent_withdraw(member=consented)
    with pytest.raises(ConsentRequired):
        crypto.descriptor_decrypt(token, grant=grant)
    with pytest.raises(ConsentRequired):
        crypto.descriptor_encrypt(vector, grant=grant)


def test_a_descriptor_of_the_wrong_shape_is_refused(grant):
    with pytest.raises(ValueError, match="128"):
        crypto.descriptor_encrypt(np.zeros(64), grant=grant)


def test_old_keys_still_decrypt_and_rotation_moves_to_the_new_key(settings, vector, grant):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    token = crypto.descriptor_encrypt(vector, grant=grant)
    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    np.testing.assert_array_equal(crypto.descriptor_decrypt(token, grant=grant), vector)
    rotated = crypto.rotate(token)
    settings.FIELD_ENCRYPTION_KEYS = [new]
    np.testing.assert_array_equal(crypto.descriptor_decrypt(rotated, grant=grant), vector)
    with pytest.raises(ValueError, match="no configured key"):
        crypto.descriptor_decrypt(token, grant=grant)


def test_the_field_encrypts_in_the_database_and_decrypts_on_load(vector):
    from django.db import connection

    field = crypto.EncryptedBinaryField()
    stored = field.get_db_prep_value(vector, connection)
    stored = bytes(getattr(stored, "obj", stored))  # psycopg wraps bytes in Binary
    assert stored != vector.tobytes()
    loaded = field.from_db_value(stored, None, connection)
    np.testing.assert_array_equal(np.frombuffer(loaded, dtype=np.float64), vector)
    assert field.get_db_prep_value(None, connection) is None


def test_the_embedded_default_key_is_derived_from_the_secret_key(settings):
    settings.FIELD_ENCRYPTION_KEYS = []
    assert crypto.keys() == (crypto.dev_key(settings.SECRET_KEY),)
    Fernet(crypto.dev_key("x").encode())  # a valid Fernet key


def test_the_rotation_command_runs_before_and_after_the_descriptor_column_exists():
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("rotate_field_keys", stdout=out)
    assert "re-encrypted" in out.getvalue()


def _raw_columns(selfie) -> tuple[bytes, bytes]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT phash, skin_lab FROM generation_selfie WHERE id = %s", [selfie.pk.hex])
        row = cursor.fetchone()
        if row is None:
            cursor.execute("SELECT phash, skin_lab FROM generation_selfie WHERE id = %s", [selfie.pk])
            row = cursor.fetchone()
    return bytes(row[0]), bytes(row[1])


def test_the_perceptual_hash_and_skin_colour_are_encrypted_at_rest(consented, astronaut_png, settings):
    from generation.models import Selfie

    selfie = factories.selfie(actor=consented, data=astronaut_png)
    stored = Selfie.objects.get(pk=selfie.pk)
    assert isinstance(stored.phash, str) and len(stored.phash) == 16
    assert len(stored.skin_lab) == 3
    phash, lab = _raw_columns(selfie)
    assert stored.phash.encode() not in phash and str(stored.skin_lab[0]).encode() not in lab
    assert crypto.decrypt(phash) == f'"{stored.phash}"'.encode()

    old = list(crypto.keys())  # the configured keys, or the embedded default
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), *old]
    assert selfie_descriptors_rotate() == 3  # descriptor, hash and skin colour
    settings.FIELD_ENCRYPTION_KEYS = settings.FIELD_ENCRYPTION_KEYS[:1]
    assert Selfie.objects.get(pk=selfie.pk).phash == stored.phash
