"""The demo matters: built through the services, idempotent, in many states."""

from __future__ import annotations

import io

import pytest

from pingan.audit.verify import verify_chain
from pingan.demo_data import matters as demo
from pingan.matters.models import Matter


@pytest.mark.django_db
def test_demo_builds_about_200_matters_once(units, make_user, anchor_as_committed):
    make_user("security_admin", username="secadmin")
    make_user("dispatcher", username="dispatcher")
    make_user("handler", unit="BZ01", username="handler")
    out = io.StringIO()
    demo.build(history=[], live="2026-10", version=None, out=out)
    assert Matter.objects.count() == 200
    statuses = set(Matter.objects.values_list("status", flat=True))
    assert {"received", "dispatched", "signed", "closed", "visited", "rejected"} <= statuses
    assert Matter.objects.filter(overdue=True).exists()
    assert Matter.objects.values("responsible_unit").distinct().count() >= 4
    demo.build(history=[], live="2026-10", version=None, out=out)
    assert Matter.objects.count() == 200
    assert "already present" in out.getvalue()
    anchor_as_committed()
    assert verify_chain().ok
