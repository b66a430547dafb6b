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
use super::series::YearValues;
use super::trial::{Scratch, run_trial};
use crate::sampling::stream::trial_key;
use crate::sampling::{Correlation, Quantile, QuantileFn, UniformSource};
use rayon::prelude::*;
use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};

/// Where a trial's input values come from.
pub(crate) trait InputProvider: Sync {
    /// Writes the uncertain inputs' values of `trial` into `scratch.x`; returns
    /// the key of the trial's per-site random numbers.
    fn fill(&self, trial: u64, scratch: &mut Scratch) -> u64;
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
    fn fill(&self, trial: u64, scratch: &mut Scratch) -> u64 {
        self.source.fill(trial, &mut scratch.u);
        if let Some(c) = self.correlation {
            c.apply(&mut scratch.u, &mut scratch.z);
        }
        for ((x, u), q) in scratch.x.iter_mut().zip(&scratch.u).zip(self.quantiles) {
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
}

impl InputProvider for GivenInputs<'_> {
    #[inline]
    fn fill(&self, trial: u64, scratch: &mut Scratch) -> u64 {
        let t = trial as usize;
        scratch.x.copy_from_slice(&self.rows[t * self.k..(t + 1) * self.k]);
        self.keys[t]
    }
}

/// The rows of consecutive trials.
pub(crate) struct Chunk {
    pub first: u64,
    /// Row-major outputs.
    pub rows: Vec<f64>,
    /// Row-major input values.
    pub inputs: Vec<f64>,
    /// Row-major yearly series (trials × years).
    pub series: Vec<YearValues>,
}

/// Per-site counters summed over trials (integers: order-independent).
#[derive(Clone, Debug, Default)]
pub(crate) struct SiteAcc {
    /// Σ release time (fixed point) over trials where the site was released, sorted order.
    pub sum_t: Vec<u64>,
    /// Trials in which the site was released within the horizon.
    pub released: Vec<u32>,
}

impl SiteAcc {
    pub(crate) fn new(n: usize) -> Self {
        SiteAcc { sum_t: vec![0; n], released: vec![0; n] }
    }
    pub(crate) fn add(&mut self, o: &SiteAcc) {
        if self.sum_t.is_empty() {
            *self = o.clone();
            return;
        }
        for (a, b) in self.sum_t.iter_mut().zip(&o.sum_t) {
            *a += b;
        }
        for (a, b) in self.released.iter_mut().zip(&o.released) {
            *a += b;
        }
    }
}

/// Progress reporting: called after each batch with (trials done, trials in the run).
pub type ProgressFn<'a> = &'a (dyn Fn(u64, u64) + Sync);

/// Runs trials `range` and returns their chunks in trial order plus the site counters.
pub(crate) fn run<P: InputProvider>(
    c: &Compiled<'_>,
    provider: &P,
    range: Range<u64>,
    progress: Option<ProgressFn<'_>>,
) -> (Vec<Chunk>, SiteAcc) {
    let n_out = c.cols.n;
    let k = c.quantiles.len();
    let sl = c.series_len;
    // Site runs cost ~0.1-1 ms a trial; aggregate runs ~1 µs.
    let batch: u64 = if c.sites.is_some() { 8 } else { 512 };
    let len = range.end - range.start;
    let n_batches = len.div_ceil(batch);
    let done = AtomicU64::new(0);
    let (mut chunks, acc) = (0..n_batches)
        .into_par_iter()
        .fold(
            || (Vec::new(), Scratch::new(c)),
            |(mut chunks, mut scratch), b| {
                let first = range.start + b * batch;
                let last = (first + batch).min(range.end);
                let m = (last - first) as usize;
                let mut chunk = Chunk {
                    first,
                    rows: vec![0.0; m * n_out],
                    inputs: vec![0.0; m * k],
                    series: vec![YearValues::default(); m * sl],
                };
                for (j, t) in (first..last).enumerate() {
                    let key = provider.fill(t, &mut scratch);
                    scratch.scatter_inputs(&c.input_slots);
                    chunk.inputs[j * k..(j + 1) * k].copy_from_slice(&scratch.x);
                    run_trial(
                        c,
                        key,
                        &mut scratch,
                        &mut chunk.rows[j * n_out..(j + 1) * n_out],
                        &mut chunk.series[j * sl..(j + 1) * sl],
                    );
                }
                chunks.push(chunk);
                if let Some(p) = progress {
                    let d = done.fetch_add(m as u64, Ordering::Relaxed) + m as u64;
                    p(d, len);
                }
                (chunks, scratch)
            },
        )
        .map(|(chunks, scratch)| (chunks, scratch.site_acc))
        .reduce(
            || (Vec::new(), SiteAcc::default()),
            |(mut a, mut acc_a), (b, acc_b)| {
                a.extend(b);
                acc_a.add(&acc_b);
                (a, acc_a)
            },
        );
    chunks.sort_by_key(|c| c.first);
    (chunks, acc)
}
