//! The `demine` command line: parse flags, call the library, print its reports.
//!
//! Exit status: 0 on success; 1 when the question has no answer (infeasible,
//! every trial failed) or output could not be written; 2 for invalid input
//! (a flag, a scenario, a file); 141 when standard output was closed by the
//! reader (`demine ... | head -1`): the rest of the output is lost, and demine
//! stops quietly, without a message. A standard output closed from the start
//! (`demine ... >&-`) is refused before anything runs (status 1, one line on stderr). Flags and output paths are checked before
//! any simulation; files are written whole or not at all ([`demine::io::write_atomic`]).

#[path = "demine/checks.rs"]
mod checks;

use checks::{check_year, precision_target, some_trial_succeeded, stdout_was_closed, terminal_safe};
use clap::Parser;
use demine::analysis::{self, PrecisionTarget};
use demine::io::{BUNDLED, bundled, load_scenario};
use demine::{Error, Sampler, SimConfig, report};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[path = "demine/args.rs"]
mod args;
#[path = "demine/charts_cmd.rs"]
mod charts_cmd;
#[path = "demine/data_files.rs"]
mod data_files;
use data_files::DataFiles;

use args::{Cli, Command, Format, RunArgs};

/// What a command prints: text (a table or CSV) or one JSON value.
enum Out {
    Text(String),
    Json(serde_json::Value),
}

/// The table for `--format table`, the JSON object for `--format json`.
fn text_or_json(format: Format, text: String, json: serde_json::Value) -> Out {
    match format {
        Format::Json => Out::Json(json),
        _ => Out::Text(text),
    }
}

/// `demine run`: flags and the output path are checked before the scenario is
/// loaded and again (against its inventory) before the simulation.
fn run_scenario(
    scenario: &str,
    args: &RunArgs,
    files: DataFiles,
    target: Option<&PrecisionTarget>,
) -> Result<Out, Error> {
    let config = args.config()?;
    files.check(scenario, None)?;
    let s = args.load(scenario)?;
    files.check(scenario, Some(&s))?;
    files.check_needs_schedule(&s, config.model)?;
    let (outcome, converged) = match target {
        Some(t) => {
            let c = analysis::simulate_to_precision(&s, &config, t)?;
            let text = report::run::precision_text(&c, t.relative);
            let json = serde_json::json!({ "target": t.relative, "reached": c.reached, "rounds": c.rounds, "outputs": c.precision });
            (c.outcome, Some((text, json)))
        }
        None => (demine::simulate(&s, &config)?, None),
    };
    some_trial_succeeded(&outcome)?;
    files.write(&outcome)?;
    Ok(match args.format {
        Format::Json => {
            let mut v = report::to_json(&outcome);
            if let (Some((_, p)), serde_json::Value::Object(m)) = (converged.as_ref(), &mut v) {
                m.insert("precision".into(), p.clone());
            }
            Out::Json(v)
        }
        Format::Csv => Out::Text(report::to_csv(&outcome)?),
        Format::Table => Out::Text(format!(
            "{}{}{}",
            report::run::header(&s, &outcome),
            converged.map_or(String::new(), |(t, _)| t),
            report::to_table(&outcome)
        )),
    })
}

fn run(cli: Cli) -> Result<Out, Error> {
    // `demine` alone runs the bundled Ukraine scenario with the defaults.
    let command = match cli.command {
        Some(c) => c,
        None => Cli::parse_from(["demine", "run"]).command.ok_or_else(|| Error::Output("no command".into()))?,
    };
    Ok(match command {
        Command::Run { scenario, args, sites_csv, samples, series, precision, max_trials, watch } => {
            let target = precision_target(precision.as_deref(), max_trials, watch)?;
            let files = DataFiles { sites_csv, samples, series };
            run_scenario(scenario.as_deref().unwrap_or("ukraine"), &args, files, target.as_ref())?
        }
        Command::Validate { scenario } => {
            Out::Text(report::run::validation_summary(&scenario, &load_scenario(&scenario)?))
        }
        Command::Scenarios => Out::Text(BUNDLED.iter().map(|b| format!("{:<14} {}\n", b.name, b.summary)).collect()),
        Command::Show { name } => match bundled(&name) {
            Some(b) => Out::Text(b.toml.to_string()),
            None => {
                let known = BUNDLED.iter().map(|b| b.name.to_string()).collect();
                return Err(Error::Unknown { field: "scenario".into(), name, known });
            }
        },
        Command::Inputs { scenario } => Out::Text(
            load_scenario(&scenario)?
                .inputs()
                .map(|i| format!("{:<70} {:<45} {}\n", i.name, i.label, i.dist))
                .collect(),
        ),
        Command::Sensitivity { scenario, outputs, sobol_n, top, report, args } => {
            sensitivity(&scenario, outputs, sobol_n, top, report.as_deref(), &args)?
        }
        Command::Compare { plans, names, report, args } => compare(plans, &names, report.as_deref(), &args)?,
        Command::Budget { scenario, finish_by, confidence, per_year, args } => {
            if let Some(y) = finish_by {
                check_year("--finish-by", y)?;
            }
            let s = args.load(&scenario)?;
            let config = args.config()?;
            match (finish_by, per_year) {
                (Some(year), _) => {
                    let a = analysis::required_budget(&s, &config, year, confidence)?;
                    match args.format {
                        Format::Csv => Out::Text(report::analysis::budget_csv(&a)?),
                        f => text_or_json(
                            f,
                            report::analysis::budget_table(&s, &config, &a),
                            report::analysis::budget_json(&a),
                        ),
                    }
                }
                (None, Some(b)) => {
                    let a = analysis::release_with_budget(&s, &config, b)?;
                    match args.format {
                        Format::Csv => Out::Text(report::analysis::release_csv(&a)?),
                        f => {
                            text_or_json(f, report::analysis::release_table(&s, &a), report::analysis::release_json(&a))
                        }
                    }
                }
                (None, None) => return Err(Error::Output("give --finish-by or --per-year".into())),
            }
        }
        Command::Backtest { records, completion, priors, cv, simulate, trials, seed, threads, format } => {
            match (completion, records) {
                (Some(c), r) => completion_backtest(&c, r.as_deref(), trials, seed, format)?,
                (None, Some(r)) if simulate => backtest(&r, priors.as_deref(), trials, seed, threads, format)?,
                (None, Some(r)) => forecast_backtest(&r, priors.as_deref(), cv, format)?,
                (None, None) => return Err(Error::Output("give RECORDS or --completion FILE".into())),
            }
        }
        Command::Fit { records, out, priors } => fit(&records, &out, priors.as_deref())?,
        Command::Update { scenario, observed, out, draws, seed } => update(&scenario, &observed, &out, draws, seed)?,
        Command::Report { scenario, out, references, args } => {
            Out::Text(charts_cmd::report(&scenario, &out, &references, &args)?)
        }
        Command::Completions { shell } => {
            let mut buf = Vec::new();
            clap_complete::generate(shell, &mut <Cli as clap::CommandFactory>::command(), "demine", &mut buf);
            Out::Text(String::from_utf8_lossy(&buf).into_owned())
        }
        Command::Manpage => {
            let mut buf = Vec::new();
            clap_mangen::Man::new(<Cli as clap::CommandFactory>::command())
                .render(&mut buf)
                .map_err(|e| Error::Output(format!("manual page: {e}")))?;
            Out::Text(String::from_utf8_lossy(&buf).into_owned())
        }
        Command::Plot { scenario, chart, output, series, out, references, args } => {
            Out::Text(charts_cmd::plot(&scenario, chart, &output, series.as_deref(), &out, &references, &args)?)
        }
        Command::Capacity { scenario, finish_by, confidence, args } => {
            check_year("--finish-by", finish_by)?;
            let s = args.load(&scenario)?;
            let config = args.config()?;
            let a = analysis::required_clearance_capacity(&s, &config, finish_by, confidence)?;
            match args.format {
                Format::Csv => Out::Text(report::analysis::capacity_csv(&a)?),
                f => text_or_json(
                    f,
                    report::analysis::capacity_table(&s, &config, &a),
                    report::analysis::capacity_json(&a),
                ),
            }
        }
    })
}

/// `demine backtest`: the records against the priors' predictions.
fn backtest(
    records: &str,
    priors: Option<&str>,
    trials: u64,
    seed: u64,
    threads: Option<usize>,
    format: Format,
) -> Result<Out, Error> {
    let recs = demine::io::programmes::read_programmes(std::path::Path::new(records))?;
    let priors = match priors {
        Some(p) => demine::io::read_scenario_file(std::path::Path::new(p))?,
        None => analysis::backtest::default_priors()?,
    };
    let mut config = SimConfig::default().with_trials(trials).with_seed(seed);
    config.threads = threads;
    let b = analysis::backtest(&recs, &priors, &config)?;
    Ok(match format {
        Format::Csv => Out::Text(report::backtest::backtest_csv(&b)?),
        f => text_or_json(f, report::backtest::backtest_table(&b), report::backtest::backtest_json(&b)),
    })
}
/// `demine backtest` with a fitted forecast: leave-one-country-out cross-validation (`--cv
/// country`), or the records against the forecast a priors file carries.
fn forecast_backtest(records: &str, priors: Option<&str>, cv: Option<args::Cv>, format: Format) -> Result<Out, Error> {
    let recs = demine::io::programmes::read_programmes(Path::new(records))?;
    let b = match cv {
        Some(args::Cv::Country) => analysis::cross_validate(&recs)?,
        None => {
            let (forecast, benchmark) = fitted_forecast(priors)?;
            analysis::score_forecast(&recs, &forecast, &benchmark)
        }
    };
    Ok(match format {
        Format::Csv => Out::Text(report::forecast::forecast_csv(&b)?),
        f => text_or_json(f, report::forecast::forecast_table(&b), report::forecast::forecast_json(&b)),
    })
}

/// The fitted forecast of a priors file (`--priors`, else the shipped `data/fitted-priors.toml`).
fn fitted_forecast(
    priors: Option<&str>,
) -> Result<(demine::model::forecast::Forecast, demine::model::forecast::Benchmark), Error> {
    let (file, name) = match priors {
        Some(p) => (demine::io::read_scenario_file(Path::new(p))?, p.to_string()),
        None => (analysis::fit::default_fitted_priors()?, "data/fitted-priors.toml".into()),
    };
    let Some(f) = &file.forecast else {
        return Err(Error::InvalidValue(demine::Problem::text(
            "--priors",
            name,
            "has no [forecast] table: write one with `demine fit RECORDS -o FILE`, or use --simulate",
        )));
    };
    f.to_model(&name)
}

/// `demine backtest --completion`: each programme's finish forecast from its earlier state.
/// The `released` model is refitted for each programme to `evidence` (default: the shipped
/// data/programmes.csv) without the programme's records from its state year on.
fn completion_backtest(
    file: &str,
    evidence: Option<&str>,
    trials: u64,
    seed: u64,
    format: Format,
) -> Result<Out, Error> {
    let records = demine::io::completions::read_completions(Path::new(file))?;
    let evidence = match evidence {
        Some(e) => demine::io::programmes::read_programmes(Path::new(e))?,
        None => {
            demine::io::programmes::parse_programmes(analysis::fit::PROGRAMMES_CSV, Path::new("data/programmes.csv"))?
        }
    };
    // The simulation backtest's default of 400 trials is few for quantiles of a year: at least 4,000 paths.
    let paths = usize::try_from(trials.max(4_000)).unwrap_or(4_000);
    let b = analysis::completion::completion_backtest(&records, &evidence, paths, seed)?;
    Ok(match format {
        Format::Csv => Out::Text(report::forecast::completion_csv(&b)?),
        f => text_or_json(f, report::forecast::completion_table(&b), report::forecast::completion_json(&b)),
    })
}

/// `demine fit`: the forecast fitted to the records, written with the base priors to `out`.
fn fit(records: &str, out: &Path, priors: Option<&str>) -> Result<Out, Error> {
    let inputs: Vec<&Path> = [Some(Path::new(records)), priors.map(Path::new)].into_iter().flatten().collect();
    demine::io::check_output_path(out, "--out", &inputs)?;
    let path = Path::new(records);
    let bytes = demine::io::disk::read_text(path, demine::io::Limit::PROGRAMMES)?;
    let recs = demine::io::programmes::parse_programmes(&bytes, path)?;
    let base = match priors {
        Some(p) => demine::io::disk::read_text(Path::new(p), demine::io::Limit::SCENARIO)?,
        None => analysis::backtest::PRIORS_TOML.to_string(),
    };
    let fingerprint = analysis::fit::fingerprint(bytes.as_bytes());
    let (forecast, benchmark) = analysis::fit_forecast(&recs, records, &fingerprint)?;
    let text = analysis::fit::priors_with_forecast(&base, &forecast, &benchmark)?;
    demine::io::write_atomic(out, |w| w.write_all(text.as_bytes()))?;
    Ok(Out::Text(report::forecast::fit_summary(&forecast, &out.display().to_string())))
}

/// `demine update`: the scenario conditioned on field results, written to `out`.
fn update(scenario: &str, observed: &str, out: &Path, draws: usize, seed: u64) -> Result<Out, Error> {
    let s = load_scenario(scenario)?;
    let mut inputs: Vec<PathBuf> = checks::input_files(scenario, Some(&s));
    inputs.push(PathBuf::from(observed));
    demine::io::check_output_path(out, "--out", &inputs.iter().map(PathBuf::as_path).collect::<Vec<_>>())?;
    let path = Path::new(observed);
    let text = demine::io::disk::read_text(path, demine::io::Limit::PROGRAMMES)?;
    let rows = demine::io::field::parse_field(&text, path)?;
    let fingerprint = analysis::fit::fingerprint(text.as_bytes());
    let u = analysis::update::update(&s, &rows, observed, &fingerprint, draws, seed)?;
    let toml = demine::io::to_toml(&u.posterior)?;
    demine::io::write_atomic(out, |w| w.write_all(toml.as_bytes()))?;
    Ok(Out::Text(report::run::update_summary(&u, &out.display().to_string())))
}

/// `demine compare`: the plans on common random numbers, the first the baseline;
/// `--report` also writes the comparison as HTML.
fn compare(plans: Vec<String>, names: &[String], html: Option<&Path>, args: &RunArgs) -> Result<Out, Error> {
    if names.len() > plans.len() {
        return Err(Error::InvalidValue(demine::Problem::text(
            "--name",
            names[plans.len()].as_str(),
            format!("{} names for {} plans: give at most one name per plan", names.len(), plans.len()),
        )));
    }
    if let Some(bad) = names.iter().find(|n| n.trim().is_empty()) {
        return Err(Error::InvalidValue(demine::Problem::text(
            "--name",
            bad.as_str(),
            "a plan's name must not be empty",
        )));
    }
    for p in &plans {
        checks::check_output(html, "--report", p, None)?;
    }
    let n = plans.len();
    let scenarios =
        plans.iter().enumerate().map(|(i, p)| args.load_plan(p, Some((i + 1, n)))).collect::<Result<Vec<_>, _>>()?;
    for (p, sc) in plans.iter().zip(&scenarios) {
        checks::check_output(html, "--report", p, Some(sc))?;
    }
    let config = args.config()?;
    let mut outcomes = Vec::new();
    for (i, sc) in scenarios.iter().enumerate() {
        config.observer.stage(&format!("plan {} of {n}", i + 1), config.trials);
        let o = demine::simulate(sc, &config)?;
        some_trial_succeeded(&o)?;
        outcomes.push(o);
    }
    let c =
        analysis::compare_outcomes(&outcomes)?.with_names(plan_names(names, &scenarios), args.plan_labels(&plans)?)?;
    if let Some(path) = html {
        let opts = report::html::ReportOptions {
            source_text: charts_cmd::source_text(&plans[0]),
            command: Some(args::command_line()),
            ..Default::default()
        };
        let page = report::html::comparison_report(&c, &scenarios, &outcomes, &opts)?;
        demine::io::write_atomic(path, |w| w.write_all(page.as_bytes()))?;
    }
    Ok(match args.format {
        Format::Csv => Out::Text(report::analysis::comparison_csv(&c)?),
        f => text_or_json(f, report::analysis::comparison_table(&c), report::analysis::comparison_json(&c)),
    })
}

/// The plans' names: the one given with `--name`, else the scenario's own; a name that two plans
/// share gets the plan's letter ("ukraine (B)"), so every plan's name is its own.
fn plan_names(names: &[String], scenarios: &[demine::Scenario]) -> Vec<String> {
    let base: Vec<String> = scenarios
        .iter()
        .enumerate()
        .map(|(i, s)| names.get(i).cloned().unwrap_or_else(|| s.name().to_string()))
        .collect();
    base.iter()
        .enumerate()
        .map(|(i, n)| {
            if base.iter().filter(|m| *m == n).count() > 1 {
                format!("{n} ({})", analysis::compare::plan_letter(i))
            } else {
                n.clone()
            }
        })
        .collect()
}

/// Exit status when standard output was closed by its reader: output was lost.
const BROKEN_PIPE: u8 = 141;
/// `demine sensitivity`: tornado data and Sobol indices; a deterministic plan
/// (no uncertain input) gets a note instead, and an oversized Sobol design is
/// refused before the main run.
fn sensitivity(
    scenario: &str,
    outputs: Vec<String>,
    sobol_n: u64,
    top: usize,
    html: Option<&Path>,
    args: &RunArgs,
) -> Result<Out, Error> {
    checks::check_output(html, "--report", scenario, None)?;
    let s = args.load(scenario)?;
    checks::check_output(html, "--report", scenario, Some(&s))?;
    let mut config = args.config()?;
    config.sampler = config.sampler.or(Some(Sampler::LatinHypercube));
    // A deterministic plan (no uncertain input) has nothing to analyse: the table says so, exit 0.
    let analysis::sensitivity::Sensitivity { tornados, sobol, .. } =
        analysis::sensitivity::analyse(&s, &config, &outputs, sobol_n)?;
    if let Some(path) = html {
        let opts = report::html::ReportOptions {
            source_text: charts_cmd::source_text(scenario),
            command: Some(args::command_line()),
            ..Default::default()
        };
        let page = report::html::sensitivity_report(&s, &tornados, &sobol, &opts)?;
        demine::io::write_atomic(path, |w| w.write_all(page.as_bytes()))?;
    }
    Ok(match args.format {
        Format::Json => Out::Json(report::analysis::sensitivity_json(&s, &config, sobol_n, &tornados, &sobol)),
        Format::Csv => Out::Text(report::analysis::sensitivity_csv(&tornados, &sobol)?),
        Format::Table => Out::Text(report::analysis::sensitivity_table(&s, &config, &tornados, &sobol, sobol_n, top)),
    })
}

/// Set (to anything) to make `demine run` print its memory estimate and measured peak on stderr at exit.
const PEAK_ENV: &str = "DEMINE_REPORT_PEAK_MEMORY";

/// The scenario and settings of a `run` (without `--precision`) whose peak memory is to be reported.
fn peak_request(cli: &Cli) -> Option<(String, RunArgs)> {
    std::env::var_os(PEAK_ENV)?;
    match &cli.command {
        Some(Command::Run { scenario, args, precision: None, .. }) => {
            Some((scenario.clone().unwrap_or_else(|| "ukraine".into()), args.clone()))
        }
        _ => None,
    }
}

/// Prints the measured peak (read first) and the estimate of the run.
fn report_peak((scenario, args): (String, RunArgs)) {
    let peak = demine::simulate::peak_memory_bytes();
    let estimate =
        args.config().ok().and_then(|c| args.load(&scenario).ok().map(|s| demine::simulate::memory_estimate(&s, &c)));
    let show = |v: Option<u64>| v.map_or("unknown".to_string(), |b| b.to_string());
    let _ = writeln!(std::io::stderr(), "memory: estimate {} bytes, peak {} bytes", show(estimate), show(peak));
}

/// On SIGINT or SIGTERM: remove the temporary files of writes in progress (the previous files stay
/// as they were) and exit with 128 + the signal, as a shell reports a command it stopped.
fn clean_up_on_signals() {
    use signal_hook::consts::{SIGINT, SIGTERM};
    if let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) {
        std::thread::spawn(move || {
            if let Some(signal) = signals.forever().next() {
                demine::io::remove_unfinished_writes();
                std::process::exit(128 + signal);
            }
        });
    }
}

fn main() -> ExitCode {
    clean_up_on_signals();
    let cli = Cli::parse();
    if stdout_was_closed() {
        let _ = writeln!(std::io::stderr(), "error: standard output is closed; nothing was run or written");
        return ExitCode::from(1);
    }
    let peak = peak_request(&cli);
    let text = run(cli).and_then(|out| match out {
        // A scenario's name, a region's or a backtest country's may carry terminal escapes (ESC,
        // OSC, BEL): tables and CSV print them escaped, as errors do. (JSON escapes them itself.)
        Out::Text(t) => Ok(checks::printable(&t)),
        Out::Json(v) => serde_json::to_string_pretty(&v).map(|t| t + "\n").map_err(|e| Error::Output(e.to_string())),
    });
    if let Some(request) = peak {
        report_peak(request);
    }
    let error = match text {
        Ok(text) => {
            let mut stdout = std::io::stdout().lock();
            match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
                Ok(()) => return ExitCode::SUCCESS,
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return ExitCode::from(BROKEN_PIPE),
                Err(e) => Error::Output(format!("standard output: {e}")),
            }
        }
        Err(e) => e,
    };
    let _ = writeln!(std::io::stderr(), "error: {}", terminal_safe(&error.to_string()));
    match error {
        Error::Output(_) | Error::Infeasible(_) => ExitCode::from(1),
        // As a shell reports a command stopped by SIGINT.
        Error::Cancelled => ExitCode::from(130),
        _ => ExitCode::from(2),
    }
}
