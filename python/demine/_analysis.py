"""Analyses: plans compared on common random numbers, the capacity or budget a
deadline needs, and which inputs drive the spread (tornado and Sobol indices).

Each returns a small result object with tables (pandas DataFrames, or dicts of
NumPy arrays without pandas) and ``raw``: the command line's JSON (schema
``demine/3``, ``docs/SCHEMA.md``), parsed.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Sequence, Union

from . import _demine
from ._outcome import Outcome, _config, _scenario
from ._scenario import Scenario
from ._tables import frame, interval, number, summary_dict


@dataclass
class Comparison:
    """Plans compared with the first (the baseline) on common random numbers.

    ``table`` has one row per (output, plan): the plan's ``mean, p10, p50,
    p90`` and, against the baseline, the paired difference ``diff_mean`` with
    its 95 % interval, ``diff_p50`` and ``prob_better`` (the share of trials in
    which the plan does better; NaN on the baseline's rows).
    """

    plans: List[str]
    trials: int
    seed: int
    table: Any
    cost_of_delay: List[Dict[str, Any]]
    outcomes: List[Outcome]
    raw: Dict[str, Any] = field(repr=False)


@dataclass
class CapacityAnswer:
    """The smallest factor on today's clearance teams that releases all land by
    the end of ``finish_by`` with probability ``confidence`` or more."""

    factor: float
    probability: float
    finish_by: int
    confidence: float
    evaluations: Any
    """Every factor tried: columns ``factor, probability``."""
    teams: Any
    """Per clearance pool: ``pool, initial, ceiling`` today and ``initial_needed, ceiling_needed``."""
    raw: Dict[str, Any] = field(repr=False)


@dataclass
class BudgetAnswer:
    """The smallest constant yearly budget that releases all land by the end of
    ``finish_by`` with probability ``confidence`` or more."""

    budget_per_year: float
    currency: str
    probability: float
    finish_by: int
    confidence: float
    evaluations: Any
    """Every budget tried: columns ``budget_per_year, probability``."""
    teams: Any
    """Teams the budget buys: columns ``year, pool, teams``."""
    programme_cost: Dict[str, Any]
    """Summary of the programme's cost at that budget (mean, p5 … p95, intervals, unit)."""
    raw: Dict[str, Any] = field(repr=False)


@dataclass
class ReleaseAnswer:
    """What a constant yearly budget gives: the release year and the programme's cost."""

    budget_per_year: float
    currency: str
    release_year: Dict[str, Any]
    """Summary of the year all land is released (mean, p5 … p95, intervals)."""
    finished_share: float
    """Share of trials that release all land within the horizon."""
    horizon_end_year: int
    programme_cost: Dict[str, Any]
    teams: Any
    """Teams the budget buys: columns ``year, pool, teams``."""
    raw: Dict[str, Any] = field(repr=False)


@dataclass
class Sensitivity:
    """Which inputs drive each output's spread.

    ``tornado``: one row per (output, input): Spearman rank correlation,
    standardised regression coefficient and contribution to variance.
    ``sobol``: one row per (output, input): first-order and total Sobol indices
    with 95 % intervals (empty when ``sobol_n=0``). ``outcome`` is the main run.
    """

    outcome: Outcome
    tornado: Any
    sobol: Any
    notes: List[str]
    raw: Dict[str, Any] = field(repr=False)


@dataclass
class Update:
    """A scenario's uncertain inputs conditioned on field results (as ``demine update``).

    ``posterior`` is an ordinary scenario that records what it was updated with (run it, write it
    with ``to_toml``). ``table`` has one row per updated input: ``input``, the prior's and the
    posterior's ``p5, p50, p95``. ``ess`` is the effective sample size of the importance weights
    over ``draws`` prior draws; ``moved`` says they degenerated and the draws were resampled and
    moved by Metropolis steps.
    """

    posterior: Scenario
    table: Any
    ess: float
    draws: int
    moved: bool
    observations: List[str]
    unused: List[Dict[str, Any]]
    raw: Dict[str, Any] = field(repr=False)


def update(
    scenario: Union[Scenario, str],
    observed: Union[str, "os.PathLike[str]"],
    draws: int = 20_000,
    seed: int = 42,
) -> Update:
    """Conditions ``scenario``'s uncertain inputs on the field results in the CSV file ``observed``
    (``data/README.md``, ``field/``), as ``demine update SCENARIO --observed FILE`` does.

    Raises:
        ScenarioError: a bad row (named by line and column) or a bad ``draws``.
        InfeasibleError: no row the scenario can use.
    """
    s = _scenario(scenario)
    text, native = _demine.update(s._native, os.fspath(observed), int(draws), int(seed))
    raw = json.loads(text)
    cols: Dict[str, List[Any]] = {k: [] for k in ("input", "prior_p5", "prior_p50", "prior_p95", "posterior_p5", "posterior_p50", "posterior_p95")}
    for i in raw["inputs"]:
        cols["input"].append(i["input"])
        for side in ("prior", "posterior"):
            for k, v in zip(("p5", "p50", "p95"), i[side]):
                cols[f"{side}_{k}"].append(number(v))
    return Update(
        posterior=Scenario(native),
        table=frame(cols),
        ess=float(raw["ess"]),
        draws=int(raw["draws"]),
        moved=bool(raw["moved"]),
        observations=[o["description"] for o in raw["observations"]],
        unused=list(raw["unused"]),
        raw=raw,
    )


def _names(plans: Sequence[Union[Scenario, Outcome]], names: Optional[Sequence[str]]) -> List[str]:
    if names is not None:
        if len(names) != len(plans):
            raise ValueError(f"names: {len(names)} names for {len(plans)} plans")
        return [str(n) for n in names]
    out: List[str] = []
    for p in plans:
        base = p.name if isinstance(p, Scenario) else p.scenario
        name, k = base, 2
        while name in out:
            name, k = f"{base} ({k})", k + 1
        out.append(name)
    return out


def compare(
    plans: Sequence[Union[Scenario, Outcome, str]],
    trials: int = 10_000,
    seed: int = 42,
    sampler: Optional[str] = None,
    threads: Optional[int] = None,
    model: Optional[str] = None,
    names: Optional[Sequence[str]] = None,
    progress: Optional[Callable[[str, int, int], Any]] = None,
) -> Comparison:
    """Compares two or more plans with the first, on common random numbers (as ``demine compare``).

    ``plans`` are scenarios (run here with ``trials`` and ``seed``) or outcomes
    already run with one seed and trial count. ``names`` label the plans
    (default: the scenarios' names).

    ``progress(stage, done, total)``, when given, is called about 20 times a second as the
    work moves (as :func:`run`); Ctrl-C stops it within about a second with ``KeyboardInterrupt``.

    Raises:
        ScenarioError: fewer than two plans, or outcomes whose trials do not pair.
    """
    plans = list(plans)
    if plans and all(isinstance(p, Outcome) for p in plans):
        labels = _names(plans, names)
        text = _demine.compare_outcomes([p._native for p in plans], labels)
        outcomes = list(plans)
    else:
        scenarios = [_scenario(p) for p in plans]  # type: ignore[arg-type]
        labels = _names(scenarios, names)
        config = _config(trials, seed, sampler, threads, model)
        text, natives = _demine.compare([s._native for s in scenarios], labels, config, progress)
        outcomes = [Outcome(n) for n in natives]
    raw = json.loads(text)
    return Comparison(
        plans=raw["plans"],
        trials=raw["trials"],
        seed=raw["seed"],
        table=_comparison_table(raw),
        cost_of_delay=raw.get("cost_of_delay", []),
        outcomes=outcomes,
        raw=raw,
    )


def _comparison_table(raw: Dict[str, Any]) -> Any:
    cols: Dict[str, List[Any]] = {
        k: []
        for k in (
            "output", "unit", "better", "plan", "mean", "p10", "p50", "p90",
            "diff_mean", "diff_ci95_low", "diff_ci95_high", "diff_p50", "prob_better",
        )
    }
    for out in raw["outputs"]:
        for i, (plan, s) in enumerate(zip(raw["plans"], out["plans"])):
            vs = out["versus_baseline"][i - 1] if i > 0 else None
            d = vs or {}  # the paired difference's fields, flattened beside prob_better
            lo, hi = interval(d.get("ci95")) if vs else (float("nan"), float("nan"))
            row = {
                "output": out["name"], "unit": out["unit"], "better": out["better"], "plan": plan,
                "mean": number(s.get("mean")), "p10": number(s.get("p10")), "p50": number(s.get("p50")),
                "p90": number(s.get("p90")), "diff_mean": number(d.get("mean")), "diff_ci95_low": lo,
                "diff_ci95_high": hi, "diff_p50": number(d.get("p50")),
                "prob_better": number(vs["prob_better"]) if vs else float("nan"),
            }
            for k, v in row.items():
                cols[k].append(v)
    return frame(cols)


def capacity(
    scenario: Union[Scenario, str],
    finish_by: int,
    confidence: float = 0.8,
    trials: int = 10_000,
    seed: int = 42,
    sampler: Optional[str] = None,
    threads: Optional[int] = None,
    model: Optional[str] = None,
    progress: Optional[Callable[[str, int, int], Any]] = None,
) -> CapacityAnswer:
    """The smallest scaling of today's clearance teams that releases all suspected land
    by the end of ``finish_by`` with probability at least ``confidence`` (as ``demine capacity``).

    ``progress(stage, done, total)``, when given, is called about 20 times a second as the
    work moves (as :func:`run`); Ctrl-C stops it within about a second with ``KeyboardInterrupt``.

    Raises:
        ScenarioError: a confidence outside (0, 1), a deadline before the start or
            beyond the horizon, a scenario without capacity.
        InfeasibleError: no factor up to 1,024 meets the deadline.
    """
    s = _scenario(scenario)
    config = _config(trials, seed, sampler, threads, model)
    raw = json.loads(_demine.capacity(s._native, finish_by, confidence, config, progress))
    ev = raw["evaluations"]
    teams = raw["teams"]
    return CapacityAnswer(
        factor=raw["factor"],
        probability=raw["probability"],
        finish_by=raw["finish_by"],
        confidence=raw["confidence"],
        evaluations=frame({"factor": [e["factor"] for e in ev], "probability": [e["probability"] for e in ev]}),
        teams=frame(
            {
                "pool": [t["pool"] for t in teams],
                "initial": [number(t["initial"]) for t in teams],
                "ceiling": [number(t["ceiling"]) for t in teams],
                "initial_needed": [number(t["initial"]) * raw["factor"] for t in teams],
                "ceiling_needed": [number(t["ceiling"]) * raw["factor"] for t in teams],
            }
        ),
        raw=raw,
    )


def _teams(raw_teams: List[Dict[str, Any]]) -> Any:
    rows = [(y["year"], t["pool"], number(t["teams"])) for y in raw_teams for t in y["teams"]]
    return frame({"year": [r[0] for r in rows], "pool": [r[1] for r in rows], "teams": [r[2] for r in rows]})


def budget(
    scenario: Union[Scenario, str],
    finish_by: Optional[int] = None,
    confidence: float = 0.8,
    per_year: Optional[float] = None,
    trials: int = 10_000,
    seed: int = 42,
    sampler: Optional[str] = None,
    threads: Optional[int] = None,
    model: Optional[str] = None,
    progress: Optional[Callable[[str, int, int], Any]] = None,
) -> Union[BudgetAnswer, ReleaseAnswer]:
    """The yearly budget a deadline needs, or what a yearly budget gives (as ``demine budget``).

    Give exactly one of:
      - ``finish_by``: the smallest constant real yearly budget that releases all
        land by the end of that year with probability ``confidence`` → :class:`BudgetAnswer`;
      - ``per_year``: a constant yearly budget (price year's money) → :class:`ReleaseAnswer`
        (release year and programme cost).

    ``progress(stage, done, total)``, when given, is called about 20 times a second as the
    work moves (as :func:`run`); Ctrl-C stops it within about a second with ``KeyboardInterrupt``.

    Raises:
        ScenarioError: both or neither given, a bad confidence or deadline, no capacity.
        InfeasibleError: no budget meets the deadline.
    """
    s = _scenario(scenario)
    config = _config(trials, seed, sampler, threads, model)
    text = _demine.budget(s._native, finish_by, per_year, confidence, config, progress)
    raw = json.loads(text)
    if finish_by is not None:
        ev = raw["evaluations"]
        return BudgetAnswer(
            budget_per_year=raw["budget_per_year"],
            currency=raw["currency"],
            probability=number(raw["probability"]),
            finish_by=raw["finish_by"],
            confidence=raw["confidence"],
            evaluations=frame(
                {"budget_per_year": [e["budget_per_year"] for e in ev], "probability": [e["probability"] for e in ev]}
            ),
            teams=_teams(raw["teams"]),
            programme_cost=summary_dict(raw["programme_cost"]),
            raw=raw,
        )
    return ReleaseAnswer(
        budget_per_year=raw["budget_per_year"],
        currency=raw["currency"],
        release_year=summary_dict(raw["release_year"]),
        finished_share=number(raw["finished_share"]),
        horizon_end_year=raw["horizon_end_year"],
        programme_cost=summary_dict(raw["programme_cost"]),
        teams=_teams(raw["teams"]),
        raw=raw,
    )


def sensitivity(
    scenario: Union[Scenario, str],
    outputs: Optional[Sequence[str]] = None,
    sobol_n: int = 512,
    trials: int = 10_000,
    seed: int = 42,
    sampler: Optional[str] = None,
    threads: Optional[int] = None,
    model: Optional[str] = None,
    progress: Optional[Callable[[str, int, int], Any]] = None,
) -> Sensitivity:
    """Tornado data and Sobol indices of ``outputs`` (default: total cost, duration
    and casualties where present), as ``demine sensitivity`` computes them.

    The main run (``trials``) uses Latin hypercube unless ``sampler`` says
    otherwise; the Sobol indices use a Saltelli design of ``sobol_n`` base rows
    (``sobol_n·(k + 2)`` runs for ``k`` inputs; 0 skips them).

    ``progress(stage, done, total)``, when given, is called about 20 times a second as the
    work moves (as :func:`run`); Ctrl-C stops it within about a second with ``KeyboardInterrupt``.

    Raises:
        UnknownNameError: an unknown output.
        ScenarioError: a Sobol design too small or too large for memory.
    """
    s = _scenario(scenario)
    text, native = _demine.sensitivity(
        s._native, list(outputs or []), int(sobol_n), _config(trials, seed, sampler, threads, model), progress
    )
    raw = json.loads(text)
    tor: Dict[str, List[Any]] = {k: [] for k in ("output", "input", "label", "spearman", "src", "contribution")}
    for t in raw["tornado"]:
        for b in t["bars"]:
            tor["output"].append(t["output"])
            for k in ("input", "label"):
                tor[k].append(b[k])
            for k in ("spearman", "src", "contribution"):
                tor[k].append(number(b[k]))
    sob: Dict[str, List[Any]] = {
        k: []
        for k in ("output", "input", "first", "first_ci95_low", "first_ci95_high", "total", "total_ci95_low", "total_ci95_high")
    }
    for x in raw["sobol"]:
        for i, name in enumerate(x["inputs"]):
            sob["output"].append(x["output"])
            sob["input"].append(name)
            for key in ("first", "total"):
                sob[key].append(number(x[key][i]))
                lo, hi = interval(x[f"{key}_ci"][i])
                sob[f"{key}_ci95_low"].append(lo)
                sob[f"{key}_ci95_high"].append(hi)
    notes = list(raw.get("notes", []))
    if raw.get("note"):
        notes.append(raw["note"])
    return Sensitivity(outcome=Outcome(native), tornado=frame(tor), sobol=frame(sob), notes=notes, raw=raw)
