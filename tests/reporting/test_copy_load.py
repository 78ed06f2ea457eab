"""The set-based PostgreSQL path of an approved figures load, and the statement-level reference checks of figures."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction

from pingan.audit.models import AuditRecord
from pingan.core.problems import InputRefused
from pingan.reporting import bulk_load, copy_load, partitions
from pingan.reporting.cells import check_lines
from pingan.reporting.models import Figure, Kind, Status, Submission, SubmissionEvent
from pingan.units.models import OrgUnit

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only"),
]

NOW = dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC)
GOOD = """unit_code,indicator_code,period,value
A1,criminal,2026-08,3
A1,public_security,2026-08,0
A1,petition_unlawful,2026-08,1
A2,criminal,2026-08,2
A2,public_security,2026-08,
B1,petition_unlawful,2026-08,4
A1,criminal,2026-09,4
"""


@pytest.fixture
def line_check_refused(monkeypatch):
    """Fail the test if the line-by-line check runs."""

    def refuse(*args, **kwargs):
        raise AssertionError("the line check ran")

    monkeypatch.setattr(bulk_load, "check_lines", refuse)


def load(actor, text: str, **options):
    return bulk_load.import_figures(
        actor=actor, data=text.encode(), approve=True, reason="history", now=NOW, **options
    )


def cells() -> list[tuple[str, str, str, int, bool, bool]]:
    return sorted(
        Figure.objects.values_list(
            "submission__month", "unit__code", "indicator_code", "value", "changed", "is_locked"
        )
    )


def test_clean_file_is_loaded_set_based(city, system_actor, line_check_refused):
    summary = load(system_actor, "\ufeff" + GOOD)
    assert (summary.rows, summary.approved, summary.corrections) == (7, 3, 0)
    assert cells() == [
        ("2026-08", "A1", "criminal", 3, False, True),
        ("2026-08", "A1", "petition_unlawful", 1, False, True),
        ("2026-08", "A1", "public_security", 0, False, True),
        ("2026-08", "A2", "criminal", 2, False, True),
        ("2026-08", "B1", "petition_unlawful", 4, False, True),
        ("2026-09", "A1", "criminal", 4, False, True),
    ]
    versions = list(
        Submission.objects.order_by("month", "body__code").values_list(
            "body__code", "month", "number", "status", "kind", "is_current", "reason"
        )
    )
    assert versions == [
        ("petitions", "2026-08", 1, Status.APPROVED, Kind.HISTORICAL, True, "history"),
        ("police", "2026-08", 1, Status.APPROVED, Kind.HISTORICAL, True, "history"),
        ("police", "2026-09", 1, Status.APPROVED, Kind.HISTORICAL, True, "history"),
    ]
    assert summary.submission_ids == list(
        Submission.objects.order_by("month", "body__code").values_list("pk", flat=True)
    )
    steps = list(SubmissionEvent.objects.values_list("step", "from_status", "to_status", "at"))
    assert steps == [("create", "", "approved", NOW), ("approve", "approved", "approved", NOW)] * 3
    record = AuditRecord.objects.filter(event="reporting.figures.import").get()
    assert (record.detail["rows"], record.detail["approved"], record.outcome) == (7, 3, "success")


def test_crlf_lines_and_no_final_newline_are_loaded_set_based(
    city, system_actor, line_check_refused
):
    summary = load(system_actor, GOOD.replace("\n", "\r\n").rstrip("\r\n"))
    assert (summary.rows, summary.approved) == (7, 3)
    assert len(cells()) == 6


def test_figures_take_ids_from_the_table_sequence(city, system_actor, line_check_refused):
    load(system_actor, GOOD)
    ids = sorted(Figure.objects.values_list("id", flat=True))
    assert ids == list(range(ids[0], ids[0] + 6))
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence('reporting_figure', 'id'))")
        assert cursor.fetchone()[0] == ids[-1] + 1
        cursor.execute("SELECT tableoid::regclass::text, count(*) FROM reporting_figure GROUP BY 1")
        assert cursor.fetchall() == [("reporting_figure_y2026", 6)]


def test_a_new_year_is_attached_as_a_partition_made_on_demand_would_be(
    city, system_actor, line_check_refused
):
    load(system_actor, GOOD)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = 'reporting_figure_y2026'::regclass ORDER BY conname"
        )
        assert cursor.fetchall() == [
            ("reporting_figure_value_check", "c", "CHECK ((value >= 0))"),
            ("reporting_figure_y2026_pkey", "p", "PRIMARY KEY (id, year)"),
            (
                "reporting_figure_y2026_submission_id_unit_id_indicator_code_key",
                "u",
                "UNIQUE (submission_id, unit_id, indicator_code, year)",
            ),
            ("reporting_figure_year_check", "c", "CHECK ((year >= 0))"),
        ]
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'reporting_figure_y2026'::regclass"
        )
        assert cursor.fetchall() == [("pingan_reporting_figure_no_change",)]
        with pytest.raises(DatabaseError), transaction.atomic():
            cursor.execute("UPDATE reporting_figure SET value = 9")


def partition_of_2026() -> tuple[int, str, list[tuple[str, str, str]], list[str], int]:
    """The 2026 partition of figures: its table id, bounds, keys and checks, row triggers, rows."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.oid, pg_get_expr(c.relpartbound, c.oid) FROM pg_class c"
            " JOIN pg_inherits i ON i.inhrelid = c.oid"
            " WHERE i.inhparent = 'reporting_figure'::regclass AND c.relname = 'reporting_figure_y2026'"
        )
        oid, bounds = cursor.fetchone()
        cursor.execute(
            "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = %s ORDER BY conname",
            [oid],
        )
        constraints = [tuple(row) for row in cursor.fetchall()]
        cursor.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = %s ORDER BY 1", [oid])
        triggers = [name for (name,) in cursor.fetchall()]
        cursor.execute("SELECT count(*) FROM reporting_figure_y2026")
        return oid, bounds, constraints, triggers, cursor.fetchone()[0]


def tables_like(pattern: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname FROM pg_class WHERE relname LIKE %s ORDER BY 1", [pattern])
        return [name for (name,) in cursor.fetchall()]


MADE_AHEAD = [
    ("reporting_figure_value_check", "c", "CHECK ((value >= 0))"),
    ("reporting_figure_y2026_pkey", "p", "PRIMARY KEY (id, year)"),
    (
        "reporting_figure_y2026_submission_id_unit_id_indicator_code_key",
        "u",
        "UNIQUE (submission_id, unit_id, indicator_code, year)",
    ),
    ("reporting_figure_year_check", "c", "CHECK ((year >= 0))"),
]


def test_an_empty_partition_made_ahead_is_replaced_by_the_filled_one(
    city, system_actor, line_check_refused
):
    partitions.ensure_years([2026])
    ahead = partition_of_2026()
    assert ahead[1:] == (
        "FOR VALUES FROM ('2026') TO ('2027')",
        MADE_AHEAD,
        ["pingan_reporting_figure_no_change"],
        0,
    )
    summary = load(system_actor, GOOD)
    assert (summary.rows, summary.approved) == (7, 3)
    replaced = partition_of_2026()
    assert replaced[0] != ahead[0]
    assert replaced[1:] == (*ahead[1:4], 6)
    assert tables_like("reporting_figure_fresh%") == []
    assert cells() == [
        ("2026-08", "A1", "criminal", 3, False, True),
        ("2026-08", "A1", "petition_unlawful", 1, False, True),
        ("2026-08", "A1", "public_security", 0, False, True),
        ("2026-08", "A2", "criminal", 2, False, True),
        ("2026-08", "B1", "petition_unlawful", 4, False, True),
        ("2026-09", "A1", "criminal", 4, False, True),
    ]
    ids = sorted(Figure.objects.values_list("id", flat=True))
    assert ids == list(range(ids[0], ids[0] + 6))
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text, count(*) FROM reporting_figure GROUP BY 1")
        assert cursor.fetchall() == [("reporting_figure_y2026", 6)]
        with pytest.raises(DatabaseError), transaction.atomic():
            cursor.execute("UPDATE reporting_figure SET value = 9")
        with pytest.raises(DatabaseError, match="duplicate key"), transaction.atomic():
            figure = Figure.objects.order_by("id").first()
            assert figure is not None
            cursor.execute(
                "INSERT INTO reporting_figure (submission_id, unit_id, indicator_code, value,"
                " changed, is_locked, year) VALUES (%s, %s, %s, 1, false, true, 2026)",
                [figure.submission_id, figure.unit_id, figure.indicator_code],
            )


def test_a_partition_holding_figures_is_written_into_not_replaced(
    city, system_actor, line_check_refused
):
    load(system_actor, GOOD.replace("2026-08", "2026-07").replace("A1,criminal,2026-09,4\n", ""))
    before = partition_of_2026()
    summary = load(system_actor, GOOD)
    assert (summary.rows, summary.approved) == (7, 3)
    after = partition_of_2026()
    assert after[:4] == before[:4]
    assert (before[4], after[4]) == (5, 11)


def test_a_failing_load_leaves_the_empty_partition_as_it_was(city, system_actor, monkeypatch):
    partitions.ensure_years([2026])
    ahead = partition_of_2026()

    def fail(**kwargs):
        raise DatabaseError("the audit record could not be written")

    monkeypatch.setattr(bulk_load, "record_event", fail)
    with pytest.raises(DatabaseError, match="audit record"):
        load(system_actor, GOOD)
    assert partition_of_2026() == ahead
    assert tables_like("reporting_figure_fresh%") == []
    assert (Submission.objects.count(), Figure.objects.count()) == (0, 0)


def test_a_swap_that_fails_puts_the_rows_into_the_empty_partition(
    city, system_actor, line_check_refused, monkeypatch
):
    partitions.ensure_years([2026])
    ahead = partition_of_2026()
    # An unusable wait makes the swap fail at the database, as a lock held too long by readers would.
    monkeypatch.setattr(partitions, "LOCK_TIMEOUT", "forever")
    summary = load(system_actor, GOOD)
    assert (summary.rows, summary.approved) == (7, 3)
    assert partition_of_2026() == (*ahead[:4], 6)
    assert tables_like("reporting_figure_fresh%") == []
    assert len(cells()) == 6


def test_a_survey_rate_line_takes_the_line_check(city, system_actor, monkeypatch):
    monkeypatch.setattr(bulk_load, "rate_codes", lambda: {"criminal"})
    ran = []
    monkeypatch.setattr(
        bulk_load, "check_lines", lambda *a, **k: ran.append(1) or check_lines(*a, **k)
    )
    summary = load(system_actor, GOOD)
    assert (ran, summary.rows, summary.approved) == ([1], 7, 3)


def test_dry_run_writes_nothing(city, system_actor, line_check_refused):
    summary = load(system_actor, GOOD, dry_run=True)
    assert (summary.rows, summary.approved) == (7, 3)
    assert (Submission.objects.count(), Figure.objects.count()) == (0, 0)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            GOOD + "A1,criminal,2026-08,5\n",
            "row 9, column indicator_code: duplicate cell, first given at row 2",
        ),
        (GOOD + "ZZ,criminal,2026-08,5\n", "row 9, column unit_code: unknown unit ZZ"),
        (
            GOOD + "A1,criminal,2026-08,+5\n",
            "row 9, column value: the value must be a whole number ≥ 0",
        ),
        (GOOD + "A1,criminal,2099-01,5\n", "row 9, column period: 2099-01 has not ended yet"),
    ],
)
def test_a_refused_line_is_named_by_the_line_check(city, system_actor, text, problem):
    with pytest.raises(InputRefused) as refused:
        load(system_actor, text)
    assert problem in [str(p) for p in refused.value.problems]
    assert (Submission.objects.count(), Figure.objects.count()) == (0, 0)


def test_spaces_and_quotes_take_the_line_check_and_load_the_same(city, system_actor):
    text = GOOD.replace("A1,criminal,2026-09,4", '" A1",criminal, 2026-09 ,"4"')
    assert not copy_load.eligible(text.encode())
    summary = load(system_actor, text)
    assert (summary.rows, summary.approved) == (7, 3)
    assert ("2026-09", "A1", "criminal", 4, False, True) in cells()


def test_a_month_with_a_version_takes_the_line_check(city, system_actor):
    load(system_actor, GOOD)
    summary = load(system_actor, GOOD.replace("A1,criminal,2026-09,4", "A1,criminal,2026-09,6"))
    assert (summary.approved, summary.corrections, summary.unchanged) == (0, 1, 2)


def test_figures_naming_missing_rows_are_refused_per_statement(city, system_actor):
    load(system_actor, GOOD)
    figure = Figure.objects.select_related("submission", "unit").first()
    assert figure is not None
    with connection.cursor() as cursor:
        for column, missing in (("submission_id", 10**9), ("unit_id", 10**9)):
            values = {"submission_id": figure.submission_id, "unit_id": figure.unit_id}
            values[column] = missing
            with pytest.raises(DatabaseError, match="names a"), transaction.atomic():
                cursor.execute(
                    "INSERT INTO reporting_figure (submission_id, unit_id, indicator_code, value,"
                    " changed, is_locked, year) VALUES (%s, %s, 'x', 1, false, false, %s)",
                    [values["submission_id"], values["unit_id"], figure.year],
                )
        with pytest.raises(DatabaseError, match="figures still name"), transaction.atomic():
            cursor.execute("DELETE FROM units_orgunit WHERE id = %s", [figure.unit_id])
    assert OrgUnit.objects.filter(pk=figure.unit_id).exists()


def test_figure_foreign_keys_are_statement_triggers(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_constraint WHERE conrelid = 'reporting_figure'::regclass"
            " AND contype = 'f'"
        )
        assert cursor.fetchone()[0] == 0
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgname LIKE 'pingan_%%refs%%' ORDER BY tgname"
        )
        assert [name for (name,) in cursor.fetchall()] == [
            "pingan_reporting_figure_refs_insert",
            "pingan_reporting_figure_refs_update",
            "pingan_reporting_submission_figure_refs",
            "pingan_units_orgunit_figure_refs",
        ]
