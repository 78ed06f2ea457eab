"""Demo figures: five years of approved history and the live month in varied states, through the real services."""

from __future__ import annotations

import csv
import io
from typing import IO

from pingan.accounts.models import User
from pingan.accounts.services import create_user, grant_role
from pingan.core.access.actor import Actor, Grant, actor_for_user, command_line_actor
from pingan.core.access.roles import Role
from pingan.demo_data.accounts import DEMO_PASSWORD
from pingan.demo_data.generate import monthly_counts
from pingan.demo_data.warnings import with_outbreaks
from pingan.reporting import bulk_load, filling, submissions
from pingan.reporting.figure_columns import FIGURE_COLUMNS
from pingan.reporting.models import Submission
from pingan.schemes.models import ReportingBody, SchemeVersion

RECENT_MONTHS = 24
"""The units' trends run from the first of the last 24 history months: older months lie below."""

# The demo's last final quarter misses one unit's police figures for one month, so that a new user
# sees a unit withheld as 未完整上报 (not fully reported) with its missing cells.
GAP_UNIT = "BZ07"
GAP_BODY = "police"

# body code → how far its live-month submission goes; the `clerk` account (police) has a half-filled
# draft, so that signing in as clerk shows work to do.
LIVE_PLAN = {
    "police": "draft",
    "petitions": "approved",
    "emergency": "reviewed",
    "court": "returned",
    "justice": "submitted",
    "publicity": "received",
    "organs": "draft",
}


def build(*, history: list[str], live: str, version: SchemeVersion, out: IO[str]) -> None:
    """Load the history as approved figures and put the live month's submissions into varied states. Idempotent."""
    counts_by_class = {
        c.code: [r.indicator.code for r in c.rules.select_related("indicator")]
        for c in version.classes.all()
    }
    system = command_line_actor()
    if not Submission.objects.filter(month=history[0], is_current=True).exists():
        month = gap_month(history)
        gap = set(version.indicators.filter(body__code=GAP_BODY).values_list("code", flat=True))
        rows = [
            r
            for r in with_outbreaks(
                monthly_counts(history, counts_by_class, RECENT_MONTHS - len(history)), history
            )
            if not (r[0] == GAP_UNIT and r[2] == month and r[1] in gap)
        ]
        summary = bulk_load.import_figures(
            actor=system, data=_csv(rows), approve=True, reason="demo history (synthetic)"
        )
        out.write(
            "reporting: %d historical figures in %d approved versions\n"
            % (summary.rows, summary.approved)
        )
        out.write(
            "reporting: %s has no %s figures for %s (not fully reported)\n"
            % (GAP_UNIT, GAP_BODY, month)
        )
    live_values = {(u, c): v for u, c, _p, v in monthly_counts([live], counts_by_class)}
    for body_code, target in LIVE_PLAN.items():
        body = ReportingBody.objects.get(code=body_code)
        if Submission.objects.filter(body=body, month=live).exists():
            continue
        _live_submission(body, live, target, live_values)
    out.write("reporting: live month %s in varied states\n" % live)
    for body_code, target in LIVE_PLAN.items():
        if target == "draft":
            out.write(
                "reporting: %s has an open draft for %s to fill\n"
                % (_staff_name(body_code, Role.CLERK), live)
            )


def gap_month(history: list[str]) -> str:
    """The middle month of the newest quarter whose three months are all in the history.

    That quarter is final: its last month's deadline (at most the 28th of the next month) has
    passed by the time the month after next is live.
    """
    last = history[-1]
    year, month = int(last[:4]), int(last[5:7])
    end = month - month % 3
    if end == 0:
        year, end = year - 1, 12
    return "%04d-%02d" % (year, end - 1)


def _csv(rows: list[tuple[str, str, str, int]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(FIGURE_COLUMNS)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _live_submission(
    body: ReportingBody, month: str, target: str, values: dict[tuple[str, str], int]
) -> None:
    clerk, reviewer, approver = (
        _staff(body, role) for role in (Role.CLERK, Role.REVIEWER, Role.APPROVER)
    )
    draft = submissions.create_submission(actor=clerk, body_id=body.pk, month=month)
    catalogue = submissions.catalogue_for(draft.scheme_version)
    cells = catalogue.expected_cells(body.pk, month)
    if target == "draft":
        cells = cells[: len(cells) // 2]
    records = [
        (None, unit.code, code, month, values.get((unit.code, code), 0)) for unit, code in cells
    ]
    filling.put_cells(actor=clerk, submission_id=draft.pk, records=records)
    if target == "draft":
        return
    submissions.submit(actor=clerk, submission_id=draft.pk)
    if target == "returned":
        submissions.return_submission(
            actor=reviewer,
            submission_id=draft.pk,
            reason="请核对各县区刑事案件数 / please recheck the county figures",
        )
        return
    if target == "submitted":
        return
    submissions.review(actor=reviewer, submission_id=draft.pk)
    if target == "reviewed":
        return
    submissions.approve(actor=approver, submission_id=draft.pk)
    if target == "received":
        analyst = actor_for_user(User.objects.get(username="analyst"), channel="web")
        submissions.receive(actor=analyst, submission_id=draft.pk)


def _staff_name(body_code: str, role: str) -> str:
    return role if body_code == "police" else "%s_%s" % (role, body_code)


def _staff(body: ReportingBody, role: str) -> Actor:
    """The demo account of a body role: clerk/reviewer/approver for police, `<role>_<body>` for the others."""
    username = _staff_name(body.code, role)
    user = User.objects.filter(username=username).first()
    if user is None:
        security = Actor(
            user=User.objects.get(username="secadmin"),
            grants=(Grant(role=Role.SECURITY_ADMIN),),
            channel="cli",
            source="demo",
        )
        user = create_user(
            actor=security,
            username=username,
            password=DEMO_PASSWORD,
            display_name="%s %s" % (body.name_zh, role),
        )
        grant_role(actor=security, user=user, role=role, body_id=body.pk)
    return actor_for_user(user, channel="web")
