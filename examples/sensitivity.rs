//! Which uncertain inputs drive the cost and the duration of clearing Ukraine?
//! Tornado data (Spearman, standardised regression, contribution to variance)
//! from a Latin hypercube run, and Sobol first-order and total indices with
//! confidence intervals from replicate designs — the same as `demine sensitivity ukraine`.
//!
//! Run: `cargo run --release --example sensitivity`
use demine::analysis::{scenario_sobol_indices, tornado};
use demine::{ModelLevel, Sampler, SimConfig, io::load_scenario, simulate};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let s = load_scenario("ukraine")?;
    let config =
        SimConfig::default().with_trials(4_000).with_sampler(Sampler::LatinHypercube).with_model(ModelLevel::Aggregate);
    let outcome = simulate(&s, &config)?;
    let outputs = ["total_cost", "duration_years"];
    let sobol = scenario_sobol_indices(&s, &config, &outputs, 2048, 16)?;
    for (name, sb) in outputs.iter().zip(&sobol) {
        let t = tornado(&outcome, name)?;
        println!("{name}: tornado (linear fit R² = {:.2})", t.src_r2);
        for b in t.bars.iter().take(5) {
            println!(
                "  {:<42} rho {:>6.3}  SRC {:>6.3}  {:>5.1} % of variance",
                b.label,
                b.spearman,
                b.src,
                100.0 * b.contribution
            );
        }
        let mut order: Vec<usize> = (0..sb.inputs.len()).collect();
        order.sort_by(|&a, &b| sb.total[b].total_cmp(&sb.total[a]));
        println!("{name}: Sobol indices (N = {}; 95 % CIs from {} replicate designs)", sb.n, sb.replicates);
        for &i in order.iter().take(5) {
            let label = &s.param(&sb.inputs[i]).ok_or("a scenario input")?.label;
            println!(
                "  {:<42} S {:>6.3} [{:>6.3}, {:>6.3}]  ST {:>6.3} [{:>6.3}, {:>6.3}]",
                label,
                sb.first[i],
                sb.first_ci[i][0],
                sb.first_ci[i][1],
                sb.total[i],
                sb.total_ci[i][0],
                sb.total_ci[i][1]
            );
        }
        println!();
    }
    Ok(())
}
