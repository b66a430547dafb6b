//! The kinds of distribution, as a scenario file writes them.

use serde::{Deserialize, Serialize};

/// The kinds of distribution and their parameters, exactly as a scenario file
/// writes them (`dist = "..."` and the fields of the inline table). Optional
/// fields take their documented defaults.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "dist", rename_all = "snake_case", deny_unknown_fields)]
pub enum DistParams {
    /// `{ dist = "fixed", value }`: known exactly (a plain number in a file means the same).
    Fixed {
        /// The value.
        value: f64,
    },
    /// `{ dist = "uniform", min, max }`
    Uniform {
        /// Lower bound.
        min: f64,
        /// Upper bound.
        max: f64,
    },
    /// `{ dist = "triangular", min, mode, max }`
    Triangular {
        /// Lower bound.
        min: f64,
        /// Most likely value.
        mode: f64,
        /// Upper bound.
        max: f64,
    },
    /// `{ dist = "pert", min, mode, max, shape = 4 }`: min + (max − min)·Beta(α, β).
    Pert {
        /// Lower bound.
        min: f64,
        /// Most likely value.
        mode: f64,
        /// Upper bound.
        max: f64,
        /// λ, 4 when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        shape: Option<f64>,
    },
    /// `{ dist = "normal", mean, sd, min?, max? }`, truncated to [min, max] when a bound is given.
    Normal {
        /// Mean of the untruncated normal.
        mean: f64,
        /// Standard deviation of the untruncated normal.
        sd: f64,
        /// Lower truncation (none when absent).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<f64>,
        /// Upper truncation (none when absent).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<f64>,
    },
    /// `{ dist = "lognormal", median, p90 }`, `{ median, p95 }` or `{ mean, cv }`.
    Lognormal {
        /// Median.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        median: Option<f64>,
        /// 90th percentile (with `median`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        p90: Option<f64>,
        /// 95th percentile (with `median`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        p95: Option<f64>,
        /// Mean (with `cv`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mean: Option<f64>,
        /// Coefficient of variation (with `mean`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cv: Option<f64>,
    },
    /// `{ dist = "beta", alpha, beta, min = 0, max = 1 }`
    Beta {
        /// Shape α.
        alpha: f64,
        /// Shape β.
        beta: f64,
        /// Lower end (0 when absent).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<f64>,
        /// Upper end (1 when absent).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<f64>,
    },
    /// `{ dist = "discrete", values = [...], weights = [...] }`: `values[i]` with
    /// probability `weights[i] / Σ weights`.
    Discrete {
        /// The values.
        values: Vec<f64>,
        /// Their weights (normalised).
        weights: Vec<f64>,
    },
}
