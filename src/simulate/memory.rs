//! The memory a run takes, estimated before anything big is allocated, so that
//! a run too large is refused at once with the estimate and the limit, instead
//! of being aborted by the allocator.
//!
//! The estimate counts what the run holds at its peak, from its data
//! structures: every trial's outputs and inputs (8 bytes each) and yearly
//! series (32 bytes a year), written in place (nothing is held twice); the
//! copies the summaries sort (one column per worker at a time), the fan
//! charts' buffers and the failed-trial mask; the site arrays (and an
//! inventory's records and ids); and the program itself. Building the sites needs more memory for a moment than the run
//! keeps, so the peak is the larger of the two phases. `tests/hostile_sizes.rs`
//! checks it against the measured peak (VmHWM) of aggregate, bill and
//! scheduled runs.

use super::series::YearValues;

/// The program itself: code, quantile tables, thread stacks and scratch, the
/// scenario (8.0-9.5 MB measured beside the trials of small aggregate and
/// scheduled Ukraine runs on 2 threads, 10,000 to 100,000 trials).
pub(crate) const BASE_BYTES: u64 = 8 << 20;
/// Per site while the site arrays are built, at the sort: the rows in file
/// order (48 bytes: weights, strata, keys, farmland, population, expected
/// areas, regions; an inventory's priority column is counted with the
/// inventory), the exposure (8), the sort keys (16) and the work order (4).
/// Later steps hold less: the rows no longer needed are freed, and the
/// columns are put in work order through one spare column.
const SITE_BUILD_BYTES: u64 = 76;
/// Per site kept during the run (the arrays in work order).
const SITE_KEPT_BYTES: u64 = 64;
/// Per site and per worker (plus one being merged): a scheduled run's release counters.
const SITE_ACC_BYTES: u64 = 12;
/// Per site at the end of a scheduled run: region index (synthetic ids are made
/// when asked for; an inventory's are counted with the inventory), mean year and share released.
const SITE_RESULT_BYTES: u64 = 20;

/// What a run's memory depends on.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Footprint {
    /// Sites (0 for the aggregate engine).
    pub sites: u64,
    /// True when sites are scheduled (per-site release counters and results are kept).
    pub scheduled: bool,
    /// Worker threads.
    pub threads: u64,
    /// Bytes per trial.
    pub per_trial: u64,
    /// Bytes of an inventory's records and ids, held throughout (0 for synthetic sites).
    pub inventory: u128,
    /// Bytes of an inventory's priority column while the sites are built (0 for synthetic sites).
    pub inventory_building: u128,
}

impl Footprint {
    /// The footprint of a run with `outputs` output columns, `inputs`
    /// uncertain inputs and `series_years` years of yearly series per trial.
    pub(crate) fn new(
        outputs: usize,
        inputs: usize,
        series_years: usize,
        sites: u64,
        scheduled: bool,
        threads: usize,
    ) -> Self {
        let year = std::mem::size_of::<YearValues>() as u64;
        let threads = threads.max(1) as u64;
        let kept = 8 * (outputs as u64 + inputs as u64) + year * series_years as u64;
        // Summaries sort a copy of one column per worker; fan charts keep the
        // indices of good trials and a buffer; the failed-trial mask is a byte.
        let transient = 8 * threads.min(outputs.max(1) as u64) + if series_years > 0 { 16 } else { 0 } + 1;
        Footprint { sites, scheduled, threads, per_trial: kept + transient, inventory: 0, inventory_building: 0 }
    }

    /// The records of an inventory whose ids are `ids` (already in memory,
    /// whatever the engine) and, when the run builds its sites (`copied`), the
    /// copy of each id and status it keeps (and, when scheduled, the results' copy of each id).
    pub(crate) fn with_inventory<'a>(mut self, ids: impl Iterator<Item = &'a str>, copied: bool) -> Self {
        let record = std::mem::size_of::<crate::model::SiteRecord>() as u128;
        let string = std::mem::size_of::<String>() as u128;
        // A heap block holds the text and 8 bytes of header, in steps of 16, at least 32.
        let block = |len: usize| ((len as u128 + 8).div_ceil(16) * 16).max(32);
        let copies = u128::from(copied) + u128::from(copied && self.scheduled);
        let copy = |len: usize| copies * (string + block(len)) + if copied { 2 } else { 0 };
        let mut n = 0u128;
        self.inventory = ids.map(|id| record + block(id.len()) + copy(id.len())).inspect(|_| n += 1).sum();
        self.inventory_building = if copied { 8 * n } else { 0 };
        self
    }

    /// Bytes held apart from the trials while the run goes on.
    pub(crate) fn fixed(&self) -> u128 {
        let mut per_site = u128::from(SITE_KEPT_BYTES);
        if self.scheduled {
            per_site += u128::from(SITE_ACC_BYTES) * u128::from(self.threads + 1) + u128::from(SITE_RESULT_BYTES);
        }
        u128::from(BASE_BYTES) + per_site * u128::from(self.sites) + self.inventory
    }

    /// Peak bytes while the sites are built.
    pub(crate) fn building(&self) -> u128 {
        u128::from(BASE_BYTES)
            + u128::from(SITE_BUILD_BYTES) * u128::from(self.sites)
            + self.inventory
            + self.inventory_building
    }

    /// Estimated peak bytes of a run of `trials` trials in all.
    pub(crate) fn total(&self, trials: u64) -> u128 {
        self.building().max(self.fixed() + u128::from(self.per_trial) * u128::from(trials))
    }

    /// The most trials that fit in `limit` bytes (0 when the sites alone do not).
    pub(crate) fn max_trials(&self, limit: u64) -> u64 {
        let free = u128::from(limit).saturating_sub(self.fixed());
        u64::try_from(free / u128::from(self.per_trial.max(1))).unwrap_or(u64::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_do_not_overflow_and_take_the_larger_phase() {
        let f = Footprint::new(40, 10, 100, u64::MAX, true, 1024);
        assert!(f.total(u64::MAX) > u128::from(u64::MAX));
        let f = Footprint::new(10, 0, 0, 1_000_000, false, 2);
        // Building 1e6 sites (76 MB) outweighs keeping them (64 MB) plus 100 trials.
        assert_eq!(f.total(100), u128::from(BASE_BYTES) + 76_000_000);
        assert_eq!(f.max_trials(BASE_BYTES), 0);
    }
}
