//! Parallel, reproducible execution of trials.
//!
//! Trials are cut into fixed-size batches; rayon runs the batches on any number
//! of threads. Reproducibility does not rest on the batching at all: every
//! random number of trial `t` is a function of (seed, t, input name or site
//! id) alone (see [`crate::sampling::stream`]), each trial writes its own row,
//! and floating-point totals are summed afterwards in trial order. The only
//! quantities combined across threads are the per-site counters, which are
//! integers (release times in fixed point, 2^-20 year), whose sums do not
//! depend on the order. Hence bit-identical results on 1, 2 or N threads.

use super::compiled::Compiled;
use super::config::Engine;
use super::reference;
use super::series::YearValues;
pub(crate) use super::trial::SiteAcc;
use super::trial::{Scratch, run_trial};
use crate::sampling::stream::trial_key;
use crate::sampling::{Correlation, Quantile, QuantileFn, UniformSource};
use rayon::prelude::*;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Where a trial's input values come from.
pub(crate) trait InputProvider: Sync {
    /// Writes the uncertain inputs' values of `trial` into `x` (one per input, `scratch` for
    /// working space); returns the key of the trial's per-site random numbers.
    fn fill(&self, trial: u64, scratch: &mut Scratch, x: &mut [f64]) -> u64;
}

/// Inputs sampled by a [`UniformSource`], re-paired by the copula, through the quantile functions.
pub(crate) struct SampledInputs<'a> {
    pub source: UniformSource,
    pub quantiles: &'a [QuantileFn],
    pub correlation: Option<&'a Correlation>,
    pub seed: u64,
}

/// Salt separating per-site streams from input streams.
const SITE_SALT: u64 = 0x51E5_17E5_0000_0001;

impl InputProvider for SampledInputs<'_> {
    #[inline]
    fn fill(&self, trial: u64, scratch: &mut Scratch, x: &mut [f64]) -> u64 {
        self.source.fill(trial, &mut scratch.u);
        if let Some(c) = self.correlation {
            c.apply(&mut scratch.u, &mut scratch.z);
        }
        for ((x, u), q) in x.iter_mut().zip(&scratch.u).zip(self.quantiles) {
            *x = q.quantile(*u);
        }
        trial_key(self.seed ^ SITE_SALT, trial)
    }
}

/// Inputs given row by row (Saltelli designs); site noise keyed by a base row.
pub(crate) struct GivenInputs<'a> {
    /// Row-major, `k` values per row.
    pub rows: &'a [f64],
    pub k: usize,
    /// Site-noise key of each row.
    pub keys: &'a [u64],
    /// The trial number of the first row.
    pub first: u64,
}

impl InputProvider for GivenInputs<'_> {
    #[inline]
    fn fill(&self, trial: u64, _: &mut Scratch, x: &mut [f64]) -> u64 {
        let t = (trial - self.first) as usize;
        x.copy_from_slice(&self.rows[t * self.k..(t + 1) * self.k]);
        self.keys[t]
    }
}

/// The storage of consecutive trials, borrowed from the run's columns (each
/// trial writes its own values in place: nothing is held twice).
pub(crate) struct Batch<'a> {
    /// The first trial.
    pub first: u64,
    /// Trials in the batch.
    pub len: usize,
    /// Each output column's slice for these trials.
    pub rows: Vec<&'a mut [f64]>,
    /// Each input column's slice for these trials.
    pub inputs: Vec<&'a mut [f64]>,
    /// The yearly series of these trials, row-major (trials × years), zeroed.
    pub series: &'a mut [YearValues],
}

/// Progress reporting: called after each batch with (trials done, trials in the run).
pub type ProgressFn<'a> = &'a (dyn Fn(u64, u64) + Sync);

/// Trials per batch: site runs cost ~0.1-1 ms a trial; aggregate runs ~1 µs.
pub(crate) fn batch_size(c: &Compiled<'_>) -> u64 {
    if c.sites.is_some() { 8 } else { 512 }
}

/// Progress reporting across rounds: `f(before + done in this round, total)` and the observer's
/// `progress`; the observer's stop request is read before each batch.
pub(crate) struct Progress<'a> {
    pub f: Option<ProgressFn<'a>>,
    pub observer: &'a crate::observe::Observer,
    pub before: u64,
    pub total: u64,
}

/// Runs the trials of `batches` (cut by [`batch_size`]), writing each trial's
/// values into its batch; returns the site counters and whether every output a
/// failed trial is judged by ([`Output::is_derived`](super::outputs::Output::is_derived) ones aside) is finite,
/// found while the values are still in the cache.
pub(crate) fn run<P: InputProvider>(
    c: &Compiled<'_>,
    provider: &P,
    batches: Vec<Batch<'_>>,
    progress: &Progress<'_>,
) -> (SiteAcc, bool) {
    let n_out = c.cols.n;
    let k = c.quantiles.len();
    let sl = c.series_len;
    let done = AtomicU64::new(0);
    let non_finite = AtomicBool::new(false);
    // The exponent bits of the outputs a failed trial is judged by (0 for the others).
    let checked: Vec<u64> =
        c.defs.iter().map(|d| if d.output.is_derived() { 0 } else { f64::INFINITY.to_bits() }).collect();
    // One scratch (with its per-site counters) per worker thread, kept for the whole run: a fold
    // would make one per piece of work stolen, and a scheduled run's counters are 12 bytes a site.
    // Counters are integers, so which worker counts which trial does not change the sums.
    let workers = rayon::current_num_threads().max(1);
    let slots: Vec<Mutex<Option<(Scratch, Block)>>> = (0..workers).map(|_| Mutex::new(None)).collect();
    let spill: Mutex<Vec<SiteAcc>> = Mutex::new(Vec::new());
    batches.into_par_iter().for_each(|mut batch| {
        // A stop request skips the batches not yet started; the caller returns `Cancelled`.
        if progress.observer.stop_requested() {
            return;
        }
        let slot = &slots[rayon::current_thread_index().unwrap_or(0) % workers];
        // A worker runs one batch at a time; should its slot be busy all the same, the batch gets a
        // scratch of its own whose counters are kept aside.
        let mut own = None;
        let mut guard = slot.try_lock().ok();
        let (scratch, block) = match guard.as_deref_mut() {
            Some(held) => held.get_or_insert_with(|| (Scratch::new(c), Block::new(n_out, k))),
            None => own.insert((Scratch::new(c), Block::new(n_out, k))),
        };
        let mut failed = false;
        for start in (0..batch.len).step_by(BLOCK) {
            let len = BLOCK.min(batch.len - start);
            for (j, (row, x)) in block
                .rows
                .chunks_exact_mut(n_out.max(1))
                .zip(block.inputs.chunks_exact_mut(k.max(1)))
                .take(len)
                .enumerate()
            {
                let t = start + j;
                let x = &mut x[..k];
                let key = provider.fill(batch.first + t as u64, scratch, x);
                scratch.scatter_inputs(&c.input_slots, x);
                let series = &mut batch.series[t * sl..(t + 1) * sl];
                match c.engine {
                    Engine::Fast => run_trial(c, key, scratch, &mut row[..n_out], series),
                    Engine::Reference => {
                        let sites = c.reference.as_ref();
                        reference::run_trial(
                            c,
                            sites,
                            &scratch.v,
                            key,
                            &mut scratch.site_acc,
                            &mut row[..n_out],
                            series,
                        );
                    }
                }
                failed |= any_non_finite(row, &checked);
            }
            block.write(&mut batch.rows, &mut batch.inputs, start, len);
        }
        if failed {
            non_finite.store(true, Ordering::Relaxed);
        }
        if let Some((scratch, _)) = own {
            spill.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(scratch.site_acc);
        }
        let m = batch.len as u64;
        let d = done.fetch_add(m, Ordering::Relaxed) + m;
        if let Some(f) = progress.f {
            f(progress.before + d, progress.total);
        }
        progress.observer.progress(progress.before + d, progress.total);
    });
    let spilled = spill.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut total = SiteAcc::default();
    for acc in slots
        .into_iter()
        .filter_map(|m| m.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner))
        .map(|(scratch, _)| scratch.site_acc)
        .chain(spilled)
    {
        total.add(acc);
    }
    (total, !non_finite.into_inner())
}

/// Whether a value of `row` whose mask in `exponents` is the exponent field is infinite or NaN
/// (all its exponent bits set); a mask of 0 leaves the value out. Branch-free, so it vectorises.
#[inline]
fn any_non_finite(row: &[f64], exponents: &[u64]) -> bool {
    let all_ones = f64::INFINITY.to_bits();
    row.iter().zip(exponents).fold(false, |bad, (v, &m)| bad | (v.to_bits() & m == all_ones))
}

/// Trials per block: a block's rows are written trial by trial into a small
/// buffer, then column by column into the run's columns (a few pages touched
/// per column and block instead of one page per value).
const BLOCK: usize = 32;

/// The outputs and inputs of a block of trials, row-major.
struct Block {
    rows: Vec<f64>,
    inputs: Vec<f64>,
    n_out: usize,
    k: usize,
}

impl Block {
    fn new(n_out: usize, k: usize) -> Self {
        Block { rows: vec![0.0; BLOCK * n_out.max(1)], inputs: vec![0.0; BLOCK * k.max(1)], n_out, k }
    }

    /// Copies the block's first `len` trials into trials `start..start + len` of the columns.
    fn write(&self, rows: &mut [&mut [f64]], inputs: &mut [&mut [f64]], start: usize, len: usize) {
        for (i, col) in rows.iter_mut().enumerate() {
            for (v, row) in col[start..start + len].iter_mut().zip(self.rows.chunks_exact(self.n_out)) {
                *v = row[i];
            }
        }
        for (i, col) in inputs.iter_mut().enumerate() {
            for (v, x) in col[start..start + len].iter_mut().zip(self.inputs.chunks_exact(self.k)) {
                *v = x[i];
            }
        }
    }
}
