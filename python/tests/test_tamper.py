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
