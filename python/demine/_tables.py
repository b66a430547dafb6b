"""Tables with pandas when it is installed, dicts of NumPy arrays when not."""

from __future__ import annotations

import math
from typing import Any, Dict, Mapping, Optional, Sequence

import numpy as np


def pandas() -> Any:
    """The pandas module, or ``None`` when it cannot be imported (pandas is optional)."""
    try:
        import pandas as pd
    except ImportError:
        return None
    return pd


def frame(columns: Mapping[str, Any], index: Optional[str] = None) -> Any:
    """A DataFrame of ``columns`` (indexed by the column ``index``) with pandas, else a dict of NumPy arrays.

    NumPy arrays are handed to pandas as they are (``copy=False``): no value is copied one by one.
    """
    arrays: Dict[str, np.ndarray] = {k: _array(v) for k, v in columns.items()}
    pd = pandas()
    if pd is None:
        return arrays
    df = pd.DataFrame(arrays, copy=False)
    if index is not None:
        df = df.set_index(index)
    return df


def _array(values: Any) -> np.ndarray:
    if isinstance(values, np.ndarray):
        return values
    values = list(values)
    if values and all(v is None or isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return np.array([math.nan if v is None else v for v in values], dtype=float)
    return np.array(values, dtype=object if values and isinstance(values[0], str) else None)


def number(v: Any) -> float:
    """A JSON number, with ``null`` (not a number, or no interval) as NaN."""
    return math.nan if v is None else float(v)


def interval(v: Optional[Sequence[Any]]) -> Sequence[float]:
    """A JSON interval ``[low, high]``, with ``null`` as ``[NaN, NaN]``."""
    return (math.nan, math.nan) if v is None else (number(v[0]), number(v[1]))


PERCENTILE_LABELS = ("p5", "p10", "p25", "p50", "p75", "p80", "p90", "p95")


def summary_dict(s: Mapping[str, Any]) -> Dict[str, Any]:
    """A summary of the CLI's JSON as a flat dict: n, mean, sd, se, min, max, p5…p95,
    ``mean_ci95_low`` / ``mean_ci95_high`` and ``pX_ci95_low`` / ``pX_ci95_high``, and the unit if any."""
    out: Dict[str, Any] = {"n": s.get("n")}
    for k in ("mean", "sd", "se", "min", "max") + PERCENTILE_LABELS:
        out[k] = number(s.get(k))
    ci = s.get("ci95") or {}
    for k in ("mean",) + PERCENTILE_LABELS:
        lo, hi = interval(ci.get(k))
        out[f"{k}_ci95_low"] = lo
        out[f"{k}_ci95_high"] = hi
    if "unit" in s:
        out["unit"] = s["unit"]
    return out
