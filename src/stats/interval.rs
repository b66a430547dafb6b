//! Confidence intervals with at least their nominal coverage: exact
//! distribution-free order-statistic intervals for quantiles and Student's t
//! for the mean.
//!
//! # Quantiles
//! With n independent draws of a continuous output, the number B of draws
//! below the p-quantile q_p is Binomial(n, p), so the order statistics
//! X₍ₗ₎ ≤ X₍ᵤ₎ bound q_p with probability
//! P(X₍ₗ₎ ≤ q_p ≤ X₍ᵤ₎) = P(l ≤ B ≤ u − 1) = 1 − P(B ≤ l − 1) − P(B ≥ u)
//! whatever the output's distribution. [`order_statistic_ranks`] takes the
//! equal-tailed ranks (each tail ≤ (1 − level)/2); when one tail cannot be met
//! (P(B = 0) or P(B = n) alone exceeds it, as for P5 with 20 trials) it puts
//! that end at the extreme order statistic and moves the other end until the
//! coverage reaches the level; when even X₍₁₎ … X₍ₙ₎ cover less, there is no
//! such interval ("too few trials").

use crate::sampling::dist::{beta_quantile, std_normal_quantile};
use statrs::function::gamma::ln_gamma;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// 1-based ranks `(l, u)`, `l ≤ u ≤ n`, of the order statistics that bound
/// the `p` quantile of `n` independent draws with probability at least
/// `level`, or `None` when no pair of ranks reaches it (too few trials).
///
/// Exact binomial probabilities (no normal approximation); the work grows as
/// √n (terms within 40 standard deviations of n·p), and results are cached
/// per (n, p, level).
#[must_use]
pub fn order_statistic_ranks(n: u64, p: f64, level: f64) -> Option<(u64, u64)> {
    if n == 0 || !(p > 0.0 && p < 1.0) || !(level > 0.0 && level < 1.0) {
        return None;
    }
    type Cache = Mutex<HashMap<(u64, u64, u64), Option<(u64, u64)>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let key = (n, p.to_bits(), level.to_bits());
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    if let Ok(map) = cache.lock()
        && let Some(r) = map.get(&key)
    {
        return *r;
    }
    let r = ranks_uncached(n, p, level);
    if let Ok(mut map) = cache.lock() {
        if map.len() > 4096 {
            map.clear();
        }
        map.insert(key, r);
    }
    r
}

fn ranks_uncached(n: u64, p: f64, level: f64) -> Option<(u64, u64)> {
    let nf = n as f64;
    let sd = (nf * p * (1.0 - p)).sqrt();
    // Beyond 40 sd (and 40 counts) a binomial term is below e⁻⁸⁰⁰: nothing a double holds.
    let k_lo = (nf * p - 40.0 * sd - 40.0).floor().max(0.0) as u64;
    let k_hi = ((nf * p + 40.0 * sd + 40.0).ceil() as u64).min(n);
    let ln_n1 = ln_gamma(nf + 1.0);
    let (lp, lq) = (p.ln(), (-p).ln_1p());
    let pmf: Vec<f64> = (k_lo..=k_hi)
        .map(|k| {
            let kf = k as f64;
            (ln_n1 - ln_gamma(kf + 1.0) - ln_gamma(nf - kf + 1.0) + kf * lp + (nf - kf) * lq).exp()
        })
        .collect();
    // cdf[i] = P(B ≤ k_lo + i), summed from the left; sf[i] = P(B ≥ k_lo + i), from the right.
    let mut cdf = Vec::with_capacity(pmf.len());
    let mut acc = 0.0;
    for m in &pmf {
        acc += m;
        cdf.push(acc);
    }
    let mut sf = vec![0.0; pmf.len()];
    let mut acc = 0.0;
    for (i, m) in pmf.iter().enumerate().rev() {
        acc += m;
        sf[i] = acc;
    }
    let below = |k: u64| -> f64 {
        // P(B ≤ k)
        if k < k_lo {
            0.0
        } else if k > k_hi {
            1.0
        } else {
            cdf[(k - k_lo) as usize]
        }
    };
    let at_or_above = |k: u64| -> f64 {
        // P(B ≥ k)
        if k <= k_lo {
            1.0
        } else if k > k_hi {
            0.0
        } else {
            sf[(k - k_lo) as usize]
        }
    };
    let tail = 0.5 * (1.0 - level);
    // Largest l ≥ 1 with P(B ≤ l − 1) ≤ t; smallest u ≤ n with P(B ≥ u) ≤ t.
    let lower = |t: f64| -> Option<u64> {
        if below(0) > t {
            return None;
        }
        // below() is non-decreasing: binary search for the last k with below(k) ≤ t.
        let (mut a, mut b) = (0_u64, n); // below(a) ≤ t
        while a < b {
            let mid = a + (b - a).div_ceil(2);
            if below(mid) <= t { a = mid } else { b = mid - 1 }
        }
        Some((a + 1).min(n))
    };
    let upper = |t: f64| -> Option<u64> {
        if at_or_above(n) > t {
            return None;
        }
        let (mut a, mut b) = (1_u64, n); // at_or_above(b) ≤ t
        while a < b {
            let mid = a + (b - a) / 2;
            if at_or_above(mid) <= t { b = mid } else { a = mid + 1 }
        }
        Some(b)
    };
    let (l, u) = match (lower(tail), upper(tail)) {
        (Some(l), Some(u)) => (l, u),
        (None, Some(_)) => (1, upper(1.0 - level - below(0))?),
        (Some(_), None) => (lower(1.0 - level - at_or_above(n))?, n),
        (None, None) => (1, n),
    };
    let coverage = 1.0 - below(l - 1) - at_or_above(u);
    (l <= u && coverage >= level).then_some((l, u))
}

/// The `p` quantile of Student's t with `df` degrees of freedom (`df > 0`,
/// `p` in (0, 1)); NaN otherwise.
///
/// # Formula
/// For p > ½: t = √(ν·y/(1 − y)) with y = I⁻¹(½, ν/2; 2p − 1) (so that
/// t²/(ν + t²) ~ Beta(½, ν/2)), the inverse regularised incomplete beta
/// (bounded work, see
/// [`crate::sampling::Dist::quantile`]); for ν > 10⁵ the Cornish-Fisher
/// expansion in 1/ν to the fourth order (error below 1e-15). Agrees with
/// statrs' `StudentsT::inverse_cdf`, which can loop forever for large ν.
#[must_use]
pub fn student_t_quantile(df: f64, p: f64) -> f64 {
    if !(df > 0.0 && p > 0.0 && p < 1.0) {
        return f64::NAN;
    }
    if p < 0.5 {
        return -student_t_quantile(df, 1.0 - p);
    }
    if p == 0.5 {
        return 0.0;
    }
    if df > 1e5 {
        let z = std_normal_quantile(p);
        let z2 = z * z;
        let g1 = (z2 + 1.0) * z / 4.0;
        let g2 = ((5.0 * z2 + 16.0) * z2 + 3.0) * z / 96.0;
        let g3 = (((3.0 * z2 + 19.0) * z2 + 17.0) * z2 - 15.0) * z / 384.0;
        let g4 = ((((79.0 * z2 + 776.0) * z2 + 1482.0) * z2 - 1920.0) * z2 - 945.0) * z / 92_160.0;
        return z + (g1 + (g2 + (g3 + g4 / df) / df) / df) / df;
    }
    // y is small for large ν, and solved for directly (not as 1 − x), keeping its digits.
    let y = beta_quantile(0.5, 0.5 * df, 2.0 * p - 1.0);
    (df * y / (1.0 - y)).sqrt()
}

/// The Wilson score interval of a proportion: `successes` of `n` at two-sided confidence `level`
/// (Wilson 1927). Unlike the normal approximation it stays within [0, 1] and is not degenerate at 0
/// or `n` successes. `None` for `n` = 0 or a level outside (0, 1).
#[must_use]
pub fn wilson_interval(successes: u64, n: u64, level: f64) -> Option<[f64; 2]> {
    if n == 0 || !(level > 0.0 && level < 1.0) || successes > n {
        return None;
    }
    let z = crate::sampling::dist::std_normal_quantile(0.5 + level / 2.0);
    let nf = n as f64;
    let p = successes as f64 / nf;
    let z2 = z * z;
    let centre = (p + z2 / (2.0 * nf)) / (1.0 + z2 / nf);
    let half = z / (1.0 + z2 / nf) * (p * (1.0 - p) / nf + z2 / (4.0 * nf * nf)).sqrt();
    // At 0 or n successes the bound is exactly 0 or 1 (the formula leaves rounding dust).
    let lo = if successes == 0 { 0.0 } else { (centre - half).max(0.0) };
    let hi = if successes == n { 1.0 } else { (centre + half).min(1.0) };
    Some([lo, hi])
}

#[cfg(test)]
mod wilson_tests {
    use super::wilson_interval;

    #[test]
    fn wilson_matches_the_closed_form_and_stays_in_the_unit_interval() {
        // 8 of 10 at 95 %: Wilson's interval is [0.4902, 0.9433] (z = 1.95996).
        let [lo, hi] = wilson_interval(8, 10, 0.95).unwrap();
        assert!((lo - 0.4902).abs() < 1e-4 && (hi - 0.9433).abs() < 1e-4, "{lo} {hi}");
        let [lo, hi] = wilson_interval(0, 20, 0.95).unwrap();
        assert!(lo == 0.0 && hi > 0.1 && hi < 0.2, "{lo} {hi}");
        assert!(wilson_interval(1, 0, 0.95).is_none() && wilson_interval(3, 2, 0.95).is_none());
        assert!(wilson_interval(1, 2, 1.0).is_none());
    }
}
