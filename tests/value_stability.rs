//! Pins the first trials' outputs for seed 42, so that a change of dependency
//! or arithmetic that moves the numbers fails loudly. Relative tolerance 1e-12
//! (platform libm may differ in the last bits; see the README on reproducibility).

use demine::{
    ModelLevel, SimConfig,
    io::load_scenario,
    sampling::stream::{mix64, trial_key, unit_open},
    simulate,
};

#[test]
fn the_counter_based_generator_is_pinned() {
    assert_eq!(mix64(0), 0);
    assert_eq!(mix64(1), 0x5692_161d_100b_05e5);
    assert_eq!(trial_key(42, 0), trial_key(42, 0));
    assert_eq!(unit_open(u64::MAX), 1.0 - f64::EPSILON / 2.0);
    assert_eq!(unit_open(0), f64::EPSILON / 2.0);
}

#[test]
fn first_trials_of_ukraine_2024_are_pinned() {
    let s = load_scenario("ukraine-2024").unwrap();
    let o = simulate(&s, &SimConfig::default().with_trials(3).with_seed(42).with_model(ModelLevel::Aggregate)).unwrap();
    let area = o.values("suspected_area_km2").unwrap();
    let cost = o.values("total_cost").unwrap();
    let got: Vec<f64> = area.iter().chain(cost.iter()).copied().collect();
    let want = PINNED;
    for (g, w) in got.iter().zip(want.iter()) {
        assert!((g - w).abs() <= 1e-12 * w.abs(), "got {got:?}");
    }
}

// Re-pinned when the Ukraine scenarios split each team's cost into a fixed cost per team-year and a
// variable cost per team-day (programme economics): the areas are unchanged, the costs moved.
const PINNED: [f64; 6] = [
    154192.61211312198,
    158602.3854628429,
    158176.4870177427,
    31009422239.013184,
    25905412901.409206,
    27139692304.732018,
];
