"""A small scheme with every indicator kind, categories, a special assessment and linked classes."""

from __future__ import annotations

MIXED = """
[scheme]
code = "mixed"
name_zh = "混合方案"
name_en = "Mixed scheme"
period = "quarter"

[tiers]
yellow = 90
orange = 80
red = 70

[stars]
bands = [0, 70, 80, 90, 95]

[[bodies]]
code = "police"
name_zh = "公安局"
name_en = "Police"

[[categories]]
code = "sense"
name_zh = "安全感"
name_en = "Sense of security"
domain = "social"

[[categories]]
code = "theft"
name_zh = "盗窃"
name_en = "Theft"
domain = "cases"

[[indicators]]
code = "security"
name_zh = "群众安全感"
name_en = "Sense of security"
body = "police"
category = "sense"
kind = "rate"

[[indicators]]
code = "burglary"
name_zh = "入室盗窃"
name_en = "Burglary"
body = "police"
category = "theft"
kind = "change"

[[indicators]]
code = "criminal"
name_zh = "刑事案件"
name_en = "Criminal cases"
body = "police"
category = "theft"
kind = "per_population"

[[indicators]]
code = "mass_incident"
name_zh = "群体性事件"
name_en = "Mass incidents"
body = "police"
domain = "police"

[[classes]]
code = "T"
name_zh = "乡镇街道"
name_en = "Townships"
exposure = "population"
indicators = [
  { code = "security", rule = "linear", floor = 80, target = 95, cap = 6 },
  { code = "burglary", per_point = 0.1, min_count = 5, cap = 3 },
  { code = "criminal", deduction = 1, per = 10000 },
  { code = "mass_incident", deduction = 2 },
]

[[classes]]
code = "P"
name_zh = "派出所"
name_en = "Police stations"
exposure = "population"
indicators = [
  { code = "security", rule = "bands", bands = [[95, 0], [90, 1], [0, 3]] },
  { code = "burglary", per_point = 0.1, min_count = 5 },
  { code = "mass_incident", deduction = 2 },
]

[[special]]
code = "preventable"
name_zh = "可防性案件专项考核"
name_en = "Preventable crimes"
indicators = ["burglary"]
key_management_below = 98
veto_below = 95

[links]
classes = ["T", "P"]
"""
