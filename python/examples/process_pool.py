"""A what-if study spread over processes: trial ranges run anywhere, merged exactly.

How do the years to release Ukraine's land and the programme's cost move with
the number of manual demining groups? Each (plan, trial range) is one task for
a process pool from the standard library's ``concurrent.futures``; each task
returns a pickled :class:`demine.Outcome`, and :meth:`demine.Outcome.merge`
joins a plan's ranges into exactly the outcome one run of all its trials gives
(trial t's random numbers depend only on the seed and t). The script checks
that for the first plan against a single run.

The same pattern runs unchanged on a cluster: submit ``task`` to Dask
(``client.map``), Ray (``ray.remote(task)``) or a batch scheduler (one job per
range writing ``pickle.dumps(outcome)`` to a file), then merge the parts.

    pip install ./python pandas                  # from the repository's root
    python python/examples/process_pool.py --trials 10000 --chunk 2500 --workers 2
"""

import argparse
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np

import demine

SEED = 2024


def plan(manual_groups: int) -> demine.Scenario:
    """Ukraine with `manual_groups` manual groups today (ceiling raised with them)."""
    s = demine.load("ukraine")
    s.name = f"ukraine-{manual_groups}-manual"
    # Each edit is validated at once (ceiling >= initial): raise the ceiling first.
    s.set("capacity.teams.manual.ceiling", max(1180, 2 * manual_groups))
    s.set("capacity.teams.manual.initial", manual_groups)
    return s


def task(job):
    """One unit of work: a plan's trials `start..stop`, on one thread (the pool runs many)."""
    groups, start, stop = job
    return groups, demine.run(plan(groups), trials=range(start, stop), seed=SEED, threads=1)


def main() -> None:
    ap = argparse.ArgumentParser(description="What-if over manual groups, spread over processes")
    ap.add_argument("--trials", type=int, default=10_000, help="trials per plan")
    ap.add_argument("--chunk", type=int, default=2_500, help="trials per task")
    ap.add_argument("--workers", type=int, default=os.cpu_count())
    args = ap.parse_args()

    groups = [235, 470, 940, 1880]
    jobs = [(g, a, min(a + args.chunk, args.trials)) for g in groups for a in range(0, args.trials, args.chunk)]
    t0 = time.perf_counter()
    # spawn: a forked child would inherit the parent's thread pool without its threads.
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=args.workers, mp_context=ctx) as pool:
        parts = {}
        for g, outcome in pool.map(task, jobs):
            parts.setdefault(g, []).append(outcome)
    merged = {g: demine.Outcome.merge(p) for g, p in parts.items()}
    wall = time.perf_counter() - t0
    print(f"{len(jobs)} tasks of up to {args.chunk:,} trials on {args.workers} processes: {wall:.1f} s\n")
    print(f"{'manual groups':>13} {'duration P50':>13} {'P80':>6} {'cost P50 bn':>12} {'P80':>7}")
    for g in groups:
        s = merged[g].summary()
        d, c = s.loc["duration_years", ["p50", "p80"]], s.loc["programme_cost", ["p50", "p80"]] / 1e9
        print(f"{g:>13} {d['p50']:>13.1f} {d['p80']:>6.1f} {c['p50']:>12.1f} {c['p80']:>7.1f}")

    single = demine.run(plan(groups[0]), trials=args.trials, seed=SEED)
    m = merged[groups[0]]
    same = all(
        np.array_equal(m.values(n), single.values(n), equal_nan=True) for n in single.outputs
    ) and m.summary().equals(single.summary())
    print(f"\nmerged {len(parts[groups[0]])} ranges == one run of {args.trials:,} trials: {same}")
    if not same:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
