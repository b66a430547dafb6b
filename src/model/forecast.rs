//! A forecast of what a mine action programme releases in a year, fitted to country-year records
//! (`demine fit`, docs/FORECAST.md): for each measure of release (all land released, land cleared,
//! land released by survey) a log-linear model of the area on what sizes the programme (funding,
//! deminers or teams) and what the record says of it (hazard mix, funding scope, year, the
//! suspected stock), with a country effect pooled across countries.
//!
//! ```text
//! ln(area_m) = x'β_m + u_c,m + ε,   ε ~ N(0, σ_m²),   u_c,m ~ N(0, τ_m²)
//! ```
//! A country in the fit's records is predicted with its own estimated effect; a new country with
//! the population's spread τ_m added.

use super::kinds::HazardKind;
use crate::stats::mixed::PooledFit;

/// What sets the size of a programme-year.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Driver {
    /// The year's funding for mine action, in US dollars of the year.
    Funding(f64),
    /// People in clearance and survey.
    Deminers(f64),
    /// Teams.
    Teams(f64),
}

impl Driver {
    /// `funding`, `deminers` or `teams`.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Driver::Funding(_) => "funding",
            Driver::Deminers(_) => "deminers",
            Driver::Teams(_) => "teams",
        }
    }

    /// Its amount.
    #[must_use]
    pub fn value(&self) -> f64 {
        match *self {
            Driver::Funding(v) | Driver::Deminers(v) | Driver::Teams(v) => v,
        }
    }
}

/// Which area of a year is forecast.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Measure {
    /// Cancelled + reduced + cleared.
    Released,
    /// Cleared.
    Cleared,
    /// Released by survey: cancelled + reduced.
    Survey,
}

impl Measure {
    /// Every measure.
    pub const ALL: [Measure; 3] = [Measure::Released, Measure::Cleared, Measure::Survey];

    /// `released`, `cleared` or `survey_released`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Measure::Released => "released",
            Measure::Cleared => "cleared",
            Measure::Survey => "survey_released",
        }
    }

    /// The measure of a name, if any.
    #[must_use]
    pub fn from_name(s: &str) -> Option<Measure> {
        Measure::ALL.into_iter().find(|m| m.name() == s)
    }
}

/// What a record says of its programme, beyond its size.
#[derive(Clone, Debug, PartialEq)]
pub struct Covariates {
    /// What sizes it.
    pub driver: Driver,
    /// Its contamination.
    pub hazards: Vec<HazardKind>,
    /// Its funding is international support only (the national share is not in it).
    pub international_only: bool,
    /// The calendar year.
    pub year: i32,
    /// Suspected hazardous area at the start of the year, km², when reported.
    pub suspected_km2: Option<f64>,
}

/// The covariates' names, in the order of [`features`].
pub const FEATURES: [&str; 5] = ["intercept", "ln_size", "deminers_driven", "teams_driven", "international_only"];

/// The sizes each driver is centred on (its logarithm is taken relative to these).
pub const CENTRES: [(&str, f64); 3] = [("funding", 1e7), ("deminers", 500.0), ("teams", 20.0)];

/// The covariate vector of a record (see [`FEATURES`]): the logarithm of its size relative to
/// the driver's centre, which driver it is, and whether its funding is international only (the
/// national part, not in it, buys release too). Covariates tried and left out because they did
/// not forecast better out of sample (hazard mix, year) are listed in docs/FORECAST.md.
#[must_use]
pub fn features(c: &Covariates) -> Vec<f64> {
    let centre = |name: &str| CENTRES.iter().find(|(n, _)| *n == name).map_or(1.0, |(_, v)| *v);
    let indicator = |b: bool| if b { 1.0 } else { 0.0 };
    vec![
        1.0,
        (c.driver.value() / centre(c.driver.kind())).ln(),
        indicator(matches!(c.driver, Driver::Deminers(_))),
        indicator(matches!(c.driver, Driver::Teams(_))),
        indicator(c.international_only && matches!(c.driver, Driver::Funding(_))),
    ]
}

/// The prior on the coefficients (means, sds), in the order of [`FEATURES`]: weakly informative.
/// Release in proportion to the programme's size (slope 1 ± 0.5); every other effect 0 ± 1 on the
/// log scale (a factor e within one sd); the level 0 ± 5 (a km² per US$ 10 M, within e⁵).
#[must_use]
pub fn coefficient_prior() -> (Vec<f64>, Vec<f64>) {
    (vec![0.0, 1.0, 0.0, 0.0, 0.0], vec![5.0, 0.5, 1.0, 1.0, 1.0])
}

/// One measure's fitted model: coefficients pooled over every record (what a record of a
/// country not in the fit is predicted with), and each country's effect on top of them, pooled
/// partially towards 0 by the spread of countries' effects.
#[derive(Clone, Debug, PartialEq)]
pub struct MeasureFit {
    /// The measure.
    pub measure: Measure,
    /// Observations fitted.
    pub n: usize,
    /// The pooled model: coefficients (posterior), their covariance and the residual sd.
    pub pooled: PooledFit,
    /// Within-country residual sd and the sd of country effects (one-way random effects on the
    /// pooled model's residuals).
    pub sigma_within: f64,
    /// See `sigma_within`.
    pub tau: f64,
    /// Countries, and each one's effect (posterior mean and variance).
    pub countries: Vec<String>,
    /// See `countries`.
    pub country_effect: Vec<f64>,
    /// See `countries`.
    pub country_var: Vec<f64>,
}

impl MeasureFit {
    /// The predictive (mean, sd) of ln(area) for covariates `x` of `country`.
    #[must_use]
    pub fn predict(&self, x: &[f64], country: &str) -> (f64, f64) {
        match self.countries.iter().position(|c| c == country) {
            Some(g) => {
                let (mean, sd) = self.pooled.predict(x, false);
                let var = sd * sd + self.country_var[g] + self.sigma_within * self.sigma_within;
                (mean + self.country_effect[g], var.sqrt())
            }
            None => self.pooled.predict(x, true),
        }
    }
}

/// A fitted forecast: one model per measure that had enough records.
#[derive(Clone, Debug, PartialEq)]
pub struct Forecast {
    /// The fitted measures.
    pub measures: Vec<MeasureFit>,
    /// The records fitted: their file, its fingerprint, how many rows and countries.
    pub records: String,
    /// FNV-1a of the records file's bytes, hex.
    pub fingerprint: String,
    /// Records used and countries.
    pub n_records: usize,
    /// Countries among them.
    pub n_countries: usize,
    /// Out-of-sample scores of the fit (leave one country out), when computed: name and value.
    pub diagnostics: Vec<(String, f64)>,
}

impl Forecast {
    /// The predictive distribution of ln(area) (mean, sd) of `measure` for a record of `country`
    /// with covariates `c`; `None` when the measure was not fitted.
    #[must_use]
    pub fn predict(&self, measure: Measure, country: &str, c: &Covariates) -> Option<(f64, f64)> {
        let m = self.measures.iter().find(|m| m.measure == measure)?;
        Some(m.predict(&features(c), country))
    }
}

/// One ratio of the benchmark: the mean and sd of ln(km² per unit of driver) over the records of
/// a measure (or of every measure: `*`) and a kind of driver.
#[derive(Clone, Debug, PartialEq)]
pub struct BenchmarkRatio {
    /// A measure's name, or `*`.
    pub measure: String,
    /// `funding`, `deminers` or `teams`.
    pub driver: String,
    /// Mean of ln(km² per unit).
    pub mean: f64,
    /// Its sd.
    pub sd: f64,
    /// Records that gave it.
    pub n: usize,
}

/// The one-line benchmark a planner would use: km² released per unit of driver, lognormal,
/// fitted per measure and kind of driver.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Benchmark {
    /// Its ratios.
    pub ratios: Vec<BenchmarkRatio>,
}

impl Benchmark {
    /// The benchmark's predictive (mean, sd) of ln(area) of `measure` for `driver`: its own ratio
    /// when at least 3 records gave it, else its driver kind's over every measure.
    #[must_use]
    pub fn predict(&self, measure: Measure, driver: Driver) -> Option<(f64, f64)> {
        let find = |m: &str| self.ratios.iter().find(|r| r.measure == m && r.driver == driver.kind() && r.n >= 3);
        let r = find(measure.name()).or_else(|| find("*"))?;
        (r.sd > 0.0).then(|| (r.mean + driver.value().ln(), r.sd))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_coefficient_prior_is_stated_per_feature() {
        let (mean, sd) = coefficient_prior();
        assert_eq!((mean.len(), sd.len()), (FEATURES.len(), FEATURES.len()));
        // Release in proportion to size (slope 1 ± 0.5); the level 0 ± 5; every other effect 0 ± 1.
        assert_eq!(mean, [0.0, 1.0, 0.0, 0.0, 0.0]);
        assert_eq!(sd, [5.0, 0.5, 1.0, 1.0, 1.0]);
    }

    fn ratio(measure: &str, driver: &str, mean: f64, sd: f64, n: usize) -> BenchmarkRatio {
        BenchmarkRatio { measure: measure.into(), driver: driver.into(), mean, sd, n }
    }

    #[test]
    fn benchmark_uses_its_own_ratio_then_the_kinds_and_never_a_zero_spread() {
        let b = Benchmark {
            ratios: vec![
                ratio("released", "funding", -13.0, 0.5, 3),
                ratio("cleared", "funding", -14.0, 0.7, 2),
                ratio("*", "funding", -13.5, 0.9, 9),
                ratio("released", "deminers", -3.0, 0.0, 5),
            ],
        };
        let (m, s) = b.predict(Measure::Released, Driver::Funding(1e6)).unwrap();
        assert!((m - (-13.0 + 1e6f64.ln())).abs() < 1e-12 && (s - 0.5).abs() < 1e-15);
        // Two records are too few for cleared's own ratio: the funding ratio over every measure.
        let (m, s) = b.predict(Measure::Cleared, Driver::Funding(1e6)).unwrap();
        assert!((m - (-13.5 + 1e6f64.ln())).abs() < 1e-12 && (s - 0.9).abs() < 1e-15);
        assert_eq!(b.predict(Measure::Released, Driver::Deminers(100.0)), None, "a zero sd is no forecast");
        assert_eq!(b.predict(Measure::Released, Driver::Teams(10.0)), None, "no ratio for teams");
    }
}
