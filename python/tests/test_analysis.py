"""Smoke tests of compare, capacity, budget and sensitivity with small trial counts, checked against the CLI."""

import json
import math
import pathlib
import subprocess

import pytest

import demine

FAST = dict(trials=200, seed=4, model="aggregate")


def test_compare_two_plans(ukraine):
    plan = ukraine.copy()
    plan.set("capacity.teams.manual.initial", 940)
    c = demine.compare([ukraine, plan], names=["today", "2x manual"], **FAST)
    assert c.plans == ["today", "2x manual"] and len(c.outcomes) == 2
    t = c.table.set_index(["output", "plan"])
    d = t.loc[("duration_years", "2x manual")]
    assert d["diff_mean"] < 0 and d["diff_ci95_low"] <= d["diff_mean"] <= d["diff_ci95_high"]
    assert 0.5 < d["prob_better"] <= 1
    assert math.isnan(t.loc[("duration_years", "today"), "prob_better"])
    again = demine.compare(c.outcomes, names=["today", "2x manual"])
    assert again.raw == c.raw
    with pytest.raises(demine.ScenarioError):
        demine.compare([ukraine], **FAST)


def test_capacity_matches_the_cli(cli, ukraine):
    a = demine.capacity(ukraine, finish_by=2045, confidence=0.8, **FAST)
    expected = json.loads(subprocess.run(
        [cli, "capacity", "ukraine", "--finish-by", "2045", "--trials", "200", "--seed", "4", "--model", "aggregate",
         "--format", "json"], check=True, capture_output=True, text=True).stdout)
    assert a.factor == expected["factor"] and a.probability >= 0.8
    assert list(a.evaluations.columns) == ["factor", "probability"] and "manual" in set(a.teams["pool"])
    with pytest.raises(demine.ScenarioError):
        demine.capacity(ukraine, finish_by=2045, confidence=1.5, **FAST)


def test_budget_both_modes(ukraine):
    b = demine.budget(ukraine, finish_by=2045, confidence=0.8, **FAST)
    assert isinstance(b, demine.BudgetAnswer) and b.budget_per_year > 0 and b.probability >= 0.8
    assert b.currency == "USD" and b.programme_cost["unit"] == "USD" and b.programme_cost["p50"] > 0
    assert list(b.teams.columns) == ["year", "pool", "teams"]
    r = demine.budget(ukraine, per_year=b.budget_per_year, **FAST)
    assert isinstance(r, demine.ReleaseAnswer) and r.release_year["p50"] <= 2045 + 1
    assert 0 <= r.finished_share <= 1
    with pytest.raises(demine.ScenarioError):
        demine.budget(ukraine, **FAST)


def test_sensitivity_tornado_and_sobol(ukraine):
    s = demine.sensitivity(ukraine, outputs=["total_cost"], sobol_n=64, **FAST)
    assert s.outcome.trials == 200 and s.outcome.sampler == "latin_hypercube"
    assert set(s.tornado["output"]) == {"total_cost"}
    assert set(s.tornado.columns) == {"output", "input", "label", "spearman", "src", "contribution"}
    top = s.sobol.sort_values("total", ascending=False).iloc[0]
    assert top["first_ci95_low"] <= top["first_ci95_high"] and 0 < top["total"] <= 1.5
    with pytest.raises(demine.UnknownNameError):
        demine.sensitivity(ukraine, outputs=["no_such_output"], sobol_n=0, **FAST)


def test_update_matches_the_cli(cli, tmp_path):
    field = str(pathlib.Path(__file__).resolve().parents[2] / "data" / "field" / "ukraine-2024.csv")
    u = demine.update("ukraine-2024", field, draws=2000, seed=3)
    out = tmp_path / "post.toml"
    printed = subprocess.run(
        [cli, "update", "ukraine-2024", "--observed", field, "-o", str(out), "--draws", "2000",
         "--seed", "3"], check=True, capture_output=True, text=True).stdout
    # The same posterior as the command line's, and it records what it was updated with.
    assert u.posterior.to_toml() == out.read_text()
    assert "[update]" in out.read_text() and "ukraine-2024.csv" in out.read_text()
    assert f"effective sample size {u.ess:,.0f} of 2,000" in printed
    t = u.table.set_index("input")
    assert "land_release.cancelled_fraction" in t.index
    for side in ("prior", "posterior"):
        assert (t[f"{side}_p5"] <= t[f"{side}_p50"]).all() and (t[f"{side}_p50"] <= t[f"{side}_p95"]).all()
    assert len(u.observations) >= 1 and all("line" in r and "reason" in r for r in u.unused)
    o = demine.run(u.posterior, trials=100, seed=1, model="aggregate")
    assert o.trials == 100 and "total_cost" in o.outputs
    with pytest.raises(demine.ScenarioError):
        demine.update("ukraine-2024", field, draws=10)
