"""Reviewers' and approvers' comments on a submission, at any step: kept in its history, audited.

A comment changes nothing else: the status, the figures and the return reason stay as they are.
A return still takes its own required comment (`submissions.return_submission`).
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from pingan.audit.events import Event
from pingan.core.access.actor import Actor
from pingan.core.problems import InputRefused, Problem
from pingan.reporting.models import Step, Submission
from pingan.reporting.submissions import audit_submission, get_submission, log_step

LONGEST = 2000


def add_comment(*, actor: Actor, submission_id: int, text: str) -> Submission:
    """A signer of the submission's body adds a comment to its history, whatever its status."""
    submission = get_submission(actor=actor, action="reporting.return", submission_id=submission_id)
    text = text.strip()
    if not text:
        raise InputRefused([Problem(None, "comment", _("a comment cannot be empty"))])
    if len(text) > LONGEST:
        raise InputRefused(
            [Problem(None, "comment", _("at most %(n)d characters") % {"n": LONGEST})]
        )
    with transaction.atomic():
        log_step(
            submission,
            Step.COMMENT,
            actor,
            before=submission.status,
            after=submission.status,
            reason=text,
        )
        audit_submission(actor, Event.REPORTING_SUBMISSION_COMMENT, submission, comment=text)
    return submission
