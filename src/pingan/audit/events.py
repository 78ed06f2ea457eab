"""Every type of event the audit log records, named `app.object.verb`, with its label.

`record_event` refuses a type that is not listed here. Records written before the names were
unified keep their stored name (the chain hashes it); `LEGACY_NAMES` maps each old name to its
type so that the audit log shows and filters old and new records alike.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    """An audit event type: its stored name and its label on the audit log page."""

    ACCOUNTS_USER_CREATE = "accounts.user.create", _("Account created")
    ACCOUNTS_USER_BOOTSTRAP = "accounts.user.bootstrap", _("Administrator set up from the server")
    ACCOUNTS_ROLE_GRANT = "accounts.role.grant", _("Role granted")
    ACCOUNTS_ROLE_REVOKE = "accounts.role.revoke", _("Role revoked")
    ACCOUNTS_ACCESS_DENY = "accounts.access.deny", _("Access refused")
    ACCOUNTS_PASSWORD_CHANGE = "accounts.password.change", _("Password changed")
    ACCOUNTS_SESSION_SIGN_IN = "accounts.session.sign_in", _("Sign-in")
    ACCOUNTS_SESSION_SIGN_OUT = "accounts.session.sign_out", _("Sign-out")
    ACCOUNTS_SESSION_EXPIRE = "accounts.session.expire", _("Session reached its maximum age")
    ACCOUNTS_SESSION_TIME_OUT = "accounts.session.time_out", _("Session timed out when idle")
    ACCOUNTS_CREDENTIAL_CREATE = "accounts.credential.create", _("API credential created")
    ACCOUNTS_CREDENTIAL_REVOKE = "accounts.credential.revoke", _("API credential revoked")

    AUDIT_ANCHOR_EXPORT = "audit.anchor.export", _("Audit chain head exported")
    BACKUP_ARCHIVE_CREATE = "backup.archive.create", _("Backup created")

    UNITS_UNIT_IMPORT = "units.unit.import", _("Units imported")
    UNITS_UNIT_EXPORT = "units.unit.export", _("Units exported")
    UNITS_COVARIATE_IMPORT = "units.covariate.import", _("Covariates imported")
    SCHEMES_SCHEME_LOAD = "schemes.scheme.load", _("Scheme loaded")

    REPORTING_SUBMISSION_CREATE = "reporting.submission.create", _("Submission created")
    REPORTING_SUBMISSION_CORRECT = "reporting.submission.correct", _("Correction opened")
    REPORTING_SUBMISSION_SAVE_CELLS = "reporting.submission.save_cells", _("Figures entered")
    REPORTING_SUBMISSION_SUBMIT = "reporting.submission.submit", _("Submission submitted")
    REPORTING_SUBMISSION_REVIEW = "reporting.submission.review", _("Submission reviewed")
    REPORTING_SUBMISSION_APPROVE = "reporting.submission.approve", _("Submission approved")
    REPORTING_SUBMISSION_RECEIVE = "reporting.submission.receive", _("Submission received")
    REPORTING_SUBMISSION_RETURN = "reporting.submission.return", _("Submission returned")
    REPORTING_SUBMISSION_WITHDRAW = "reporting.submission.withdraw", _("Submission withdrawn")
    REPORTING_SUBMISSION_SUPERSEDE = "reporting.submission.supersede", _("Submission superseded")
    REPORTING_SUBMISSION_COMMENT = "reporting.submission.comment", _("Comment on a submission")
    REPORTING_REMINDER_SEND = "reporting.reminder.send", _("Reporting reminders sent")
    REPORTING_FIGURES_IMPORT = "reporting.figures.import", _("Figures imported")
    REPORTING_FIGURES_EXPORT = "reporting.figures.export", _("Figures exported")

    SCORES_RUN_COMPUTE = "scores.run.compute", _("Scores computed")
    SCORES_RESULT_EXPORT = "scores.result.export", _("Scores exported")
    SCORES_KEY_MANAGEMENT_MARK = "scores.key_management.mark", _("Unit put under key management")
    SCORES_KEY_MANAGEMENT_END = "scores.key_management.end", _("Key management ended")
    SCORES_BOUNDARIES_UPLOAD = "scores.boundaries.upload", _("Map boundaries uploaded")
    SCORES_STARS_PUBLISH = "scores.stars.publish", _("Star list published")

    BULLETINS_BULLETIN_DRAFT = "bulletins.bulletin.draft", _("Bulletin drafted")
    BULLETINS_BULLETIN_EDIT_TEXT = "bulletins.bulletin.edit_text", _("Bulletin text edited")
    BULLETINS_BULLETIN_ISSUE = "bulletins.bulletin.issue", _("Bulletin issued")

    MATTERS_MATTER_INTAKE = "matters.matter.intake", _("Matter received")
    MATTERS_MATTER_DISPATCH = "matters.matter.dispatch", _("Matter dispatched")
    MATTERS_MATTER_REDISPATCH = "matters.matter.redispatch", _("Matter re-dispatched")
    MATTERS_MATTER_RAISE_LEVEL = "matters.matter.raise_level", _("Matter raised a level")
    MATTERS_MATTER_SIGN = "matters.matter.sign", _("Matter signed for")
    MATTERS_MATTER_START = "matters.matter.start", _("Work on matter started")
    MATTERS_MATTER_FEEDBACK = "matters.matter.feedback", _("Feedback given on matter")
    MATTERS_MATTER_RETURN = "matters.matter.return", _("Matter dispatch returned")
    MATTERS_MATTER_ACCEPT = "matters.matter.accept", _("Matter accepted and closed")
    MATTERS_MATTER_SEND_BACK = "matters.matter.send_back", _("Matter sent back")
    MATTERS_MATTER_FOLLOW_UP = "matters.matter.follow_up", _("Matter follow-up visit")
    MATTERS_MATTER_ARCHIVE = "matters.matter.archive", _("Matter archived")
    MATTERS_MATTER_REJECT = "matters.matter.reject", _("Matter rejected or referred out")
    MATTERS_MATTER_MERGE = "matters.matter.merge", _("Matter merged into another")
    MATTERS_MATTER_MERGED_IN = "matters.matter.merged_in", _("Duplicate merged into matter")
    MATTERS_MATTER_NOTE = "matters.matter.note", _("Note added to matter")
    MATTERS_MATTER_REMIND = "matters.matter.remind", _("Deadline reminder sent")
    MATTERS_MATTER_ESCALATE = "matters.matter.escalate", _("Overdue matter escalated")
    MATTERS_MATTER_FLAG_OVERDUE = "matters.matter.flag_overdue", _("Matters flagged overdue")
    MATTERS_PERSONAL_DATA_VIEW = "matters.personal_data.view", _("Personal data viewed")
    MATTERS_PERSONAL_DATA_ERASE = "matters.personal_data.erase", _("Personal data erased")
    MATTERS_SUMMARY_GENERATE = "matters.summary.generate", _("Daily summary generated")
    MATTERS_CATEGORY_SAVE = "matters.category.save", _("Category saved")
    MATTERS_CATEGORY_GROUP_SAVE = "matters.category_group.save", _("Category group saved")
    MATTERS_GRADE_SAVE = "matters.grade.save", _("Grade saved")
    MATTERS_LADDER_SAVE = "matters.ladder.save", _("Escalation ladder saved")
    MATTERS_RULE_SAVE = "matters.rule.save", _("Dispatch rule saved")
    MATTERS_RULE_DELETE = "matters.rule.delete", _("Dispatch rule deleted")
    MATTERS_POLICY_SAVE = "matters.policy.save", _("Retention policy saved")
    MATTERS_INDEX_FEED_SAVE = "matters.index_feed.save", _("Index feed saved")
    MATTERS_INDEX_SUBMISSION_CREATE = (
        "matters.index_submission.create",
        _("Matter counts submitted as figures"),
    )

    WARNINGS_WARNING_RAISE = "warnings.warning.raise", _("Warning raised")
    WARNINGS_WARNING_SIGNAL = "warnings.warning.signal", _("Further signal attached to a warning")
    WARNINGS_WARNING_DELIVER = "warnings.warning.deliver", _("Warning delivered")
    WARNINGS_WARNING_ACKNOWLEDGE = "warnings.warning.acknowledge", _("Warning acknowledged")
    WARNINGS_WARNING_ESCALATE = "warnings.warning.escalate", _("Unacknowledged warning escalated")
    WARNINGS_WARNING_RESPOND = "warnings.warning.respond", _("Response to a warning recorded")
    WARNINGS_WARNING_CLOSE = "warnings.warning.close", _("Warning closed with a verdict")
    WARNINGS_PROBLEM_OPEN = "warnings.problem.open", _("Problem registered")
    WARNINGS_PROBLEM_NOTE = "warnings.problem.note", _("Progress noted on a problem")
    WARNINGS_PROBLEM_RESOLVE = "warnings.problem.resolve", _("Problem resolved")

    ASSESSMENTS_ASSESSMENT_REGISTER = "assessments.assessment.register", _("Assessment registered")
    ASSESSMENTS_ASSESSMENT_ATTACH = "assessments.assessment.attach", _("Document attached")
    ASSESSMENTS_ASSESSMENT_START = "assessments.assessment.start", _("Risk analysis started")
    ASSESSMENTS_FINDING_SAVE = "assessments.finding.save", _("Dimension findings saved")
    ASSESSMENTS_RISK_SAVE = "assessments.risk.save", _("Risk recorded")
    ASSESSMENTS_RISK_DELETE = "assessments.risk.delete", _("Risk removed")
    ASSESSMENTS_MEASURE_SAVE = "assessments.measure.save", _("Mitigation measure recorded")
    ASSESSMENTS_MEASURE_DELETE = "assessments.measure.delete", _("Mitigation measure removed")
    ASSESSMENTS_CONSULTATION_SAVE = "assessments.consultation.save", _("Consultation recorded")
    ASSESSMENTS_CONSULTATION_DELETE = (
        "assessments.consultation.delete",
        _("Consultation removed"),
    )
    ASSESSMENTS_REPORT_SUBMIT = "assessments.report.submit", _("Special report submitted")
    ASSESSMENTS_CONCLUSION_OVERRIDE = (
        "assessments.conclusion.override",
        _("Conclusion proposed against the rule"),
    )
    ASSESSMENTS_REPORT_RETURN = "assessments.report.return", _("Special report returned")
    ASSESSMENTS_REPORT_APPROVE = "assessments.report.approve", _("Assessment concluded")
    ASSESSMENTS_ASSESSMENT_NEW_VERSION = (
        "assessments.assessment.new_version",
        _("Assessment re-opened as a new version"),
    )
    ASSESSMENTS_MEASURE_COMPLETE = "assessments.measure.complete", _("Measure done")
    ASSESSMENTS_MEASURE_REMIND = "assessments.measure.remind", _("Measure deadline reminder")
    ASSESSMENTS_MEASURE_ESCALATE = "assessments.measure.escalate", _("Overdue measure escalated")
    ASSESSMENTS_STATISTICS_EXPORT = (
        "assessments.statistics.export",
        _("Assessment statistics exported"),
    )


# The matter steps of the workflow (MatterEvent.kind) and the notices, in the old style.
_OLD_MATTER_STEPS = (
    "intake", "dispatch", "redispatch", "raise_level", "sign", "start", "feedback", "return",
    "accept", "send_back", "follow_up", "archive", "reject", "merge", "merged_in", "note",
)  # fmt: skip


def _old_matter_names(app: str) -> dict[str, Event]:
    """The old-style names of the matter events (`<app>.intake`, `<app>.personal_viewed`, …)."""
    return {
        **{f"{app}.{step}": Event("matters.matter." + step) for step in _OLD_MATTER_STEPS},
        f"{app}.reminder": Event.MATTERS_MATTER_REMIND,
        f"{app}.escalation": Event.MATTERS_MATTER_ESCALATE,
        f"{app}.overdue_flagged": Event.MATTERS_MATTER_FLAG_OVERDUE,
        f"{app}.personal_viewed": Event.MATTERS_PERSONAL_DATA_VIEW,
        f"{app}.personal_erased": Event.MATTERS_PERSONAL_DATA_ERASE,
        f"{app}.summary_generated": Event.MATTERS_SUMMARY_GENERATE,
        f"{app}.apikey_created": Event.ACCOUNTS_CREDENTIAL_CREATE,
        f"{app}.apikey_revoked": Event.ACCOUNTS_CREDENTIAL_REVOKE,
        f"{app}.category_saved": Event.MATTERS_CATEGORY_SAVE,
        f"{app}.category_group_saved": Event.MATTERS_CATEGORY_GROUP_SAVE,
        f"{app}.grade_saved": Event.MATTERS_GRADE_SAVE,
        f"{app}.ladder_saved": Event.MATTERS_LADDER_SAVE,
        f"{app}.rule_saved": Event.MATTERS_RULE_SAVE,
        f"{app}.rule_deleted": Event.MATTERS_RULE_DELETE,
        f"{app}.policy_saved": Event.MATTERS_POLICY_SAVE,
        f"{app}.index_feed_saved": Event.MATTERS_INDEX_FEED_SAVE,
        f"{app}.index_submission": Event.MATTERS_INDEX_SUBMISSION_CREATE,
    }


LEGACY_NAMES: dict[str, Event] = {
    "account.create": Event.ACCOUNTS_USER_CREATE,
    "account.bootstrap": Event.ACCOUNTS_USER_BOOTSTRAP,
    "role.grant": Event.ACCOUNTS_ROLE_GRANT,
    "role.revoke": Event.ACCOUNTS_ROLE_REVOKE,
    "access.denied": Event.ACCOUNTS_ACCESS_DENY,
    "password.change": Event.ACCOUNTS_PASSWORD_CHANGE,
    "login": Event.ACCOUNTS_SESSION_SIGN_IN,
    "logout": Event.ACCOUNTS_SESSION_SIGN_OUT,
    "session.expired": Event.ACCOUNTS_SESSION_EXPIRE,
    "session.timeout": Event.ACCOUNTS_SESSION_TIME_OUT,
    "token.create": Event.ACCOUNTS_CREDENTIAL_CREATE,
    "audit.anchor_export": Event.AUDIT_ANCHOR_EXPORT,
    "backup.create": Event.BACKUP_ARCHIVE_CREATE,
    "units.import": Event.UNITS_UNIT_IMPORT,
    "units.export": Event.UNITS_UNIT_EXPORT,
    "covariates.import": Event.UNITS_COVARIATE_IMPORT,
    "scheme.load": Event.SCHEMES_SCHEME_LOAD,
    "reporting.create": Event.REPORTING_SUBMISSION_CREATE,
    "reporting.correction": Event.REPORTING_SUBMISSION_CORRECT,
    "reporting.cells": Event.REPORTING_SUBMISSION_SAVE_CELLS,
    "reporting.submit": Event.REPORTING_SUBMISSION_SUBMIT,
    "reporting.review": Event.REPORTING_SUBMISSION_REVIEW,
    "reporting.approve": Event.REPORTING_SUBMISSION_APPROVE,
    "reporting.receive": Event.REPORTING_SUBMISSION_RECEIVE,
    "reporting.return": Event.REPORTING_SUBMISSION_RETURN,
    "reporting.supersede": Event.REPORTING_SUBMISSION_SUPERSEDE,
    "reporting.remind": Event.REPORTING_REMINDER_SEND,
    "figures.import": Event.REPORTING_FIGURES_IMPORT,
    "figures.export": Event.REPORTING_FIGURES_EXPORT,
    "scores.compute": Event.SCORES_RUN_COMPUTE,
    "scores.export": Event.SCORES_RESULT_EXPORT,
    "bulletins.draft": Event.BULLETINS_BULLETIN_DRAFT,
    "bulletins.edit_text": Event.BULLETINS_BULLETIN_EDIT_TEXT,
    "bulletins.issue": Event.BULLETINS_BULLETIN_ISSUE,
    **_old_matter_names("cases"),
    # The same names under the app's new label, written by the renamed app for a short while.
    **_old_matter_names("matters"),
}


class UnknownEvent(ValueError):
    """An event type that is not a member of `Event`: the audit log refuses to record it."""


def checked_event(event: str) -> Event:
    """`event` as a member of `Event`, or UnknownEvent; legacy names are read, never written."""
    if event not in Event.values:
        raise UnknownEvent("unknown audit event type: %r" % (event,))
    return Event(event)


def event_of(stored: str) -> Event | None:
    """The type of a stored record's event name, whether current or legacy; None if unknown."""
    if stored in Event.values:
        return Event(stored)
    return LEGACY_NAMES.get(stored)


def event_label(stored: str) -> str:
    """The label of a stored event name in the current language (the name itself if unknown)."""
    event = event_of(stored)
    return stored if event is None else str(event.label)


def stored_names(event: Event) -> list[str]:
    """Every name under which records of this type may be stored: current first, then legacy."""
    return [event.value, *sorted(old for old, new in LEGACY_NAMES.items() if new is event)]
