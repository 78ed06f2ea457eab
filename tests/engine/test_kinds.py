"""Exact values of the indicator kinds, domains, special assessments and linked units."""

from __future__ import annotations

import math

import numpy as np
import pytest

from pingan.engine import (
    ChangeRule,
    ClassKinds,
    Group,
    PerPopulationRule,
    RateRule,
    change_deductions,
    compute_class,
    linked,
    per_population_deductions,
    rate_deductions,
    wilson,
)


def test_wilson_interval_of_a_survey_rate() -> None:
    rate, low, high = wilson([1109.0], [1200.0])
    assert rate[0] == pytest.approx(92.4166666667)
    assert low[0] == pytest.approx(90.7798, abs=1e-4)  # statsmodels proportion_confint wilson
    assert high[0] == pytest.approx(93.7829, abs=1e-4)


def test_rate_linear_between_floor_and_target_with_cap() -> None:
    rule = RateRule(mode="linear", floor=80.0, target=95.0, cap=6.0)
    result = rate_deductions(
        [[1140.0], [1050.0], [900.0], [np.nan]], [[1200.0]] * 3 + [[np.nan]], (rule,)
    )
    # 95% -> 0; 87.5% -> 6 * 7.5 / 15 = 3; 75% -> the cap 6; no survey -> missing
    assert result.deduction[:, 0].tolist() == [0.0, 3.0, 6.0, 0.0]
    assert result.missing[:, 0].tolist() == [False, False, False, True]


def test_rate_bands() -> None:
    rule = RateRule(mode="bands", bands=((95.0, 0.0), (90.0, 1.0), (85.0, 2.5), (0.0, 4.0)))
    result = rate_deductions([[96.0], [90.0], [89.0], [10.0]], [[100.0]] * 4, (rule,))
    assert result.deduction[:, 0].tolist() == [0.0, 1.0, 2.5, 4.0]


def test_rate_refuses_more_positives_than_asked() -> None:
    with pytest.raises(ValueError, match="sample size"):
        rate_deductions([[101.0]], [[100.0]], (RateRule(cap=1.0, floor=0, target=1),))


def test_per_population_against_class_mean_and_target() -> None:
    totals = np.array([[30.0, 30.0], [10.0, 10.0], [20.0, 20.0]])
    population = np.array([100_000.0, 100_000.0, 100_000.0])
    rules = (
        PerPopulationRule(deduction=2.0),
        PerPopulationRule(deduction=0.5, target=1.0, cap=5.0),
    )
    result = per_population_deductions(totals, population, rules)
    # class mean 60 / 300,000 * 10,000 = 2 per 10,000; rates 3, 1, 2
    assert result.reference.tolist() == [2.0, 1.0]
    assert result.rate[:, 0].tolist() == [3.0, 1.0, 2.0]
    assert result.deduction.tolist() == [[2.0, 1.0], [0.0, 0.0], [0.0, 0.5]]


def test_change_year_on_year_with_minimum_count() -> None:
    rules = (ChangeRule(per_point=0.1, min_count=5.0, cap=3.0),)
    current = np.array([[25.0], [8.0], [9.0], [40.0], [6.0]])
    previous = np.array([[20.0], [10.0], [4.0], [10.0], [np.nan]])
    result = change_deductions(current, previous, rules)
    # +25% -> 2.5; a fall -> 0; 4 < 5 earlier -> not scored; +300% -> cap 3; unknown -> not scored
    assert result.deduction[:, 0].tolist() == [2.5, 0.0, 0.0, 3.0, 0.0]
    assert result.scored[:, 0].tolist() == [True, True, False, True, False]
    assert result.change[0, 0] == 25.0 and math.isnan(result.change[2, 0])


def test_change_rule_needs_a_minimum_count() -> None:
    with pytest.raises(ValueError, match="minimum count"):
        change_deductions([[1.0]], [[1.0]], (ChangeRule(per_point=1.0, min_count=0.0),))


def _mixed_class(**extra: object) -> object:
    # 4 units; count columns: 0 count (w 1), 1 per population (w 0), 2 change (w 0)
    quarter = np.zeros((4, 3, 3))
    quarter[:, 0, 0] = [0, 2, 1, 0]
    quarter[:, 1, 0] = [10, 30, 20, 20]
    quarter[:, 2, 0] = [10, 10, 30, 5]
    window = np.concatenate([np.zeros((4, 3, 7)), quarter.sum(axis=2)[:, :, None]], axis=2)
    kinds = ClassKinds(
        per_population=(1,),
        per_population_rules=(PerPopulationRule(deduction=1.0),),
        population=np.full(4, 100_000.0),
        change=(2,),
        change_rules=(ChangeRule(per_point=0.1, min_count=5.0),),
        previous=np.array([[10.0], [8.0], [20.0], [4.0]]),
        rates=(RateRule(mode="linear", floor=80.0, target=95.0, cap=6.0),),
        positives=np.array([[95.0], [80.0], [90.0], [95.0]]),
        samples=np.array([[100.0], [100.0], [100.0], [100.0]]),
    )
    return compute_class(
        quarter,
        window,
        np.ones((4, 8)),
        weights=[1.0, 0.0, 0.0],
        caps=[np.inf, np.inf, np.inf],
        veto=[False, False, False],
        draws=200,
        seed=3,
        kinds=kinds,
        **extra,  # type: ignore[arg-type]
    )


def test_mixed_kinds_make_one_absolute_score() -> None:
    result = _mixed_class()
    # class mean per 10,000: 80 / 400,000 -> 2; excess 0, 1, 0, 0
    # change: 0%, +25% -> 2.5, +50% -> 5, 4 < 5 not scored
    # rate: 95 -> 0, 80 -> 6, 90 -> 2
    assert result.absolute.score.tolist() == [100.0, 100 - 2 - 1 - 2.5 - 6, 100 - 1 - 5 - 2, 100.0]
    assert result.absolute.deductions.tolist() == [
        [0.0, 0.0, 0.0],
        [2.0, 1.0, 2.5],
        [1.0, 0.0, 5.0],
        [0.0, 0.0, 0.0],
    ]
    assert result.kinds is not None
    assert result.kinds.offset.tolist() == [0.0, 9.5, 7.0, 0.0]
    assert result.ranks.rank.tolist() == [1, 4, 3, 1]


def test_a_unit_without_its_survey_is_withheld() -> None:
    quarter = np.zeros((2, 1, 3))
    kinds = ClassKinds(
        rates=(RateRule(floor=0.0, target=100.0, cap=10.0),),
        positives=np.array([[50.0], [np.nan]]),
        samples=np.array([[100.0], [np.nan]]),
    )
    result = compute_class(
        quarter,
        np.zeros((2, 1, 8)),
        np.ones((2, 8)),
        weights=[1.0],
        caps=[np.inf],
        veto=[False],
        draws=50,
        kinds=kinds,
    )
    assert result.scored.tolist() == [True, False]
    assert result.absolute.score.tolist() == [95.0]


def test_domain_sub_index_and_special_assessment() -> None:
    result = _mixed_class(
        domain_groups=(Group("cases", (0, 2)), Group("social", (1,), rates=(0,))),
        special_groups=(Group("preventable", (0, 2), base=100.0, key_line=98.0, veto_line=95.0),),
    )
    cases, social = result.domains
    assert cases.score.tolist() == [100.0, 95.5, 94.0, 100.0]
    assert social.score.tolist() == [100.0, 93.0, 98.0, 100.0]
    assert cases.tier.tolist() == ["", "", "", ""]
    assert cases.ranks.rank.tolist() == [1, 3, 4, 1]
    (special,) = result.specials
    assert special.score.tolist() == [100.0, 95.5, 94.0, 100.0]
    assert result.key_management is not None
    assert result.key_management.tolist() == [False, True, True, False]
    assert result.vetoed.tolist() == [False, False, True, False]
    assert result.tier.tolist() == ["", "", "red", ""]
    assert result.stars.tolist() == [5, 4, 1, 5]


def test_linked_units_share_a_flag() -> None:
    assert linked([True, False, False, False, False], [[0, 3], [2, 4]]).tolist() == [
        True,
        False,
        False,
        True,
        False,
    ]
    assert linked([False, False, True], [[0, 1], [1, 2]]).tolist() == [True, True, True]
