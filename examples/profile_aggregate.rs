//! Profiling helper: the aggregate engine on the Ukraine scenario, one thread.
//! `cargo run --release --example profile_aggregate -- [trials]`
use demine::{ModelLevel, SimConfig, io::load_scenario, simulate};
use std::error::Error;

fn main() -> Result<(), Box<dyn Error>> {
    let trials: u64 = std::env::args().nth(1).map_or(Ok(200_000), |a| a.parse())?;
    let s = load_scenario("ukraine")?;
    let t = std::time::Instant::now();
    let o = simulate(&s, &SimConfig::default().with_trials(trials).with_model(ModelLevel::Aggregate).with_threads(1))?;
    let us = t.elapsed().as_secs_f64() * 1e6 / trials as f64;
    println!(
        "{trials} trials: {us:.3} µs per trial (1 thread); P50 cost {:.3e}",
        o.summary("total_cost").map_or(f64::NAN, |s| s.p50())
    );
    Ok(())
}
