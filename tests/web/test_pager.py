"""The pager keeps a list's filters: its links change `page` only."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory


def _links(query: str, number: int) -> str:
    request = RequestFactory().get("/matters/" + query)
    page = Paginator(list(range(120)), 50).page(number)
    return render_to_string("web/pager.html", {"page": page}, request=request)


def test_next_and_previous_keep_the_filters_and_replace_the_page():
    html = _links("?status=received&q=%E5%99%AA%E9%9F%B3&page=2", 2)
    assert 'href="?status=received&amp;q=%E5%99%AA%E9%9F%B3&amp;page=1"' in html
    assert 'href="?status=received&amp;q=%E5%99%AA%E9%9F%B3&amp;page=3"' in html
    assert "2 / 3" in html


def test_a_list_without_filters_gets_page_links_only():
    html = _links("", 1)
    assert 'href="?page=2"' in html
    assert "Previous" not in html and "上一页" not in html
