"""`pingan demo`: build the synthetic demo city through the real services. Idempotent."""

from __future__ import annotations

import datetime as dt
from importlib import resources
from typing import IO, Any

from django.core.management import call_command
from django.utils import timezone
from django.utils.translation import gettext as _

from pingan.core.access.actor import command_line_actor
from pingan.core.jobs import run_owed_jobs
from pingan.demo_data import assessments as demo_data_assessments
from pingan.demo_data import bulletins as demo_data_bulletins
from pingan.demo_data import cities, generate
from pingan.demo_data import matters as demo_data_matters
from pingan.demo_data import reporting as demo_data_reporting
from pingan.demo_data import scores as demo_data_scores
from pingan.demo_data import warnings as demo_data_warnings
from pingan.demo_data.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD, ensure_accounts
from pingan.demo_data.todo import print_accounts
from pingan.reporting.bulk_load import import_figures
from pingan.reporting.models import Submission
from pingan.schemes.models import Scheme, SchemeVersion
from pingan.schemes.services import load_scheme
from pingan.units.services import import_covariates, import_units

SCHEMES = ("binzhou", "longyan", "hefei")
"""Built-in schemes a demo city can be built for (one per PINGAN_HOME)."""


def builtin_source(code: str) -> str:
    """The TOML text of a built-in scheme."""
    return resources.files("pingan.schemes.builtin").joinpath(code + ".toml").read_text("utf-8")


def other_scheme(code: str) -> str | None:
    """The code of a scheme other than `code` already in the database, if any."""
    return Scheme.objects.exclude(code=code).values_list("code", flat=True).first()


HISTORY_MONTHS = 54
"""Months of approved history of the binzhou demo: Farrington and Noufaily need 38 months before
the month they judge (3 years of baseline and 2 months either side), so they judge the last 16
months, and a backtest of the year and a half before the newest months sees them at every origin."""

CITY_HISTORY_MONTHS = 24
"""Months of approved history of the longyan and hefei demo cities."""


def demo_months(today: dt.date, count: int = CITY_HISTORY_MONTHS) -> tuple[list[str], str]:
    """The `count` months of approved history and the live month (the previous calendar month)."""
    first_of_month = today.replace(day=1)
    live = first_of_month - dt.timedelta(days=1)
    history_end = live.replace(day=1) - dt.timedelta(days=1)
    return generate.month_sequence(history_end, count), "%04d-%02d" % (live.year, live.month)


def build_demo(*, out: IO[str], today: dt.date | None = None, scheme: str = "binzhou") -> None:
    """Build (or reuse) the demo city of a built-in scheme and print its accounts.

    One demo city per database: another scheme's city already there is refused (ValueError).
    """
    today = today or timezone.localdate()
    call_command("migrate", interactive=False, verbosity=0)
    present = other_scheme(scheme)
    if present is not None:
        raise ValueError(
            "this PINGAN_HOME holds the %s demo; use another PINGAN_HOME for %s" % (present, scheme)
        )
    if scheme != "binzhou":
        build_city_demo(scheme=scheme, out=out, today=today)
        return
    system = command_line_actor()
    version = load_scheme(actor=system, source=builtin_source("binzhou")).version
    import_units(actor=system, data=generate.units_csv())
    history, live = demo_months(today, HISTORY_MONTHS)
    years = sorted({int(m[:4]) for m in [*history, live]} | {today.year})
    import_covariates(actor=system, data=generate.covariates_csv(years))
    ensure_accounts(system)
    _run_hooks(history=history, live=live, version=version, out=out)
    run_owed_jobs()
    demo_data_warnings.build(out=out)
    _print_welcome(out)


def build_city_demo(*, scheme: str, out: IO[str], today: dt.date) -> None:
    """The longyan or hefei demo city: scheme, units, pairs, history, scores and a bulletin."""
    system = command_line_actor()
    source = builtin_source(scheme)
    version = load_scheme(actor=system, source=source).version
    import_units(actor=system, data=cities.units_csv(scheme))
    history, live = demo_months(today)
    years = sorted({int(m[:4]) for m in [*history, live]} | {today.year})
    import_covariates(actor=system, data=cities.covariates_csv(scheme, years))
    links = cities.pairs(scheme)
    if links:
        listed = ", ".join('["%s", "%s"]' % pair for pair in links)
        version = load_scheme(actor=system, source=source + "pairs = [%s]\n" % listed).version
    ensure_accounts(system, unit_code=cities.CITIES[scheme].counties[0][0])
    if not Submission.objects.filter(is_current=True).exists():
        summary = import_figures(
            actor=system,
            data=cities.figures_csv(scheme, history, _kinds(version)),
            approve=True,
            reason="demo history (synthetic)",
        )
        out.write("reporting: %d historical figures approved\n" % summary.rows)
    out.write("scores: %d owed jobs run\n" % run_owed_jobs())
    demo_data_bulletins.build(history=history, live=live, out=out)
    _print_welcome(out)


def _kinds(version: SchemeVersion) -> dict[str, list[tuple[str, str]]]:
    return {
        c.code: [(r.indicator.code, r.indicator.kind) for r in c.rules.select_related("indicator")]
        for c in version.classes.all()
    }


def _run_hooks(**context: Any) -> None:
    """Let the reporting, scoring, matters, bulletins and assessments builders add their data through the services."""
    for module in (
        demo_data_reporting,
        demo_data_scores,
        demo_data_matters,
        demo_data_bulletins,
        demo_data_assessments,
    ):
        module.build(**context)


def _print_welcome(out: IO[str]) -> None:
    out.write("\n" + _("pingan demo city ready (all figures are synthetic).") + "\n")
    out.write(
        _("Accounts (password for all: %(password)s), with what each has to do:")
        % {"password": DEMO_PASSWORD}
        + "\n"
    )
    print_accounts(out, [username for username, *_rest in DEMO_ACCOUNTS])
    out.flush()
