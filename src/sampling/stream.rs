//! Where the random numbers come from: reproducible uniform streams.
//!
//! Every uniform number demine uses is a pure function of (master seed, trial
//! index, name of the input or id of the site). Nothing depends on which thread
//! runs a trial or in which order, so results are bit-identical on any number of
//! threads, and two plans run with the same seed see the same numbers for every
//! input they share (common random numbers), even when one plan has inputs the
//! other lacks (as monaco seeds each input separately).
//!
//! The mixing function is SplitMix64's finaliser (Steele, Lea & Flood 2014,
//! "Fast splittable pseudorandom number generators"), a counter-based generator
//! that passes BigCrush; the STACK notes' advice of a *named, portable*
//! generator holds, since this code is the generator and never changes with a
//! dependency bump. `tests/value_stability.rs` pins its output.
//!
//! Three samplers fill the per-trial vector of uniforms:
//! - [`Sampler::MonteCarlo`]: independent uniforms.
//! - [`Sampler::LatinHypercube`]: each input's range is cut into n equal strata
//!   and each stratum is used exactly once per design of n trials. The
//!   permutation is computed per index by Kensler's hash-based permutation
//!   (Kensler 2013, "Correlated Multi-Jittered Sampling", Pixar TM 13-01), so it
//!   needs no memory and any trial can be computed alone.
//! - [`Sampler::Sobol`]: the Sobol sequence with Joe & Kuo (2008) direction
//!   numbers (256 dimensions, 2^32 points), Owen-scrambled by the hash of
//!   Burley (2020, "Practical hash-based Owen scrambling", JCGT 9(4)) with the
//!   improved constants of Vegdahl (2021), plus a random low-order jitter so
//!   every value is a full-precision double. Dimensions beyond 256 fall back to
//!   Monte Carlo.

use crate::error::Error;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

/// Weyl increment (2^64 / φ) used to spread counters.
pub(crate) const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// SplitMix64's output function: a bijective 64-bit mixer.
#[inline(always)]
#[must_use]
pub fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Maps 64 random bits to a double strictly inside (0, 1): the middle of one of
/// 2^52 equal cells, so the largest value is 1 − 2^-53 (exactly representable;
/// with 53 bits the top cell's middle would round to 1.0).
#[inline(always)]
#[must_use]
pub fn unit_open(x: u64) -> f64 {
    ((x >> 12) as f64 + 0.5) * (1.0 / (1u64 << 52) as f64)
}

/// A stable 64-bit key for a name (FNV-1a, then mixed).
#[must_use]
pub fn name_key(name: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01B3);
    }
    mix64(h)
}

/// The key of one trial: all of that trial's random numbers derive from it.
#[inline]
#[must_use]
pub fn trial_key(seed: u64, trial: u64) -> u64 {
    mix64(mix64(seed ^ 0x6A09_E667_F3BC_C909).wrapping_add(trial.wrapping_mul(GOLDEN)))
}

/// How the uncertain inputs are sampled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sampler {
    /// Independent uniform draws.
    #[default]
    MonteCarlo,
    /// Latin hypercube: every input stratified into n equal-probability bins.
    LatinHypercube,
    /// Owen-scrambled Sobol points (randomised quasi-Monte Carlo).
    Sobol,
}

impl Sampler {
    /// Names accepted on the command line and in scenario files.
    pub const NAMES: [&'static str; 3] = ["monte_carlo (mc)", "latin_hypercube (lhs)", "sobol"];

    /// The canonical name.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Sampler::MonteCarlo => "monte_carlo",
            Sampler::LatinHypercube => "latin_hypercube",
            Sampler::Sobol => "sobol",
        }
    }
}

impl fmt::Display for Sampler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Sampler {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        match s.to_ascii_lowercase().replace('-', "_").as_str() {
            "mc" | "monte_carlo" | "montecarlo" | "random" => Ok(Sampler::MonteCarlo),
            "lhs" | "latin_hypercube" | "latin" => Ok(Sampler::LatinHypercube),
            "sobol" | "qmc" => Ok(Sampler::Sobol),
            _ => Err(Error::Unknown {
                field: "sampler".into(),
                name: s.into(),
                known: Sampler::NAMES.iter().map(|s| s.to_string()).collect(),
            }),
        }
    }
}

/// Fills per-trial uniform vectors for a list of inputs.
#[derive(Clone, Debug)]
pub struct UniformSource {
    sampler: Sampler,
    seed: u64,
    keys: Vec<u64>,
    /// Sobol dimension and Owen scramble of each input (`None`: Monte Carlo fallback).
    sobol: Vec<Option<(usize, u32)>>,
    /// For Latin hypercube: the first trial and size of the current design.
    design_start: u64,
    design_len: u64,
}

impl UniformSource {
    /// A source for inputs with the given names. For Latin hypercube the design
    /// covers trials `design_start .. design_start + design_len`.
    ///
    /// Every input's stream follows its name, never its position: under Sobol
    /// an input's dimension is its name's hash modulo the 256 dimensions and
    /// its Owen scramble is keyed by the name, so two plans with the same seed
    /// share the points of every input they share (common random numbers),
    /// even when one plan has inputs the other lacks. Two inputs whose names
    /// hash to the same dimension get independent scrambles of it: each stays
    /// stratified on its own, and their pairing is random, as under Latin
    /// hypercube.
    #[must_use]
    pub fn new(sampler: Sampler, seed: u64, names: &[&str], design_start: u64, design_len: u64) -> Self {
        let keys: Vec<u64> = names.iter().map(|n| name_key(n)).collect();
        let dims = sobol_dimensions() as u64;
        let sobol = keys
            .iter()
            .map(|&k| (sampler == Sampler::Sobol).then(|| ((k % dims) as usize, (mix64(seed ^ k) >> 32) as u32)))
            .collect();
        UniformSource { sampler, seed, keys, sobol, design_start, design_len: design_len.max(1) }
    }

    /// A source for the columns of a design (Saltelli's A and B): column `d`
    /// takes Sobol dimension `d`, so a design of `k` columns uses the first `k`
    /// (the best-distributed) dimensions. Monte Carlo and Latin hypercube
    /// streams are keyed by the names as in [`UniformSource::new`].
    #[must_use]
    pub fn positional(sampler: Sampler, seed: u64, names: &[&str], design_start: u64, design_len: u64) -> Self {
        let mut s = UniformSource::new(Sampler::MonteCarlo, seed, names, design_start, design_len);
        s.sampler = sampler;
        let dims = sobol_dimensions();
        s.sobol = (0..names.len())
            .map(|d| (d < dims).then(|| (d, (mix64(seed ^ (d as u64).wrapping_mul(GOLDEN)) >> 32) as u32)))
            .collect();
        s
    }

    /// The number of inputs.
    #[must_use]
    pub fn dims(&self) -> usize {
        self.keys.len()
    }

    /// Writes the uniforms of trial `trial` into `u` (length = number of inputs).
    #[inline]
    pub fn fill(&self, trial: u64, u: &mut [f64]) {
        let tk = trial_key(self.seed, trial);
        match self.sampler {
            Sampler::MonteCarlo => {
                for (ui, key) in u.iter_mut().zip(&self.keys) {
                    *ui = unit_open(mix64(tk ^ key));
                }
            }
            Sampler::LatinHypercube => {
                let n = self.design_len;
                let i = trial.wrapping_sub(self.design_start) % n;
                let design_salt = mix64(self.design_start ^ 0x3C6E_F372_FE94_F82B);
                for (ui, key) in u.iter_mut().zip(&self.keys) {
                    let pkey = mix64(self.seed ^ key ^ design_salt);
                    let stratum = permute(i, n, pkey);
                    let jitter = unit_open(mix64(tk ^ key ^ 0xA54F_F53A_5F1D_36F1));
                    *ui = (stratum as f64 + jitter) / n as f64;
                }
            }
            Sampler::Sobol => {
                let dirs = sobol_directions();
                for ((ui, key), dim) in u.iter_mut().zip(&self.keys).zip(&self.sobol) {
                    let jitter = unit_open(mix64(tk ^ key));
                    *ui = match (dim, u32::try_from(trial)) {
                        (Some((d, scramble)), Ok(index)) => {
                            let x = owen_scramble(sobol_point(index, &dirs[*d]), *scramble);
                            (f64::from(x) + jitter) * (1.0 / 4_294_967_296.0)
                        }
                        _ => jitter,
                    };
                }
            }
        }
    }
}

/// A pseudo-random permutation of `0..n`, evaluated at `i` (Kensler 2013,
/// with cycle-walking for `n` not a power of two). Bijective on `0..n` for any
/// `n` up to 2^32; larger `n` are handled by splitting into 2^32-sized ranges.
#[must_use]
pub fn permute(i: u64, n: u64, key: u64) -> u64 {
    if n <= 1 {
        return 0;
    }
    if n > u64::from(u32::MAX) {
        // Beyond any realistic design size: keep the low 32 bits stratified.
        let hi = i >> 32;
        return (hi << 32) | permute(i & 0xFFFF_FFFF, 1 << 32, key);
    }
    let l = n as u32;
    let p = (key ^ (key >> 32)) as u32;
    let mut w = l - 1;
    w |= w >> 1;
    w |= w >> 2;
    w |= w >> 4;
    w |= w >> 8;
    w |= w >> 16;
    let mut x = i as u32;
    loop {
        x ^= p;
        x = x.wrapping_mul(0xe170_893d);
        x ^= p >> 16;
        x ^= (x & w) >> 4;
        x ^= p >> 8;
        x = x.wrapping_mul(0x0929_eb3f);
        x ^= p >> 23;
        x ^= (x & w) >> 1;
        x = x.wrapping_mul(1 | p >> 27);
        x = x.wrapping_mul(0x6935_fa69);
        x ^= (x & w) >> 11;
        x = x.wrapping_mul(0x74dc_b303);
        x ^= (x & w) >> 2;
        x = x.wrapping_mul(0x9e50_1cc3);
        x ^= (x & w) >> 2;
        x = x.wrapping_mul(0xc860_a3df);
        x &= w;
        x ^= x >> 5;
        if x < l {
            break;
        }
    }
    u64::from(x.wrapping_add(p) % l)
}

/// Joe & Kuo direction numbers, new-joe-kuo-6 (first 256 dimensions), as 32 direction integers each.
fn sobol_directions() -> &'static [[u32; 32]] {
    static DIRS: OnceLock<Vec<[u32; 32]>> = OnceLock::new();
    DIRS.get_or_init(|| {
        let text = include_str!("new-joe-kuo-6.256.txt");
        let mut dirs = Vec::with_capacity(256);
        let mut first = [0u32; 32];
        for (k, v) in first.iter_mut().enumerate() {
            *v = 1u32 << (31 - k);
        }
        dirs.push(first);
        for line in text.lines().skip(1) {
            let nums: Vec<u32> = line.split_whitespace().filter_map(|t| t.parse().ok()).collect();
            if nums.len() < 3 {
                continue;
            }
            let s = nums[1] as usize;
            let a = nums[2];
            let m = &nums[3..];
            if m.len() < s || s == 0 {
                continue;
            }
            let mut v = [0u32; 32];
            for k in 0..s.min(32) {
                v[k] = m[k] << (31 - k);
            }
            for k in s..32 {
                let mut x = v[k - s] ^ (v[k - s] >> s);
                for j in 1..s {
                    x ^= ((a >> (s - 1 - j)) & 1) * v[k - j];
                }
                v[k] = x;
            }
            dirs.push(v);
        }
        dirs
    })
}

/// The number of dimensions with Sobol direction numbers.
#[must_use]
pub fn sobol_dimensions() -> usize {
    sobol_directions().len()
}

/// The unscrambled Sobol point number `index` (natural, not Gray-code, order)
/// in dimension `dim` as a 32-bit fixed-point fraction (divide by 2^32), or
/// `None` beyond [`sobol_dimensions`]. Dimension 0 is the van der Corput
/// sequence; dimension d ≥ 1 uses row d + 1 of Joe & Kuo's new-joe-kuo-6.21201.
/// For tests against the published table; runs use the scrambled points.
#[must_use]
pub fn sobol_point_unscrambled(dim: usize, index: u32) -> Option<u32> {
    sobol_directions().get(dim).map(|v| sobol_point(index, v))
}

#[inline]
fn sobol_point(index: u32, v: &[u32; 32]) -> u32 {
    let mut x = 0u32;
    let mut i = index;
    let mut k = 0;
    while i != 0 {
        let tz = i.trailing_zeros() as usize;
        k += tz;
        x ^= v[k];
        i >>= tz;
        i >>= 1;
        k += 1;
    }
    x
}

/// Hash-based Owen scrambling of a 32-bit fixed-point coordinate: every bit is
/// flipped by a hash of the bits above it (nested uniform scrambling).
#[inline]
fn owen_scramble(x: u32, seed: u32) -> u32 {
    let mut n = x.reverse_bits();
    let s = hash32(seed);
    n ^= n.wrapping_mul(0x3d20_adea);
    n = n.wrapping_add(s);
    n = n.wrapping_mul((s >> 16) | 1);
    n ^= n.wrapping_mul(0x0552_6c56);
    n ^= n.wrapping_mul(0x53a2_2864);
    n.reverse_bits()
}

#[inline]
fn hash32(mut n: u32) -> u32 {
    n ^= 0xe6fe_3beb;
    n ^= n >> 16;
    n = n.wrapping_mul(0x7feb_352d);
    n ^= n >> 15;
    n = n.wrapping_mul(0x846c_a68b);
    n ^= n >> 16;
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permute_is_a_permutation() {
        for &n in &[1u64, 2, 3, 7, 64, 100, 1000, 4097] {
            for key in [0u64, 1, 0xdead_beef_1234] {
                let mut seen = vec![false; n as usize];
                for i in 0..n {
                    let j = permute(i, n, key) as usize;
                    assert!(!seen[j], "n={n} key={key}: {j} twice");
                    seen[j] = true;
                }
            }
        }
    }

    #[test]
    fn lhs_uses_each_stratum_once() {
        let n = 500u64;
        let src = UniformSource::new(Sampler::LatinHypercube, 42, &["a", "b", "c"], 0, n);
        let mut counts = vec![[0u32; 3]; n as usize];
        let mut u = [0.0; 3];
        for t in 0..n {
            src.fill(t, &mut u);
            for (d, x) in u.iter().enumerate() {
                assert!(*x > 0.0 && *x < 1.0);
                counts[(x * n as f64) as usize][d] += 1;
            }
        }
        assert!(counts.iter().all(|c| *c == [1, 1, 1]));
    }

    #[test]
    fn sobol_first_dimension_is_stratified_at_powers_of_two() {
        let src = UniformSource::new(Sampler::Sobol, 7, &["a", "b"], 0, 1);
        for m in [4u32, 8, 10] {
            let n = 1u64 << m;
            let mut hit = vec![[0u32; 2]; n as usize];
            let mut u = [0.0; 2];
            for t in 0..n {
                src.fill(t, &mut u);
                for d in 0..2 {
                    hit[(u[d] * n as f64) as usize][d] += 1;
                }
            }
            assert!(hit.iter().all(|c| *c == [1, 1]), "2^{m} points not stratified");
        }
        assert_eq!(sobol_dimensions(), 256);
    }

    #[test]
    fn streams_depend_on_name_not_position() {
        let a = UniformSource::new(Sampler::MonteCarlo, 1, &["x", "y"], 0, 1);
        let b = UniformSource::new(Sampler::MonteCarlo, 1, &["z", "y", "x"], 0, 1);
        let (mut ua, mut ub) = ([0.0; 2], [0.0; 3]);
        a.fill(17, &mut ua);
        b.fill(17, &mut ub);
        assert_eq!(ua[0].to_bits(), ub[2].to_bits());
        assert_eq!(ua[1].to_bits(), ub[1].to_bits());
    }

    #[test]
    fn sobol_streams_depend_on_name_not_position() {
        let a = UniformSource::new(Sampler::Sobol, 1, &["x", "y"], 0, 1);
        let b = UniformSource::new(Sampler::Sobol, 1, &["z", "y", "x"], 0, 1);
        let (mut ua, mut ub) = ([0.0; 2], [0.0; 3]);
        for t in [0, 1, 17, 1000] {
            a.fill(t, &mut ua);
            b.fill(t, &mut ub);
            assert_eq!(ua[0].to_bits(), ub[2].to_bits());
            assert_eq!(ua[1].to_bits(), ub[1].to_bits());
        }
    }

    #[test]
    fn sampler_names_parse() {
        assert_eq!("lhs".parse::<Sampler>().unwrap(), Sampler::LatinHypercube);
        assert_eq!("Sobol".parse::<Sampler>().unwrap(), Sampler::Sobol);
        let e = "halton".parse::<Sampler>().unwrap_err().to_string();
        assert_eq!(e, "sampler: 'halton' is unknown; known: monte_carlo (mc), latin_hypercube (lhs), sobol");
    }
}
