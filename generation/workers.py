"""Worker process hooks: every worker checks its model files at start; a GPU
worker loads its diffusion pipelines once.

Each prefork child that consumes the ``gpu`` queue loads the pipelines of
every current diffusion style when it starts (``worker_process_init``) and
keeps them warm for every job it runs. A style whose model cannot load is
logged here; ``manage.py warm_models`` run before the worker is what makes
a deploy fail fast.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import current_app
from celery.signals import worker_init, worker_process_init
from django.conf import settings

from compliance.personal_data import personal_data_check

from .checks import pinned_models_present

log = logging.getLogger(__name__)


def consumes_gpu_queue() -> bool:
    return "gpu" in (current_app.amqp.queues.consume_from or {})


def should_warm() -> bool:
    flag = settings.DIFFUSION_WARM_ON_START
    return flag == "1" or (flag == "auto" and consumes_gpu_queue())


@worker_init.connect
def refuse_to_start_without_models(**_kwargs: Any) -> None:
    """Celery runs no Django system checks: a worker checks the pinned model files, and that
    every model holding member data has a personal-data handler, itself."""
    errors = [*pinned_models_present(), *personal_data_check()]
    if errors:
        raise SystemExit("; ".join(f"{e.msg} ({e.hint})" for e in errors))


@worker_process_init.connect
def warm_diffusion_pipelines(**_kwargs: Any) -> None:
    if not should_warm():
        return
    from .engines.diffusion.warm import current_diffusion_styles, warm_style

    for style in current_diffusion_styles():
        try:
            log.info("warm diffusion model %s for style %s", warm_style(style), style.style_id)
        except Exception:
            log.exception("could not warm diffusion style %s", style.style_id)
