"""Bytes that are not an outcome demine wrote raise the documented error, never a panic."""

import random

import pytest

import demine


def test_tampered_outcome_bytes_raise_an_exception_not_a_panic(ukraine):
    o = demine.run(ukraine.copy(), trials=20, seed=1)
    raw = o.to_bytes()
    rng = random.Random(7)
    positions = list(range(min(len(raw), 160))) + rng.sample(range(len(raw)), min(len(raw), 300))
    raised = 0
    for i in positions:
        for v in (0x00, 0x7F, 0xFF):
            b = raw[:i] + bytes([v]) + raw[i + 1 :]
            try:
                x = demine.Outcome.from_bytes(b)
                x.summary()
                x.series("area_released_km2")
            except demine.DemineError:
                raised += 1
            except BaseException as e:  # a PanicException is a BaseException: it must not reach here
                if not isinstance(e, Exception):
                    pytest.fail(f"byte {i} = {v:#x}: {type(e).__name__}: {str(e)[:200]}")
    assert raised > 0


def test_truncated_bytes_are_named():
    o = demine.run(demine.load("ukraine-2024"), trials=5, seed=1, model="aggregate")
    with pytest.raises(demine.DemineError, match="not an outcome pickled by this version of demine"):
        demine.Outcome.from_bytes(o.to_bytes()[:-3])


def test_wrong_arguments_name_themselves(ukraine):
    with pytest.raises(ValueError, match="^trials: "):
        demine.run(ukraine, trials=10**30)
    with pytest.raises(ValueError, match="^seed: "):
        demine.run(ukraine, trials=10, seed=2**64)
    o = demine.run(ukraine.copy(), trials=10, seed=1, model="aggregate")
    with pytest.raises(TypeError, match=r"parts\[1\]: str is not an Outcome"):
        demine.Outcome.merge([o, "x"])


def test_a_value_that_contains_itself_is_a_value_error(ukraine):
    s = ukraine.copy()
    a = [1.0]
    a.append(a)
    with pytest.raises(ValueError, match="contains itself"):
        s.set("capacity.teams.manual.initial", a)
    assert s == ukraine, "a refused edit leaves the scenario unchanged"


def test_editing_a_scenario_while_it_runs_is_a_clear_error():
    import threading

    s = demine.load("ukraine")
    started = threading.Event()
    errors = []

    def progress(stage, done, total):
        started.set()

    t = threading.Thread(target=lambda: demine.run(s, trials=3_000, seed=1, threads=1, progress=progress))
    t.start()
    try:
        assert started.wait(60), "the run reported no progress"
        try:
            s.set("capacity.teams.manual.initial", 900)
        except RuntimeError as e:
            errors.append(str(e))
    finally:
        t.join()
    assert errors and "in use by a computation in another thread" in errors[0], errors
