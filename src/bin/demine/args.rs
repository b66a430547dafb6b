//! The command line's flags (clap) and the progress bar.

use clap::{Parser, Subcommand, ValueEnum};
use demine::io::{Override, load_scenario};
use demine::model::Priority;
use demine::{Engine, Error, ModelLevel, Problem, Sampler, Scenario, SimConfig};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::charts_cmd;

#[derive(Parser)]
#[command(
    name = "demine",
    version,
    about = "Land contaminated by mines and ERW: how much to clear, how long, what it costs — with honest uncertainty"
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Option<Command>,
}

/// Cross-validation schemes of the backtest.
#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub(crate) enum Cv {
    /// Leave one country out.
    Country,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub(crate) enum Format {
    Table,
    Json,
    Csv,
}

#[derive(clap::Args, Clone)]
pub(crate) struct RunArgs {
    /// Trials.
    #[arg(long, default_value_t = 10_000)]
    pub(crate) trials: u64,
    /// Master seed.
    #[arg(long, default_value_t = 42)]
    pub(crate) seed: u64,
    /// Worker threads (results do not depend on it).
    #[arg(long)]
    pub(crate) threads: Option<usize>,
    /// Sampler: mc, lhs or sobol (default: the scenario's).
    #[arg(long)]
    pub(crate) sampler: Option<Sampler>,
    /// Model level: aggregate or sites (default: sites when the scenario has sites).
    #[arg(long)]
    pub(crate) model: Option<ModelLevel>,
    /// Engine: default, or reference (the model written plainly, slow; the default must equal it).
    #[arg(long)]
    pub(crate) engine: Option<Engine>,
    /// Work order: as_given, casualty_risk, value_per_cost, smallest_first.
    #[arg(long)]
    pub(crate) priority: Option<Priority>,
    /// Memory limit of a run (sites and kept samples), GiB.
    #[arg(long, default_value_t = 8.0)]
    pub(crate) max_memory_gb: f64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub(crate) format: Format,
    /// Override a scenario field: PATH=VALUE in the file's syntax (e.g. capacity.teams.manual.initial=940);
    /// repeatable. `compare` takes N:PATH=VALUE for plan N only (1 = the first plan).
    #[arg(long = "set", value_name = "[N:]PATH=VALUE")]
    pub(crate) set: Vec<String>,
}

#[derive(Subcommand)]
pub(crate) enum Command {
    /// Run a scenario (a path, or a bundled name; default `ukraine`).
    Run {
        /// Scenario file or bundled name.
        scenario: Option<String>,
        #[command(flatten)]
        args: RunArgs,
        /// Write per-site release years (mean year, share released) to this CSV file.
        #[arg(long)]
        sites_csv: Option<PathBuf>,
        /// Write every trial's inputs and outputs to this CSV file (units in FILE.units.csv).
        #[arg(long)]
        samples: Option<PathBuf>,
        /// Write every trial's yearly series to this CSV file (long format: trial, year, series...).
        #[arg(long)]
        series: Option<PathBuf>,
        /// Run in rounds until P50 and P90 of the watched outputs are known within this
        /// relative half-width at 95 % confidence (e.g. `1%`); `--trials` is then ignored.
        #[arg(long)]
        precision: Option<String>,
        /// Most trials with --precision (default 1,000,000; at least the first round, 1,024).
        #[arg(long)]
        max_trials: Option<u64>,
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
        /// Also write the analysis as a self-contained HTML report (tornado and Sobol charts).
        #[arg(long, value_name = "FILE")]
        report: Option<PathBuf>,
        #[command(flatten)]
        args: RunArgs,
    },
    /// Compare plans on common random numbers: the first is the baseline.
    Compare {
        /// Two or more scenario files or bundled names.
        #[arg(num_args = 2.., required = true)]
        plans: Vec<String>,
        /// A plan's name in tables, charts, JSON and CSV, in the order of the plans (repeat it, one
        /// per plan); a plan without one is called by its scenario's own name.
        #[arg(long = "name", value_name = "NAME")]
        names: Vec<String>,
        /// Also write the comparison as a self-contained HTML report (overlaid S-curves, paired differences).
        #[arg(long, value_name = "FILE")]
        report: Option<PathBuf>,
        #[command(flatten)]
        args: RunArgs,
    },
    /// The yearly budget that releases all land by a year with a confidence (--finish-by),
    /// or the release year a yearly budget gives (--per-year).
    Budget {
        /// Scenario file or bundled name.
        scenario: String,
        /// Deadline: all land released by the end of this year (1900-2200).
        #[arg(long, conflicts_with = "per_year", required_unless_present = "per_year")]
        finish_by: Option<i32>,
        /// Probability of meeting the deadline, in (0, 1).
        #[arg(long, default_value_t = 0.8)]
        confidence: f64,
        /// A constant yearly budget (price year's money), e.g. 500e6.
        #[arg(long)]
        per_year: Option<f64>,
        #[command(flatten)]
        args: RunArgs,
    },
    /// Predict what national programmes released from their funding or staff (one set of global
    /// priors) and compare with what they reported.
    Backtest {
        /// Country-year records (CSV; data/programmes.csv documents the columns). With
        /// --completion, the evidence the forecast of release is fitted to (default: the shipped
        /// data/programmes.csv).
        #[arg(required_unless_present = "completion")]
        records: Option<String>,
        /// Programmes that finished their known mined areas (CSV; data/completions.csv): forecast
        /// each one's finish from its state some years before, with the forecast of release fitted
        /// to RECORDS without the programme's records from then on.
        #[arg(long, conflicts_with_all = ["priors", "cv", "simulate"])]
        completion: Option<String>,
        /// Priors file: one written by `demine fit` (its forecast predicts the records; default:
        /// the shipped data/fitted-priors.toml), or with --simulate any scenario file
        /// (default: the shipped data/backtest-priors.toml).
        #[arg(long)]
        priors: Option<String>,
        /// Cross-validation: `country` fits the forecast on the other countries' records and
        /// predicts each country's in turn (leave one country out).
        #[arg(long, value_enum)]
        cv: Option<Cv>,
        /// Simulate each record's programme from the priors scenario on the site engine instead
        /// of using a fitted forecast.
        #[arg(long)]
        simulate: bool,
        /// Trials per record.
        #[arg(long, default_value_t = 400)]
        trials: u64,
        /// Seed.
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Worker threads (default: all cores).
        #[arg(long)]
        threads: Option<usize>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Fit the forecast of a programme-year's release to country-year records (docs/FORECAST.md)
    /// and write it, with its out-of-sample scores, into a priors file for `backtest --priors`.
    Fit {
        /// Country-year records (CSV; data/programmes.csv documents the columns).
        records: String,
        /// The priors file to write (the base priors with a [forecast] table).
        #[arg(short = 'o', long = "out", value_name = "FILE")]
        out: PathBuf,
        /// Base priors scenario (default: the shipped data/backtest-priors.toml).
        #[arg(long)]
        priors: Option<String>,
    },
    /// Condition a scenario's uncertain inputs on field results (data/README.md, field/; docs/UPDATE.md)
    /// and write the posterior scenario, which records its prior and what it was updated with.
    Update {
        /// Scenario file or bundled name.
        scenario: String,
        /// Field results (CSV).
        #[arg(long)]
        observed: String,
        /// The posterior scenario to write (TOML).
        #[arg(short = 'o', long = "out", value_name = "FILE")]
        out: PathBuf,
        /// Prior draws.
        #[arg(long, default_value_t = 20_000)]
        draws: usize,
        /// Seed of the prior draws and the moves.
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
    /// Write a self-contained HTML report of a run: headline, charts, regions, assumptions, metadata.
    Report {
        /// Scenario file or bundled name.
        scenario: String,
        /// The HTML file to write.
        #[arg(short = 'o', long = "out", value_name = "FILE")]
        out: PathBuf,
        /// Reference line on the cost charts, LABEL=VALUE (e.g. "RDNA3=34.6e9"); repeatable.
        #[arg(long = "reference", value_name = "LABEL=VALUE")]
        references: Vec<String>,
        #[command(flatten)]
        args: RunArgs,
    },
    /// Print a shell completion script: `demine completions bash > ~/.local/share/bash-completion/completions/demine`.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff): `demine manpage > demine.1; man ./demine.1`.
    Manpage,
    /// Draw one chart of a run as SVG.
    Plot {
        /// Scenario file or bundled name.
        scenario: String,
        /// Which chart.
        #[arg(long, value_enum)]
        chart: charts_cmd::ChartKind,
        /// The output charted (s-curve, histogram, tornado, regions).
        #[arg(long, default_value = "total_cost")]
        output: String,
        /// The yearly series of a fan chart (default area_released_km2).
        #[arg(long)]
        series: Option<String>,
        /// The SVG file to write.
        #[arg(short = 'o', long = "out", value_name = "FILE")]
        out: PathBuf,
        /// Reference line on an S-curve, LABEL=VALUE; repeatable.
        #[arg(long = "reference", value_name = "LABEL=VALUE")]
        references: Vec<String>,
        #[command(flatten)]
        args: RunArgs,
    },
    /// The smallest scaling of clearance teams that releases all land by a year with a confidence.
    Capacity {
        /// Scenario file or bundled name.
        scenario: String,
        /// Deadline: all land released by the end of this year (1900-2200).
        #[arg(long)]
        finish_by: i32,
        /// Probability of meeting the deadline, in (0, 1).
        #[arg(long, default_value_t = 0.8)]
        confidence: f64,
        #[command(flatten)]
        args: RunArgs,
    },
}

impl RunArgs {
    /// Loads `scenario` with its `--set` overrides.
    pub(crate) fn load(&self, scenario: &str) -> Result<Scenario, Error> {
        self.load_plan(scenario, None)
    }

    /// Loads `scenario` with the `--set` overrides of plan `(n, of)` of `compare` (n from 1).
    pub(crate) fn load_plan(&self, scenario: &str, plan: Option<(usize, usize)>) -> Result<Scenario, Error> {
        // A file here named like a bundled scenario is read instead of it: say so.
        if demine::io::bundled(scenario).is_some() && std::path::Path::new(scenario).is_file() {
            let _ = writeln!(
                std::io::stderr(),
                "note: reading the file ./{0}, not the bundled scenario {0} (move the file to use the bundled one)",
                super::checks::printable(scenario)
            );
        }
        let s = load_scenario(scenario)?;
        for w in s.warnings() {
            let _ = writeln!(std::io::stderr(), "warning: {}", super::checks::printable(&w));
        }
        let overrides = self.overrides(plan)?;
        demine::io::apply_overrides(&s, &overrides)
    }

    /// Each plan's name, followed by its overrides when it has any: `ukraine [capacity.teams.manual.initial=940]`.
    pub(crate) fn plan_labels(&self, plans: &[String]) -> Result<Vec<String>, Error> {
        let n = plans.len();
        plans
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let o = self.overrides(Some((i + 1, n)))?;
                Ok(if o.is_empty() {
                    p.clone()
                } else {
                    let list: Vec<String> = o.iter().map(|o| format!("{}={}", o.path, o.value)).collect();
                    format!("{p} [{}]", list.join(", "))
                })
            })
            .collect()
    }

    /// The `--set` overrides that apply to plan `(n, of)`: the unnumbered ones and those numbered `n`.
    pub(crate) fn overrides(&self, plan: Option<(usize, usize)>) -> Result<Vec<Override>, Error> {
        let mut out = Vec::new();
        for text in &self.set {
            let o: Override = text.parse()?;
            match o.path.split_once(':') {
                None => out.push(o),
                Some((n, path)) => {
                    let bad = |rule: String| Error::InvalidValue(Problem::text("--set", text.as_str(), rule));
                    let n: usize = n
                        .trim()
                        .parse()
                        .map_err(|_| bad("N in N:PATH=VALUE must be a plan number, 1, 2, ...".into()))?;
                    match plan {
                        None => return Err(bad("a plan number N: is only for `compare`".into())),
                        Some((_, of)) if n == 0 || n > of => {
                            return Err(bad(format!("the plan number must lie in 1..={of}, one of the {of} plans")));
                        }
                        Some((p, _)) if p == n => out.push(Override::new(path.trim(), o.value)),
                        Some(_) => {}
                    }
                }
            }
        }
        Ok(out)
    }

    pub(crate) fn config(&self) -> Result<SimConfig, Error> {
        let mut c = SimConfig::default().with_trials(self.trials).with_seed(self.seed);
        c.threads = self.threads;
        c.sampler = self.sampler;
        c.model = self.model;
        c.priority = self.priority;
        c.engine = self.engine.unwrap_or_default();
        if !(self.max_memory_gb > 0.0 && self.max_memory_gb.is_finite()) {
            return Err(Error::invalid("--max-memory-gb", self.max_memory_gb, "must be > 0"));
        }
        // Every long command reports through the config's observer: a bar on a terminal, nothing when piped.
        Ok(c.with_memory_limit_bytes((self.max_memory_gb * (1u64 << 30) as f64) as u64)
            .with_observer(std::sync::Arc::new(Progress::new())))
    }
}

/// A progress bar on stderr, drawn only when stderr is a terminal and the work lasts over a second:
/// the CLI's observer ([`demine::observe`]) for every long command.
pub(crate) struct Progress {
    bar: ProgressBar,
    start: Instant,
    tty: bool,
}

impl Progress {
    pub(crate) fn new() -> Self {
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::hidden());
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} {pos}/{len} [{bar:30}] {percent}% ETA {eta}") {
            bar.set_style(style.progress_chars("=> "));
        }
        Progress { bar, start: Instant::now(), tty: std::io::stderr().is_terminal() }
    }
    fn show_when_due(&self) {
        if self.tty && self.bar.is_hidden() && self.start.elapsed() > Duration::from_secs(1) {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }
}

impl demine::observe::Observe for Progress {
    fn stage(&self, name: &str, total: u64) {
        self.bar.set_message(name.to_string());
        self.bar.set_length(total);
        self.bar.set_position(0);
        self.show_when_due();
    }
    fn progress(&self, done: u64, total: u64) {
        self.bar.set_length(total);
        self.bar.set_position(done);
        self.show_when_due();
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}

/// This process's command line as a shell would take it back (`demine` and each argument, quoted
/// where it holds anything but letters, digits and `_./:=@%+,-`): the reports print it as the
/// command that reproduces them.
pub(crate) fn command_line() -> String {
    let quote = |a: String| {
        if !a.is_empty() && a.chars().all(|c| c.is_ascii_alphanumeric() || "_./:=@%+,-".contains(c)) {
            a
        } else {
            format!("'{}'", a.replace('\'', r"'\''"))
        }
    };
    std::iter::once("demine".to_string()).chain(std::env::args().skip(1).map(quote)).collect::<Vec<_>>().join(" ")
}
