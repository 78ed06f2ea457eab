"""Events: subscribers are found in each app's `subscribers.py` and run in the publisher's transaction."""

from __future__ import annotations

import pytest
from django.db import transaction

from pingan.core import events
from pingan.core.discovery import app_modules
from pingan.core.jobs import pending
from pingan.scores import tasks
from pingan.units.subscribers import (
    refuse_classes_outside_office,
    refuse_dropping_classes_in_use,
    refuse_links_out_of_class,
)
from pingan.warnings import tasks as warning_tasks


def test_the_apps_subscribers_are_collected_once_in_a_fixed_order():
    declaring = [label for label, module in app_modules("subscribers")]
    assert declaring == ["units", "scores", "warnings"]
    watches = [tasks.figures_changed, warning_tasks.figures_changed]
    assert events._subscribers[events.FIGURES_CHANGED] == watches
    assert events._subscribers[events.SCORES_STORED] == [warning_tasks.scores_stored]
    assert events._subscribers[events.MATTERS_TICKED] == [warning_tasks.matters_ticked]
    assert events._subscribers[events.SCHEME_CHANGED] == [
        refuse_dropping_classes_in_use,
        refuse_links_out_of_class,
        refuse_classes_outside_office,
        tasks.inputs_of_computed_quarters_changed,
    ]
    assert events._subscribers[events.COVARIATES_CHANGED] == [
        tasks.inputs_of_computed_quarters_changed
    ]
    events.subscribe_discovered()
    assert events._subscribers[events.FIGURES_CHANGED] == watches


@pytest.mark.django_db(transaction=True)
def test_an_event_owes_the_subscribers_job_with_the_publishers_commit():
    with transaction.atomic():
        events.publish(events.FIGURES_CHANGED, months=["2026-02", "2026-03"], reason="test")
    assert pending(tasks.recompute) == [{"quarters": ["2026Q1"], "reason": "test"}]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_publisher_leaves_no_job():
    class Refused(Exception):
        pass

    with pytest.raises(Refused), transaction.atomic():
        events.publish(events.FIGURES_CHANGED, months=["2026-04"], reason="test")
        assert pending(tasks.recompute) == [{"quarters": ["2026Q2"], "reason": "test"}]
        raise Refused
    assert pending(tasks.recompute) == []
