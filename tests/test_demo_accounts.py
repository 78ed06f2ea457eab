"""The demo prints every account with what it has to do, in the current language."""

from __future__ import annotations

import io

import pytest
from django.utils import translation

from pingan.demo_data.todo import print_accounts


@pytest.mark.django_db
def test_every_account_is_printed_with_its_work_in_both_languages(demo_units, make_user):
    make_user("clerk", body="police", username="clerk")
    make_user("leader", username="leader")
    make_user("handler", unit="BZ01", username="handler")
    make_user("reviewer", body="court", username="reviewer_court")
    out = io.StringIO()
    with translation.override("zh-hans"):
        print_accounts(out, ["leader", "clerk"])
    lines = out.getvalue().splitlines()
    assert [line.split()[0] for line in lines[::2]] == [
        "leader",
        "clerk",
        "handler",
        "reviewer_court",
    ]
    assert lines[2].split()[1:] == ["填报员", "(市公安局)"]
    assert "在 " in lines[3] and "前打开并填写市公安局" in lines[3]
    assert lines[5].strip() == "→ 0 件事项等待您处理"
    assert lines[7].strip() == "→ 没有等待您签署的报送"
    assert "逾期事项 0 件" in lines[1]
    english = io.StringIO()
    with translation.override("en"):
        print_accounts(english, ["leader", "clerk"])
    text = english.getvalue()
    assert "open and fill" in text and "Public Security Bureau" in text
    assert "0 matter(s) wait for your step" in text
    assert "police" not in text.replace("Reporting clerk", "")
