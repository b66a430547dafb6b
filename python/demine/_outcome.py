"""Outcomes of runs: summaries, per-trial samples, yearly fan charts; runs split by trial range and merged."""

from __future__ import annotations

import json
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple, Union

import numpy as np

from . import _demine
from ._scenario import Scenario, load
from ._tables import frame

_LABELS = ("p5", "p10", "p25", "p50", "p75", "p80", "p90", "p95")


class Outcome:
    """The result of a run: every trial's inputs and outputs, their summaries and yearly series.

    Tables are pandas DataFrames when pandas is installed, dicts of NumPy
    arrays otherwise. Outcomes pickle (compactly, as binary), so runs of trial
    ranges can be sent between processes and joined with :meth:`merge`.
    """

    __slots__ = ("_native",)

    def __init__(self, native: "_demine.Outcome") -> None:
        """Wraps a native outcome; use :func:`demine.run` instead."""
        self._native = native

    # --- what was run -------------------------------------------------------------------------
    @property
    def trials(self) -> int:
        """Trials in this outcome."""
        return self._native.trials

    @property
    def first_trial(self) -> int:
        """The index of its first trial (0 unless it covers a later range)."""
        return self._native.first_trial

    @property
    def trial_range(self) -> range:
        """The trials it covers, ``range(first_trial, first_trial + trials)``."""
        return range(self.first_trial, self.first_trial + self.trials)

    @property
    def seed(self) -> int:
        """The master seed."""
        return self._native.seed

    @property
    def sampler(self) -> str:
        """The sampler: ``monte_carlo``, ``latin_hypercube`` or ``sobol``."""
        return self._native.sampler

    @property
    def model(self) -> str:
        """The model level: ``aggregate`` or ``sites``."""
        return self._native.model

    @property
    def scenario(self) -> str:
        """The scenario's name."""
        return self._native.scenario_name

    @property
    def currency(self) -> str:
        """The currency of costs."""
        return self._native.currency

    @property
    def start_year(self) -> int:
        """The first year of work."""
        return self._native.start_year

    @property
    def horizon_years(self) -> int:
        """Years the schedule simulates (0 without capacity)."""
        return self._native.horizon_years

    @property
    def failed_trials(self) -> int:
        """Trials whose outputs were not finite (NaN in ``values``, left out of summaries)."""
        return self._native.failed_trials

    @property
    def outputs(self) -> List[str]:
        """The national outputs' names, in report order."""
        return [n for n, _, r in self._native.outputs() if r is None]

    @property
    def units(self) -> Dict[str, str]:
        """Each national output's unit."""
        return {n: u for n, u, r in self._native.outputs() if r is None}

    @property
    def region_names(self) -> List[str]:
        """The regions' names."""
        return self._native.region_names()

    @property
    def input_names(self) -> List[str]:
        """The uncertain inputs' paths, in the scenario's order."""
        return [p for p, _ in self._native.inputs()]

    # --- tables -------------------------------------------------------------------------------
    def summary(self, all_intervals: bool = False) -> Any:
        """One row per national output (index ``output``).

        Columns: ``mean, sd, p5, p10, p25, p50, p75, p80, p90, p95``, the 95 %
        confidence intervals of the mean (Student's t) and of P50 (exact
        order-statistic interval) as ``mean_ci95_low/high`` and
        ``p50_ci95_low/high``, then ``se, min, max, n`` (trials summarised,
        failed ones left out) and ``unit``. With ``all_intervals=True`` every
        percentile's interval too (``p5_ci95_low`` …). An interval that too few
        trials allow is NaN. Percentiles are type 7 (numpy's default).
        """
        rows = [r for r in self._native.summaries() if r[1] is None]
        return frame(_summary_columns(rows, all_intervals), index="output")

    def regions(self, all_intervals: bool = False) -> Any:
        """Every regional output's summary, one row per (region, output): the
        columns of :meth:`summary` with ``region`` and ``output`` as columns."""
        rows = [r for r in self._native.summaries() if r[1] is not None]
        cols = _summary_columns(rows, all_intervals)
        cols = {"region": [r[1] for r in rows], **cols}
        return frame(cols)

    def samples(self) -> Any:
        """Every trial's inputs and outputs, one row per trial, as ``demine run --samples`` writes them.

        Columns: ``trial`` (the trial's index), one per uncertain input (its
        path; ``input.`` in front where an output has the same name), one per
        national output, then one per regional output (``Region: name``).
        Built from NumPy arrays handed over whole (no value is converted one by one).
        """
        o = self._native
        national = [(n, r) for n, _, r in o.outputs() if r is None]
        regional = [(n, r) for n, _, r in o.outputs() if r is not None]
        names = {n for n, _ in national}
        cols: Dict[str, Any] = {"trial": np.arange(self.first_trial, self.first_trial + self.trials, dtype=np.int64)}
        for i, (path, _) in enumerate(o.inputs()):
            cols[f"input.{path}" if path in names else path] = o.input_values(i)
        for n, _ in national:
            cols[n] = o.values(n)
        for n, r in regional:
            cols[f"{r}: {n}"] = o.values(n, r)
        return frame(cols)

    def values(self, name: str, region: Optional[str] = None) -> np.ndarray:
        """Per-trial values of an output (national, or of ``region``) as a NumPy array; NaN marks a failed trial.

        Raises:
            UnknownNameError: no such output (the message lists the known ones).
        """
        return self._native.values(name, region)

    def input_values(self, path: str) -> np.ndarray:
        """Per-trial values of an uncertain input, by path.

        Raises:
            UnknownNameError: no such uncertain input.
        """
        paths = self.input_names
        if path not in paths:
            from ._errors import UnknownNameError

            raise UnknownNameError(
                f"input: '{path}' is unknown; known: {', '.join(paths)}", "input", path, paths
            )
        return self._native.input_values(paths.index(path))

    def series(self, name: str = "area_released_km2") -> Any:
        """A yearly series' fan chart: one row per year of the horizon, columns ``year, p10, p50, p90``.

        ``name`` is one of :data:`SERIES` (``area_released_km2``, ``spending``,
        ``hazardous_area_remaining_km2``, ``casualties`` …). Empty without a
        site-level schedule.

        Raises:
            UnknownNameError: an unknown series.
        """
        years, p10, p50, p90 = self._native.fan_chart(name)
        return frame({"year": np.asarray(years, dtype=np.int64), "p10": p10, "p50": p50, "p90": p90})

    def series_samples(self) -> Any:
        """Every trial's yearly series in long format, as ``demine run --series`` writes it:
        columns ``trial, year`` and one per series (float32). Empty without a site-level schedule."""
        trial, year, named = self._native.series_samples()
        return frame({"trial": trial, "year": year, **dict(named)})

    def quantile(self, name: str, p: float) -> float:
        """Any quantile (type 7) of a national output, failed trials left out."""
        return self._native.quantile(name, p)

    def probability_at_most(self, name: str, threshold: float) -> float:
        """The share of trials in which a national output is at most ``threshold`` (e.g. within a budget)."""
        return self._native.probability_at_most(name, threshold)

    def to_json(self) -> Dict[str, Any]:
        """The run as ``demine run --format json`` prints it (schema ``demine/3``), parsed."""
        return json.loads(self._native.to_json())

    # --- splitting and merging ----------------------------------------------------------------
    @staticmethod
    def merge(parts: Iterable["Outcome"]) -> "Outcome":
        """Joins outcomes of consecutive trial ranges of one scenario, seed and sampler.

        The result is bit-identical to one run of all their trials:
        ``merge([run(s, trials=range(0, 500)), run(s, trials=range(500, 1000))])``
        equals ``run(s, trials=1000)``. Parts may come in any order.

        Raises:
            ScenarioError: parts of different scenarios, seeds or samplers, or
                ranges with a gap or an overlap.
        """
        parts = list(parts)
        for i, p in enumerate(parts):
            if not isinstance(p, Outcome):
                raise TypeError(f"parts[{i}]: {type(p).__name__} is not an Outcome (merge joins outcomes of demine.run)")
        natives = sorted((p._native for p in parts), key=lambda n: n.first_trial)
        return Outcome(_demine.Outcome.merge(natives))

    def to_bytes(self) -> bytes:
        """The outcome as compact bytes (what pickling stores); :meth:`from_bytes` reads them back."""
        return self._native.to_bytes()

    @staticmethod
    def from_bytes(data: bytes) -> "Outcome":
        """An outcome from :meth:`to_bytes`' bytes."""
        return Outcome(_demine.Outcome.from_bytes(data))

    def __reduce__(self) -> Any:
        return (_outcome_from_bytes, (self.to_bytes(),))

    def __repr__(self) -> str:
        r = self.trial_range
        return (
            f"<demine.Outcome {self.scenario!r}: trials {r.start}..{r.stop}, seed {self.seed}, "
            f"{self.sampler}, {self.model}>"
        )


def _outcome_from_bytes(data: bytes) -> Outcome:
    """Unpickles an outcome."""
    return Outcome.from_bytes(data)


SERIES: Tuple[str, ...] = tuple(_demine.Outcome.series_names())
"""The yearly series :meth:`Outcome.series` knows."""


def _summary_columns(rows: Sequence[Any], all_intervals: bool) -> Dict[str, Any]:
    """Columns of a summary table from the native summary rows."""
    cols: Dict[str, Any] = {"output": [r[0] for r in rows]}
    cols["mean"] = np.array([r[4] for r in rows], dtype=float)
    cols["sd"] = np.array([r[5] for r in rows], dtype=float)
    for k, label in enumerate(_LABELS):
        cols[label] = np.array([r[9][k] for r in rows], dtype=float)
    cols["mean_ci95_low"] = np.array([r[10][0] for r in rows], dtype=float)
    cols["mean_ci95_high"] = np.array([r[10][1] for r in rows], dtype=float)
    for k, label in enumerate(_LABELS):
        if all_intervals or label == "p50":
            cols[f"{label}_ci95_low"] = np.array([r[11][k][0] for r in rows], dtype=float)
            cols[f"{label}_ci95_high"] = np.array([r[11][k][1] for r in rows], dtype=float)
    cols["se"] = np.array([r[6] for r in rows], dtype=float)
    cols["min"] = np.array([r[7] for r in rows], dtype=float)
    cols["max"] = np.array([r[8] for r in rows], dtype=float)
    cols["n"] = np.array([r[3] for r in rows], dtype=np.int64)
    cols["unit"] = np.array([r[2] for r in rows], dtype=object)
    return cols


_U64_MAX = 2**64 - 1


def _config(
    trials: Union[int, range], seed: int, sampler: Optional[str], threads: Optional[int], model: Optional[str]
) -> Tuple[int, int, int, Optional[str], Optional[int], Optional[str]]:
    """The native config tuple ``(trials, first_trial, seed, sampler, threads, model)``."""
    if isinstance(trials, range):
        if trials.step != 1:
            raise ValueError(f"trials: {trials} is invalid: a trial range must have step 1")
        if trials.start < 0 or trials.stop <= trials.start:
            raise ValueError(f"trials: {trials} is invalid: a trial range must be non-empty and start at 0 or later")
        count, first = trials.stop - trials.start, trials.start
    elif isinstance(trials, (int, np.integer)) and not isinstance(trials, bool):
        if trials < 1:
            raise ValueError(f"trials: {trials} is invalid: must be >= 1")
        count, first = int(trials), 0
    else:
        raise TypeError(f"trials must be an int or a range, not {type(trials).__name__}")
    if count > _U64_MAX or first > _U64_MAX - count:
        raise ValueError(f"trials: {trials!r} is invalid: the last trial's number must fit in 64 bits (below 2**64)")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed: {seed!r} is invalid: must be an integer >= 0")
    if seed > _U64_MAX:
        raise ValueError(f"seed: {seed!r} is invalid: must be below 2**64")
    if threads is not None and (isinstance(threads, bool) or not isinstance(threads, int) or threads < 1):
        raise ValueError(f"threads: {threads!r} is invalid: must be an integer >= 1 (or None for every core)")
    return (count, first, int(seed), sampler, threads, model)


def _scenario(s: Union[Scenario, str]) -> Scenario:
    if isinstance(s, Scenario):
        return s
    if isinstance(s, str):
        return load(s)
    raise TypeError(f"expected a demine.Scenario or a scenario name, path or TOML text, not {type(s).__name__}")


def run(
    scenario: Union[Scenario, str],
    trials: Union[int, range] = 10_000,
    seed: int = 42,
    sampler: Optional[str] = None,
    threads: Optional[int] = None,
    model: Optional[str] = None,
    progress: Optional[Callable[[str, int, int], Any]] = None,
) -> Outcome:
    """Runs a scenario and returns its :class:`Outcome`.

    Args:
        scenario: a :class:`Scenario` (or a name, path or TOML text to :func:`load`).
        trials: how many trials (``10_000``), or a range of trials ``range(a, b)``
            (step 1): trial ``t``'s random numbers depend only on the seed and
            ``t``, so ranges run anywhere merge exactly (:meth:`Outcome.merge`).
            Monte Carlo and Sobol only: a Latin hypercube design is refused for
            a range that does not start at 0.
        seed: master seed; the same scenario, seed and trials give bit-identical
            results on any number of threads, and the same as ``demine run``.
        sampler: ``"mc"``, ``"lhs"`` or ``"sobol"`` (default: the scenario's).
        threads: worker threads (default: every core). The GIL is released while it runs.
        model: ``"aggregate"`` or ``"sites"`` (default: sites when the scenario has them).
        progress: called as ``progress(stage, done, total)`` about 20 times a second
            while trials finish (``done`` of ``total`` trials of the current stage);
            an exception it raises stops the run and is raised here.

    Ctrl-C stops the run within about a second with ``KeyboardInterrupt`` (the
    work stops between batches of trials; nothing partial is returned).

    Raises:
        ScenarioError: an invalid setting (``problems`` name it).
        UnknownNameError: an unknown sampler or model.
    """
    s = _scenario(scenario)
    return Outcome(_demine.run(s._native, _config(trials, seed, sampler, threads, model), progress))
