"""Reads on matters: who sees which matter and what of it, the settings, and the Open311 lists.

Pages and Open311 read through these functions only; each takes the actor (or, for Open311, the
authenticated API key) and narrows what it returns to what that caller may see. Figures are in
`pingan.matters.statistics`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, DateField, F, Q, QuerySet, Value, When
from django.http import Http404
from django.utils.translation import gettext as _

from pingan.accounts.models import ApiCredential, CredentialKind, RoleAssignment, User
from pingan.accounts.selectors import credentials
from pingan.core.access.actor import Actor
from pingan.core.access.permissions import can, require, scope_unit_ids
from pingan.core.access.roles import Role
from pingan.matters import crypto
from pingan.matters.due import RUNNING
from pingan.matters.filters import MatterFilter
from pingan.matters.models import (
    OPEN_STATUSES,
    WITH_UNIT_STATUSES,
    Attachment,
    Category,
    CategoryGroup,
    DailySummary,
    DispatchRule,
    Grade,
    IndexFeed,
    LadderStep,
    Matter,
    MatterEvent,
    Notice,
    Policy,
    Status,
)
from pingan.units.models import OrgUnit
from pingan.units.tree import ancestors, in_subtree

COUNTED = ~Q(status=Status.MERGED)


def visible_matters(*, actor: Actor) -> QuerySet[Matter]:
    """The matters the actor may see: all for the centre, their units' matters for handlers, and
    for a centre granted at a unit (the centre of that unit's office) the matters its area is
    responsible for and those reported in its area (new ones have no responsible unit yet);
    none otherwise."""
    require(actor, "matters.view")
    base = Matter.objects.select_related(
        "category", "grade", "place_unit", "responsible_unit", "handler"
    )
    scope = scope_unit_ids(actor, "matters.view")
    if scope is None:
        return base
    seen = in_subtree(scope, field="responsible_unit_id")
    area = scope_unit_ids(actor, "matters.dispatch")
    if area:
        seen |= in_subtree(area, field="place_unit_id")
    return base.filter(seen)


def matter_for(*, actor: Actor, matter_id: int) -> Matter:
    """One matter the actor may see (404 when it does not exist or is outside their scope)."""
    matter = visible_matters(actor=actor).filter(pk=matter_id).first()
    if matter is None:
        raise Http404(_("No such matter."))
    return matter


def masked_personal(matter: Matter) -> dict[str, str]:
    """The personal data of a matter, masked for lists and for anyone not entitled to see it in full."""
    if matter.personal_erased_at is not None:
        return {"parties": "", "party_contact": "", "reporter_name": "", "reporter_phone": ""}
    return {
        "parties": crypto.mask_text(crypto.decrypt(matter.parties_enc)),
        "party_contact": crypto.mask_phone(crypto.decrypt(matter.party_contact_enc)),
        "reporter_name": ""
        if matter.reporter_confidential
        else crypto.mask_name(crypto.decrypt(matter.reporter_name_enc)),
        "reporter_phone": ""
        if matter.reporter_confidential
        else crypto.mask_phone(crypto.decrypt(matter.reporter_phone_enc)),
    }


def may_reveal(actor: Actor, matter: Matter) -> bool:
    """Whether the actor may ask to see the matter's personal data in full."""
    if not can(actor, "matters.personal") or matter.personal_erased_at is not None:
        return False
    return Role.DISPATCHER in actor.roles or (
        matter.handler_id is not None and matter.handler_id == actor.user_id
    )


def resolve_merged(matter: Matter) -> Matter:
    """Follow merges to the matter that carries the work."""
    seen = {matter.pk}
    while matter.merged_into_id is not None and matter.merged_into_id not in seen:
        seen.add(matter.merged_into_id)
        matter = Matter.objects.get(pk=matter.merged_into_id)
    return matter


def handlers_of(unit_id: int) -> list[User]:
    """Active handlers of a unit (or of one of its parents)."""
    scope = {unit_id, *ancestors(unit_id)}
    ids = RoleAssignment.objects.filter(role=Role.HANDLER, unit_id__in=scope).values_list(
        "user_id", flat=True
    )
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("username"))


def suggest_assignment(matter: Matter) -> tuple[OrgUnit | None, User | None]:
    """Suggest the responsible unit and handler from the dispatch rules for the category and place.

    The most specific rule wins: category and place, then category only, then place only (a place
    rule also covers the place's sub-units). Without a rule, the place unit itself.
    """
    places = [matter.place_unit_id, *ancestors(matter.place_unit_id)]
    rules = list(
        DispatchRule.objects.filter(Q(category=matter.category) | Q(category__isnull=True))
    )

    def rank(rule: DispatchRule) -> tuple[int, int]:
        place_rank = (
            places.index(rule.place_unit_id) if rule.place_unit_id in places else len(places)
        )
        return (0 if rule.category_id else 1, place_rank)

    matching = [r for r in rules if r.place_unit_id is None or r.place_unit_id in places]
    matching = [r for r in matching if r.category_id or r.place_unit_id]
    if matching:
        best = min(matching, key=rank)
        handler = best.handler or next(iter(handlers_of(best.unit_id)), None)
        return best.unit, handler
    return matter.place_unit, next(iter(handlers_of(matter.place_unit_id)), None)


def current_ladder_step(matter: Matter) -> LadderStep | None:
    """The ladder step the matter stands on (its name), if configured."""
    return LadderStep.objects.filter(ladder=matter.ladder, step=matter.ladder_step).first()


def next_ladder_step(matter: Matter) -> LadderStep | None:
    """The ladder step a raise would lead to, or None at the top."""
    return LadderStep.objects.filter(ladder=matter.ladder, step=matter.ladder_step + 1).first()


ESCALATION_READERS = frozenset({Role.DISPATCHER, Role.LEADER, Role.OFFICE_HEAD})
"""Roles that read escalation notices (all of them, or those of their own units' offices)."""


def notices_for(*, actor: Actor) -> QuerySet[Notice]:
    """Reminders addressed to the actor and, for the centre and leadership, escalation notices:
    every one for those holding the role without a unit, else those sent to the offices of
    their units and of the units below them."""
    query = Q(recipient_id=actor.user_id) if actor.user_id else Q(pk__in=[])
    offices = [g for g in actor.grants if g.role in ESCALATION_READERS]
    if any(g.unit_id is None for g in offices):
        query |= Q(kind=Notice.ESCALATION)
    elif offices:
        below = in_subtree({g.unit_id for g in offices if g.unit_id is not None}, "unit_id")
        query |= Q(below, kind=Notice.ESCALATION)
    return Notice.objects.filter(query).select_related("matter")


def open_notices_for(*, actor: Actor) -> QuerySet[Notice]:
    """The actor's notices about matters still open (a closed matter needs no reminder)."""
    return notices_for(actor=actor).filter(matter__status__in=OPEN_STATUSES)


SIMILAR_DAYS = 30


def similar_open_matters(
    *,
    actor: Actor,
    category_code: str,
    place_unit_code: str,
    now: dt.datetime,
    exclude_id: int | None = None,
    limit: int = 10,
) -> list[Matter]:
    """Open matters the actor may see at the same place and of the same category, received in
    the last SIMILAR_DAYS days (newest first): offered for merging at intake."""
    if not category_code or not place_unit_code:
        return []
    query = visible_matters(actor=actor).filter(
        status__in=OPEN_STATUSES,
        category__code=category_code,
        place_unit__code=place_unit_code,
        received_at__gte=now - dt.timedelta(days=SIMILAR_DAYS),
        received_at__lte=now,
    )
    if exclude_id is not None:
        query = query.exclude(pk=exclude_id)
    return list(query.order_by("-received_at", "-pk")[:limit])


def todo_matters(*, actor: Actor) -> QuerySet[Matter]:
    """The actor's open work, earliest running deadline first (no deadline last): the one rule of
    both the to-do page and the home page's queue panel.

    A handler: the matters with their units (named to them or to nobody in particular) waiting
    for the unit's step (sign for, work on, feed back). The centre: matters waiting for it
    (received, returned, feedback to review). The deadline is `due.pending_due` in SQL.
    """
    require(actor, "matters.view")
    mine = Q(pk__in=[])
    if Role.HANDLER in actor.roles:
        scope = in_subtree(actor.unit_ids(Role.HANDLER), field="responsible_unit_id")
        named = Q(handler_id=actor.user_id) | Q(handler__isnull=True)
        mine |= scope & named & Q(status__in=sorted(WITH_UNIT_STATUSES - {Status.FEEDBACK}))
    if Role.DISPATCHER in actor.roles:
        mine |= Q(status__in=[Status.RECEIVED, Status.RETURNED, Status.FEEDBACK])
    return (
        visible_matters(actor=actor)
        .filter(mine)
        .annotate(running_due=_running_due())
        .order_by(F("running_due").asc(nulls_last=True), "received_at", "pk")
    )


def _running_due() -> Case:
    """`due.pending_due` as an SQL expression: the handling deadline while the matter runs, or
    the sign-for deadline when that comes first on a matter not yet signed for."""
    dispatched = Q(status=Status.DISPATCHED)
    return Case(
        When(dispatched & Q(handle_due__isnull=True), then=F("sign_due")),
        When(dispatched & Q(sign_due__isnull=True), then=F("handle_due")),
        When(
            dispatched & Q(sign_due__lt=F("handle_due")),
            then=F("sign_due"),
        ),
        When(status__in=sorted(RUNNING), then=F("handle_due")),
        default=Value(None),
        output_field=DateField(),
    )


def active_categories() -> QuerySet[Category]:
    """The categories offered at intake, in catalogue order: active ones of active groups."""
    return Category.objects.filter(active=True, group__active=True).select_related("group")


# ---------------------------------------------------------------- the matters pages


def matter_list(*, actor: Actor, spec: MatterFilter) -> QuerySet[Matter]:
    """The matters the actor may see that pass the filter, newest first."""
    return spec.apply(visible_matters(actor=actor))


def list_choices() -> dict[str, Any]:
    """The categories and grades offered as filters of the matters page."""
    return {"categories": list(Category.objects.all()), "grades": list(Grade.objects.all())}


def matter_timeline(matter: Matter) -> QuerySet[MatterEvent]:
    """The steps of a matter (already checked visible), with who took them and for which unit."""
    return MatterEvent.objects.filter(matter=matter).select_related("actor", "unit")


def matter_attachments(matter: Matter) -> list[Attachment]:
    """The attachments of a matter already checked visible."""
    return list(Attachment.objects.filter(matter=matter))


def attachment_for(*, actor: Actor, matter_id: int, attachment_id: int) -> Attachment:
    """One attachment of a matter the actor may see (404 otherwise)."""
    matter = matter_for(actor=actor, matter_id=matter_id)
    attachment = Attachment.objects.filter(matter=matter, pk=attachment_id).first()
    if attachment is None:
        raise Http404
    return attachment


def escalation_notices(*, actor: Actor, limit: int = 20) -> list[Notice]:
    """The latest escalation notices among those addressed to the actor."""
    return list(notices_for(actor=actor).filter(kind=Notice.ESCALATION)[:limit])


def daily_summaries(*, actor: Actor) -> QuerySet[DailySummary]:
    """The daily work summaries, newest first."""
    require(actor, "matters.summary")
    return DailySummary.objects.all()


def daily_summary_of(*, actor: Actor, day: dt.date) -> DailySummary | None:
    """The daily work summary of one day, if it was generated."""
    require(actor, "matters.summary")
    return DailySummary.objects.filter(day=day).first()


def index_feeds(*, actor: Actor) -> list[IndexFeed]:
    """The indicators fed by matters, for the clerks filing them and the system administrator."""
    if not can(actor, "matters.configure"):
        require(actor, "matters.index_submit")
    return list(IndexFeed.objects.select_related("category_group"))


def current_policy() -> Policy:
    """The settings row (its defaults when it was never stored)."""
    return Policy.objects.filter(pk=1).first() or Policy(pk=1)


@dataclass(frozen=True)
class SettingsRows:
    """Everything the settings page lists."""

    grades: list[Grade]
    groups: list[CategoryGroup]
    categories: list[Category]
    ladder: list[LadderStep]
    feeds: list[IndexFeed]
    rules: list[DispatchRule]
    keys: list[ApiCredential]


def api_keys() -> list[ApiCredential]:
    """Every Open311 API key, oldest first (hashes and prefixes only; the keys are never kept)."""
    return list(credentials(CredentialKind.OPEN311).order_by("pk"))


def settings_rows(*, actor: Actor) -> SettingsRows:
    """The catalogue, grades, ladders, feeds, rules and (for whoever manages them) API keys."""
    require(actor, "matters.configure")
    return SettingsRows(
        grades=list(Grade.objects.all()),
        groups=list(CategoryGroup.objects.all()),
        categories=list(Category.objects.select_related("group")),
        ladder=list(LadderStep.objects.all()),
        feeds=index_feeds(actor=actor),
        rules=list(
            DispatchRule.objects.select_related("category", "place_unit", "unit", "handler")
        ),
        keys=list(credentials(CredentialKind.OPEN311)) if can(actor, "matters.apikeys") else [],
    )


# ---------------------------------------------------------------- Open311 (read with a valid API key)


def service_requests(
    *, key: ApiCredential, spec: MatterFilter, limit: int, before: Matter | None = None
) -> list[Matter]:
    """At most `limit` matters passing the filter, newest first, for an Open311 client.

    Newest first is by time received, then by id; with `before`, the list continues after that
    matter (keyset paging: the received_at index is read from there, whatever the page).
    """
    matters = spec.apply(
        Matter.objects.select_related("category", "place_unit", "responsible_unit")
    )
    if before is not None:
        matters = matters.filter(received_at__lte=before.received_at).exclude(
            received_at=before.received_at, pk__gte=before.pk
        )
    return list(matters.order_by("-received_at", "-pk")[:limit])


def current_matters(matters: list[Matter]) -> dict[int, Matter]:
    """Each matter's id → the matter carrying its work (`resolve_merged` of each), one query per
    merge followed whatever the number of matters."""
    current = {m.pk: m for m in matters}
    following = {m.pk: m for m in matters if m.merged_into_id is not None}
    seen = {pk: {pk} for pk in following}
    while following:
        wanted = {m.merged_into_id for m in following.values()}
        loaded = Matter.objects.select_related("responsible_unit").in_bulk(wanted)
        step = {}
        for pk, matter in following.items():
            target = loaded.get(matter.merged_into_id)  # type: ignore[arg-type]
            if target is None or target.pk in seen[pk]:
                continue
            seen[pk].add(target.pk)
            current[pk] = target
            if target.merged_into_id is not None and target.merged_into_id not in seen[pk]:
                step[pk] = target
        following = step
    return current


def service_request_cursor(number: str) -> Matter | None:
    """The matter an Open311 list continues after (`before`), by its number."""
    return Matter.objects.filter(number=number).only("pk", "received_at").first()


def service_request(*, key: ApiCredential, number: str) -> Matter | None:
    """The matter with this number, for an Open311 client."""
    return (
        Matter.objects.select_related("category", "place_unit", "responsible_unit")
        .filter(number=number)
        .first()
    )


def matter_of_token(*, key: ApiCredential, token: str) -> Matter | None:
    """The matter created with this Open311 token."""
    return Matter.objects.filter(public_token=token).first()


def offered_category(code: str) -> Category | None:
    """The category with this code if it is offered at intake."""
    return active_categories().filter(code=code).first() if code else None


def unit_with_code(code: str) -> OrgUnit | None:
    """The unit with this code."""
    return OrgUnit.objects.filter(code=code).first()


def jurisdiction() -> OrgUnit | None:
    """The top unit of the tree (where a request without a place is filed)."""
    return OrgUnit.objects.filter(parent__isnull=True).order_by("level", "code").first()


def matter_counts_under(
    *, unit_ids: list[int], group_codes: list[str], since: dt.datetime
) -> dict[int, dict[str, int]]:
    """For each unit, matters placed in it or below it since `since`, in the given category groups.

    Counts only (`total`, `open`), for context on other apps' pages (risk assessments); merged
    duplicates are not counted. One query per unit.
    """
    counts: dict[int, dict[str, int]] = {}
    closed = [Status.CLOSED, Status.VISITED, Status.ARCHIVED, Status.REJECTED]
    for unit_id in unit_ids:
        matters = Matter.objects.filter(
            COUNTED,
            in_subtree([unit_id], "place_unit_id"),
            category__group__code__in=group_codes,
            received_at__gte=since,
        )
        counts[unit_id] = {
            "total": matters.count(),
            "open": matters.exclude(status__in=closed).count(),
        }
    return counts
