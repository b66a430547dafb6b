//! Shared fixtures for the integration tests.
#![allow(dead_code)]

/// A small scenario with every input fixed: its outputs are known exactly.
pub const FIXED: &str = r#"
name = "fixed"
currency = "USD"
price_year = 2024
start_year = 2025
land_area_km2 = 1000

[land_release]
cancelled_fraction = 0.5
reduced_fraction = 0.5
contaminated_fraction = 0.1
items_per_km2 = 1000
method_shares = { manual = 0.5, mechanical = 0.5 }

[survey.non_technical]
cost_usd_per_km2 = 1000
productivity_km2_per_team_day = 0.5

[survey.technical]
cost_usd_per_m2 = 0.1
productivity_km2_per_team_day = 0.05

[methods.manual]
productivity_m2_per_team_day = 200
cost_usd_per_team_day = 1000

[methods.mechanical]
productivity_m2_per_team_day = 5000
cost_usd_per_team_day = 5000

[costs]
overhead_fraction = 0.1

[[regions]]
name = "A"
strata = [{ hazard = "mines", suspected_area_km2 = 100 }]
"#;

/// Replaces the first occurrence of `from` by `to`, panicking if absent (test helper).
pub fn edit(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "fixture lacks {from:?}");
    text.replacen(from, to, 1)
}
