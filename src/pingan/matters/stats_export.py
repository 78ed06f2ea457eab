"""The matter statistics as a file: CSV (codes for machines, names beside them) or XLSX (headers
in the reader's language, numbers as numbers, rates as percentages, a named sheet)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pingan.core.exports import rows_to_bytes
from pingan.matters.statistics import Statistics, Tally

COUNTS = ("received", "in_scope", "dispatched", "closed", "closed_on_time", "open_overdue",
          "feedback", "visited", "resolved")  # fmt: skip
RATES = ("dispatch_rate", "timely_sign_rate", "on_time_completion_rate", "feedback_rate",
         "resolution_rate")  # fmt: skip
COLUMNS = ("grouping", "code", "name", *COUNTS, *RATES, "satisfaction")
HEADERS = {
    "grouping": gettext_lazy("Grouping"),
    "code": gettext_lazy("Code"),
    "name": gettext_lazy("Name"),
    "received": gettext_lazy("Matters received"),
    "in_scope": gettext_lazy("In scope"),
    "dispatched": gettext_lazy("Dispatched"),
    "closed": gettext_lazy("Closed"),
    "closed_on_time": gettext_lazy("Closed on time"),
    "open_overdue": gettext_lazy("Open and overdue"),
    "feedback": gettext_lazy("Feedback given"),
    "visited": gettext_lazy("Followed up"),
    "resolved": gettext_lazy("Resolved"),
    "dispatch_rate": gettext_lazy("Dispatch rate"),
    "timely_sign_rate": gettext_lazy("Timely sign-for rate"),
    "on_time_completion_rate": gettext_lazy("On-time completion rate"),
    "feedback_rate": gettext_lazy("Feedback rate"),
    "resolution_rate": gettext_lazy("Resolution rate"),
    "satisfaction": gettext_lazy("Satisfaction"),
}
GROUPINGS = {
    "all": gettext_lazy("All"),
    "unit": gettext_lazy("By unit"),
    "category": gettext_lazy("By category"),
    "grade": gettext_lazy("By grade"),
}


def statistics_rows(result: Statistics) -> list[dict[str, Any]]:
    """One row per line of the statistics table: the total, then by unit, category and grade."""
    rows = [_row("all", "", str(GROUPINGS["all"]), result.total)]
    for kind, groups in (("unit", result.by_unit), ("category", result.by_category),
                         ("grade", result.by_grade)):  # fmt: skip
        rows += [_row(kind, g.code, g.label, g.tally) for g in groups]
    return rows


def _row(kind: str, code: str, name: str, tally: Tally) -> dict[str, Any]:
    row: dict[str, Any] = {"grouping": kind, "code": code, "name": name}
    row.update({c: getattr(tally, c) for c in COUNTS})
    row.update({r: tally.rates.get(r) for r in (*RATES, "satisfaction")})
    return row


def statistics_csv(result: Statistics) -> bytes:
    """CSV for machines: English column codes, grouping codes, rates as fractions 0–1; the
    grouping's name is appended as `grouping_name`."""
    rows = [
        {**row, "grouping_name": str(GROUPINGS[row["grouping"]])} for row in statistics_rows(result)
    ]
    return rows_to_bytes(rows, (*COLUMNS, "grouping_name"), "csv")


def statistics_xlsx(result: Statistics) -> bytes:
    """XLSX for people: translated headers and groupings, rates formatted as percentages."""
    rows = [{**row, "grouping": str(GROUPINGS[row["grouping"]])} for row in statistics_rows(result)]
    return rows_to_bytes(
        rows,
        COLUMNS,
        "xlsx",
        headers=HEADERS,
        sheet=_("Matter statistics"),
        number_formats=dict.fromkeys(RATES, "0.0%"),
    )
