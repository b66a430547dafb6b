//! The default engine (its fast paths) against the reference engine (the model of docs/MODEL.md
//! written plainly), and invariants of the model, on random small scenarios covering every feature
//! (`common/random_scenario.rs`).
//!
//! CI runs [`CASES`] cases of each property; a long run:
//! `PROPTEST_CASES=2000 cargo test --release --test equivalence`. A failure prints the scenario file
//! proptest shrank to (a `Spec`'s debug form is its TOML), the model, the output, the trial and both
//! values. The cases are the same on every run; `PROPTEST_RNG_SEED=n` draws others.
//!
//! `cargo test --release --test equivalence -- --ignored --nocapture survey` lists every output
//! and invariant that fails on some scenario, each with the smallest scenario proptest shrinks to:
//! a worklist for whoever mends the engine.

#[path = "common/random_scenario.rs"]
mod random_scenario;

use std::collections::{BTreeMap, HashMap};

use demine::simulate::{OutputDef, Series, Unit};
use demine::{Engine, ModelLevel, Outcome, Scenario, SimConfig, simulate};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{RngSeed, TestCaseError, TestError, TestRunner};
use random_scenario::{Spec, spec};

/// Cases per property (`PROPTEST_CASES` overrides it): the whole binary runs in seconds.
const CASES: u32 = 256;
/// Trials per run: a few, on a seed the case draws (the same seed on both engines and on both
/// sides of a comparison: common random numbers).
const TRIALS: u64 = 4;

/// Relative tolerance of the equivalence. The two engines compute the same quantities with the
/// same formulas but sum them in different orders (per stratum or per site, per year or per pool;
/// the reference bisects the funding scale where the default engine solves for it, to the ulp).
/// Reordering a sum of n terms changes it by at most about n·ε·Σ|terms| (ε = 2.2e-16); with at
/// most a few thousand terms here (60 sites × 60 years × pools) that is below 1e-12 of the total,
/// so 1e-9 leaves three orders of magnitude of room and still catches any modelling difference
/// (the smallest meaningful one, a team-day in a programme, is far larger).
const REL: f64 = 1e-9;
/// Absolute floor, as a share of the output's unit scale in the run (the largest |value| of any
/// output of that unit, any trial, either engine): a quantity that is 0 in one engine may come out
/// as a rounding residue in the other (an area left after subtracting the released parts, money
/// left after paying a year), and that residue is a few ε of the totals involved. 1e-12 of the
/// unit's scale covers it. Release times agree to the ulp, so durations need nothing more.
const FLOOR: f64 = 1e-12;
/// Series are f32: per year, 1e-5 of the series' largest |value| in the trial (f32 keeps about
/// 6e-8; an f64 sum rounded once to f32 differs by an ulp of f32 at most), plus
/// [`SERIES_FLOOR`] of the scale of the series' unit among the outputs (the suspected area for an
/// area series, the largest amount of money for a money series): the series of land left is a
/// difference of totals whose residue (1e-16 km² where the other engine has 0) is no difference.
const SERIES_REL: f64 = 1e-5;
/// Absolute floor of a series, as a share of its unit's scale among the outputs (see above).
const SERIES_FLOOR: f64 = 1e-9;

/// The property's case count: `PROPTEST_CASES` when set, else `default`. The cases are the same
/// on every run (a fixed RNG seed, so that CI does not flake on a rare scenario) unless
/// `PROPTEST_RNG_SEED` asks for others. No failure files are written (the shrunk scenario is in
/// the failure message).
fn config(default: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default);
    let rng_seed = if std::env::var_os("PROPTEST_RNG_SEED").is_some() {
        ProptestConfig::default().rng_seed
    } else {
        RngSeed::Fixed(20_250_601)
    };
    ProptestConfig { cases, rng_seed, failure_persistence: None, max_shrink_iters: 4096, ..ProptestConfig::default() }
}

/// The scenario a spec writes; a spec that does not validate is a bug of the generator.
fn parse(spec: &Spec) -> Result<Scenario, TestCaseError> {
    let text = spec.to_toml();
    Scenario::from_toml_str(&text)
        .map_err(|e| TestCaseError::fail(format!("the generator wrote an invalid scenario: {e}\n{text}")))
}

fn run(s: &Scenario, model: ModelLevel, engine: Engine, seed: u64) -> Result<Outcome, TestCaseError> {
    let config = SimConfig::default().with_trials(TRIALS).with_seed(seed).with_model(model).with_engine(engine);
    simulate(s, &config).map_err(|e| TestCaseError::fail(format!("{} {model:?} run failed: {e}", engine.name())))
}

/// The models a spec runs: aggregate, and sites when it has `[sites]`.
fn models(spec: &Spec) -> Vec<ModelLevel> {
    if spec.sites.is_some() { vec![ModelLevel::Aggregate, ModelLevel::Sites] } else { vec![ModelLevel::Aggregate] }
}

const ENGINES: [Engine; 2] = [Engine::Fast, Engine::Reference];

/// `name`, or `region/name` for a regional output.
fn qualified(o: &Outcome, d: &OutputDef) -> String {
    match d.region {
        None => d.name.clone(),
        Some(r) => format!("{}/{}", o.region_names()[r], d.name),
    }
}

/// One output's per-trial values, national or regional.
fn column<'a>(o: &'a Outcome, d: &OutputDef) -> &'a [f64] {
    let v = match d.region {
        None => o.values(&d.name),
        Some(r) => o.region_values(&o.region_names()[r], &d.name),
    };
    v.unwrap_or_else(|| panic!("{} is listed but has no values", qualified(o, d)))
}

fn values<'a>(o: &'a Outcome, name: &str) -> &'a [f64] {
    o.values(name).unwrap_or_else(|| panic!("no {name}"))
}

// ------------------------------------------------------------------ equivalence

/// Equal within `floor` + [`REL`], NaN equal to NaN, infinities equal to themselves.
fn close(a: f64, b: f64, floor: f64) -> bool {
    (a.is_nan() && b.is_nan()) || a == b || (a - b).abs() <= REL * a.abs().max(b.abs()) + floor
}

/// The scale of each unit in two runs: the largest finite |value| of any output of that unit.
fn unit_scales(a: &Outcome, b: &Outcome) -> HashMap<Unit, f64> {
    let mut scale: HashMap<Unit, f64> = HashMap::new();
    for o in [a, b] {
        for d in o.outputs() {
            let m = column(o, d).iter().filter(|v| v.is_finite()).fold(0.0f64, |m, v| m.max(v.abs()));
            let e = scale.entry(d.unit_kind()).or_insert(0.0);
            *e = e.max(m);
        }
    }
    scale
}

/// One difference between the engines: what differs (an output's name, `*/name` for a regional
/// one, `series NAME`, ...) and the details.
struct Diff {
    what: String,
    line: String,
}

/// Every difference between the default engine's run `fast` and the reference's run `refr`: every
/// output (national and regional) of every trial, the failed trials, every yearly series of every
/// trial, and the per-site results. Empty when they agree.
fn differences(fast: &Outcome, refr: &Outcome) -> Vec<Diff> {
    let mut out = Vec::new();
    if fast.outputs() != refr.outputs() {
        let names = |o: &Outcome| o.outputs().iter().map(|d| qualified(o, d)).collect::<Vec<_>>();
        let line = format!("output lists differ:\n  fast:      {:?}\n  reference: {:?}", names(fast), names(refr));
        out.push(Diff { what: "output list".into(), line });
        return out;
    }
    let scales = unit_scales(fast, refr);
    for d in fast.outputs() {
        let floor = FLOOR * scales.get(&d.unit_kind()).copied().unwrap_or(0.0);
        for (t, (&a, &b)) in column(fast, d).iter().zip(column(refr, d)).enumerate() {
            if !close(a, b, floor) {
                out.push(Diff {
                    what: if d.region.is_some() { format!("*/{}", d.name) } else { d.name.clone() },
                    line: format!(
                        "{}: trial {t}: fast {a:?} vs reference {b:?} (difference {:e}, allowed {:e})",
                        qualified(fast, d),
                        a - b,
                        REL * a.abs().max(b.abs()) + floor
                    ),
                });
            }
        }
    }
    let (fa, fb) = (fast.failed_trials().1, refr.failed_trials().1);
    if fa != fb {
        out.push(Diff { what: "failed trials".into(), line: format!("failed trials: fast {fa} vs reference {fb}") });
    }
    for t in 0..fast.trials() as usize {
        let (a, b) = (fast.trial_series(t), refr.trial_series(t));
        if a.len() != b.len() {
            let line = format!("trial {t}: series lengths: fast {} vs reference {}", a.len(), b.len());
            out.push(Diff { what: "series length".into(), line });
            continue;
        }
        for series in Series::EVERY {
            let xa: Vec<f64> = a.iter().map(|y| f64::from(series.get(y))).collect();
            let xb: Vec<f64> = b.iter().map(|y| f64::from(series.get(y))).collect();
            let floor = SERIES_FLOOR * scales.get(&series.unit()).copied().unwrap_or(0.0);
            if let Some(msg) = series_difference(&xa, &xb, floor) {
                let line = format!("series {} of trial {t}: {msg}", series.name());
                out.push(Diff { what: format!("series {}", series.name()), line });
            }
        }
    }
    match (fast.sites(), refr.sites()) {
        (Some(a), Some(b)) if a.len() == b.len() => {
            // Release times are summed across trials in fixed point (2^-20 year): one ulp of a
            // release time may move such a sum by one unit.
            let fixed = 2.0 / 1_048_576.0;
            for i in 0..a.len() {
                let (ma, mb) = (a.mean_release_year()[i], b.mean_release_year()[i]);
                let (sa, sb) = (a.released_share()[i], b.released_share()[i]);
                if !close(ma, mb, fixed) || sa != sb {
                    let line = format!(
                        "site {}: mean release year fast {ma} vs reference {mb}, share released {sa} vs {sb}",
                        a.id(i)
                    );
                    out.push(Diff { what: "site results".into(), line });
                }
            }
        }
        (None, None) => {}
        (a, b) => out.push(Diff {
            what: "site results".into(),
            line: format!(
                "per-site results: fast {:?} sites vs reference {:?}",
                a.map(|s| s.len()),
                b.map(|s| s.len())
            ),
        }),
    }
    out
}

/// Where one trial's yearly series differ (tolerance [`SERIES_REL`] of its largest |value| plus
/// `floor`), and,
/// when they do, whether the difference is only an amount moved across a year boundary (the
/// cumulative sums then agree everywhere but at that boundary). Such a move still fails: the
/// engines' release times agree to the ulp, so a release exactly on a boundary lands in the same
/// year in both (the survey below counts runs whose only differences are such moves: none in
/// 1,500 random scenarios, where round numbers put many releases exactly on boundaries; so
/// cumulative sums are not needed to absorb them). The note only says where to look.
fn series_difference(a: &[f64], b: &[f64], floor: f64) -> Option<String> {
    let top = a.iter().chain(b).filter(|v| v.is_finite()).fold(0.0f64, |m, v| m.max(v.abs()));
    let tol = SERIES_REL * top + floor;
    let bad: Vec<usize> =
        (0..a.len()).filter(|&y| !((a[y].is_nan() && b[y].is_nan()) || (a[y] - b[y]).abs() <= tol)).collect();
    if bad.is_empty() {
        return None;
    }
    let shown: Vec<String> =
        bad.iter().take(4).map(|&y| format!("year {y}: fast {} vs reference {}", a[y], b[y])).collect();
    let (mut ca, mut cb) = (0.0, 0.0);
    let cumulative_bad = (0..a.len())
        .filter(|&y| {
            ca += a[y];
            cb += b[y];
            (ca - cb).abs() > tol
        })
        .count();
    let moved = bad.len() == 2 && bad[1] == bad[0] + 1 && cumulative_bad == 1;
    let note = if moved { " (only moved across the boundary between these years)" } else { "" };
    Some(format!("{}{note}", shown.join("; ")))
}

/// Runs `spec` on both engines with every model it has; fails with the differences whose model and
/// `what` pass `keep` (all of them in the test; one output of one model at a time in the survey).
fn check_equivalence(spec: &Spec, seed: u64, keep: &dyn Fn(ModelLevel, &str) -> bool) -> Result<(), TestCaseError> {
    let s = parse(spec)?;
    for model in models(spec) {
        let fast = run(&s, model, Engine::Fast, seed)?;
        let refr = run(&s, model, Engine::Reference, seed)?;
        let diffs: Vec<Diff> = differences(&fast, &refr).into_iter().filter(|d| keep(model, &d.what)).collect();
        if !diffs.is_empty() {
            let shown: Vec<&str> = diffs.iter().take(12).map(|d| d.line.as_str()).collect();
            return Err(TestCaseError::fail(format!(
                "model {model:?}, seed {seed}, {TRIALS} trials: {} difference(s):\n  {}\nscenario:\n{}",
                diffs.len(),
                shown.join("\n  "),
                spec.to_toml()
            )));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(CASES))]

    /// The default engine gives the reference's outputs: every output (national and regional) of
    /// every trial, the yearly series of every trial and the per-site results, for the aggregate and
    /// (with `[sites]`) the site model, on the same seed. The reference states the model once,
    /// plainly (docs/MODEL.md); every fast path must reproduce it, so a fast path that drops a
    /// feature, or mishandles a boundary or a combination, shows up here with its scenario.
    #[test]
    fn fast_equals_reference(spec in spec(), seed in 0u64..1000) {
        check_equivalence(&spec, seed, &|_, _| true)?;
    }
}

// ------------------------------------------------------------------ invariants

/// (a) on `engines`: durations (national and regional) in [0, horizon]; share released in [0, 1],
/// exactly 1 when finished before the horizon; years to 50 % <= years to 90 % <= duration.
fn check_release_order(spec: &Spec, seed: u64, engines: &[Engine]) -> Result<(), TestCaseError> {
    let spec = spec.with_capacity();
    let s = parse(&spec)?;
    for model in models(&spec) {
        for &engine in engines {
            let o = run(&s, model, engine, seed)?;
            let what = format!("{} {model:?}", engine.name());
            let h = o.horizon_years() as f64;
            let duration = values(&o, "duration_years");
            let share = values(&o, "share_released_by_horizon");
            let y50 = o.values("years_to_50pct_released");
            let y90 = o.values("years_to_90pct_released");
            for d in o.outputs().iter().filter(|d| d.name == "duration_years") {
                for (t, v) in column(&o, d).iter().enumerate() {
                    prop_assert!(
                        (0.0..=h).contains(v),
                        "{what}: trial {t}: {} {v} outside [0, {h}]\n{spec:?}",
                        qualified(&o, d)
                    );
                }
            }
            for t in 0..duration.len() {
                let (d, sh) = (duration[t], share[t]);
                prop_assert!(
                    (0.0..=1.0).contains(&sh),
                    "{what}: trial {t}: share released {sh} outside [0, 1]\n{spec:?}"
                );
                if d < h {
                    prop_assert!(
                        sh == 1.0,
                        "{what}: trial {t}: finished in {d} < {h} years but share released {sh}\n{spec:?}"
                    );
                }
                if let (Some(y50), Some(y90)) = (y50, y90) {
                    prop_assert!(
                        y50[t] <= y90[t] && y90[t] <= d,
                        "{what}: trial {t}: years to 50 % {}, to 90 % {}, duration {d}: out of order\n{spec:?}",
                        y50[t],
                        y90[t]
                    );
                }
            }
        }
    }
    Ok(())
}

/// (b) on `engines`: no failed trial; every output but the ratios, and every series, finite and >= 0.
fn check_amounts(spec: &Spec, seed: u64, engines: &[Engine]) -> Result<(), TestCaseError> {
    let s = parse(spec)?;
    for model in models(spec) {
        for &engine in engines {
            let o = run(&s, model, engine, seed)?;
            let what = format!("{} {model:?}", engine.name());
            prop_assert_eq!(o.failed_trials().1, 0, "{}: failed trials {:?}\n{:?}", what, o.failed_trials().0, spec);
            for d in o.outputs().iter().filter(|d| !d.output.is_derived()) {
                for (t, v) in column(&o, d).iter().enumerate() {
                    prop_assert!(
                        v.is_finite() && *v >= 0.0,
                        "{what}: {} of trial {t} is {v}\n{spec:?}",
                        qualified(&o, d)
                    );
                }
            }
            for t in 0..TRIALS as usize {
                for (y, yv) in o.trial_series(t).iter().enumerate() {
                    for series in Series::EVERY {
                        let v = series.get(yv);
                        prop_assert!(
                            v.is_finite() && v >= 0.0,
                            "{what}: series {} of trial {t}, year {y}, is {v}\n{spec:?}",
                            series.name()
                        );
                    }
                }
            }
        }
    }
    Ok(())
}

/// (c) on `engines`: k times the teams and money never gives a longer duration, trial by trial.
fn check_more_is_faster(spec: &Spec, seed: u64, engines: &[Engine]) -> Result<(), TestCaseError> {
    let base = spec.with_capacity();
    let s = parse(&base)?;
    for model in models(&base) {
        for &engine in engines {
            let o = run(&s, model, engine, seed)?;
            let d0 = values(&o, "duration_years");
            for k in [2.0, 10.0, 300.0] {
                let more = base.scaled_capacity(k);
                let o2 = run(&parse(&more)?, model, engine, seed)?;
                for (t, (a, b)) in d0.iter().zip(values(&o2, "duration_years")).enumerate() {
                    prop_assert!(
                        *b <= *a + REL * a.abs().max(1.0),
                        "{} {model:?}: trial {t}: with {k} times the teams and money the duration grows from {a} to \
                         {b}\nbase:{base:?}\nscaled:{more:?}",
                        engine.name()
                    );
                }
            }
        }
    }
    Ok(())
}

/// (d) on `engines`: capping funding is never overspent (see the test).
fn check_funding_cap(spec: &Spec, seed: u64, engines: &[Engine]) -> Result<(), TestCaseError> {
    let spec = spec.capped_funding();
    let s = parse(&spec)?;
    let cap = spec.capacity.as_ref().expect("capped_funding gives capacity");
    let f = cap.funding.as_ref().expect("capped_funding gives funding");
    let coordination = spec.costs.coordination.map_or(0.0, |c| c.centre());
    let escalation = spec.costs.escalation.map_or(0.0, |c| c.centre());
    // The most year y may spend; None when the year has no cap (before any pledge, without per_year).
    let bound = |y: usize| f.in_year(y).map(|m| m.max(coordination * (1.0 + escalation).powi(y as i32)));
    for model in models(&spec) {
        for &engine in engines {
            let o = run(&s, model, engine, seed)?;
            let what = format!("{} {model:?}", engine.name());
            let h = o.horizon_years();
            for (t, &d) in values(&o, "duration_years").iter().enumerate() {
                if model == ModelLevel::Sites {
                    for (y, yv) in o.trial_series(t).iter().enumerate() {
                        let Some(b) = bound(y) else { continue };
                        let spent = f64::from(yv.spending);
                        prop_assert!(
                            spent <= b * (1.0 + 1e-6) + 1e-6,
                            "{what}: trial {t}, year {y}: spent {spent} > funding {b}\n{spec:?}"
                        );
                    }
                } else {
                    // The aggregate engine bills the years until everything is done (at least one).
                    let years = (d.ceil() as usize).clamp(1, h);
                    let Some(total) = (0..years).map(bound).sum::<Option<f64>>() else { continue };
                    let cost = values(&o, "programme_cost")[t];
                    prop_assert!(
                        cost <= total * (1.0 + 1e-9) + 1e-6,
                        "{what}: trial {t}: programme cost {cost} > the funding of its {years} years, {total}\n{spec:?}"
                    );
                }
            }
        }
    }
    Ok(())
}

/// (e) on `engines`: a late region's arrival (+3 or +30 years) leaves the other regions' durations.
fn check_late_land(spec: &Spec, seed: u64, shared: bool, engines: &[Engine]) -> Result<(), TestCaseError> {
    let shared = shared && spec.sites.is_some() && spec.with_capacity().can_share_late();
    let early = spec.with_late_region(3, shared);
    let late = spec.with_late_region(30, shared);
    let (se, sl) = (parse(&early)?, parse(&late)?);
    let chosen = if shared { vec![ModelLevel::Sites] } else { models(&early) };
    for model in chosen {
        for &engine in engines {
            let (a, b) = (run(&se, model, engine, seed)?, run(&sl, model, engine, seed)?);
            for name in a.region_names().iter().filter(|n| *n != "Late") {
                let da = a.region_values(name, "duration_years").expect("regional durations (2+ regions)");
                let db = b.region_values(name, "duration_years").expect("regional durations (2+ regions)");
                for t in 0..da.len() {
                    prop_assert!(
                        da[t] == db[t],
                        "{} {model:?} (late region on the national teams: {shared}): region {name}, trial {t}: \
                         duration {} with the late land at +3 years, {} at +30\n{early:?}",
                        engine.name(),
                        da[t],
                        db[t]
                    );
                }
            }
        }
    }
    Ok(())
}

/// (f) on `engines`: the aggregate model's outputs do not depend on the sites.
fn check_aggregate_ignores_sites(spec: &Spec, seed: u64, n: [u64; 2], engines: &[Engine]) -> Result<(), TestCaseError> {
    let runs = [spec.with_site_count(None), spec.with_site_count(Some(n[0])), spec.with_site_count(Some(n[1]))];
    for &engine in engines {
        let outcomes =
            runs.iter().map(|r| run(&parse(r)?, ModelLevel::Aggregate, engine, seed)).collect::<Result<Vec<_>, _>>()?;
        let base = &outcomes[0];
        for (o, r) in outcomes.iter().zip(&runs).skip(1) {
            prop_assert_eq!(base.outputs(), o.outputs());
            // The cost of the work first: the property's point; then every other output.
            for d in base.outputs().iter().filter(|d| d.name == "total_cost").chain(base.outputs()) {
                for (t, (&a, &b)) in column(base, d).iter().zip(column(o, d)).enumerate() {
                    prop_assert!(
                        a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()),
                        "{}: {} of trial {t}: {a} without sites, {b} with {} sites\n{r:?}",
                        engine.name(),
                        qualified(base, d),
                        r.sites.as_ref().map_or(0, |s| s.count)
                    );
                }
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(CASES))]

    /// (a) Durations (national and regional) lie in [0, horizon] (an unfinished programme is
    /// censored at the horizon); the share released by the horizon lies in [0, 1] and is exactly 1
    /// when the programme finishes before the horizon; the years to 50 % and 90 % released and the
    /// duration come in that order. Reports and the "not finished" share read them so. Both
    /// engines, both models.
    #[test]
    fn release_shares_and_times_are_ordered(spec in spec(), seed in 0u64..1000) {
        check_release_order(&spec, seed, &ENGINES)?;
    }

    /// (b) Every output that is not a ratio (areas, team-days, costs, the bill, items, years,
    /// casualties) and every yearly series is finite and >= 0, and no trial fails: negative or
    /// infinite money or land is always a bug, whatever the inputs. Both engines, both models.
    #[test]
    fn amounts_are_finite_and_not_negative(spec in spec(), seed in 0u64..1000) {
        check_amounts(&spec, seed, &ENGINES)?;
    }

    /// (c) More money or more teams never finishes a trial later: every pool's initial teams,
    /// ceiling and teams in service, and every amount of money (funding per year, pledges, budgets)
    /// times k in {2, 10, 300}; on the same seed (common random numbers) no trial's duration may
    /// grow. A plan at least as strong in every year releases every site no later (docs/ECONOMICS.md,
    /// "Funding and budgets"). Both engines, both models.
    #[test]
    fn more_teams_or_money_never_finish_later(spec in spec(), seed in 0u64..1000) {
        check_more_is_faster(&spec, seed, &ENGINES)?;
    }

    /// (d) Funding that caps the plan is never overspent: with `drives_capacity = false` and every
    /// pool with work having teams (so no work is paid outside the plan), each year's real spending
    /// (site model: the `spending` series) is at most that year's funding, or the year's national
    /// coordination when that alone exceeds it (coordination is paid whatever the money). The
    /// aggregate model has no series: its programme cost is at most the funding of the years it
    /// runs. A year's funding is computed here from the scenario (docs/ECONOMICS.md). Both engines.
    #[test]
    fn capped_funding_is_never_overspent(spec in spec(), seed in 0u64..1000) {
        check_funding_cap(&spec, seed, &ENGINES)?;
    }

    /// (e) A late stratum delays only its own release: a region "Late" holding one stratum that
    /// arrives 3 or 30 years after the start leaves every other region's duration unchanged, trial
    /// by trial (no funding and no budgets here: they pass money between groups). The region has
    /// its own teams; on the site model it may instead share the national teams when no other land
    /// on them arrives late (land that has arrived is worked before land that has not,
    /// docs/MODEL.md §4). Both engines.
    #[test]
    fn late_land_delays_only_its_own_region(spec in spec(), seed in 0u64..1000, shared in any::<bool>()) {
        check_late_land(&spec, seed, shared, &ENGINES)?;
    }

    /// (f) The aggregate model does not depend on `[sites]`: the cost of the work (`total_cost`),
    /// and every other output, is the same to the bit, trial by trial, with n1 or n2 synthetic
    /// sites or none. The aggregate engine works on strata; sites belong to the site model.
    /// Both engines.
    #[test]
    fn aggregate_ignores_the_sites(spec in spec(), seed in 0u64..1000, n1 in 1u64..=60, n2 in 1u64..=60) {
        check_aggregate_ignores_sites(&spec, seed, [n1, n2], &ENGINES)?;
    }
}

// ------------------------------------------------------------------ survey

/// The smallest case proptest shrinks a failure of `property` to, or None when `cases` random
/// cases pass.
fn smallest_failure<S: Strategy>(
    cases: u32,
    strategy: S,
    property: impl Fn(S::Value) -> Result<(), TestCaseError>,
) -> Option<String>
where
    S::Value: std::fmt::Debug,
{
    let mut runner = TestRunner::new(config(cases));
    match runner.run(&strategy, property) {
        Ok(()) => None,
        Err(TestError::Fail(reason, _)) => Some(reason.to_string()),
        Err(TestError::Abort(reason)) => Some(format!("aborted: {reason}")),
    }
}

/// Not a check: a worklist. Scans random scenarios for every output (or series) on which the
/// engines differ, then shrinks a failure of each one on its own (the property "this output
/// agrees") and prints the smallest scenario; then does the same for each invariant on each
/// engine. `SURVEY_CASES` sets the scan (300 by default); `SURVEY_WITHOUT=funding,late,varcost`
/// leaves features out of every scenario (see `Spec::without`), to look past known differences;
/// `SURVEY_INVARIANTS=0` skips the invariants.
#[test]
#[ignore = "a slow survey for people mending the engine; prints, never fails"]
fn survey() {
    let scan: u32 = std::env::var("SURVEY_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(300);
    let without: Vec<String> = std::env::var("SURVEY_WITHOUT")
        .unwrap_or_default()
        .split(',')
        .filter(|f| !f.is_empty())
        .map(String::from)
        .collect();
    let invariants = std::env::var("SURVEY_INVARIANTS").map_or(true, |v| v != "0");
    let spec = move || {
        let without = without.clone();
        random_scenario::spec().prop_map(move |s| s.without(&without.iter().map(String::as_str).collect::<Vec<_>>()))
    };
    let strategy = (spec(), 0u64..1000);
    let mut runner = TestRunner::new(config(scan));
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    // Runs whose only differences are series amounts moved across one year boundary.
    let mut boundary_only = Vec::new();
    for _ in 0..scan {
        let (spec, seed) = strategy.new_tree(&mut runner).expect("a case").current();
        let Ok(s) = parse(&spec) else { continue };
        for model in models(&spec) {
            let (Ok(a), Ok(b)) = (run(&s, model, Engine::Fast, seed), run(&s, model, Engine::Reference, seed)) else {
                continue;
            };
            let diffs = differences(&a, &b);
            if !diffs.is_empty() && diffs.iter().all(|d| d.line.contains("only moved across")) {
                boundary_only.push(format!("{model:?}: {}\n{spec:?}", diffs[0].line));
            }
            let mut whats: Vec<String> = diffs.into_iter().map(|d| format!("{model:?} {}", d.what)).collect();
            whats.sort();
            whats.dedup();
            for w in whats {
                *seen.entry(w).or_default() += 1;
            }
        }
    }
    println!("== outputs that differ, and in how many of {scan} scenarios (per model)");
    for (w, n) in &seen {
        println!("{n:5}  {w}");
    }
    println!("== runs whose only differences are amounts moved across a year boundary: {}", boundary_only.len());
    if let Some(first) = boundary_only.first() {
        println!("{first}");
    }
    for key in seen.keys() {
        let (model, what) = key.split_once(' ').expect("model and output");
        let model = if model == "Sites" { ModelLevel::Sites } else { ModelLevel::Aggregate };
        let found = smallest_failure(scan, (spec(), 0u64..1000), |(spec, seed)| {
            check_equivalence(&spec, seed, &|m, w| m == model && w == what)
        });
        println!("\n== smallest scenario where {key} differs\n{}", found.unwrap_or_else(|| "(none found)".into()));
    }
    for engine in ENGINES.into_iter().filter(|_| invariants) {
        let e = [engine];
        let checks: [(&str, Option<String>); 6] = [
            (
                "(a) release order",
                smallest_failure(scan, (spec(), 0u64..1000), |(s, seed)| check_release_order(&s, seed, &e)),
            ),
            ("(b) amounts", smallest_failure(scan, (spec(), 0u64..1000), |(s, seed)| check_amounts(&s, seed, &e))),
            (
                "(c) more is faster",
                smallest_failure(scan, (spec(), 0u64..1000), |(s, seed)| check_more_is_faster(&s, seed, &e)),
            ),
            (
                "(d) funding cap",
                smallest_failure(scan, (spec(), 0u64..1000), |(s, seed)| check_funding_cap(&s, seed, &e)),
            ),
            (
                "(e) late land",
                smallest_failure(scan, (spec(), 0u64..1000, any::<bool>()), |(s, seed, sh)| {
                    check_late_land(&s, seed, sh, &e)
                }),
            ),
            (
                "(f) aggregate ignores sites",
                smallest_failure(scan, (spec(), 0u64..1000, 1u64..=60, 1u64..=60), |(s, seed, n1, n2)| {
                    check_aggregate_ignores_sites(&s, seed, [n1, n2], &e)
                }),
            ),
        ];
        for (name, found) in checks {
            match found {
                None => println!("\n== {name} on the {} engine: holds on {scan} cases", engine.name()),
                Some(r) => println!("\n== {name} on the {} engine: FAILS; smallest case:\n{r}", engine.name()),
            }
        }
    }
}
