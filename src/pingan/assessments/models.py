"""Risk assessments of major decisions (重大事项社会稳定风险评估): the register, the analysis, the follow-up.

An assessment is one version of the file of a decision (`number`, `version`). Once `concluded`
is set the version and every row belonging to it (findings, risks, measures, consultations,
affected units, attachments) are immutable in the database (triggers, migration 0002); a
correction or a re-assessment is a new version with a reason. The follow-up facts recorded after
the conclusion (measures done, reminders and escalations) are append-only rows of their own.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    """What kind of major matter is assessed (the five of the reform plan)."""

    DECISION = "decision", _("Major decision touching the public's vital interests")
    POLICY = "policy", _("Major policy adjusting the interests of large groups")
    PROJECT = "project", _("Major project affecting many people")
    REFORM = "reform", _("Major reform affecting many people")
    LIVELIHOOD = "livelihood", _("Sensitive issue of people's livelihood")


class Status(models.TextChoices):
    """draft → analysis → review (report with the competent department) → concluded."""

    DRAFT = "draft", _("registered")
    ANALYSIS = "analysis", _("under analysis")
    REVIEW = "review", _("report under review")
    CONCLUDED = "concluded", _("concluded")


class Dimension(models.TextChoices):
    """The five dimensions every assessment covers."""

    LEGALITY = "legality", _("Legality")
    RATIONALITY = "rationality", _("Rationality")
    FEASIBILITY = "feasibility", _("Feasibility")
    CONTROLLABILITY = "controllability", _("Risk and its controllability")
    ACCEPTANCE = "acceptance", _("Social acceptance")


class Rating(models.TextChoices):
    """How a dimension is judged."""

    SATISFIED = "satisfied", _("satisfied")
    PARTLY = "partly_satisfied", _("partly satisfied")
    NOT_SATISFIED = "not_satisfied", _("not satisfied")


class Level(models.TextChoices):
    """A risk level, from the matrix of likelihood and impact."""

    LOW = "low", _("low")
    MEDIUM = "medium", _("medium")
    HIGH = "high", _("high")
    VERY_HIGH = "very_high", _("very high")


class Conclusion(models.TextChoices):
    """The three conclusions."""

    IMPLEMENT = "implement", _("implement")
    POSTPONE = "postpone", _("postpone")
    NOT_IMPLEMENT = "not_implement", _("do not implement for now")


class ConsultationKind(models.TextChoices):
    """How opinion was gathered; every record is aggregate or institutional."""

    SURVEY = "survey", _("public-opinion survey")
    HEARING = "hearing", _("hearing")
    EXPERTS = "experts", _("expert opinions")
    UNITS = "units", _("consultation of affected units")


def unit_fk(related_name: str, verbose: Any) -> models.ForeignKey:  # type: ignore[type-arg]
    """A protected reference to a unit of the units app."""
    return models.ForeignKey(
        "units.OrgUnit", on_delete=models.PROTECT, related_name=related_name, verbose_name=verbose
    )


def user_fk() -> models.ForeignKey:  # type: ignore[type-arg]
    """A protected reference to the account that did a step (for the four-eyes rule)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )


class Assessment(models.Model):
    """One version of the assessment of one major decision."""

    number = models.CharField(_("number"), max_length=20, db_index=True)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    previous = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next_version"
    )
    reason = models.TextField(_("reason for the new version"), blank=True)
    title = models.CharField(_("title"), max_length=200)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    proposing_unit = unit_fk("assessments_proposed", _("proposing body"))
    implementing_unit = unit_fk("assessments_implemented", _("implementing body"))
    assessing_unit = unit_fk("assessments_assessed", _("assessing department"))
    expected_on = models.DateField(_("expected date of the decision"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    concluded = models.BooleanField(_("concluded"), default=False)
    created_by = user_fk()
    created_at = models.DateTimeField(auto_now_add=True)
    report_by = user_fk()
    report_at = models.DateTimeField(_("report submitted at"), null=True, blank=True)
    review_comments = models.TextField(_("comments of the competent department"), blank=True)
    overall_level = models.CharField(_("overall risk level"), max_length=12, blank=True)
    recommended = models.CharField(_("recommended conclusion"), max_length=16, blank=True)
    proposed = models.CharField(_("proposed conclusion"), max_length=16, blank=True)
    override_reason = models.TextField(_("reason for departing from the rule"), blank=True)
    conclusion = models.CharField(
        _("conclusion"), max_length=16, choices=Conclusion.choices, blank=True
    )
    concluded_by = user_fk()
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)
    review_due = models.DateField(_("post-implementation review date"), null=True, blank=True)
    report_sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    report_docx = models.BinaryField(_("special report (.docx)"), null=True, blank=True)

    class Meta:
        verbose_name = _("risk assessment")
        verbose_name_plural = _("risk assessments")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["number", "version"], name="assessments_number_version_unique"
            ),
            models.UniqueConstraint(
                fields=["number"],
                condition=Q(concluded=False),
                name="assessments_one_open_version",
            ),
            models.CheckConstraint(
                condition=Q(concluded=False) | ~Q(conclusion=""),
                name="assessments_concluded_has_conclusion",
            ),
        ]

    def __str__(self) -> str:
        return "%s v%d" % (self.number, self.version)


class AffectedUnit(models.Model):
    """A unit (place) the decision affects."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="affected")
    unit = unit_fk("assessments_affecting", _("affected unit"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "unit"], name="assessments_affected_unique"
            )
        ]

    def __str__(self) -> str:
        return "%s:%s" % (self.assessment_id, self.unit_id)


class Finding(models.Model):
    """The findings and rating of one dimension."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="findings")
    dimension = models.CharField(_("dimension"), max_length=16, choices=Dimension.choices)
    text = models.TextField(_("findings"))
    rating = models.CharField(_("rating"), max_length=16, choices=Rating.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "dimension"], name="assessments_finding_unique"
            )
        ]

    def __str__(self) -> str:
        return "%s:%s" % (self.assessment_id, self.dimension)


class Risk(models.Model):
    """An identified risk with its level before and after the measures."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="risks")
    description = models.TextField(_("risk"))
    likelihood = models.PositiveSmallIntegerField(_("likelihood"))
    impact = models.PositiveSmallIntegerField(_("impact"))
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    residual_likelihood = models.PositiveSmallIntegerField(_("residual likelihood"))
    residual_impact = models.PositiveSmallIntegerField(_("residual impact"))
    residual_level = models.CharField(_("residual level"), max_length=12, choices=Level.choices)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(likelihood__gte=1, likelihood__lte=5, impact__gte=1, impact__lte=5)
                & Q(residual_likelihood__gte=1, residual_likelihood__lte=5)
                & Q(residual_impact__gte=1, residual_impact__lte=5),
                name="assessments_risk_scale",
            )
        ]

    def __str__(self) -> str:
        return self.description[:40]


class Measure(models.Model):
    """A mitigation measure of a risk: who carries it out and by when."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="measures")
    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="measures")
    description = models.TextField(_("measure"))
    owner_unit = unit_fk("assessment_measures", _("owner unit"))
    due_on = models.DateField(_("deadline"))
    origin = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="copies"
    )

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.description[:40]


class Completion(models.Model):
    """A measure recorded as done (append-only; a re-assessment copies it to the new version)."""

    measure = models.OneToOneField(Measure, on_delete=models.PROTECT, related_name="completion")
    done_on = models.DateField(_("done on"))
    note = models.TextField(_("note"), blank=True)
    recorded_by = user_fk()
    recorded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return "%s@%s" % (self.measure_id, self.done_on)


class Consultation(models.Model):
    """A consultation: survey counts, a hearing, expert opinions or affected units' views (aggregate only)."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="consultations"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=ConsultationKind.choices)
    held_on = models.DateField(_("date"))
    method = models.CharField(_("method"), max_length=200, blank=True)
    participants = models.PositiveIntegerField(_("number of participants"), default=0)
    support = models.PositiveIntegerField(_("support"), default=0)
    neutral = models.PositiveIntegerField(_("neutral"), default=0)
    oppose = models.PositiveIntegerField(_("oppose"), default=0)
    summary = models.TextField(_("summary of opinions"), blank=True)

    class Meta:
        ordering = ["held_on", "pk"]

    def __str__(self) -> str:
        return "%s@%s" % (self.kind, self.held_on)


class Attachment(models.Model):
    """A document attached to the file, stored under PINGAN_HOME with a random name."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="attachments")
    stored_name = models.CharField(max_length=64)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name


class Notice(models.Model):
    """A reminder before a measure's deadline or an escalation once it has passed (append-only)."""

    REMINDER = "reminder"
    ESCALATION = "escalation"
    KINDS = ((REMINDER, _("reminder")), (ESCALATION, _("escalation")))

    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="notices")
    kind = models.CharField(_("kind"), max_length=12, choices=KINDS)
    due = models.DateField(_("deadline"))
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "kind", "due"], name="assessments_notice_once"
            )
        ]

    def __str__(self) -> str:
        return "%s:%s" % (self.kind, self.measure_id)
