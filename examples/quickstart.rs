//! Quickstart: how much will clearing Ukraine cost, and how much land really needs clearing?
//!
//! Loads the bundled `ukraine` scenario, runs it, and prints P50 and P80 of the
//! total cost and of the area to clear. The crate documentation's quickstart is
//! this same code. Run: `cargo run --release --example quickstart`
use demine::{SimConfig, simulate};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let scenario = demine::io::load_scenario("ukraine")?;
    let config = SimConfig::default().with_trials(1_000).with_seed(42);
    let outcome = simulate(&scenario, &config)?;
    let cost = outcome.summary("total_cost").ok_or("total_cost is always reported")?;
    let cleared = outcome.summary("cleared_area_km2").ok_or("cleared_area_km2 is always reported")?;
    println!("total cost:    P50 {:.1} bn USD, P80 {:.1} bn USD", cost.p50() / 1e9, cost.p80() / 1e9);
    println!("area to clear: P50 {:.0} km², P80 {:.0} km²", cleared.p50(), cleared.p80());
    Ok(())
}
