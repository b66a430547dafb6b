//! Fitting the forecast of a programme-year's release to country-year records, and scoring
//! forecasts out of sample against a simple benchmark (docs/FORECAST.md).
//!
//! Each record gives up to three observations: the area released, the area cleared and the area
//! released by survey (cancelled + reduced), each of the logarithm of a positive area, with the
//! record's driver (funding in US$, else deminers, else teams) and covariates
//! ([`crate::model::forecast::Covariates`]). Each measure has its own model
//! ([`crate::stats::mixed`]): the same covariates, its own spread and country effects.
//!
//! The benchmark is the one-line ratio a planner would use: a normal on ln(area per unit of
//! driver), fitted per measure and kind of driver (all measures of that driver when fewer than 3
//! records give one).

use crate::error::{Error, Result};
use crate::io::programmes::ProgrammeRecord;
use crate::model::forecast::{
    Benchmark, BenchmarkRatio, Covariates, Driver, Forecast, Measure, MeasureFit, coefficient_prior, features,
};
use crate::stats::mixed::{CoefPrior, MixedData, fit, fit_pooled};
use std::collections::BTreeMap;

/// Fewest observations, and countries among them, for a measure to be fitted.
const MIN_OBSERVATIONS: usize = 8;
const MIN_COUNTRIES: usize = 3;

/// One observation: a measure of one record.
#[derive(Clone, Debug, PartialEq)]
pub struct Observation {
    /// The record's country, year and line.
    pub country: String,
    /// Year.
    pub year: i32,
    /// Line in its file.
    pub line: usize,
    /// Which area.
    pub measure: Measure,
    /// The area reported, km² (> 0).
    pub observed_km2: f64,
    /// What the record says of its programme.
    pub covariates: Covariates,
}

/// A record that gives no observation, and why.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Unused {
    /// Country.
    pub country: String,
    /// Year.
    pub year: i32,
    /// Why.
    pub reason: String,
}

/// The record's driver: funding in US$ when given, else deminers, else teams.
fn driver(r: &ProgrammeRecord) -> Option<Driver> {
    match (r.funding, r.funding_currency.as_deref(), r.deminers, r.teams) {
        (Some(f), Some("USD"), _, _) if f > 0.0 => Some(Driver::Funding(f)),
        (_, _, Some(d), _) if d > 0.0 => Some(Driver::Deminers(d)),
        (_, _, _, Some(t)) if t > 0.0 => Some(Driver::Teams(t)),
        _ => None,
    }
}

/// The area released by survey: cancelled + reduced when both are reported, or released −
/// cleared when those are.
fn survey_released(r: &ProgrammeRecord) -> Option<f64> {
    match (r.cancelled_km2, r.reduced_km2, r.released_km2, r.cleared_km2) {
        (Some(c), Some(d), _, _) => Some(c + d),
        (_, _, Some(rel), Some(cl)) if rel > cl => Some(rel - cl),
        _ => None,
    }
}

/// Every observation of `records`, and the records that give none.
#[must_use]
pub fn observations(records: &[ProgrammeRecord]) -> (Vec<Observation>, Vec<Unused>) {
    let mut out = Vec::new();
    let mut unused = Vec::new();
    for r in records {
        let skip = |reason: &str| Unused { country: r.country.clone(), year: r.year, reason: reason.into() };
        let Some(driver) = driver(r) else {
            // Say what the record has: a driver given as 0 is not a missing one.
            let zeros: Vec<String> = [("funding", r.funding), ("deminers", r.deminers), ("teams", r.teams)]
                .into_iter()
                .filter(|(_, v)| *v == Some(0.0))
                .map(|(name, _)| format!("{name} 0"))
                .collect();
            let foreign = r.funding.filter(|f| *f > 0.0).and(r.funding_currency.clone()).filter(|c| c != "USD");
            let reason = match (zeros.is_empty(), foreign) {
                (false, _) => format!(
                    "{}: a driver must be > 0, and no other (funding in US$, deminers or teams) is reported",
                    zeros.join(", ")
                ),
                (true, Some(c)) => format!("funding in {c}, not US$, and no deminers or teams reported"),
                (true, None) => "no funding in US$, deminers or teams reported".to_string(),
            };
            unused.push(skip(&reason));
            continue;
        };
        let covariates = Covariates {
            driver,
            hazards: r.hazards.clone(),
            international_only: matches!(driver, Driver::Funding(_)) && r.international_only,
            year: r.year,
            suspected_km2: r.suspected_start_km2,
        };
        let before = out.len();
        for (measure, area) in [
            (Measure::Released, r.released_km2),
            (Measure::Cleared, r.cleared_km2),
            (Measure::Survey, survey_released(r)),
        ] {
            if let Some(a) = area.filter(|a| *a > 0.0) {
                out.push(Observation {
                    country: r.country.clone(),
                    year: r.year,
                    line: r.line,
                    measure,
                    observed_km2: a,
                    covariates: covariates.clone(),
                });
            }
        }
        if out.len() == before {
            unused.push(skip("no area released, cleared or released by survey reported (above 0)"));
        }
    }
    (out, unused)
}

/// Fits one measure's model to `obs` (all of that measure); `None` with too few observations.
/// Two steps: the pooled model on every record, then the countries' effects on its residuals.
fn fit_measure(measure: Measure, obs: &[&Observation]) -> Result<Option<MeasureFit>> {
    let mut countries: Vec<String> = obs.iter().map(|o| o.country.clone()).collect();
    countries.sort();
    countries.dedup();
    if obs.len() < MIN_OBSERVATIONS || countries.len() < MIN_COUNTRIES {
        return Ok(None);
    }
    let fail = |e: crate::stats::mixed::MixedError| {
        Error::Infeasible(format!("the {} model cannot be fitted: {e}", measure.name()))
    };
    let index: BTreeMap<&str, usize> = countries.iter().enumerate().map(|(i, c)| (c.as_str(), i)).collect();
    let data = MixedData {
        x: obs.iter().map(|o| features(&o.covariates)).collect(),
        y: obs.iter().map(|o| o.observed_km2.ln()).collect(),
        group: obs.iter().map(|o| index[o.country.as_str()]).collect(),
        groups: countries.len(),
    };
    let (mean, sd) = coefficient_prior();
    let pooled = fit_pooled(&data, &CoefPrior { mean, sd }).map_err(fail)?;
    // The countries' effects: a one-way random-effects model of the pooled model's residuals.
    let residuals = MixedData {
        x: vec![Vec::new(); data.y.len()],
        y: data.x.iter().zip(&data.y).map(|(x, y)| y - pooled.predict(x, false).0).collect(),
        group: data.group.clone(),
        groups: data.groups,
    };
    let effects = fit(&residuals, &CoefPrior { mean: Vec::new(), sd: Vec::new() }).map_err(fail)?;
    let g = countries.len();
    Ok(Some(MeasureFit {
        measure,
        n: obs.len(),
        pooled,
        sigma_within: effects.sigma,
        tau: effects.tau,
        country_var: (0..g).map(|i| effects.cov[i * g + i]).collect(),
        country_effect: effects.group_effect,
        countries,
    }))
}

/// Fits one measure's model to the observations of that measure in `obs`; `None` when they are
/// too few (fewer than the minimum observations or countries).
///
/// # Errors
/// [`Error::Infeasible`] when the fit fails.
pub fn fit_one(measure: Measure, obs: &[Observation]) -> Result<Option<MeasureFit>> {
    let of: Vec<&Observation> = obs.iter().filter(|o| o.measure == measure).collect();
    fit_measure(measure, &of)
}

/// Fits the forecast to `obs`: one model per measure with enough observations.
///
/// # Errors
/// [`Error::Infeasible`] when no measure has enough observations or a fit fails.
pub fn fit_observations(obs: &[Observation]) -> Result<Vec<MeasureFit>> {
    let mut fits = Vec::new();
    for measure in Measure::ALL {
        if let Some(f) = fit_one(measure, obs)? {
            fits.push(f);
        }
    }
    if fits.is_empty() {
        return Err(Error::Infeasible(format!(
            "{} observations: no measure has {MIN_OBSERVATIONS} from {MIN_COUNTRIES} countries to fit",
            obs.len()
        )));
    }
    Ok(fits)
}

/// The benchmark fitted to `obs`: per (measure, driver kind), and per driver kind over every
/// measure (`*`), the mean and sample sd of ln(area / driver).
#[must_use]
pub fn fit_benchmark<'a>(obs: impl Iterator<Item = &'a Observation>) -> Benchmark {
    let mut groups: BTreeMap<(String, String), Vec<f64>> = BTreeMap::new();
    for o in obs {
        let r = (o.observed_km2 / o.covariates.driver.value()).ln();
        let kind = o.covariates.driver.kind().to_string();
        groups.entry((o.measure.name().to_string(), kind.clone())).or_default().push(r);
        groups.entry(("*".to_string(), kind)).or_default().push(r);
    }
    let ratios = groups
        .into_iter()
        .filter(|(_, v)| v.len() >= 2)
        .map(|((measure, driver), v)| {
            let n = v.len() as f64;
            let mean = v.iter().sum::<f64>() / n;
            let sd = (v.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1.0)).sqrt();
            BenchmarkRatio { measure, driver, mean, sd, n: v.len() }
        })
        .collect();
    Benchmark { ratios }
}

/// FNV-1a of bytes, as 16 hex digits: the fingerprint of a records file.
#[must_use]
pub fn fingerprint(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// The forecast fitted to `records` (from the file `source`, whose bytes give `fingerprint`),
/// with its leave-one-country-out scores as diagnostics.
///
/// # Errors
/// As [`fit_observations`].
pub fn fit_forecast(records: &[ProgrammeRecord], source: &str, fingerprint: &str) -> Result<(Forecast, Benchmark)> {
    let (obs, _) = observations(records);
    let measures = fit_observations(&obs)?;
    let mut countries: Vec<&str> = obs.iter().map(|o| o.country.as_str()).collect();
    countries.sort_unstable();
    countries.dedup();
    let mut used: Vec<usize> = obs.iter().map(|o| o.line).collect();
    used.sort_unstable();
    used.dedup();
    let cv = super::scoring::cross_validate(records)?;
    let diagnostics = vec![
        ("cv_observations".to_string(), cv.model.n as f64),
        ("cv_crps_ln".to_string(), cv.model.crps_ln),
        ("cv_benchmark_crps_ln".to_string(), cv.benchmark.crps_ln),
        ("cv_inside_p5_p95".to_string(), cv.model.coverage_90),
        ("cv_benchmark_inside_p5_p95".to_string(), cv.benchmark.coverage_90),
        ("cv_interval_score_90".to_string(), cv.model.interval_score_90),
        ("cv_benchmark_interval_score_90".to_string(), cv.benchmark.interval_score_90),
    ];
    let forecast = Forecast {
        measures,
        records: source.to_string(),
        fingerprint: fingerprint.to_string(),
        n_records: used.len(),
        n_countries: countries.len(),
        diagnostics,
    };
    Ok((forecast, fit_benchmark(obs.iter())))
}

/// The country-year records shipped with demine (`data/programmes.csv`): the evidence the
/// shipped priors were fitted to, and the default evidence of the completion backtest.
pub const PROGRAMMES_CSV: &str = include_str!("../../data/programmes.csv");

/// The priors shipped with demine, fitted to `data/programmes.csv` (`data/fitted-priors.toml`,
/// written by `demine fit data/programmes.csv -o data/fitted-priors.toml`).
pub const FITTED_PRIORS_TOML: &str = include_str!("../../data/fitted-priors.toml");

/// The shipped fitted priors as a scenario file.
///
/// # Errors
/// [`Error::Parse`] if the shipped file does not parse (a test checks it does).
pub fn default_fitted_priors() -> Result<crate::io::file::ScenarioFile> {
    crate::io::parse_toml(FITTED_PRIORS_TOML, std::path::Path::new("data/fitted-priors.toml"))
}

/// The line that starts the fitted part of a priors file: what follows it is replaced when the
/// file is fitted again.
pub const FITTED_MARKER: &str = "# ---- fitted by `demine fit`: everything below is written by it ----";

/// A priors file: the base priors' text (its own fitted part, if any, dropped) and the forecast.
///
/// # Errors
/// [`Error::Output`] if the forecast cannot be written as TOML.
pub fn priors_with_forecast(base: &str, forecast: &Forecast, benchmark: &Benchmark) -> Result<String> {
    #[derive(serde::Serialize)]
    struct Table<'a> {
        forecast: &'a crate::io::forecast::ForecastFile,
    }
    let base = base.split(FITTED_MARKER).next().unwrap_or(base).trim_end();
    let file = crate::io::forecast::ForecastFile::new(forecast, benchmark);
    let table =
        toml::to_string(&Table { forecast: &file }).map_err(|e| Error::Output(format!("forecast TOML: {e}")))?;
    Ok(format!(
        "{base}\n\n{FITTED_MARKER}\n# The forecast of docs/FORECAST.md fitted to {} ({} records from {} countries).\n{table}",
        forecast.records, forecast.n_records, forecast.n_countries
    ))
}
