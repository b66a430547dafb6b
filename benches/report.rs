//! Cost of the reports as the number of regions grows (issue 24, "cost that grows as it should").
//!
//! `report_by_regions/{table,json,csv}/N`: the text table, the JSON and the CSV of one
//! aggregate run (64 trials) of a scenario with N regions of one stratum each, N = 1,000 … 8,000.
//! Throughput is in regions, so linear growth shows as a flat time per region across N; the
//! quadratic table of demine 0.1's first pass (a summary searched per region and column) grew 4× per
//! doubling.
//!
//! Run: `cargo bench --bench report` (about a minute on 2 cores).

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use demine::{ModelLevel, Scenario, SimConfig, report, simulate};
use std::hint::black_box;
use std::time::Duration;

/// A scenario with every input fixed but one, and `n` regions of 1 km² of mines each.
fn regions(n: usize) -> Scenario {
    let mut text = String::from(
        r#"
name = "regions"
currency = "USD"
price_year = 2024
start_year = 2025

[land_release]
cancelled_fraction = { dist = "uniform", min = 0.4, max = 0.6 }
reduced_fraction = 0.5
contaminated_fraction = 0.1
items_per_km2 = 1000
method_shares = { manual = 1.0 }

[survey.non_technical]
cost_usd_per_km2 = 1000

[survey.technical]
cost_usd_per_m2 = 0.1

[methods.manual]
productivity_m2_per_team_day = 200
cost_usd_per_team_day = 1000

[costs]
overhead_fraction = 0.1
"#,
    );
    for r in 0..n {
        text.push_str(&format!(
            "\n[[regions]]\nname = \"R{r}\"\nstrata = [{{ hazard = \"mines\", suspected_area_km2 = 1 }}]\n"
        ));
    }
    Scenario::from_toml_str(&text).expect("valid")
}

fn report_by_regions(c: &mut Criterion) {
    let mut g = c.benchmark_group("report_by_regions");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(3));
    let config = SimConfig::default().with_trials(64).with_model(ModelLevel::Aggregate);
    for n in [1_000usize, 2_000, 4_000, 8_000] {
        let o = simulate(&regions(n), &config).expect("runs");
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::new("table", n), &o, |b, o| b.iter(|| black_box(report::to_table(o))));
        g.bench_with_input(BenchmarkId::new("json", n), &o, |b, o| {
            b.iter(|| black_box(report::to_json(o).to_string()))
        });
        g.bench_with_input(BenchmarkId::new("csv", n), &o, |b, o| b.iter(|| black_box(report::to_csv(o))));
    }
    g.finish();
}

criterion_group!(benches, report_by_regions);
criterion_main!(benches);
