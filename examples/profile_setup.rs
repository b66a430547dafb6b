//! Profiling helper: time of one-trial runs (set-up cost: compiling the scenario, generating sites).
//! `cargo run --release --example profile_setup`
use demine::{ModelLevel, SimConfig, io::load_scenario, simulate};
use std::error::Error;

fn main() -> Result<(), Box<dyn Error>> {
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
