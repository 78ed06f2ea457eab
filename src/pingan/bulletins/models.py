"""Quarterly bulletins: a draft per quarter, issued editions kept immutable with their bytes and hash."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    """Where a bulletin stands: a draft can be refreshed; an issued edition never changes."""

    DRAFT = "draft", _("draft")
    ISSUED = "issued", _("issued")


class Bulletin(models.Model):
    """One edition of a quarter's bulletin, drafted by an analyst or the office head and issued by the office head.

    The office's own text (情况分析, 工作要求, 附件说明) is written in the draft and printed
    with the generated figures. Once `issued` is true the row, text included, is immutable in
    the database (triggers); re-issuing makes a new edition that keeps the document number.
    """

    period = models.CharField(_("quarter"), max_length=7, db_index=True)
    edition = models.PositiveSmallIntegerField(_("edition"), default=1)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.DRAFT
    )
    issued = models.BooleanField(_("issued"), default=False)
    run = models.ForeignKey("scores.ScoreRun", on_delete=models.PROTECT, related_name="bulletins")
    doc_number = models.CharField(_("document number"), max_length=64, blank=True)
    serial = models.PositiveIntegerField(_("serial number"), null=True, blank=True)
    issue_year = models.PositiveSmallIntegerField(null=True, blank=True)
    errata_since = models.DateTimeField(_("errata since"), null=True, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    issued_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    analysis = models.TextField(_("analysis"), blank=True, default="")
    requirements = models.TextField(_("requirements"), blank=True, default="")
    attachments = models.TextField(_("attachments"), blank=True, default="")
    text_edited_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    text_edited_at = models.DateTimeField(_("text edited at"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    docx = models.BinaryField(_("document (.docx)"), null=True, blank=True)

    class Meta:
        verbose_name = _("bulletin")
        verbose_name_plural = _("bulletins")
        constraints = [
            models.UniqueConstraint(
                fields=["period"],
                condition=Q(status="draft"),
                name="bulletins_one_draft_per_period",
            ),
            models.UniqueConstraint(
                fields=["period", "edition"], name="bulletins_period_edition_unique"
            ),
            models.UniqueConstraint(
                fields=["issue_year", "serial", "edition"],
                condition=Q(issued=True),
                name="bulletins_number_unique",
            ),
        ]

    def __str__(self) -> str:
        return "%s v%d" % (self.period, self.edition)
