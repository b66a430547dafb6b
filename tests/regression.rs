//! One test per bug fixed during development, named after what broke.

use demine::sampling::stream::unit_open;
use demine::{ModelLevel, SimConfig, io::load_scenario, simulate};

/// `unit_open` mapped the top of the 64-bit range to exactly 1.0 (53-bit cell
/// midpoints round up), which an inverse CDF turns into +inf.
#[test]
fn unit_open_never_returns_one() {
    assert!(unit_open(u64::MAX) < 1.0);
    assert!(unit_open(0) > 0.0);
}

/// Scaling clearance capacity scaled an uncertain initial team count twice when
/// the ceiling defaulted to it (both fields point at the same input).
#[test]
fn scaling_capacity_scales_a_shared_input_once() {
    // The manual pool with an uncertain initial count, no growth and no ceiling (it defaults to the initial).
    let text = demine::io::bundled("ukraine").unwrap().toml;
    let start = text.find("[capacity.teams.manual]").unwrap();
    let end = start + text[start..].find("\n\n").unwrap();
    let pool = "[capacity.teams.manual]\ninitial = { dist = \"uniform\", min = 400, max = 500 }";
    let text = format!("{}{pool}{}", &text[..start], &text[end..]);
    let s = demine::Scenario::from_toml_str(&text).unwrap();
    let name = "capacity.teams.manual.initial";
    let mean = |sc: &demine::Scenario| sc.inputs().find(|i| i.name == name).unwrap().dist.mean();
    assert_eq!(mean(&s), 450.0);
    assert_eq!(mean(&s.with_clearance_capacity_scaled(2.0).unwrap()), 900.0);
}

/// The per-year casualty series showed -0.0 where float dust made the unreleased
/// exposure slightly negative.
#[test]
fn yearly_casualties_are_never_negative() {
    let s = load_scenario("ukraine").unwrap();
    let o = simulate(&s, &SimConfig::default().with_trials(20).with_model(ModelLevel::Sites)).unwrap();
    for band in o.fan_chart(demine::simulate::Series::Casualties) {
        assert!(band.iter().all(|v| *v >= 0.0 && v.is_sign_positive()), "{band:?}");
    }
}
