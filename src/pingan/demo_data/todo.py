"""What each demo account has to do, in the current language, printed when the demo is ready.

Every line is read from the state the demo left, through the same panel functions the home
pages use, so what the list promises is what the account finds when it signs in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import IO

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from pingan.accounts.models import User
from pingan.assessments import selectors as assessments_selectors
from pingan.bulletins import home as bulletins_home
from pingan.core.access.actor import Actor, actor_for_user
from pingan.core.access.roles import Role
from pingan.matters import home as matters_home
from pingan.reporting import home as reporting_home
from pingan.reporting import selectors as reporting_selectors
from pingan.reporting.models import Status
from pingan.scores import home as scores_home


def _clerk(actor: Actor) -> str:
    lines = []
    for row in reporting_home.clerk_month(actor)["rows"]:
        values = {
            "body": row.body.display_name(_language()),
            "month": row.month,
            "filled": row.filled_cells,
            "expected": row.expected_cells,
            "due": row.due_on.isoformat(),
        }
        if row.status == "missing":
            lines.append(_("open and fill %(body)s's figures for %(month)s by %(due)s") % values)
        elif row.status == Status.DRAFT:
            lines.append(
                _(
                    "finish the open draft of %(body)s for %(month)s (%(filled)d of %(expected)d"
                    " cells filled) and submit it by %(due)s"
                )
                % values
            )
        else:
            lines.append(
                _("%(body)s's figures for %(month)s are %(status)s: nothing to fill")
                % {**values, "status": row.status_label}
            )
    return "; ".join(lines) or _("no figures expected this month")


def _signer(actor: Actor) -> str:
    waiting = reporting_home.waiting_for_signature(actor)["waiting"]
    if not waiting:
        return _("nothing waits for your signature")
    return _("sign %(n)d submission(s): %(which)s") % {
        "n": len(waiting),
        "which": ", ".join("%s %s" % (s.body.display_name(_language()), s.month) for s in waiting),
    }


def _analyst(actor: Actor) -> str:
    approved = reporting_selectors.submissions_matching(actor, status=Status.APPROVED)
    drafts = bulletins_home.latest_bulletin(actor)["drafts"]
    parts = [
        _("receive %(n)d approved submission(s)") % {"n": len(approved)},
        _("%(n)d bulletin draft(s) open") % {"n": len(drafts)},
    ]
    return "; ".join(parts)


def _office_head(actor: Actor) -> str:
    drafts = bulletins_home.latest_bulletin(actor)["drafts"]
    if drafts:
        return _("issue the bulletin draft of %(period)s") % {"period": drafts[0].period}
    return _("read the index and the latest bulletin; no draft waits to be issued")


def _leader(actor: Actor) -> str:
    tiers = scores_home.quarter_tiers(actor) or {}
    counts = {row["tier"]: row["count"] for row in tiers.get("rows", [])}
    return _(
        "read the overview: %(period)s has %(red)d red and %(orange)d orange unit(s);"
        " %(reports)d overdue report(s), %(matters)d overdue matter(s)"
    ) % {
        "period": tiers.get("period") or "-",
        "red": counts.get("red", 0),
        "orange": counts.get("orange", 0),
        "reports": reporting_home.completion(actor)["overdue_count"],
        "matters": matters_home.overdue_open_count(actor),
    }


def _matters(actor: Actor) -> str:
    return _("%(n)d matter(s) wait for your step") % {"n": matters_home.queue(actor)["total"]}


def _unit_viewer(actor: Actor) -> str:
    return _("read the results of your unit and the units below it")


def _assessor(actor: Actor) -> str:
    stages = assessments_selectors.home_overview(actor)["by_status"]
    return _("%(n)d decision(s) to analyse and report on, %(m)d registered and not yet started") % {
        "n": stages.get("analysis", 0),
        "m": stages.get("draft", 0),
    }


def _department_head(actor: Actor) -> str:
    stages = assessments_selectors.home_overview(actor)["by_status"]
    return _("%(n)d special report(s) wait for your review") % {"n": stages.get("review", 0)}


def _proposer(actor: Actor) -> str:
    overdue = assessments_selectors.home_overview(actor)["overdue"]
    return _("register your body's major decisions; %(n)d measure(s) overdue") % {"n": overdue}


TODO: dict[str, Callable[[Actor], str]] = {
    Role.SYSTEM_ADMIN: lambda a: _("units, schemes, figure imports, jobs and backups"),
    Role.SECURITY_ADMIN: lambda a: _("create accounts, grant and revoke roles"),
    Role.AUDIT_ADMIN: lambda a: _("read the audit log and verify its chain"),
    Role.ANALYST: _analyst,
    Role.OFFICE_HEAD: _office_head,
    Role.CLERK: _clerk,
    Role.REVIEWER: _signer,
    Role.APPROVER: _signer,
    Role.UNIT_VIEWER: _unit_viewer,
    Role.LEADER: _leader,
    Role.DISPATCHER: _matters,
    Role.HANDLER: _matters,
    Role.PROPOSER: _proposer,
    Role.ASSESSOR: _assessor,
    Role.DEPARTMENT_HEAD: _department_head,
}


def _language() -> str:
    return get_language() or "zh-hans"


def _scope(user: User) -> str:
    names = []
    for grant in user.assignments.all():  # type: ignore[attr-defined]
        place = grant.body or grant.unit
        if place is not None:
            names.append(place.display_name(_language()))
    return ", ".join(names)


def print_accounts(out: IO[str], usernames: list[str]) -> None:
    """Print each account (demo accounts first, then the other body staff) with its role, scope and to-do."""
    users = {
        u.username: u
        for u in User.objects.filter(assignments__isnull=False)
        .distinct()
        .prefetch_related("assignments__body", "assignments__unit")
    }
    order = [name for name in usernames if name in users]
    order += sorted(name for name in users if name not in usernames)
    for username in order:
        user = users[username]
        actor = actor_for_user(user, channel="cli", source="demo")
        roles = [str(r) for r in Role if r in actor.roles]
        label = ", ".join(str(Role(r).label) for r in roles)
        scope = _scope(user)
        todo = "; ".join(TODO[r](actor) for r in roles)
        out.write("  %-18s %s%s\n" % (username, label, " (%s)" % scope if scope else ""))
        out.write("  %-18s → %s\n" % ("", todo))
