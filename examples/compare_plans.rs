//! Which plan is better for Ukraine: today's capacity, or twice the mechanical
//! teams? Both plans run on the same random numbers (common random numbers), so
//! the difference is measured trial by trial.
//!
//! Run: `cargo run --release --example compare_plans`
use demine::analysis::compare;
use demine::io::load_scenario;
use demine::{Scenario, SimConfig};

/// Today's plan with the mechanical pool (initial teams and ceiling) doubled.
fn doubled_mechanical(today: &Scenario) -> Result<Scenario, demine::Error> {
    let text = demine::io::bundled("ukraine").map(|b| b.toml).unwrap_or_default();
    let doubled = text
        .replace(
            "initial = { dist = \"uniform\", min = 40, max = 90 }",
            "initial = { dist = \"uniform\", min = 80, max = 180 }",
        )
        .replace("ceiling = 200            # ASSUMPTION", "ceiling = 400            # ASSUMPTION")
        .replace("name = \"ukraine\"", "name = \"ukraine-2x-machines\"");
    let plan = Scenario::from_toml_str(&doubled)?;
    assert_eq!(plan.inputs().len(), today.inputs().len());
    Ok(plan)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let today = load_scenario("ukraine")?;
    let machines = doubled_mechanical(&today)?;
    let more_deminers = today.with_clearance_capacity_scaled(2.0)?;
    let config = SimConfig::default().with_trials(1_000).with_seed(42);
    let c = compare(&[today, machines, more_deminers], &config)?;
    println!("{} trials, seed {}; plan A = today's capacity", c.trials, c.seed);
    println!("plan B = twice the mechanical teams; plan C = twice every clearance pool\n");
    println!(
        "{:<26} {:>10} {:>10} {:>10} {:>22} {:>12}",
        "output (P50)", "A", "B", "C", "C − A mean [95% CI]", "P(C better)"
    );
    for name in
        ["duration_years", "years_to_90pct_released", "casualties_over_horizon", "land_value_returned", "total_cost"]
    {
        let o = c.output(name).ok_or("scheduled output")?;
        let scale = if o.unit == "USD" { 1e9 } else { 1.0 };
        let d = &o.versus_baseline[1];
        let better =
            if d.se == 0.0 && d.mean == 0.0 { "same".to_string() } else { format!("{:.1}%", 100.0 * d.prob_better) };
        println!(
            "{:<26} {:>10.1} {:>10.1} {:>10.1} {:>9.1} [{:>5.1}, {:>5.1}] {:>12}",
            if scale > 1.0 { format!("{name} (bn)") } else { name.to_string() },
            o.plans[0].p50() / scale,
            o.plans[1].p50() / scale,
            o.plans[2].p50() / scale,
            d.mean / scale,
            d.ci95[0] / scale,
            d.ci95[1] / scale,
            better
        );
    }
    let cas = c.output("casualties_over_horizon").ok_or("casualties")?;
    for (plan, d) in ["B", "C"].iter().zip(&cas.versus_baseline) {
        println!(
            "casualties averted by plan {plan} against A: {:.0} (95% CI {:.0} to {:.0})",
            -d.mean, -d.ci95[1], -d.ci95[0]
        );
    }
    Ok(())
}
