"""A large run spread over a Dask cluster: trial ranges as tasks, merged exactly.

The bundled Ukraine scenario simulates 50,000 (synthetic) hazardous sites trial by trial. Trial t's random
numbers depend only on the seed and t (Monte Carlo or Sobol sampler), so the run is cut into trial
ranges, each range is one Dask task (``client.map``) that runs ``demine.run(scenario,
trials=range(a, b), threads=1)`` on a worker and returns a pickled :class:`demine.Outcome`, and
:meth:`demine.Outcome.merge` joins the ranges into exactly the outcome one process gives. The
script checks that: the merged outcome's values of every output (NaN included), its summary table
and its bytes against one in-process run (``--verify full``, the default), or one range run again
here against its slice of the merged outcome (``--verify spot``, for runs too large to repeat).
It exits with status 1 when they differ.

By default it starts a ``LocalCluster`` of worker processes on this machine (``--workers``, one
thread each). Install Dask next to demine (``pip install ./python pandas "dask[distributed]"``,
from the repository's root), then:

    python python/examples/dask_cluster.py                     # 10,000 trials, ranges of 1,250, 2 workers
    python python/examples/dask_cluster.py --sampler sobol --trials 16384 --chunk 2048

The large study: a million trials of the 50,000-site model, 50 tasks of 20,000 trials, checked by
running the last range again here (repeating the whole run in one process would defeat the purpose):

    python python/examples/dask_cluster.py --scheduler tcp://HOST:8786 --trials 1000000 --chunk 20000 --verify spot

It costs about 1.5 ms per trial and core: on the 2-core development machine's LocalCluster (no
``--scheduler``) it took 761 s and matched. Every trial keeps its yearly series (about 5 KB), so the
merged outcome holds about 5 GB in the process that runs this script, which peaked at 8.7 GB while
the parts arrived and merged (a worker lets a range's result, about 100 MB here, go once it is sent).

On a real cluster: install the same demine wheel (and the same Dask) on every machine, then

    dask scheduler                                  # on one machine; it listens on tcp://HOST:8786
    dask worker tcp://HOST:8786 --nthreads 8        # on each machine: one task per thread (runs release the GIL)
    python python/examples/dask_cluster.py --scheduler tcp://HOST:8786 ...     # anywhere that reaches HOST

Every worker must run the same build of demine as this script. The pickled bytes of an outcome
carry no version stamp (a compact binary layout, checked only for consistency when read back), so
a part from another build may be refused ("not an outcome pickled by this version of demine") or,
if its layout happens to match, merged although another model computed it. The script therefore
compares demine's version and the SHA-256 of its compiled extension on every worker with its own
before it submits anything, and stops if one differs. A scenario file (``--scenario PATH``) is
read by each worker from its absolute path, and a CSV inventory (``[sites] inventory = ...``)
relative to it: keep them on a shared file system or at the same path on every machine. Run as a
script, its task function travels to the workers by value; to call ``run_on_cluster`` from other
code, make this file importable on the workers (install it, or ``client.upload_file`` it as
python/tests/test_dask.py does), or a worker cannot read the task and it never finishes.
"""

import argparse
import collections
import hashlib
import os
import sys
import time
from typing import Dict, Optional, Tuple, Union

import numpy as np

import demine

SEED = 2024
OUTPUTS = ("duration_years", "years_to_90pct_released", "programme_cost", "casualties_over_horizon")


def build() -> Tuple[str, str]:
    """This process's demine: its version and the SHA-256 of its compiled extension."""
    with open(demine._demine.__file__, "rb") as f:
        return demine.__version__, hashlib.sha256(f.read()).hexdigest()


def task(
    scenario: Union[str, demine.Scenario], start: int, stop: int, seed: int, sampler: Optional[str], model: Optional[str]
) -> Tuple[str, demine.Outcome]:
    """One unit of work: trials ``start..stop`` on one thread; returns (the worker's address, the outcome)."""
    try:
        from distributed import get_worker

        where = get_worker().address
    except (ImportError, ValueError):  # not on a Dask worker
        where = "local"
    return where, demine.run(scenario, trials=range(start, stop), seed=seed, sampler=sampler, threads=1, model=model)


class BuildMismatch(RuntimeError):
    """A worker runs another demine build than this process (or the cluster has no workers)."""


def check_builds(client, mine: Optional[Tuple[str, str]] = None) -> None:
    """Raises BuildMismatch unless every worker runs the demine build ``mine`` (default: this process's)."""
    mine = tuple(mine) if mine is not None else build()
    theirs = client.run(build)
    other = {w: b for w, b in theirs.items() if tuple(b) != mine}
    if not theirs or other:
        lines = "".join(f"\n  {w}: demine {b[0]}, extension {b[1][:12]}" for w, b in sorted(other.items()))
        raise BuildMismatch(
            f"workers must run this demine build (demine {mine[0]}, extension {mine[1][:12]}); "
            + (f"these differ:{lines}" if theirs else "the cluster has no workers")
        )


def run_on_cluster(
    client,
    scenario: Union[str, demine.Scenario],
    trials: int,
    chunk: int,
    seed: int = SEED,
    sampler: Optional[str] = None,
    model: Optional[str] = None,
    timeout: Optional[float] = None,
) -> Tuple[demine.Outcome, Dict[str, int]]:
    """Runs ``trials`` trials of ``scenario`` on the cluster in ranges of ``chunk`` and merges them.

    Returns the merged outcome and how many tasks each worker ran (by address). Raises
    TimeoutError when the ranges have not all come back within ``timeout`` seconds (a worker
    that cannot import this module's ``task`` never answers: run this file as a script, or
    ``client.upload_file`` it).
    """
    from distributed import as_completed

    if trials < 1 or chunk < 1:
        raise ValueError(f"trials ({trials}) and chunk ({chunk}) must be >= 1")
    check_builds(client)
    starts = list(range(0, trials, chunk))
    stops = [min(a + chunk, trials) for a in starts]
    n = len(starts)
    # pure=False: every range runs now (no result cached from an earlier call is reused).
    futures = client.map(task, [scenario] * n, starts, stops, [seed] * n, [sampler] * n, [model] * n, pure=False)
    parts, per_worker = [], collections.Counter()
    for future, (where, outcome) in as_completed(futures, with_results=True, timeout=timeout):
        parts.append(outcome)
        per_worker[where] += 1
        future.release()  # the worker may drop its copy now
    del futures
    return demine.Outcome.merge(parts), dict(per_worker)


def identical(a: demine.Outcome, b: demine.Outcome) -> bool:
    """Bit for bit: every national output's values (NaN in the same places), every uncertain input's
    draws, the national and regional summary tables, and the outcomes' bytes (which hold everything
    else too: regional values, yearly series, per-site counters, failed trials)."""
    if (a.trial_range, a.seed, a.sampler, a.model) != (b.trial_range, b.seed, b.sampler, b.model):
        return False
    if a.outputs != b.outputs or a.input_names != b.input_names:
        return False
    same = all(np.array_equal(a.values(n), b.values(n), equal_nan=True) for n in b.outputs)
    same = same and all(np.array_equal(a.input_values(p), b.input_values(p), equal_nan=True) for p in b.input_names)
    same = same and _equal_tables(a.summary(), b.summary()) and _equal_tables(a.regions(), b.regions())
    return same and a.to_bytes() == b.to_bytes()


def _equal_tables(x, y) -> bool:
    """Equal summary tables: DataFrames (pandas) or dicts of NumPy arrays (without pandas)."""
    if hasattr(x, "equals"):
        return x.equals(y)
    return x.keys() == y.keys() and all(
        np.array_equal(x[k], y[k], equal_nan=x[k].dtype.kind == "f") for k in x
    )


def spot_check(merged: demine.Outcome, scenario, start: int, stop: int, seed: int, sampler, model) -> bool:
    """Runs trials ``start..stop`` here and compares them with that slice of the merged outcome."""
    _, part = task(scenario, start, stop, seed, sampler, model)
    a, b = start - merged.first_trial, stop - merged.first_trial
    same = all(np.array_equal(merged.values(n)[a:b], part.values(n), equal_nan=True) for n in part.outputs)
    return same and all(
        np.array_equal(merged.input_values(p)[a:b], part.input_values(p), equal_nan=True) for p in part.input_names
    )


def _scenario_argument(text: str) -> str:
    """A bundled name as it is; a file as its absolute path (each worker reads it, and its inventory)."""
    if os.path.exists(text):
        return os.path.abspath(text)
    demine.load(text)  # an unknown name fails here, not on every worker
    return text


def _report(merged: demine.Outcome) -> None:
    units = merged.units
    print(f"{'output':<26} {'P10':>10} {'P50':>10} {'P90':>10}  unit")
    for name in OUTPUTS:
        row = [float(merged.quantile(name, p)) for p in (0.1, 0.5, 0.9)]
        unit = units[name]
        for scale, prefix in ((1e9, "bn"), (1e6, "m")):
            if unit == merged.currency and abs(row[1]) >= scale:
                row, unit = [v / scale for v in row], f"{prefix} {unit}"
                break
        print(f"{name:<26} {row[0]:>10.2f} {row[1]:>10.2f} {row[2]:>10.2f}  {unit}")


def main() -> None:
    ap = argparse.ArgumentParser(description="One large run spread over a Dask cluster, merged exactly")
    ap.add_argument("--scheduler", help="address of a running Dask scheduler (tcp://HOST:8786); default: a LocalCluster")
    ap.add_argument("--workers", type=int, default=2, help="LocalCluster worker processes (one thread each)")
    ap.add_argument("--scenario", default="ukraine", help="a bundled name or a scenario file (default: ukraine)")
    ap.add_argument("--trials", type=int, default=10_000, help="trials in all")
    ap.add_argument("--chunk", type=int, default=1_250, help="trials per task")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--sampler", choices=["mc", "sobol"], help="default: the scenario's (a Latin hypercube cannot be split)")
    ap.add_argument("--model", choices=["aggregate", "sites"], help="default: sites when the scenario has them")
    ap.add_argument("--verify", choices=["full", "spot", "none"], default="full",
                    help="full: one in-process run of every trial; spot: one range again here; none")
    args = ap.parse_args()

    from distributed import Client, LocalCluster

    scenario = _scenario_argument(args.scenario)
    t0 = time.perf_counter()
    if args.scheduler:
        cluster, client = None, Client(args.scheduler)
        where = f"the cluster at {args.scheduler}"
    else:
        cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
        where = f"a LocalCluster of {args.workers} worker processes"
    try:
        threads = client.nthreads()
        t1 = time.perf_counter()
        merged, per_worker = run_on_cluster(client, scenario, args.trials, args.chunk, args.seed, args.sampler, args.model)
        t2 = time.perf_counter()
    except BuildMismatch as e:
        sys.exit(f"error: {e}")
    finally:
        client.close()
        if cluster is not None:
            cluster.close()

    tasks = sum(per_worker.values())
    print(f"{merged.scenario} ({merged.model} model, {merged.sampler}, seed {merged.seed}): {args.trials:,} trials "
          f"in {tasks} tasks of up to {args.chunk:,} on {where} "
          f"({len(threads)} worker{'s' * (len(threads) != 1)}, {sum(threads.values())} threads)")
    print("tasks per worker: " + ", ".join(f"{w} {k}" for w, k in sorted(per_worker.items())))
    print(f"wall clock: {t2 - t1:.1f} s to run, move and merge ({t1 - t0:.1f} s to start or connect)\n")
    _report(merged)

    if args.verify == "none":
        return
    t3 = time.perf_counter()
    if args.verify == "full":
        single = demine.run(scenario, trials=args.trials, seed=args.seed, sampler=args.sampler, model=args.model)
        same = identical(merged, single)
        what = f"one in-process run of {args.trials:,} trials ({time.perf_counter() - t3:.1f} s with the checks)"
    else:
        start = (args.trials - 1) // args.chunk * args.chunk  # the last range
        same = spot_check(merged, scenario, start, args.trials, args.seed, args.sampler, args.model)
        what = f"trials {start:,}..{args.trials:,} run again here ({time.perf_counter() - t3:.1f} s)"
    print(f"\nmerged {tasks} ranges == {what}: {same}")
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
