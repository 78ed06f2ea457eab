"""Materialised quarterly results: one run per computation, the current run per scheme and quarter."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Tier(models.TextChoices):
    """Warning tier of a unit's score (empty when above every line)."""

    NONE = "", _("none")
    YELLOW = "yellow", _("yellow")
    ORANGE = "orange", _("orange")
    RED = "red", _("red")


class ScoreRun(models.Model):
    """One computation of a quarter under one scheme version, with the hash of its inputs."""

    version = models.ForeignKey(
        "schemes.SchemeVersion", on_delete=models.PROTECT, related_name="score_runs"
    )
    period = models.CharField(_("period"), max_length=7, db_index=True)
    input_hash = models.CharField(max_length=64)
    reason = models.CharField(_("reason"), max_length=200)
    computed_at = models.DateTimeField(auto_now_add=True)
    is_current = models.BooleanField(default=True)
    supersedes = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    notes = models.JSONField(_("method notes"), default=dict)

    class Meta:
        verbose_name = _("score run")
        verbose_name_plural = _("score runs")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "period"],
                condition=Q(is_current=True),
                name="scores_one_current_run",
            )
        ]

    def __str__(self) -> str:
        return f"{self.period} v{self.version_id} #{self.pk}"


class QuarterResult(models.Model):
    """A unit's result for a quarter: scores, rank with its 95% interval, tier, stars, flags.

    A unit withheld for missing figures keeps its row with no score, rank, interval or stars
    (and no tier); `complete` is False when any expected cell has no approved figure, and
    `imputed_cells` counts the cells filled under the scheme's impute policy.
    """

    run = models.ForeignKey(ScoreRun, on_delete=models.CASCADE, related_name="results")
    unit = models.ForeignKey("units.OrgUnit", on_delete=models.PROTECT, related_name="results")
    class_code = models.CharField(_("class"), max_length=16)
    absolute_score = models.FloatField(_("absolute score"), null=True)
    relative_score = models.FloatField(_("relative score"), null=True)
    rank = models.PositiveIntegerField(_("rank"), null=True)
    # xgettext:no-python-format
    rank_low = models.PositiveIntegerField(_("rank, best of 95% interval"), null=True)
    # xgettext:no-python-format
    rank_high = models.PositiveIntegerField(_("rank, worst of 95% interval"), null=True)
    tier = models.CharField(_("tier"), max_length=8, choices=Tier.choices, blank=True)
    stars = models.PositiveSmallIntegerField(_("stars"), null=True)
    veto = models.BooleanField(_("vetoed"), default=False)
    complete = models.BooleanField(_("complete"), default=True)
    imputed_cells = models.PositiveSmallIntegerField(_("imputed cells"), default=0)
    funnel_flag = models.CharField(_("funnel flag"), max_length=16, blank=True)
    observed = models.FloatField(_("weighted incidents"), default=0)
    expected = models.FloatField(_("expected weighted incidents"), default=0)
    change_prev = models.FloatField(_("change on previous quarter"), null=True)
    change_year = models.FloatField(_("change on same quarter last year"), null=True)
    quarter_to_date = models.JSONField(_("quarter to date"), default=list)
    key_management = models.BooleanField(_("key management"), default=False)
    linked_unit = models.ForeignKey(
        "units.OrgUnit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    detail = models.JSONField(_("domains, special assessments and kinds"), default=dict)

    class Meta:
        verbose_name = _("quarter result")
        verbose_name_plural = _("quarter results")
        constraints = [models.UniqueConstraint(fields=["run", "unit"], name="scores_result_unique")]
        indexes = [models.Index(fields=["run", "class_code", "rank"])]

    def __str__(self) -> str:
        return f"{self.unit_id}@{self.run_id}"


class CellStatus(models.TextChoices):
    """How a cell of the quarter entered the score."""

    REPORTED = "", _("reported")
    MISSING = "missing", _("missing")
    IMPUTED = "imputed", _("imputed")
    CLOSED = "closed", _("unit not open")


class Explanation(models.Model):
    """A result's explanation in one row: every cell of the quarter as arrays, with per-indicator sums.

    `data` holds, in the binary layout of `pingan.scores.cells`, the indicator codes, the months,
    and per indicator and month the count, the deduction, the approved figure, the cell status
    (reported, missing, imputed, closed, or none where the result has no such cell) and the
    imputed value, then per indicator its extra row (the cap taking back the excess, or a
    per-population or change deduction), then the survey rates' deductions, and each indicator's
    deduction summed over its rows. Only the current runs keep their explanations: a new run drops
    its predecessor's.
    """

    result = models.OneToOneField(
        QuarterResult, on_delete=models.CASCADE, primary_key=True, related_name="explanation"
    )
    data = models.BinaryField(_("cells and deductions per indicator"))

    class Meta:
        verbose_name = _("explanation")
        verbose_name_plural = _("explanations")

    def __str__(self) -> str:
        return f"{self.result_id}"


class ScoreChange(models.Model):
    """A unit's result changed between two runs of the same quarter (e.g. after a correction)."""

    run = models.ForeignKey(ScoreRun, on_delete=models.CASCADE, related_name="changes")
    previous_run = models.ForeignKey(ScoreRun, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("units.OrgUnit", on_delete=models.PROTECT, related_name="+")
    old_absolute = models.FloatField(null=True)
    new_absolute = models.FloatField(null=True)
    old_relative = models.FloatField(null=True)
    new_relative = models.FloatField(null=True)
    old_rank = models.PositiveIntegerField(null=True)
    new_rank = models.PositiveIntegerField(null=True)
    reason = models.CharField(max_length=200)

    class Meta:
        verbose_name = _("score change")
        verbose_name_plural = _("score changes")

    def __str__(self) -> str:
        return f"{self.unit_id}: {self.old_absolute}->{self.new_absolute}"


class KeyManagementMark(models.Model):
    """The office marks a unit for key management (重点管理) with a reason; unmarking ends it."""

    unit = models.ForeignKey("units.OrgUnit", on_delete=models.PROTECT, related_name="key_marks")
    reason = models.CharField(_("reason"), max_length=500)
    marked_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, related_name="+"
    )
    marked_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("key-management mark")
        verbose_name_plural = _("key-management marks")
        constraints = [
            models.UniqueConstraint(
                fields=["unit"], condition=Q(ended_at__isnull=True), name="scores_one_open_mark"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}"


class UnitBoundary(models.Model):
    """A unit's outline for the tier map: a GeoJSON geometry uploaded by the office (one per unit)."""

    unit = models.OneToOneField("units.OrgUnit", on_delete=models.PROTECT, related_name="boundary")
    geometry = models.JSONField(_("geometry"))
    uploaded_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("unit boundary")
        verbose_name_plural = _("unit boundaries")

    def __str__(self) -> str:
        return f"{self.unit_id}"


class StarPublication(models.Model):
    """A scheme's quarter as published to the public as a star list (星级发布); immutable.

    Published once per scheme and quarter by the office head from the quarter's current run;
    its rows are a snapshot (names as they were), so a later recomputation or renaming leaves
    the published list as it was published. Triggers refuse every UPDATE and DELETE.
    """

    scheme = models.ForeignKey(
        "schemes.Scheme", on_delete=models.PROTECT, related_name="star_publications"
    )
    period = models.CharField(_("quarter"), max_length=7)
    run = models.ForeignKey(ScoreRun, on_delete=models.PROTECT, related_name="star_publications")
    published_at = models.DateTimeField(_("published at"))

    class Meta:
        verbose_name = _("star publication")
        verbose_name_plural = _("star publications")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "period"], name="scores_one_star_list")
        ]

    def __str__(self) -> str:
        return f"{self.scheme_id}:{self.period}"


class PublishedStar(models.Model):
    """One unit's stars on a published star list, with the names shown to the public."""

    publication = models.ForeignKey(
        StarPublication, on_delete=models.PROTECT, related_name="entries"
    )
    unit = models.ForeignKey("units.OrgUnit", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField()
    class_code = models.CharField(_("class"), max_length=16)
    class_name_zh = models.CharField(max_length=100)
    class_name_en = models.CharField(max_length=150, blank=True)
    unit_name_zh = models.CharField(max_length=100)
    unit_name_en = models.CharField(max_length=150, blank=True)
    stars = models.PositiveSmallIntegerField(_("stars"))

    class Meta:
        verbose_name = _("published stars")
        verbose_name_plural = _("published stars")
        constraints = [
            models.UniqueConstraint(fields=["publication", "unit"], name="scores_star_once")
        ]

    def __str__(self) -> str:
        return f"{self.publication_id}:{self.unit_id}"


class FigurePack(models.Model):
    """An approved version's figures as arrays, so that scoring reads a window in a few rows.

    Derived from the figures and never edited: an approved version's figures are locked, and a
    correction is a new version with a pack of its own. `units` are the unit ids (int64,
    little-endian), `codes` the indicator codes, `values` the (units × codes) grid of values
    (int32, -1 where a unit has no figure of a code) and `figures` the same grid of figure ids
    (int64, 0 there). Packs of versions that are no longer current are dropped.
    """

    submission = models.OneToOneField(
        "reporting.Submission", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    codes = models.JSONField(_("indicator codes"))
    units = models.BinaryField(_("unit ids"))
    values = models.BinaryField(_("values"))
    figures = models.BinaryField(_("figure ids"))

    class Meta:
        verbose_name = _("packed figures")
        verbose_name_plural = _("packed figures")

    def __str__(self) -> str:
        return f"{self.submission_id}"
