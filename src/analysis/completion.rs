//! The completion backtest (`demine backtest --completion`, docs/FORECAST.md): for programmes
//! that finished clearing their known mined areas, the year they finish is forecast from their
//! state some years before (the known mined area left, their funding or deminers, their hazard
//! mix) with the fitted forecast, and scored against the year they did.
//!
//! Each programme is forecast by a `released` model fitted afresh to the evidence (the
//! country-year records) **without** the programme's own records from its state year on: what
//! the forecast knows of the country is what was known in the state year, never its future.
//!
//! A path of the programme: its capacity for the years ahead is drawn once (the country's
//! estimated effect and the coefficients' uncertainty when the fit saw the country, the spread of
//! countries when it did not), each year's capacity is that level with the year's own scatter (the
//! within-country sd), at the state year's size. Near the end the capacity follows the shrinking
//! stock (the end-game): a programme releases at most a share `s` of its state-year stock a year,
//! its *pace*, drawn once a path from the paces of the **other** programmes that finished
//! (leave-one-programme-out, so no programme's own finish informs its forecast). The release of a
//! year is the smaller of capacity and pace; the known area left falls by it until it is gone.
//!
//! The pace of a finished programme is `1 / (completion − state year + ½)`: the share of its
//! state-year stock it released a year on average. Its logarithm is taken as normal across
//! programmes, with the sample's mean and sd, the sd widened by `√(1 + 1/n)` for the mean's own
//! uncertainty (a predictive, not a plug-in, spread).

use crate::error::{Error, Result};
use crate::io::completions::CompletionRecord;
use crate::io::programmes::ProgrammeRecord;
use crate::model::forecast::{Covariates, Driver, Measure, features};
use crate::sampling::dist::std_normal_quantile;
use crate::sampling::stream::{mix64, trial_key, unit_open};
use crate::stats::scores::{crps_quantiles, interval_score, quantile_levels};
use serde::Serialize;

/// The longest a path runs (years): a programme not finished by then is censored there.
const MAX_YEARS: usize = 200;

/// One programme's forecast finish against its completion.
#[derive(Clone, Debug, Serialize)]
pub struct CompletionRow {
    /// Country, line, the state year and its known mined area.
    pub country: String,
    /// Line in the file.
    pub line: usize,
    /// See `country`.
    pub state_year: i32,
    /// See `country`.
    pub remaining_km2: f64,
    /// What sized the programme.
    pub driver: super::scoring::DriverValue,
    /// The year it finished.
    pub observed_year: i32,
    /// The forecast finish's quantiles at 1 %, ..., 99 % (calendar years, fractional: 2025.5 is mid-2025).
    pub quantiles: Vec<f64>,
    /// Its P5, P50 and P95.
    pub predicted: [f64; 3],
    /// Whether the completion year overlaps [P5, P95].
    pub inside: bool,
    /// CRPS (years) and 90 % interval score against the middle of the completion year.
    pub crps: f64,
    /// See `crps`.
    pub interval_score_90: f64,
    /// Whether the fit knew the country (its own effect) or not (the spread of countries).
    pub country_in_fit: bool,
    /// The country's records in the fit (all before the state year).
    pub country_records: usize,
    /// The end-game pace fitted from the other programmes.
    pub pace: Pace,
}

/// The completion backtest's answer.
#[derive(Clone, Debug, Serialize)]
pub struct CompletionBacktest {
    /// Paths per programme.
    pub paths: usize,
    /// Every programme scored.
    pub rows: Vec<CompletionRow>,
    /// Records without a driver, and why.
    pub skipped: Vec<super::fit::Unused>,
    /// Share of rows whose completion year overlaps P5-P95; mean CRPS and interval score.
    pub inside_share: f64,
    /// See `inside_share`.
    pub crps: f64,
    /// See `inside_share`.
    pub interval_score_90: f64,
    /// Distinct programmes (countries) scored.
    pub programmes: usize,
}

/// The end-game pace: the log-normal spread of the share of the state-year stock released a year
/// by programmes that finished, fitted without the programme forecast.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Pace {
    /// Mean of the log pace.
    pub mu: f64,
    /// Predictive sd of the log pace (the sample sd times `√(1 + 1/n)`).
    pub sd: f64,
    /// Programmes it was fitted from.
    pub n: usize,
}

impl Pace {
    /// Fits the pace from the completions of every country but `leave_out`.
    ///
    /// # Errors
    /// [`Error::Infeasible`] when fewer than 3 other programmes remain (no spread to estimate);
    /// [`Error::InvalidValue`] for a completion not after its state year's start.
    pub fn fit(records: &[CompletionRecord], leave_out: &str) -> Result<Pace> {
        let mut logs = Vec::new();
        for r in records.iter().filter(|r| r.country != leave_out) {
            let years = f64::from(r.completion_year) - f64::from(r.state_year) + 0.5;
            if years <= 0.0 {
                return Err(Error::invalid(
                    "completion_year",
                    f64::from(r.completion_year),
                    "must not be before state_year",
                ));
            }
            logs.push(-years.ln());
        }
        let n = logs.len();
        if n < 3 {
            return Err(Error::Infeasible(format!(
                "the end-game pace needs at least 3 other programmes that finished; {n} left without {leave_out}"
            )));
        }
        let mu = logs.iter().sum::<f64>() / n as f64;
        let var = logs.iter().map(|l| (l - mu) * (l - mu)).sum::<f64>() / (n - 1) as f64;
        Ok(Pace { mu, sd: (var * (1.0 + 1.0 / n as f64)).sqrt(), n })
    }
}

/// Forecasts each record's finish from `paths` paths, with a `released` model fitted to
/// `evidence` less the record's country from its state year on, and the end-game pace of the
/// other completions.
///
/// # Errors
/// [`Error::InvalidValue`] for fewer than 100 paths; [`Error::Infeasible`] when the evidence is
/// too thin to fit the `released` model or fewer than 3 other programmes give the pace.
pub fn completion_backtest(
    records: &[CompletionRecord],
    evidence: &[ProgrammeRecord],
    paths: usize,
    seed: u64,
) -> Result<CompletionBacktest> {
    if paths < 100 {
        return Err(Error::invalid("trials", paths as f64, "the completion backtest needs at least 100 paths"));
    }
    let levels = quantile_levels();
    let mut rows = Vec::new();
    let mut skipped = Vec::new();
    for (r_index, r) in records.iter().enumerate() {
        let driver = match (r.funding_usd, r.deminers) {
            (Some(f), _) if f > 0.0 => Driver::Funding(f),
            (_, Some(d)) if d > 0.0 => Driver::Deminers(d),
            _ => {
                skipped.push(super::fit::Unused {
                    country: r.country.clone(),
                    year: r.state_year,
                    reason: "no funding in US$ or deminers reported".into(),
                });
                continue;
            }
        };
        // What was known in the state year: the other countries' records, and this one's before it.
        let known_then: Vec<ProgrammeRecord> =
            evidence.iter().filter(|e| e.country != r.country || e.year < r.state_year).cloned().collect();
        let (obs, _) = super::fit::observations(&known_then);
        let Some(m) = super::fit::fit_one(Measure::Released, &obs)? else {
            return Err(Error::Infeasible(format!(
                "{} observations of the area released: too few to fit its model for {} {}",
                obs.iter().filter(|o| o.measure == Measure::Released).count(),
                r.country,
                r.state_year
            )));
        };
        let country_records = obs.iter().filter(|o| o.measure == Measure::Released && o.country == r.country).count();
        let c = Covariates {
            driver,
            hazards: r.hazards.clone(),
            international_only: false,
            year: r.state_year,
            suspected_km2: None,
        };
        let x = features(&c);
        let (level, coef_sd) = m.pooled.predict(&x, false);
        let known = m.countries.iter().position(|n| *n == r.country);
        // The programme's persistent level (drawn once a path) and each year's scatter.
        let (centre, persistent_sd) = match known {
            Some(g) => (level + m.country_effect[g], (coef_sd * coef_sd + m.country_var[g]).sqrt()),
            None => (
                level,
                (coef_sd * coef_sd + (m.pooled.sigma * m.pooled.sigma - m.sigma_within * m.sigma_within).max(0.0))
                    .sqrt(),
            ),
        };
        let pace = Pace::fit(records, &r.country)?;
        let mut finish: Vec<f64> = (0..paths)
            .map(|p| {
                let key = trial_key(seed ^ 0xC0_3B1E, ((r_index as u64) << 32) | p as u64);
                let z = |k: u64| std_normal_quantile(unit_open(mix64(key ^ k.wrapping_mul(0x9E37_79B9_7F4A_7C15))));
                let path_level = centre + persistent_sd * z(1);
                let most = (pace.mu + pace.sd * z(2)).exp() * r.remaining_km2;
                let mut left = r.remaining_km2;
                for y in 0..MAX_YEARS {
                    let release = (path_level + m.sigma_within * z(y as u64 + 3)).exp().min(most);
                    if release >= left {
                        return f64::from(r.state_year) + y as f64 + left / release;
                    }
                    left -= release;
                }
                f64::from(r.state_year) + MAX_YEARS as f64
            })
            .collect();
        finish.sort_by(f64::total_cmp);
        let q: Vec<f64> = levels.iter().map(|p| finish[((p * paths as f64) as usize).min(paths - 1)]).collect();
        let observed = r.completion_year;
        let mid = f64::from(observed) + 0.5;
        rows.push(CompletionRow {
            country: r.country.clone(),
            line: r.line,
            state_year: r.state_year,
            remaining_km2: r.remaining_km2,
            driver: driver.into(),
            observed_year: observed,
            predicted: [q[4], q[49], q[94]],
            inside: q[4] < f64::from(observed) + 1.0 && q[94] >= f64::from(observed),
            crps: crps_quantiles(&q, &levels, mid),
            interval_score_90: interval_score(q[4], q[94], 0.1, mid),
            country_in_fit: known.is_some(),
            country_records,
            pace,
            quantiles: q,
        });
    }
    let n = rows.len().max(1) as f64;
    let mut countries: Vec<&str> = rows.iter().map(|r| r.country.as_str()).collect();
    countries.sort_unstable();
    countries.dedup();
    Ok(CompletionBacktest {
        paths,
        inside_share: rows.iter().filter(|r| r.inside).count() as f64 / n,
        crps: rows.iter().map(|r| r.crps).sum::<f64>() / n,
        interval_score_90: rows.iter().map(|r| r.interval_score_90).sum::<f64>() / n,
        programmes: countries.len(),
        rows,
        skipped,
    })
}
