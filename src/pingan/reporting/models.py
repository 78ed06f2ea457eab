"""Monthly submissions of reporting bodies, their figures, the sign-off log and reminders."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pingan.reporting import partitions


class Status(models.TextChoices):
    """Where a submission stands in the sign-off workflow."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    REVIEWED = "reviewed", _("Reviewed")
    APPROVED = "approved", _("Approved")
    RECEIVED = "received", _("Received")


OPEN_STATUSES = (Status.DRAFT, Status.SUBMITTED, Status.REVIEWED)
SIGNED_STATUSES = (Status.APPROVED, Status.RECEIVED)


class Kind(models.TextChoices):
    """How a submission version came about."""

    REGULAR = "regular", _("Regular")
    CORRECTION = "correction", _("Correction")
    HISTORICAL = "historical", _("Historical load")


class Submission(models.Model):
    """One version of one reporting body's figures for one month (YYYY-MM).

    Version 1 is the regular submission; a correction is a later version that, once approved,
    supersedes the current one. `is_current` marks the approved version in force.
    """

    body = models.ForeignKey(
        "schemes.ReportingBody", on_delete=models.PROTECT, related_name="submissions"
    )
    month = models.CharField(_("month"), max_length=7)
    number = models.PositiveIntegerField(_("version"), default=1)
    scheme_version = models.ForeignKey(
        "schemes.SchemeVersion", on_delete=models.PROTECT, related_name="submissions"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.REGULAR)
    reason = models.TextField(_("reason"), blank=True)
    supersedes = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections"
    )
    is_current = models.BooleanField(_("current approved version"), default=False)
    superseded_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    received_at = models.DateTimeField(null=True, blank=True)
    returned_reason = models.TextField(_("reason for return"), blank=True)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["-month", "body__code", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "month", "number"], name="reporting_submission_version_unique"
            ),
            models.UniqueConstraint(
                fields=["body", "month"],
                condition=Q(status__in=["draft", "submitted", "reviewed"]),
                name="reporting_one_open_submission",
            ),
            models.UniqueConstraint(
                fields=["body", "month"],
                condition=Q(is_current=True),
                name="reporting_one_current_version",
            ),
        ]
        indexes = [models.Index(fields=["month", "is_current"], name="reporting_month_current")]

    def __str__(self) -> str:
        return f"{self.body_id}/{self.month}/v{self.number}"

    @property
    def is_open(self) -> bool:
        """Whether the submission is still in the sign-off workflow."""
        return self.status in OPEN_STATUSES

    @property
    def is_superseded(self) -> bool:
        """Whether a later approved correction replaced this version."""
        return self.superseded_at is not None


class FigureQuerySet(models.QuerySet["Figure"]):
    """Figures: `bulk_create` fills each row's year and makes the partitions the years need."""

    def bulk_create(  # type: ignore[override]
        self, objs: Iterable[Figure], *args: Any, **kwargs: Any
    ) -> list[Figure]:
        """Create figures in bulk, each with the year of its submission's month."""
        figures = list(objs)
        fill_years(figures)
        return super().bulk_create(figures, *args, **kwargs)


def fill_years(figures: list[Figure]) -> None:
    """Set the year of figures that have none from their submission's month, and make its partition."""
    missing = [f for f in figures if f.year is None]
    unknown = {f.submission_id for f in missing if not Figure.submission.is_cached(f)}
    months = dict(Submission.objects.filter(pk__in=unknown).values_list("pk", "month"))
    for figure in missing:
        month = (
            figure.submission.month
            if Figure.submission.is_cached(figure)
            else months[figure.submission_id]
        )
        figure.year = int(month[:4])
    partitions.ensure_years({f.year for f in figures if f.year is not None})


class Figure(models.Model):
    """One cell of a submission: the count of one indicator for one unit. No row = missing.

    Rows are locked when their submission is approved; database triggers then refuse any
    UPDATE or DELETE of them. `year` is the year of the submission's month: on PostgreSQL the
    table is partitioned by it (`pingan.reporting.partitions`).
    """

    submission = models.ForeignKey(
        Submission, on_delete=models.PROTECT, related_name="figures", db_index=False
    )
    unit = models.ForeignKey(
        "units.OrgUnit", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    indicator_code = models.CharField(_("indicator"), max_length=40)
    value = models.PositiveIntegerField(_("value"))
    changed = models.BooleanField(_("changed by this version"), default=False)
    is_locked = models.BooleanField(default=False)
    year = models.PositiveSmallIntegerField(_("year"), null=True, editable=False)

    objects = FigureQuerySet.as_manager()

    class Meta:
        verbose_name = _("figure")
        verbose_name_plural = _("figures")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "unit", "indicator_code"], name="reporting_figure_cell_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.submission_id}:{self.unit_id}:{self.indicator_code}={self.value}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        """Save, with the year of the submission's month on a new figure."""
        if self.year is None:
            fill_years([self])
        super().save(*args, **kwargs)


class Step(models.TextChoices):
    """A recorded step of a submission's life."""

    CREATE = "create", _("Created")
    SUBMIT = "submit", _("Submitted")
    REVIEW = "review", _("Reviewed")
    APPROVE = "approve", _("Approved")
    RECEIVE = "receive", _("Received")
    RETURN = "return", _("Returned")
    WITHDRAW = "withdraw", _("Withdrawn")
    SUPERSEDE = "supersede", _("Superseded")
    COMMENT = "comment", _("Comment")


SIGNING_STEPS = (Step.SUBMIT, Step.REVIEW, Step.APPROVE, Step.RECEIVE)


class SubmissionEvent(models.Model):
    """A step in a submission's life: who did it, when, from which status, and why (returns)."""

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="events")
    step = models.CharField(_("step"), max_length=16, choices=Step.choices)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField()
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("submission event")
        verbose_name_plural = _("submission events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.submission_id}:{self.step}"


class DraftEntry(models.Model):
    """What a clerk typed into a draft's cell that could not be saved as a figure, kept with the draft.

    Nothing typed is lost: a refused text stays here (and is shown, marked, in the grid) until the
    cell is given a valid value or cleared. A cell has a figure or a draft entry, never both.
    """

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="draft_entries"
    )
    unit = models.ForeignKey("units.OrgUnit", on_delete=models.PROTECT, related_name="+")
    indicator_code = models.CharField(_("indicator"), max_length=40)
    text = models.CharField(_("text typed"), max_length=200)

    class Meta:
        verbose_name = _("refused draft entry")
        verbose_name_plural = _("refused draft entries")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "unit", "indicator_code"], name="reporting_draft_entry_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.submission_id}:{self.unit_id}:{self.indicator_code}={self.text!r}"


class Reminder(models.Model):
    """An in-app reminder to a person about a body's submission due soon or overdue."""

    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    KINDS = [(DUE_SOON, _("Due soon")), (OVERDUE, _("Overdue"))]

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reporting_reminders"
    )
    body = models.ForeignKey("schemes.ReportingBody", on_delete=models.CASCADE, related_name="+")
    month = models.CharField(_("month"), max_length=7)
    kind = models.CharField(_("kind"), max_length=16, choices=KINDS)
    created_at = models.DateTimeField(auto_now_add=True)
    emailed = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "body", "month", "kind"], name="reporting_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.body_id}:{self.month}:{self.kind}"


class SurveySample(models.Model):
    """The sample size of a survey-rate figure (the figure's value is the positive answers).

    Append-only (database triggers refuse UPDATE and DELETE); the latest row of a unit, indicator
    and month is the one in force.
    """

    unit = models.ForeignKey("units.OrgUnit", on_delete=models.PROTECT, related_name="+")
    indicator_code = models.CharField(_("indicator"), max_length=40)
    month = models.CharField(_("month"), max_length=7)
    sample_size = models.PositiveIntegerField(_("sample size"))
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("survey sample size")
        verbose_name_plural = _("survey sample sizes")
        indexes = [models.Index(fields=["indicator_code", "month"])]

    def __str__(self) -> str:
        return f"{self.unit_id}:{self.indicator_code}:{self.month} n={self.sample_size}"
