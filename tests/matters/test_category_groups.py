"""Category groups of the catalogue: created, renamed, activated and deactivated by the system administrator."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from pingan.audit.models import AuditRecord
from pingan.core.problems import InputRefused, Problem
from pingan.matters import forms, selectors
from pingan.matters.actions import catalogue, intake
from pingan.matters.models import CategoryGroup
from tests.conftest import actor_with


@pytest.fixture
def admin(units):
    """The system administrator as an actor (the catalogue defaults are loaded by `units`)."""
    return actor_with("system_admin")


def _group_fields(group: CategoryGroup) -> tuple[str, str, str, bool, int]:
    return (group.code, group.name_zh, group.name_en, group.active, group.order)


def _events(group: CategoryGroup) -> list[tuple[str, dict]]:
    records = AuditRecord.objects.filter(
        object_type="matters.categorygroup", object_id=str(group.pk)
    ).order_by("pk")
    return [(r.event, r.detail) for r in records]


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.mark.django_db
def test_creates_a_group_after_the_defaults_and_audits_it(admin):
    group = catalogue.save_category_group(
        actor=admin, code=" tenancy ", name_zh=" 租赁纠纷 ", name_en="Tenancy disputes"
    )
    group.refresh_from_db()
    assert _group_fields(group) == ("tenancy", "租赁纠纷", "Tenancy disputes", True, 7)
    assert CategoryGroup.objects.count() == 8
    assert _events(group) == [("matters.category_group.save", {"created": True, "active": True})]


@pytest.mark.django_db
def test_renames_recodes_and_deactivates_a_group_keeping_its_order(admin):
    labour = CategoryGroup.objects.get(code="labour")
    catalogue.save_category_group(
        actor=admin,
        group_id=labour.pk,
        code="employment",
        name_zh="劳动人事争议",
        name_en="Employment disputes",
        active=False,
    )
    labour.refresh_from_db()
    assert _group_fields(labour) == (
        "employment",
        "劳动人事争议",
        "Employment disputes",
        False,
        2,
    )
    assert _events(labour) == [("matters.category_group.save", {"created": False, "active": False})]
    assert list(labour.categories.values_list("code", "active")) == [
        ("labour_injury", True),
        ("labour_wages", True),
    ]


@pytest.mark.django_db
def test_an_inactive_group_is_not_offered_for_new_matters_until_reactivated(admin, people):
    labour = CategoryGroup.objects.get(code="labour")
    catalogue.save_category_group(
        actor=admin, group_id=labour.pk, code="labour", name_zh="劳动争议", active=False
    )
    offered = set(selectors.active_categories().values_list("code", flat=True))
    assert len(offered) == 12 and not offered & {"labour_wages", "labour_injury"}
    choices = [code for code, _label in forms.IntakeForm().fields["category"].choices if code]
    assert "labour_wages" not in choices and len(choices) == 12
    report = {
        "actor": people["dispatcher"][1],
        "category_code": "labour_wages",
        "grade_level": 2,
        "description": "拖欠工资",
        "place_unit_code": "BZ01",
        "channel": "phone",
    }
    with pytest.raises(InputRefused) as refused:
        intake.intake_matter(**report)
    assert refused.value.problems == [Problem(None, "category", "unknown category")]

    catalogue.save_category_group(
        actor=admin, group_id=labour.pk, code="labour", name_zh="劳动争议", active=True
    )
    assert intake.intake_matter(**report).category.code == "labour_wages"


@pytest.mark.django_db
def test_refuses_a_duplicate_code_and_an_empty_chinese_name_writing_nothing(admin):
    before = list(CategoryGroup.objects.values_list("code", "name_zh", "name_en", "active"))
    with pytest.raises(InputRefused) as refused:
        catalogue.save_category_group(actor=admin, code="labour", name_zh="劳动")
    assert refused.value.problems == [Problem(None, "code", "another group already has this code")]
    family = CategoryGroup.objects.get(code="family")
    with pytest.raises(InputRefused) as refused:
        catalogue.save_category_group(
            actor=admin, group_id=family.pk, code="land", name_zh="  ", name_en="x" * 101
        )
    assert refused.value.problems == [
        Problem(None, "code", "another group already has this code"),
        Problem(None, "name_zh", "a Chinese name is required"),
        Problem(None, "name_en", "at most 100 characters"),
    ]
    with pytest.raises(InputRefused) as refused:
        catalogue.save_category_group(actor=admin, code="new-group!", name_zh="")
    assert refused.value.problems == [
        Problem(None, "code", "use letters, digits and underscores (at most 32)"),
        Problem(None, "name_zh", "a Chinese name is required"),
    ]
    with pytest.raises(InputRefused) as refused:
        catalogue.save_category_group(actor=admin, group_id=999999, code="x", name_zh="某")
    assert refused.value.problems == [Problem(None, "group_id", "unknown group")]
    after = list(CategoryGroup.objects.values_list("code", "name_zh", "name_en", "active"))
    assert after == before
    assert not AuditRecord.objects.filter(event="matters.category_group.save").exists()


@pytest.mark.django_db
def test_only_the_system_administrator_edits_groups(units):
    for role in ("dispatcher", "analyst", "security_admin"):
        with pytest.raises(PermissionDenied):
            catalogue.save_category_group(actor=actor_with(role), code="tenancy", name_zh="租赁")
    assert not CategoryGroup.objects.filter(code="tenancy").exists()


@pytest.mark.django_db
def test_settings_page_adds_renames_and_deactivates_groups(client, make_user, units):
    client.force_login(make_user("system_admin", username="sys"))
    url = reverse("matters:settings")
    page = client.get(url).content.decode()
    assert page.count('name="kind" value="group"') == 8
    new = {
        "kind": "group",
        "group": "",
        "grp-code": "tenancy",
        "grp-name_zh": "租赁纠纷",
        "grp-name_en": "Tenancy",
        "grp-active": "on",
    }
    assert _messages(client.post(url, new, follow=True)) == ["已保存。"]
    tenancy = CategoryGroup.objects.get(code="tenancy")
    assert _group_fields(tenancy) == ("tenancy", "租赁纠纷", "Tenancy", True, 7)

    prefix = "grp%d-" % tenancy.pk
    edit = {
        "kind": "group",
        "group": str(tenancy.pk),
        prefix + "group_id": str(tenancy.pk),
        prefix + "code": "rental",
        prefix + "name_zh": "房屋租赁纠纷",
        prefix + "name_en": "Rental disputes",
    }  # the active box left unticked: deactivate
    assert _messages(client.post(url, edit, follow=True)) == ["已保存。"]
    tenancy.refresh_from_db()
    assert _group_fields(tenancy) == ("rental", "房屋租赁纠纷", "Rental disputes", False, 7)

    response = client.post(url, {**new, "grp-code": "rental", "grp-name_zh": ""}, follow=True)
    assert _messages(response) == [
        "第 code 列：已有其他分组使用此代码",
        "第 name_zh 列：请填写中文名称",
    ]
    assert CategoryGroup.objects.count() == 8


def test_timeline_steps_are_named_in_the_current_language():
    from django.utils import translation

    from pingan.matters.models import MatterEvent

    event = MatterEvent(kind="sign")
    with translation.override("zh-hans"):
        assert event.kind_label == "签收"
    with translation.override("en"):
        assert event.kind_label == "signed for"
