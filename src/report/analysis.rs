//! Reports of the analyses: plan comparisons, the capacity solver, sensitivity.

use super::{SCHEMA, human, thousands};
use crate::analysis::compare::plan_letter;
use crate::analysis::{BudgetAnswer, CapacityAnswer, Comparison, ReleaseAnswer, Tornado};
use crate::model::Scenario;
use crate::simulate::SimConfig;
use crate::simulate::Unit;
use crate::stats::SobolIndices;
use serde_json::{Value, json};
use std::fmt::Write as _;

/// Tornado data and Sobol indices as text: the `top` inputs of each output.
#[must_use]
pub fn sensitivity_table(
    s: &Scenario,
    config: &SimConfig,
    tornados: &[Tornado],
    sobol: &[SobolIndices],
    sobol_n: u64,
    top: usize,
) -> String {
    let label = |name: &str| s.param(name).map_or(name.to_string(), |i| i.label.clone());
    let mut t = format!(
        "sensitivity of {} ({} trials, {} sampler, seed {})\n",
        s.name(),
        thousands(config.trials as f64, 0),
        config.sampler.unwrap_or(s.sampler()),
        config.seed
    );
    for note in sensitivity_notes(s, sobol_n, tornados) {
        t.push_str(&format!("note: {note}\n"));
    }
    // The input column is as wide as the longest label shown (labels are never cut), 48 at least.
    let shown = tornados.iter().flat_map(|tor| tor.bars.iter().take(top).map(|b| b.label.chars().count()));
    let sobol_shown =
        sobol.iter().flat_map(|sb| sb.by_total().into_iter().take(top).map(|i| label(&sb.inputs[i]).chars().count()));
    let w = shown.chain(sobol_shown).fold(48, usize::max);
    for (k, tor) in tornados.iter().enumerate() {
        t.push_str(&format!("\n== {} ==\ntornado (linear fit R² = {:.2})\n", tor.output, tor.src_r2));
        t.push_str(&format!("  {:<w$} {:>8} {:>8} {:>13}\n", "input", "Spearman", "SRC", "contribution"));
        let mut noise = 0;
        for b in tor.bars.iter().take(top) {
            if !b.significant {
                noise += 1;
                continue;
            }
            t.push_str(&format!(
                "  {:<w$} {:>8.3} {:>8.3} {:>12.1}%\n",
                b.label,
                b.spearman,
                b.src,
                100.0 * b.contribution
            ));
        }
        let rest = tor.bars.iter().filter(|b| !b.significant).count();
        if rest > 0 {
            let _ = writeln!(
                t,
                "  ({rest} input(s) left out{}: their rank correlation is within the noise band of zero, \
                 |ρ| ≤ {:.3} for {} trials; they do not drive {})",
                if noise > 0 { ", some among the strongest listed" } else { "" },
                crate::analysis::sensitivity::noise_band(config.trials as usize),
                thousands(config.trials as f64, 0),
                tor.output
            );
        }
        for wmsg in &tor.warnings {
            t.push_str(&format!("  warning: {wmsg}\n"));
        }
        if let Some(sb) = sobol.get(k) {
            t.push_str(&format!(
                "Sobol indices (N = {}, {} model runs; 95 % CIs from {} replicate designs), by total index\n",
                sb.n,
                sb.n as usize * (sb.inputs.len() + 2),
                sb.replicates
            ));
            t.push_str(&format!("  {:<w$} {:>22} {:>22}\n", "input", "first-order S", "total ST"));
            for i in sb.by_total().into_iter().take(top) {
                t.push_str(&format!(
                    "  {:<w$} {:>6.3} [{:>6.3}, {:>6.3}] {:>6.3} [{:>6.3}, {:>6.3}]\n",
                    label(&sb.inputs[i]),
                    sb.first[i],
                    sb.first_ci[i][0],
                    sb.first_ci[i][1],
                    sb.total[i],
                    sb.total_ci[i][0],
                    sb.total_ci[i][1]
                ));
            }
            for note in &sb.notes {
                t.push_str(&format!("  note: {note}\n"));
            }
            if s.correlation().is_some() {
                t.push_str(
                    "  note: Sobol indices sample inputs independently; the scenario's correlations are ignored\n",
                );
            }
        }
    }
    t
}

/// Plans side by side, with each plan's paired difference from the baseline.
#[must_use]
pub fn comparison_table(c: &Comparison) -> String {
    let mut t = format!(
        "plans on common random numbers ({} trials, seed {}); the first, A, is the baseline\n",
        thousands(c.trials as f64, 0),
        c.seed,
    );
    for (i, p) in c.plans.iter().enumerate() {
        let _ = write!(t, "plan {} = {p}", plan_letter(i));
        match c.sources.get(i) {
            // What the plan is, when its name does not already say it (a name of the user's own, overrides).
            Some(src) if !src.is_empty() && !p.starts_with(src.as_str()) => {
                let _ = writeln!(t, " ({src})");
            }
            _ => t.push('\n'),
        }
    }
    t.push('\n');
    let mut rows = vec![vec![
        "output".to_string(),
        "unit".into(),
        "plan".into(),
        "P50".into(),
        "P80".into(),
        "mean − A".into(),
        "95% CI".into(),
        "P(better than A)".into(),
    ]];
    for o in &c.outputs {
        for (i, s) in o.plans.iter().enumerate() {
            let letter = plan_letter(i);
            let unit = o.unit_kind;
            let (diff, ci, pb) = if i == 0 {
                (String::new(), String::new(), String::new())
            } else {
                let d = &o.versus_baseline[i - 1];
                (
                    human(d.mean, unit),
                    format!("{} – {}", human(d.ci95[0], unit), human(d.ci95[1], unit)),
                    d.better_text(),
                )
            };
            rows.push(vec![
                if i == 0 { o.name.clone() } else { String::new() },
                match (i, unit) {
                    (0, Unit::Share) => "%".into(),
                    (0, _) => o.unit.clone(),
                    _ => String::new(),
                },
                letter,
                human(s.p50(), unit),
                human(s.p80(), unit),
                diff,
                ci,
                pb,
            ]);
        }
    }
    let n = rows[0].len();
    let width: Vec<usize> = (0..n).map(|k| rows.iter().map(|r| r[k].chars().count()).max().unwrap_or(0)).collect();
    for r in rows {
        let mut line = String::new();
        for (k, cell) in r.iter().enumerate() {
            let pad = " ".repeat(width[k] - cell.chars().count());
            if k < 3 {
                line.push_str(&format!("{cell}{pad}  "));
            } else {
                line.push_str(&format!("{pad}{cell}  "));
            }
        }
        t.push_str(line.trim_end());
        t.push('\n');
    }
    if let Some(o) = c.output("casualties_over_horizon") {
        for (i, d) in o.versus_baseline.iter().enumerate() {
            t.push_str(&format!(
                "\ncasualties averted by plan {} against A over the horizon: {:.0} (95 % CI {:.0} – {:.0})",
                (b'B' + i as u8) as char,
                -d.mean,
                -d.ci95[1],
                -d.ci95[0]
            ));
        }
        t.push('\n');
    }
    t.push_str(&cost_of_delay_text(c));
    t
}

/// Each plan's extra cost against what it buys (casualties averted, land released earlier).
fn cost_of_delay_text(c: &Comparison) -> String {
    let money = |v: f64| human(v, Unit::Money);
    let ci = |d: &crate::stats::PairedDifference, f: &dyn Fn(f64) -> String| {
        format!("{} (95 % CI {} – {})", f(d.mean), f(d.ci95[0]), f(d.ci95[1]))
    };
    let mut t = String::new();
    for (i, d) in c.cost_of_delay.iter().enumerate() {
        let letter = (b'B' + i as u8) as char;
        let _ = writeln!(t, "\nplan {letter} against A, in money (programme cost, present value):");
        let _ = writeln!(t, "  extra cost                  {}", ci(&d.extra_cost_pv, &money));
        if let Some(a) = &d.casualties_averted {
            let _ = writeln!(t, "  casualties averted          {}", ci(a, &|v| format!("{v:.0}")));
        }
        if let Some(l) = &d.land_value_gained {
            let _ = writeln!(t, "  land value gained           {}", ci(l, &money));
        }
        if let Some(h) = &d.hazard_area_years_avoided {
            let _ = writeln!(t, "  km²-years of hazard avoided {}", ci(h, &|v| thousands(v, 0)));
        }
        if let Some(r) = &d.cost_per_casualty_averted {
            let _ = writeln!(
                t,
                "  cost per casualty averted   {} (95 % CI {} – {})",
                money(r.value),
                money(r.ci95[0]),
                money(r.ci95[1])
            );
        }
        if let Some(r) = &d.cost_per_km2_year_earlier {
            let _ = writeln!(
                t,
                "  cost per km² a year earlier {} (95 % CI {} – {})",
                money(r.value),
                money(r.ci95[0]),
                money(r.ci95[1])
            );
        }
    }
    t
}

/// The budget solver's answer as text.
#[must_use]
pub fn budget_table(s: &Scenario, config: &SimConfig, a: &BudgetAnswer) -> String {
    let mut t = format!(
        "{}: to release all suspected land by the end of {} with {:.0} % confidence, a constant yearly budget of {} {} (price year {}) is needed\n\
         (P = {:.3}; {} budgets tried on {} trials with common random numbers, seed {}); programme cost at that budget: P50 {}, P80 {}\n",
        s.name(),
        a.finish_by,
        100.0 * a.confidence,
        human(a.budget_per_year, Unit::Money),
        a.currency,
        s.price_year(),
        a.probability,
        a.evaluations.len(),
        thousands(config.trials as f64, 0),
        config.seed,
        human(a.programme_cost.p50(), Unit::Money),
        human(a.programme_cost.p80(), Unit::Money),
    );
    let _ = write!(
        t,
        "P = {:.3} has a 95 % interval of {:.3} – {:.3} with {} trials",
        a.probability,
        a.probability_ci95[0],
        a.probability_ci95[1],
        thousands(a.trials as f64, 0)
    );
    let [lo, hi] = a.budget_range;
    // An end that no budget tried settles is said in words.
    let end = |v: f64, words: &str, pick: fn(f64, f64) -> f64| {
        if v.is_finite() {
            return human(v, Unit::Money);
        }
        let tried = a.evaluations.iter().map(|e| e.0).reduce(pick);
        format!("{words} ({})", tried.map_or("none".into(), |m| human(m, Unit::Money)))
    };
    if a.more_trials_could_change_it {
        let (lo, hi) = (
            end(lo, "below the smallest budget tried", f64::min),
            end(hi, "beyond the largest budget tried", f64::max),
        );
        let _ = writeln!(
            t,
            ": more trials could change the answer; within this Monte Carlo error it lies between {lo} and {hi} a year"
        );
    } else {
        t.push_str(": more trials would not move it below the confidence asked for\n");
    }
    for n in &a.notes {
        let _ = writeln!(t, "{n}");
    }
    t.push_str(&teams_text(&a.teams));
    t.push_str("\nbudget per year   P(all released by the deadline)\n");
    let mut ev = a.evaluations.clone();
    ev.sort_by(|x, y| x.0.total_cmp(&y.0));
    for (b, p) in ev {
        let _ = writeln!(t, "{:>15}   {p:.3}", human(b, Unit::Money));
    }
    t
}

/// What a yearly budget gives, as text.
#[must_use]
pub fn release_table(s: &Scenario, a: &ReleaseAnswer) -> String {
    let r = &a.release_year;
    // A percentile is past the horizon when fewer trials than it finish.
    let year = |v: f64, p: &str| {
        let q = p[1..].parse::<f64>().unwrap_or(100.0) / 100.0;
        if a.finished_share < q {
            format!("not within the horizon ({p}; horizon ends {})", a.horizon_end_year)
        } else {
            // The calendar year in whose course the last land is released, never before the start.
            format!("{:.0} ({p})", (v.ceil() - 1.0).max(f64::from(a.start_year)))
        }
    };
    let mut t = format!(
        "{}: with {} {} a year (price year {}), all suspected land is released by {}, {}, {};\n\
         {:.1} % of trials finish within the horizon; programme cost P50 {}, P80 {}\n",
        s.name(),
        human(a.budget_per_year, Unit::Money),
        a.currency,
        s.price_year(),
        year(r.p50(), "P50"),
        year(r.p80(), "P80"),
        year(r.percentiles[7], "P95"),
        100.0 * a.finished_share,
        human(a.programme_cost.p50(), Unit::Money),
        human(a.programme_cost.p80(), Unit::Money),
    );
    t.push_str(&teams_text(&a.teams));
    t
}

fn teams_text(teams: &[crate::analysis::budget::YearTeams]) -> String {
    let Some(first) = teams.first() else { return String::new() };
    let names: Vec<&str> = first.teams.iter().map(|(n, _)| n.as_str()).collect();
    let mut t = String::from(
        "\nteams the budget buys (inputs at their means, aggregate engine; until the work is done)\nyear ",
    );
    for n in &names {
        let _ = write!(t, " {n:>22}");
    }
    t.push('\n');
    for y in teams {
        let _ = write!(t, "{}", y.year);
        for n in &names {
            let v = y.teams.iter().find(|(m, _)| m == n).map_or(0.0, |x| x.1);
            let _ = write!(t, " {:>22}", thousands(v, 0));
        }
        t.push('\n');
    }
    t
}

/// The budget solver's answer as one JSON object.
#[must_use]
pub fn budget_json(a: &BudgetAnswer) -> Value {
    let mut v = json!(a);
    if let Value::Object(m) = &mut v {
        m.insert("schema".into(), json!(SCHEMA));
        let evaluations: Vec<Value> =
            a.evaluations.iter().map(|(b, p)| json!({ "budget_per_year": b, "probability": p })).collect();
        m.insert("evaluations".into(), json!(evaluations));
        m.insert("teams".into(), teams_json(&a.teams));
        with_unit(m, "programme_cost", &a.currency);
    }
    v
}

/// The teams by year as labelled objects: `[{year, teams: [{pool, teams}]}]`.
fn teams_json(teams: &[crate::analysis::budget::YearTeams]) -> Value {
    json!(
        teams
            .iter()
            .map(|y| json!({
                "year": y.year,
                "teams": y.teams.iter().map(|(pool, n)| json!({ "pool": pool, "teams": n })).collect::<Vec<_>>(),
            }))
            .collect::<Vec<_>>()
    )
}

/// Puts `unit` into the summary object at `key`.
fn with_unit(m: &mut serde_json::Map<String, Value>, key: &str, unit: &str) {
    if let Some(Value::Object(s)) = m.get_mut(key) {
        s.insert("unit".into(), json!(unit));
    }
}

/// What a yearly budget gives, as one JSON object.
#[must_use]
pub fn release_json(a: &ReleaseAnswer) -> Value {
    let mut v = json!(a);
    if let Value::Object(m) = &mut v {
        m.insert("schema".into(), json!(SCHEMA));
        m.insert("teams".into(), teams_json(&a.teams));
        with_unit(m, "programme_cost", &a.currency);
        with_unit(m, "release_year", "year");
    }
    v
}

/// The capacity solver's answer as text.
#[must_use]
pub fn capacity_table(s: &Scenario, config: &SimConfig, a: &CapacityAnswer) -> String {
    let th = thousands;
    let mut t = format!(
        "{}: to release all suspected land by the end of {} with {:.0} % confidence, clearance teams must be {:.2}× today's\n\
         (P = {:.3} at {:.2}×; {} factors tried on {} trials with common random numbers, seed {})\n\n",
        s.name(),
        a.finish_by,
        100.0 * a.confidence,
        a.factor,
        a.probability,
        a.factor,
        a.evaluations.len(),
        th(config.trials as f64, 0),
        config.seed
    );
    for note in crate::analysis::budget::late_land_notes(s, a.finish_by, "number of teams") {
        let _ = writeln!(t, "{note}\n");
    }
    let _ = writeln!(
        t,
        "{:<24} {:>14} {:>14} {:>14} {:>14}",
        "clearance pool", "initial now", "initial needed", "ceiling now", "ceiling needed"
    );
    for (name, init, ceil) in &a.teams {
        let _ = writeln!(
            t,
            "{:<24} {:>14} {:>14} {:>14} {:>14}",
            name,
            th(*init, 0),
            th(init * a.factor, 0),
            th(*ceil, 0),
            th(ceil * a.factor, 0)
        );
    }
    t.push_str("\nfactor   P(all released by the deadline)\n");
    let mut ev = a.evaluations.clone();
    ev.sort_by(|x, y| x.0.total_cmp(&y.0));
    for (k, p) in ev {
        let _ = writeln!(t, "{k:>6.3}   {p:.3}");
    }
    t
}

/// Tornado data and Sobol indices as one JSON object.
#[must_use]
pub fn sensitivity_json(
    s: &Scenario,
    config: &SimConfig,
    sobol_n: u64,
    tornados: &[Tornado],
    sobol: &[SobolIndices],
) -> Value {
    json!({
        "schema": SCHEMA, "scenario": s.name(), "trials": config.trials, "seed": config.seed, "sobol_n": sobol_n,
        "tornado": tornados, "sobol": sobol,
        "notes": sensitivity_notes(s, sobol_n, tornados),
    })
}

/// Notes on a whole sensitivity report: a deterministic plan, skipped Sobol indices, correlations ignored.
fn sensitivity_notes(s: &Scenario, sobol_n: u64, tornados: &[Tornado]) -> Vec<String> {
    let mut notes = Vec::new();
    if s.inputs().len() == 0 {
        notes.push(
            "no uncertain input: every value in the scenario is fixed, so its outputs are single numbers and no input \
             drives any spread (no tornado, no Sobol indices)"
                .to_string(),
        );
    } else if sobol_n == 0 && !tornados.is_empty() {
        notes.push("Sobol indices skipped (--sobol-n 0)".to_string());
    }
    if s.correlation().is_some() && sobol_n > 0 {
        notes.push("Sobol indices sample inputs independently: the scenario's correlations are ignored".to_string());
    }
    notes
}

/// A comparison as one JSON object.
#[must_use]
pub fn comparison_json(c: &Comparison) -> Value {
    let mut v = json!(c);
    if let Value::Object(m) = &mut v {
        m.insert("schema".into(), json!(SCHEMA));
    }
    v
}

/// The capacity solver's answer as one JSON object.
#[must_use]
pub fn capacity_json(a: &CapacityAnswer) -> Value {
    json!({
        "schema": SCHEMA,
        "factor": a.factor,
        "probability": a.probability,
        "finish_by": a.finish_by,
        "confidence": a.confidence,
        "evaluations": a.evaluations.iter().map(|(f, p)| json!({ "factor": f, "probability": p })).collect::<Vec<_>>(),
        "teams": a.teams.iter().map(|(pool, initial, ceiling)| json!({ "pool": pool, "initial": initial, "ceiling": ceiling })).collect::<Vec<_>>(),
    })
}

pub use super::analysis_csv::{budget_csv, capacity_csv, comparison_csv, release_csv, sensitivity_csv};
