"""Forms of the warnings pages: the list's filters, respond, close, and the problem register."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pingan.warnings.models import Level, ProblemKind, Source, Status, Verdict


class FilterForm(forms.Form):
    """Filters of the warning list: level, status, unit (by code) and source."""

    level = forms.ChoiceField(
        label=_("Level"), required=False, choices=[("", _("all levels")), *Level.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("all statuses")), ("open", _("open")), *Status.choices],
    )
    unit = forms.CharField(label=_("Unit code"), required=False, max_length=32)
    source = forms.ChoiceField(
        label=_("Source"), required=False, choices=[("", _("all sources")), *Source.choices]
    )


class RespondForm(forms.Form):
    """The measures taken on a warning."""

    measures = forms.CharField(
        label=_("Measures taken"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )


class CloseForm(forms.Form):
    """Close a warning with the office's verdict."""

    verdict = forms.ChoiceField(label=_("Verdict"), choices=Verdict.choices)
    note = forms.CharField(
        label=_("Closing note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
    )


class ProblemForm(forms.Form):
    """Register a problem (from a confirmed warning, or on the office's own finding)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=ProblemKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    unit = forms.CharField(label=_("Responsible unit (code)"), max_length=32)
    leading_office = forms.CharField(label=_("Leading office"), max_length=100)
    deadline = forms.DateField(label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}))
    people_involved = forms.IntegerField(
        label=_("Number of people involved"), min_value=0, max_value=1_000_000
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )
    warning = forms.IntegerField(widget=forms.HiddenInput, required=False)


class NoteForm(forms.Form):
    """A progress note on a problem."""

    text = forms.CharField(
        label=_("Progress"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )


class ResolveForm(forms.Form):
    """Mark a problem resolved."""

    resolution = forms.CharField(
        label=_("Resolution"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )
