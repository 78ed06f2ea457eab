"""The matters list counts only so far past the page asked for, and its pager says so ("3+")."""

from __future__ import annotations

import pytest
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory

from pingan.matters import waiting
from pingan.matters.models import Matter


@pytest.fixture
def eight(new_matter):
    return [new_matter() for _ in range(8)]


@pytest.mark.django_db
def test_the_count_stops_past_the_page_asked_for(eight, monkeypatch):
    monkeypatch.setattr(waiting, "COUNT_AHEAD", 3)
    ordered = Matter.objects.order_by("-received_at", "-pk")
    first = waiting.IdsFirst(ordered, "1", per_page=2)
    assert (first.limit, first.total, first.capped) == (5, 6, True)
    third = waiting.IdsFirst(ordered, "3", per_page=2)
    assert (third.limit, third.total, third.capped) == (9, 8, False)
    assert [m.pk for m in third[4:6]] == [m.pk for m in ordered[4:6]]
    assert waiting.IdsFirst(ordered, "x", per_page=2).limit == 5


@pytest.mark.django_db
def test_the_pager_marks_a_count_that_stopped(eight, monkeypatch):
    monkeypatch.setattr(waiting, "COUNT_AHEAD", 3)
    ordered = Matter.objects.order_by("-received_at", "-pk")
    request = RequestFactory().get("/matters/")
    capped = Paginator(waiting.IdsFirst(ordered, "1", per_page=2), 2).page(1)
    assert "1 / 3+" in render_to_string("web/pager.html", {"page": capped}, request=request)
    whole = Paginator(waiting.IdsFirst(ordered, "4", per_page=2), 2).page(4)
    assert "4 / 4</span>" in render_to_string("web/pager.html", {"page": whole}, request=request)
