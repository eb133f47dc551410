"""A real worker retries an invitation mail until the mail server answers, and records each try."""

from __future__ import annotations

import time

import pytest

from teams import services
from teams.models import Delivery, Invitation
from tests.smtpserver import SmtpServer, free_port
from tests.worker_support import NEEDS_SERVICES, celery_worker, services_running, tasks_sent_to_redis

pytestmark = [pytest.mark.worker, pytest.mark.skipif(not services_running(), reason=NEEDS_SERVICES)]


def _wait(invitation_id, delivery: str, timeout: float = 60) -> Invitation:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        invitation = Invitation.objects.get(pk=invitation_id)
        if invitation.delivery == delivery:
            return invitation
        time.sleep(0.3)
    return invitation


@pytest.mark.django_db(transaction=True)
def test_a_failed_send_is_retried_by_the_worker_until_it_is_delivered(admin, tmp_path, monkeypatch):
    port = free_port()
    monkeypatch.setenv("EMAIL_URL", f"smtp://127.0.0.1:{port}")  # nothing listens there yet
    monkeypatch.setenv("MAIL_RETRY_SECONDS", "2")
    server = SmtpServer(port=port)
    email = f"patient@{admin.organization.allowed_domains[0]}"
    with celery_worker(queues="default", log=tmp_path / "worker.log") as log, tasks_sent_to_redis():
        issued = services.invitation_create(actor=admin, email=email)  # the task is sent on commit
        failed = _wait(issued.invitation.id, Delivery.FAILED)
        assert failed.delivery == Delivery.FAILED, log.read_text()
        assert "Connection refused" in failed.delivery_error or "Errno" in failed.delivery_error
        server.start()
        try:
            sent = _wait(issued.invitation.id, Delivery.SENT)
        finally:
            server.stop()
    assert sent.delivery == Delivery.SENT, log.read_text()
    assert sent.send_attempts >= 2 and sent.delivery_error == ""
    [mail] = server.inbox.to(email)
    assert "/invite/" in mail.get_body(preferencelist=("plain",)).get_content()
    assert "retry" in log.read_text().lower()
