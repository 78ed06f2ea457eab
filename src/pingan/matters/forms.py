"""Forms of the matters pages (the services check everything again)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from pingan.core.bilingual import name_in
from pingan.core.form_renderer import RememberedSelect
from pingan.core.text import guard_form_text
from pingan.matters.models import CategoryGroup, Channel, Grade, Outcome
from pingan.matters.selectors import active_categories
from pingan.units.models import OrgUnit


def _choices(form: forms.Form, name: str) -> forms.ChoiceField:
    """A choice field of the form (for setting its choices at run time)."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


class StyledForm(forms.Form):
    """A form whose widgets carry Bootstrap's classes and whose text refuses control characters."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        guard_form_text(self)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class MultipleFileInput(forms.ClearableFileInput):
    """A file input accepting several files."""

    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several optional files."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"})
        )
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        """Clean every file of the list."""
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


EMPTY = ("", "—")


def _language() -> str:
    return get_language() or "zh-hans"


def _unit_choices() -> list[tuple[str, str]]:
    language = _language()
    return [(u.code, u.display_name(language)) for u in OrgUnit.objects.order_by("code")]


def _category_choices() -> list[tuple[str, str]]:
    language = _language()
    return [
        (c.code, "%s · %s" % (c.group.display_name(language), c.display_name(language)))
        for c in active_categories()
    ]


def _grade_choices() -> list[tuple[int, str]]:
    language = _language()
    return [(g.level, "%d %s" % (g.level, g.display_name(language))) for g in Grade.objects.all()]


# The channels a person records at the centre's intake pages (web = entered by a worker).
STAFF_CHANNELS = (Channel.PHONE, Channel.VISIT, Channel.WEB)


class IntakeForm(StyledForm):
    """A new matter, as a community worker, a mediator or the centre enters it."""

    category = forms.ChoiceField(label=_("Category"))
    grade = forms.TypedChoiceField(
        label=_("Grade"),
        coerce=int,
        error_messages={"required": _("Choose a grade: nothing is preselected.")},
    )
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )
    place = forms.ChoiceField(label=_("Place (unit)"))
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    lat = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    lon = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180)
    parties = forms.CharField(
        label=_("Parties involved"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=1000,
    )
    party_contact = forms.CharField(label=_("Parties' contact"), max_length=100, required=False)
    ticket_number = forms.CharField(label=_("Hotline ticket number"), max_length=40, required=False)
    reporter_name = forms.CharField(label=_("Reporter's name"), max_length=50, required=False)
    reporter_phone = forms.CharField(label=_("Reporter's phone"), max_length=30, required=False)
    reporter_confidential = forms.BooleanField(
        label=_("Keep the reporter confidential"), required=False
    )
    attachments = MultipleFileField(label=_("Photos or documents (JPEG, PNG, PDF)"))

    def __init__(self, *args: Any, channel: str = Channel.PHONE, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "category").choices = [EMPTY, *_category_choices()]
        _choices(self, "grade").choices = [EMPTY, *_grade_choices()]
        _choices(self, "place").choices = [EMPTY, *_unit_choices()]
        if channel != Channel.PHONE:
            del self.fields["ticket_number"]


class AssignForm(StyledForm):
    """A unit and a named handler (dispatch, re-dispatch, raise a level)."""

    unit = forms.ChoiceField(label=_("Responsible unit"), widget=RememberedSelect)
    handler = forms.TypedChoiceField(
        label=_("Handler"), coerce=int, required=False, empty_value=None
    )
    reason = forms.CharField(label=_("Reason or note"), max_length=300, required=False)

    def __init__(
        self,
        *args: Any,
        units: QuerySet[OrgUnit] | None = None,
        handlers: list[Any] = (),  # type: ignore[assignment]
        **kwargs: Any,
    ) -> None:
        """`units`: those the person may dispatch to (`matters.dispatch_area`; default every unit)."""
        super().__init__(*args, **kwargs)
        offered = OrgUnit.objects.order_by("code") if units is None else units
        _choices(self, "unit").choices = [EMPTY, *units_by_parent(offered, _language())]
        _choices(self, "handler").choices = [("", "—")] + [
            (h.pk, h.display_name or h.username) for h in handlers
        ]


def units_by_parent(units: QuerySet[OrgUnit], language: str) -> list[tuple[str, Any]]:
    """The units as choices grouped under their parent, each group named by the parent and the
    unit above it ("滨州市 · 滨城区"): at province size many townships and villages share a name,
    and the group tells them apart. Units without a parent come first, ungrouped."""
    top: list[tuple[str, str]] = []
    groups: dict[int, tuple[str, list[tuple[str, str]]]] = {}
    rows = units.values_list(
        "pk", "name_zh", "name_en", "parent_id", "parent__name_zh", "parent__name_en",
        "parent__parent__name_zh", "parent__parent__name_en",
    )  # fmt: skip
    for pk, zh, en, parent, parent_zh, parent_en, above_zh, above_en in rows:
        choice = (str(pk), name_in(language, zh, en))
        if parent is None:
            top.append(choice)
            continue
        if parent not in groups:
            names = [name_in(language, above_zh, above_en) if above_zh else ""]
            names.append(name_in(language, parent_zh, parent_en))
            groups[parent] = (" · ".join(n for n in names if n), [])
        groups[parent][1].append(choice)
    return [*top, *groups.values()]


class FeedbackForm(StyledForm):
    """The handler's account and outcome."""

    account = forms.CharField(
        label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[EMPTY, *Outcome.choices])


RESOLVED_CHOICES = [EMPTY, ("yes", _("Yes, resolved")), ("no", _("No, not resolved"))]
# What the handler's outcome suggests for "resolved" at the follow-up visit (partly: no guess).
RESOLVED_FROM_OUTCOME: dict[str, str] = {Outcome.RESOLVED: "yes", Outcome.UNRESOLVED: "no"}


class FollowUpForm(StyledForm):
    """The follow-up visit: nothing chosen in advance except what the handler's report says."""

    satisfaction = forms.TypedChoiceField(
        label=_("Satisfaction (1–5)"),
        coerce=int,
        choices=[EMPTY, *[(i, str(i)) for i in range(5, 0, -1)]],
    )
    resolved = forms.ChoiceField(label=_("Resolved"), choices=RESOLVED_CHOICES)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    @classmethod
    def for_outcome(cls, outcome: str) -> FollowUpForm:
        """The empty form, "resolved" prefilled from the handler's reported outcome."""
        return cls(initial={"resolved": RESOLVED_FROM_OUTCOME.get(outcome, "")})


class PeriodForm(StyledForm):
    """The period and filters of the statistics page."""

    first = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    last = forms.DateField(
        label=_("To"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    grade = forms.TypedChoiceField(label=_("Grade"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "category").choices = [("", "—"), *_category_choices()]
        _choices(self, "grade").choices = [("", "—"), *_grade_choices()]


class GradeForm(StyledForm):
    """A grade's meaning and deadlines."""

    level = forms.IntegerField(widget=forms.HiddenInput)
    name_zh = forms.CharField(label=_("name (Chinese)"), max_length=100)
    name_en = forms.CharField(label=_("name (English)"), max_length=100, required=False)
    sign_days = forms.IntegerField(label=_("working days to sign for"), min_value=0, max_value=60)
    handle_days = forms.IntegerField(label=_("working days to handle"), min_value=0, max_value=250)


class CategoryGroupForm(StyledForm):
    """A group of the catalogue: a new one, or an existing one renamed, activated or deactivated."""

    group_id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    code = forms.CharField(label=_("code"), max_length=32)
    name_zh = forms.CharField(label=_("name (Chinese)"), max_length=100, required=False)
    name_en = forms.CharField(label=_("name (English)"), max_length=100, required=False)
    active = forms.BooleanField(label=_("active"), required=False, initial=True)


class CategoryForm(StyledForm):
    """A category of the catalogue."""

    code = forms.CharField(label=_("code"), max_length=32)
    group = forms.ChoiceField(label=_("group"))
    name_zh = forms.CharField(label=_("name (Chinese)"), max_length=100)
    name_en = forms.CharField(label=_("name (English)"), max_length=100, required=False)
    active = forms.BooleanField(label=_("active"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "group").choices = [(g.code, g.name_zh) for g in CategoryGroup.objects.all()]


class LadderForm(StyledForm):
    """A step of an escalation ladder."""

    ladder = forms.ChoiceField(
        label=_("ladder"), choices=[("township", _("Township")), ("county", _("County"))]
    )
    step = forms.IntegerField(label=_("step"), min_value=1, max_value=10)
    name_zh = forms.CharField(label=_("name (Chinese)"), max_length=100)
    name_en = forms.CharField(label=_("name (English)"), max_length=100, required=False)


class PolicyForm(StyledForm):
    """Retention, daily summary time and the attachment limit."""

    retention_days = forms.IntegerField(
        label=_("keep personal data after archiving (days)"), min_value=30, max_value=3650
    )
    summary_time = forms.TimeField(
        label=_("daily summary time"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    max_attachment_mb = forms.IntegerField(
        label=_("largest attachment (MB)"), min_value=1, max_value=20
    )


class IndexFeedForm(StyledForm):
    """A scheme indicator fed by monthly counts of matters."""

    indicator_code = forms.CharField(label=_("indicator"), max_length=64)
    category_group_code = forms.ChoiceField(label=_("category group"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "category_group_code").choices = [("", _("all groups"))] + [
            (g.code, g.name_zh) for g in CategoryGroup.objects.all()
        ]


class PublicReportForm(StyledForm):
    """A resident's report on the public form (no attachments; the centre classifies it)."""

    category = forms.ChoiceField(label=_("What is it about?"))
    place = forms.ChoiceField(label=_("Where (township or subdistrict)"))
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    reporter_name = forms.CharField(label=_("Your name (optional)"), max_length=50, required=False)
    reporter_phone = forms.CharField(
        label=_("Your phone (optional)"), max_length=30, required=False
    )
    reporter_confidential = forms.BooleanField(
        label=_("Keep my identity confidential"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "category").choices = [EMPTY, *_category_choices()]
        language = _language()
        places = [
            (u.code, u.display_name(language))
            for u in OrgUnit.objects.filter(level=3).order_by("code")
        ]
        _choices(self, "place").choices = [EMPTY, *(places or _unit_choices())]


class DispatchRuleForm(StyledForm):
    """A rule suggesting the responsible unit for a category and/or place."""

    category_code = forms.ChoiceField(label=_("Category"), required=False)
    place_unit_code = forms.ChoiceField(label=_("Place (unit)"), required=False)
    unit_code = forms.ChoiceField(label=_("Responsible unit"))
    handler_username = forms.CharField(
        label=_("Handler (username)"), max_length=150, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "category_code").choices = [("", "—"), *_category_choices()]
        _choices(self, "place_unit_code").choices = [("", "—"), *_unit_choices()]
        _choices(self, "unit_code").choices = _unit_choices()
