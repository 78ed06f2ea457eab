"""The built-in catalogue, grades and escalation ladders, loaded by a migration and editable afterwards."""

from __future__ import annotations

from typing import Any

GROUPS = [
    ("neighbour", "邻里纠纷", "Neighbour disputes"),
    ("property", "物业纠纷", "Property management"),
    ("labour", "劳动争议", "Labour disputes"),
    ("land", "土地纠纷", "Land disputes"),
    ("family", "婚姻家庭", "Marriage and family"),
    ("consumer", "消费纠纷", "Consumer disputes"),
    ("other", "其他", "Other"),
]

CATEGORIES = [
    ("neighbour_noise", "neighbour", "噪音扰民", "Noise"),
    ("neighbour_boundary", "neighbour", "相邻关系", "Boundaries and access"),
    ("property_fee", "property", "物业服务收费", "Property service fees"),
    ("property_repair", "property", "房屋维修", "Building repairs"),
    ("labour_wages", "labour", "拖欠工资", "Unpaid wages"),
    ("labour_injury", "labour", "工伤赔偿", "Work injury compensation"),
    ("land_contract", "land", "土地承包", "Land contracting"),
    ("land_requisition", "land", "征地拆迁", "Land requisition and relocation"),
    ("family_marriage", "family", "婚姻纠纷", "Marriage disputes"),
    ("family_support", "family", "赡养抚养", "Support of parents and children"),
    ("consumer_goods", "consumer", "商品质量", "Quality of goods"),
    ("consumer_service", "consumer", "服务合同", "Service contracts"),
    ("economic", "other", "经济纠纷", "Economic disputes"),
    ("other", "other", "其他纠纷", "Other disputes"),
]

# level, name_zh, name_en, working days to sign for, working days to handle
GRADES = [
    (1, "重大纠纷", "Major dispute", 1, 3),
    (2, "较大纠纷", "Serious dispute", 1, 7),
    (3, "一般纠纷", "General dispute", 2, 15),
]

LADDERS = [
    ("township", 1, "村（社区）调解员", "Village mediator"),
    ("township", 2, "乡贤调解团", "Elder mediators"),
    ("township", 3, "律师或司法调解员", "Lawyer or judicial mediator"),
    ("township", 4, "乡镇（街道）领导", "Township leadership"),
    ("county", 1, "律师", "Lawyer"),
    ("county", 2, "部门领导", "Department leader"),
    ("county", 3, "法院", "Court"),
    ("county", 4, "县区领导", "County leadership"),
]


def load_defaults(
    group_model: Any, category_model: Any, grade_model: Any, ladder_model: Any, policy_model: Any
) -> None:
    """Create the built-in catalogue where it is missing (existing rows are left as edited)."""
    groups = {}
    for order, (code, zh, en) in enumerate(GROUPS):
        groups[code], _created = group_model.objects.get_or_create(
            code=code, defaults={"name_zh": zh, "name_en": en, "order": order}
        )
    for code, group, zh, en in CATEGORIES:
        category_model.objects.get_or_create(
            code=code, defaults={"group": groups[group], "name_zh": zh, "name_en": en}
        )
    for level, zh, en, sign_days, handle_days in GRADES:
        grade_model.objects.get_or_create(
            level=level,
            defaults={
                "name_zh": zh,
                "name_en": en,
                "sign_days": sign_days,
                "handle_days": handle_days,
            },
        )
    for ladder, step, zh, en in LADDERS:
        ladder_model.objects.get_or_create(
            ladder=ladder, step=step, defaults={"name_zh": zh, "name_en": en}
        )
    policy_model.objects.get_or_create(pk=1)
