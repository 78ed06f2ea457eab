"""Refusals as messages, in one place: what a page tells the person when an action is refused.

A view runs the action inside `refusals_as_messages(request)`; a refused input (every problem),
a lost compare-and-set or another named refusal becomes an error message on the next page,
and the view decides where to go from the outcome (`refusals_as_form_errors(form)` puts a
refused input's problems on the form shown again instead)::

    with refusals_as_messages(request) as outcome:
        services.mark_key_management(actor=actor, unit=unit, reason=reason)
    if outcome.ok:
        messages.success(request, _("The unit is marked for key management."))
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest

from pingan.core.problems import Conflict, InputRefused


@dataclass
class Outcome:
    """How the guarded block ended: `refusal` is the exception it was refused with, if any."""

    refusal: Exception | None = None

    @property
    def refused(self) -> bool:
        """Whether the block was refused (its messages are queued)."""
        return self.refusal is not None

    @property
    def ok(self) -> bool:
        """Whether the block ran to its end."""
        return self.refusal is None

    @property
    def input_refused(self) -> bool:
        """Whether the block was refused for its input (rather than a conflict or another refusal)."""
        return isinstance(self.refusal, InputRefused)


def problem_texts(refused: InputRefused, limit: int | None = None) -> list[str]:
    """The refused input's problems as texts, the first `limit` of them when given."""
    problems = refused.problems if limit is None else refused.problems[:limit]
    return [str(problem) for problem in problems]


def _input_messages(
    refused: InputRefused,
    *,
    heading: str | None,
    joined: bool,
    template: str | None,
    limit: int | None,
) -> list[str]:
    texts = problem_texts(refused, limit)
    if template is not None:
        return [template % {"list": "; ".join(texts)}]
    if joined:
        texts = ["; ".join(texts)]
    return ([heading] if heading is not None else []) + texts


@contextmanager
def refusals_as_messages(
    request: HttpRequest,
    *,
    heading: str | None = None,
    joined: bool = False,
    template: str | None = None,
    limit: int | None = None,
    also: tuple[type[Exception], ...] = (),
    not_found: tuple[type[Exception], ...] = (),
) -> Iterator[Outcome]:
    """Turn the refusals of the block into error messages of the request.

    InputRefused: one message per problem (at most `limit`), after `heading` when given; with
    `joined` all problems in one message separated by "; "; with `template` one message, the
    template with "%(list)s" replaced by the joined problems. Conflict and the exceptions in
    `also`: one message, their text. The exceptions in `not_found` answer 404.
    """
    outcome = Outcome()
    refusals: tuple[type[Exception], ...] = (Conflict, *also)
    try:
        yield outcome
    except not_found:
        raise Http404 from None
    except InputRefused as refused:
        outcome.refusal = refused
        texts = _input_messages(
            refused, heading=heading, joined=joined, template=template, limit=limit
        )
        for text in texts:
            messages.error(request, text)
    except refusals as refusal:
        outcome.refusal = refusal
        messages.error(request, str(refusal))


@contextmanager
def refusals_as_form_errors(form: forms.Form, *, reasons_only: bool = False) -> Iterator[Outcome]:
    """Turn a refused input of the block into errors of the whole form, one per problem.

    With `reasons_only` each error is the problem's reason without its row and column.
    """
    outcome = Outcome()
    try:
        yield outcome
    except InputRefused as refused:
        outcome.refusal = refused
        for problem in refused.problems:
            form.add_error(None, problem.reason if reasons_only else str(problem))
