//! The forecast backtest: every observation of a set of records against its predictive
//! distribution, with proper scores on ln(km²) for the fitted forecast and for the ratio
//! benchmark fitted on the same training records. Leave-one-country-out cross-validation
//! ([`cross_validate`]) fits both on the other countries for each country in turn; a fitted
//! priors file ([`score_forecast`]) predicts new records with the forecast it carries.

use super::fit::{Observation, Unused, fit_benchmark, fit_observations, observations};
use crate::error::Result;
use crate::io::programmes::ProgrammeRecord;
use crate::model::forecast::{Benchmark, Driver, Forecast, Measure};
use crate::stats::scores::{crps_quantiles, interval_score, normal_quantiles, pit_quantiles, quantile_levels};
use serde::Serialize;

/// A driver as the JSON shows it: `{"kind": "funding", "value": 1.2e7}`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DriverValue {
    /// `funding` (US$), `deminers` or `teams`.
    pub kind: &'static str,
    /// Its amount.
    pub value: f64,
}

impl From<Driver> for DriverValue {
    fn from(d: Driver) -> Self {
        DriverValue { kind: d.kind(), value: d.value() }
    }
}

/// One observation against its forecast.
#[derive(Clone, Debug, Serialize)]
pub struct ScoredRow {
    /// Country, year and line of the record.
    pub country: String,
    /// Year.
    pub year: i32,
    /// Line in the records file.
    pub line: usize,
    /// Which area (`released`, `cleared`, `survey_released`).
    pub measure: &'static str,
    /// What sized the programme.
    pub driver: DriverValue,
    /// The reported area, km².
    pub observed_km2: f64,
    /// The forecast's quantiles at 1 %, 2 %, ..., 99 %, km².
    pub quantiles: Vec<f64>,
    /// Its P5, P50 and P95, km².
    pub predicted_km2: [f64; 3],
    /// Observed / P50.
    pub ratio: f64,
    /// Whether the observation lies within [P5, P95].
    pub inside: bool,
    /// The probability integral transform of the observation.
    pub pit: f64,
    /// CRPS on ln(km²).
    pub crps_ln: f64,
    /// The benchmark's CRPS on ln(km²), when it could predict this observation.
    pub benchmark_crps_ln: Option<f64>,
    /// The benchmark's P5, P50 and P95, km².
    pub benchmark_km2: Option<[f64; 3]>,
}

/// Proper scores of a set of forecasts on ln(km²).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Scores {
    /// Observations scored.
    pub n: usize,
    /// Mean CRPS on ln(km²) (lower is better).
    pub crps_ln: f64,
    /// Mean 90 % interval score on ln(km²) (lower is better).
    pub interval_score_90: f64,
    /// Shares of observations inside the central 50 %, 80 % and 90 % intervals.
    pub coverage_50: f64,
    /// See `coverage_50`.
    pub coverage_80: f64,
    /// See `coverage_50`.
    pub coverage_90: f64,
    /// Mean of ln(observed / P50): above 0, the forecast is low.
    pub bias_ln: f64,
    /// Counts of the PIT in ten bins of 0.1 (flat when calibrated).
    pub pit_histogram: [usize; 10],
}

impl Scores {
    /// The scores of forecasts given by their ln-quantiles (1 %..99 %) against ln-observations.
    #[must_use]
    pub fn of<'a>(forecasts: impl Iterator<Item = (&'a [f64], f64)>) -> Scores {
        let levels = quantile_levels();
        let mut s = Scores::default();
        for (q, y) in forecasts {
            s.n += 1;
            s.crps_ln += crps_quantiles(q, &levels, y);
            s.interval_score_90 += interval_score(q[4], q[94], 0.1, y);
            s.coverage_50 += f64::from(u8::from(q[24] <= y && y <= q[74]));
            s.coverage_80 += f64::from(u8::from(q[9] <= y && y <= q[89]));
            s.coverage_90 += f64::from(u8::from(q[4] <= y && y <= q[94]));
            s.bias_ln += y - q[49];
            let pit = pit_quantiles(q, &levels, y);
            s.pit_histogram[((pit * 10.0) as usize).min(9)] += 1;
        }
        let n = s.n.max(1) as f64;
        for v in [
            &mut s.crps_ln,
            &mut s.interval_score_90,
            &mut s.coverage_50,
            &mut s.coverage_80,
            &mut s.coverage_90,
            &mut s.bias_ln,
        ] {
            *v /= n;
        }
        s
    }
}

/// Scores of one measure.
#[derive(Clone, Debug, Serialize)]
pub struct MeasureScores {
    /// The measure.
    pub measure: &'static str,
    /// The forecast's.
    pub model: Scores,
    /// The benchmark's, on the same observations.
    pub benchmark: Scores,
}

/// The forecast backtest's answer.
#[derive(Clone, Debug, Serialize)]
pub struct ForecastBacktest {
    /// `leave-one-country-out` or `fitted priors`.
    pub mode: &'static str,
    /// Every observation scored.
    pub rows: Vec<ScoredRow>,
    /// Scores of the forecast over the observations the benchmark also predicts.
    pub model: Scores,
    /// The benchmark's scores on the same observations.
    pub benchmark: Scores,
    /// The same, per measure (so a survey campaign cannot hide a clearance miss).
    pub by_measure: Vec<MeasureScores>,
    /// Countries among the observations scored.
    pub countries: usize,
    /// Records that give no observation.
    pub unused: Vec<Unused>,
}

/// A predictive normal on ln(km²): (mean, sd), when there is one.
type Prediction = Option<(f64, f64)>;

/// Scores each observation against its forecast's and the benchmark's predictive normals.
fn score(
    mode: &'static str,
    items: Vec<(&Observation, Prediction, Prediction)>,
    unused: Vec<Unused>,
) -> ForecastBacktest {
    let levels = quantile_levels();
    let mut rows = Vec::new();
    let mut pairs: Vec<(Measure, Vec<f64>, Vec<f64>, f64)> = Vec::new();
    for (o, model, benchmark) in items {
        let Some((mean, sd)) = model else { continue };
        let y = o.observed_km2.ln();
        let q = normal_quantiles(mean, sd);
        let bench = benchmark.map(|(m, s)| normal_quantiles(m, s));
        let km2: Vec<f64> = q.iter().map(|v| v.exp()).collect();
        rows.push(ScoredRow {
            country: o.country.clone(),
            year: o.year,
            line: o.line,
            measure: o.measure.name(),
            driver: o.covariates.driver.into(),
            observed_km2: o.observed_km2,
            predicted_km2: [km2[4], km2[49], km2[94]],
            ratio: o.observed_km2 / km2[49],
            inside: q[4] <= y && y <= q[94],
            pit: pit_quantiles(&q, &levels, y),
            crps_ln: crps_quantiles(&q, &levels, y),
            benchmark_crps_ln: bench.as_ref().map(|b| crps_quantiles(b, &levels, y)),
            benchmark_km2: bench.as_ref().map(|b| [b[4].exp(), b[49].exp(), b[94].exp()]),
            quantiles: km2,
        });
        if let Some(b) = bench {
            pairs.push((o.measure, q.to_vec(), b.to_vec(), y));
        }
    }
    let model = Scores::of(pairs.iter().map(|(_, q, _, y)| (q.as_slice(), *y)));
    let benchmark = Scores::of(pairs.iter().map(|(_, _, b, y)| (b.as_slice(), *y)));
    let by_measure = Measure::ALL
        .iter()
        .filter(|m| pairs.iter().any(|p| p.0 == **m))
        .map(|m| MeasureScores {
            measure: m.name(),
            model: Scores::of(pairs.iter().filter(|p| p.0 == *m).map(|(_, q, _, y)| (q.as_slice(), *y))),
            benchmark: Scores::of(pairs.iter().filter(|p| p.0 == *m).map(|(_, _, b, y)| (b.as_slice(), *y))),
        })
        .collect();
    let mut countries: Vec<&str> = rows.iter().map(|r| r.country.as_str()).collect();
    countries.sort_unstable();
    countries.dedup();
    ForecastBacktest { mode, countries: countries.len(), rows, model, benchmark, by_measure, unused }
}

/// Leave-one-country-out cross-validation on `records`: for each country, the forecast and the
/// benchmark are fitted on the other countries' records and predict this country's, as a country
/// they have never seen.
///
/// # Errors
/// [`crate::Error::Infeasible`] when a fold has too few records to fit any measure.
pub fn cross_validate(records: &[ProgrammeRecord]) -> Result<ForecastBacktest> {
    let (obs, unused) = observations(records);
    let mut countries: Vec<&str> = obs.iter().map(|o| o.country.as_str()).collect();
    countries.sort_unstable();
    countries.dedup();
    let mut predictions: Vec<(Prediction, Prediction)> = vec![(None, None); obs.len()];
    for country in &countries {
        let train: Vec<Observation> = obs.iter().filter(|o| o.country != *country).cloned().collect();
        let fits = fit_observations(&train)?;
        let bench = fit_benchmark(train.iter());
        for (o, p) in obs.iter().zip(predictions.iter_mut()).filter(|(o, _)| o.country == *country) {
            // The country is not in the fold's records: it is predicted as a new one.
            let model = fits
                .iter()
                .find(|f| f.measure == o.measure)
                .map(|f| f.pooled.predict(&crate::model::forecast::features(&o.covariates), true));
            *p = (model, bench.predict(o.measure, o.covariates.driver));
        }
    }
    let items = obs.iter().zip(predictions).map(|(o, (m, b))| (o, m, b)).collect();
    Ok(score("leave-one-country-out", items, unused))
}

/// The records scored against a fitted forecast and its benchmark (a priors file from `demine
/// fit`): countries the fit saw are predicted with their estimated effect, others as new.
#[must_use]
pub fn score_forecast(records: &[ProgrammeRecord], forecast: &Forecast, benchmark: &Benchmark) -> ForecastBacktest {
    let (obs, unused) = observations(records);
    let items = obs
        .iter()
        .map(|o| {
            (
                o,
                forecast.predict(o.measure, &o.country, &o.covariates),
                benchmark.predict(o.measure, o.covariates.driver),
            )
        })
        .collect();
    score("fitted priors", items, unused)
}
