"""Privacy by design: encryption at rest, retention purge with an intact audit chain."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

import pytest
from django.db import connection

from pingan.audit.verify import verify_chain
from pingan.core.access.actor import job_actor
from pingan.matters import crypto
from pingan.matters.actions import intake, personal_data, workflow
from pingan.matters.models import Attachment, Matter
from pingan.matters.statistics import statistics
from tests.matters.conftest import PHONE, at

PARTY_PHONE = "13800001111"


def _database_bytes() -> bytes:
    if connection.vendor == "sqlite":
        path = Path(tempfile.mkdtemp(prefix="pingan-db-")) / "copy.sqlite3"
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(path)])
        return path.read_bytes()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
        )
        tables = [row[0] for row in cursor.fetchall()]
        dump = []
        for table in tables:
            cursor.execute('SELECT t::text FROM "%s" AS t' % table)
            dump.extend(row[0] for row in cursor.fetchall())
    return "\n".join(dump).encode("utf-8")


@pytest.mark.django_db(transaction=True)
def test_database_holds_no_phone_number_in_clear(people, new_matter):
    matter = new_matter()
    personal_data.reveal_personal(actor=people["dispatcher"][1], matter_id=matter.pk)
    raw = _database_bytes()
    assert len(raw) > 10_000
    assert matter.number.encode() in raw
    assert PHONE.encode() not in raw and PARTY_PHONE.encode() not in raw
    assert "张三".encode() not in raw


def test_encryption_round_trip_and_tamper_detection():
    sealed = crypto.encrypt(PHONE)
    assert sealed.startswith("v1:") and PHONE not in sealed
    assert crypto.decrypt(sealed) == PHONE
    assert crypto.encrypt(PHONE) != sealed
    assert (crypto.encrypt(""), crypto.decrypt("")) == ("", "")
    broken = sealed[:-4] + ("AAAA" if not sealed.endswith("AAAA") else "BBBB")
    with pytest.raises(Exception):  # noqa: B017 - any failure to authenticate
        crypto.decrypt(broken)
    assert (crypto.mask_phone(PHONE), crypto.mask_name("张三丰")) == ("139******78", "张**")


def _finished(people, units, new_matter, archived_on: str, **extra):
    centre, handler = people["dispatcher"][1], people["handler"][1]
    matter = new_matter(now=at("2025-09-01"), **extra)
    workflow.dispatch(
        actor=centre,
        matter_id=matter.pk,
        unit_id=units["BZ01"].pk,
        handler_id=people["handler"][0].pk,
        now=at("2025-09-01", 11),
    )
    workflow.sign_for(actor=handler, matter_id=matter.pk, now=at("2025-09-02"))
    workflow.give_feedback(
        actor=handler,
        matter_id=matter.pk,
        account="已调解",
        outcome="resolved",
        now=at("2025-09-03"),
    )
    workflow.review(actor=centre, matter_id=matter.pk, accept=True, now=at("2025-09-03", 15))
    workflow.follow_up(
        actor=centre, matter_id=matter.pk, satisfaction=4, resolved=True, now=at("2025-09-05")
    )
    return workflow.archive(actor=centre, matter_id=matter.pk, now=at(archived_on))


@pytest.mark.django_db
def test_retention_purge_erases_personal_data_keeps_statistics_and_the_chain(
    people, units, new_matter, anchor_as_committed
):
    png = b"\x89PNG\r\n\x1a\n" + b"1" * 50
    old = _finished(
        people,
        units,
        new_matter,
        "2025-09-10",
        uploads=[intake.Upload("p.png", "image/png", png)],
    )
    recent = _finished(people, units, new_matter, "2026-06-01")
    stored = Attachment.objects.get(matter=old).file.path
    assert os.path.exists(stored)
    window = {
        "first": dt.date(2025, 9, 1),
        "last": dt.date(2025, 9, 30),
        "today": dt.date(2027, 1, 1),
    }
    before = statistics(actor=people["analyst"][1], **window).total
    erased = personal_data.purge_personal_data(actor=job_actor("test"), now=at("2027-09-11"))
    assert erased == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (
        old.reporter_phone_enc,
        old.party_contact_enc,
        old.parties_enc,
        old.reporter_name_enc,
    ) == ("", "", "", "")
    assert old.personal_erased_at is not None and recent.personal_erased_at is None
    assert crypto.decrypt(recent.reporter_phone_enc) == PHONE
    assert not Attachment.objects.filter(matter=old).exists() and not os.path.exists(stored)
    after = statistics(actor=people["analyst"][1], **window).total
    assert (after.received, after.closed, after.closed_on_time, after.rates) == (
        before.received,
        before.closed,
        before.closed_on_time,
        before.rates,
    )
    assert personal_data.purge_personal_data(actor=job_actor("test"), now=at("2027-09-12")) == 0
    anchor_as_committed()
    verdict = verify_chain()
    assert verdict.ok, verdict.reason
    assert Matter.objects.get(pk=old.pk).status == "archived"
