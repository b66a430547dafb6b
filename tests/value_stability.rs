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
    // mix64 is SplitMix64's output function: applied to the generator's state after 1, 2, 3 steps
    // from seed 0 (state = k * 0x9e3779b97f4a7c15) it must give SplitMix64's published first outputs.
    const GAMMA: u64 = 0x9e37_79b9_7f4a_7c15;
    assert_eq!(mix64(GAMMA), 0xe220_a839_7b1d_cdaf);
    assert_eq!(mix64(GAMMA.wrapping_mul(2)), 0x6e78_9e6a_a1b9_65f4);
    assert_eq!(mix64(GAMMA.wrapping_mul(3)), 0x06c4_5d18_8009_454f);
    assert_eq!(mix64(0), 0);
    // A trial's key is mix64(mix64(seed ^ sqrt(2)'s fraction bits) + trial * GAMMA): pinned values,
    // and the composition written out, so a change to either fails here.
    assert_eq!(trial_key(42, 0), mix64(mix64(42 ^ 0x6a09_e667_f3bc_c909)));
    assert_eq!(trial_key(42, 7), mix64(mix64(42 ^ 0x6a09_e667_f3bc_c909).wrapping_add(7u64.wrapping_mul(GAMMA))));
    assert_eq!(trial_key(42, 0), TRIAL_KEY_42_0);
    assert_eq!(unit_open(u64::MAX), 1.0 - f64::EPSILON / 2.0);
    assert_eq!(unit_open(0), f64::EPSILON / 2.0);
}

const TRIAL_KEY_42_0: u64 = 0x7357_4376_4450_b1b3;

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
