//! The result of a run: per-trial values, summaries, yearly series, per-site
//! results; and the builder that assembles it from the engine's chunks.

use super::columns;
use super::compiled::Compiled;
use super::config::ModelLevel;
use super::engine::{Batch, SiteAcc};
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

/// Assembles chunks into an [`Outcome`].
pub(crate) struct Builder {
    columns: Vec<Vec<f64>>,
    inputs: Vec<Vec<f64>>,
    series: Vec<YearValues>,
    acc: SiteAcc,
    trials: u64,
    /// The number of the first trial.
    first: u64,
    /// Whether the engine found every checked output of every trial so far finite.
    all_finite: bool,
}

impl Builder {
    /// A builder for trials numbered from `first`, with room for `capacity` of them.
    pub(crate) fn new(c: &Compiled<'_>, capacity: u64, first: u64) -> Self {
        let cap = usize::try_from(capacity).unwrap_or(0);
        Builder {
            columns: (0..c.cols.n).map(|_| Vec::with_capacity(cap)).collect(),
            inputs: (0..c.quantiles.len()).map(|_| Vec::with_capacity(cap)).collect(),
            series: Vec::with_capacity(cap.saturating_mul(c.series_len)),
            acc: SiteAcc::default(),
            trials: 0,
            first,
            all_finite: true,
        }
    }

    /// The number of the first trial.
    pub(crate) fn first(&self) -> u64 {
        self.first
    }

    /// Makes room for `more` trials at the end of every column and the series
    /// (every allocation is tried before any is used, so a failure leaves the
    /// contents as they were); returns `more` as a length. The new rows are
    /// zeroed and written through [`Builder::batches`].
    ///
    /// # Errors
    /// [`Error::OutOfMemory`] naming the column and the bytes that could not be allocated.
    pub(crate) fn grow(&mut self, c: &Compiled<'_>, more: u64) -> Result<usize> {
        let too_many = |what: &str, per: u64| Error::OutOfMemory {
            what: what.to_string(),
            bytes: u128::from(more) * u128::from(per),
            limit_bytes: None,
        };
        let m = usize::try_from(more).map_err(|_| too_many("trials", 8))?;
        let sl = c.series_len;
        let year = std::mem::size_of::<YearValues>() as u64;
        let series_more = m.checked_mul(sl).ok_or_else(|| too_many("yearly series", year * sl as u64))?;
        for (what, col) in
            self.columns.iter_mut().map(|c| ("outputs", c)).chain(self.inputs.iter_mut().map(|c| ("inputs", c)))
        {
            col.try_reserve_exact(m).map_err(|_| too_many(what, 8))?;
        }
        self.series.try_reserve_exact(series_more).map_err(|_| too_many("yearly series", year * sl as u64))?;
        for col in self.columns.iter_mut().chain(self.inputs.iter_mut()) {
            col.resize(col.len() + m, 0.0);
        }
        self.series.resize(self.series.len() + series_more, YearValues::default());
        Ok(m)
    }

    /// The storage of rows `from..from + m` (grown, not yet committed), cut
    /// into batches of `per` trials; `sl` years of series per trial. Row `r`
    /// holds trial number `first + r`.
    pub(crate) fn batches(&mut self, sl: usize, from: usize, m: usize, per: usize) -> Vec<Batch<'_>> {
        let per = per.max(1);
        let first = self.first;
        let mut batches: Vec<Batch<'_>> = (0..m.div_ceil(per))
            .map(|b| Batch {
                first: first + (from + b * per) as u64,
                len: per.min(m - b * per),
                rows: Vec::with_capacity(self.columns.len()),
                inputs: Vec::with_capacity(self.inputs.len()),
                series: &mut [],
            })
            .collect();
        for col in &mut self.columns {
            for (b, part) in batches.iter_mut().zip(col[from..from + m].chunks_mut(per)) {
                b.rows.push(part);
            }
        }
        for col in &mut self.inputs {
            for (b, part) in batches.iter_mut().zip(col[from..from + m].chunks_mut(per)) {
                b.inputs.push(part);
            }
        }
        if sl > 0 {
            let window = &mut self.series[from * sl..(from + m) * sl];
            for (b, part) in batches.iter_mut().zip(window.chunks_mut(per * sl)) {
                b.series = part;
            }
        }
        batches
    }

    /// Records `more` trials written through [`Builder::grow`]'s batches, their site counters,
    /// and whether the engine found every output it checks finite in them.
    /// Drops rows grown by [`Self::grow`] and not committed (a cancelled round): the builder is as
    /// it was before.
    pub(crate) fn rollback(&mut self, sl: usize) {
        let t = usize::try_from(self.trials).unwrap_or(usize::MAX);
        for col in self.columns.iter_mut().chain(self.inputs.iter_mut()) {
            col.truncate(t);
        }
        self.series.truncate(t.saturating_mul(sl));
    }

    pub(crate) fn commit(&mut self, more: u64, acc: SiteAcc, all_finite: bool) {
        self.trials += more;
        self.acc.add(acc);
        self.all_finite &= all_finite;
    }

    /// Values so far of output column `i`.
    pub(crate) fn column(&self, i: usize) -> &[f64] {
        &self.columns[i]
    }

    /// Trials with a non-finite output; a derived output (a ratio) may be
    /// undefined on its own without failing the trial. Empty when no trial
    /// failed, which the engine found as it wrote the values (the same test).
    fn failed_mask(&self, defs: &[OutputDef]) -> Vec<bool> {
        if self.all_finite {
            return Vec::new();
        }
        let mut mask = vec![false; self.trials as usize];
        for (col, d) in self.columns.iter().zip(defs) {
            if d.output.is_derived() {
                continue;
            }
            for (m, v) in mask.iter_mut().zip(col) {
                *m |= !v.is_finite();
            }
        }
        mask
    }

    /// Trials assembled so far.
    pub(crate) fn trials(&self) -> u64 {
        self.trials
    }

    pub(crate) fn finish(self, c: &Compiled<'_>) -> Outcome {
        let s = c.scenario;
        let failed_mask = self.failed_mask(&c.defs);
        let mut failed = Vec::new();
        let mut failed_count = 0;
        for (t, &f) in failed_mask.iter().enumerate() {
            if !f {
                continue;
            }
            failed_count += 1;
            if failed.len() < 10 {
                failed.push(FailedTrial {
                    trial: self.first + t as u64,
                    outputs: c
                        .defs
                        .iter()
                        .zip(&self.columns)
                        .filter(|(_, col)| !col[t].is_finite())
                        .map(|(d, _)| qualified_name(d, s))
                        .collect(),
                    inputs: s.inputs().zip(&self.inputs).map(|(i, col)| (i.name.clone(), col[t])).collect(),
                });
            }
        }
        let mut columns = self.columns;
        // A failed trial is excluded from every summary, not averaged in.
        if failed_count > 0 {
            for col in &mut columns {
                for (v, f) in col.iter_mut().zip(&failed_mask) {
                    if *f {
                        *v = f64::NAN;
                    }
                }
            }
        }
        let counted = c.sites.as_ref().filter(|_| s.capacity().is_some()).map(|sa| {
            let n = sa.weight.len();
            let mut counts = SiteCounts { sum_t: vec![0; n], released: vec![0; n] };
            // Counters in work order, put back in file order (sites without counters stay 0).
            for ((&orig, &r), &t) in sa.original.iter().zip(&self.acc.released).zip(&self.acc.sum_t) {
                counts.released[orig as usize] = r;
                counts.sum_t[orig as usize] = t;
            }
            (site_results(sa.labels(s), &counts, s.start_year(), self.trials), counts)
        });
        let (sites, site_counts) = counted.unzip();
        Outcome {
            scenario_name: s.name().to_string(),
            currency: s.currency().to_string(),
            start_year: s.start_year(),
            model: c.level,
            sampler: c.sampler,
            seed: c.seed,
            trials: self.trials,
            horizon: c.horizon,
            defs: c.defs.clone(),
            region_names: s.regions().iter().map(|r| r.name.clone()).collect(),
            columns,
            input_names: s.inputs().map(|i| i.name.clone()).collect(),
            input_labels: s.inputs().map(|i| i.label.clone()).collect(),
            inputs: self.inputs,
            series: self.series,
            summaries: unsummarised(c.defs.len()),
            failed,
            failed_count,
            sites,
            site_counts,
            first_trial: self.first,
            plan_key: crate::sampling::stream::name_key(&format!(
                "{:?}|{:?}|{}",
                s.params(),
                s.capacity().map(|c| c.priority),
                c.sites.as_ref().map_or(0, |sa| sa.weight.len())
            )),
            correlated_inputs: s.correlation().is_some(),
            correlation_repairs: s.correlation().map_or_else(Vec::new, |c| c.repairs().to_vec()),
        }
    }
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

/// `name` for national outputs, `region/name` for regional ones.
fn qualified_name(d: &OutputDef, s: &crate::model::Scenario) -> String {
    match d.region {
        None => d.name.clone(),
        Some(r) => format!("{}/{}", s.regions()[r].name, d.name),
    }
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
