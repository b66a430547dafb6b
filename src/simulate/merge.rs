//! Runs split by trial range, joined exactly: [`Outcome::merge`], and the serde
//! form that carries an [`Outcome`] between processes or machines.
//!
//! Trial `t`'s random numbers depend only on (seed, `t`), each trial writes its
//! own row, and per-site results are integer counters; so the parts
//! `0..a, a..b, ...` of a run, merged in order, hold the very same rows and
//! counters as one run of all trials, and every summary computed from them is
//! bit-identical.
//!
//! ```
//! use demine::{ModelLevel, Outcome, SimConfig};
//! let s = demine::io::load_scenario("ukraine-2024")?;
//! let config = SimConfig::default().with_model(ModelLevel::Aggregate).with_seed(3);
//! let whole = demine::simulate(&s, &config.clone().with_trials(600))?;
//! let a = demine::simulate(&s, &config.clone().with_trials(250))?;
//! let b = demine::simulate(&s, &config.clone().with_first_trial(250).with_trials(350))?;
//! let merged = Outcome::merge(vec![b, a])?; // any order
//! assert_eq!(merged.values("total_cost"), whole.values("total_cost"));
//! assert_eq!(merged.summary("total_cost"), whole.summary("total_cost"));
//! # Ok::<(), demine::Error>(())
//! ```

use super::config::ModelLevel;
use super::outcome::{FailedTrial, Outcome, SiteCounts, site_results};
use super::outputs::{Output, OutputDef};
use super::series::YearValues;
use super::site_results::SiteLabels;
use crate::error::{Error, Problem, Result};
use crate::sampling::{RepairedEntry, Sampler};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// How many failed trials an outcome keeps as examples.
const FAILED_EXAMPLES: usize = 10;

impl Outcome {
    /// Joins the parts of one run split by trial range (in any order) into the
    /// outcome of the whole run, bit-identical to running it at once.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] for no parts, or parts that are not of the same
    /// scenario, seed, sampler and model, or whose trial ranges leave a gap or overlap.
    pub fn merge(mut parts: Vec<Outcome>) -> Result<Outcome> {
        parts.sort_by_key(Outcome::first_trial);
        let mut parts = parts.into_iter();
        let Some(mut whole) = parts.next() else {
            return Err(Error::InvalidValue(Problem::text("parts", "[]", "must hold at least one outcome")));
        };
        for p in parts {
            whole.check_joins(&p)?;
            whole.append(p)?;
        }
        Ok(whole)
    }

    /// An error when every trial failed (a summary of nothing is not an answer).
    ///
    /// # Errors
    /// [`Error::Infeasible`] naming the failed outputs of the first failed trial.
    pub fn check_some_trial_succeeded(&self) -> Result<()> {
        let (failed, n) = self.failed_trials();
        if n == 0 || n < self.trials() {
            return Ok(());
        }
        let outputs = failed.first().map_or_else(String::new, |f| format!(" ({})", f.outputs.join(", ")));
        Err(Error::Infeasible(format!(
            "every trial failed: {n} of {n} trials gave a non-finite output{outputs}; \
             check the scenario's magnitudes (`demine validate`) and the failed trials' inputs"
        )))
    }

    /// Errs unless `next` is the part of the same run that starts where this one ends.
    fn check_joins(&self, next: &Outcome) -> Result<()> {
        let differ = |what: &str, a: String, b: String| {
            Err(Error::InvalidValue(Problem::text(
                format!("parts.{what}"),
                format!("{a} and {b}"),
                "must be the same in every part of a run",
            )))
        };
        let same_defs = self.defs.len() == next.defs.len()
            && self.defs.iter().zip(&next.defs).all(|(a, b)| a.name == b.name && a.region == b.region);
        if self.scenario_name != next.scenario_name {
            return differ("scenario", self.scenario_name.clone(), next.scenario_name.clone());
        }
        if self.seed != next.seed {
            return differ("seed", self.seed.to_string(), next.seed.to_string());
        }
        if self.sampler != next.sampler {
            return differ("sampler", self.sampler.name().into(), next.sampler.name().into());
        }
        if self.model != next.model {
            return differ("model", self.model.name().into(), next.model.name().into());
        }
        if !same_defs || self.input_names != next.input_names || self.horizon != next.horizon {
            return differ("outputs", format!("{} outputs", self.defs.len()), format!("{} outputs", next.defs.len()));
        }
        if self.plan_key != next.plan_key {
            return differ(
                "plan",
                format!("{:016x}", self.plan_key),
                format!("{:016x} (parameters or sites differ)", next.plan_key),
            );
        }
        let end = self.first_trial + self.trials;
        if next.first_trial != end {
            return Err(Error::InvalidValue(Problem::text(
                "parts",
                format!("trials {}..{} then {}..", self.first_trial, end, next.first_trial),
                if next.first_trial < end { "must not overlap" } else { "must leave no gap" },
            )));
        }
        Ok(())
    }

    /// Appends the rows and counters of `next` (checked by [`Outcome::check_joins`]).
    fn append(&mut self, next: Outcome) -> Result<()> {
        for (a, b) in self.columns.iter_mut().zip(next.columns) {
            a.extend(b);
        }
        for (a, b) in self.inputs.iter_mut().zip(next.inputs) {
            a.extend(b);
        }
        self.series.extend(next.series);
        self.failed.extend(next.failed);
        self.failed.truncate(FAILED_EXAMPLES);
        self.failed_count += next.failed_count;
        self.trials += next.trials;
        self.summaries = super::outcome::unsummarised(self.columns.len());
        if let (Some(a), Some(b)) = (&mut self.site_counts, next.site_counts) {
            let overflow = || Error::invalid("parts", self.trials as f64, "too many trials for the per-site counters");
            for (x, y) in a.sum_t.iter_mut().zip(b.sum_t) {
                *x = x.checked_add(y).ok_or_else(overflow)?;
            }
            for (x, y) in a.released.iter_mut().zip(b.released) {
                *x = x.checked_add(y).ok_or_else(overflow)?;
            }
            if let Some(s) = self.sites.take() {
                self.sites = Some(site_results(s.into_labels(), a, self.start_year, self.trials));
            }
        }
        Ok(())
    }
}

/// The serde form of an [`Outcome`]: everything but the summaries, which are
/// computed again from the values.
#[derive(Serialize, Deserialize)]
struct Wire<D, C, I, Y, F> {
    scenario_name: String,
    currency: String,
    start_year: i32,
    model: ModelLevel,
    sampler: Sampler,
    seed: u64,
    first_trial: u64,
    plan_key: u64,
    trials: u64,
    horizon: usize,
    defs: D,
    region_names: Vec<String>,
    columns: C,
    input_names: Vec<String>,
    input_labels: Vec<String>,
    inputs: I,
    series: Y,
    failed: F,
    failed_count: u64,
    sites: Option<(SiteLabels, SiteCounts)>,
    correlated_inputs: bool,
    correlation_repairs: Vec<RepairedEntry>,
}

/// An output definition on the wire.
type WireDef = (Output, String, String, Option<usize>);

/// The serde form as read back.
type OwnedWire = Wire<Vec<WireDef>, Vec<Vec<f64>>, Vec<Vec<f64>>, Vec<YearValues>, Vec<FailedTrial>>;

impl Serialize for Outcome {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let defs: Vec<WireDef> =
            self.defs.iter().map(|d| (d.output, d.name.clone(), d.unit.clone(), d.region)).collect();
        Wire {
            scenario_name: self.scenario_name.clone(),
            currency: self.currency.clone(),
            start_year: self.start_year,
            model: self.model,
            sampler: self.sampler,
            seed: self.seed,
            first_trial: self.first_trial,
            plan_key: self.plan_key,
            trials: self.trials,
            horizon: self.horizon,
            defs,
            region_names: self.region_names.clone(),
            columns: &self.columns,
            input_names: self.input_names.clone(),
            input_labels: self.input_labels.clone(),
            inputs: &self.inputs,
            series: &self.series,
            failed: &self.failed,
            failed_count: self.failed_count,
            sites: self.sites.as_ref().zip(self.site_counts.as_ref()).map(|(s, c)| (s.labels(), c.clone())),
            correlated_inputs: self.correlated_inputs,
            correlation_repairs: self.correlation_repairs.clone(),
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Outcome {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        use serde::de::Error as _;
        let w = OwnedWire::deserialize(deserializer)?;
        let n = usize::try_from(w.trials).map_err(D::Error::custom)?;
        if w.columns.len() != w.defs.len() || w.columns.iter().chain(&w.inputs).any(|c| c.len() != n) {
            return Err(D::Error::custom("an outcome's columns must hold one value per trial and output"));
        }
        if w.inputs.len() != w.input_names.len() || w.input_labels.len() != w.input_names.len() {
            return Err(D::Error::custom("an outcome's inputs must hold one column and one label per input"));
        }
        // Site runs keep every trial's yearly series over the horizon; aggregate runs keep none.
        let years = if w.model == ModelLevel::Sites { w.horizon } else { 0 };
        if Some(w.series.len()) != n.checked_mul(years) {
            return Err(D::Error::custom(format!(
                "an outcome's yearly series must hold {} trials x {years} years (the horizon), not {} values",
                w.trials,
                w.series.len()
            )));
        }
        if !(1900..=2200).contains(&w.start_year) || w.horizon > 10_000 {
            return Err(D::Error::custom(format!(
                "an outcome's start year ({}) must lie in 1900-2200 and its horizon ({} years) be at most 10,000",
                w.start_year, w.horizon
            )));
        }
        let end = w.first_trial.checked_add(w.trials);
        if w.failed_count > w.trials
            || w.failed.len() as u64 > w.failed_count
            || w.failed.iter().any(|f| end.is_none_or(|e| f.trial < w.first_trial || f.trial >= e))
        {
            return Err(D::Error::custom(format!(
                "an outcome's failed trials ({} counted, {} listed) must be at most its {} trials and among them",
                w.failed_count,
                w.failed.len(),
                w.trials
            )));
        }
        if w.defs.iter().any(|d| d.3.is_some_and(|r| r >= w.region_names.len())) {
            return Err(D::Error::custom("an outcome's regional outputs must name one of its regions"));
        }
        let n_cols = w.columns.len();
        let (sites, site_counts) = match w.sites {
            Some((labels, counts)) => {
                let n = labels.len();
                if !SiteLabels::check(&labels.ids, &labels.region_names, &labels.region_of)
                    || counts.sum_t.len() != n
                    || counts.released.len() != n
                {
                    return Err(D::Error::custom("an outcome's per-site counters must hold one value per site"));
                }
                (Some(site_results(labels, &counts, w.start_year, w.trials)), Some(counts))
            }
            None => (None, None),
        };
        Ok(Outcome {
            scenario_name: w.scenario_name,
            currency: w.currency,
            start_year: w.start_year,
            model: w.model,
            sampler: w.sampler,
            seed: w.seed,
            trials: w.trials,
            horizon: w.horizon,
            defs: w
                .defs
                .into_iter()
                .map(|(output, name, unit, region)| OutputDef { output, name, unit, region })
                .collect(),
            region_names: w.region_names,
            columns: w.columns,
            input_names: w.input_names,
            input_labels: w.input_labels,
            inputs: w.inputs,
            series: w.series,
            summaries: super::outcome::unsummarised(n_cols),
            failed: w.failed,
            failed_count: w.failed_count,
            sites,
            site_counts,
            first_trial: w.first_trial,
            plan_key: w.plan_key,
            correlated_inputs: w.correlated_inputs,
            correlation_repairs: w.correlation_repairs,
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::{ModelLevel, SimConfig, simulate};

    #[test]
    fn a_trial_with_a_non_finite_output_is_counted_and_listed_as_failed() {
        let s = crate::io::load_scenario("ukraine-2024").unwrap();
        let config = SimConfig::default().with_model(ModelLevel::Aggregate);
        let mut run = crate::Run::new(&s, &config).unwrap();
        let k = run.input_quantiles().len();
        // Three rows at the inputs' medians, the middle one with NaN inputs: only it fails.
        let mut row = Vec::new();
        run.quantiles_into(&vec![0.5; k], &mut row);
        let rows: Vec<f64> = [row.clone(), vec![f64::NAN; k], row].concat();
        let e = run.add_input_rows(&rows, &[1, 2, 3]).unwrap_err().to_string();
        assert!(e.starts_with("rows[1][0] ("), "{e}");
        run.add_input_rows_unchecked(&rows, &[1, 2, 3]).unwrap();
        let o = run.finish();
        let (failed, count) = o.failed_trials();
        assert_eq!(count, 1);
        assert_eq!(failed.iter().map(|f| f.trial).collect::<Vec<_>>(), [1]);
        assert!(o.values("total_cost").unwrap()[0].is_finite());
    }

    #[test]
    fn a_summary_is_computed_only_for_the_output_asked_for() {
        let s = crate::io::load_scenario("ukraine-2024").unwrap();
        let o = simulate(&s, &SimConfig::default().with_trials(200).with_model(ModelLevel::Aggregate)).unwrap();
        assert!(o.summaries.iter().all(|s| s.get().is_none()));
        let p50 = o.summary("total_cost").unwrap().p50();
        assert_eq!(o.summaries.iter().filter(|s| s.get().is_some()).count(), 1);
        // All of them, when all are asked for; the one computed first is the same.
        assert_eq!(o.summaries().count(), o.outputs().len());
        assert!(o.summaries.iter().all(|s| s.get().is_some()));
        assert_eq!(o.summary("total_cost").unwrap().p50(), p50);
    }
}
