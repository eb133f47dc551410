"""The likeness and skin-tone guards, alone and in the job's loop."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from core import media
from generation import services
from generation.engines.base import RenderedVariant, StyleSpec
from generation.engines.studio import StudioEngine, compose
from generation.imaging.colour import skin_lab
from generation.imaging.faces import detect_faces, face_descriptor
from generation.imaging.guards import Reference, check_output
from generation.imaging.io import decode_upload
from generation.models import BrandStyle, JobStatus
from tests import factories

STYLE = StyleSpec(style_id="test", version=1, engine="studio", output_width=512, output_height=512)


@cache
def _selfie(path: str):
    photo = decode_upload(Path(path).read_bytes()).image
    face = detect_faces(photo)[0]
    return photo, face_descriptor(photo, face), skin_lab(photo, face.landmarks)


def _reference(*paths: Path) -> Reference:
    measured = [_selfie(str(p)) for p in paths]
    return Reference.from_selfies([m[1] for m in measured], [m[2] for m in measured])


def _shift_skin(composed, shift=(1.25, 0.95, 0.8)) -> Image.Image:
    pixels = np.asarray(composed.image, dtype=np.float32)
    pixels[composed.face_mask] *= np.array(shift, dtype=np.float32)
    return Image.fromarray(pixels.clip(0, 255).astype(np.uint8))


def test_an_honest_output_passes_both_guards(faces_dir):
    composed = compose(_selfie(str(faces_dir / "obama/obama_1.jpg"))[0], STYLE, 0)
    result = check_output(
        composed.image,
        _reference(faces_dir / "obama/obama_1.jpg", faces_dir / "obama/obama_4.jpg"),
        likeness_threshold=0.5,
        skin_threshold=5,
    )
    assert result.passed, result.figures
    assert result.figures["likeness_distance"] < 0.5 and result.figures["skin_delta_e"] < 5


def test_the_skin_tone_guard_fails_an_output_whose_skin_was_shifted(faces_dir):
    composed = compose(_selfie(str(faces_dir / "obama/obama_1.jpg"))[0], STYLE, 0)
    result = check_output(
        _shift_skin(composed),
        _reference(faces_dir / "obama/obama_1.jpg"),
        likeness_threshold=0.5,
        skin_threshold=5,
    )
    assert result.failures == ["skin_tone"] and result.figures["skin_delta_e"] > 5


def test_the_likeness_guard_fails_someone_else(faces_dir):
    composed = compose(_selfie(str(faces_dir / "biden/biden_2.jpg"))[0], STYLE, 0)
    result = check_output(
        composed.image,
        _reference(faces_dir / "obama/obama_1.jpg"),
        likeness_threshold=0.5,
        skin_threshold=50,
    )
    assert result.failures == ["likeness"] and result.figures["likeness_distance"] > 0.6


def test_the_guards_measure_the_face_where_the_studio_put_it_without_searching_again(faces_dir, monkeypatch):
    selfie = faces_dir / "obama/obama_1.jpg"
    composed = compose(_selfie(str(selfie))[0], STYLE, 0)
    reference = _reference(selfie, faces_dir / "obama/obama_4.jpg")
    searched = check_output(composed.image, reference, likeness_threshold=0.5, skin_threshold=5)

    def no_search(image):
        raise AssertionError("the guard searched the output for a face the engine had placed")

    monkeypatch.setattr("generation.imaging.guards.find_face", no_search)
    placed = check_output(composed.image, reference, likeness_threshold=0.5, skin_threshold=5, face=composed.face)
    assert placed.passed, placed.figures
    assert abs(placed.figures["likeness_distance"] - searched.figures["likeness_distance"]) < 0.05
    assert abs(placed.figures["skin_delta_e"] - searched.figures["skin_delta_e"]) < 1


def test_a_placed_face_is_still_judged_on_the_outputs_own_pixels(faces_dir):
    """An engine that says the face is where there is only backdrop, or someone else, gets no pass."""
    composed = compose(_selfie(str(faces_dir / "obama/obama_1.jpg"))[0], STYLE, 0)
    reference = _reference(faces_dir / "obama/obama_1.jpg")
    face = composed.face
    assert face is not None
    left, top, right, bottom = face.box
    shift = np.array([-left + 2, -top + 2])  # the same box moved into the top-left corner: backdrop
    elsewhere = type(face)(
        box=(2, 2, right - left + 2, bottom - top + 2), landmarks=face.landmarks + shift, score=face.score
    )
    assert not check_output(composed.image, reference, likeness_threshold=0.5, skin_threshold=50, face=elsewhere).passed
    someone_else = compose(_selfie(str(faces_dir / "biden/biden_2.jpg"))[0], STYLE, 0)
    result = check_output(
        someone_else.image, reference, likeness_threshold=0.5, skin_threshold=50, face=someone_else.face
    )
    assert result.failures == ["likeness"]


def test_an_output_without_a_face_fails():
    result = check_output(
        Image.new("RGB", (256, 256), "white"),
        Reference(np.zeros(128), ()),
        likeness_threshold=0.5,
        skin_threshold=5,
    )
    assert not result.passed and result.failures == ["no_face"]


def _member_with_selfie(member, path: Path, variants: int = 1):
    factories.selfie(actor=member, data=path.read_bytes())
    BrandStyle.objects.filter(organization=member.organization).update(
        variant_count=variants, output_width=512, output_height=512
    )


class SkinShiftingOnFirstTry(StudioEngine):
    """An engine that gets the skin wrong on its first attempt: the job must not keep that output."""

    def render(self, request, variants, *, attempt=0, progress=None):
        if attempt > 0:
            return super().render(request, variants, attempt=attempt, progress=progress)
        out = []
        for index in variants:
            composed = compose(request.photos[0], request.style, index)
            out.append(RenderedVariant(index=index, image=_shift_skin(composed), face=composed.face))
        return out


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_failing_output_is_replaced_and_recorded(consented, faces_dir, monkeypatch, run_on_commit):
    from generation.services import jobs

    _member_with_selfie(consented, faces_dir / "obama/obama_1.jpg")
    monkeypatch.setattr(jobs, "get_engine", lambda name: SkinShiftingOnFirstTry())
    job = services.job_enqueue(actor=consented, idempotency_key="guarded")
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    [failure] = job.report["guard_failures"]
    assert failure["variant"] == 0 and failure["attempt"] == 0 and failure["failed"] == ["skin_tone"]
    assert failure["skin_delta_e"] > 5 and failure["skin_threshold"] == 5
    [headshot] = job.headshots.all()
    assert headshot.guards["skin_delta_e"] < 5 and headshot.guards["likeness_distance"] < 0.5
    stored = np.asarray(Image.open(io.BytesIO(media.get(headshot.storage_key))), dtype=np.float32)
    assert stored.shape[:2] == (512, 512)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_when_no_output_passes_the_job_fails_after_bounded_attempts(consented, faces_dir, run_on_commit):
    from generation.services.jobs import MAX_ATTEMPTS

    _member_with_selfie(consented, faces_dir / "obama/obama_1.jpg")
    consented.organization.likeness_threshold = 0.0  # nothing can be this close
    consented.organization.save(update_fields=["likeness_threshold"])
    job = services.job_enqueue(actor=consented, idempotency_key="impossible")
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "likeness" in job.error
    assert job.headshots.count() == 0
    failures = job.report["guard_failures"]
    assert [f["attempt"] for f in failures] == list(range(MAX_ATTEMPTS))
    assert all(f["failed"] == ["likeness"] and f["likeness_distance"] > 0 for f in failures)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_guards_measure_each_distinct_face_of_a_job_once(consented, faces_dir, monkeypatch, run_on_commit):
    """Four studio variants show two cut-outs: variants that differ only in backdrop or crop have the
    same face pixels, so the likeness and skin figures are measured twice, not four times."""
    from generation.imaging import guards

    _member_with_selfie(consented, faces_dir / "obama/obama_4.jpg", variants=4)
    calls = []
    real = guards.check_output
    monkeypatch.setattr(guards, "check_output", lambda *a, **k: calls.append(1) or real(*a, **k))
    job = services.job_enqueue(actor=consented, idempotency_key="four")
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.headshots.count() == 4 and len(calls) == 2
    assert all(h.guards["likeness_distance"] < 0.5 for h in job.headshots.all())
