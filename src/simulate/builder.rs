//! The builder that assembles an [`Outcome`] from the engine's chunks: it grows the columns
//! before a round, hands out batches, commits or rolls the round back, and finishes into the
//! outcome with its failed trials and per-site results.

use super::compiled::Compiled;
use super::engine::{Batch, SiteAcc};
use super::outcome::{FailedTrial, Outcome, SiteCounts, site_results, unsummarised};
use super::outputs::OutputDef;
use super::series::YearValues;
use crate::error::{Error, Result};

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

/// `name` for national outputs, `region/name` for regional ones.
fn qualified_name(d: &OutputDef, s: &crate::model::Scenario) -> String {
    match d.region {
        None => d.name.clone(),
        Some(r) => format!("{}/{}", s.regions()[r].name, d.name),
    }
}
