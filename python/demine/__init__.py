"""demine: Monte Carlo estimates of landmine contamination, land-release time and cost, with honest uncertainty.

The Python face of the demine library (Rust). Results are bit-identical to the
``demine`` command line for the same scenario, seed and trials.

Quick start::

    import demine
    ukraine = demine.load("ukraine")
    outcome = demine.run(ukraine, trials=1000, seed=1)
    print(outcome.summary())              # one row per output: mean, sd, p5 ... p95, CIs, unit

    plan = ukraine.copy()
    plan.set("capacity.teams.manual.initial", 940)
    plan.set("land_release.cancelled_fraction", {"dist": "pert", "min": 0.5, "mode": 0.7, "max": 0.9})
    print(demine.compare([ukraine, plan], trials=1000).table)

Split a run by trial range, anywhere, and merge the parts exactly::

    parts = [demine.run(ukraine, trials=range(a, a + 500)) for a in (0, 500)]
    whole = demine.Outcome.merge(parts)   # == demine.run(ukraine, trials=1000)

Tables are pandas DataFrames when pandas is installed, dicts of NumPy arrays otherwise.
"""

from __future__ import annotations

from typing import List, Tuple

from . import _demine
from ._analysis import (
    BudgetAnswer,
    CapacityAnswer,
    Comparison,
    ReleaseAnswer,
    Sensitivity,
    Update,
    budget,
    capacity,
    compare,
    sensitivity,
    update,
)
from ._errors import DemineError, InfeasibleError, Problem, ScenarioError, UnknownNameError
from ._outcome import SERIES, Outcome, run
from ._scenario import Input, Scenario, load, toml_value

__version__: str = _demine.__version__


def bundled() -> List[Tuple[str, str]]:
    """The bundled scenarios: ``(name, one-line summary)``, as ``demine scenarios`` lists them."""
    return list(_demine.bundled())


__all__ = [
    "BudgetAnswer",
    "CapacityAnswer",
    "Comparison",
    "DemineError",
    "InfeasibleError",
    "Input",
    "Outcome",
    "Problem",
    "ReleaseAnswer",
    "SERIES",
    "Scenario",
    "ScenarioError",
    "Sensitivity",
    "UnknownNameError",
    "Update",
    "budget",
    "bundled",
    "capacity",
    "compare",
    "load",
    "run",
    "sensitivity",
    "toml_value",
    "update",
]
