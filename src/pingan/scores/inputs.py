"""The engine's inputs of one class and period, read from approved figures, covariates and the scheme.

Count-like indicators (``count``, ``per_population``, ``change``) fill the (U, C, M) monthly array;
survey rates come apart as positive answers and sample sizes pooled over their survey period.
Domains and special assessments become index groups over those columns.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from pingan.core.periods import (
    PER_YEAR,
    month_bounds,
    period_bounds,
    period_months,
    period_window,
    year_before,
)
from pingan.engine import compute_class
from pingan.engine.compute import ClassResult
from pingan.engine.groups import ClassKinds, Group
from pingan.engine.kinds import ChangeRule, PerPopulationRule, RateRule
from pingan.reporting.selectors import approved_values
from pingan.reporting.surveys import survey_samples
from pingan.schemes.models import ClassIndicator, SchemeClass, SchemeVersion
from pingan.schemes.selectors import class_rules, completeness_policy
from pingan.scores.packs import window_arrays
from pingan.units.models import OrgUnit
from pingan.units.selectors import covariate_table, evaluated_units


@dataclass
class ClassInputs:
    """Arrays for one class of one period, with the keys that tie them back to the database.

    ``rules`` are the rules of the count columns in column order, ``rate_rules`` the survey
    rates; ``kinds`` None when every rule is a plain count.
    """

    scheme_class: SchemeClass
    rules: list[ClassIndicator]
    units: list[OrgUnit]
    quarter_counts: np.ndarray
    figure_ids: np.ndarray
    window_counts: np.ndarray
    exposure: np.ndarray
    covariates: np.ndarray | None
    open_months: np.ndarray
    history_months: np.ndarray
    rate_rules: list[ClassIndicator]
    kinds: ClassKinds | None
    domain_groups: tuple[Group, ...]
    special_groups: tuple[Group, ...]


def kind_of(rule: ClassIndicator) -> str:
    """The kind of a class rule ("count" unless its indicator says otherwise)."""
    return str(rule.indicator.kind or "count")


def class_inputs(version: SchemeVersion, scheme_class: SchemeClass, period: str) -> ClassInputs:
    """Everything the engine needs of one class for one period."""
    window = period_window(period, int(version.content["relative"]["window"]))
    first, last = period_bounds(period)
    units = evaluated_units(
        class_codes=[scheme_class.code],
        first=first,
        last=last,
        office_unit_id=version.office_unit_id,
    )
    every = class_rules(scheme_class)
    rules = [r for r in every if kind_of(r) != "rate"]
    rate_rules = [r for r in every if kind_of(r) == "rate"]
    codes = [r.indicator.code for r in rules]
    months = [m for p in window for m in period_months(p)]
    per = len(period_months(period))
    monthly, all_ids = window_arrays(
        indicator_codes=codes,
        unit_ids=[u.pk for u in units],
        months=months,
        figure_months=period_months(period),
    )
    figure_ids = np.ascontiguousarray(all_ids[:, :, len(months) - per :])
    window_counts = monthly.reshape(len(units), len(codes), len(window), per).sum(axis=3)
    exposure, covariates = _covariates(scheme_class, units, window)
    kinds = _kinds(version, scheme_class, period, units, rules, rate_rules, exposure[:, -1])
    return ClassInputs(
        scheme_class,
        rules,
        units,
        monthly[:, :, -per:],
        figure_ids,
        window_counts,
        exposure,
        covariates,
        _open_months(units, period_months(period)),
        monthly,
        rate_rules,
        kinds,
        _groups(version, rules, rate_rules),
        _specials(version, rules, rate_rules),
    )


def _kinds(
    version: SchemeVersion,
    scheme_class: SchemeClass,
    period: str,
    units: list[OrgUnit],
    rules: list[ClassIndicator],
    rate_rules: list[ClassIndicator],
    exposure: np.ndarray,
) -> ClassKinds | None:
    kinds = [kind_of(r) for r in rules]
    if not rate_rules and set(kinds) <= {"count"}:
        return None
    per_pop = [j for j, k in enumerate(kinds) if k == "per_population"]
    change = [j for j, k in enumerate(kinds) if k == "change"]
    positives, samples = _surveys(version, period, units, rate_rules)
    return ClassKinds(
        per_population=tuple(per_pop),
        per_population_rules=tuple(_per_population_rule(rules[j]) for j in per_pop),
        population=_population(scheme_class, units, period, rules, per_pop, exposure),
        change=tuple(change),
        change_rules=tuple(_change_rule(rules[j]) for j in change),
        previous=_previous(period, units, [rules[j] for j in change]),
        rates=tuple(_rate_rule(r) for r in rate_rules),
        positives=positives,
        samples=samples,
    )


def _cap(rule: ClassIndicator) -> float:
    return math.inf if rule.cap is None else float(rule.cap)


def _per_population_rule(rule: ClassIndicator) -> PerPopulationRule:
    target = rule.params.get("target")
    return PerPopulationRule(
        deduction=float(rule.deduction),
        per=float(rule.params.get("per", 10_000)),
        target=None if target is None else float(target),
        cap=_cap(rule),
    )


def _change_rule(rule: ClassIndicator) -> ChangeRule:
    params = rule.params
    return ChangeRule(
        per_point=float(params["per_point"]), min_count=float(params["min_count"]), cap=_cap(rule)
    )


def _rate_rule(rule: ClassIndicator) -> RateRule:
    params = rule.params
    cap = _cap(rule)
    if params.get("rule") == "bands":
        return RateRule(mode="bands", bands=tuple((b[0], b[1]) for b in params["bands"]))
    return RateRule(
        mode="linear", floor=float(params["floor"]), target=float(params["target"]), cap=cap
    )


def _population(
    scheme_class: SchemeClass,
    units: list[OrgUnit],
    period: str,
    rules: list[ClassIndicator],
    per_pop: list[int],
    exposure: np.ndarray,
) -> np.ndarray:
    """(U,) the covariate per-population rules divide by: the class's exposure unless named."""
    names = {rules[j].params.get("covariate") or scheme_class.exposure for j in per_pop}
    name = sorted(names)[0] if names else scheme_class.exposure
    if name == scheme_class.exposure:
        return np.asarray(exposure, dtype=np.float64)
    table = covariate_table(names=[name], years=[int(period[:4])])
    return np.array([table.get((u.pk, int(period[:4]), name), np.nan) for u in units])


def _previous(period: str, units: list[OrgUnit], rules: list[ClassIndicator]) -> np.ndarray:
    """(U, Q) the earlier period's totals of change indicators; NaN where a month is missing."""
    out = np.full((len(units), len(rules)), np.nan)
    for q, rule in enumerate(rules):
        earlier = (
            year_before(period)
            if rule.params.get("compare", "year") == "year"
            else period_window(period, 2)[0]
        )
        months = period_months(earlier)
        values = approved_values(
            indicator_codes=[rule.indicator.code], unit_ids=[u.pk for u in units], months=months
        )
        for i, unit in enumerate(units):
            cells = [values.get((unit.pk, rule.indicator.code, m)) for m in months]
            if all(c is not None for c in cells):
                out[i, q] = float(sum(c[0] for c in cells if c is not None))
    return out


def survey_months(period: str, survey: str) -> list[str]:
    """The months a survey rate pools: its survey period ending with the period's last month."""
    months = period_months(period)
    length = max(len(months), 12 // PER_YEAR[survey])
    last = months[-1]
    return [m for p in period_window(last, length) for m in period_months(p)]


def _surveys(
    version: SchemeVersion, period: str, units: list[OrgUnit], rate_rules: list[ClassIndicator]
) -> tuple[np.ndarray, np.ndarray]:
    """(U, R) positive answers and sample sizes pooled over each rate's survey months."""
    positives = np.full((len(units), len(rate_rules)), np.nan)
    samples = np.full((len(units), len(rate_rules)), np.nan)
    surveys = {i["code"]: i.get("survey", "quarter") for i in version.content["indicators"]}
    for r, rule in enumerate(rate_rules):
        code = rule.indicator.code
        months = survey_months(period, surveys.get(code, "quarter"))
        ids = [u.pk for u in units]
        values = approved_values(indicator_codes=[code], unit_ids=ids, months=months)
        sizes = survey_samples(indicator_codes=[code], unit_ids=ids, months=months)
        for i, unit in enumerate(units):
            cells = [
                (values[key][0], sizes[key])
                for key in ((unit.pk, code, m) for m in months)
                if key in values and key in sizes
            ]
            if cells:
                positives[i, r] = float(sum(c[0] for c in cells))
                samples[i, r] = float(sum(c[1] for c in cells))
    return positives, samples


def _column_groups(
    codes: list[str], rules: list[ClassIndicator], rate_rules: list[ClassIndicator]
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    wanted = set(codes)
    return (
        tuple(j for j, r in enumerate(rules) if r.indicator.code in wanted),
        tuple(j for j, r in enumerate(rate_rules) if r.indicator.code in wanted),
    )


def _groups(
    version: SchemeVersion, rules: list[ClassIndicator], rate_rules: list[ClassIndicator]
) -> tuple[Group, ...]:
    """One group per domain of the class's indicators, in scheme order (only with categories)."""
    if not version.content.get("categories"):
        return ()
    order: list[str] = []
    for item in version.content["indicators"]:
        if item["domain"] not in order:
            order.append(item["domain"])
    groups = []
    for domain in order:
        codes = [i["code"] for i in version.content["indicators"] if i["domain"] == domain]
        columns, rates = _column_groups(codes, rules, rate_rules)
        if columns or rates:
            groups.append(Group(domain, columns, rates))
    return tuple(groups)


def _specials(
    version: SchemeVersion, rules: list[ClassIndicator], rate_rules: list[ClassIndicator]
) -> tuple[Group, ...]:
    out = []
    for item in version.content.get("special", []):
        columns, rates = _column_groups(item["indicators"], rules, rate_rules)
        if not columns and not rates:
            continue
        key, veto = item.get("key_management_below"), item.get("veto_below")
        out.append(
            Group(
                item["code"],
                columns,
                rates,
                base=float(item["base"]),
                key_line=math.nan if key is None else float(key),
                veto_line=math.nan if veto is None else float(veto),
            )
        )
    return tuple(out)


def _open_months(units: list[OrgUnit], months: list[str]) -> np.ndarray:
    """(U, M) whether each unit was open on some day of each month (only then are figures owed)."""
    bounds = [month_bounds(m) for m in months]
    return np.array(
        [[u.is_open_during(first, last) for first, last in bounds] for u in units], dtype=bool
    ).reshape(len(units), len(months))


def _covariates(
    scheme_class: SchemeClass, units: list[OrgUnit], window: list[str]
) -> tuple[np.ndarray, np.ndarray | None]:
    """Exposure (U, T) and adjustment covariates (U, T, K) as log(value per unit of exposure)."""
    years = sorted({int(q[:4]) for q in window})
    names = list(dict.fromkeys([scheme_class.exposure, *scheme_class.covariates]))
    grid = _covariate_grid(covariate_table(names=names, years=years), units, years, names)
    of_quarter = [years.index(int(q[:4])) for q in window]
    exposure = grid[:, of_quarter, names.index(scheme_class.exposure)]
    if not scheme_class.covariates:
        return exposure, None
    raw = grid[:, of_quarter, :][:, :, [names.index(n) for n in scheme_class.covariates]]
    with np.errstate(divide="ignore", invalid="ignore"):
        per_exposure = raw / exposure[:, :, None]
        return exposure, np.log(np.where(per_exposure > 0, per_exposure, np.nan))


def _covariate_grid(
    table: dict[tuple[int, int, str], float],
    units: list[OrgUnit],
    years: list[int],
    names: list[str],
) -> np.ndarray:
    """(U, Y, K) the covariates' values by unit, year and name (NaN where none), placed at once."""
    unit_at = {u.pk: i for i, u in enumerate(units)}
    year_at = {y: i for i, y in enumerate(years)}
    name_at = {n: i for i, n in enumerate(names)}
    grid = np.full((len(units), len(years), len(names)), np.nan)
    placed = [
        (unit_at[u], year_at[y], name_at[n], v)
        for (u, y, n), v in table.items()
        if u in unit_at and y in year_at and n in name_at
    ]
    if placed:
        i, t, k, values = zip(*placed, strict=True)
        grid[list(i), list(t), list(k)] = values
    return grid


def compute(version: SchemeVersion, inputs: ClassInputs, policy: str | None = None) -> ClassResult:
    """The engine's result for one class (kind columns carry weight 0: the kinds deduct)."""
    relative = version.content["relative"]
    plain = [kind_of(r) == "count" for r in inputs.rules]
    return compute_class(
        inputs.quarter_counts,
        inputs.window_counts,
        np.nan_to_num(inputs.exposure, nan=0.0),
        inputs.covariates,
        weights=[r.deduction if p else 0.0 for r, p in zip(inputs.rules, plain, strict=True)],
        caps=[
            np.inf if r.cap is None or not p else r.cap
            for r, p in zip(inputs.rules, plain, strict=True)
        ],
        veto=[r.veto for r in inputs.rules],
        base=version.base_score,
        tier_lines=version.tiers,
        star_bands=version.star_bands,
        seed=int(relative["seed"]),
        draws=int(relative["rank_draws"]),
        smooth=bool(relative["smoothing"]),
        window=int(relative["window"]),
        unit_keys=[u.pk for u in inputs.units],
        open_months=inputs.open_months,
        history_months=inputs.history_months,
        policy=policy or completeness_policy(version),
        kinds=inputs.kinds,
        domain_groups=inputs.domain_groups,
        special_groups=inputs.special_groups,
    )
