"""Template tag for page links: `{% load pages %}`.

- `{% page_query n %}` — the current page's query string with `page` set to `n`
  ("?status=received&page=3"), so that moving between pages keeps the list's filters and sort.
"""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def page_query(context: dict[str, Any], number: int) -> str:
    """`?…&page=<number>`: the request's query parameters kept, `page` replaced."""
    request = context.get("request")
    query = request.GET.copy() if request is not None else None
    if query is None:
        return "?page=%d" % number
    query["page"] = str(number)
    return "?" + str(query.urlencode())
