"""A scheme has immutable numbered versions; results name the version they used."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from pingan.core.bilingual import BilingualName


class ReportingBody(BilingualName, models.Model):
    """A department that owns indicators and submits their monthly figures (评价主体)."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("reporting body")
        verbose_name_plural = _("reporting bodies")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name_zh


class Scheme(models.Model):
    """An evaluation scheme, known by its code; its content lives in its versions."""

    code = models.CharField(_("code"), max_length=32, unique=True)

    class Meta:
        verbose_name = _("scheme")
        verbose_name_plural = _("schemes")

    def __str__(self) -> str:
        return self.code

    def latest_version(self) -> SchemeVersion:
        """The newest version of the scheme."""
        return self.versions.order_by("-number").first()  # type: ignore[return-value]


class SchemeVersion(BilingualName, models.Model):
    """One version of a scheme, as loaded from TOML; never changed after loading.

    A version bound to an office unit evaluates only the units below that unit; several
    schemes are in force at once, one per office.
    """

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    content = models.JSONField(_("normalised content"))
    content_hash = models.CharField(max_length=64)
    source = models.TextField(_("TOML source"))
    base_score = models.FloatField(_("base score"), default=100)
    deadline_day = models.PositiveSmallIntegerField(_("reporting deadline day"), default=5)
    period = models.CharField(_("scoring period"), max_length=8, default="quarter")
    tiers = models.JSONField(_("tier lines"))
    star_bands = models.JSONField(_("star bands"))
    office_unit = models.ForeignKey(
        "units.OrgUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="office_scheme_versions",
        verbose_name=_("office"),
        help_text=_(
            "the unit whose office runs the scheme over its subtree; empty: the top office"
        ),
    )
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("scheme version")
        verbose_name_plural = _("scheme versions")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "number"], name="schemes_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.scheme.code} v{self.number}"


class Indicator(BilingualName, models.Model):
    """An indicator of a scheme version: a monthly count of incidents attributed to a unit."""

    version = models.ForeignKey(SchemeVersion, on_delete=models.PROTECT, related_name="indicators")
    code = models.CharField(_("code"), max_length=40)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=150)
    domain = models.CharField(_("domain"), max_length=32)
    category = models.CharField(_("category"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=16, default="count")
    body = models.ForeignKey(ReportingBody, on_delete=models.PROTECT, related_name="indicators")
    veto = models.BooleanField(_("one-vote veto"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="schemes_indicator_unique")
        ]

    def __str__(self) -> str:
        return self.code


class SchemeClass(BilingualName, models.Model):
    """A class of units compared only among themselves, with its exposure and covariates."""

    version = models.ForeignKey(SchemeVersion, on_delete=models.PROTECT, related_name="classes")
    code = models.CharField(_("code"), max_length=16)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=150)
    exposure = models.CharField(_("exposure covariate"), max_length=32)
    covariates = models.JSONField(_("adjustment covariates"), default=list)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="schemes_class_unique")
        ]

    def __str__(self) -> str:
        return self.code


class ClassIndicator(models.Model):
    """An indicator as it applies to one class: deduction per incident, cap per period, veto."""

    scheme_class = models.ForeignKey(SchemeClass, on_delete=models.PROTECT, related_name="rules")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="rules")
    deduction = models.FloatField(_("deduction per incident"))
    cap = models.FloatField(_("cap per period"), null=True, blank=True)
    veto = models.BooleanField(_("one-vote veto"), default=False)
    params = models.JSONField(_("rule of the kind"), default=dict, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("class indicator")
        verbose_name_plural = _("class indicators")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme_class", "indicator"], name="schemes_class_indicator_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scheme_class_id}:{self.indicator_id}"

    def as_dict(self, language: str = "zh-hans") -> dict[str, Any]:
        """The rule as in `pingan scheme show --format json` (a kind's parameters beside it)."""
        out = {
            "code": self.indicator.code,
            "name": self.indicator.display_name(language),
            "deduction": self.deduction,
            "cap": self.cap,
            "veto": self.veto,
            "body": self.indicator.body.code,
            "body_name": self.indicator.body.display_name(language),
        }
        return {**out, **self.params} if self.params else out


class SchemeCategory(BilingualName, models.Model):
    """A category of indicators of a scheme version, in one domain (e.g. 社情)."""

    version = models.ForeignKey(SchemeVersion, on_delete=models.PROTECT, related_name="categories")
    code = models.CharField(_("code"), max_length=40)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=150, blank=True)
    domain = models.CharField(_("domain"), max_length=32)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="schemes_category_unique")
        ]

    def __str__(self) -> str:
        return self.code


class SpecialAssessment(BilingualName, models.Model):
    """A named set of indicators with its own score and lines for key management and veto."""

    version = models.ForeignKey(
        SchemeVersion, on_delete=models.PROTECT, related_name="special_assessments"
    )
    code = models.CharField(_("code"), max_length=40)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=150, blank=True)
    indicators = models.JSONField(_("indicators"), default=list)
    base = models.FloatField(_("base score"), default=100)
    key_management_below = models.FloatField(_("key management below"), null=True)
    veto_below = models.FloatField(_("veto below"), null=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("special assessment")
        verbose_name_plural = _("special assessments")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="schemes_special_unique")
        ]

    def __str__(self) -> str:
        return self.code


class UnitLink(models.Model):
    """Two units of the version's linked classes, rewarded and penalised together (同奖同罚)."""

    version = models.ForeignKey(SchemeVersion, on_delete=models.PROTECT, related_name="links")
    first_code = models.CharField(_("first unit"), max_length=64)
    second_code = models.CharField(_("second unit"), max_length=64)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("linked units")
        verbose_name_plural = _("linked units")
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.first_code}~{self.second_code}"
