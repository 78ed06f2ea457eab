"""The columns of the figures file, their headings for people, and reading a header written either way.

CSV keeps the column codes for machines; an exported XLSX heads them in the reader's language.
Both read back: a heading in Chinese or English stands for its column code, and the name columns
(`unit_name`, `indicator_name`) that exports add are read and ignored.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.utils import translation
from django.utils.translation import gettext_lazy

from pingan.core.tabular import iter_records

FIGURE_COLUMNS = ["unit_code", "indicator_code", "period", "value"]
SAMPLE_COLUMN = "sample_size"
NAME_COLUMNS = ["unit_name", "indicator_name"]
EXPORT_COLUMNS = [*FIGURE_COLUMNS, *NAME_COLUMNS]
HEADERS = {
    "unit_code": gettext_lazy("Unit code"),
    "indicator_code": gettext_lazy("Indicator code"),
    "period": gettext_lazy("Month"),
    "value": gettext_lazy("Value"),
    "sample_size": gettext_lazy("Sample size"),
    "unit_name": gettext_lazy("Unit"),
    "indicator_name": gettext_lazy("Indicator"),
}


def _aliases() -> dict[str, str]:
    """Every heading, in Chinese and in English, mapped to its column code."""
    aliases: dict[str, str] = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            aliases.update({str(label): code for code, label in HEADERS.items()})
    return aliases


def figure_file_records(data: bytes) -> Iterator[list[str]]:
    """The records of a figures file with its header row's headings turned into column codes."""
    records = iter_records(data)
    try:
        header = next(records)
    except StopIteration:
        return
    aliases = _aliases()
    yield [aliases.get(str(h).strip().lstrip("\ufeff"), h) for h in header]
    yield from records
