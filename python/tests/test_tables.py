"""Tables: shapes and columns of summary, samples, series and regions; dicts of arrays without pandas."""

import sys

import numpy as np
import pytest

import demine

LABELS = ["p5", "p10", "p25", "p50", "p75", "p80", "p90", "p95"]


@pytest.fixture(scope="module")
def outcome():
    return demine.run(demine.load("ukraine"), trials=400, seed=5)


def test_summary_has_one_row_per_national_output(outcome):
    s = outcome.summary()
    assert list(s.index) == outcome.outputs and s.index.name == "output"
    assert list(s.columns) == ["mean", "sd", *LABELS, "mean_ci95_low", "mean_ci95_high", "p50_ci95_low",
                               "p50_ci95_high", "se", "min", "max", "n", "unit"]
    assert s.loc["total_cost", "unit"] == "USD" and s.loc["duration_years", "unit"] == "years"
    row = s.loc["total_cost"]
    assert row["p5"] <= row["p50"] <= row["p95"] and row["mean_ci95_low"] < row["mean"] < row["mean_ci95_high"]
    assert row["p50_ci95_low"] <= row["p50"] <= row["p50_ci95_high"]
    assert row["n"] == 400
    v = outcome.values("total_cost")
    assert row["p50"] == np.percentile(v, 50) and row["mean"] == pytest.approx(v.mean(), rel=1e-12)
    full = outcome.summary(all_intervals=True)
    assert all(f"{p}_ci95_low" in full.columns and f"{p}_ci95_high" in full.columns for p in LABELS)


def test_samples_have_every_input_and_output(outcome):
    df = outcome.samples()
    assert df.shape == (400, 1 + len(outcome.input_names) + len(outcome.outputs) +
                        len(outcome.regions()))
    assert df["trial"].tolist() == list(range(400))
    np.testing.assert_array_equal(df["total_cost"].to_numpy(), outcome.values("total_cost"))
    path = "land_release.cancelled_fraction"
    np.testing.assert_array_equal(df[path].to_numpy(), outcome.input_values(path))
    region = outcome.region_names[0]
    np.testing.assert_array_equal(df[f"{region}: total_cost"].to_numpy(), outcome.values("total_cost", region))


def test_series_and_regions(outcome):
    fan = outcome.series("area_released_km2")
    assert list(fan.columns) == ["year", "p10", "p50", "p90"]
    assert len(fan) == outcome.horizon_years and fan["year"].iloc[0] == outcome.start_year
    assert (fan["p10"] <= fan["p50"]).all() and (fan["p50"] <= fan["p90"]).all()
    long = outcome.series_samples()
    assert list(long.columns[:2]) == ["trial", "year"] and set(demine.SERIES) <= set(long.columns)
    assert len(long) == 400 * outcome.horizon_years
    r = outcome.regions()
    assert list(r.columns[:2]) == ["region", "output"]
    assert set(r["region"]) == set(outcome.region_names)
    with pytest.raises(demine.UnknownNameError):
        outcome.series("no_such_series")
    with pytest.raises(demine.UnknownNameError) as e:
        outcome.values("no_such_output")
    assert "total_cost" in e.value.known


def test_without_pandas_tables_are_dicts_of_numpy_arrays(outcome, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)  # `import pandas` now raises ImportError
    s = outcome.summary()
    assert isinstance(s, dict) and all(isinstance(v, np.ndarray) for v in s.values())
    assert list(s["output"]) == outcome.outputs
    k = list(s["output"]).index("total_cost")
    assert s["p50"][k] == np.percentile(outcome.values("total_cost"), 50)
    samples = outcome.samples()
    assert isinstance(samples, dict) and len(samples["total_cost"]) == 400
    assert set(outcome.series("spending")) == {"year", "p10", "p50", "p90"}
    assert isinstance(outcome.regions(), dict)
    c = demine.compare([outcome, outcome], names=["a", "b"])
    assert isinstance(c.table, dict) and set(c.table["plan"]) == {"a", "b"}


def test_tables_take_numpy_arrays_without_copying():
    from demine._tables import frame

    a = np.arange(5.0)
    assert np.shares_memory(frame({"a": a})["a"].to_numpy(), a)
