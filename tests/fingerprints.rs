//! Pinned results of every bundled scenario, on both models, at a fixed seed and trial count: a
//! change in any output of any trial changes a fingerprint in `tests/data/fingerprints.txt`, so
//! it shows up as a reviewed diff of that file, with the headline figures beside the hash to say
//! what moved. After a change that moves results on purpose:
//! `DEMINE_UPDATE_FINGERPRINTS=1 cargo test --release --test fingerprints`, then read the diff.
//!
//! The hash is FNV-1a over the bits of every output of every trial, in catalogue and trial order,
//! and of every yearly series value: results are bit-identical on any number of threads, so the
//! hash is too (checked here on 1 and 2 threads). The reference engine gives the same headline
//! figures within the equivalence tolerance.

use demine::{Engine, ModelLevel, Outcome, SimConfig, io::load_scenario, simulate};
use std::fmt::Write as _;

const SCENARIOS: [&str; 4] = ["ukraine", "ukraine-2024", "ukraine-war-continues", "eastern-flank"];
const TRIALS: u64 = 200;
const SEED: u64 = 2026;

/// FNV-1a over 64-bit words.
fn fnv(words: impl Iterator<Item = u64>) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for w in words {
        for b in w.to_le_bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// Every output of every trial, then every series value of every trial.
fn fingerprint(o: &Outcome) -> u64 {
    let names: Vec<String> = o.outputs().iter().filter(|d| d.region.is_none()).map(|d| d.name.clone()).collect();
    let mut words: Vec<u64> = Vec::new();
    for name in &names {
        words.extend(o.values(name).unwrap_or_default().iter().map(|v| v.to_bits()));
    }
    for region in o.region_names() {
        for name in &names {
            if let Some(values) = o.region_values(region, name) {
                words.extend(values.iter().map(|v| v.to_bits()));
            }
        }
    }
    for t in 0..o.trials() as usize {
        for y in o.trial_series(t) {
            for v in [
                y.area_released_km2,
                y.spending,
                y.spending_nominal,
                y.funding_unspent,
                y.funding_shortfall,
                y.area_remaining_km2,
                y.casualties,
                y.area_cleared_km2,
            ] {
                words.push(u64::from(v.to_bits()));
            }
        }
    }
    fnv(words.into_iter())
}

/// The headline P50s that say what moved.
fn headline(o: &Outcome) -> String {
    let p50 = |name: &str| o.summary(name).map_or(f64::NAN, |s| s.p50());
    format!(
        "total_cost {:.6e} cleared_km2 {:.6e} duration {:.4} programme_cost {:.6e}",
        p50("total_cost"),
        p50("cleared_area_km2"),
        p50("duration_years"),
        p50("programme_cost"),
    )
}

fn run(name: &str, model: ModelLevel, engine: Engine, threads: usize) -> Outcome {
    let s = load_scenario(name).unwrap();
    let config = SimConfig::default()
        .with_trials(TRIALS)
        .with_seed(SEED)
        .with_model(model)
        .with_engine(engine)
        .with_threads(threads);
    simulate(&s, &config).unwrap()
}

#[test]
fn bundled_scenarios_give_their_pinned_results() {
    let mut text = String::from(
        "# Fingerprints of every bundled scenario (200 trials, seed 2026): written by tests/fingerprints.rs.\n",
    );
    for name in SCENARIOS {
        for model in [ModelLevel::Sites, ModelLevel::Aggregate] {
            let o = run(name, model, Engine::Fast, 2);
            let fp = fingerprint(&o);
            assert_eq!(fp, fingerprint(&run(name, model, Engine::Fast, 1)), "{name} {model:?}: threads");
            let _ = writeln!(text, "{name} {} {fp:016x} {}", model.name(), headline(&o));
        }
    }
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/fingerprints.txt");
    if std::env::var_os("DEMINE_UPDATE_FINGERPRINTS").is_some() {
        std::fs::write(path, &text).unwrap();
        return;
    }
    let pinned = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        pinned == text,
        "results moved: if on purpose, rerun with DEMINE_UPDATE_FINGERPRINTS=1 and review the diff of \
         tests/data/fingerprints.txt.\npinned:\n{pinned}\nnow:\n{text}"
    );
}

#[test]
fn the_reference_engine_gives_the_same_headline_figures() {
    for name in SCENARIOS {
        for model in [ModelLevel::Sites, ModelLevel::Aggregate] {
            let (fast, reference) = (run(name, model, Engine::Fast, 2), run(name, model, Engine::Reference, 2));
            for output in ["total_cost", "duration_years", "programme_cost", "programme_cost_present_value"] {
                let (a, b) = (fast.summary(output).unwrap().mean, reference.summary(output).unwrap().mean);
                // The engines add in different orders: 1e-9 relative (tests/equivalence.rs).
                assert!((a - b).abs() <= 1e-9 * a.abs().max(b.abs()), "{name} {model:?} {output}: {a} vs {b}");
            }
        }
    }
}
