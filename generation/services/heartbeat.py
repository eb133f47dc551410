"""A running job's heartbeat: a thread in the worker process touches the row every few
seconds. It dies with the process (SIGKILL, the out-of-memory killer, a lost machine), so a
stale heartbeat means nobody is rendering the job any more (see jobs_sweep)."""

from __future__ import annotations

import logging
import threading
import uuid

from django.conf import settings
from django.db import connection
from django.utils import timezone

from ..models import GenerationJob, JobStatus

log = logging.getLogger(__name__)


class Heartbeat:
    def __init__(self, job_id: uuid.UUID | str, claim: uuid.UUID) -> None:
        self._job_id, self._claim = job_id, claim
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"heartbeat-{job_id}", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            while not self._stopped.wait(settings.JOB_HEARTBEAT_SECONDS):
                GenerationJob.objects.filter(pk=self._job_id, claim=self._claim, status=JobStatus.RUNNING).update(
                    heartbeat_at=timezone.now()
                )
        except Exception:  # a lost database must not kill the render; the sweep judges the silence
            log.exception("heartbeat for job %s stopped", self._job_id)
        finally:
            connection.close()  # this thread's own connection

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=5)
