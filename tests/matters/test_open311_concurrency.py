"""16 Open311 writers at once: every POST answers 201, each creates exactly one matter, and the
audit chain and its anchor end where they should."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connections
from django.test import Client

from pingan.audit.anchor import read_anchor
from pingan.audit.models import AuditHead
from pingan.audit.verify import verify_chain
from pingan.core.access.actor import command_line_actor
from pingan.matters.actions import api_keys
from pingan.matters.models import Matter

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.concurrency]

WRITERS, POSTS = 16, 4


def test_sixteen_concurrent_open311_writers_get_201_and_no_duplicate(units, settings, tmp_path):
    settings.PINGAN_HOME = tmp_path  # anchors of this test's chain only
    key = api_keys.create_api_key(actor=command_line_actor(), name="load test")[1]
    before = Matter.objects.count()
    barrier = threading.Barrier(WRITERS)
    statuses: list[int] = []
    lock = threading.Lock()

    def write(writer: int) -> None:
        client = Client(raise_request_exception=False)
        try:
            barrier.wait()
            for post in range(POSTS):
                response = client.post(
                    "/open311/v2/requests.json",
                    {
                        "api_key": key, "service_code": "property_fee", "address_id": "BZ0101",
                        "description": "writer %d post %d" % (writer, post),
                    },
                )  # fmt: skip
                with lock:
                    statuses.append(response.status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Counter(statuses) == {201: WRITERS * POSTS}
    descriptions = Counter(
        Matter.objects.exclude(pk__lte=before).values_list("description", flat=True)
    )
    assert len(descriptions) == WRITERS * POSTS and set(descriptions.values()) == {1}
    head = AuditHead.objects.get(pk=1)
    assert read_anchor(head.chain_id) == (head.seq, head.hash)
    verdict = verify_chain()
    assert (verdict.ok, verdict.head_seq) == (True, head.seq)
