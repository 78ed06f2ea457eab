"""Of 20 concurrent approvals of one submission exactly one succeeds; the rest get a Conflict."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from pingan.core.problems import Conflict
from pingan.reporting import services
from pingan.reporting.models import Status, Submission, SubmissionEvent
from tests.reporting.conftest import MONTH, full

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.concurrency]


def test_twenty_concurrent_approvals_exactly_one_wins(staff, police):
    if connection.vendor == "sqlite":
        assert connection.settings_dict["NAME"] != ":memory:" and "mode=memory" not in str(
            connection.settings_dict["NAME"]
        )
    draft = services.create_submission(actor=staff["clerk"], body_id=police.pk, month=MONTH)
    services.put_cells(actor=staff["clerk"], submission_id=draft.pk, records=full(1))
    services.submit(actor=staff["clerk"], submission_id=draft.pk)
    services.review(actor=staff["reviewer"], submission_id=draft.pk)
    barrier = threading.Barrier(20)
    outcomes: list[str] = []
    lock = threading.Lock()

    def approve() -> None:
        try:
            barrier.wait()
            services.approve(actor=staff["approver"], submission_id=draft.pk)
            result = "ok"
        except Conflict:
            result = "conflict"
        except Exception as exc:  # pragma: no cover - reported in the assertion below
            result = "error: %r" % exc
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=approve) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict"] * 19 + ["ok"]
    final = Submission.objects.get(pk=draft.pk)
    assert (final.status, final.is_current) == (Status.APPROVED, True)
    assert SubmissionEvent.objects.filter(submission=draft, step="approve").count() == 1
