"""Explanations stored as bytes: one binary row per result instead of two JSON documents.

Each explanation's `cells` and `totals` are written as the bytes of `pingan.scores.cells` (its
layout copied here as it is today) and the JSON columns dropped; going back decodes them.
"""

import json
import struct
from collections.abc import Sequence
from typing import Any

import numpy as np
from django.db import migrations, models

EXTRA_MONTHS = ("cap", "kind")
MAGIC = b"PX01"
HEADER = struct.Struct("<4sIIII")
STATUSES = ("", "missing", "imputed", "closed")
HAS_COUNT, HAS_FIGURE, HAS_IMPUTED = 1, 2, 4
BATCH = 500


def meta_json(
    codes: Sequence[str],
    months: Sequence[str],
    rest: Sequence[Sequence[str]],
    totals: Sequence[str] | None,
) -> bytes:
    """The JSON part of a stored explanation (the totals' keys only when not the usual ones)."""
    meta: dict[str, Any] = {
        "codes": list(codes),
        "months": list(months),
        "rest": [list(r) for r in rest],
    }
    if totals is not None and list(totals) != usual_totals(codes, rest):
        meta["totals"] = list(totals)
    return json.dumps(meta, separators=(",", ":"), ensure_ascii=False).encode()


def usual_totals(codes: Sequence[str], rest: Sequence[Sequence[str]]) -> list[str]:
    """The totals' keys in row order: the indicators, then the leftover rows' other codes."""
    return list(dict.fromkeys([*codes, *(r[0] for r in rest)]))


def encode(cells: dict[str, Any], totals: dict[str, float]) -> bytes:
    """The stored bytes of an explanation given as a dict of lists (`pack_rows`) and its totals."""
    codes, months = cells["codes"], cells["months"]
    flat = [
        (status, count, deduction, figure, imputed)
        for j in range(len(codes))
        for status, count, deduction, figure, imputed in zip(
            cells["status"][j],
            cells["count"][j],
            cells["deduction"][j],
            cells["figure"][j],
            cells["imputed"][j],
            strict=True,
        )
    ]
    status = [-1 if s is None else STATUSES.index(s) for s, *_r in flat]
    present = [
        (c is not None) * HAS_COUNT + (f is not None) * HAS_FIGURE + (i is not None) * HAS_IMPUTED
        for _s, c, _d, f, i in flat
    ]
    counts = [c for _s, c, _d, _f, _i in flat if c is not None]
    figures = [f for _s, _c, _d, f, _i in flat if f is not None]
    imputed = [i for _s, _c, _d, _f, i in flat if i is not None]
    extra = cells["extra"]
    rest = cells["rest"]
    usual = usual_totals(codes, [r[:2] for r in rest])
    if sorted(totals) == sorted(usual):  # in row order, whatever order they were read in
        totals = {key: totals[key] for key in usual}
    meta = meta_json(codes, months, [r[:2] for r in rest], list(totals))
    return b"".join(
        (
            HEADER.pack(MAGIC, len(meta), len(counts), len(figures), len(imputed)),
            meta,
            np.array(list(totals.values()), dtype="<f8").tobytes(),
            bytes(0 if e is None else 1 + EXTRA_MONTHS.index(e[0]) for e in extra),
            np.array([0.0 if e is None else e[1] for e in extra], dtype="<f8").tobytes(),
            np.array([r[2] for r in rest], dtype="<f8").tobytes(),
            np.array(status, dtype="<i1").tobytes(),
            bytes(present),
            np.array([0.0 if d is None else d for _s, _c, d, _f, _i in flat], "<f8").tobytes(),
            np.array(counts, dtype="<i8").tobytes(),
            np.array(figures, dtype="<i8").tobytes(),
            np.array(imputed, dtype="<f8").tobytes(),
        )
    )


def decode(data: bytes) -> tuple[dict[str, Any], dict[str, float]]:
    """The dict of lists (as `pack_rows` gives) and the totals of a stored explanation."""
    data = bytes(data)
    magic, size, n_counts, n_figures, n_imputed = HEADER.unpack_from(data)
    if magic != MAGIC:
        raise ValueError("not a stored explanation")
    at = HEADER.size + size
    meta = json.loads(data[HEADER.size : at])
    codes, months, rest = meta["codes"], meta["months"], meta["rest"]
    keys = meta["totals"] if "totals" in meta else usual_totals(codes, rest)
    shape = (len(codes), len(months))
    cells_count = shape[0] * shape[1]
    parts = {}
    for name, dtype, count in (
        ("totals", "<f8", len(keys)),
        ("extra_kind", "<u1", shape[0]),
        ("extra", "<f8", shape[0]),
        ("rest", "<f8", len(rest)),
        ("status", "<i1", cells_count),
        ("present", "<u1", cells_count),
        ("deduction", "<f8", cells_count),
        ("count", "<i8", n_counts),
        ("figure", "<i8", n_figures),
        ("imputed", "<f8", n_imputed),
    ):
        parts[name] = np.frombuffer(data, dtype=dtype, count=count, offset=at)
        at += count * np.dtype(dtype).itemsize
    status = parts["status"].astype(np.int64)
    present = parts["present"]
    names = np.array([*STATUSES, None], dtype=object)
    has = status >= 0
    grids = {
        "count": _placed(parts["count"], (present & HAS_COUNT) != 0),
        "deduction": _placed(parts["deduction"][has], has),
        "figure": _placed(parts["figure"], (present & HAS_FIGURE) != 0),
        "status": names[status],
        "imputed": _placed(parts["imputed"], (present & HAS_IMPUTED) != 0),
    }
    kinds = parts["extra_kind"].tolist()
    cells = {
        "codes": codes,
        "months": months,
        **{name: grid.reshape(shape).tolist() for name, grid in grids.items()},
        "extra": [
            [EXTRA_MONTHS[k - 1], value] if k else None
            for k, value in zip(kinds, parts["extra"].tolist(), strict=True)
        ],
        "rest": [[c, m, d] for (c, m), d in zip(rest, parts["rest"].tolist(), strict=True)],
    }
    return cells, dict(zip(keys, parts["totals"].tolist(), strict=True))


def _placed(values: np.ndarray, where: np.ndarray) -> np.ndarray:
    """An object array of `where`'s shape: `values` (as Python numbers) in order where set, else None."""
    out = np.full(where.shape, None, dtype=object)
    out[where] = values
    return out


def to_bytes(apps, schema_editor):
    """Encode every explanation's cells and totals, a batch of results at a time."""
    Explanation = apps.get_model("scores", "Explanation")
    ids = list(Explanation.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        rows = Explanation.objects.filter(pk__in=ids[start : start + BATCH])
        for row in rows:
            row.data = encode(row.cells, row.totals)
        Explanation.objects.bulk_update(rows, ["data"])


def to_json(apps, schema_editor):
    """Decode every explanation back into its cells and totals."""
    Explanation = apps.get_model("scores", "Explanation")
    ids = list(Explanation.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        rows = Explanation.objects.filter(pk__in=ids[start : start + BATCH])
        for row in rows:
            row.cells, row.totals = decode(row.data)
        Explanation.objects.bulk_update(rows, ["cells", "totals"])


def lz4_on_postgresql(apps, schema_editor):
    """On PostgreSQL, compress the column with lz4 when the server has it (pglz otherwise).

    lz4 compresses a quarter's explanations (about 12 MB at province size) several times faster
    than the default pglz, which made most of the time of writing them.
    """
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_settings, unnest(enumvals) AS v(value)"
            " WHERE name = 'default_toast_compression' AND v.value = 'lz4'"
        )
        if cursor.fetchone()[0]:
            cursor.execute("ALTER TABLE scores_explanation ALTER COLUMN data SET COMPRESSION lz4")


class Migration(migrations.Migration):
    dependencies = [("scores", "0008_figure_packs")]

    operations = [
        migrations.AddField(
            model_name="explanation",
            name="data",
            field=models.BinaryField(null=True, verbose_name="cells and deductions per indicator"),
        ),
        migrations.AlterField(
            model_name="explanation",
            name="cells",
            field=models.JSONField(null=True, verbose_name="cells"),
        ),
        migrations.RunPython(to_bytes, to_json, elidable=False),
        migrations.RemoveField(model_name="explanation", name="cells"),
        migrations.RemoveField(model_name="explanation", name="totals"),
        migrations.AlterField(
            model_name="explanation",
            name="data",
            field=models.BinaryField(verbose_name="cells and deductions per indicator"),
        ),
        migrations.RunPython(lz4_on_postgresql, migrations.RunPython.noop, elidable=False),
    ]
