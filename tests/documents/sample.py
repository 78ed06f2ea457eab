"""A demo-like bulletin assembled without a database, with a fixed date: the layout tests' input."""

from __future__ import annotations

import datetime as dt

from pingan.bulletins.config import Issuer
from pingan.bulletins.selectors import (
    BulletinContent,
    ChangeLine,
    ClassSection,
    RankRow,
    TierGroup,
)
from pingan.demo_data.names import COUNTIES, DEPARTMENTS, INSTITUTIONS

ISSUER = Issuer(
    issuer="滨州市平安建设领导小组办公室",
    number_prefix="滨平安办",
    main_to="各县（区）平安建设领导小组，各市属开发区，市直各部门，各高等院校、医疗单位",
    copy_to="市平安建设领导小组各成员",
)
TIERS = (("red", 70.0), ("orange", 80.0), ("yellow", 90.0))
TIER_TEXT = {"red": "红色预警", "orange": "橙色预警", "yellow": "黄色预警", "": "—"}


def _tier(score: float) -> str:
    return next((name for name, line in TIERS if score < line), "")


def _section(code: str, name: str, units: list[str], top: float, step: float) -> ClassSection:
    scores = [round(top - step * i, 2) for i in range(len(units))]
    rows = [
        RankRow(
            rank="%d（%d–%d）" % (i + 1, max(1, i), min(len(units), i + 2)),
            unit_code="%s%02d" % (code, i + 1),
            unit_name=unit,
            absolute="%.2f" % score,
            relative="%.2f" % (score - 0.5),
            stars="★" * max(1, min(5, int((score - 60) // 8))),
            tier=_tier(score),
            tier_text=TIER_TEXT[_tier(score)],
        )
        for i, (unit, score) in enumerate(zip(units, scores, strict=True))
    ]
    return ClassSection(
        code=code,
        name=name,
        rows=rows,
        scores=scores,
        tiers=[_tier(s) for s in scores],
        names=units,
        observed=[float(3 + (i * 7) % 11) for i in range(len(units))],
        expected=[4.0 + 0.8 * i for i in range(len(units))],
        flags=[
            "alarm_high" if i == 8 else "alert_low" if i == 2 else "" for i in range(len(units))
        ],
    )


def content(
    *,
    analysis: list[str] | None = None,
    requirements: list[str] | None = None,
    a_names: list[str] | None = None,
    is_draft: bool = False,
) -> BulletinContent:
    """The sample bulletin of 2026Q3, issued on 2026-11-20 as 滨平安办〔2026〕3号."""
    counties = a_names or [name for _code, name, _en in COUNTIES]
    classes = [
        _section("A", "县区和市属开发区", counties, 98.75, 3.25),
        _section("B", "市直部门", [name for name, _en in DEPARTMENTS][:24], 99.0, 0.75),
        _section("C", "高等院校和医疗单位", [name for name, _en in INSTITUTIONS][:8], 97.0, 1.5),
    ]
    return BulletinContent(
        period="2026Q3",
        quarter="2026年第三季度",
        title="关于2026年第三季度社会稳定指数的通报",
        issuer=ISSUER,
        doc_number="滨平安办〔2026〕3号",
        edition=1,
        is_draft=is_draft,
        illustrative=True,
        date=dt.date(2026, 11, 20),
        scheme_name="滨州市社会稳定指数",
        summary=[
            "2026年第三季度共评价42个单位（A类10个、B类24个、C类8个），各单位仅在本类别内比较。",
            "红色预警1个，橙色预警3个，黄色预警9个。",
            "县区和市属开发区：平均绝对得分84.12，最高98.75，最低69.50。",
        ],
        classes=classes,
        tiers=[
            TierGroup("red", "红色预警", ["北海经济开发区（69.50）"]),
            TierGroup("orange", "橙色预警", ["滨州高新技术产业开发区（72.75）"]),
            TierGroup("yellow", "黄色预警", ["阳信县（89.00）", "无棣县（85.75）"]),
        ],
        warnings=["滨州高新技术产业开发区：事件数超出漏斗图99.8%控制上限。"],
        rises=[ChangeLine("邹平市", "县区和市属开发区", "79.25", "+3.75")],
        falls=[ChangeLine("滨城区", "县区和市属开发区", "98.75", "-3.75")],
        key_units=["沾化区（县区和市属开发区，95.50）"],
        errata=[],
        tier_lines=dict(TIERS),
        analysis=analysis
        if analysis is not None
        else [
            "本季度全市社会稳定形势总体平稳，县区间差距较上季度有所缩小。",
            "北海经济开发区违法上访行为和安全责任事故集中发生，须引起高度重视。",
        ],
        requirements=requirements
        if requirements is not None
        else [
            "各单位要对照通报查找问题，落实整改责任，于下季度首月10日前报送整改情况。",
            "列入预警的单位要制定专项工作方案，主要负责同志亲自研究部署。",
        ],
    )
