"""Refusals as messages: every kind of refusal becomes the same messages in every view."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.messages import ERROR
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory

from pingan.core.problems import Conflict, InputRefused, Problem
from pingan.core.refusals import problem_texts, refusals_as_form_errors, refusals_as_messages

REFUSED = InputRefused([Problem(2, "code", "empty"), Problem(None, None, "too late")])


@pytest.fixture
def request_():
    request = RequestFactory().post("/")
    request._messages = CookieStorage(request)
    return request


def shown(request) -> list[tuple[int, str]]:
    return [(m.level, m.message) for m in request._messages]


def test_a_block_that_ends_leaves_no_message(request_):
    with refusals_as_messages(request_) as outcome:
        pass
    assert (outcome.ok, outcome.refused, outcome.refusal) == (True, False, None)
    assert shown(request_) == []


def test_each_problem_of_a_refused_input_is_one_message(request_):
    with refusals_as_messages(request_) as outcome:
        raise REFUSED
    assert (outcome.ok, outcome.refused, outcome.input_refused) == (False, True, True)
    assert outcome.refusal is REFUSED
    assert shown(request_) == [(ERROR, "row 2, column code: empty"), (ERROR, "too late")]


def test_joined_problems_are_one_message(request_):
    with refusals_as_messages(request_, joined=True):
        raise REFUSED
    assert shown(request_) == [(ERROR, "row 2, column code: empty; too late")]


def test_a_heading_comes_first_and_a_limit_cuts_the_list(request_):
    with refusals_as_messages(request_, heading="Nothing was written.", limit=1):
        raise REFUSED
    assert shown(request_) == [
        (ERROR, "Nothing was written."),
        (ERROR, "row 2, column code: empty"),
    ]


def test_a_template_takes_the_joined_problems(request_):
    with refusals_as_messages(request_, template="Problems: %(list)s"):
        raise REFUSED
    assert shown(request_) == [(ERROR, "Problems: row 2, column code: empty; too late")]


def test_a_conflict_is_its_text(request_):
    with refusals_as_messages(request_) as outcome:
        raise Conflict("changed by someone else")
    assert (outcome.refused, outcome.input_refused) == (True, False)
    assert shown(request_) == [(ERROR, "changed by someone else")]


def test_further_refusals_are_named_and_others_pass(request_):
    with refusals_as_messages(request_, also=(PermissionDenied,)) as outcome:
        raise PermissionDenied("not yours")
    assert isinstance(outcome.refusal, PermissionDenied)
    assert shown(request_) == [(ERROR, "not yours")]
    with pytest.raises(PermissionDenied), refusals_as_messages(request_):
        raise PermissionDenied("not caught")
    with pytest.raises(ValueError), refusals_as_messages(request_):
        raise ValueError("a bug")
    assert len(shown(request_)) == 1


def test_not_found_answers_404(request_):
    with pytest.raises(Http404), refusals_as_messages(request_, not_found=(LookupError,)):
        raise KeyError("gone")
    assert shown(request_) == []


def test_problem_texts():
    assert problem_texts(REFUSED) == ["row 2, column code: empty", "too late"]
    assert problem_texts(REFUSED, 1) == ["row 2, column code: empty"]


class NameForm(forms.Form):
    name = forms.CharField()


def test_a_refused_input_becomes_errors_of_the_whole_form():
    form = NameForm({"name": "x"})
    assert form.is_valid()
    with refusals_as_form_errors(form) as outcome:
        raise REFUSED
    assert outcome.input_refused
    assert form.non_field_errors() == ["row 2, column code: empty", "too late"]
    reasons = NameForm({"name": "x"})
    assert reasons.is_valid()
    with refusals_as_form_errors(reasons, reasons_only=True):
        raise REFUSED
    assert reasons.non_field_errors() == ["empty", "too late"]


def test_a_form_block_that_ends_or_conflicts_adds_no_error():
    form = NameForm({"name": "x"})
    assert form.is_valid()
    with refusals_as_form_errors(form) as outcome:
        pass
    assert outcome.ok
    with pytest.raises(Conflict), refusals_as_form_errors(form):
        raise Conflict("changed")
    assert form.non_field_errors() == []
