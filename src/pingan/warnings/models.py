"""Warnings (预警) with their lifecycle and signals, and the problem register (不稳定问题台账).

A warning is raised on one series — a unit's indicator, a unit's matter category, repeated
matters at one place, or the unit's index — and walks raised → delivered → acknowledged →
responded → closed. One warning per series is open at a time (conditional unique constraint):
later signals on the series attach to it as `WarningSignal` rows. A closed warning is immutable
(database triggers), and so are its history steps and signals.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from pingan.engine.detection import DETECTORS


class Source(models.TextChoices):
    """What a warning watches."""

    FIGURES = "figures", _("Approved figures")
    MATTERS = "matters", _("Daily matters")
    REPEATS = "repeats", _("Repeated matters at one place")
    INDEX = "index", _("Stability index")


class Level(models.TextChoices):
    """How urgent a warning is: 紧急 / 较急 / 一般."""

    RED = "red", _("Urgent (red)")
    ORANGE = "orange", _("Fairly urgent (orange)")
    YELLOW = "yellow", _("General (yellow)")


LEVEL_RANK = {Level.YELLOW: 1, Level.ORANGE: 2, Level.RED: 3}
"""Levels in order of urgency: a warning's level only ever rises."""


class Status(models.TextChoices):
    """Where a warning stands."""

    RAISED = "raised", _("Raised")
    DELIVERED = "delivered", _("Delivered")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RESPONDED = "responded", _("Response recorded")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (Status.RAISED, Status.DELIVERED, Status.ACKNOWLEDGED, Status.RESPONDED)


class Verdict(models.TextChoices):
    """The office's judgement when it closes a warning."""

    CONFIRMED = "confirmed", _("Confirmed")
    FALSE_ALARM = "false_alarm", _("False alarm")
    UNVERIFIABLE = "unverifiable", _("Could not be verified")


class Warning(models.Model):
    """One warning on one series of one unit, with what the detector saw when it was raised."""

    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    unit = models.ForeignKey("units.OrgUnit", on_delete=models.PROTECT, related_name="warnings")
    series_key = models.CharField(_("series"), max_length=200)
    period = models.CharField(_("period"), max_length=10)
    level = models.CharField(_("level"), max_length=8, choices=Level.choices)
    detector = models.CharField(_("detector"), max_length=32, blank=True)
    alpha = models.FloatField(_("alpha"), null=True, blank=True)
    observed = models.FloatField(_("observed"))
    expected = models.FloatField(_("expected"), null=True, blank=True)
    threshold = models.FloatField(_("threshold"), null=True, blank=True)
    series = models.JSONField(_("series"), default=dict)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.RAISED
    )
    verdict = models.CharField(_("verdict"), max_length=16, choices=Verdict.choices, blank=True)
    closed = models.BooleanField(_("closed"), default=False)
    raised_at = models.DateTimeField(_("raised at"))
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    acknowledge_due = models.DateTimeField(_("acknowledge by"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    response = models.TextField(_("measures taken"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closing_note = models.TextField(_("closing note"), blank=True)

    class Meta:
        verbose_name = _("warning")
        verbose_name_plural = _("warnings")
        ordering = ["-raised_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "unit", "series_key"],
                condition=Q(closed=False),
                name="warnings_one_open_per_series",
            ),
            models.CheckConstraint(
                condition=Q(closed=False) | ~Q(verdict=""), name="warnings_closed_has_verdict"
            ),
        ]

    def __str__(self) -> str:
        return "%s %s %s" % (self.source, self.series_key, self.period)

    @property
    def is_open(self) -> bool:
        """Whether the warning is not closed yet."""
        return not self.closed

    @property
    def detector_label(self) -> str:
        """The detector's name in the active language ("" when none; the stored word if unknown)."""
        spec = DETECTORS.get(self.detector)
        if spec is None:
            return self.detector
        return spec.label_en if (get_language() or "").startswith("en") else spec.label_zh


class WarningSignal(models.Model):
    """One detection on a warning's series: the first raises the warning, later ones attach to it."""

    warning = models.ForeignKey(Warning, on_delete=models.PROTECT, related_name="signals")
    period = models.CharField(_("period"), max_length=10)
    level = models.CharField(_("level"), max_length=8, choices=Level.choices)
    observed = models.FloatField(_("observed"))
    expected = models.FloatField(_("expected"), null=True, blank=True)
    threshold = models.FloatField(_("threshold"), null=True, blank=True)
    detected_at = models.DateTimeField(_("detected at"))

    class Meta:
        verbose_name = _("warning signal")
        verbose_name_plural = _("warning signals")
        ordering = ["detected_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["warning", "period"], name="warnings_signal_once_per_period"
            )
        ]

    def __str__(self) -> str:
        return "%s %s" % (self.warning_id, self.period)


STEP_LABELS = {
    "raise": _("raised"),
    "signal": _("further signal"),
    "deliver": _("delivered"),
    "acknowledge": _("acknowledged"),
    "escalate": _("acknowledgement overdue, escalated"),
    "respond": _("response recorded"),
    "close": _("closed"),
}


class WarningStep(models.Model):
    """One step of a warning's history (the audit chain holds the same step)."""

    warning = models.ForeignKey(Warning, on_delete=models.PROTECT, related_name="steps")
    at = models.DateTimeField(_("time"))
    kind = models.CharField(_("step"), max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("warning step")
        verbose_name_plural = _("warning steps")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return "%s %s" % (self.warning_id, self.kind)

    @property
    def kind_label(self) -> str:
        """The step in words, in the current language."""
        return str(STEP_LABELS.get(self.kind, self.kind))


class WarningNotice(models.Model):
    """An in-app notice of a warning: its delivery to a unit and the office, or its escalation."""

    DELIVERY = "delivery"
    ESCALATION = "escalation"

    warning = models.ForeignKey(Warning, on_delete=models.PROTECT, related_name="notices")
    kind = models.CharField(max_length=16)
    recipient_role = models.CharField(max_length=32)
    unit = models.ForeignKey(
        "units.OrgUnit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("warning notice")
        verbose_name_plural = _("warning notices")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["warning", "kind", "recipient_role"], name="warnings_notice_once"
            )
        ]

    def __str__(self) -> str:
        return "%s %s %s" % (self.warning_id, self.kind, self.recipient_role)


class ProblemKind(models.TextChoices):
    """Kinds of instability problem in the register."""

    MASS = "mass", _("Group problem")
    MANY_PARTIES = "many_parties", _("Problem involving many parties")
    LEGACY = "legacy", _("Difficult long-standing problem")


class ProblemStatus(models.TextChoices):
    """Whether a registered problem is still being worked on."""

    OPEN = "open", _("Being resolved")
    RESOLVED = "resolved", _("Resolved")


class ProblemRecord(models.Model):
    """A tracked instability problem: who is responsible, by when, how far it got.

    Holds the number of people involved, never who they are.
    """

    kind = models.CharField(_("kind"), max_length=16, choices=ProblemKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    responsible_unit = models.ForeignKey(
        "units.OrgUnit", on_delete=models.PROTECT, related_name="problems"
    )
    leading_office = models.CharField(_("leading office"), max_length=100)
    deadline = models.DateField(_("deadline"))
    people_involved = models.PositiveIntegerField(_("number of people involved"), default=0)
    warning = models.ForeignKey(
        Warning, on_delete=models.PROTECT, null=True, blank=True, related_name="problems"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ProblemStatus.choices, default=ProblemStatus.OPEN
    )
    resolution = models.TextField(_("resolution"), blank=True)
    opened_at = models.DateTimeField(_("opened at"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("registered problem")
        verbose_name_plural = _("registered problems")
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["warning"],
                condition=Q(warning__isnull=False),
                name="warnings_one_problem_per_warning",
            )
        ]

    def __str__(self) -> str:
        return self.title


class ProblemNote(models.Model):
    """A progress note on a registered problem (append-only)."""

    problem = models.ForeignKey(ProblemRecord, on_delete=models.PROTECT, related_name="notes")
    at = models.DateTimeField(_("time"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    text = models.TextField(_("progress"))

    class Meta:
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return "%s %s" % (self.problem_id, self.at)
