"""Matters (disputes reported to the centre) and the configuration that drives their workflow."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pingan.matters import partitions


class Status(models.TextChoices):
    """Where a matter stands in the 12345-style loop."""

    RECEIVED = "received", _("Received")
    DISPATCHED = "dispatched", _("Dispatched")
    SIGNED = "signed", _("Signed for")
    IN_PROGRESS = "in_progress", _("In progress")
    FEEDBACK = "feedback", _("Feedback given")
    CLOSED = "closed", _("Closed")
    VISITED = "visited", _("Followed up")
    ARCHIVED = "archived", _("Archived")
    RETURNED = "returned", _("Returned by the unit")
    REJECTED = "rejected", _("Rejected or referred out")
    MERGED = "merged", _("Merged into another matter")


OPEN_STATUSES = frozenset(
    {
        Status.RECEIVED,
        Status.DISPATCHED,
        Status.SIGNED,
        Status.IN_PROGRESS,
        Status.FEEDBACK,
        Status.RETURNED,
    }
)
CLOSED_STATUSES = frozenset({Status.CLOSED, Status.VISITED, Status.ARCHIVED})
WITH_UNIT_STATUSES = frozenset(
    {Status.DISPATCHED, Status.SIGNED, Status.IN_PROGRESS, Status.FEEDBACK}
)


class Channel(models.TextChoices):
    """How a matter reached the centre."""

    WEB = "web", _("Web form")
    PHONE = "phone", _("Phone call")
    API = "api", _("API (Open311)")
    VISIT = "visit", _("Walk-in visit")


class Outcome(models.TextChoices):
    """The handler's account of the result."""

    RESOLVED = "resolved", _("Resolved")
    PARTLY = "partly", _("Partly resolved")
    UNRESOLVED = "unresolved", _("Not resolved")


class CategoryGroup(models.Model):
    """A group of categories (neighbour, property management, labour, land, family, consumer, other).

    The categories of an inactive group are not offered for new matters.
    """

    code = models.CharField(_("code"), max_length=32, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("category group")
        verbose_name_plural = _("category groups")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name_zh

    def display_name(self, language: str) -> str:
        """The group's name in the given language."""
        return self.name_en if language.startswith("en") and self.name_en else self.name_zh


class Category(models.Model):
    """A kind of matter in the catalogue; also an Open311 service (service_code = code)."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    group = models.ForeignKey(CategoryGroup, on_delete=models.PROTECT, related_name="categories")
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["group__order", "code"]

    def __str__(self) -> str:
        return self.name_zh

    def display_name(self, language: str) -> str:
        """The category's name in the given language."""
        return self.name_en if language.startswith("en") and self.name_en else self.name_zh


class Grade(models.Model):
    """A grade 1–3 with its meaning and its deadlines in working days."""

    level = models.PositiveSmallIntegerField(_("grade"), unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    sign_days = models.PositiveSmallIntegerField(_("working days to sign for"))
    handle_days = models.PositiveSmallIntegerField(_("working days to handle"))

    class Meta:
        verbose_name = _("grade")
        verbose_name_plural = _("grades")
        ordering = ["level"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__gte=1) & Q(level__lte=3), name="matters_grade_1_to_3"
            ),
        ]

    def __str__(self) -> str:
        return "%d %s" % (self.level, self.name_zh)

    def display_name(self, language: str) -> str:
        """The grade's name in the given language."""
        return self.name_en if language.startswith("en") and self.name_en else self.name_zh


class DispatchRule(models.Model):
    """Suggest a responsible unit (and handler) for a category and/or place; the most specific wins."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, null=True, blank=True)
    place_unit = models.ForeignKey(
        "units.OrgUnit", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    unit = models.ForeignKey("units.OrgUnit", on_delete=models.PROTECT, related_name="+")
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("dispatch rule")
        verbose_name_plural = _("dispatch rules")

    def __str__(self) -> str:
        return "%s/%s→%s" % (self.category_id, self.place_unit_id, self.unit_id)


class LadderStep(models.Model):
    """One rung of an escalation ladder (township or county), in order from the first handler up."""

    ladder = models.CharField(_("ladder"), max_length=16)
    step = models.PositiveSmallIntegerField(_("step"))
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("escalation step")
        verbose_name_plural = _("escalation steps")
        ordering = ["ladder", "step"]
        constraints = [
            models.UniqueConstraint(fields=["ladder", "step"], name="matters_ladder_step_unique")
        ]

    def __str__(self) -> str:
        return "%s %d %s" % (self.ladder, self.step, self.name_zh)

    def display_name(self, language: str) -> str:
        """The step's name in the given language."""
        return self.name_en if language.startswith("en") and self.name_en else self.name_zh


class Policy(models.Model):
    """The single row of settings: retention, the daily summary time, attachment limits."""

    retention_days = models.PositiveIntegerField(
        _("keep personal data after archiving (days)"), default=730
    )
    summary_time = models.TimeField(_("daily summary time"), default=dt.time(18, 0))
    max_attachment_mb = models.PositiveSmallIntegerField(_("largest attachment (MB)"), default=5)

    class Meta:
        verbose_name = _("matters policy")

    def __str__(self) -> str:
        return "policy"


class MatterQuerySet(models.QuerySet["Matter"]):
    """Matters: `bulk_create` makes the partitions the matters' years need first (PostgreSQL)."""

    def bulk_create(  # type: ignore[override]
        self, objs: Iterable[Matter], *args: Any, **kwargs: Any
    ) -> list[Matter]:
        """Create matters in bulk, in the partitions of the years they were received."""
        matters = list(objs)
        partitions.ensure_received(m.received_at for m in matters if m.received_at)
        return super().bulk_create(matters, *args, **kwargs)


class Matter(models.Model):
    """A dispute or matter reported to the centre and worked through to its close.

    On PostgreSQL the table is partitioned by the year received (`pingan.matters.partitions`).
    """

    number = models.CharField(_("number"), max_length=20, unique=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="matters")
    grade = models.ForeignKey(Grade, on_delete=models.PROTECT, related_name="matters")
    description = models.TextField(_("description"))
    place_unit = models.ForeignKey(
        "units.OrgUnit", on_delete=models.PROTECT, related_name="matters_here"
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    ticket_number = models.CharField(_("hotline ticket number"), max_length=40, blank=True)
    # Personal data: encrypted at rest (see matters/crypto.py), erased after the retention period.
    parties_enc = models.TextField(blank=True)
    party_contact_enc = models.TextField(blank=True)
    reporter_name_enc = models.TextField(blank=True)
    reporter_phone_enc = models.TextField(blank=True)
    reporter_confidential = models.BooleanField(_("confidential reporter"), default=False)
    personal_erased_at = models.DateTimeField(null=True, blank=True)

    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )
    responsible_unit = models.ForeignKey(
        "units.OrgUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="matters_handled",
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ladder = models.CharField(_("ladder"), max_length=16, default="township")
    ladder_step = models.PositiveSmallIntegerField(_("escalation step"), default=1)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="duplicates"
    )
    return_count = models.PositiveSmallIntegerField(_("times returned"), default=0)
    reject_reason = models.CharField(_("reason"), max_length=300, blank=True)
    feedback_text = models.TextField(_("handler's account"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction"), null=True, blank=True)
    resolved = models.BooleanField(_("resolved"), null=True, blank=True)
    public_token = models.CharField(max_length=32, unique=True)

    received_at = models.DateTimeField(_("received at"), db_index=True)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    sign_due = models.DateField(_("sign for by"), null=True, blank=True)
    handle_due = models.DateField(_("handle by"), null=True, blank=True)
    signed_at = models.DateTimeField(_("signed for at"), null=True, blank=True)
    feedback_at = models.DateTimeField(_("feedback at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    visited_at = models.DateTimeField(_("followed up at"), null=True, blank=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    overdue = models.BooleanField(_("overdue"), default=False)
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MatterQuerySet.as_manager()

    class Meta:
        verbose_name = _("matter")
        verbose_name_plural = _("matters")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True)
                | (Q(satisfaction__gte=1) & Q(satisfaction__lte=5)),
                name="matters_satisfaction_1_to_5",
            ),
            models.CheckConstraint(
                condition=~Q(status="merged") | Q(merged_into__isnull=False),
                name="matters_merged_names_original",
            ),
            models.UniqueConstraint(
                fields=["channel", "ticket_number"],
                condition=~Q(ticket_number=""),
                name="matters_ticket_unique_per_channel",
            ),
        ]
        indexes = [
            # the daily matter scan (warnings.watch_matters): the counts per day, unit and
            # category read this index alone, and the repeats look up each place of the day
            models.Index(
                fields=["received_at", "place_unit", "category", "status"],
                name="matters_scan_day",
            ),
            models.Index(
                fields=["place_unit", "category", "address", "received_at"],
                name="matters_repeat_place",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save; a new matter first gets the partition of the year it was received."""
        if self._state.adding and self.received_at:
            partitions.ensure_received([self.received_at])
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        """Whether the matter still awaits its close."""
        return self.status in OPEN_STATUSES


STEP_LABELS = {
    "intake": _("received"),
    "dispatch": _("dispatched"),
    "redispatch": _("re-dispatched"),
    "raise_level": _("raised a level"),
    "sign": _("signed for"),
    "start": _("work started"),
    "feedback": _("feedback given"),
    "return": _("dispatch returned"),
    "accept": _("accepted and closed"),
    "send_back": _("sent back"),
    "follow_up": _("follow-up visit"),
    "archive": _("archived"),
    "reject": _("rejected or referred out"),
    "merge": _("merged into another matter"),
    "merged_in": _("a duplicate was merged in"),
    "note": _("note"),
}


class MatterEvent(models.Model):
    """One step of a matter's history, shown on its timeline (the audit chain holds the same step)."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("time"))
    kind = models.CharField(_("step"), max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    unit = models.ForeignKey(
        "units.OrgUnit", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("matter event")
        verbose_name_plural = _("matter events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return "%s %s" % (self.matter_id, self.kind)

    @property
    def kind_label(self) -> str:
        """The step in words, in the current language."""
        return str(STEP_LABELS.get(self.kind, self.kind))


def attachment_path(instance: Attachment, filename: str) -> str:
    """Attachments are stored under a random name; the original name is kept in the row."""
    return "matters/%s/%s" % (instance.matter_id, instance.stored_name)


class Attachment(models.Model):
    """A photo or document attached to a matter (type- and size-checked at intake)."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    stored_name = models.CharField(max_length=64)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField(_("size"))
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class Notice(models.Model):
    """An in-app reminder to a handler or an escalation notice to the leadership about an overdue matter.

    Escalations climb the unit tree one office a working day: the parent unit's office first,
    then the one above it, up to the top office (`unit` empty when the tree has no unit above).
    """

    REMINDER = "reminder"
    ESCALATION = "escalation"

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=16)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    recipient_role = models.CharField(max_length=32, blank=True)
    unit = models.ForeignKey(
        "units.OrgUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("office"),
        help_text=_("the unit whose office an escalation goes to; empty: the top office"),
    )
    created_at = models.DateTimeField()
    due = models.DateField()

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["matter", "kind", "due", "unit"],
                name="matters_notice_once_per_deadline_and_office",
            ),
        ]
        # the newest notices first (the matters list and the statistics show 20): read along
        # this index instead of sorting every escalation of a province (98 ms → 0.4 ms)
        indexes = [models.Index(fields=["created_at"], name="matters_notice_newest")]

    def __str__(self) -> str:
        return "%s %s" % (self.kind, self.matter_id)


class DailySummary(models.Model):
    """The centre's daily work summary (每日工作情况), generated once per day."""

    day = models.DateField(_("day"), unique=True)
    generated_at = models.DateTimeField(_("generated at"))
    content = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("daily summary")
        verbose_name_plural = _("daily summaries")
        ordering = ["-day"]

    def __str__(self) -> str:
        return str(self.day)


class IndexFeed(models.Model):
    """A scheme indicator fed by monthly counts of matters (optionally of one category group)."""

    indicator_code = models.CharField(_("indicator"), max_length=64, unique=True)
    category_group = models.ForeignKey(
        CategoryGroup, on_delete=models.PROTECT, null=True, blank=True
    )

    class Meta:
        verbose_name = _("index feed")
        verbose_name_plural = _("index feeds")

    def __str__(self) -> str:
        return self.indicator_code
