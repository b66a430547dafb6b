//! What would it cost to clear the barrier minefields Estonia, Latvia,
//! Lithuania, Poland and Finland may lay after leaving the Ottawa Convention,
//! against what the mines cost to buy? The cost asymmetry with its uncertainty,
//! per country.
//!
//! Run: `cargo run --release --example eastern_flank`
use demine::io::load_scenario;
use demine::{SimConfig, simulate};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let s = load_scenario("eastern-flank")?;
    let o = simulate(&s, &SimConfig::default().with_trials(10_000).with_seed(42))?;
    println!(
        "{:<10} {:>12} {:>12} {:>10} {:>26} {:>14}",
        "country", "mines laid", "to clear", "laying", "clearance P50 [P5, P95]", "years P50"
    );
    println!(
        "{:<10} {:>12} {:>12} {:>10} {:>26} {:>14}",
        "", "P50 (M)", "P50 (km²)", "P50 ($M)", "($ bn)", "[P5, P95]"
    );
    for r in o.region_names() {
        let g = |k: &str| o.region_summary(r, k).ok_or("regional output");
        let (mines, area, lay, cost, years) =
            (g("mines_laid")?, g("cleared_area_km2")?, g("laying_cost")?, g("total_cost")?, g("duration_years")?);
        println!(
            "{:<10} {:>12.2} {:>12.0} {:>10.0} {:>9.2} [{:>5.2}, {:>5.2}] {:>6.1} [{:.1}, {:.1}]",
            r,
            mines.p50() / 1e6,
            area.p50(),
            lay.p50() / 1e6,
            cost.p50() / 1e9,
            cost.percentiles[0] / 1e9,
            cost.percentiles[7] / 1e9,
            years.p50(),
            years.percentiles[0],
            years.percentiles[7]
        );
    }
    let a = o.summary("cost_asymmetry").ok_or("barriers give cost_asymmetry")?;
    let total = o.summary("total_cost").ok_or("always")?;
    let bench = o.summary("item_based_cost").ok_or("benchmark given")?;
    let lay = o.summary("laying_cost").ok_or("barriers")?;
    println!(
        "\nall five: mines cost {:.0} M USD to buy and lay (P50); clearing them {:.1} bn USD (P50; P5 {:.1}, P95 {:.1})",
        lay.p50() / 1e6,
        total.p50() / 1e9,
        total.percentiles[0] / 1e9,
        total.percentiles[7] / 1e9
    );
    println!(
        "cost asymmetry (clear / lay): P50 {:.0}×, P5 {:.0}×, P95 {:.0}×; P(above 10×) = {:.0} %",
        a.p50(),
        a.percentiles[0],
        a.percentiles[7],
        100.0 * (1.0 - o.probability_at_most("cost_asymmetry", 10.0)?)
    );
    println!("cross-check at US$300-1,000 a mine cleared [UN-CYBERSCHOOLBUS]: {:.1} bn USD (P50)", bench.p50() / 1e9);
    Ok(())
}
