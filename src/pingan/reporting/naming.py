"""Names instead of codes in what a person reads: units and indicators in the active language."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import get_language

from pingan.schemes.models import Indicator
from pingan.units.models import OrgUnit


def _pick(language: str, zh: str, en: str) -> str:
    return en if language.startswith("en") and en else zh


@dataclass(frozen=True)
class Names:
    """Unit and indicator names by code, in one language (two queries)."""

    language: str
    units: dict[str, str]
    indicators: dict[str, str]

    @classmethod
    def load(cls, language: str | None = None) -> Names:
        """Names of every unit and of every indicator (the newest scheme version's wording wins)."""
        language = language or get_language() or "zh-hans"
        units = {
            code: _pick(language, zh, en)
            for code, zh, en in OrgUnit.objects.values_list("code", "name_zh", "name_en")
        }
        indicators = {
            code: _pick(language, zh, en)
            for code, zh, en in Indicator.objects.order_by("version_id").values_list(
                "code", "name_zh", "name_en"
            )
        }
        return cls(language=language, units=units, indicators=indicators)

    def unit(self, code: str) -> str:
        """The unit's name, or its code when unknown."""
        return self.units.get(code, code)

    def indicator(self, code: str) -> str:
        """The indicator's name, or its code when unknown."""
        return self.indicators.get(code, code)


def cell_name(names: Names, unit_code: str, indicator_code: str) -> str:
    """A cell as a person names it: "甲区 · 刑事案件"."""
    return "%s · %s" % (names.unit(unit_code), names.indicator(indicator_code))
