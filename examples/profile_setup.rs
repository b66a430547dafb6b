//! Profiling helper: time of one-trial runs (set-up cost: compiling the scenario, generating sites).
//! `cargo run --release --example profile_setup` (50,000 sites, without the schedule, 1 and 2 threads);
//! `cargo run --release --example profile_setup -- 10000000 schedule` (one run of Ukraine with that
//! many synthetic sites, scheduled, 1 thread).
use demine::{ModelLevel, SimConfig, io::load_scenario, simulate};
use std::error::Error;

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    if let Some(n) = args.next() {
        let n: u64 = n.parse()?;
        let schedule = args.next().is_some();
        let text =
            demine::io::bundled("ukraine").ok_or("bundled")?.toml.replace("count = 50000", &format!("count = {n}"));
        let path = std::env::temp_dir().join(format!("demine-setup-{}-{n}.toml", std::process::id()));
        std::fs::write(&path, text)?;
        let s = load_scenario(path.to_str().ok_or("path")?)?;
        std::fs::remove_file(&path)?;
        let s = if schedule { s } else { s.without_capacity() };
        let config = SimConfig::default().with_trials(1).with_model(ModelLevel::Sites).with_threads(1);
        let t = std::time::Instant::now();
        let _ = simulate(&s, &config)?;
        println!("{n} sites, schedule {schedule}: {:.2} s for a one-trial run (1 thread)", t.elapsed().as_secs_f64());
        return Ok(());
    }
    let s = load_scenario("ukraine")?.without_capacity();
    for threads in [1, 2] {
        let config = SimConfig::default().with_trials(1).with_model(ModelLevel::Sites).with_threads(threads);
        let _ = simulate(&s, &config)?; // warm the quantile-table cache
        let t = std::time::Instant::now();
        for _ in 0..20 {
            let _ = simulate(&s, &config)?;
        }
        println!("{threads} thread(s): {:.2} ms per one-trial run", t.elapsed().as_secs_f64() * 1e3 / 20.0);
    }
    Ok(())
}
