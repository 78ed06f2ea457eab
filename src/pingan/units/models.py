"""Units of the jurisdiction and the yearly covariates used by the relative index."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pingan.core.bilingual import BilingualName


class Level(models.IntegerChoices):
    """Where a unit stands in the jurisdiction; units nest to any depth, these levels are named.

    A unit below the deepest named level keeps its number and is shown as "level N".
    """

    PROVINCE = 0, _("Province")
    CITY = 1, _("City")
    DISTRICT = 2, _("District or department")
    COMMUNITY = 3, _("Community or township")
    VILLAGE = 4, _("Village")
    GRID = 5, _("Grid")
    MICRO_GRID = 6, _("Micro-grid")


LEVEL_KEYS: dict[str, int] = {
    "province": Level.PROVINCE,
    "city": Level.CITY,
    "county": Level.DISTRICT,
    "district": Level.DISTRICT,
    "department": Level.DISTRICT,
    "township": Level.COMMUNITY,
    "community": Level.COMMUNITY,
    "village": Level.VILLAGE,
    "grid": Level.GRID,
    "micro_grid": Level.MICRO_GRID,
}
"""The words a units file may write in its `level` column (a whole number is accepted too)."""


def label_of_level(level: int) -> str:
    """The display name of a level: its named label, or "level N" below the named levels."""
    if level in Level.values:
        return str(Level(level).label)
    return str(_("level %(number)d") % {"number": level})


class OrgUnit(BilingualName, models.Model):
    """An organisation unit; evaluated when it names a class of an evaluation scheme."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=150, blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    eval_class = models.CharField(_("evaluation class"), max_length=16, blank=True, db_index=True)
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True)
                | Q(opened_on__isnull=True)
                | Q(closed_on__gte=models.F("opened_on")),
                name="units_closed_after_opened",
            )
        ]

    def __str__(self) -> str:
        return self.name_zh

    @property
    def level_label(self) -> str:
        """The level's display name (zh-Hans or English by the active language)."""
        return label_of_level(self.level)

    def is_open_during(self, first: dt.date, last: dt.date) -> bool:
        """Whether the unit exists on any day of [first, last]."""
        return (self.opened_on is None or self.opened_on <= last) and (
            self.closed_on is None or first <= self.closed_on
        )


class Covariate(models.Model):
    """A named yearly number for a unit: population, staff, students, gdp, …"""

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="covariates")
    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("covariate"), max_length=32)
    value = models.FloatField(_("value"))

    class Meta:
        verbose_name = _("covariate")
        verbose_name_plural = _("covariates")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "name"], name="units_covariate_unique")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.year}/{self.name}"
