//! Throughput of the engines on the bundled Ukraine scenario.
//!
//! - `aggregate/ukraine_100k`: the aggregate engine, trials per second; beside it
//!   `floor/rand_distr_100k` draws the same random values alone (every uncertain
//!   input of every trial from its distribution with rand_distr) and
//!   `floor/uniforms_100k` the same number of plain uniforms.
//! - `sites/*`: the site engine on the 50,000-site synthetic Ukraine inventory,
//!   10,000 trials, with and without the schedule; throughput in site-trials.
//! - `threads/*`: the site engine on 1 and 2 threads.
//! - `site_engine_1_thread/*`: the bill pass and the scheduled engine on the same
//!   50,000 sites and the same 400 trials, one thread, so their ratio is read in one run.
//! - `setup/*`: one-trial runs of Ukraine with 1,000,000 synthetic sites (set-up:
//!   generating, ordering and grouping the sites, and the per-site results), one thread.
//!
//! Run: `cargo bench --bench simulate` (about 8 minutes on 2 cores);
//! `cargo bench --bench simulate -- site_engine_1_thread` or `-- setup` for one group.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use demine::sampling::{Dist, DistParams};
use demine::{ModelLevel, SimConfig, io::load_scenario, simulate};
use rand::distr::Distribution;
use rand::{RngExt, SeedableRng, rngs::Xoshiro256PlusPlus};
use std::hint::black_box;
use std::time::Duration;

/// rand_distr's own sampler for a distribution (rejection and transformation
/// methods): the speed floor the engine is compared with.
enum Floor {
    Fixed(f64),
    Uniform(rand::distr::Uniform<f64>),
    Triangular(rand_distr::Triangular<f64>),
    Pert(rand_distr::Pert<f64>),
    Beta(rand_distr::Beta<f64>, f64, f64),
    Normal(rand_distr::Normal<f64>),
    LogNormal(rand_distr::LogNormal<f64>),
    /// Truncated normals and discrete: inverse transform.
    Inverse(Dist),
}

impl Floor {
    fn new(d: &Dist) -> Floor {
        let z = |p: f64| demine::sampling::dist::std_normal_quantile(p);
        match d.params().clone() {
            DistParams::Fixed { value } => Floor::Fixed(value),
            DistParams::Uniform { min, max } => Floor::Uniform(rand::distr::Uniform::new(min, max).expect("valid")),
            DistParams::Triangular { min, mode, max } => {
                Floor::Triangular(rand_distr::Triangular::new(min, max, mode).expect("valid"))
            }
            DistParams::Pert { min, mode, max, shape } => Floor::Pert(
                rand_distr::Pert::new(min, max).with_shape(shape.unwrap_or(4.0)).with_mode(mode).expect("valid"),
            ),
            DistParams::Beta { alpha, beta, min, max } => {
                Floor::Beta(rand_distr::Beta::new(alpha, beta).expect("valid"), min.unwrap_or(0.0), max.unwrap_or(1.0))
            }
            DistParams::Normal { mean, sd, min: None, max: None } => {
                Floor::Normal(rand_distr::Normal::new(mean, sd).expect("valid"))
            }
            DistParams::Lognormal { median: Some(m), p90, p95, .. } => {
                let sigma = match (p90, p95) {
                    (Some(q), _) => (q / m).ln() / z(0.9),
                    (_, Some(q)) => (q / m).ln() / z(0.95),
                    _ => unreachable!("validated"),
                };
                Floor::LogNormal(rand_distr::LogNormal::new(m.ln(), sigma).expect("valid"))
            }
            DistParams::Lognormal { mean: Some(m), cv: Some(cv), .. } => {
                Floor::LogNormal(rand_distr::LogNormal::from_mean_cv(m, cv).expect("valid"))
            }
            _ => Floor::Inverse(d.clone()),
        }
    }

    fn sample(&self, rng: &mut Xoshiro256PlusPlus) -> f64 {
        match self {
            Floor::Fixed(v) => *v,
            Floor::Uniform(d) => d.sample(rng),
            Floor::Triangular(d) => d.sample(rng),
            Floor::Pert(d) => d.sample(rng),
            Floor::Beta(d, min, max) => min + (max - min) * d.sample(rng),
            Floor::Normal(d) => d.sample(rng),
            Floor::LogNormal(d) => d.sample(rng),
            Floor::Inverse(d) => d.sample(rng),
        }
    }
}

fn aggregate(c: &mut Criterion) {
    let s = load_scenario("ukraine").expect("bundled");
    let trials = 100_000u64;
    let mut g = c.benchmark_group("aggregate");
    g.throughput(Throughput::Elements(trials));
    g.sample_size(10);
    let config = SimConfig::default().with_trials(trials).with_model(ModelLevel::Aggregate).with_threads(1);
    g.bench_function("ukraine_100k", |b| b.iter(|| black_box(simulate(&s, &config).expect("runs"))));
    g.finish();

    let mut g = c.benchmark_group("floor");
    g.throughput(Throughput::Elements(trials));
    g.sample_size(10);
    let samplers: Vec<Floor> = s.inputs().map(|i| Floor::new(&i.dist)).collect();
    // The floor draws every input the engine draws (40 for this scenario), no more, no fewer.
    let engine_inputs = demine::simulate::Run::new(&s, &config).expect("runs").input_quantiles().len();
    assert_eq!(samplers.len(), engine_inputs, "the floor must draw the engine's inputs");
    g.bench_function("rand_distr_100k", |b| {
        b.iter(|| {
            let mut rng = Xoshiro256PlusPlus::seed_from_u64(42);
            let mut acc = 0.0;
            for _ in 0..trials {
                for d in &samplers {
                    acc += d.sample(&mut rng);
                }
            }
            black_box(acc)
        })
    });
    let k = samplers.len();
    g.bench_function("uniforms_100k", |b| {
        b.iter(|| {
            let mut rng = Xoshiro256PlusPlus::seed_from_u64(42);
            let mut acc = 0.0;
            for _ in 0..trials as usize * k {
                acc += rng.random::<f64>();
            }
            black_box(acc)
        })
    });
    g.finish();
}

fn sites(c: &mut Criterion) {
    let s = load_scenario("ukraine").expect("bundled");
    let bill_only = s.without_capacity();
    let trials = 10_000u64;
    let n_sites = 50_000u64;
    let mut g = c.benchmark_group("sites");
    g.throughput(Throughput::Elements(trials * n_sites));
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(60));
    let config = SimConfig::default().with_trials(trials).with_model(ModelLevel::Sites);
    g.bench_function("land_release_cost_50k_sites_10k_trials", |b| {
        b.iter(|| black_box(simulate(&bill_only, &config).expect("runs")))
    });
    g.bench_function("with_schedule_50k_sites_10k_trials", |b| {
        b.iter(|| black_box(simulate(&s, &config).expect("runs")))
    });
    g.finish();

    let trials = 1_000u64;
    let mut g = c.benchmark_group("threads");
    g.throughput(Throughput::Elements(trials * n_sites));
    g.sample_size(10);
    for t in [1usize, 2] {
        let config = SimConfig::default().with_trials(trials).with_model(ModelLevel::Sites).with_threads(t);
        g.bench_function(format!("land_release_cost_{t}_threads"), |b| {
            b.iter(|| black_box(simulate(&bill_only, &config).expect("runs")))
        });
        g.bench_function(format!("with_schedule_{t}_threads"), |b| {
            b.iter(|| black_box(simulate(&s, &config).expect("runs")))
        });
    }
    g.finish();
}

fn site_ratio(c: &mut Criterion) {
    let s = load_scenario("ukraine").expect("bundled");
    let bill_only = s.without_capacity();
    let (trials, n_sites) = (400u64, 50_000u64);
    let mut g = c.benchmark_group("site_engine_1_thread");
    g.throughput(Throughput::Elements(trials * n_sites));
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(30));
    let config = SimConfig::default().with_trials(trials).with_model(ModelLevel::Sites).with_threads(1);
    g.bench_function("bill_50k_sites_400_trials", |b| {
        b.iter(|| black_box(simulate(&bill_only, &config).expect("runs")))
    });
    g.bench_function("schedule_50k_sites_400_trials", |b| b.iter(|| black_box(simulate(&s, &config).expect("runs"))));
    g.finish();
}

/// Ukraine with `n` synthetic sites (the bundled file with its site count replaced).
fn ukraine_with_sites(n: u64) -> demine::Scenario {
    let text = demine::io::bundled("ukraine").expect("bundled").toml.replace("count = 50000", &format!("count = {n}"));
    let path = std::env::temp_dir().join(format!("demine-bench-{}-{n}.toml", std::process::id()));
    std::fs::write(&path, text).expect("temporary file");
    let s = load_scenario(path.to_str().expect("utf-8 path")).expect("valid");
    let _ = std::fs::remove_file(&path);
    s
}

fn setup(c: &mut Criterion) {
    let s = ukraine_with_sites(1_000_000);
    let bill_only = s.without_capacity();
    let mut g = c.benchmark_group("setup");
    g.throughput(Throughput::Elements(1_000_000));
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(30));
    let config = SimConfig::default().with_trials(1).with_model(ModelLevel::Sites).with_threads(1);
    g.bench_function("schedule_1m_sites_1_trial", |b| b.iter(|| black_box(simulate(&s, &config).expect("runs"))));
    g.bench_function("bill_1m_sites_1_trial", |b| b.iter(|| black_box(simulate(&bill_only, &config).expect("runs"))));
    g.finish();
}

criterion_group!(benches, aggregate, sites, site_ratio, setup);
criterion_main!(benches);
