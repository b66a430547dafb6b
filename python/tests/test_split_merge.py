"""Runs split by trial range merge into exactly the single run; outcomes pickle and cross processes."""

import multiprocessing
import pickle
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest

import demine

SEED = 11


def _equal_outcomes(a, b):
    assert (a.trials, a.first_trial, a.seed, a.sampler) == (b.trials, b.first_trial, b.seed, b.sampler)
    sa, sb = a.samples(), b.samples()
    assert list(sa.columns) == list(sb.columns)
    for c in sa.columns:
        np.testing.assert_array_equal(sa[c].to_numpy(), sb[c].to_numpy(), err_msg=c)
    assert a.summary(all_intervals=True).equals(b.summary(all_intervals=True))
    assert a.regions().equals(b.regions())
    for s in demine.SERIES:
        assert a.series(s).equals(b.series(s)), s
    assert a.to_json() == b.to_json()


def test_ranges_merge_into_the_single_run(ukraine):
    whole = demine.run(ukraine, trials=1000, seed=SEED)
    first = demine.run(ukraine, trials=range(0, 500), seed=SEED)
    second = demine.run(ukraine, trials=range(500, 1000), seed=SEED)
    assert second.first_trial == 500 and second.trial_range == range(500, 1000)
    assert second.samples()["trial"].iloc[0] == 500
    np.testing.assert_array_equal(second.values("total_cost"), whole.values("total_cost")[500:])
    _equal_outcomes(demine.Outcome.merge([first, second]), whole)
    _equal_outcomes(demine.Outcome.merge([second, first]), whole)


def test_sobol_ranges_merge_too(ukraine):
    whole = demine.run(ukraine, trials=512, seed=SEED, sampler="sobol", model="aggregate")
    parts = [demine.run(ukraine, trials=range(a, a + 128), seed=SEED, sampler="sobol", model="aggregate")
             for a in (0, 128, 256, 384)]
    _equal_outcomes(demine.Outcome.merge(parts), whole)


def test_merge_refuses_gaps_and_foreign_parts(ukraine):
    a = demine.run(ukraine, trials=range(0, 100), seed=SEED, model="aggregate")
    c = demine.run(ukraine, trials=range(200, 300), seed=SEED, model="aggregate")
    with pytest.raises(demine.DemineError):
        demine.Outcome.merge([a, c])
    other_seed = demine.run(ukraine, trials=range(100, 200), seed=SEED + 1, model="aggregate")
    with pytest.raises(demine.DemineError):
        demine.Outcome.merge([a, other_seed])


def test_latin_hypercube_ranges_after_zero_are_refused(ukraine):
    with pytest.raises(demine.DemineError):
        demine.run(ukraine, trials=range(100, 200), sampler="lhs", model="aggregate")


def test_bad_trial_arguments():
    s = demine.load("ukraine-2024")
    for bad in (range(0, 10, 2), range(5, 5), 0, -3):
        with pytest.raises(ValueError):
            demine.run(s, trials=bad)
    with pytest.raises(TypeError):
        demine.run(s, trials=1.5)


def test_outcomes_pickle_exactly(ukraine):
    o = demine.run(ukraine, trials=range(200, 500), seed=SEED)
    back = pickle.loads(pickle.dumps(o))
    _equal_outcomes(back, o)
    assert len(o.to_bytes()) < 2 * o.samples().memory_usage(deep=False).sum() + 10_000_000


def _part(args):
    scenario, start, stop = args
    return demine.run(scenario, trials=range(start, stop), seed=SEED, model="aggregate")


def test_parts_run_in_other_processes_merge_exactly(ukraine):
    plan = ukraine.copy()
    plan.set("capacity.teams.manual.initial", 940)
    whole = demine.run(plan, trials=900, seed=SEED, model="aggregate")
    ranges = [(plan, a, a + 300) for a in (0, 300, 600)]
    # spawn, not fork: a forked child would inherit a busy thread pool without its threads.
    with ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("spawn")) as pool:
        parts = list(pool.map(_part, ranges))
    _equal_outcomes(demine.Outcome.merge(parts), whole)
