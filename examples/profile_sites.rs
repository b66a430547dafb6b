//! Profiling helper: runs the site engine on the Ukraine scenario without the schedule.
//! `cargo run --release --example profile_sites -- [trials] [schedule]`
use demine::{ModelLevel, SimConfig, io::load_scenario, simulate};
use std::error::Error;

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let trials: u64 = args.next().map_or(Ok(200), |a| a.parse())?;
    let schedule = args.next().is_some();
    let s = load_scenario("ukraine")?;
    let s = if schedule { s } else { s.without_capacity() };
    let t = std::time::Instant::now();
    let o = simulate(&s, &SimConfig::default().with_trials(trials).with_model(ModelLevel::Sites).with_threads(1))?;
    let ns = t.elapsed().as_nanos() as f64 / (trials as f64 * 50_000.0);
    println!(
        "{trials} trials: {ns:.2} ns per site-trial (1 thread); P50 cost {:.3e}",
        o.summary("total_cost").map_or(f64::NAN, |s| s.p50())
    );
    Ok(())
}
