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
from pingan.demo_data import bulletins as demo_data_bulletins
from pingan.demo_data import generate
from pingan.demo_data import matters as demo_data_matters
from pingan.demo_data import reporting as demo_data_reporting
from pingan.demo_data import scores as demo_data_scores
from pingan.demo_data import warnings as demo_data_warnings
from pingan.demo_data.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD, ensure_accounts
from pingan.demo_data.todo import print_accounts
from pingan.schemes.services import load_scheme
from pingan.units.services import import_covariates, import_units


def demo_months(today: dt.date) -> tuple[list[str], str]:
    """The 24 months of approved history and the live month (the previous calendar month)."""
    first_of_month = today.replace(day=1)
    live = first_of_month - dt.timedelta(days=1)
    history_end = live.replace(day=1) - dt.timedelta(days=1)
    return generate.month_sequence(history_end, 24), "%04d-%02d" % (live.year, live.month)


def build_demo(*, out: IO[str], today: dt.date | None = None) -> None:
    """Build (or reuse) the demo city in the configured database and print its accounts."""
    today = today or timezone.localdate()
    call_command("migrate", interactive=False, verbosity=0)
    system = command_line_actor()
    source = (
        resources.files("pingan.schemes.builtin")
        .joinpath("binzhou.toml")
        .read_text(encoding="utf-8")
    )
    version = load_scheme(actor=system, source=source).version
    import_units(actor=system, data=generate.units_csv())
    history, live = demo_months(today)
    years = sorted({int(m[:4]) for m in [*history, live]} | {today.year})
    import_covariates(actor=system, data=generate.covariates_csv(years))
    ensure_accounts(system)
    _run_hooks(history=history, live=live, version=version, out=out)
    run_owed_jobs()
    demo_data_warnings.build(out=out)
    _print_welcome(out)


def _run_hooks(**context: Any) -> None:
    """Let the reporting, scoring, matters and bulletins builders add their data through the services."""
    for module in (demo_data_reporting, demo_data_scores, demo_data_matters, demo_data_bulletins):
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
