//! The result of a run: per-trial values, summaries, yearly series, per-site
//! results (the builder that assembles it from the engine's chunks is in `builder.rs`).

use super::columns;
use super::config::ModelLevel;
use super::outputs::{Output, OutputDef};
use super::series::{Series, YearValues};
use super::site_results::{SiteLabels, SiteResults};
use super::trial;
use crate::error::{Error, Result};
use crate::sampling::Sampler;
use crate::stats::summary::{Summary, quantile_sorted};
use serde::{Deserialize, Serialize};

/// A trial whose outputs were not finite (an extreme input draw), with its inputs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FailedTrial {
    /// Trial index.
    pub trial: u64,
    /// The outputs that were NaN or infinite.
    pub outputs: Vec<String>,
    /// Every uncertain input's value in that trial.
    pub inputs: Vec<(String, f64)>,
}

/// The result of a run: per-trial values of every output, their summaries,
/// the yearly series, per-site results, and failed trials.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub(crate) scenario_name: String,
    pub(crate) currency: String,
    pub(crate) start_year: i32,
    pub(crate) model: ModelLevel,
    pub(crate) sampler: Sampler,
    pub(crate) seed: u64,
    pub(crate) trials: u64,
    pub(crate) horizon: usize,
    pub(crate) defs: Vec<OutputDef>,
    pub(crate) region_names: Vec<String>,
    pub(crate) columns: Vec<Vec<f64>>,
    pub(crate) input_names: Vec<String>,
    pub(crate) input_labels: Vec<String>,
    pub(crate) inputs: Vec<Vec<f64>>,
    pub(crate) series: Vec<YearValues>,
    /// Each output's summary, computed on first use of that output (sorting
    /// every column costs more than many runs, so a caller who reads a few
    /// outputs sorts only those).
    pub(crate) summaries: Vec<std::sync::OnceLock<Summary>>,
    pub(crate) failed: Vec<FailedTrial>,
    pub(crate) failed_count: u64,
    pub(crate) sites: Option<SiteResults>,
    /// The integer counters behind `sites` (file order), kept so that parts merge exactly.
    pub(crate) site_counts: Option<SiteCounts>,
    /// The number of the first trial ([`crate::SimConfig::first_trial`]).
    pub(crate) first_trial: u64,
    /// A digest of the scenario's parameters and sites, so that parts of different plans do not merge.
    pub(crate) plan_key: u64,
    pub(crate) correlated_inputs: bool,
    pub(crate) correlation_repairs: Vec<crate::sampling::RepairedEntry>,
}

/// `n` summaries, none computed yet.
pub(crate) fn unsummarised(n: usize) -> Vec<std::sync::OnceLock<Summary>> {
    (0..n).map(|_| std::sync::OnceLock::new()).collect()
}

/// Per-site counters in file order: Σ release time (fixed point, see
/// [`trial::TIME_FIXED`]) and the trials that released each site.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct SiteCounts {
    pub sum_t: Vec<u64>,
    pub released: Vec<u32>,
}

/// Per-site results from the counters of `trials` trials.
pub(crate) fn site_results(labels: SiteLabels, counts: &SiteCounts, start_year: i32, trials: u64) -> SiteResults {
    use rayon::prelude::*;
    let mean = counts
        .sum_t
        .par_iter()
        .zip(&counts.released)
        .map(
            |(&t, &r)| {
                if r > 0 { f64::from(start_year) + t as f64 / trial::TIME_FIXED / f64::from(r) } else { f64::NAN }
            },
        )
        .collect();
    let share = counts.released.par_iter().map(|&r| f64::from(r) / trials.max(1) as f64).collect();
    SiteResults::new(labels, mean, share)
}

impl Outcome {
    /// Scenario name.
    #[must_use]
    pub fn scenario_name(&self) -> &str {
        &self.scenario_name
    }
    /// Currency of the costs.
    #[must_use]
    pub fn currency(&self) -> &str {
        &self.currency
    }
    /// First year of work.
    #[must_use]
    pub fn start_year(&self) -> i32 {
        self.start_year
    }
    /// Trials run.
    #[must_use]
    pub fn trials(&self) -> u64 {
        self.trials
    }
    /// The number of the first trial (0 unless the run is a part, see [`crate::SimConfig::first_trial`]).
    #[must_use]
    pub fn first_trial(&self) -> u64 {
        self.first_trial
    }
    /// Seed used.
    #[must_use]
    pub fn seed(&self) -> u64 {
        self.seed
    }
    /// Sampler used.
    #[must_use]
    pub fn sampler(&self) -> Sampler {
        self.sampler
    }
    /// Model level used.
    #[must_use]
    pub fn model(&self) -> ModelLevel {
        self.model
    }
    /// Years simulated by the schedule (0 without capacity).
    #[must_use]
    pub fn horizon_years(&self) -> usize {
        self.horizon
    }
    /// Every output's definition, national ones first.
    #[must_use]
    pub fn outputs(&self) -> &[OutputDef] {
        &self.defs
    }
    /// The definition of a national output by name (its unit, label and direction are those of the
    /// same output in every region).
    #[must_use]
    pub fn output_def(&self, name: &str) -> Option<&OutputDef> {
        self.index(name, None).map(|i| &self.defs[i])
    }
    /// Region names.
    #[must_use]
    pub fn region_names(&self) -> &[String] {
        &self.region_names
    }

    fn index(&self, name: &str, region: Option<usize>) -> Option<usize> {
        self.defs.iter().position(|d| d.name == name && d.region == region)
    }

    /// The summary of column `i`, computed on first use.
    fn summary_at(&self, i: usize) -> &Summary {
        self.summaries[i].get_or_init(|| Summary::new(&self.columns[i]))
    }

    /// Every output's summary, in [`Outcome::outputs`] order; those not yet computed are, columns in parallel.
    fn all_summaries(&self) -> impl Iterator<Item = &Summary> {
        use rayon::prelude::*;
        self.summaries.par_iter().zip(&self.columns).for_each(|(s, col)| {
            s.get_or_init(|| Summary::new(col));
        });
        (0..self.columns.len()).map(|i| self.summary_at(i))
    }

    /// Per-trial values of a national output, by kind (NaN for failed trials).
    #[must_use]
    pub fn values_of(&self, output: Output) -> Option<&[f64]> {
        self.defs.iter().position(|d| d.output == output && d.region.is_none()).map(|i| self.columns[i].as_slice())
    }

    /// Summary of a national output, by kind.
    #[must_use]
    pub fn summary_of(&self, output: Output) -> Option<&Summary> {
        self.defs.iter().position(|d| d.output == output && d.region.is_none()).map(|i| self.summary_at(i))
    }

    /// Per-trial values of a national output (NaN for failed trials).
    #[must_use]
    pub fn values(&self, name: &str) -> Option<&[f64]> {
        self.index(name, None).map(|i| self.columns[i].as_slice())
    }

    /// Summary of a national output.
    #[must_use]
    pub fn summary(&self, name: &str) -> Option<&Summary> {
        self.index(name, None).map(|i| self.summary_at(i))
    }

    /// Summary of a regional output (`region` by name).
    #[must_use]
    pub fn region_summary(&self, region: &str, name: &str) -> Option<&Summary> {
        let r = self.region_names.iter().position(|n| n == region)?;
        self.index(name, Some(r)).map(|i| self.summary_at(i))
    }

    /// Per-trial values of a regional output.
    #[must_use]
    pub fn region_values(&self, region: &str, name: &str) -> Option<&[f64]> {
        let r = self.region_names.iter().position(|n| n == region)?;
        self.index(name, Some(r)).map(|i| self.columns[i].as_slice())
    }

    /// All (definition, summary) pairs.
    pub fn summaries(&self) -> impl Iterator<Item = (&OutputDef, &Summary)> {
        self.defs.iter().zip(self.all_summaries())
    }

    /// Any quantile of a national output (type 7), failed trials excluded.
    ///
    /// # Errors
    /// [`Error::Unknown`] for an unknown output; [`Error::InvalidValue`] for `p` outside [0, 1].
    pub fn quantile(&self, name: &str, p: f64) -> Result<f64> {
        if !(0.0..=1.0).contains(&p) {
            return Err(Error::invalid("p", p, "a probability must lie in [0, 1]"));
        }
        let v = self.values(name).ok_or_else(|| self.unknown_output(name))?;
        let mut s: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
        s.sort_by(f64::total_cmp);
        Ok(quantile_sorted(&s, p))
    }

    /// The probability that a national output is at most `threshold` (e.g. staying within a budget).
    ///
    /// # Errors
    /// [`Error::Unknown`] for an unknown output; [`Error::InvalidValue`] for a NaN threshold (no
    /// value is at most NaN, so 0 would pass for an answer).
    pub fn probability_at_most(&self, name: &str, threshold: f64) -> Result<f64> {
        if threshold.is_nan() {
            return Err(Error::invalid("threshold", threshold, "must be a number (not NaN)"));
        }
        let v = self.values(name).ok_or_else(|| self.unknown_output(name))?;
        let ok: Vec<&f64> = v.iter().filter(|x| x.is_finite()).collect();
        Ok(ok.iter().filter(|x| ***x <= threshold).count() as f64 / ok.len().max(1) as f64)
    }

    pub(crate) fn unknown_output(&self, name: &str) -> Error {
        columns::unknown_output(&self.defs, name, "output")
    }

    /// The uncertain inputs' names.
    #[must_use]
    pub fn input_names(&self) -> &[String] {
        &self.input_names
    }

    /// The uncertain inputs' labels.
    #[must_use]
    pub fn input_labels(&self) -> &[String] {
        &self.input_labels
    }

    /// Per-trial values of input `i`.
    #[must_use]
    pub fn input_values(&self, i: usize) -> Option<&[f64]> {
        self.inputs.get(i).map(Vec::as_slice)
    }

    /// True when the scenario correlates inputs (rank-based sensitivity then misleads).
    #[must_use]
    pub fn has_correlated_inputs(&self) -> bool {
        self.correlated_inputs
    }

    /// Share of (non-failed) trials in which some land was still not released at
    /// the horizon ("not finished"); 0 without a schedule.
    #[must_use]
    pub fn not_finished_share(&self) -> f64 {
        self.values("share_released_by_horizon").map_or(0.0, |v| {
            let ok: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
            ok.iter().filter(|x| **x < 1.0 - 1e-12).count() as f64 / ok.len().max(1) as f64
        })
    }

    /// Entries of the scenario's correlation matrix changed by a repair (empty when none was needed).
    #[must_use]
    pub fn correlation_repairs(&self) -> &[crate::sampling::RepairedEntry] {
        &self.correlation_repairs
    }

    /// Fan chart of a yearly series: per year (from the start year), P10, P50, P90
    /// across non-failed trials. Empty without a site-level schedule.
    #[must_use]
    pub fn fan_chart(&self, series: Series) -> Vec<[f64; 3]> {
        let h = self.horizon;
        if self.series.is_empty() || h == 0 {
            return Vec::new();
        }
        let ok: Vec<usize> =
            (0..self.trials as usize).filter(|&t| self.columns.first().is_none_or(|c| c[t].is_finite())).collect();
        let mut buf = Vec::with_capacity(ok.len());
        (0..h)
            .map(|y| {
                buf.clear();
                buf.extend(ok.iter().map(|&t| f64::from(series.get(&self.series[t * h + y]))));
                buf.sort_by(f64::total_cmp);
                [quantile_sorted(&buf, 0.1), quantile_sorted(&buf, 0.5), quantile_sorted(&buf, 0.9)]
            })
            .collect()
    }

    /// One trial's yearly series (one entry per year of the horizon); empty
    /// without a site-level schedule.
    #[must_use]
    pub fn trial_series(&self, trial: usize) -> &[YearValues] {
        let h = self.horizon;
        self.series.get(trial * h..(trial + 1) * h).unwrap_or(&[])
    }

    /// Failed trials (at most 10 kept, with their inputs) and how many there were.
    #[must_use]
    pub fn failed_trials(&self) -> (&[FailedTrial], u64) {
        (&self.failed, self.failed_count)
    }

    /// Per-site release results, for scheduled site-level runs.
    #[must_use]
    pub fn sites(&self) -> Option<&SiteResults> {
        self.sites.as_ref()
    }
}
