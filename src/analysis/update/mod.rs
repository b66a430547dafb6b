//! Learning from the field: a scenario's uncertain inputs conditioned on what survey and
//! clearance found (`demine update`, docs/UPDATE.md).
//!
//! The prior is the scenario's joint distribution of its uncertain inputs (with its rank
//! correlations). Each observation has a likelihood given the inputs' values: a count of
//! hazardous areas cancelled out of those surveyed is binomial in the cancelled fraction; a
//! share of area (cancelled of surveyed, reduced of worked) is binomial with an effective number
//! of areas; a rate (m² cleared per team-day, items found per hectare worked, the suspected area
//! at the scenario's start) is lognormal around the scenario's value. The posterior is found by importance
//! weighting of prior draws, with the effective sample size (ESS) reported; when weighting
//! degenerates (ESS below a tenth of the draws) the draws are resampled and moved by Metropolis
//! steps in the space of the inputs' uniforms (resample-move), where the prior is flat. Each
//! updated input's posterior is written as a distribution of the scenario's kinds (a beta on its
//! bounds, a lognormal, or a normal) fitted to the weighted draws by moments.

use crate::error::{Error, Result};
use crate::io::field::FieldRow;
use crate::model::Scenario;
use crate::sampling::stream::{mix64, trial_key, unit_open};
use crate::sampling::{Dist, DistParams};
use std::collections::BTreeSet;

mod observations;
pub use observations::{DEFAULT_AREAS, Observation, RATE_SD, STOCK_SD, UnusedRow, observations};
use observations::{log_likelihood, predict, reads};

/// One updated input: its prior and the distribution fitted to its posterior draws.
#[derive(Clone, Debug, PartialEq)]
pub struct UpdatedInput {
    /// Its path.
    pub name: String,
    /// Its distribution in the scenario.
    pub prior: Dist,
    /// The distribution written for it.
    pub posterior: Dist,
    /// Weighted P5, P50, P95 of the posterior draws.
    pub posterior_draws: [f64; 3],
}

/// What an update found.
#[derive(Clone, Debug)]
pub struct Update {
    /// The scenario with every updated input's posterior.
    pub posterior: Scenario,
    /// The updated inputs.
    pub inputs: Vec<UpdatedInput>,
    /// The observations used and the rows not used.
    pub observations: Vec<Observation>,
    /// See `observations`.
    pub unused: Vec<UnusedRow>,
    /// Prior draws.
    pub draws: usize,
    /// Effective sample size of the importance weights.
    pub ess: f64,
    /// Whether the draws were resampled and moved (weighting degenerated).
    pub moved: bool,
    /// Acceptance rate of the Metropolis moves, when moved.
    pub acceptance: f64,
}

/// A draw: the inputs' uniforms (before the copula) and every parameter's value.
struct Draws<'s> {
    s: &'s Scenario,
    slots: Vec<usize>,
    dists: Vec<Dist>,
    base: Vec<f64>,
    z: Vec<f64>,
}

impl Draws<'_> {
    /// Every parameter's value for the inputs' independent uniforms `u` (the copula applied).
    fn values(&mut self, u: &[f64]) -> Vec<f64> {
        let mut c = u.to_vec();
        if let Some(cor) = self.s.correlation() {
            cor.apply(&mut c, &mut self.z);
        }
        let mut v = self.base.clone();
        for ((slot, dist), u) in self.slots.iter().zip(&self.dists).zip(&c) {
            v[*slot] = dist.quantile(*u);
        }
        v
    }
}

/// Metropolis steps per draw after each tempering step.
const MOVES: usize = 10;

/// Systematic resampling: `n` indices drawn in proportion to `w` (summing to 1).
fn systematic(w: &[f64], n: usize) -> Vec<usize> {
    let mut out = Vec::with_capacity(n);
    let mut cum = 0.0;
    for (i, wi) in w.iter().enumerate() {
        cum += wi;
        while out.len() < n && (out.len() as f64 + 0.5) / n as f64 <= cum {
            out.push(i);
        }
    }
    while out.len() < n {
        out.push(w.len() - 1);
    }
    out
}

/// Weighted quantile of `x` at `p` (weights summing to 1).
fn weighted_quantile(x: &[f64], w: &[f64], p: f64) -> f64 {
    let mut idx: Vec<usize> = (0..x.len()).collect();
    idx.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    let mut cum = 0.0;
    for &i in &idx {
        cum += w[i];
        if cum >= p {
            return x[i];
        }
    }
    idx.last().map_or(f64::NAN, |&i| x[i])
}

/// A distribution of the scenario's kinds fitted by moments to weighted draws: a beta on the
/// prior's bounds when both are finite, a lognormal (by the moments of the logarithm) when the
/// prior is positive, else a normal.
fn fit_posterior(prior: &Dist, x: &[f64], w: &[f64]) -> Result<Dist> {
    let mean: f64 = x.iter().zip(w).map(|(a, b)| a * b).sum();
    let var: f64 = x.iter().zip(w).map(|(a, b)| b * (a - mean) * (a - mean)).sum();
    let (lo, hi) = prior.support();
    if lo.is_finite() && hi.is_finite() && hi > lo {
        let m = ((mean - lo) / (hi - lo)).clamp(1e-9, 1.0 - 1e-9);
        let v = (var / ((hi - lo) * (hi - lo))).clamp(1e-18, m * (1.0 - m) * (1.0 - 1e-9));
        let k = m * (1.0 - m) / v - 1.0;
        return Dist::beta((m * k).clamp(0.001, 1e6), ((1.0 - m) * k).clamp(0.001, 1e6), lo, hi);
    }
    if lo >= 0.0 && x.iter().all(|v| *v > 0.0) {
        let lm: f64 = x.iter().zip(w).map(|(a, b)| b * a.ln()).sum();
        let lv: f64 = x.iter().zip(w).map(|(a, b)| b * (a.ln() - lm) * (a.ln() - lm)).sum();
        let sd = lv.sqrt().max(1e-9);
        return Dist::new(DistParams::Lognormal {
            median: Some(lm.exp()),
            p90: None,
            p95: Some((lm + 1.644_853_626_951_472_2 * sd).exp()),
            mean: None,
            cv: None,
        });
    }
    Dist::normal(mean, var.sqrt().max(1e-12 * mean.abs().max(1.0)))
}

/// Conditions `s`'s uncertain inputs on `rows` (read from the file `source`, whose bytes give
/// `fingerprint`) with `draws` prior draws (seed `seed`); the posterior scenario keeps a record of
/// the update (its `[update]` table).
///
/// # Errors
/// [`Error::InvalidScenario`] for a row's unknown scope; [`Error::Infeasible`] when no row gives an
/// observation the scenario can use, when the scenario has no uncertain input that the
/// observations read, or when every draw is impossible under them.
#[allow(clippy::too_many_lines)] // one procedure, step by step as docs/UPDATE.md states it
pub fn update(
    s: &Scenario,
    rows: &[FieldRow],
    source: &str,
    fingerprint: &str,
    draws: usize,
    seed: u64,
) -> Result<Update> {
    if !(100..=10_000_000).contains(&draws) {
        return Err(Error::invalid("draws", draws as f64, "must lie in [100, 10,000,000]"));
    }
    let (observations, unused) = observations(s, rows)?;
    if observations.is_empty() {
        return Err(Error::Infeasible(format!(
            "none of the {} rows gives an observation this scenario can use (see data/README.md, field/: pairs such as cancelled_km2 with surveyed_km2)",
            rows.len()
        )));
    }
    let params = s.params();
    let inputs: Vec<&crate::model::ParamDef> = params.inputs().collect();
    let mut read: BTreeSet<usize> = BTreeSet::new();
    for o in &observations {
        for p in reads(s, o) {
            if let Some(i) = params.input_position(&params.def(p).name) {
                read.insert(i);
            }
        }
    }
    if read.is_empty() {
        return Err(Error::Infeasible(
            "the observations read no uncertain input of the scenario: there is nothing to update".into(),
        ));
    }
    let k = inputs.len();
    let mut d = Draws {
        s,
        slots: params.input_indices().iter().map(|&i| i as usize).collect(),
        dists: inputs.iter().map(|i| i.dist.clone()).collect(),
        base: params.all().iter().map(|p| p.dist.fixed_value().unwrap_or_else(|| p.dist.mean())).collect(),
        z: vec![0.0; s.correlation().map_or(0, |c| c.inputs.len())],
    };
    let loglik = |v: &[f64]| observations.iter().map(|o| log_likelihood(&o.likelihood, predict(s, o, v))).sum::<f64>();
    // Prior draws: counter-based uniforms, the same for the same seed.
    let mut u: Vec<Vec<f64>> = (0..draws)
        .map(|t| {
            let key = trial_key(seed ^ 0x0DA7_A0F1_E1D5, t as u64);
            (0..k).map(|i| unit_open(mix64(key ^ (i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15)))).collect()
        })
        .collect();
    let mut ll: Vec<f64> = u.iter().map(|ui| loglik(&d.values(ui))).collect();
    let top = ll.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !top.is_finite() {
        return Err(Error::Infeasible("every prior draw is impossible under the observations".into()));
    }
    let raw: Vec<f64> = ll.iter().map(|l| (l - top).exp()).collect();
    let sum: f64 = raw.iter().sum();
    let mut w: Vec<f64> = raw.iter().map(|x| x / sum).collect();
    let ess = 1.0 / w.iter().map(|x| x * x).sum::<f64>();
    let (mut moved, mut acceptance) = (false, 0.0);
    if ess < draws as f64 / 10.0 {
        // Weighting degenerates: tempered resample-move. The likelihood is brought in by powers
        // φ from 0 to 1, each step as large as keeps half the draws effective; after each, the
        // draws are resampled and moved by Metropolis steps in the uniforms of the inputs the
        // observations read (the prior is flat there, so a step is accepted with the ratio of
        // the tempered likelihoods).
        moved = true;
        let dims: Vec<usize> = read.iter().copied().collect();
        let (mut phi, mut tries, mut accepted) = (0.0, 0usize, 0usize);
        let mut round = 0u64;
        while phi < 1.0 && round < 500 {
            let ess_at = |next: f64| {
                let top = ll.iter().map(|l| (next - phi) * l).fold(f64::NEG_INFINITY, f64::max);
                let w: Vec<f64> = ll.iter().map(|l| ((next - phi) * l - top).exp()).collect();
                let sum: f64 = w.iter().sum();
                sum * sum / w.iter().map(|x| x * x).sum::<f64>()
            };
            let next = if ess_at(1.0) >= draws as f64 / 2.0 {
                1.0
            } else {
                let (mut lo, mut hi) = (phi, 1.0);
                for _ in 0..60 {
                    let mid = 0.5 * (lo + hi);
                    if ess_at(mid) >= draws as f64 / 2.0 { lo = mid } else { hi = mid }
                }
                lo.max(phi + 1e-9)
            };
            let top = ll.iter().map(|l| (next - phi) * l).fold(f64::NEG_INFINITY, f64::max);
            let wts: Vec<f64> = ll.iter().map(|l| ((next - phi) * l - top).exp()).collect();
            let sum: f64 = wts.iter().sum();
            let picks = systematic(&wts.iter().map(|x| x / sum).collect::<Vec<_>>(), draws);
            u = picks.iter().map(|&i| u[i].clone()).collect();
            ll = picks.iter().map(|&i| ll[i]).collect();
            phi = next;
            let step: Vec<f64> = dims
                .iter()
                .map(|&i| {
                    let m = u.iter().map(|x| x[i]).sum::<f64>() / draws as f64;
                    let sd = (u.iter().map(|x| (x[i] - m) * (x[i] - m)).sum::<f64>() / draws as f64).sqrt();
                    (2.38 / (dims.len() as f64).sqrt() * sd).max(1e-9)
                })
                .collect();
            for (t, (ut, lt)) in u.iter_mut().zip(ll.iter_mut()).enumerate() {
                for m in 0..MOVES {
                    let key = trial_key(seed ^ 0x3C3C_5A5A ^ (round << 32), (t * MOVES + m) as u64);
                    let mut prop = ut.clone();
                    let mut inside = true;
                    for (j, (&i, sd)) in dims.iter().zip(&step).enumerate() {
                        let g = crate::sampling::dist::std_normal_quantile(unit_open(mix64(key ^ (j as u64 + 7))));
                        prop[i] += sd * g;
                        inside &= prop[i] > 0.0 && prop[i] < 1.0;
                    }
                    tries += 1;
                    if !inside {
                        continue;
                    }
                    let lp = loglik(&d.values(&prop));
                    if phi * (lp - *lt) >= unit_open(mix64(key ^ 0xACCE)).ln() {
                        *ut = prop;
                        *lt = lp;
                        accepted += 1;
                    }
                }
            }
            round += 1;
        }
        acceptance = accepted as f64 / tries.max(1) as f64;
        w = vec![1.0 / draws as f64; draws];
        if phi < 1.0 {
            return Err(Error::Infeasible(format!(
                "the observations lie too far from the scenario's inputs: 500 tempering steps reached only {:.3} of \
                 their likelihood (ESS of plain weighting {ess:.1} of {draws}); check the rows against the scenario",
                phi
            )));
        }
    }
    let mut posterior = s.clone();
    let mut updated = Vec::new();
    let values: Vec<Vec<f64>> = u.iter().map(|ui| d.values(ui)).collect();
    for &i in &read {
        let slot = d.slots[i];
        let x: Vec<f64> = values.iter().map(|v| v[slot]).collect();
        let dist = fit_posterior(&d.dists[i], &x, &w)?;
        let name = inputs[i].name.clone();
        posterior.set(&name, dist.clone())?;
        updated.push(UpdatedInput {
            posterior_draws: [
                weighted_quantile(&x, &w, 0.05),
                weighted_quantile(&x, &w, 0.5),
                weighted_quantile(&x, &w, 0.95),
            ],
            prior: d.dists[i].clone(),
            posterior: dist,
            name,
        });
    }
    let method = if moved {
        format!(
            "importance weighting of {draws} prior draws, ESS {ess:.0}: degenerate, so tempered resample-move (Metropolis steps in the inputs' uniforms, acceptance {acceptance:.2})"
        )
    } else {
        format!("importance weighting of {draws} prior draws, ESS {ess:.0}")
    };
    let record = crate::model::update::UpdateRecord {
        observed: source.to_string(),
        fingerprint: fingerprint.to_string(),
        method,
        draws,
        ess,
        observations: observations.iter().map(|o| o.description.clone()).collect(),
        inputs: updated.iter().map(|u| (u.name.clone(), u.prior.clone(), u.posterior.clone())).collect(),
    };
    let posterior = posterior
        .with_name(&format!("{}-updated", s.name()))
        .with_description(&format!("{} Updated with the field results of {source}.", s.description()))
        .with_update(record);
    Ok(Update { posterior, inputs: updated, observations, unused, draws, ess, moved, acceptance })
}
