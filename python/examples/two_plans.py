"""Two plans for Ukraine: today's capacity, and twice the manual demining groups.

Runs both on common random numbers, prints how they differ, and draws
- the S-curves (cumulative distributions) of the years to release all land and
  of the programme's cost, and
- a fan chart (P10-P50-P90) of the suspected area still hazardous, year by year,
saved as PNG files.

    pip install ./python pandas matplotlib      # from the repository's root
    python python/examples/two_plans.py --trials 2000 --out charts/

It needs pandas for the tables; without matplotlib it prints the comparison and says how to
install it.
"""

import argparse
import pathlib
import sys

import numpy as np

import demine


def s_curve(ax, values, label):
    """Draws the empirical CDF of the finite values."""
    v = np.sort(values[np.isfinite(values)])
    ax.step(v, np.arange(1, len(v) + 1) / len(v), where="post", label=label)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trials", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--out", type=pathlib.Path, default=pathlib.Path("."))
    args = ap.parse_args()

    today = demine.load("ukraine")
    plan = today.copy()
    plan.name = "ukraine-2x-manual"
    # Ukraine fields ~470 manual groups today, growing to a ceiling of 1,180: twice both.
    plan.set("capacity.teams.manual.initial", 940)
    plan.set("capacity.teams.manual.ceiling", 2360)

    c = demine.compare([today, plan], trials=args.trials, seed=args.seed, names=["today", "2x manual"])
    table = c.table
    rows = table[table["output"].isin(["duration_years", "programme_cost", "casualties_over_horizon"])]
    print(rows[["output", "plan", "p10", "p50", "p90", "diff_mean", "prob_better"]].to_string(index=False))

    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("\nmatplotlib is not installed: `pip install matplotlib` to draw the charts.", file=sys.stderr)
        return 0

    args.out.mkdir(parents=True, exist_ok=True)
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    for name, o in zip(c.plans, c.outcomes):
        s_curve(left, o.values("duration_years"), name)
        s_curve(right, o.values("programme_cost") / 1e9, name)
    left.set(xlabel="years to release all suspected land", ylabel="probability of finishing within", title="Time")
    right.set(xlabel=f"programme cost, bn {today.currency}", ylabel="probability of costing at most", title="Cost")
    for ax in (left, right):
        ax.grid(alpha=0.3)
        ax.legend()
    fig.suptitle(f"Ukraine: S-curves of two plans ({args.trials:,} trials, seed {args.seed})")
    fig.tight_layout()
    s_path = args.out / "s_curves.png"
    fig.savefig(s_path, dpi=120)

    fig, ax = plt.subplots(figsize=(8, 4.2))
    for name, o in zip(c.plans, c.outcomes):
        fan = o.series("hazardous_area_remaining_km2")
        fan = fan[fan["year"] <= today.start_year + 60]
        (line,) = ax.plot(fan["year"], fan["p50"], label=f"{name} (P50, band P10-P90)")
        ax.fill_between(fan["year"], fan["p10"], fan["p90"], color=line.get_color(), alpha=0.25)
    ax.set(xlabel="year", ylabel="suspected area still hazardous, km²", title="Ukraine: land still to release")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    f_path = args.out / "fan_chart.png"
    fig.savefig(f_path, dpi=120)
    print(f"\nwrote {s_path} and {f_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
