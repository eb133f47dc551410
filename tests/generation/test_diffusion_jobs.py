"""Diffusion jobs through the services: routing, storage, redelivery, warm-up."""

from __future__ import annotations

from datetime import timedelta

import pytest
from celery.signals import before_task_publish
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from config.celery import app
from core import media
from generation import services
from generation.engines.diffusion import pipeline
from generation.models import Engine, JobStatus
from generation.tasks import render_job_task
from generation.workers import consumes_gpu_queue, warm_diffusion_pipelines
from tests import factories
from tests.generation import diffusion_fixtures
from tests.generation.diffusion_fixtures import tiny_options

tiny_sdxl = diffusion_fixtures.tiny_sdxl  # the session fixture


@pytest.fixture
def diffusion_style(admin, tiny_sdxl):
    return services.brand_style_update(
        actor=admin,
        changes={
            "engine": Engine.DIFFUSION,
            "output_width": 256,
            "output_height": 256,
            "variant_count": 3,
            "attire": "a charcoal suit",
            "options": tiny_options(tiny_sdxl),
        },
    )


@pytest.fixture
def ready(consented, astronaut_png):
    """A consenting employee with a usable selfie."""
    assert factories.selfie(actor=consented, data=astronaut_png).usable
    return consented


def purge(*queues: str) -> None:
    with app.connection_for_write() as conn:
        for queue in queues:
            conn.default_channel.queue_purge(queue)


@pytest.fixture
def published():
    """The queue each task message is published to (eager mode off for the test)."""
    seen: list[tuple[str, str]] = []

    def record(sender=None, routing_key=None, **_):
        seen.append((sender, routing_key))

    purge("gpu", "default")
    before_task_publish.connect(record, weak=False)
    eager, app.conf.task_always_eager = app.conf.task_always_eager, False
    yield seen
    app.conf.task_always_eager = eager
    before_task_publish.disconnect(record)
    purge("gpu", "default")


@pytest.mark.django_db(transaction=True)
def test_diffusion_jobs_go_to_the_gpu_queue(diffusion_style, ready, published):
    job = services.job_enqueue(actor=ready, idempotency_key="routing")
    assert job.engine == Engine.DIFFUSION
    assert published == [("generation.tasks.render_job_task", "gpu")]
    if settings.REDIS_URL:  # the message waits in the Redis list that KEDA scales on
        import redis

        assert redis.Redis.from_url(settings.REDIS_URL).llen("gpu") == 1


@pytest.mark.django_db(transaction=True)
def test_studio_jobs_stay_on_the_default_queue(ready, published):
    services.job_enqueue(actor=ready, idempotency_key="routing")
    assert published == [("generation.tasks.render_job_task", "default")]


@pytest.mark.django_db(transaction=True)
def test_a_diffusion_job_stores_n_headshots_and_reports_its_steps(diffusion_style, ready):
    job = services.job_enqueue(actor=ready, idempotency_key="render")
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert (job.progress_step, job.progress_total) == (2, 2)
    shots = list(job.headshots.order_by("variant_index"))
    assert [s.variant_index for s in shots] == [0, 1, 2]
    assert all((s.width, s.height) == (256, 256) for s in shots)
    assert all(media.get(s.storage_key)[:2] == b"\xff\xd8" for s in shots)


@pytest.mark.django_db
def test_a_redelivered_task_leaves_exactly_n_headshots(diffusion_style, ready):
    job = services.job_enqueue(actor=ready, idempotency_key="twice")  # not run: no commit here
    render_job_task(str(job.id))
    render_job_task(str(job.id))  # redelivered after success: claims nothing
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.headshots.count() == 3
    keys = sorted(job.headshots.values_list("storage_key", flat=True))

    # A delivery that ran again before the first one's ack: same keys, overwritten.
    type(job).objects.filter(pk=job.pk).update(status=JobStatus.QUEUED)
    render_job_task(str(job.id))
    assert job.headshots.count() == 3
    assert sorted(job.headshots.values_list("storage_key", flat=True)) == keys
    prefix = keys[0].rsplit("/", 1)[0] + "/"
    assert media.list_prefix(prefix) == keys


@pytest.mark.django_db
def test_a_task_redelivered_after_its_worker_died_finishes_the_job_once(diffusion_style, ready):
    job = services.job_enqueue(actor=ready, idempotency_key="died")
    render_job_task(str(job.id))
    keys = sorted(job.headshots.values_list("storage_key", flat=True))
    # The worker died after writing, before finishing: the job is left "running".
    type(job).objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)

    render_job_task(str(job.id))  # redelivered at once: the first run may still be alive
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING and job.attempts == 1

    silent = timezone.now() - timedelta(seconds=settings.JOB_HEARTBEAT_TIMEOUT_SECONDS + 1)
    type(job).objects.filter(pk=job.pk).update(heartbeat_at=silent)
    assert services.jobs_sweep().requeued == 1  # the heartbeat stopped: back to the queue
    render_job_task(str(job.id))  # the sweep's message (sent on commit, outside this test's transaction)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.attempts == 2
    assert sorted(job.headshots.values_list("storage_key", flat=True)) == keys


@pytest.mark.django_db(transaction=True)
def test_a_style_whose_model_is_missing_fails_the_job_with_the_reason(admin, ready, settings, tmp_path):
    settings.MODELS_DIR = tmp_path
    services.brand_style_update(
        actor=admin,
        changes={
            "engine": Engine.DIFFUSION,
            "options": tiny_options("acme/missing-sdxl"),
        },
    )
    job = services.job_enqueue(actor=ready, idempotency_key="missing")
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "hub downloads are off" in job.error
    assert job.headshots.count() == 0


@pytest.mark.django_db
def test_warm_models_loads_every_current_diffusion_style(diffusion_style, capsys):
    call_command("warm_models")
    assert f"ok {diffusion_style.options['model']}" in capsys.readouterr().out


@pytest.mark.django_db
def test_warm_models_fails_naming_a_model_it_cannot_load(tmp_path):
    with pytest.raises(CommandError, match="cannot load diffusion model"):
        call_command("warm_models", "--model", str(tmp_path / "no-such-model"))


@pytest.mark.django_db
def test_warm_models_rejects_a_folder_that_is_not_sdxl(tmp_path):
    (tmp_path / "model_index.json").write_text('{"_class_name": "StableDiffusionXLInpaintPipeline"}')
    with pytest.raises(CommandError):
        call_command("warm_models", "--model", str(tmp_path))


@pytest.mark.django_db
def test_a_gpu_worker_process_loads_the_pipelines_when_it_starts(diffusion_style, settings):
    pipeline.unload_all()
    settings.DIFFUSION_WARM_ON_START = "0"
    warm_diffusion_pipelines()
    assert pipeline.loaded_sources() == []
    settings.DIFFUSION_WARM_ON_START = "auto"
    assert not consumes_gpu_queue()  # the test process consumes no queue
    warm_diffusion_pipelines()
    assert pipeline.loaded_sources() == []
    settings.DIFFUSION_WARM_ON_START = "1"
    warm_diffusion_pipelines()
    assert pipeline.loaded_sources() == [diffusion_style.options["model"]]


@pytest.mark.django_db
def test_warm_models_fails_for_a_style_whose_identity_adapter_is_missing(admin, tiny_sdxl):
    options = tiny_options(tiny_sdxl, mode="generate", adapter="photomaker-v1")
    services.brand_style_update(actor=admin, changes={"engine": Engine.DIFFUSION, "options": options})
    with pytest.raises(CommandError, match="photomaker-v1.*not installed"):
        call_command("warm_models")
