"""Explanations stored compactly: one row per result holding its cells as arrays, not one per cell.

The current runs' deduction rows are packed into `scores_explanation` (the layout of
`pingan.scores.cells`, copied here as it is today); older runs' rows are dropped (their changes
stay in `scores_scorechange`), and so is the table of deduction rows. Going back unpacks them.
"""

import django.db.models.deletion
from django.db import migrations, models

EXTRA_MONTHS = ("cap", "kind")
GRIDS = ("count", "deduction", "figure", "status", "imputed")
BATCH = 500


def pack_rows(rows):
    """The stored form of rows (code, month, count, deduction, figure, status, imputed) in order."""
    codes = list(dict.fromkeys(r[0] for r in rows if r[1] not in EXTRA_MONTHS))
    months = sorted({r[1] for r in rows if r[1] not in EXTRA_MONTHS})
    at = {c: j for j, c in enumerate(codes)}
    month_at = {m: k for k, m in enumerate(months)}
    grid = {name: [[None] * len(months) for _c in codes] for name in GRIDS}
    extra = [None] * len(codes)
    rest = []
    totals = {}
    for code, month, count, deduction, figure_id, status, imputed in rows:
        totals[code] = totals.get(code, 0.0) + deduction
        if month in EXTRA_MONTHS:
            if code in at and extra[at[code]] is None:
                extra[at[code]] = [month, deduction]
            else:
                rest.append([code, month, deduction])
            continue
        j, k = at[code], month_at[month]
        for name, value in zip(
            GRIDS, (count, deduction, figure_id, status or "", imputed), strict=True
        ):
            grid[name][j][k] = value
    cells = {"codes": codes, "months": months, **grid, "extra": extra, "rest": rest}
    return cells, totals


def pack(apps, schema_editor):
    """Pack the current runs' deduction rows, a batch of results at a time."""
    Deduction = apps.get_model("scores", "Deduction")
    Explanation = apps.get_model("scores", "Explanation")
    QuarterResult = apps.get_model("scores", "QuarterResult")
    result_ids = list(
        QuarterResult.objects.filter(run__is_current=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    fields = ("result_id", "indicator_code", "month", "count", "deduction", "figure_id")
    for start in range(0, len(result_ids), BATCH):
        batch = result_ids[start : start + BATCH]
        rows = {pk: [] for pk in batch}
        stored = Deduction.objects.filter(result_id__in=batch).order_by("result_id", "pk")
        for row in stored.values_list(*fields, "status", "imputed"):
            rows[row[0]].append(row[1:])
        packed = [(pk, pack_rows(r)) for pk, r in rows.items() if r]
        Explanation.objects.bulk_create(
            Explanation(result_id=pk, cells=cells, totals=totals) for pk, (cells, totals) in packed
        )


def unpack(apps, schema_editor):
    """Back to one deduction row per cell (the current runs' explanations)."""
    Deduction = apps.get_model("scores", "Deduction")
    Explanation = apps.get_model("scores", "Explanation")
    for pk, cells in Explanation.objects.order_by("pk").values_list("pk", "cells").iterator():
        rows = []
        for j, code in enumerate(cells["codes"]):
            for k, month in enumerate(cells["months"]):
                if cells["status"][j][k] is not None:
                    values = [cells[name][j][k] for name in GRIDS]
                    rows.append(
                        dict(zip(GRIDS, values, strict=True), indicator_code=code, month=month)
                    )
            if cells["extra"][j] is not None:
                month, deduction = cells["extra"][j]
                rows.append({"indicator_code": code, "month": month, "deduction": deduction})
        for code, month, deduction in cells["rest"]:
            rows.append({"indicator_code": code, "month": month, "deduction": deduction})
        Deduction.objects.bulk_create(
            Deduction(
                result_id=pk,
                indicator_code=r["indicator_code"],
                month=r["month"],
                count=r.get("count"),
                deduction=r["deduction"],
                figure_id=r.get("figure"),
                status=r.get("status") or "",
                imputed=r.get("imputed"),
            )
            for r in rows
        )


class Migration(migrations.Migration):
    dependencies = [("scores", "0006_star_period_of_any_kind")]

    operations = [
        migrations.CreateModel(
            name="Explanation",
            fields=[
                (
                    "result",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="explanation",
                        serialize=False,
                        to="scores.quarterresult",
                    ),
                ),
                ("cells", models.JSONField(verbose_name="cells")),
                (
                    "totals",
                    models.JSONField(default=dict, verbose_name="deduction per indicator"),
                ),
            ],
            options={"verbose_name": "explanation", "verbose_name_plural": "explanations"},
        ),
        migrations.RunPython(pack, unpack, elidable=False),
        migrations.DeleteModel(name="Deduction"),
    ]
