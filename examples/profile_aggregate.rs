//! Profiling helper: the aggregate engine on the Ukraine scenario, one thread.
//! `cargo run --release --example profile_aggregate -- [trials] [repeats]`
//!
//! The first run builds the quantile tables and computes every summary; the
//! repeats (tables cached, no summaries: what the criterion benchmark times)
//! print their wall and CPU time per trial (CPU time from /proc/self/stat,
//! steadier than wall time on a shared machine).
use demine::{ModelLevel, SimConfig, io::load_scenario, simulate};
use std::error::Error;

/// User + system CPU time of this process, seconds (Linux; 0 elsewhere).
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else { return 0.0 };
    // Fields after the command name (which ends with ')'): utime and stime are the 12th and 13th.
    let after = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<f64> = after.split_whitespace().filter_map(|x| x.parse().ok()).collect();
    // The state field is not a number, so utime and stime are at 10 and 11 here.
    (f.get(10).copied().unwrap_or(0.0) + f.get(11).copied().unwrap_or(0.0)) / 100.0
}

fn main() -> Result<(), Box<dyn Error>> {
    let trials: u64 = std::env::args().nth(1).map_or(Ok(200_000), |a| a.parse())?;
    let repeats: u32 = std::env::args().nth(2).map_or(Ok(0), |a| a.parse())?;
    let s = load_scenario("ukraine")?;
    let config = SimConfig::default().with_trials(trials).with_model(ModelLevel::Aggregate).with_threads(1);
    let t = std::time::Instant::now();
    let o = simulate(&s, &config)?;
    let us = t.elapsed().as_secs_f64() * 1e6 / trials as f64;
    println!(
        "{trials} trials: {us:.3} µs per trial (1 thread); P50 cost {:.3e}",
        o.summary("total_cost").map_or(f64::NAN, |s| s.p50())
    );
    for _ in 0..repeats {
        let (t, cpu) = (std::time::Instant::now(), cpu_seconds());
        std::hint::black_box(simulate(&s, &config)?);
        let per = |x: f64| x * 1e6 / trials as f64;
        println!(
            "repeat: {:.3} µs wall, {:.3} µs CPU per trial",
            per(t.elapsed().as_secs_f64()),
            per(cpu_seconds() - cpu)
        );
    }
    Ok(())
}
