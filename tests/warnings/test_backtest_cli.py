"""`pingan warnings backtest` through the real command line, on demo-like approved history."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest

from pingan.cli import main
from pingan.demo_data.generate import month_sequence, monthly_counts
from pingan.reporting import bulk_load, figures_file

pytestmark = pytest.mark.django_db
METHODS = ["ears_c1", "ears_c2", "ears_c3", "cusum", "farrington", "noufaily", "persistence", "worst_k"]  # fmt: skip


@pytest.fixture(autouse=True)
def cli_language(monkeypatch):
    """The command line speaks English in these tests."""
    monkeypatch.setenv("PINGAN_LANGUAGE", "en")


@pytest.fixture
def history(binzhou, demo_units, system_actor):
    """44 months of the demo city's synthetic figures, approved as a historical load."""
    by_class = {
        c.code: [r.indicator.code for r in c.rules.select_related("indicator")]
        for c in binzhou.classes.all()
    }
    rows = monthly_counts(month_sequence(dt.date(2026, 8, 1), 44), by_class)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(figures_file.FIGURE_COLUMNS)
    writer.writerows(rows)
    bulk_load.import_figures(
        actor=system_actor, data=buffer.getvalue().encode(), approve=True, reason="history"
    )


def test_the_table_for_every_detector_and_both_baselines(history, capsys):
    args = ["warnings", "backtest", "--from", "2025-06", "--to", "2026-05"]
    assert main([*args, "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [r["method"] for r in report["results"]] == METHODS
    assert report["event"] == "severe_p95:3"
    assert report["units"] == 108
    assert report["scored_months"][0] == "2025-06"
    assert report["scored_months"][-1] == "2026-05"
    for result in report["results"]:
        assert result["alarms"] == result["true_alarms"] + result["false_alarms"]
    assert main([*args, "--format", "text"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("Backtest 2025-06 – 2026-05, event severe_p95:3, 108 units, 12 months")
    assert all(method in text for method in METHODS)
    assert (
        main([*args, "--format", "csv", "--detector", "cusum", "--target-false-alarms", "1"]) == 0
    )
    table = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [row["method"] for row in table] == ["cusum", "persistence", "worst_k"]


@pytest.mark.parametrize(
    ("options", "place"),
    [
        (["--from", "2026-13", "--to", "2026-05"], "--from"),
        (["--from", "2026-05", "--to", "2026-01"], "--to"),
        (["--from", "2026-01", "--to", "2026-05", "--detector", "shewhart"], "--detector"),
        (["--from", "2026-01", "--to", "2026-05", "--event", "worst_p95"], "--event"),
    ],
)
def test_bad_options_exit_1_naming_the_option(binzhou, capsys, options, place):
    assert main(["warnings", "backtest", *options]) == 1
    err = capsys.readouterr().err
    assert "nothing was written" in err
    assert place in err


def test_an_unknown_format_is_a_usage_error(binzhou):
    with pytest.raises(SystemExit) as exited:
        main(["warnings", "backtest", "--from", "2026-01", "--to", "2026-05", "--format", "xml"])
    assert exited.value.code == 2


@pytest.mark.parametrize(("spiking", "events"), [("mass_incident", 1), ("safety_accident", 0)])
def test_events_are_read_on_the_schemes_severe_indicators(
    binzhou, demo_units, system_actor, capsys, spiking, events
):
    """The severe scope follows the indicators by code: a spike of mass incidents (severe) is an
    event, one of safety accidents (not severe) is none."""
    codes = [r.indicator.code for r in binzhou.classes.get(code="A").rules.select_related("indicator")]  # fmt: skip
    months = month_sequence(dt.date(2026, 6, 1), 24)
    rows = [
        ("BZ01", code, month, 9 if (code, month) == (spiking, "2026-03") else 1)
        for month in months
        for code in codes
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(figures_file.FIGURE_COLUMNS)
    writer.writerows(rows)
    bulk_load.import_figures(
        actor=system_actor, data=buffer.getvalue().encode(), approve=True, reason="history"
    )
    args = ["warnings", "backtest", "--from", "2025-08", "--to", "2026-03", "--format", "json"]
    assert main(args) == 0
    report = json.loads(capsys.readouterr().out)
    assert {r["events"] for r in report["results"]} == {events}
