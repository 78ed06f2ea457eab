"""Of 20 concurrent approvals of one submission exactly one succeeds; the rest get a Conflict."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from pingan.core.problems import Conflict
from pingan.reporting import filling, submissions
from pingan.reporting.models import Status, Submission, SubmissionEvent
from tests.reporting.conftest import MONTH, full

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.concurrency]


def test_twenty_concurrent_approvals_exactly_one_wins(staff, police):
    if connection.vendor == "sqlite":
        assert connection.settings_dict["NAME"] != ":memory:" and "mode=memory" not in str(
            connection.settings_dict["NAME"]
        )
    draft = submissions.create_submission(actor=staff["clerk"], body_id=police.pk, month=MONTH)
    filling.put_cells(actor=staff["clerk"], submission_id=draft.pk, records=full(1))
    submissions.submit(actor=staff["clerk"], submission_id=draft.pk)
    submissions.review(actor=staff["reviewer"], submission_id=draft.pk)
    barrier = threading.Barrier(20)
    outcomes: list[str] = []
    lock = threading.Lock()

    def approve() -> None:
        try:
            barrier.wait()
            submissions.approve(actor=staff["approver"], submission_id=draft.pk)
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


def test_concurrent_corrections_of_one_cell_exactly_one_wins_per_version(staff, police, approved):
    """Rounds of 6 clerks starting a correction of the current version at once, over HTTP."""
    from django.test import Client

    cell = {"unit": "A1", "indicator": "criminal"}
    clerk = staff["clerk"].user
    version = approved
    for round_number in range(1, 4):
        barrier = threading.Barrier(6)
        statuses: list[tuple[int, str]] = []
        lock = threading.Lock()

        def start(
            n: int,
            round_number: int,
            barrier: threading.Barrier,
            statuses: list[tuple[int, str]],
            lock: threading.Lock,
        ) -> None:
            client = Client(raise_request_exception=False)
            client.force_login(clerk)
            try:
                barrier.wait()
                response = client.post(
                    "/reporting/new/",
                    {
                        "body": police.pk,
                        "month": MONTH,
                        "correction": "1",
                        "reason": "round %d clerk %d" % (round_number, n),
                    },
                )
                result = (response.status_code, response.get("Location", ""))
            finally:
                connections.close_all()
            with lock:
                statuses.append(result)

        threads = [
            threading.Thread(target=start, args=(n, round_number, barrier, statuses, lock))
            for n in range(6)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(code for code, _url in statuses) == [302] * 6
        opened = [url for _code, url in statuses if url != "/reporting/"]
        assert len(opened) == 1
        correction = Submission.objects.get(status=Status.DRAFT)
        assert opened == ["/reporting/s/%d/" % correction.pk]
        assert correction.supersedes_id == version.pk and correction.reason.startswith(
            "round %d clerk" % round_number
        )
        filling.put_cells(
            actor=staff["clerk"],
            submission_id=correction.pk,
            records=[(1, cell["unit"], cell["indicator"], MONTH, 10 + round_number)],
        )
        submissions.submit(actor=staff["clerk"], submission_id=correction.pk)
        submissions.review(actor=staff["reviewer"], submission_id=correction.pk)
        version = submissions.approve(actor=staff["approver"], submission_id=correction.pk)
    versions = Submission.objects.filter(body=police, month=MONTH).order_by("number")
    assert [(s.number, s.is_current, s.supersedes_id) for s in versions] == [
        (1, False, None),
        (2, False, versions[0].pk),
        (3, False, versions[1].pk),
        (4, True, versions[2].pk),
    ]
    assert version.figures.get(unit__code="A1", indicator_code="criminal").value == 13
