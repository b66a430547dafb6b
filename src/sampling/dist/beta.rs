//! The beta distribution's CDF and quantile, with bounded work for every
//! parameter demine accepts.
//!
//! statrs' inverse regularised incomplete beta (AS 109) loops forever for
//! large shapes (α = β = 1e12), takes seconds for tiny ones, and in the lower
//! tail of α < 1 returns values that are wrong in probability and not
//! monotone. This module replaces it:
//!
//! - [`ibeta`], the regularised incomplete beta Iₓ(a, b), by the continued
//!   fraction of Numerical Recipes (modified Lentz) with the prefactor in log
//!   space, evaluated on the side of the mean where it converges; at most
//!   [`CF_MAX_ITER`] terms.
//! - [`beta_quantile`], the root of Iₓ(a, b) = p on the tail holding `p`
//!   (p ≤ ½ solved for x, p > ½ as 1 − root of I_y(b, a) = 1 − p), by Halley
//!   steps kept inside a bracket that every evaluation narrows, falling back to
//!   bisection over the bit patterns of the bracket's ends (at most 64 halvings
//!   reach adjacent doubles, however small the root, as for α = 0.001).
//!   At most [`ROOT_MAX_ITER`] evaluations of [`ibeta`].
//!
//! Accuracy: the shapes demine accepts are [`SHAPE_MIN`] to [`SHAPE_MAX`]. Over
//! that range the continued fraction converges well within its cap, and the
//! prefactor xᵃ(1 − x)ᵇ/B(a, b) is taken from Stirling's series for shapes ≥ 10
//! (the log-gammas themselves would cancel to 1e-9 at 1e6), so the CDF keeps
//! about 1e-13 absolute accuracy everywhere. The quantile is the double where
//! the CDF crosses p (to that accuracy); where doubles near 0 or 1 cannot
//! resolve p (Beta(0.001, 0.001) puts half its mass below 1e-300) it is the
//! nearest representable value.

use statrs::function::gamma::ln_gamma;

/// Smallest beta shape α or β demine accepts (a beta with α = β = 0.001 is
/// already a coin toss between its two ends).
pub const SHAPE_MIN: f64 = 1e-3;
/// Largest beta shape α or β (and PERT shape λ) demine accepts: a beta with
/// α + β = 1e6 has a standard deviation below 0.05 % of its range, as good as
/// fixed, and larger shapes would need more continued-fraction terms than
/// [`CF_MAX_ITER`].
pub const SHAPE_MAX: f64 = 1e6;
/// Cap on continued-fraction terms in [`ibeta`]: a = b = 1e6 needs about 3,000
/// at the mean, where convergence is slowest.
pub const CF_MAX_ITER: u32 = 20_000;
/// Cap on evaluations of [`ibeta`] in [`beta_quantile`] (Halley steps first,
/// then at most 64 bisections).
pub const ROOT_MAX_ITER: u32 = 120;
/// Halley steps tried before falling back to plain bisection.
const HALLEY_ITER: u32 = 50;

/// A pair of shapes with the log-gammas every CDF evaluation needs, computed
/// once: lnΓ(a), lnΓ(b) and ln B(a, b) = lnΓ(a) + lnΓ(b) − lnΓ(a + b). The
/// same operations as evaluating them each time, so the same values.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Shape {
    a: f64,
    b: f64,
    ln_gamma_a: f64,
    ln_gamma_b: f64,
    ln_beta: f64,
}

impl Shape {
    /// The shapes (a, b) of a beta distribution.
    pub(crate) fn new(a: f64, b: f64) -> Self {
        let (ln_gamma_a, ln_gamma_b) = (ln_gamma(a), ln_gamma(b));
        Shape { a, b, ln_gamma_a, ln_gamma_b, ln_beta: ln_gamma_a + ln_gamma_b - ln_gamma(a + b) }
    }

    /// (b, a): ln B is symmetric (lnΓ(b) + lnΓ(a) and b + a round as lnΓ(a) + lnΓ(b) and a + b).
    fn swapped(self) -> Self {
        Shape { a: self.b, b: self.a, ln_gamma_a: self.ln_gamma_b, ln_gamma_b: self.ln_gamma_a, ln_beta: self.ln_beta }
    }
}

/// The regularised incomplete beta function Iₓ(a, b) (the Beta(a, b) CDF at x),
/// for a, b > 0; 0 for x ≤ 0, 1 for x ≥ 1, NaN for NaN.
///
/// # Formula
/// Iₓ(a, b) = xᵃ(1−x)ᵇ / (a·B(a, b)) · CF(a, b, x) for x < (a+1)/(a+b+2), else
/// 1 − I₁₋ₓ(b, a); CF is the continued fraction 1/(1+ d₁/(1+ d₂/(1+ …))).
#[must_use]
pub fn ibeta(a: f64, b: f64, x: f64) -> f64 {
    ibeta_tails(&Shape::new(a, b), x).0
}

/// Both tails, (Iₓ(a, b), 1 − Iₓ(a, b)), the one the continued fraction gives
/// directly at full relative accuracy however small it is (the other is 1
/// minus it).
#[must_use]
pub(crate) fn ibeta_tails(sh: &Shape, x: f64) -> (f64, f64) {
    if x.is_nan() {
        return (f64::NAN, f64::NAN);
    }
    if x <= 0.0 {
        return (0.0, 1.0);
    }
    if x >= 1.0 {
        return (1.0, 0.0);
    }
    tails_inside(sh, x, ln_front(sh, x))
}

/// [`ibeta_tails`] for x in (0, 1) given `ln_front(sh, x)`.
fn tails_inside(sh: &Shape, x: f64, ln_front: f64) -> (f64, f64) {
    let (a, b) = (sh.a, sh.b);
    let front = ln_front.exp();
    if x < (a + 1.0) / (a + b + 2.0) {
        let lower = (front * continued_fraction(a, b, x) / a).clamp(0.0, 1.0);
        (lower, 1.0 - lower)
    } else {
        let upper = (front * continued_fraction(b, a, 1.0 - x) / b).clamp(0.0, 1.0);
        (1.0 - upper, upper)
    }
}

/// Stirling's series for lnΓ(x) − [(x − ½)ln x − x + ½ln 2π], to 1e-17 for x ≥ 10.
fn stirling_correction(x: f64) -> f64 {
    let r = 1.0 / x;
    let r2 = r * r;
    r * (1.0 / 12.0
        - r2 * (1.0 / 360.0
            - r2 * (1.0 / 1260.0 - r2 * (1.0 / 1680.0 - r2 * (1.0 / 1188.0 - r2 * (691.0 / 360_360.0 - r2 / 156.0))))))
}

/// ln[xᵃ(1 − x)ᵇ / B(a, b)]. For large shapes the log-gammas (lnΓ(2e6) ≈ 2.7e7)
/// would cancel to 1e-9; Stirling's series instead leaves a·ln(x/μ) +
/// b·ln((1 − x)/(1 − μ)), μ = a/(a + b), whose terms are small near the mean.
fn ln_front(sh: &Shape, x: f64) -> f64 {
    const BIG: f64 = 10.0;
    let (a, b) = (sh.a, sh.b);
    let n = a + b;
    let half_ln_2pi = 0.5 * (2.0 * std::f64::consts::PI).ln();
    if a >= BIG && b >= BIG {
        let (mu, nu) = (a / n, b / n);
        a * ((x - mu) / mu).ln_1p() + b * ((mu - x) / nu).ln_1p() + 0.5 * (a.ln() + b.ln() - n.ln()) - half_ln_2pi
            + stirling_correction(n)
            - stirling_correction(a)
            - stirling_correction(b)
    } else if a >= BIG {
        let mu = a / n;
        a * ((x - mu) / mu).ln_1p() + b * ((-x).ln_1p() + n.ln()) - 0.5 * (b / a).ln_1p() - b + stirling_correction(n)
            - stirling_correction(a)
            - sh.ln_gamma_b
    } else if b >= BIG {
        let (mu, nu) = (a / n, b / n);
        b * ((mu - x) / nu).ln_1p() + a * (x.ln() + n.ln()) - 0.5 * (a / b).ln_1p() - a + stirling_correction(n)
            - stirling_correction(b)
            - sh.ln_gamma_a
    } else {
        a * x.ln() + b * (-x).ln_1p() - sh.ln_beta
    }
}

/// The continued fraction of Iₓ(a, b) by the modified Lentz method.
fn continued_fraction(a: f64, b: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..=CF_MAX_ITER {
        let m = f64::from(m);
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        let del = d * c;
        h *= del;
        if (del - 1.0).abs() <= f64::EPSILON {
            break;
        }
    }
    h
}

/// The standard Beta(a, b) quantile at `p` (clamped into [1e-12, 1 − 1e-12];
/// NaN gives NaN), monotone in `p`, after at most [`ROOT_MAX_ITER`] CDF
/// evaluations whatever the shapes.
#[must_use]
pub fn beta_quantile(a: f64, b: f64, p: f64) -> f64 {
    BetaQuantile::new(a, b).quantile_near(p, None)
}

/// The Beta(a, b) quantile function with what does not depend on `p`
/// ([`Shape`] and the tails at ½) computed once: the values of
/// [`beta_quantile`], for tables and many calls.
#[derive(Clone, Copy, Debug)]
pub(crate) struct BetaQuantile {
    shape: Shape,
    /// (I½(a, b), 1 − I½(a, b)).
    half: (f64, f64),
}

impl BetaQuantile {
    /// Prepares the quantile function of Beta(a, b).
    pub(crate) fn new(a: f64, b: f64) -> Self {
        let shape = Shape::new(a, b);
        BetaQuantile { shape, half: ibeta_tails(&shape, 0.5) }
    }

    /// [`beta_quantile`] at `p`, with Halley's first step taken from `guess`
    /// (a nearby quantile, as when filling a table in order) when it lies in
    /// (0, 1); the result is the same root, to the solver's tolerance.
    pub(crate) fn quantile_near(&self, p: f64, guess: Option<f64>) -> f64 {
        let (a, b) = (self.shape.a, self.shape.b);
        if p.is_nan() || a.is_nan() || b.is_nan() || a <= 0.0 || b <= 0.0 {
            return f64::NAN;
        }
        let p = super::clamp_p(p);
        // Solve for whichever of x and 1 − x is below ½, where doubles resolve it
        // (Beta(0.001, 1e6) at p = 0.9 is 1e-300, which 1 − y cannot represent),
        // matching whichever of p and 1 − p is below ½, which doubles resolve
        // (Beta(100, 1) at p = 1e-7 is 0.85; 1 − p would lose 9 digits of p).
        let (lower_half, upper_half) = self.half;
        let (q, upper) = if p <= 0.5 { (p, false) } else { (1.0 - p, true) };
        let root_below_half = if upper { q >= upper_half } else { q <= lower_half };
        if root_below_half {
            root(&self.shape, q, upper, guess)
        } else {
            // 1 − x = y solves Beta(b, a) with the tails exchanged.
            1.0 - root(&self.shape.swapped(), q, !upper, guess.map(|g| 1.0 - g))
        }
    }
}

/// The x in [0, ½] where the lower tail Iₓ(a, b) (or, if `upper`, the upper
/// tail 1 − Iₓ(a, b)) equals `target`, the root being at most ½: the first
/// double past the crossing when the CDF cannot resolve `target` more finely.
fn root(sh: &Shape, target: f64, upper: bool, guess: Option<f64>) -> f64 {
    let (a, b, lnb) = (sh.a, sh.b, sh.ln_beta);
    let p = if upper { 1.0 - target } else { target };
    // h(x) = lower − target, or target − upper: increasing, h(lo) < 0 ≤ h(hi).
    // x lies in (0, ½] (inside the bracket), where ibeta_tails is tails_inside;
    // its ln_front serves the Halley step too.
    let h = |x: f64, front: f64| {
        let (l, u) = tails_inside(sh, x, front);
        if upper { target - u } else { l - target }
    };
    let (mut lo, mut hi) = (0.0_f64, 0.5_f64);
    let mut x = guess.filter(|g| *g > 0.0 && *g < 0.5).unwrap_or_else(|| initial_guess(a, b, p, lnb));
    for iter in 0..ROOT_MAX_ITER {
        if !(x > lo && x < hi) || iter >= HALLEY_ITER {
            x = bit_midpoint(lo, hi);
        }
        let front = ln_front(sh, x);
        let hx = h(x, front);
        if hx < 0.0 {
            lo = x;
        } else {
            hi = x;
        }
        if hi.to_bits() - lo.to_bits() <= 1 {
            return hi;
        }
        if hx == 0.0 {
            return x;
        }
        // Halley: Newton's step corrected by the density's log-derivative.
        let ln_pdf = front - x.ln() - (-x).ln_1p();
        let newton = hx * (-ln_pdf).exp();
        let curv = (a - 1.0) / x - (b - 1.0) / (1.0 - x);
        let denom = 1.0 - 0.5 * newton * curv;
        let step = if denom.is_finite() && denom > 0.5 { newton / denom } else { newton };
        let next = x - step;
        if !next.is_finite() {
            x = f64::NAN; // bisect next time
            continue;
        }
        if step.abs() <= 2.0 * f64::EPSILON * x.abs() && next > lo && next <= hi {
            return next;
        }
        x = next;
    }
    hi
}

/// A starting point for the root: the lower-tail power law (p·a·B(a, b))^(1/a)
/// for skewed or small shapes, the normal approximation for large ones.
fn initial_guess(a: f64, b: f64, p: f64, lnb: f64) -> f64 {
    if a + b > 10.0 && a > 1.0 && b > 1.0 {
        let n = a + b;
        let mean = a / n;
        let sd = (a * b / (n * n * (n + 1.0))).sqrt();
        let z = super::std_normal_quantile(p);
        (mean + z * sd).clamp(f64::MIN_POSITIVE, 0.5)
    } else {
        let x = ((p.ln() + a.ln() + lnb) / a).exp();
        if x > 0.0 && x < 0.5 { x } else { 0.25 }
    }
}

/// The midpoint of two non-negative doubles in their bit patterns (a geometric
/// mean for ends of different magnitude, an arithmetic one for close ends).
fn bit_midpoint(lo: f64, hi: f64) -> f64 {
    let (l, h) = (lo.to_bits(), hi.to_bits());
    f64::from_bits(l + (h - l) / 2)
}
