//! The bundled Ukraine scenarios against their calibration targets (README "Calibration and sources"); the figures
//! are entries of docs/SOURCES.md, cited by key.

use demine::{ModelLevel, SimConfig, io::load_scenario, simulate, simulate::Series};

const UKRAINE_KM2: f64 = 603_628.0;

#[test]
fn ukraine_suspected_area_p50_is_139000_km2_within_1pct() {
    // Target 1: ~139,000 km² at the end of 2024 [MOD-UA-2024-OUTCOMES][KMU-2024-12] = 23.0 % of 603,628 km²
    // [UA-AREA].
    let s = load_scenario("ukraine").unwrap();
    let o = simulate(&s, &SimConfig::default().with_trials(20_000).with_model(ModelLevel::Aggregate)).unwrap();
    let p50 = o.summary("suspected_area_km2").unwrap().p50();
    assert!((p50 / 139_000.0 - 1.0).abs() < 0.01, "P50 {p50}");
    assert!((p50 / UKRAINE_KM2 - 0.230).abs() < 0.0015, "share {}", p50 / UKRAINE_KM2);
}

#[test]
fn ukraine_2024_total_cost_p50_is_rdna3_within_3pct() {
    // Target 2: RDNA3, US$34.6 bn [WB-RDNA3] for ~156,000 km² suspected at the start of 2024 [MOD-UA-2023-SHA]
    // (site engine, the default).
    let s = load_scenario("ukraine-2024").unwrap();
    let o = simulate(&s, &SimConfig::default().with_trials(4_000).with_seed(2024)).unwrap();
    let cost = o.summary("total_cost").unwrap();
    assert!((cost.p50() / 34.6e9 - 1.0).abs() < 0.03, "P50 {}", cost.p50());
    // And the P50 is known to better than ±3 % (its order-statistic CI sits inside the band).
    let [lo, hi] = cost.percentile_ci(0.5).unwrap();
    assert!(lo > 34.6e9 * 0.95 && hi < 34.6e9 * 1.05, "CI {lo}..{hi}");
    // About US$0.22 per m² of suspected area (derived, [WB-RDNA3]).
    let per_m2 = cost.p50() / (o.summary("suspected_area_km2").unwrap().p50() * 1e6);
    assert!((0.20..0.24).contains(&per_m2), "{per_m2}");
}

#[test]
fn release_split_and_throughput_match_targets_3_and_4() {
    let s = load_scenario("ukraine").unwrap();
    let o = simulate(&s, &SimConfig::default().with_trials(400).with_seed(3)).unwrap();
    let m = |k: &str| o.summary(k).unwrap().mean;
    let total = m("suspected_area_km2");
    let nts = m("cancelled_area_km2") / total;
    let ts = m("reduced_area_km2") / total;
    let cleared = m("cleared_area_km2") / total;
    // Over the whole programme NTS releases most land; clearance a tenth (worldwide 2022: 32/24/44 %
    // [LM2023-IMPACT]; Ukraine 2023-25 almost all by NTS): the split lies between the two.
    assert!((0.70..0.90).contains(&nts), "NTS {nts}");
    assert!((0.05..0.20).contains(&ts) && (0.05..0.20).contains(&cleared), "TS {ts}, clearance {cleared}");
    // Target 3: in the first year NTS releases ~17,000 km² (2024 [MOD-UA-2024-OUTCOMES]) while clearance teams
    // clear tens to a few hundred km² (38 km² in 2024, ~150 km² in 2025 to September [MOD-UA-2025-09]).
    let released = o.fan_chart(Series::AreaReleasedKm2);
    let cleared_y1 = o.fan_chart(Series::AreaClearedKm2);
    assert!((14_500.0..19_500.0).contains(&released[0][1]), "year-1 release P50 {}", released[0][1]);
    // The band is the sources' own: from 2024's 38 km² to 2025's ~150 km² in nine months (~200 km² a
    // year). The Monte Carlo error of a P50 from 400 trials is a few km², far inside it.
    assert!((38.0..200.0).contains(&cleared_y1[0][1]), "year-1 clearance P50 {}", cleared_y1[0][1]);
    // In the first year clearance is a small share of release, as in Ukraine 2023-25 (<1 %).
    assert!(cleared_y1[0][1] / released[0][1] < 0.05);
}

#[test]
fn casualties_in_the_first_year_match_recent_counts() {
    // Target 5: 293 casualties in 2024 (Landmine Monitor [LM2025-PRESS]): ukraine-2024's first year is 2024.
    let s = load_scenario("ukraine-2024").unwrap();
    let o = simulate(&s, &SimConfig::default().with_trials(1_000).with_seed(5)).unwrap();
    let c = o.summary("casualties_first_year").unwrap();
    assert!((c.p50() / 293.0 - 1.0).abs() < 0.10, "P50 {}", c.p50());
    // 2022-23 counts (580-608 [LM2023-PRESS][LM2024-PRESS]) are within the upper tail, not the centre.
    assert!(c.percentiles[7] > 400.0 && c.p50() < 400.0, "P95 {}", c.percentiles[7]);
}

#[test]
fn the_two_ukraine_files_share_every_parameter_but_area_and_release() {
    use demine::io::{bundled, parse_toml};
    use std::path::Path;
    let mut a = parse_toml(bundled("ukraine").unwrap().toml, Path::new("a")).unwrap();
    let mut b = parse_toml(bundled("ukraine-2024").unwrap().toml, Path::new("b")).unwrap();
    for f in [&mut a, &mut b] {
        f.name.clear();
        f.description.clear();
        f.suspected_area_km2 = None;
        f.released_before_start_km2 = None;
        f.start_year = 0;
    }
    assert_eq!(a, b);
}
