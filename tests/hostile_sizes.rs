//! Hostile sizes, memory and ranges (issue 10): absurd areas, site counts,
//! trial counts, memory limits and years get a message naming the field, the
//! value and the rule (exit code 2 from the binary), never a panic or an abort;
//! a run too large is refused before anything big is allocated; and the memory
//! estimate matches the measured peak within 15 %.

mod common;
use common::{FIXED, edit};
use demine::{Error, ModelLevel, Scenario, SimConfig, simulate};
use std::process::Command;

fn demine_env(args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_demine"));
    cmd.args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

fn demine(args: &[&str]) -> (i32, String, String) {
    demine_env(args, &[])
}

fn tmp(name: &str, text: &str) -> String {
    let dir = std::env::temp_dir().join(format!("demine-hostile-sizes-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_string_lossy().into_owned()
}

/// FIXED with synthetic sites.
fn with_sites(text: &str, count: &str) -> String {
    format!("{text}\n[sites]\ncount = {count}\n")
}

/// FIXED with a schedule (`horizon` years) and synthetic sites.
fn scheduled(horizon: u32, count: u64) -> String {
    let capacity = format!(
        "[capacity]\nworking_days_per_year = 200\nhorizon_years = {horizon}\n\
         teams.non_technical_survey = {{ initial = 2 }}\nteams.technical_survey = {{ initial = 2 }}\n\
         teams.manual = {{ initial = 4 }}\nteams.mechanical = {{ initial = 1 }}\n\n\
         [sites]\ncount = {count}\n\n[[regions]]"
    );
    edit(FIXED, "[[regions]]", &capacity)
}

/// A scenario file the binary must refuse with exit code 2 and `want` in its message.
struct Case {
    name: &'static str,
    text: String,
    args: &'static [&'static str],
    want: &'static str,
}

fn cases() -> Vec<Case> {
    let area = |a: &str| edit(FIXED, "suspected_area_km2 = 100", &format!("suspected_area_km2 = {a}"));
    vec![
        Case {
            name: "area-1e308-with-sites",
            text: with_sites(&area("1e308"), "1000"),
            args: &[],
            want: "regions[0].strata[0].suspected_area_km2: 1e308 is invalid: a suspected area must be at most 150,000,000 km²",
        },
        Case {
            name: "area-1e308-aggregate",
            text: area("1e308"),
            args: &[],
            want: "regions[0].strata[0].suspected_area_km2: 1e308 is invalid: a suspected area must be at most",
        },
        Case {
            name: "national-area-1e300",
            text: edit(FIXED, "land_area_km2 = 1000\n", "land_area_km2 = 1000\nsuspected_area_km2 = 1e300\n"),
            args: &[],
            want: "suspected_area_km2: 1e300 is invalid: a suspected area must be at most",
        },
        Case {
            name: "stratum-sites-1e12",
            text: with_sites(&area("100, sites = 1000000000000"), "1000"),
            args: &[],
            want: "regions[0].strata[0].sites: 1000000000000 is invalid: must lie in [1, 10,000,000]",
        },
        Case {
            name: "stratum-sites-sum-over-cap",
            text: with_sites(
                &edit(
                    FIXED,
                    "strata = [{ hazard = \"mines\", suspected_area_km2 = 100 }]",
                    "strata = [{ hazard = \"mines\", suspected_area_km2 = 100, sites = 6000000 }, \
                     { hazard = \"uxo\", suspected_area_km2 = 100, sites = 6000000 }]",
                ),
                "1000",
            ),
            args: &[],
            want: "regions[].strata[].sites: 12000000 is invalid: the strata's site counts add up to more than 10,000,000",
        },
        Case {
            name: "sites-count-over-cap",
            text: with_sites(FIXED, "10000001"),
            args: &[],
            want: "sites.count: 10000001 is invalid: must lie in [1, 10,000,000]",
        },
        Case {
            name: "sites-over-memory-limit",
            text: with_sites(FIXED, "10000000"),
            args: &["--max-memory-gb", "0.5"],
            want: "sites: 10000000 sites would need 732.8 MiB of memory before any trial, but the limit is 512.0 MiB",
        },
        Case {
            name: "trials-with-sites-over-memory-limit",
            text: with_sites(FIXED, "1000000"),
            args: &["--max-memory-gb", "0.25", "--trials", "2000000"],
            want: "trials: 2000000 is invalid: its kept samples would need ",
        },
        Case {
            name: "series-over-memory-limit",
            text: scheduled(1000, 20),
            args: &["--max-memory-gb", "1", "--trials", "100000"],
            want: "trials: 100000 is invalid: its kept samples would need 3.0 GiB (the run's estimate, sites included) but the limit is 1.0 GiB; run at most 3",
        },
        Case {
            name: "trials-u64-max",
            text: FIXED.to_string(),
            args: &["--trials", "18446744073709551615"],
            want: "trials: 18446744073709551615 is invalid: its kept samples would need ",
        },
        Case {
            name: "start-year-65000",
            text: edit(FIXED, "start_year = 2025", "start_year = 65000"),
            args: &[],
            want: "start_year: 65000 is invalid: a calendar year must lie in [1900, 2200]",
        },
        Case {
            name: "start-year-i32-min",
            text: edit(FIXED, "start_year = 2025", "start_year = -2147483648"),
            args: &[],
            want: "start_year: -2147483648 is invalid: a calendar year must lie in [1900, 2200]",
        },
        Case {
            name: "start-year-1899",
            text: edit(FIXED, "start_year = 2025", "start_year = 1899"),
            args: &[],
            want: "start_year: 1899 is invalid: a calendar year must lie in [1900, 2200]",
        },
        Case {
            name: "price-year-i32-max",
            text: edit(FIXED, "price_year = 2024", "price_year = 2147483647"),
            args: &[],
            want: "price_year: 2147483647 is invalid: a calendar year must lie in [1900, 2200]",
        },
        Case {
            name: "pledge-year-i32-max",
            text: edit(
                &scheduled(50, 20),
                "[sites]",
                "[funding]\npledges = [{ year = 2147483647, amount = 1e6 }]\n\n[sites]",
            ),
            args: &[],
            want: "funding.pledges[0].year: 2147483647 is invalid: must be within 1000 years of the start year (2025)",
        },
    ]
}

#[test]
fn hostile_sizes_and_years_exit_2_with_the_rule() {
    for case in cases() {
        let path = tmp(&format!("{}.toml", case.name), &case.text);
        let mut args = vec!["run", path.as_str()];
        args.extend_from_slice(case.args);
        let (code, out, err) = demine(&args);
        assert_eq!(code, 2, "{}: exit {code}\nstdout: {out}\nstderr: {err}", case.name);
        assert!(err.starts_with("error: "), "{}: {err}", case.name);
        assert!(err.contains(case.want), "{}: expected {:?} in:\n{err}", case.name, case.want);
        assert!(!err.contains("panicked") && !err.contains("memory allocation"), "{}: {err}", case.name);
    }
}

#[test]
fn sites_over_the_limit_are_refused_through_the_library_before_they_are_built() {
    let s = Scenario::from_toml_str(&with_sites(FIXED, "10000000")).unwrap();
    let config = SimConfig::default().with_trials(10).with_memory_limit_bytes(64 << 20);
    match demine::simulate::Run::new(&s, &config) {
        Err(Error::OutOfMemory { what, bytes, limit_bytes }) => {
            assert_eq!(what, "sites: 10000000 sites");
            // 76 bytes a site while they are built, plus the program.
            assert_eq!(bytes, 760_000_000 + (8 << 20));
            assert_eq!(limit_bytes, Some(64 << 20));
        }
        Err(e) => panic!("wrong error: {e}"),
        Ok(_) => panic!("accepted 10,000,000 sites in 64 MiB"),
    }
}

#[test]
fn room_checks_never_overflow() {
    let s = Scenario::from_toml_str(&with_sites(FIXED, "1000")).unwrap();
    let config = SimConfig::default().with_trials(u64::MAX);
    assert_eq!(demine::simulate::memory_estimate(&s, &config), u64::MAX);
    let run = demine::simulate::Run::new(&s, &config).unwrap();
    let e = run.ensure_room(u64::MAX).unwrap_err().to_string();
    assert!(e.starts_with("trials: 18446744073709551615 is invalid: its kept samples would need "), "{e}");
    assert!(run.max_trials() > 1_000_000 && run.max_trials() < 100_000_000, "{}", run.max_trials());
}

#[test]
fn an_allocation_that_fails_is_an_error_with_its_size() {
    // No limit, so the estimate passes; 2^50 trials' columns (8 PiB each) cannot be allocated.
    let s = Scenario::from_toml_str(FIXED).unwrap();
    let config =
        SimConfig::default().with_trials(1 << 50).with_model(ModelLevel::Aggregate).with_memory_limit_bytes(u64::MAX);
    match simulate(&s, &config) {
        Err(e @ Error::OutOfMemory { .. }) => {
            let msg = e.to_string();
            assert!(msg.starts_with("outputs: allocating 8.0 PiB failed (out of memory)"), "{msg}");
        }
        Err(e) => panic!("wrong error: {e}"),
        Ok(_) => panic!("allocated 2^50 trials"),
    }
}

/// Runs `args` with the peak reported; returns (estimate, peak) in bytes.
fn estimate_and_peak(args: &[&str]) -> (f64, f64) {
    let (code, _, err) = demine_env(args, &[("DEMINE_REPORT_PEAK_MEMORY", "1")]);
    assert_eq!(code, 0, "{err}");
    let line = err.lines().find(|l| l.starts_with("memory: estimate ")).unwrap_or_else(|| panic!("no figures: {err}"));
    let nums: Vec<f64> = line.split_whitespace().filter_map(|w| w.parse().ok()).collect();
    assert_eq!(nums.len(), 2, "{line}");
    (nums[0], nums[1])
}

/// The estimate is within 15 % of the measured peak (VmHWM) of mid-size
/// runs (about 80 to 280 MB): aggregate, a bill (sites, no schedule) and a
/// scheduled run, where the yearly series dominate.
#[test]
fn memory_estimate_matches_the_measured_peak() {
    if demine::simulate::peak_memory_bytes().is_none() {
        eprintln!("no /proc/self/status: peak memory cannot be measured here");
        return;
    }
    let aggregate = tmp("peak-aggregate.toml", FIXED);
    let bill = tmp("peak-bill.toml", &with_sites(FIXED, "2000000"));
    let sched = tmp("peak-scheduled.toml", &scheduled(200, 20));
    let runs: [(&str, Vec<&str>); 3] = [
        ("aggregate", vec!["run", &aggregate, "--trials", "500000", "--threads", "2"]),
        ("bill", vec!["run", &bill, "--trials", "20", "--threads", "2"]),
        ("scheduled", vec!["run", &sched, "--trials", "40000", "--threads", "2"]),
    ];
    for (name, args) in runs {
        let (estimate, peak) = estimate_and_peak(&args);
        let ratio = peak / estimate;
        eprintln!("{name}: estimate {estimate} B, peak {peak} B, peak/estimate {ratio:.3}");
        assert!(estimate > 50e6, "{name}: a mid-size run, not {estimate} B");
        assert!((0.85..=1.15).contains(&ratio), "{name}: estimate {estimate} B, peak {peak} B, ratio {ratio:.3}");
    }
}

#[test]
fn an_area_set_through_the_library_is_checked_too() {
    let mut s = Scenario::from_toml_str(&with_sites(FIXED, "100")).unwrap();
    let d = demine::Dist::fixed(1e308).unwrap();
    let e = s.set("regions[0].strata[0].suspected_area_km2", d).unwrap_err().to_string();
    assert!(
        e.contains("regions[0].strata[0].suspected_area_km2: 1e308 is invalid: a suspected area must be at most"),
        "{e}"
    );
}

/// Trials are written in place, batch by batch: given input rows added after
/// sampled trials give the values they give in a run of their own.
#[test]
fn input_rows_after_trials_land_in_their_own_rows() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/district.toml");
    let s = demine::io::load_scenario(path.to_str().unwrap()).unwrap();
    let config = SimConfig::default();
    let mut fresh = demine::simulate::Run::new(&s, &config).unwrap();
    let k = fresh.input_quantiles().len();
    let mut rows = Vec::new();
    for u in [0.2, 0.5, 0.8] {
        fresh.quantiles_into(&vec![u; k], &mut rows);
    }
    let keys = [11, 12, 13];
    fresh.add_input_rows(&rows, &keys).unwrap();
    let mut after = demine::simulate::Run::new(&s, &config).unwrap();
    after.add_trials(20, None).unwrap();
    after.add_input_rows(&rows, &keys).unwrap();
    assert_eq!(after.trials(), 23);
    for i in 0..fresh.outputs().len() {
        let (a, b) = (fresh.column(i), &after.column(i)[20..]);
        assert_eq!(
            a.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
            b.iter().map(|x| x.to_bits()).collect::<Vec<_>>()
        );
    }
}

/// A site run of more trials than one round of batches (8 × 1024) gives the
/// values of the same trials added in two calls, and its progress reaches the total.
#[test]
fn trials_over_several_rounds_are_the_trials_of_one() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/district.toml");
    let s = demine::io::load_scenario(path.to_str().unwrap()).unwrap();
    let config = SimConfig::default().with_threads(2);
    let n = 8 * 1024 + 100;
    let mut one = demine::simulate::Run::new(&s, &config).unwrap();
    let last = std::sync::Mutex::new((0, 0));
    let progress = |d: u64, t: u64| {
        let mut l = last.lock().unwrap();
        *l = (l.0.max(d), t);
    };
    one.add_trials(n, Some(&progress)).unwrap();
    assert_eq!(*last.lock().unwrap(), (n, n));
    let mut two = demine::simulate::Run::new(&s, &config).unwrap();
    two.add_trials(5000, None).unwrap();
    two.add_trials(n - 5000, None).unwrap();
    for i in 0..one.outputs().len() {
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(one.column(i)), bits(two.column(i)), "output {i}");
    }
}

#[test]
fn a_tiny_limit_is_a_trial_count_problem_without_sites() {
    let s = Scenario::from_toml_str(FIXED).unwrap();
    let config = SimConfig::default().with_trials(10).with_memory_limit_bytes(1000);
    let e = simulate(&s, &config).unwrap_err().to_string();
    assert!(e.starts_with("trials: 10 is invalid: its kept samples would need 8.0 MiB"), "{e}");
    assert!(e.contains("but the limit is 1000 B; run at most 0 trials"), "{e}");
}

/// The trials' memory is checked with the sites' before the sites are built:
/// 10 million sites (the most a scenario holds) fit in 8 GiB, but a billion
/// trials with them do not, and the run is refused for its trials without
/// generating a site (`Compiled::new` checks before `build_sites`).
#[test]
fn too_many_trials_are_refused_before_the_sites_are_built() {
    let s = Scenario::from_toml_str(&with_sites(FIXED, "10000000")).unwrap();
    let (trials, limit) = (1_000_000_000u64, 8u64 << 30);
    let config = SimConfig::default().with_trials(trials).with_memory_limit_bytes(limit);
    match simulate(&s, &config) {
        Err(Error::TooManyTrials { requested, limit_bytes, .. }) => {
            assert_eq!((requested, limit_bytes), (trials, u128::from(limit)));
        }
        Err(e) => panic!("wrong error: {e}"),
        Ok(_) => panic!("accepted {trials} trials with 10,000,000 sites in {limit} B"),
    }
}
