//! How many trials does each sampler need to pin down P50 and P90 of the total
//! cost and of the years to release all land in Ukraine?
//!
//! For each sampler and trial count n, 200 independent replicates (seeds) give
//! the root-mean-square error of the P50 and P90 estimates against a reference
//! run of 2^21 Latin hypercube trials. Fitting RMSE = c·n^(−a) over n = 2^8 …
//! 2^14 gives the trials each sampler needs for a 0.5 % relative RMSE, and the
//! ratio to plain Monte Carlo. Aggregate engine (the epistemic inputs are what
//! the samplers stratify; site-level noise averages out over 50,000 sites).
//!
//! Run: `cargo run --release --example variance_reduction` (about a minute).
use demine::{ModelLevel, Sampler, SimConfig, io::load_scenario, simulate};

const REPLICATES: u64 = 200;
const TARGET: f64 = 0.005;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let s = load_scenario("ukraine")?;
    let base = SimConfig::default().with_model(ModelLevel::Aggregate);
    let reference =
        simulate(&s, &base.clone().with_trials(1 << 21).with_seed(999).with_sampler(Sampler::LatinHypercube))?;
    let outputs = [("total_cost", 0.5), ("total_cost", 0.9), ("duration_years", 0.5), ("duration_years", 0.9)];
    let truth: Vec<f64> = outputs.iter().map(|(o, p)| reference.quantile(o, *p)).collect::<Result<_, _>>()?;
    let ns: Vec<u64> = (8..=14).step_by(2).map(|k| 1u64 << k).collect();
    println!("relative RMSE of the estimate over {REPLICATES} replicates (reference: 2^21 trials)\n");
    println!(
        "{:<16} {:>7} {:>12} {:>12} {:>12} {:>12}",
        "sampler", "n", "cost P50", "cost P90", "years P50", "years P90"
    );
    let mut needed = Vec::new();
    for sampler in [Sampler::MonteCarlo, Sampler::LatinHypercube, Sampler::Sobol] {
        let mut rmse = vec![vec![0.0; ns.len()]; outputs.len()];
        for (j, &n) in ns.iter().enumerate() {
            for r in 0..REPLICATES {
                let o = simulate(&s, &base.clone().with_trials(n).with_seed(1000 + r).with_sampler(sampler))?;
                for (i, (name, p)) in outputs.iter().enumerate() {
                    let e = o.quantile(name, *p)? / truth[i] - 1.0;
                    rmse[i][j] += e * e / REPLICATES as f64;
                }
            }
            for row in rmse.iter_mut() {
                row[j] = row[j].sqrt();
            }
            println!(
                "{:<16} {:>7} {:>11.3}% {:>11.3}% {:>11.3}% {:>11.3}%",
                sampler.name(),
                n,
                100.0 * rmse[0][j],
                100.0 * rmse[1][j],
                100.0 * rmse[2][j],
                100.0 * rmse[3][j]
            );
        }
        // Least squares of ln RMSE on ln n, then n = (c / target)^(1/a).
        let need: Vec<f64> = rmse
            .iter()
            .map(|row| {
                let xs: Vec<f64> = ns.iter().map(|n| (*n as f64).ln()).collect();
                let ys: Vec<f64> = row.iter().map(|r| r.ln()).collect();
                let mx = xs.iter().sum::<f64>() / xs.len() as f64;
                let my = ys.iter().sum::<f64>() / ys.len() as f64;
                let slope = xs.iter().zip(&ys).map(|(x, y)| (x - mx) * (y - my)).sum::<f64>()
                    / xs.iter().map(|x| (x - mx).powi(2)).sum::<f64>();
                let c = (my - slope * mx).exp();
                (c / TARGET).powf(-1.0 / slope)
            })
            .collect();
        needed.push((sampler, need));
    }
    println!(
        "\ntrials needed for a {:.1} % relative RMSE (fitted), and the saving against Monte Carlo",
        100.0 * TARGET
    );
    println!("{:<16} {:>18} {:>18} {:>18} {:>18}", "sampler", "cost P50", "cost P90", "years P50", "years P90");
    let mc = needed[0].1.clone();
    for (sampler, need) in &needed {
        let cells: Vec<String> = need.iter().zip(&mc).map(|(n, m)| format!("{:>9.0} ({:>4.1}×)", n, m / n)).collect();
        println!("{:<16} {:>18} {:>18} {:>18} {:>18}", sampler.name(), cells[0], cells[1], cells[2], cells[3]);
    }
    Ok(())
}
