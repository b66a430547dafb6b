"""Scenarios: loading, TOML values, set() and its errors, copies, pickling."""

import math
import pickle

import numpy as np
import pytest

import demine
from demine import ScenarioError, UnknownNameError, toml_value


def test_toml_values_are_written_as_a_scenario_file_would():
    assert toml_value(940) == "940"
    assert toml_value(np.int64(3)) == "3"
    assert toml_value(True) == "true" and toml_value(np.bool_(False)) == "false"
    assert toml_value(0.7) == "0.7" and toml_value(1e300) == "1e+300"
    assert toml_value(math.nan) == "nan" and toml_value(-math.inf) == "-inf"
    assert toml_value('say "hi"\n') == '"say \\"hi\\"\\n"'
    assert toml_value({"dist": "pert", "min": 0.5, "mode": 0.7, "max": 0.9}) == (
        '{dist = "pert", min = 0.5, mode = 0.7, max = 0.9}'
    )
    assert toml_value({"a b": [1, 2.5, "x"]}) == '{"a b" = [1, 2.5, "x"]}'
    with pytest.raises(TypeError):
        toml_value(None)
    with pytest.raises(TypeError):
        toml_value({1: 2})


def test_load_by_name_path_and_text(ukraine, tmp_path):
    assert ukraine.name == "ukraine"
    text = ukraine.to_toml()
    assert demine.load(text) == ukraine
    assert demine.Scenario.from_toml(text) == ukraine
    path = tmp_path / "mine.toml"
    path.write_text(text)
    assert demine.load(path) == ukraine and demine.load(str(path)) == ukraine
    paths = [i.path for i in ukraine.inputs()]
    assert "land_release.cancelled_fraction" in paths and len(paths) == len(set(paths))
    assert all(i.label and i.distribution for i in ukraine.inputs())
    assert {n for n, _ in demine.bundled()} >= {"ukraine", "ukraine-2024", "eastern-flank"}


def test_unknown_names_and_broken_files_raise_typed_errors():
    with pytest.raises(UnknownNameError) as e:
        demine.load("atlantis")
    assert e.value.name == "atlantis" and "ukraine" in e.value.known and "atlantis" in str(e.value)
    with pytest.raises(ScenarioError) as e:
        demine.load("name = 'x'\n[[[")
    assert e.value.problems and e.value.problems[0].field.startswith("line 2")
    assert isinstance(e.value, ValueError) and isinstance(e.value, demine.DemineError)


def test_set_changes_results_and_leaves_copies_alone(ukraine):
    teams = ukraine.copy()
    teams.set("capacity.teams.manual.initial", 940)
    nts = ukraine.copy()  # today PERT(0.6, 0.8, 0.95): survey cancels less
    nts.set("land_release.cancelled_fraction", {"dist": "pert", "min": 0.5, "mode": 0.7, "max": 0.9})
    assert teams != ukraine and nts != ukraine and teams != nts
    assert "initial = 940" in teams.to_toml() and "initial = 940" not in ukraine.to_toml()
    assert demine.Scenario.from_toml(nts.to_toml()) == nts
    dist = {i.path: i.distribution for i in nts.inputs()}["land_release.cancelled_fraction"]
    assert dist == "PERT(0.5, 0.7, 0.9)", dist
    base, more, less = (demine.run(s, trials=300, seed=3, model="aggregate").summary() for s in (ukraine, teams, nts))
    assert more.loc["duration_years", "p50"] < base.loc["duration_years", "p50"]
    assert more.loc["cleared_area_km2", "p50"] == base.loc["cleared_area_km2", "p50"]  # same work, more teams
    assert less.loc["cleared_area_km2", "p50"] > base.loc["cleared_area_km2", "p50"]


def test_set_of_an_unknown_path_names_the_path(ukraine):
    plan = ukraine.copy()
    with pytest.raises(UnknownNameError) as e:
        plan.set("capacity.teams.no_such_pool.initial", 1)
    assert (e.value.field, e.value.name) == ("capacity.teams", "no_such_pool")
    assert "capacity.teams" in str(e.value) and "no_such_pool" in str(e.value) and "manual" in e.value.known
    with pytest.raises(demine.DemineError) as e:
        plan.set("regions[999].name", "x")
    assert "regions" in str(e.value)
    assert plan == ukraine


def test_set_of_a_bad_value_lists_the_problem_with_its_field(ukraine):
    plan = ukraine.copy()
    with pytest.raises(ScenarioError) as e:
        plan.set("land_release.cancelled_fraction", {"dist": "pert", "min": 0.5, "mode": 0.7, "max": 1.5})
    fields = [p.field for p in e.value.problems]
    assert any(f.startswith("land_release.cancelled_fraction") for f in fields), fields
    assert all(p.rule for p in e.value.problems)
    with pytest.raises(ScenarioError) as e:
        plan.set("capacity.teams.manual.initial", -5)
    assert any("capacity.teams.manual.initial" in p.field for p in e.value.problems)
    assert plan == ukraine  # a refused edit changes nothing
    with pytest.raises(TypeError):
        plan.set("capacity.teams.manual.initial", None)


def test_scenarios_and_errors_pickle(ukraine):
    plan = ukraine.copy()
    plan.set("capacity.teams.manual.initial", 940)
    assert pickle.loads(pickle.dumps(plan)) == plan
    err = pickle.loads(pickle.dumps(ScenarioError("m", [("a.b", "2", "must be <= 1")])))
    assert err.problems[0].field == "a.b" and str(err.problems[0]) == "a.b: 2 is invalid: must be <= 1"
