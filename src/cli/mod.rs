//! Command-line parsing (clap) and the commands. The library below does the work;
//! this layer loads files, prints, and maps failures to exit codes.

/// `print!` that returns an error instead of panicking when standard output cannot be
/// written (a closed pipe, a full disk).
macro_rules! out {
    ($($arg:tt)*) => { $crate::cli::write_stdout(format_args!($($arg)*)) };
}

/// `println!` that returns an error instead of panicking, like [`out!`].
macro_rules! outln {
    () => { $crate::cli::write_stdout(format_args!("\n")) };
    ($($arg:tt)*) => { $crate::cli::write_stdout(format_args!("{}\n", format_args!($($arg)*))) };
}

/// `eprintln!` for notes to the user: a standard error that cannot be written is
/// ignored rather than a panic.
macro_rules! note {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

mod arrivals;
mod bench;
mod calibrate;
mod costs;
mod optimise;
mod output;
mod report;
mod risks;
mod run;
mod scenarios;
mod sensitivity;
mod serve;
mod shard;
mod sweep;
mod verify;

use anyhow::Result;
use clap::{Args, Parser, Subcommand};
use ifss_sim::scenario::overrides::Override;
use std::path::PathBuf;

/// Capacity and resource-allocation simulator for an Integrated Family Support Service.
///
/// Simulates referrals, the assessment / Phase 1 / Phase 2 pathway, staff time and
/// absences under an allocation policy, over many Monte Carlo replications, and reports
/// throughput, waiting times, utilisation and cost with confidence intervals.
/// With no scenario, the bundled Western Bay default is used.
#[derive(Debug, Parser)]
#[command(name = "ifss-sim", version, about, long_about, max_term_width = 100)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run a Monte Carlo batch under one policy and print a summary per authority.
    Run(RunArgs),
    /// Run several policies, or variants of a scenario, on the same replication seeds and
    /// report paired differences.
    Compare(CompareArgs),
    /// Set the service's risk register beside the simulation: stated likelihood and
    /// effect against simulated probability and impact, with a verdict per risk.
    Risks(BatchArgs),
    /// Fit inputs of a scenario to the figures it stores as [[targets]] (the simulated
    /// method of moments: Nelder–Mead on common random numbers), print the observed
    /// against the simulated, and write the fitted scenario.
    Calibrate(calibrate::CalibrateArgs),
    /// Vary one or two inputs over a grid (or a built-in question: --preset capacity,
    /// --preset sharing), every point under each policy on the same random numbers, and
    /// write a table, pictures and a page of what the answer depends on.
    Sweep(sweep::SweepArgs),
    /// Set each input the scenario lists as an assumption ([[sensitivity]]) to both ends
    /// of its plausible range, one at a time on the same random numbers, and rank the
    /// inputs by how far they move the answer (a tornado), saying whether the better
    /// policy ever changes.
    Sensitivity(sensitivity::SensitivityArgs),
    /// Recommend a deployment: the best configuration of the scenario's search space
    /// ([optimise], or --vary) within its requirements (e.g. the chance a year costs more
    /// than the budget), chosen by a race on the same random numbers with a stated
    /// probability of being right; write the recommended scenario, the leading
    /// configurations against the proposal, and what each budget buys.
    Optimise(optimise::OptimiseArgs),
    /// Estimate each authority's referral process from a CSV of referral dates (rate with
    /// its exact Poisson interval, ramp-up and yearly cycle by maximum likelihood, each
    /// tested against none, and a dispersion test of the Poisson assumption), print it,
    /// and write the scenario with the fitted rates.
    FitArrivals(arrivals::FitArrivalsArgs),
    /// Print the proposal's cost table with its audit, and project cost over the contract
    /// (the scenario needs a [costs] section).
    Costs(CostsArgs),
    /// Measure how fast a scenario runs here (events and replications per second on one
    /// thread and on all cores, peak memory), to size a batch before running it.
    Bench(BenchArgs),
    /// Validate scenario files without running them.
    Check {
        /// Scenario files (TOML) or bundled scenario names.
        #[arg(required = true)]
        files: Vec<String>,
    },
    /// List or print the bundled scenarios, to start a new one from.
    Scenario {
        #[command(subcommand)]
        action: ScenarioAction,
    },
    /// Merge the shards of a `--shard K/N` job of `run`, `compare`, `sweep` or
    /// `sensitivity` (their folders, in any order) into the output set the unsharded
    /// command writes; a shard missing, given twice or of another job is refused.
    Merge(shard::MergeArgs),
    /// Start the board explorer: a local web page whose levers (posts, policy, referrals,
    /// hours, money) answer "what if" against the scenario's baseline while you move them.
    Serve(serve::ServeArgs),
    /// Check the simulator against exact queueing results (M/M/1, M/M/c, M/D/1, M/G/1,
    /// M/G/inf, the pathway funnel, Little's law) and print what was compared.
    Verify(verify::VerifyArgs),
}

#[derive(Debug, Subcommand)]
enum ScenarioAction {
    /// List the bundled scenarios.
    List,
    /// Print a bundled scenario's TOML (redirect it to a file and edit).
    Show {
        /// Bundled scenario name (see `ifss-sim scenario list`).
        name: String,
    },
}

/// Which scenario to simulate, and how many replications on which seed: shared by every
/// command that runs a batch.
#[derive(Debug, Args)]
struct ScenarioArgs {
    /// Scenario: a TOML file or a bundled name [default: western-bay].
    scenario: Option<String>,
    /// Replications [default: the scenario's `simulation.replications`].
    #[arg(long, short = 'n', value_name = "N")]
    reps: Option<u64>,
    /// Master seed [default: the scenario's `simulation.seed`].
    #[arg(long, value_name = "S")]
    seed: Option<u64>,
    /// Worker threads [default: all cores; more than the cores starts no more]. Results do
    /// not depend on it.
    #[arg(long, value_name = "T", value_parser = clap::value_parser!(u16).range(1..=1024))]
    threads: Option<u16>,
    /// Change a scenario field for this run, e.g. --set 'authorities[Swansea].referrals_per_year=130'
    /// or --set 'travel.routes[0].hours=0.75' (repeatable; validated like the file; recorded
    /// in manifest.json). A list entry is picked by position from 0 or by a name only it
    /// has. The value is TOML (3, true, '"text"', '{ … }') or a plain word taken as text.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    sets: Vec<Override>,
}

/// Options shared by `run`, `compare` and `risks`.
#[derive(Debug, Args)]
struct BatchArgs {
    #[command(flatten)]
    input: ScenarioArgs,
    /// Print the machine-readable summary (JSON) on stdout instead of tables.
    #[arg(long)]
    json: bool,
    /// Output folder [default: output/<scenario>, the file's name without .toml or the
    /// bundled scenario's name; for `risks`, `calibrate`, `fit-arrivals`, `sweep` and
    /// `sensitivity`, a folder of its own inside it, named after the command]. The folder is locked while the run
    /// writes it, and its old set is replaced only once the new one is whole.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Write no files; only print.
    #[arg(long, conflicts_with = "out")]
    no_output: bool,
    /// No progress bar.
    #[arg(long, short)]
    quiet: bool,
}

/// The board report's options, for `run` and `compare`.
#[derive(Debug, Args)]
struct ReportArgs {
    /// Skip report.html and the SVG pictures (the other files are still written).
    #[arg(long)]
    no_report: bool,
    /// Also run the quick analytic validation checks (`verify --quick`, a few seconds)
    /// and put their results in the report's assurance section.
    #[arg(long, conflicts_with_all = ["no_report", "no_output"])]
    verify: bool,
    /// Also add "What the answer depends on" to the report: the team's capacity (a sweep
    /// of the referral rate, 26 batches) and, when the scenario lists [[sensitivity]]
    /// inputs, each at both ends of its range, and a sweep of the sharing threshold
    /// (about 10 seconds more on the default).
    #[arg(long, conflicts_with_all = ["no_report", "no_output"])]
    sensitivity: bool,
    /// Lead the report with the recommended deployment of an `optimise` run: its
    /// optimise.json (of the same scenario).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["no_report", "no_output"])]
    recommendation: Option<PathBuf>,
    /// Run the scenario's staffing optimisation ([optimise]; about a minute on the
    /// default) and lead the report with its recommended deployment.
    #[arg(long, conflicts_with_all = ["no_report", "no_output", "recommendation"])]
    optimise: bool,
}

#[derive(Debug, Args)]
struct RunArgs {
    #[command(flatten)]
    batch: BatchArgs,
    #[command(flatten)]
    report: ReportArgs,
    /// Allocation policy: proportional, demand-led, pooled or rebased [default: the scenario's].
    #[arg(long, short, value_name = "P")]
    policy: Option<String>,
    /// Keep adding replications until the 95% CI half-width of --precision-measure is
    /// below this fraction of its mean (e.g. 0.02 for ±2%); --reps is the starting batch.
    #[arg(long, value_name = "REL", value_parser = parse_fraction)]
    target_precision: Option<f64>,
    /// Measure the precision target applies to.
    #[arg(
        long,
        value_name = "NAME",
        default_value = "wait_to_first_meeting_days",
        requires = "target_precision"
    )]
    precision_measure: String,
    /// Most replications the precision target may use (at least --reps).
    #[arg(
        long,
        value_name = "N",
        default_value_t = 100_000,
        requires = "target_precision"
    )]
    max_reps: u64,
    /// Run only the K-th of N parts of the replications (e.g. 3/8) and write that part's
    /// state (shard.json) to merge with the others: `ifss-sim merge` then writes exactly
    /// what the whole run would have [default folder: output/<scenario>/shard-K-of-N].
    #[arg(long, value_name = "K/N", value_parser = shard::parse, conflicts_with = "target_precision")]
    shard: Option<(u32, u32)>,
}

fn parse_fraction(s: &str) -> Result<f64, String> {
    let x: f64 = s
        .parse()
        .map_err(|_| format!("expected a number such as 0.05, got {s:?}"))?;
    if x.is_finite() && x > 0.0 && x < 1.0 {
        Ok(x)
    } else {
        Err(format!("must be between 0 and 1 (exclusive), got {x}"))
    }
}

/// Options of `bench`.
#[derive(Debug, Args)]
struct BenchArgs {
    #[command(flatten)]
    input: ScenarioArgs,
    /// Time the scenario made K times the size: every staff group's count and every
    /// authority's referrals a year multiplied by K (after any --set), to see how the time
    /// per event grows with the size of a service.
    #[arg(long, value_name = "K", value_parser = clap::value_parser!(u32).range(1..=1000))]
    scale: Option<u32>,
    /// Also time the bare event loop of the same benchmark model (`mmc` or `ifss-lite`,
    /// as written), alternately with the engine, three rounds each, and print the
    /// engine's speed as a share of the loop's: a ratio a busy machine does not distort.
    #[arg(long)]
    floor: bool,
    /// Print the figures as JSON on stdout instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct CompareArgs {
    #[command(flatten)]
    batch: BatchArgs,
    #[command(flatten)]
    report: ReportArgs,
    /// Policies to compare, comma-separated; differences are against the first
    /// [default: proportional,demand-led; with --variant: each scenario's own policy].
    #[arg(long, value_delimiter = ',')]
    policies: Option<Vec<String>>,
    /// A variant to compare with the scenario (labelled "base"), on the same families:
    /// 'LABEL: PATH=VALUE; PATH=VALUE' changes fields of the scenario (after any --set),
    /// 'LABEL: FILE' or 'LABEL: BUNDLED-NAME' is another scenario. Repeatable; with
    /// --policies, every variant runs under every policy.
    #[arg(long = "variant", value_name = "SPEC")]
    variants: Vec<String>,
    /// Run only the K-th of N parts of the replications of every policy or variant and
    /// write that part's state (shard.json) to merge with the others (`ifss-sim merge`)
    /// [default folder: output/<scenario>/shard-K-of-N].
    #[arg(long, value_name = "K/N", value_parser = shard::parse)]
    shard: Option<(u32, u32)>,
}

/// Options of `costs`.
#[derive(Debug, Args)]
struct CostsArgs {
    #[command(flatten)]
    input: ScenarioArgs,
    /// Print the table, audit and projection as JSON on stdout instead of text.
    #[arg(long)]
    json: bool,
    /// Allocation policy: proportional, demand-led, pooled or rebased [default: the scenario's].
    #[arg(long, short, value_name = "P")]
    policy: Option<String>,
    /// No progress bar.
    #[arg(long, short)]
    quiet: bool,
}

/// Standard output was closed by its reader (as `| head` does): not a failure of the
/// command, which stops printing quietly.
#[derive(Debug, thiserror::Error)]
#[error("standard output was closed")]
pub struct StdoutClosed;

/// Write to standard output and flush, mapping a closed pipe to [`StdoutClosed`].
pub fn write_stdout(args: std::fmt::Arguments<'_>) -> Result<()> {
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    match stdout.write_fmt(args).and_then(|()| stdout.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(StdoutClosed.into()),
        Err(e) => Err(anyhow::Error::new(e).context("cannot write to standard output")),
    }
}

/// Whether the command ended because standard output was closed.
pub fn is_stdout_closed(e: &anyhow::Error) -> bool {
    e.chain().any(|c| c.is::<StdoutClosed>())
}

/// Set by the first Ctrl-C: batches stop after their current chunk.
static INTERRUPTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Whether the user has pressed Ctrl-C.
pub fn interrupted() -> bool {
    INTERRUPTED.load(std::sync::atomic::Ordering::Relaxed)
}

/// The first Ctrl-C asks the running batch to stop after its current chunk, so the command
/// ends cleanly (no staging folder left, the folder's previous set untouched); a second
/// one ends the process at once.
fn on_ctrl_c() {
    let first = !INTERRUPTED.swap(true, std::sync::atomic::Ordering::Relaxed);
    if first {
        note!("\nstopping after the current replications (Ctrl-C again to quit at once)");
    } else {
        std::process::exit(130);
    }
}

/// The command stopped at the user's Ctrl-C (exit code 130) before it wrote anything.
#[derive(Debug, thiserror::Error)]
#[error(
    "interrupted after {done} of {total} replications; nothing was written, and the output folder's previous files are as they were"
)]
pub struct Interrupted {
    /// Replications run.
    pub done: u64,
    /// Replications planned.
    pub total: u64,
}

/// Validation checks ran and some failed (exit code 3): the simulator disagrees with
/// theory, which is not the same as failing to run.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ChecksFailed(pub String);

/// The exit code of a command that failed: 3 when `verify` ran and checks failed, 2 for
/// the user's input (see [`is_input_error`]), 1 for anything else.
pub fn exit_code(e: &anyhow::Error) -> u8 {
    if e.chain().any(|c| c.is::<Interrupted>()) {
        130
    } else if e.chain().any(|c| c.is::<ChecksFailed>()) {
        3
    } else if is_input_error(e) {
        2
    } else {
        1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_of_failure_has_its_exit_code() {
        let failed = anyhow::Error::new(ChecksFailed("1 of 9 validation checks failed".into()));
        assert_eq!(exit_code(&failed), 3);
        let stopped = anyhow::Error::new(Interrupted { done: 1, total: 2 });
        assert_eq!(exit_code(&stopped), 130);
        assert_eq!(exit_code(&InputError("bad".into()).into()), 2);
        let too_large = ifss_sim::batch::BatchError::TooLarge {
            what: "x".into(),
            limit: "y".into(),
        };
        assert_eq!(
            exit_code(&anyhow::Error::new(too_large).context("batch failed")),
            2
        );
        let io = std::io::Error::other("disk full");
        assert_eq!(
            exit_code(&anyhow::Error::new(io).context("cannot write")),
            1
        );
    }
}

/// An error in what the user gave us (exit code 2).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct InputError(pub String);

/// Whether an error is the user's input (exit 2) rather than a failure (exit 1).
pub fn is_input_error(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.is::<InputError>()
            || c.is::<ifss_sim::scenario::ScenarioError>()
            || c.downcast_ref::<ifss_sim::batch::BatchError>()
                .is_some_and(|b| matches!(b, ifss_sim::batch::BatchError::TooLarge { .. }))
    })
}

pub fn main() -> Result<()> {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            // clap prints help/version to stdout (exit 0) and usage errors to stderr (exit 2)
            e.exit();
        }
    };
    // without a handler (it cannot be installed), Ctrl-C ends the process as usual
    let _ = ctrlc::set_handler(on_ctrl_c);
    match cli.command {
        Command::Run(a) => run::run(a),
        Command::Compare(a) => run::compare(a),
        Command::Risks(a) => risks::risks(a),
        Command::Calibrate(a) => calibrate::calibrate(a),
        Command::Sweep(a) => sweep::sweep(a),
        Command::Optimise(a) => optimise::optimise(a),
        Command::Sensitivity(a) => sensitivity::sensitivity(a),
        Command::FitArrivals(a) => arrivals::fit_arrivals(a),
        Command::Costs(a) => costs::costs(a),
        Command::Bench(a) => bench::bench(a),
        Command::Check { files } => scenarios::check(&files),
        Command::Scenario { action } => match action {
            ScenarioAction::List => scenarios::list(),
            ScenarioAction::Show { name } => scenarios::show(&name),
        },
        Command::Verify(a) => verify::verify(a),
        Command::Serve(a) => serve::serve(a),
        Command::Merge(a) => shard::merge(a),
    }
}
