//! The `demine` command line: parse, call the library, print.

use clap::{Parser, Subcommand, ValueEnum};
use demine::io::{BUNDLED, bundled, load_scenario};
use demine::model::Priority;
use demine::{Error, ModelLevel, Sampler, Scenario, SimConfig};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::time::{Duration, Instant};

#[derive(Parser)]
#[command(
    name = "demine",
    version,
    about = "Land contaminated by mines and ERW: how much to clear, how long, what it costs — with honest uncertainty"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Format {
    Table,
    Json,
    Csv,
}

#[derive(clap::Args, Clone)]
struct RunArgs {
    /// Trials.
    #[arg(long, default_value_t = 10_000)]
    trials: u64,
    /// Master seed.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Worker threads (results do not depend on it).
    #[arg(long)]
    threads: Option<usize>,
    /// Sampler: mc, lhs or sobol (default: the scenario's).
    #[arg(long)]
    sampler: Option<String>,
    /// Model level: aggregate or sites (default: sites when the scenario has sites).
    #[arg(long)]
    model: Option<String>,
    /// Work order: as_given, casualty_risk, value_per_cost, smallest_first.
    #[arg(long)]
    priority: Option<String>,
    /// Memory limit for kept samples, GiB.
    #[arg(long, default_value_t = 8.0)]
    max_memory_gb: f64,
}

#[derive(Subcommand)]
enum Command {
    /// Run a scenario (a path, or a bundled name; default `ukraine`).
    Run {
        /// Scenario file or bundled name.
        scenario: Option<String>,
        #[command(flatten)]
        args: RunArgs,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// Write per-site release years (mean year, share released) to this CSV file.
        #[arg(long)]
        sites_csv: Option<std::path::PathBuf>,
        /// Run in rounds until P50 and P90 of the watched outputs are known within this
        /// relative half-width at 95 % confidence (e.g. `1%`); `--trials` is then ignored.
        #[arg(long)]
        precision: Option<String>,
        /// Most trials with --precision.
        #[arg(long, default_value_t = 1_000_000)]
        max_trials: u64,
        /// Outputs watched by --precision (default: total cost and, when scheduled, duration).
        #[arg(long = "watch")]
        watch: Vec<String>,
    },
    /// Check a scenario; list every problem.
    Validate {
        /// Scenario file or bundled name.
        scenario: String,
    },
    /// List the bundled scenarios.
    Scenarios,
    /// Print a bundled scenario as TOML.
    Show {
        /// Bundled scenario name.
        name: String,
    },
    /// List a scenario's uncertain inputs (names usable in correlations).
    Inputs {
        /// Scenario file or bundled name.
        scenario: String,
    },
    /// Which inputs drive the outputs: tornado data and Sobol indices.
    Sensitivity {
        /// Scenario file or bundled name.
        scenario: String,
        /// Outputs to analyse (default: total cost, duration and casualties when present).
        #[arg(long = "output")]
        outputs: Vec<String>,
        /// Base sample size N of the Sobol design (N·(k+2) runs); 0 skips Sobol indices.
        #[arg(long, default_value_t = 512)]
        sobol_n: u64,
        /// Inputs listed per output.
        #[arg(long, default_value_t = 10)]
        top: usize,
        #[command(flatten)]
        args: RunArgs,
        /// Output format (table or json).
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Compare plans on common random numbers: the first is the baseline.
    Compare {
        /// Two or more scenario files or bundled names.
        #[arg(num_args = 2.., required = true)]
        plans: Vec<String>,
        #[command(flatten)]
        args: RunArgs,
        /// Output format (table or json).
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// The smallest scaling of clearance teams that releases all land by a year with a confidence.
    Capacity {
        /// Scenario file or bundled name.
        scenario: String,
        /// Deadline: all land released by the end of this year.
        #[arg(long)]
        finish_by: i32,
        /// Probability of meeting the deadline, in (0, 1).
        #[arg(long, default_value_t = 0.8)]
        confidence: f64,
        #[command(flatten)]
        args: RunArgs,
        /// Output format (table or json).
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

fn parse_model(s: &str) -> Result<ModelLevel, Error> {
    match s.to_ascii_lowercase().as_str() {
        "aggregate" | "strata" => Ok(ModelLevel::Aggregate),
        "sites" | "site" => Ok(ModelLevel::Sites),
        _ => Err(Error::Unknown {
            field: "--model".into(),
            name: s.into(),
            known: vec!["aggregate".into(), "sites".into()],
        }),
    }
}

fn parse_priority(s: &str) -> Result<Priority, Error> {
    Priority::parse(s).ok_or_else(|| Error::Unknown {
        field: "--priority".into(),
        name: s.into(),
        known: Priority::NAMES.iter().map(|s| s.to_string()).collect(),
    })
}

impl RunArgs {
    fn config(&self) -> Result<SimConfig, Error> {
        let mut c = SimConfig::default().with_trials(self.trials).with_seed(self.seed);
        if let Some(t) = self.threads {
            c = c.with_threads(t);
        }
        if let Some(s) = &self.sampler {
            c = c.with_sampler(s.parse::<Sampler>()?);
        }
        if let Some(m) = &self.model {
            c = c.with_model(parse_model(m)?);
        }
        if let Some(p) = &self.priority {
            c = c.with_priority(parse_priority(p)?);
        }
        if !(self.max_memory_gb > 0.0 && self.max_memory_gb.is_finite()) {
            return Err(Error::invalid("--max-memory-gb", self.max_memory_gb, "must be > 0"));
        }
        Ok(c.with_memory_limit_bytes((self.max_memory_gb * (1u64 << 30) as f64) as u64))
    }
}

/// A progress bar on stderr, drawn only when stderr is a terminal and the run lasts over a second.
struct Progress {
    bar: ProgressBar,
    start: Instant,
    tty: bool,
}

impl Progress {
    fn new(total: u64) -> Self {
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
        if let Ok(style) = ProgressStyle::with_template("{spinner} {pos}/{len} trials [{bar:40}] {percent}% ETA {eta}")
        {
            bar.set_style(style.progress_chars("=> "));
        }
        Progress { bar, start: Instant::now(), tty: std::io::stderr().is_terminal() }
    }
    fn update(&self, done: u64, total: u64) {
        self.bar.set_length(total);
        self.bar.set_position(done);
        if self.tty && self.bar.is_hidden() && self.start.elapsed() > Duration::from_secs(1) {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }
    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

fn run(cli: Cli) -> Result<(), Error> {
    // `demine` alone runs the bundled Ukraine scenario with the defaults.
    let command = match cli.command {
        Some(c) => c,
        None => match Cli::parse_from(["demine", "run"]).command {
            Some(c) => c,
            None => return Err(Error::Output("no command".into())),
        },
    };
    let mut out = std::io::stdout().lock();
    let w = |out: &mut dyn Write, s: &str| out.write_all(s.as_bytes()).map_err(|e| Error::Output(e.to_string()));
    match command {
        Command::Run { scenario, args, format, sites_csv, precision, max_trials, watch } => {
            let name = scenario.unwrap_or_else(|| "ukraine".into());
            // Flags are checked before the scenario is loaded: a bad flag fails fast.
            let target = match &precision {
                Some(p) => Some(
                    demine::stats::PrecisionTarget::new(parse_precision(p)?)?
                        .with_outputs(watch.clone())
                        .with_max_trials(max_trials),
                ),
                None => None,
            };
            let s = load_scenario(&name)?;
            let config = args.config()?;
            let (outcome, converged) = match &target {
                Some(t) => {
                    let c = demine::stats::simulate_to_precision(&s, &config, t)?;
                    let info = (t.relative, c.reached, c.precision.clone(), c.rounds.clone());
                    (c.outcome, Some(info))
                }
                None => {
                    let progress = Progress::new(config.trials);
                    let cb = |d: u64, t: u64| progress.update(d, t);
                    let outcome = demine::simulate_with_progress(&s, &config, Some(&cb));
                    progress.finish();
                    (outcome?, None)
                }
            };
            match format {
                Format::Json => {
                    let mut v = demine::report::to_json(&outcome);
                    if let (Some((target, reached, prec, rounds)), serde_json::Value::Object(m)) = (&converged, &mut v)
                    {
                        m.insert(
                            "precision".into(),
                            serde_json::json!({ "target": target, "reached": reached, "rounds": rounds, "outputs": prec }),
                        );
                    }
                    print_json(&mut out, &v)?;
                }
                Format::Csv => w(&mut out, &demine::report::to_csv(&outcome))?,
                Format::Table => {
                    w(&mut out, &header(&s, &outcome))?;
                    if let Some((target, reached, prec, rounds)) = &converged {
                        let mut t = format!(
                            "precision target ±{:.2} % (95 % CI of P50 and P90): {} after {} trials in {} rounds\n",
                            100.0 * target,
                            if *reached { "reached" } else { "NOT reached (--max-trials)" },
                            demine::report::thousands(outcome.trials() as f64, 0),
                            rounds.len()
                        );
                        for p in prec {
                            t.push_str(&format!(
                                "  {}: P50 ±{:.2} %, P90 ±{:.2} %\n",
                                p.output,
                                100.0 * p.p50,
                                100.0 * p.p90
                            ));
                        }
                        t.push('\n');
                        w(&mut out, &t)?;
                    }
                    w(&mut out, &demine::report::to_table(&outcome))?;
                }
            }
            if let Some(path) = sites_csv {
                write_sites(&outcome, &path)?;
            }
        }
        Command::Validate { scenario } => {
            let s = load_scenario(&scenario)?;
            let area: f64 = s.mean_suspected_area_km2();
            w(
                &mut out,
                &format!(
                    "{}: valid: {} regions, {} strata, {} uncertain inputs, expected suspected area {} km²{}\n",
                    scenario,
                    s.regions().len(),
                    s.strata().len(),
                    s.inputs().len(),
                    demine::report::thousands(area, 0),
                    if s.capacity().is_some() { ", with capacity (schedule)" } else { "" }
                ),
            )?;
            w(&mut out, &demine::report::repairs_text(s.correlation().map_or(&[], |c| c.repairs())))?;
        }
        Command::Scenarios => {
            for b in BUNDLED {
                w(&mut out, &format!("{:<14} {}\n", b.name, b.summary))?;
            }
        }
        Command::Show { name } => match bundled(&name) {
            Some(b) => w(&mut out, b.toml)?,
            None => {
                return Err(Error::Unknown {
                    field: "scenario".into(),
                    name,
                    known: BUNDLED.iter().map(|b| b.name.to_string()).collect(),
                });
            }
        },
        Command::Sensitivity { scenario, outputs, sobol_n, top, args, format } => {
            let s = load_scenario(&scenario)?;
            let config = args.config()?;
            let config = if args.sampler.is_none() { config.with_sampler(Sampler::LatinHypercube) } else { config };
            let o = demine::simulate(&s, &config)?;
            let outputs: Vec<String> = if outputs.is_empty() {
                ["total_cost_usd", "duration_years", "casualties_over_horizon"]
                    .iter()
                    .filter(|n| o.summary(n).is_some())
                    .map(|n| n.to_string())
                    .collect()
            } else {
                outputs
            };
            let tornados =
                outputs.iter().map(|n| demine::stats::sensitivity::tornado(&o, n)).collect::<Result<Vec<_>, _>>()?;
            let refs: Vec<&str> = outputs.iter().map(String::as_str).collect();
            let sobol = if sobol_n > 0 {
                demine::stats::sensitivity::scenario_sobol_indices(&s, &config, &refs, sobol_n, 200)?
            } else {
                Vec::new()
            };
            match format {
                Format::Json => {
                    let v = serde_json::json!({
                        "scenario": s.name(), "trials": config.trials, "seed": config.seed, "sobol_n": sobol_n,
                        "tornado": tornados, "sobol": sobol,
                        "notes": if s.correlation().is_some() { vec!["Sobol indices sample inputs independently: the scenario's correlations are ignored"] } else { Vec::new() },
                    });
                    print_json(&mut out, &v)?;
                }
                _ => w(&mut out, &sensitivity_table(&s, &config, &tornados, &sobol, top))?,
            }
        }
        Command::Compare { plans, args, format } => {
            let scenarios = plans.iter().map(|p| load_scenario(p)).collect::<Result<Vec<_>, _>>()?;
            let config = args.config()?;
            let total = config.trials * scenarios.len() as u64;
            let progress = Progress::new(total);
            let mut outcomes = Vec::new();
            for (i, sc) in scenarios.iter().enumerate() {
                let done = i as u64 * config.trials;
                let cb = |d: u64, _t: u64| progress.update(done + d, total);
                outcomes.push(demine::simulate_with_progress(sc, &config, Some(&cb))?);
            }
            progress.finish();
            let mut c = demine::plan::compare_outcomes(&outcomes)?;
            c.plans = plans.clone();
            match format {
                Format::Json => {
                    print_json(&mut out, &c)?;
                }
                _ => w(&mut out, &comparison_table(&c))?,
            }
        }
        Command::Capacity { scenario, finish_by, confidence, args, format } => {
            let s = load_scenario(&scenario)?;
            let config = args.config()?;
            let a = demine::plan::required_clearance_capacity(&s, &config, finish_by, confidence)?;
            match format {
                Format::Json => {
                    print_json(&mut out, &a)?;
                }
                _ => {
                    let th = demine::report::thousands;
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
                    t.push_str(&format!(
                        "{:<24} {:>14} {:>14} {:>14} {:>14}\n",
                        "clearance pool", "initial now", "initial needed", "ceiling now", "ceiling needed"
                    ));
                    for (name, init, ceil) in &a.teams {
                        t.push_str(&format!(
                            "{:<24} {:>14} {:>14} {:>14} {:>14}\n",
                            name,
                            th(*init, 0),
                            th(init * a.factor, 0),
                            th(*ceil, 0),
                            th(ceil * a.factor, 0)
                        ));
                    }
                    t.push_str("\nfactor   P(all released by the deadline)\n");
                    let mut ev = a.evaluations.clone();
                    ev.sort_by(|x, y| x.0.total_cmp(&y.0));
                    for (k, p) in ev {
                        t.push_str(&format!("{k:>6.3}   {p:.3}\n"));
                    }
                    w(&mut out, &t)?;
                }
            }
        }
        Command::Inputs { scenario } => {
            let s = load_scenario(&scenario)?;
            for i in s.inputs() {
                w(&mut out, &format!("{:<70} {:<45} {}\n", i.name, i.label, i.dist))?;
            }
        }
    }
    Ok(())
}

fn header(s: &Scenario, o: &demine::Outcome) -> String {
    let mut h = format!("demine — {}: {}\n", s.name(), s.description());
    h.push_str(&format!(
        "{} trials, seed {}, sampler {}, model {}; costs in {} of {}",
        demine::report::thousands(o.trials() as f64, 0),
        o.seed(),
        o.sampler(),
        o.model().name(),
        s.currency(),
        s.price_year()
    ));
    if let Some(land) = s.land_area_km2()
        && let Some(area) = o.summary("suspected_area_km2")
    {
        h.push_str(&format!(
            "; suspected area P50 = {:.1} % of {} km²",
            100.0 * area.p50() / land,
            demine::report::thousands(land, 0)
        ));
    }
    h.push('\n');
    if o.horizon_years() > 0 {
        h.push_str(&format!("schedule from {} over at most {} years", o.start_year(), o.horizon_years()));
        let nf = o.not_finished_share();
        if nf > 0.0 {
            let share = o.summary("share_released_by_horizon").map_or(f64::NAN, |s| s.min);
            h.push_str(&format!(
                "; NOT FINISHED within the horizon in {:.1} % of trials (lowest share released by then {:.2} %; durations there are censored at {})",
                100.0 * nf,
                100.0 * share,
                o.horizon_years()
            ));
        }
        h.push('\n');
    }
    h.push_str(&demine::report::repairs_text(o.correlation_repairs()));
    let (examples, count) = o.failed_trials();
    if count > 0 {
        h.push_str(&format!(
            "warning: {count} failed trials excluded (non-finite outputs); first: trial {}\n",
            examples[0].trial
        ));
    }
    h.push('\n');
    h
}

/// Pretty JSON on stdout, with a final newline.
fn print_json(out: &mut dyn Write, v: &impl serde::Serialize) -> Result<(), Error> {
    let text = serde_json::to_string_pretty(v).map_err(|e| Error::Output(e.to_string()))?;
    writeln!(out, "{text}").map_err(|e| Error::Output(e.to_string()))
}

fn parse_precision(s: &str) -> Result<f64, Error> {
    let t = s.trim();
    let (num, pct) = match t.strip_suffix('%') {
        Some(n) => (n.trim(), true),
        None => (t, false),
    };
    let v: f64 = num.parse().map_err(|_| {
        Error::InvalidValue(demine::Problem::text(
            "--precision",
            s,
            "must be a percentage such as 1% (or a fraction such as 0.01)",
        ))
    })?;
    Ok(if pct { v / 100.0 } else { v })
}

fn sensitivity_table(
    s: &Scenario,
    config: &SimConfig,
    tornados: &[demine::stats::sensitivity::Tornado],
    sobol: &[demine::stats::sensitivity::SobolIndices],
    top: usize,
) -> String {
    let label = |name: &str| s.inputs().iter().find(|i| i.name == name).map_or(name.to_string(), |i| i.label.clone());
    let mut t = format!(
        "sensitivity of {} ({} trials, {} sampler, seed {})\n",
        s.name(),
        demine::report::thousands(config.trials as f64, 0),
        config.sampler.unwrap_or(s.sampler()),
        config.seed
    );
    for (k, tor) in tornados.iter().enumerate() {
        t.push_str(&format!("\n== {} ==\ntornado (linear fit R² = {:.2})\n", tor.output, tor.src_r2));
        t.push_str(&format!("  {:<48} {:>8} {:>8} {:>13}\n", "input", "Spearman", "SRC", "contribution"));
        for b in tor.bars.iter().take(top) {
            t.push_str(&format!(
                "  {:<48} {:>8.3} {:>8.3} {:>12.1}%\n",
                truncate(&b.label, 48),
                b.spearman,
                b.src,
                100.0 * b.contribution
            ));
        }
        for wmsg in &tor.warnings {
            t.push_str(&format!("  warning: {wmsg}\n"));
        }
        if let Some(sb) = sobol.get(k) {
            t.push_str(&format!(
                "Sobol indices (N = {}, {} model runs; 95 % bootstrap CIs), by total index\n",
                sb.n,
                sb.n as usize * (sb.inputs.len() + 2)
            ));
            t.push_str(&format!("  {:<48} {:>22} {:>22}\n", "input", "first-order S", "total ST"));
            let mut order: Vec<usize> = (0..sb.inputs.len()).collect();
            order.sort_by(|&a, &b| sb.total[b].total_cmp(&sb.total[a]));
            for &i in order.iter().take(top) {
                t.push_str(&format!(
                    "  {:<48} {:>6.3} [{:>6.3}, {:>6.3}] {:>6.3} [{:>6.3}, {:>6.3}]\n",
                    truncate(&label(&sb.inputs[i]), 48),
                    sb.first[i],
                    sb.first_ci[i][0],
                    sb.first_ci[i][1],
                    sb.total[i],
                    sb.total_ci[i][0],
                    sb.total_ci[i][1]
                ));
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

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n { s.to_string() } else { format!("{}…", s.chars().take(n - 1).collect::<String>()) }
}

fn comparison_table(c: &demine::plan::Comparison) -> String {
    use demine::report::human;
    let mut t = format!(
        "plans on common random numbers ({} trials, seed {}); baseline A = {}\n",
        demine::report::thousands(c.trials as f64, 0),
        c.seed,
        c.plans[0]
    );
    for (i, p) in c.plans.iter().enumerate().skip(1) {
        t.push_str(&format!("plan {} = {p}\n", (b'A' + i as u8) as char));
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
            let letter = ((b'A' + i as u8) as char).to_string();
            let (diff, ci, pb) = if i == 0 {
                (String::new(), String::new(), String::new())
            } else {
                let d = &o.versus_baseline[i - 1];
                (
                    human(d.mean, o.unit),
                    format!("{} – {}", human(d.ci95[0], o.unit), human(d.ci95[1], o.unit)),
                    if d.se == 0.0 && d.mean == 0.0 {
                        "same".into()
                    } else if d.prob_better.is_nan() {
                        "–".into()
                    } else {
                        format!("{:.1} %", 100.0 * d.prob_better)
                    },
                )
            };
            rows.push(vec![
                if i == 0 { o.name.clone() } else { String::new() },
                if i == 0 { o.unit.to_string() } else { String::new() },
                letter,
                human(s.p50(), o.unit),
                human(s.p80(), o.unit),
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
    t
}

fn write_sites(o: &demine::Outcome, path: &std::path::Path) -> Result<(), Error> {
    let Some(s) = o.sites() else {
        return Err(Error::Output("--sites-csv needs a scheduled site-level run (capacity and sites)".into()));
    };
    let mut text = String::from("id,region,mean_release_year,released_share\n");
    for i in 0..s.ids.len() {
        text.push_str(&format!("{},{},{},{}\n", s.ids[i], s.regions[i], s.mean_release_year[i], s.released_share[i]));
    }
    std::fs::write(path, text).map_err(|source| Error::Io { path: path.to_path_buf(), source })
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "error: {e}");
            match e {
                Error::Output(_) | Error::Infeasible(_) => ExitCode::from(1),
                _ => ExitCode::from(2),
            }
        }
    }
}
