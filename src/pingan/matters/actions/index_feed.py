"""Feeding the index: monthly counts of matters filled into a body's draft submission."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from pingan.audit.events import Event
from pingan.audit.services import record_event
from pingan.core.access.actor import Actor
from pingan.core.access.permissions import require
from pingan.core.problems import InputRefused, Problem
from pingan.matters.models import CategoryGroup, IndexFeed
from pingan.matters.statistics import monthly_counts
from pingan.reporting.filling import put_cells
from pingan.reporting.models import Submission
from pingan.reporting.submissions import catalogue_for, create_submission


def save_index_feed(
    *, actor: Actor, indicator_code: str, category_group_code: str = ""
) -> IndexFeed:
    """Feed a scheme indicator with monthly counts of matters (of one category group, or all)."""
    require(actor, "matters.configure")
    problems = []
    group = None
    if category_group_code:
        group = CategoryGroup.objects.filter(code=category_group_code).first()
        if group is None:
            problems.append(Problem(None, "group", _("unknown group")))
    indicator_code = (indicator_code or "").strip()
    if not indicator_code or len(indicator_code) > 64:
        problems.append(Problem(None, "indicator", _("name an indicator code")))
    if problems:
        raise InputRefused(problems)
    with transaction.atomic():
        feed, _created = IndexFeed.objects.update_or_create(
            indicator_code=indicator_code, defaults={"category_group": group}
        )
        record_event(actor=actor, event=Event.MATTERS_INDEX_FEED_SAVE, obj=feed)
    return feed


def create_index_submission(*, actor: Actor, month: str, indicator_code: str) -> Submission:
    """Create (or refill) the draft submission of monthly matter counts for a scheme indicator.

    The indicator's reporting body (e.g. the stability office running the centre) files it: the
    actor must be that body's clerk. Only the cells of this indicator are filled; the draft then
    goes through the body's normal review and approval, nothing is approved here. The draft, its
    cells and the audit record are written in one transaction: a failure at any step leaves no
    draft behind.
    """
    require(actor, "matters.index_submit")
    feed = _feed_of(indicator_code)
    catalogue = catalogue_for()
    if indicator_code not in catalogue.indicators:
        raise InputRefused(
            [Problem(None, "indicator", _("the current scheme has no such indicator"))]
        )
    body_id = catalogue.indicators[indicator_code][0]
    units = [
        unit for unit, code in catalogue.expected_cells(body_id, month) if code == indicator_code
    ]
    group = feed.category_group.code if feed.category_group else None
    counts = monthly_counts(month, unit_ids=[u.id for u in units], category_group=group)
    records = [(None, unit.code, indicator_code, month, counts[unit.id]) for unit in units]
    with transaction.atomic(durable=True):
        submission = create_submission(actor=actor, body_id=body_id, month=month)
        put_cells(actor=actor, submission_id=submission.pk, records=records)
        record_event(
            actor=actor, event=Event.MATTERS_INDEX_SUBMISSION_CREATE, object_type="reporting.submission",
            object_id=submission.pk, detail={"month": month, "indicator": indicator_code, "cells": len(records)},
        )  # fmt: skip
    return submission


def _feed_of(indicator_code: str) -> IndexFeed:
    feed = (
        IndexFeed.objects.select_related("category_group")
        .filter(indicator_code=indicator_code)
        .first()
    )
    if feed is None:
        raise InputRefused([Problem(None, "indicator", _("this indicator is not fed by matters"))])
    return feed
