//! The fitted forecast in a priors file: the `[forecast]` table that `demine fit` appends to a
//! scenario file (docs/FORECAST.md), read back into [`crate::model::forecast::Forecast`] with
//! every length and value checked.

use crate::error::{Problem, Result};
use crate::model::forecast::{Benchmark, BenchmarkRatio, FEATURES, Forecast, Measure, MeasureFit};
use crate::stats::mixed::PooledFit;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The `[forecast]` table.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ForecastFile {
    /// What the model is (a reminder for readers: docs/FORECAST.md).
    pub model: String,
    /// The records fitted and the FNV-1a fingerprint of their file.
    pub records: String,
    /// See `records`.
    pub fingerprint: String,
    /// Records and countries fitted.
    pub records_used: usize,
    /// See `records_used`.
    pub countries: usize,
    /// The covariates, in the order of every `coef`.
    pub features: Vec<String>,
    /// Out-of-sample scores of the fit (leave one country out).
    #[serde(default)]
    pub diagnostics: BTreeMap<String, f64>,
    /// One fitted model per measure.
    pub measures: Vec<MeasureFile>,
    /// The ratio benchmark fitted on the same records.
    #[serde(default)]
    pub benchmark: Vec<BenchmarkFile>,
}

/// One measure's fitted model.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MeasureFile {
    /// `released`, `cleared` or `survey_released`.
    pub measure: String,
    /// Observations fitted.
    pub n: usize,
    /// The pooled model: posterior means of the coefficients, their covariance (row-major), the
    /// residual sd and the marginal log-likelihood.
    pub coef: Vec<f64>,
    /// See `coef`.
    pub coef_covariance: Vec<f64>,
    /// See `coef`.
    pub sigma: f64,
    /// See `coef`.
    pub log_marginal: f64,
    /// Within-country residual sd and the sd of country effects (on ln km²).
    pub sigma_within: f64,
    /// See `sigma_within`.
    pub tau: f64,
    /// Countries, their estimated effects and the effects' posterior variances.
    pub countries: Vec<String>,
    /// See `countries`.
    pub country_effect: Vec<f64>,
    /// See `countries`.
    pub country_variance: Vec<f64>,
}

/// One ratio of the benchmark.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BenchmarkFile {
    /// A measure's name, or `*` for all of them.
    pub measure: String,
    /// `funding`, `deminers` or `teams`.
    pub driver: String,
    /// Mean and sd of ln(km² per unit of driver), and the records that gave them.
    pub mean: f64,
    /// See `mean`.
    pub sd: f64,
    /// See `mean`.
    pub n: usize,
}

impl ForecastFile {
    /// The file form of a fitted forecast and its benchmark.
    #[must_use]
    pub fn new(f: &Forecast, benchmark: &Benchmark) -> ForecastFile {
        ForecastFile {
            model: "hierarchical log-linear model of the area released in a year, country effects pooled \
                    (docs/FORECAST.md)"
                .into(),
            records: f.records.clone(),
            fingerprint: f.fingerprint.clone(),
            records_used: f.n_records,
            countries: f.n_countries,
            features: FEATURES.iter().map(|s| (*s).to_string()).collect(),
            diagnostics: f.diagnostics.iter().cloned().collect(),
            measures: f
                .measures
                .iter()
                .map(|m| MeasureFile {
                    measure: m.measure.name().into(),
                    n: m.n,
                    coef: m.pooled.coef.clone(),
                    coef_covariance: m.pooled.cov.clone(),
                    sigma: m.pooled.sigma,
                    log_marginal: m.pooled.log_marginal,
                    sigma_within: m.sigma_within,
                    tau: m.tau,
                    countries: m.countries.clone(),
                    country_effect: m.country_effect.clone(),
                    country_variance: m.country_var.clone(),
                })
                .collect(),
            benchmark: benchmark
                .ratios
                .iter()
                .map(|b| BenchmarkFile {
                    measure: b.measure.clone(),
                    driver: b.driver.clone(),
                    mean: b.mean,
                    sd: b.sd,
                    n: b.n,
                })
                .collect(),
        }
    }

    /// The forecast and benchmark it holds, every length and value checked.
    ///
    /// # Errors
    /// [`crate::Error::InvalidScenario`] naming each field that is inconsistent (`source` names
    /// the file).
    pub fn to_model(&self, source: &str) -> Result<(Forecast, Benchmark)> {
        let mut problems = Vec::new();
        if self.features.iter().map(String::as_str).ne(FEATURES.iter().copied()) {
            problems.push(Problem::text(
                "forecast.features",
                self.features.join(", "),
                format!("must be the covariates this demine fits: {}", FEATURES.join(", ")),
            ));
        }
        let p = FEATURES.len();
        let mut measures = Vec::new();
        for (i, m) in self.measures.iter().enumerate() {
            let at = |f: &str| format!("forecast.measures[{i}].{f}");
            let before = problems.len();
            let Some(measure) = Measure::from_name(&m.measure) else {
                problems.push(Problem::text(at("measure"), &m.measure, "must be released, cleared or survey_released"));
                continue;
            };
            let g = m.countries.len();
            for (name, len, want) in [
                ("coef", m.coef.len(), p),
                ("coef_covariance", m.coef_covariance.len(), p * p),
                ("country_effect", m.country_effect.len(), g),
                ("country_variance", m.country_variance.len(), g),
            ] {
                if len != want {
                    problems.push(Problem::text(at(name), format!("{len} numbers"), format!("must hold {want}")));
                }
            }
            let all = m.coef.iter().chain(&m.coef_covariance).chain(&m.country_effect).chain(&m.country_variance);
            let sds = [m.sigma, m.sigma_within, m.tau];
            if all.chain(&sds).any(|v| !v.is_finite()) || !(m.sigma > 0.0 && m.sigma_within > 0.0 && m.tau >= 0.0) {
                problems.push(Problem::text(
                    at("sigma"),
                    format!("{} / {} / {}", m.sigma, m.sigma_within, m.tau),
                    "every number must be finite, sigma and sigma_within > 0, tau >= 0",
                ));
            }
            if m.country_variance.iter().any(|v| *v < 0.0) {
                problems.push(Problem::text(at("country_variance"), "a negative variance", "variances must be >= 0"));
            }
            if problems.len() == before {
                measures.push(MeasureFit {
                    measure,
                    n: m.n,
                    pooled: PooledFit {
                        coef: m.coef.clone(),
                        cov: m.coef_covariance.clone(),
                        sigma: m.sigma,
                        log_marginal: m.log_marginal,
                    },
                    sigma_within: m.sigma_within,
                    tau: m.tau,
                    countries: m.countries.clone(),
                    country_effect: m.country_effect.clone(),
                    country_var: m.country_variance.clone(),
                });
            }
        }
        if measures.is_empty() && problems.is_empty() {
            problems.push(Problem::text("forecast.measures", "none", "a fitted forecast has at least one measure"));
        }
        let mut benchmark = Vec::new();
        for (i, b) in self.benchmark.iter().enumerate() {
            if !(b.mean.is_finite() && b.sd.is_finite() && b.sd >= 0.0) {
                problems.push(Problem::text(
                    format!("forecast.benchmark[{i}]"),
                    format!("{} / {}", b.mean, b.sd),
                    "mean and sd must be finite, sd >= 0",
                ));
                continue;
            }
            benchmark.push(BenchmarkRatio {
                measure: b.measure.clone(),
                driver: b.driver.clone(),
                mean: b.mean,
                sd: b.sd,
                n: b.n,
            });
        }
        if !problems.is_empty() {
            return Err(crate::Error::InvalidScenario { source_name: source.to_string(), problems });
        }
        let forecast = Forecast {
            measures,
            records: self.records.clone(),
            fingerprint: self.fingerprint.clone(),
            n_records: self.records_used,
            n_countries: self.countries,
            diagnostics: self.diagnostics.iter().map(|(k, v)| (k.clone(), *v)).collect(),
        };
        Ok((forecast, Benchmark { ratios: benchmark }))
    }
}
