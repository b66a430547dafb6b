//! Backtest: does the model predict what national programmes released, from one set of global priors?
//!
//! For each country-year record ([`ProgrammeRecord`]) a programme is built from the priors (a scenario
//! file, `data/backtest-priors.toml` by default): only the strata of the record's hazard mix are kept,
//! and the record's funding buys teams in the priors' mix (or, when it gives staff and no funding, that
//! many people are fielded in that mix). Three years of that programme are run on the site engine;
//! the third year, with survey, technical survey and clearance all under way, is the prediction of
//! the year's release (or clearance, when the record gives only that), with its P5-P95 interval.
//! The priors are the same for every record: nothing is tuned per country.

use crate::error::{Error, Result};
use crate::io::file::{DistSpec, ScenarioFile};
use crate::io::programmes::ProgrammeRecord;
use crate::simulate::{ModelLevel, SimConfig, simulate};
use crate::stats::summary::Summary;
use serde::Serialize;

/// The global priors shipped with demine (`data/backtest-priors.toml`).
pub const PRIORS_TOML: &str = include_str!("../../data/backtest-priors.toml");

/// The year of the simulated programme compared with the record (0-based): the third.
const YEAR: usize = 2;

/// What sets the size of a record's programme.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum Driver {
    /// The year's funding, in the priors' currency.
    Funding(f64),
    /// People in the programme's teams.
    Deminers(f64),
    /// Teams.
    Teams(f64),
}

/// Which reported area is compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// Cancelled + reduced + cleared.
    Released,
    /// Cleared only (the record gives no release total).
    Cleared,
}

/// One record against its prediction.
#[derive(Clone, Debug, Serialize)]
pub struct BacktestRow {
    /// Country.
    pub country: String,
    /// Year of the record.
    pub year: i32,
    /// Line of the record in its file.
    pub line: usize,
    /// What sized the programme.
    pub driver: Driver,
    /// Which area is compared.
    pub measure: Measure,
    /// The reported area, km².
    pub observed_km2: f64,
    /// Predicted area, km²: P5, P50, P95.
    pub predicted_km2: [f64; 3],
    /// Observed / predicted P50.
    pub ratio: f64,
    /// Whether the observation lies in [P5, P95].
    pub inside: bool,
    /// Whether the observation lies within a factor 2 of the P50.
    pub within_2x: bool,
    /// Reported cost per km² released (funding / released), when both are given.
    pub observed_cost_per_km2: Option<f64>,
    /// Predicted cost per km² of the compared area: P5, P50, P95.
    pub predicted_cost_per_km2: [f64; 3],
}

/// A record the backtest could not use, and why.
#[derive(Clone, Debug, Serialize)]
pub struct Skipped {
    /// Country.
    pub country: String,
    /// Year.
    pub year: i32,
    /// Why.
    pub reason: String,
}

/// The backtest's answer.
#[derive(Clone, Debug, Serialize)]
pub struct Backtest {
    /// Trials per record.
    pub trials: u64,
    /// Seed.
    pub seed: u64,
    /// Compared records.
    pub rows: Vec<BacktestRow>,
    /// Records without a driver or an observation.
    pub skipped: Vec<Skipped>,
    /// Share of compared records inside their P5-P95 interval.
    pub inside_share: f64,
    /// Share within a factor 2 of the P50.
    pub within_2x_share: f64,
    /// Countries among the compared records.
    pub countries: usize,
}

/// The shipped priors as a scenario file.
///
/// # Errors
/// [`Error::Parse`] if the shipped file does not parse (a test checks it does).
pub fn default_priors() -> Result<ScenarioFile> {
    crate::io::parse_toml(PRIORS_TOML, std::path::Path::new("data/backtest-priors.toml"))
}

/// Runs the backtest of `records` against `priors` (trials, seed and threads from `config`).
///
/// # Errors
/// [`Error::InvalidScenario`] if a record's programme breaks a rule of the priors (the message names
/// the record); errors of the engine.
pub fn backtest(records: &[ProgrammeRecord], priors: &ScenarioFile, config: &SimConfig) -> Result<Backtest> {
    let config = config.clone().with_model(ModelLevel::Sites);
    let mut rows = Vec::new();
    let mut skipped = Vec::new();
    for r in records {
        let skip = |reason: &str| Skipped { country: r.country.clone(), year: r.year, reason: reason.into() };
        let (measure, observed) = match (r.released_km2, r.cleared_km2) {
            (Some(v), _) => (Measure::Released, v),
            (None, Some(v)) => (Measure::Cleared, v),
            (None, None) => {
                skipped.push(skip("no area released or cleared reported"));
                continue;
            }
        };
        let driver = match (r.funding, r.funding_currency.as_deref(), r.deminers, r.teams) {
            (Some(f), Some(c), _, _) if c == priors.currency => Driver::Funding(f),
            (_, _, Some(d), _) => Driver::Deminers(d),
            (_, _, None, Some(t)) => Driver::Teams(t),
            _ => {
                skipped.push(skip("no funding (in the priors' currency), staff or teams reported"));
                continue;
            }
        };
        let file = programme(priors, r, driver)?;
        let name = format!("{} {} (line {})", r.country, r.year, r.line);
        let scenario = crate::io::validate::scenario(file, None, &name)?;
        let o = simulate(&scenario, &config)?;
        let mut area = Vec::with_capacity(o.trials() as usize);
        let mut cost = Vec::with_capacity(o.trials() as usize);
        for t in 0..o.trials() as usize {
            let Some(y) = o.trial_series(t).get(YEAR) else { continue };
            let a = f64::from(match measure {
                Measure::Released => y.area_released_km2,
                Measure::Cleared => y.area_cleared_km2,
            });
            area.push(a);
            if a > 0.0 {
                cost.push(f64::from(y.spending) / a);
            }
        }
        // Said, not printed as 0 km² or n/a: a horizon that ends before the scored year, or a
        // programme so large that it releases all the land the priors give it before that year.
        if area.is_empty() {
            skipped.push(skip(&format!(
                "the priors' horizon ends before the programme's year {} (the year compared): nothing to compare",
                YEAR + 1
            )));
            continue;
        }
        let finished = o.values("duration_years").map_or(0, |d| d.iter().filter(|&&d| d <= YEAR as f64).count());
        if 2 * finished > area.len() {
            skipped.push(skip(&format!(
                "at this size the programme releases all the land the priors give it before its year {} in {:.0} % of \
                 trials: the year compared would release 0 km², which says nothing of the record",
                YEAR + 1,
                100.0 * finished as f64 / area.len() as f64
            )));
            continue;
        }
        let s = Summary::new(&area);
        let c = Summary::new(&cost);
        let predicted_km2 = [s.percentiles[0], s.p50(), s.percentiles[7]];
        let ratio = observed / predicted_km2[1];
        rows.push(BacktestRow {
            country: r.country.clone(),
            year: r.year,
            line: r.line,
            driver,
            measure,
            observed_km2: observed,
            predicted_km2,
            ratio,
            inside: observed >= predicted_km2[0] && observed <= predicted_km2[2],
            within_2x: (0.5..=2.0).contains(&ratio),
            observed_cost_per_km2: match (driver, measure) {
                (Driver::Funding(f), Measure::Released) if observed > 0.0 => Some(f / observed),
                _ => None,
            },
            predicted_cost_per_km2: [c.percentiles[0], c.p50(), c.percentiles[7]],
        });
    }
    let n = rows.len().max(1) as f64;
    let mut countries: Vec<&str> = rows.iter().map(|r| r.country.as_str()).collect();
    countries.sort_unstable();
    countries.dedup();
    Ok(Backtest {
        trials: config.trials,
        seed: config.seed,
        inside_share: rows.iter().filter(|r| r.inside).count() as f64 / n,
        within_2x_share: rows.iter().filter(|r| r.within_2x).count() as f64 / n,
        countries: countries.len(),
        rows,
        skipped,
    })
}

/// The priors turned into one record's programme.
fn programme(priors: &ScenarioFile, r: &ProgrammeRecord, driver: Driver) -> Result<ScenarioFile> {
    let mut f = priors.clone();
    f.name = format!("{}-{}", r.country, r.year);
    f.start_year = r.year;
    f.price_year = r.year;
    for region in &mut f.regions {
        region.strata.retain(|st| r.hazards.contains(&st.hazard));
    }
    f.regions.retain(|region| !region.strata.is_empty());
    if f.regions.is_empty() {
        return Err(Error::InvalidScenario {
            source_name: format!("{} {}", r.country, r.year),
            problems: vec![crate::Problem::text(
                "hazard_mix",
                format!("{:?}", r.hazards),
                "the priors have no stratum of this kind of hazard",
            )],
        });
    }
    let Some(cap) = f.capacity.as_mut() else {
        return Err(Error::invalid("capacity", f64::NAN, "the priors need a [capacity] table with the team mix"));
    };
    let fixed = |d: &DistSpec| match d {
        DistSpec::Fixed(v) => Some(*v),
        DistSpec::Table(_) => None,
    };
    let scale = match driver {
        Driver::Funding(amount) => {
            let funding = f.funding.get_or_insert_with(Default::default);
            funding.per_year = Some(DistSpec::fixed(amount));
            funding.drives_capacity = true;
            return Ok(f);
        }
        Driver::Deminers(people) => {
            let mut per_mix = 0.0;
            for (pool, t) in &cap.teams {
                let (Some(n), Some(staff)) = (fixed(&t.initial), t.staff_per_team.as_ref().and_then(fixed)) else {
                    return Err(Error::invalid(
                        format!("capacity.teams.{pool}.staff_per_team"),
                        f64::NAN,
                        "a staff-driven backtest needs fixed team counts and people per team in the priors",
                    ));
                };
                per_mix += n * staff;
            }
            people / per_mix
        }
        Driver::Teams(teams) => {
            let total: f64 = cap.teams.values().filter_map(|t| fixed(&t.initial)).sum();
            teams / total
        }
    };
    f.funding = None;
    for t in cap.teams.values_mut() {
        if let Some(n) = fixed(&t.initial) {
            t.initial = DistSpec::fixed(n * scale);
        }
        t.growth_per_year = None;
        t.ceiling = None;
    }
    Ok(f)
}
