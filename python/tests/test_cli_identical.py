"""Python's results are bit-identical to the command line's for the same scenario, seed and trials."""

import csv
import json
import math
import subprocess

import demine

TRIALS, SEED = 800, 8


def _same(a, b):
    return (a is None and math.isnan(b)) or a == b


def test_every_p50_and_mean_equals_the_cli_json(cli, ukraine):
    out = subprocess.run(
        [cli, "run", "ukraine", "--trials", str(TRIALS), "--seed", str(SEED), "--format", "json"],
        check=True, capture_output=True, text=True,
    ).stdout
    expected = json.loads(out)
    o = demine.run(ukraine, trials=TRIALS, seed=SEED)
    s = o.summary()
    assert set(s.index) == set(expected["outputs"])  # the JSON orders keys by name
    for name, e in expected["outputs"].items():
        for col in ("p50", "mean", "p5", "p95"):
            assert _same(e[col], s.loc[name, col]), (name, col, e[col], s.loc[name, col])
        low = e["ci95"]["p50"][0] if e["ci95"]["p50"] else None
        assert _same(low, s.loc[name, "p50_ci95_low"]), (name, "p50_ci95_low")
        assert e["unit"] == s.loc[name, "unit"]
    regions = o.regions().set_index(["region", "output"])
    for region, outputs in expected["regions"].items():
        for name, e in outputs.items():
            assert _same(e["p50"], regions.loc[(region, name), "p50"]), (region, name)
    assert o.to_json()["outputs"]["total_cost"] == expected["outputs"]["total_cost"]
    for series, e in expected["series"].items():
        fan = o.series(series)
        n = len(e["years"])
        assert list(fan["year"][:n]) == e["years"]
        assert list(fan["p50"][:n]) == e["p50"], series


def test_a_per_trial_column_equals_the_cli_samples(cli, ukraine, tmp_path):
    path = tmp_path / "samples.csv"
    subprocess.run(
        [cli, "run", "ukraine", "--trials", str(TRIALS), "--seed", str(SEED), "--samples", str(path)],
        check=True, capture_output=True,
    )
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    samples = demine.run(ukraine, trials=TRIALS, seed=SEED).samples()
    assert list(samples.columns) == header
    assert len(body) == TRIALS
    for column in ("total_cost", "duration_years", header[1], header[-1]):
        k = header.index(column)
        cli_values = [float(r[k]) for r in body]
        py_values = samples[column].tolist()
        assert all(_same(a, b) for a, b in zip(cli_values, py_values)), column
    assert samples["trial"].tolist() == list(range(TRIALS))
