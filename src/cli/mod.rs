//! The command line: parses arguments, reads input files, runs the checks and writes the
//! report. The only module that touches files, the environment and the terminal.

mod conventions;
mod diff;
pub mod input;
mod lab;
pub mod output;
mod suppressions;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::diagnostics::{codes, render, Severity};
use crate::report::Report;

pub use input::{read_inputs, InputArgs, Inputs};
use output::Output;
pub use output::{Format, OutputFlags};

#[derive(Parser, Debug)]
#[command(
    name = "swarmproof",
    version = env!("SWARMPROOF_VERSION"),
    about = "Formal verification of Docker Swarm deployments before they happen"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    #[command(flatten)]
    pub conventions: conventions::Conventions,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check a stack against a cluster: load-time checks, placement, scheduler, updates, quorum, graphs.
    Check(CheckArgs),
    /// The orchestration theorem: start order and placement, or the premise that fails.
    Plan(PlanArgs),
    /// Predict what Swarm's own scheduler does with the stack, and after a node or zone is lost.
    Simulate(SimulateArgs),
    /// Model-check each service's rolling update and rollback; print verdicts and shortest counterexamples.
    Update(UpdateArgs),
    /// What `docker stack deploy` of NEW does to a stack deployed from OLD: each service's action, and each rolling update model-checked from the current state.
    Diff(diff::DiffArgs),
    /// The managers' Raft quorum: fault tolerance, failure sets that lose it, promote/demote/remove what-ifs.
    Quorum(QuorumArgs),
    /// Model-check Raft as Swarm's managers run it, or a teaching variant that breaks one rule.
    Raft(RaftArgs),
    /// Serve stateright's Explorer on a model, to step through it in a browser.
    #[command(subcommand)]
    Explore(ExploreCommand),
    /// Draw services, dependencies, networks and published ports.
    Graph(GraphArgs),
    /// Print the stack as `docker stack config` does: files merged, variables substituted, short forms expanded.
    Config(ConfigArgs),
    /// Explain a diagnostic code (e.g. SP0106 or depends-on-ignored); without CODE, list them all.
    Explain { code: Option<String> },
    /// Print a shell completion script (bash, elvish, fish, powershell, zsh).
    Completions { shell: clap_complete::Shell },
    /// Print the man page (roff).
    Man,
    /// The course of labs (docs/labs/): list them, grade a student's folder or a class.
    #[command(subcommand)]
    Lab(lab::LabCommand),
}

/// Where the stack and the inventory come from.
#[derive(Args, Debug, Clone)]
pub struct InputFlags {
    /// A stack file, or a folder holding stack.yml (or docker-stack.yml, docker-compose.yml) and nodes.yml.
    pub path: Option<PathBuf>,
    /// A stack file; repeat to merge files in order, as `docker stack deploy -c a.yml -c b.yml`.
    #[arg(short = 'f', long = "file", short_alias = 'c', alias = "compose-file")]
    pub files: Vec<PathBuf>,
    /// The node inventory: swarmproof's YAML/JSON, or the JSON of `docker node inspect`.
    #[arg(long)]
    pub nodes: Option<PathBuf>,
    /// KEY=VALUE lines for variable interpolation (docker stack deploy reads no .env by itself).
    #[arg(long)]
    pub env_file: Option<PathBuf>,
    /// The stack name (for `<stack>_default` and network names); default: the folder's name.
    #[arg(long)]
    pub stack_name: Option<String>,
}

impl InputFlags {
    fn to_args(&self) -> InputArgs {
        InputArgs {
            path: self.path.clone(),
            files: self.files.clone(),
            nodes: self.nodes.clone(),
            env_file: self.env_file.clone(),
            stack_name: self.stack_name.clone(),
            skip_interpolation: false,
        }
    }
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum Deny {
    Warnings,
}

/// Settings of the placement check.
#[derive(Args, Debug, Clone)]
pub struct PlacementFlags {
    /// Also require a placement after losing any N nodes (`--tolerate 1`) or any one failure
    /// domain (`--tolerate zone`).
    #[arg(long, value_parser = parse_tolerance)]
    pub tolerate: Option<Tolerate>,
    /// The node label that names a failure domain for `--tolerate zone` (default: the
    /// inventory's `domain_label`, else `zone`).
    #[arg(long)]
    pub domain_label: Option<String>,
    /// Time limit of the whole placement decision in milliseconds (fast paths, local search, SMT solver, failure scenarios, suggestions). Reaching it gives `unknown`, which names the bound.
    #[arg(long, default_value_t = 10_000)]
    pub timeout_ms: u64,
    /// Write the SMT-LIB problem of the placement to FILE (for teaching and bug reports).
    #[arg(long)]
    pub dump_smt2: Option<PathBuf>,
}

#[derive(Clone, Debug)]
pub enum Tolerate {
    Nodes(u32),
    Domain,
}

fn parse_tolerance(s: &str) -> Result<Tolerate, String> {
    match s {
        "zone" | "domain" => Ok(Tolerate::Domain),
        n => n
            .parse::<u32>()
            .map(Tolerate::Nodes)
            .map_err(|_| format!("expected a number of nodes or `zone`, not {n:?}")),
    }
}

impl PlacementFlags {
    fn options(&self) -> crate::check::CheckOptions {
        let tolerate = self.tolerate.as_ref().map(|t| match t {
            Tolerate::Nodes(n) => crate::placement::Tolerance::Nodes(*n),
            // Empty: the inventory's domain label, resolved once the inventory is loaded.
            Tolerate::Domain => {
                crate::placement::Tolerance::Domain(self.domain_label.clone().unwrap_or_default())
            }
        });
        crate::check::CheckOptions {
            placement: crate::placement::PlacementOptions {
                timeout_ms: self.timeout_ms,
                tolerate,
                ..Default::default()
            },
            scheduler: true,
            rollout: Some(Default::default()),
            bounds: Default::default(),
        }
    }
}

/// Bounds of a whole run.
#[derive(Args, Debug, Clone, Default)]
pub struct BoundFlags {
    /// Stop the whole run after SECONDS: a search the deadline cuts short reports `unknown`,
    /// and a run still busy 10 % past it stops with exit status 2.
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: Option<u64>,
    /// Memory budget of each search (e.g. 512M, 2G): a search that reaches it stops and
    /// reports `unknown`.
    #[arg(long, value_name = "SIZE", value_parser = parse_memory)]
    pub max_memory: Option<u64>,
}

fn parse_memory(s: &str) -> Result<u64, String> {
    crate::loading::values::parse_size(s).map_err(|e| e.to_string())
}

impl BoundFlags {
    /// Starts the clock: the deadline of the searches, and the watchdog 10 % past it.
    fn start(&self) -> crate::check::RunBounds {
        crate::check::RunBounds {
            deadline: self
                .timeout
                .map_or(crate::deadline::Deadline::NEVER, |secs| {
                    watchdog(secs);
                    crate::deadline::Deadline::after_ms(secs.saturating_mul(1000))
                }),
            max_memory_bytes: self
                .max_memory
                .map(|b| usize::try_from(b).unwrap_or(usize::MAX)),
        }
    }
}

/// Ends the process with exit status 2 when the run is still busy 10 % past `--timeout`: a
/// computation that does not poll the deadline (one SMT call, a scheduler run) cannot keep it
/// waiting longer, and nothing unverified is printed.
fn watchdog(secs: u64) {
    let limit = std::time::Duration::from_secs(secs);
    std::thread::spawn(move || {
        std::thread::sleep(limit + limit / 10);
        let _ = writeln!(
            std::io::stderr(),
            "error: stopped at --timeout {secs} (10 % past it, the checks had not finished): nothing was verified"
        );
        std::process::exit(2);
    });
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    pub input: InputFlags,
    #[command(flatten)]
    pub placement: PlacementFlags,
    #[command(flatten)]
    pub output: OutputFlags,
    #[command(flatten)]
    pub bounds: BoundFlags,
    /// Treat warnings as errors for the exit status.
    #[arg(long, value_enum)]
    pub deny: Option<Deny>,
    /// Require every service's availability during updates (a single replica's stop-first
    /// outage is an error) and make every rollout warning an error.
    #[arg(long)]
    pub strict: bool,
    #[command(flatten)]
    pub suppress: suppressions::SuppressFlags,
}

#[derive(Args, Debug)]
pub struct PlanArgs {
    #[command(flatten)]
    pub input: InputFlags,
    #[command(flatten)]
    pub placement: PlacementFlags,
    #[command(flatten)]
    pub output: OutputFlags,
    #[command(flatten)]
    pub bounds: BoundFlags,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum StrategyArg {
    /// Swarm's own scheduler (swarmkit's spread), the default.
    Spread,
    /// What-if, not Swarm's behaviour: fill the fullest node that fits.
    Binpack,
    /// What-if, not Swarm's behaviour: a random node that fits (seeded).
    Random,
}

#[derive(Args, Debug)]
pub struct SimulateArgs {
    #[command(flatten)]
    pub input: InputFlags,
    #[command(flatten)]
    pub placement: PlacementFlags,
    #[command(flatten)]
    pub bounds: BoundFlags,
    #[arg(long, value_enum, default_value = "spread")]
    pub strategy: StrategyArg,
    /// Seed for the choices Go's map order leaves open (ties between nodes, service order).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// After convergence, this node goes down.
    #[arg(long, conflicts_with_all = ["drain", "fail_zone"])]
    pub fail: Option<String>,
    /// After convergence, this node is drained.
    #[arg(long, conflicts_with = "fail_zone")]
    pub drain: Option<String>,
    /// After convergence, every node of this failure domain goes down.
    #[arg(long)]
    pub fail_zone: Option<String>,
    /// Explore every order Swarm may use (service order, node ties, preference branches)
    /// instead of the one `--seed` picks, and show the order that leaves most tasks Pending
    /// (Swarm's scheduler only; the budget of `check`).
    #[arg(long, conflicts_with = "strategy")]
    pub explore: bool,
    #[command(flatten)]
    pub output: OutputFlags,
}

/// Bounds of the update model checker.
#[derive(Args, Debug, Clone)]
pub struct RolloutFlags {
    /// K: how many new tasks the environment may make fail during the update.
    #[arg(short = 'k', long = "failures", default_value_t = 1)]
    pub failures: u8,
    /// Stop after this many states (the verdict is then `incomplete`).
    #[arg(long, default_value_t = 5_000_000)]
    pub max_states: usize,
    /// Require every service's availability (a single replica's stop-first outage is an
    /// error) and make every rollout warning an error.
    #[arg(long)]
    pub strict: bool,
}

impl RolloutFlags {
    fn options(&self) -> crate::rollout::Options {
        crate::rollout::Options {
            max_failures: self.failures,
            max_states: self.max_states,
            strict: self.strict,
            ..Default::default()
        }
    }
}

#[derive(Args, Debug)]
pub struct UpdateArgs {
    #[command(flatten)]
    pub input: InputFlags,
    #[command(flatten)]
    pub placement: PlacementFlags,
    #[command(flatten)]
    pub rollout: RolloutFlags,
    #[command(flatten)]
    pub bounds: BoundFlags,
    /// Only this service.
    #[arg(long)]
    pub service: Option<String>,
    #[command(flatten)]
    pub output: OutputFlags,
    /// Also print each counterexample as a Mermaid sequence diagram.
    #[arg(long)]
    pub mermaid: bool,
}

#[derive(Args, Debug)]
pub struct QuorumArgs {
    /// The node inventory (swarmproof's format or `docker node inspect` JSON), or a folder with nodes.yml.
    pub nodes: PathBuf,
    /// What if NODE were promoted to manager (repeatable; applied in order).
    #[arg(long)]
    pub promote: Vec<String>,
    /// What if manager NODE were demoted.
    #[arg(long)]
    pub demote: Vec<String>,
    /// What if NODE were removed from the swarm.
    #[arg(long)]
    pub remove: Vec<String>,
    #[command(flatten)]
    pub output: OutputFlags,
}

/// The Raft model and its bounds.
#[derive(Args, Debug, Clone)]
pub struct RaftModelFlags {
    /// Number of managers.
    #[arg(long, default_value_t = 3)]
    pub managers: usize,
    /// Remove one rule of Raft, to see what breaks: no-persistence, no-log-check, commit-old-terms, accept-stale-term.
    #[arg(long)]
    pub variant: Option<String>,
    /// No server times out beyond this term.
    #[arg(long)]
    pub max_term: Option<u8>,
    /// No leader appends beyond this many entries.
    #[arg(long)]
    pub max_log: Option<u8>,
    /// Crash-restarts over a run.
    #[arg(long)]
    pub max_crashes: Option<u8>,
}

impl RaftModelFlags {
    fn model(&self) -> Result<crate::raft::RaftModel, String> {
        let variant = self
            .variant
            .as_deref()
            .map(str::parse::<crate::raft::Variant>)
            .transpose()?;
        let mut bounds =
            variant.map_or_else(crate::raft::Bounds::default, crate::raft::Variant::bounds);
        if let Some(t) = self.max_term {
            bounds.max_term = t;
        }
        if let Some(l) = self.max_log {
            bounds.max_log = l;
        }
        if let Some(c) = self.max_crashes {
            bounds.max_crashes = c;
        }
        crate::raft::RaftModel::new(self.managers, bounds, variant)
            .map_err(|e| format!("{} ({})", e.0, crate::raft::codes::RAFT_BAD_BOUNDS.id))
    }
}

#[derive(Args, Debug)]
pub struct RaftArgs {
    #[command(flatten)]
    pub model: RaftModelFlags,
    /// Worker threads of the checker.
    #[arg(long, default_value_t = 1)]
    pub threads: usize,
    /// Stop after this many seconds (the verdict is then `unknown`).
    #[arg(long)]
    pub timeout: Option<u64>,
    #[command(flatten)]
    pub output: OutputFlags,
    /// Also print each counterexample as a Mermaid sequence diagram.
    #[arg(long)]
    pub mermaid: bool,
}

#[derive(Subcommand, Debug)]
pub enum ExploreCommand {
    /// The Raft model of the managers.
    Raft {
        #[command(flatten)]
        model: RaftModelFlags,
        /// Address to serve on (loopback only).
        #[arg(long, default_value = "127.0.0.1:3000")]
        listen: std::net::SocketAddr,
    },
    /// The rolling update of one service, from the stack's placement.
    Update {
        /// The service whose update to explore.
        service: String,
        #[command(flatten)]
        input: InputFlags,
        #[command(flatten)]
        placement: PlacementFlags,
        /// K: how many new tasks may fail.
        #[arg(short = 'k', long = "failures", default_value_t = 1)]
        failures: u8,
        /// Address to serve on; only loopback unless you say otherwise.
        #[arg(long, default_value = "127.0.0.1:3000")]
        listen: String,
    },
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum ConfigFormat {
    Yaml,
    Json,
}

#[derive(Args, Debug)]
pub struct ConfigArgs {
    #[command(flatten)]
    pub input: InputFlags,
    /// Leave `$VAR` references as written and only merge (`docker stack config --skip-interpolation`).
    #[arg(long)]
    pub skip_interpolation: bool,
    #[arg(long, value_enum, default_value = "yaml")]
    pub format: ConfigFormat,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    Dot,
    Mermaid,
}

#[derive(Args, Debug)]
pub struct GraphArgs {
    #[command(flatten)]
    pub input: InputFlags,
    #[command(flatten)]
    pub placement: PlacementFlags,
    #[command(flatten)]
    pub bounds: BoundFlags,
    #[arg(long, value_enum, default_value = "dot")]
    pub format: GraphFormat,
}

/// Runs the CLI on the process arguments; returns the exit status (0 clean, 1 findings, 2 could not run).
pub fn main() -> ExitCode {
    output::start_clock();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            if !e.use_stderr() {
                return ExitCode::SUCCESS;
            }
            // Bad arguments are a run that cannot run: in SARIF too, say so on stdout.
            return match output::requested_sarif(std::env::args()) {
                Some(flags) => flags.fail_quietly(
                    e.to_string()
                        .lines()
                        .next()
                        .unwrap_or("error: invalid arguments"),
                ),
                None => ExitCode::from(2),
            };
        }
    };
    conventions::init(
        cli.conventions.clone(),
        matches!(cli.command, Command::Check(_)),
    );
    match cli.command {
        Command::Check(args) => run_check(&args),
        Command::Plan(args) => run_plan(&args),
        Command::Graph(args) => run_graph(&args),
        Command::Config(args) => run_config(&args),
        Command::Simulate(args) => run_simulate(&args),
        Command::Update(args) => run_update(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Quorum(args) => run_quorum(&args),
        Command::Lab(cmd) => lab::run(&cmd),
        Command::Raft(args) => run_raft(&args),
        Command::Explore(cmd) => run_explore(&cmd),
        Command::Explain { code } => run_explain(code.as_deref()),
        Command::Completions { shell } => conventions::completions(shell),
        Command::Man => conventions::man(),
    }
}

/// The most findings a report prints (`Report::bounded`): a broken generated input can have
/// hundreds of thousands.
const MAX_FINDINGS: usize = 1_000;

/// The most text a command prints. Findings are bounded in number, but each human-readable one
/// quotes its source line, which can be megabytes long.
const MAX_OUTPUT_BYTES: usize = 64 << 20;

fn write_stdout(text: &str) -> ExitCode {
    conventions::write_output(&cut_output(text))
}

/// `text` cut at [`MAX_OUTPUT_BYTES`] (on a character boundary), with a line saying so.
fn cut_output(text: &str) -> std::borrow::Cow<'_, str> {
    if text.len() <= MAX_OUTPUT_BYTES {
        return text.into();
    }
    let mut end = MAX_OUTPUT_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!(
        "{}\n[output cut at {} MiB]\n",
        &text[..end],
        MAX_OUTPUT_BYTES >> 20
    )
    .into()
}

/// Reads the inputs and runs the checks: load, placement and graph always, the scheduler
/// exploration and the update model checking only with `rollout` options (`check`); `Err` is
/// the exit status when the tool cannot run.
fn checked(
    input: &InputFlags,
    placement: &PlacementFlags,
    rollout: Option<crate::rollout::Options>,
    bounds: crate::check::RunBounds,
) -> Result<(crate::check::Checked, Inputs), String> {
    let inputs = read_inputs(&input.to_args())
        .map_err(|e| format!("error[{}]: {}", e.0.code.id, e.0.message))?;
    let mut options = placement.options();
    options.scheduler = rollout.is_some();
    options.rollout = rollout;
    options.bounds = bounds;
    let mut checked = crate::check::run(
        &inputs.sources,
        &inputs.stack_files,
        inputs.nodes,
        &inputs.options,
        &options,
    );
    checked
        .report
        .findings
        .splice(0..0, inputs.diagnostics.iter().cloned());
    // What docker/cli's loader refuses beyond the model's checks (a missing `env_file`, an
    // external volume with a driver, …), unless the same finding already stands at the same place.
    let (config, view_diags) = config_view(&inputs);
    if config.is_none() {
        for d in view_diags {
            let known = checked.report.findings.iter().any(|f| {
                f.severity == Severity::Error
                    && f.code.id == d.code.id
                    && f.primary_span() == d.primary_span()
            });
            if d.severity == Severity::Error && !known {
                checked.report.findings.push(d);
            }
        }
    }
    if let Some(path) = &placement.dump_smt2 {
        let Some(cluster) = &checked.loaded.cluster else {
            return Err("error: --dump-smt2 needs an inventory (--nodes FILE)".to_string());
        };
        let text = crate::placement::dump_smt2(&checked.loaded.stack, cluster);
        std::fs::write(path, text)
            .map_err(|e| format!("error: cannot write {}: {e}", path.display()))?;
    }
    Ok((checked, inputs))
}

fn run_check(args: &CheckArgs) -> ExitCode {
    let setup = match suppressions::Setup::new(&args.suppress, &args.input) {
        Ok(s) => s,
        Err(e) => return args.output.fail(e),
    };
    let (checked, mut inputs) = match checked(
        &setup.input,
        &args.placement,
        Some(crate::rollout::Options {
            strict: args.strict || setup.defaults.strict,
            ..Default::default()
        }),
        args.bounds.start(),
    ) {
        Ok(c) => c,
        Err(e) => return args.output.fail(e),
    };
    let report = match setup.apply(
        &args.suppress,
        checked.report,
        &checked.loaded.stack,
        &mut inputs,
    ) {
        Ok(r) => r,
        Err(e) => return args.output.fail(e),
    };
    let deny = args.deny.is_some() || setup.defaults.deny_warnings;
    let show_suppressed = args.suppress.show_suppressed || setup.defaults.show_suppressed;
    // The status counts every finding; at most MAX_FINDINGS are printed.
    let status = exit_status(&report, deny);
    let report = report.bounded(MAX_FINDINGS);
    let text = args.output.render(&Output {
        command: "check",
        report: &report,
        sources: &inputs.sources,
        human: output::check_human(&report, &inputs.sources, show_suppressed),
        payload: None,
        deny_warnings: deny,
    });
    let written = write_stdout(&text);
    if written != ExitCode::SUCCESS {
        return written;
    }
    if args.suppress.write_baseline.is_some() {
        return ExitCode::SUCCESS;
    }
    ExitCode::from(status)
}

/// `plan`: 0 when a valid orchestration is proved, 1 otherwise.
fn run_plan(args: &PlanArgs) -> ExitCode {
    let (checked, inputs) = match checked(&args.input, &args.placement, None, args.bounds.start()) {
        Ok(c) => c,
        Err(e) => return args.output.fail(e),
    };
    let o = &checked.orchestration;
    let table = match (&checked.placement, &checked.loaded.cluster) {
        (Some(p), Some(cluster)) => p
            .plan
            .as_ref()
            .map(|plan| crate::placement::render_plan(&checked.loaded.stack, cluster, plan)),
        _ => None,
    };
    let text = args.output.render(&Output {
        command: "plan",
        report: &checked.report,
        sources: &inputs.sources,
        human: crate::graph::render_plan(o, table.as_deref()),
        payload: serde_json::to_value(o).ok(),
        deny_warnings: false,
    });
    let written = write_stdout(&text);
    if written != ExitCode::SUCCESS {
        return written;
    }
    ExitCode::from(exit_status(&checked.report, false))
}

fn run_simulate(args: &SimulateArgs) -> ExitCode {
    use crate::scheduler::{self, Disruption, Order, SimOptions, Strategy};
    let bounds = args.bounds.start();
    let (checked, inputs) = match checked(&args.input, &args.placement, None, bounds) {
        Ok(c) => c,
        Err(e) => return args.output.fail(e),
    };
    let Some(cluster) = checked.loaded.cluster.as_ref() else {
        return args.output.fail(
            "error: simulate needs an inventory (--nodes FILE, or nodes.yml beside the stack)",
        );
    };
    let stack = &checked.loaded.stack;
    let strategy = match args.strategy {
        StrategyArg::Spread => Strategy::Spread,
        StrategyArg::Binpack => Strategy::BinPack,
        StrategyArg::Random => Strategy::Random,
    };
    let opts = SimOptions {
        strategy,
        order: Order::Seed(args.seed),
        service_order: None,
    };
    let disruption = match (&args.fail, &args.drain, &args.fail_zone) {
        (Some(n), _, _) => Some(Disruption::Fail(n.clone())),
        (_, Some(n), _) => Some(Disruption::Drain(n.clone())),
        (_, _, Some(z)) => Some(Disruption::FailZone(z.clone())),
        _ => None,
    };
    let result = scheduler::simulate(stack, cluster, &opts).and_then(|before| {
        let after = disruption
            .as_ref()
            .map(|d| scheduler::disrupted_cluster(cluster, d))
            .transpose()?;
        // The cluster the result is shown on: after the loss, if there is one.
        let shown = after.as_ref().map_or(cluster, |(c, _)| c);
        if args.explore {
            let scaled = scheduler::ExploreOptions::scaled(stack, cluster);
            let budget = scheduler::ExploreOptions {
                max_memo_bytes: bounds.cap_bytes(scaled.max_memo_bytes),
                deadline: bounds.deadline,
                ..scaled
            };
            let e = match &disruption {
                None => scheduler::explore(stack, cluster, &budget)?,
                Some(d) => scheduler::explore_disruption(stack, cluster, &before, d, &budget)?,
            };
            return Ok((
                e.witness.is_none(),
                scheduler::render_exploration(shown, &e),
                serde_json::to_value(&e),
            ));
        }
        Ok(match &disruption {
            None => (
                before.is_complete(),
                scheduler::render_simulation(cluster, &before),
                serde_json::to_value(&before),
            ),
            Some(d) => {
                let out = scheduler::simulate_disruption(stack, cluster, &before, d, &opts)?;
                (
                    out.after.is_complete(),
                    scheduler::render_disruption(shown, &out),
                    serde_json::to_value(&out),
                )
            }
        })
    });
    let (complete, human, json) = match result {
        Ok(r) => r,
        Err(e) => return args.output.fail(format!("error: {e}")),
    };
    let text = args.output.render(&Output {
        command: "simulate",
        report: &checked.report,
        sources: &inputs.sources,
        human,
        payload: json.ok(),
        deny_warnings: false,
    });
    let written = write_stdout(&text);
    if written != ExitCode::SUCCESS {
        return written;
    }
    ExitCode::from(u8::from(!complete))
}

/// The rollout inputs of the stack: every service's update starts from the validated plan.
fn rollout_inputs<'a>(
    checked: &'a crate::check::Checked,
) -> Result<Vec<crate::rollout::RolloutInput<'a>>, String> {
    let cluster = checked.loaded.cluster.as_ref().ok_or(
        "the update check needs an inventory (--nodes FILE, or nodes.yml beside the stack)",
    )?;
    let plan = checked
        .placement
        .as_ref()
        .and_then(|p| p.plan.as_ref())
        .ok_or("the stack has no placement on this cluster, so no update can start (see `swarmproof check`)")?;
    Ok(crate::rollout::inputs_from_plan(
        &checked.loaded.stack,
        cluster,
        plan,
    ))
}

fn run_update(args: &UpdateArgs) -> ExitCode {
    use std::io::IsTerminal;
    let bounds = args.bounds.start();
    let (mut checked, inputs) = match checked(&args.input, &args.placement, None, bounds) {
        Ok(c) => c,
        Err(e) => return args.output.fail(e),
    };
    let inputs_or_err = rollout_inputs(&checked);
    let rollout_inputs = match inputs_or_err {
        Ok(i) => i,
        Err(e) => return args.output.fail(format!("error: {e}")),
    };
    let selected: Vec<_> = rollout_inputs
        .iter()
        .filter(|i| args.service.as_deref().is_none_or(|s| s == i.service.name))
        .collect();
    if selected.is_empty() {
        return args.output.fail(format!(
            "error: no service named {:?}",
            args.service.as_deref().unwrap_or("")
        ));
    }
    let terminal = std::io::stderr().is_terminal();
    let mut options = args.rollout.options();
    options.strict |= checked.loaded.stack.requirements.strict;
    let mut report = Report::default();
    let mut results = Vec::new();
    for input in selected {
        let name = input.service.name.clone();
        // Each service gets its own limits, cut to what is left of the run's.
        let options = crate::check::bounded_rollout(&options, &bounds);
        let (result, diags) =
            crate::rollout::check_update_with_progress(input, &options, &mut |p| {
                if terminal {
                    let _ = write!(
                        std::io::stderr(),
                        "\r{name}: {} states, depth {}, {:.1} s",
                        p.states,
                        p.depth,
                        p.elapsed_ms as f64 / 1000.0
                    );
                }
            });
        if terminal {
            let _ = write!(std::io::stderr(), "\r\x1b[K");
        }
        report.findings.extend(diags);
        results.push(result);
    }
    report
        .findings
        .extend(crate::rollout::stack_defaults(&results));
    report
        .verdicts
        .insert("rollout".to_string(), crate::rollout::verdict(&results));
    report.sort_findings(&inputs.sources);
    let human = {
        let mut out = String::new();
        for r in &results {
            out.push_str(&crate::rollout::render_result(r));
            out.push('\n');
            if args.mermaid {
                for c in r
                    .properties
                    .iter()
                    .filter_map(|p| p.counterexample.as_ref())
                {
                    out.push_str(&crate::rollout::render_mermaid(c));
                    out.push('\n');
                }
            }
        }
        out.push('\n');
        // The table above already shows every timeline.
        out.push_str(&output::human(&without_timelines(&report), &inputs.sources));
        out
    };
    let text = args.output.render(&Output {
        command: "update",
        report: &report,
        sources: &inputs.sources,
        human,
        payload: serde_json::to_value(&results).ok(),
        deny_warnings: false,
    });
    checked.report = report;
    let written = write_stdout(&text);
    if written != ExitCode::SUCCESS {
        return written;
    }
    ExitCode::from(exit_status(&checked.report, false))
}

/// The report without its findings' timelines, for a text that already shows them.
fn without_timelines(report: &Report) -> Report {
    let mut report = report.clone();
    for d in &mut report.findings {
        d.timeline = None;
    }
    report
}

/// The tool cannot run: `line` (which says `error…`) on stderr, exit status 2.
fn fail(line: impl std::fmt::Display) -> ExitCode {
    let _ = writeln!(std::io::stderr(), "{line}");
    ExitCode::from(2)
}

fn run_quorum(args: &QuorumArgs) -> ExitCode {
    let (sources, id) = match input::read_inventory(&args.nodes) {
        Ok(i) => i,
        Err(e) => return args.output.fail(format!("error: {}", e.0.message)),
    };
    let (cluster, mut diags) = crate::loading::inventory::load_inventory(&sources, id);
    let changes: Vec<crate::raft::WhatIf> = args
        .promote
        .iter()
        .map(|n| crate::raft::WhatIf::Promote(n.clone()))
        .chain(
            args.demote
                .iter()
                .map(|n| crate::raft::WhatIf::Demote(n.clone())),
        )
        .chain(
            args.remove
                .iter()
                .map(|n| crate::raft::WhatIf::Remove(n.clone())),
        )
        .collect();
    let (analysis, quorum_diags) = crate::raft::analyze(&cluster, &changes);
    diags.extend(quorum_diags);
    let mut report = Report {
        findings: diags,
        ..Report::default()
    };
    report
        .verdicts
        .insert("quorum".to_string(), crate::raft::quorum_verdict(&analysis));
    report.sort_findings(&sources);
    let text = args.output.render(&Output {
        command: "quorum",
        report: &report,
        sources: &sources,
        human: crate::raft::render_quorum(&analysis) + "\n" + &output::human(&report, &sources),
        payload: None,
        deny_warnings: false,
    });
    let written = write_stdout(&text);
    if written != ExitCode::SUCCESS {
        return written;
    }
    // An unsafe analysis is a violated verdict, so the common rule covers it.
    ExitCode::from(exit_status(&report, false))
}

fn run_raft(args: &RaftArgs) -> ExitCode {
    let model = match args.model.model() {
        Ok(m) => m,
        Err(e) => return args.output.fail(format!("error: {e}")),
    };
    // The breadth-first searches for a variant's counterexample count states, not time.
    if let Some(secs) = args.timeout {
        watchdog(secs);
    }
    let options = crate::raft::CheckOptions {
        threads: args.threads.max(1),
        timeout: args.timeout.map(std::time::Duration::from_secs),
        ..Default::default()
    };
    let (result, diags) = crate::raft::check(&model, &options);
    let verdict = result.verdict();
    let mut report = Report {
        findings: diags,
        ..Report::default()
    };
    report.verdicts.insert("raft".to_string(), verdict.clone());
    let human = {
        let mut out = crate::raft::render_check(&result);
        if args.mermaid {
            for trace in result
                .properties
                .iter()
                .filter_map(|p| p.counterexample.as_ref())
            {
                out.push_str(&crate::raft::render_mermaid(&result.model, trace));
                out.push('\n');
            }
        }
        // The table above already shows every counterexample.
        out + "\n"
            + &render::render_human(
                &without_timelines(&report),
                &crate::diagnostics::SourceMap::new(),
                false,
            )
    };
    let text = args.output.render(&Output {
        command: "raft",
        report: &report,
        sources: &crate::diagnostics::SourceMap::new(),
        human,
        payload: None,
        deny_warnings: false,
    });
    let written = write_stdout(&text);
    if written != ExitCode::SUCCESS {
        return written;
    }
    ExitCode::from(exit_status(&report, false))
}

fn run_explore(cmd: &ExploreCommand) -> ExitCode {
    match cmd {
        ExploreCommand::Raft { model, listen } => {
            let model = match model.model() {
                Ok(m) => m,
                Err(e) => return fail(format!("error: {e}")),
            };
            let _ = writeln!(
                std::io::stderr(),
                "Explorer for the Raft model: http://{listen}/ (Ctrl-C to stop)"
            );
            match crate::raft::serve_explorer(model, *listen) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(format!("error: {e}")),
            }
        }
        ExploreCommand::Update {
            service,
            input,
            placement,
            failures,
            listen,
        } => {
            let (checked, _) = match checked(input, placement, None, Default::default()) {
                Ok(c) => c,
                Err(e) => return fail(e),
            };
            let found = rollout_inputs(&checked).and_then(|inputs| {
                inputs
                    .into_iter()
                    .find(|i| &i.service.name == service)
                    .ok_or(format!("no service named {service:?}"))
            });
            let input = match found {
                Ok(i) => i,
                Err(e) => {
                    let _ = writeln!(std::io::stderr(), "error: {e}");
                    return ExitCode::from(2);
                }
            };
            let served = crate::rollout::serve_explorer(&input, *failures, listen, |addr| {
                let _ = writeln!(
                    std::io::stderr(),
                    "Explorer for the update of {service}: http://{addr}/ (Ctrl-C to stop)"
                );
            });
            match served {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    let _ = writeln!(std::io::stderr(), "error: {e}");
                    ExitCode::from(2)
                }
            }
        }
    }
}

fn run_graph(args: &GraphArgs) -> ExitCode {
    let (checked, _) = match checked(&args.input, &args.placement, None, args.bounds.start()) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let stack = &checked.loaded.stack;
    let deps = &checked.graph.dependencies;
    write_stdout(&match args.format {
        GraphFormat::Dot => crate::graph::render::dot(stack, deps),
        GraphFormat::Mermaid => crate::graph::render::mermaid(stack, deps),
    })
}

/// Reads a file a stack names (`env_file`), with Go's wording of a missing file.
fn read_named_file(path: &str) -> Result<String, String> {
    let bytes = input::read_bounded(std::path::Path::new(path)).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => format!("open {path}: no such file or directory"),
        _ => format!("open {path}: {e}"),
    })?;
    String::from_utf8(bytes).map_err(|_| format!("read {path}: it is not UTF-8 text"))
}

/// The stack as `docker stack config` prints it, with docker/cli's working directory: the
/// folder of the first file, made absolute without resolving links (`filepath.Abs`).
fn config_view(
    inputs: &Inputs,
) -> (
    Option<crate::loading::stack::view::Node>,
    Vec<crate::diagnostics::Diagnostic>,
) {
    use crate::loading::stack::view;
    let cwd = std::env::current_dir()
        .map(|d| d.display().to_string())
        .unwrap_or_else(|_| "/".into());
    let first = inputs
        .sources
        .get(inputs.stack_files[0])
        .map(|f| f.name.clone())
        .unwrap_or_default();
    let first = view::abs_path(&cwd, &first);
    let working_dir = match first.rsplit_once('/') {
        Some(("", _)) | None => "/".to_string(),
        Some((dir, _)) => dir.to_string(),
    };
    let ctx = view::ViewContext {
        env: &inputs.options.env,
        working_dir: &working_dir,
        read_file: &read_named_file,
    };
    crate::loading::stack::load_config_view(
        &inputs.sources,
        &inputs.stack_files,
        &inputs.options,
        &ctx,
    )
}

/// `config`: 0 and the config on stdout, or 1 and the errors docker would stop at on stderr.
fn run_config(args: &ConfigArgs) -> ExitCode {
    let mut input_args = args.input.to_args();
    input_args.skip_interpolation = args.skip_interpolation;
    let inputs = match read_inputs(&input_args) {
        Ok(i) => i,
        Err(e) => return fail(format!("error: [{}]: {}", e.0.code.id, e.0.message)),
    };
    let (config, mut diags) = config_view(&inputs);
    diags.splice(0..0, inputs.diagnostics.iter().cloned());
    if !diags.is_empty() {
        let report = Report {
            findings: diags,
            ..Report::default()
        }
        .bounded(MAX_FINDINGS);
        let text = render::render_human(&report, &inputs.sources, conventions::color_stderr());
        let _ = write!(std::io::stderr(), "{text}");
    }
    let Some(config) = config else {
        return ExitCode::from(1);
    };
    write_stdout(&match args.format {
        ConfigFormat::Yaml => config.to_yaml(),
        ConfigFormat::Json => {
            serde_json::to_string_pretty(&config.to_json()).unwrap_or_default() + "\n"
        }
    })
}

/// 1 when the run fails by [`Report::fails`], else 0.
pub fn exit_status(report: &Report, deny_warnings: bool) -> u8 {
    u8::from(report.fails(deny_warnings))
}

fn run_explain(code: Option<&str>) -> ExitCode {
    match code {
        None => write_stdout(&render::render_code_list()),
        Some(q) => match codes::find(q) {
            Some(c) => write_stdout(&render::render_explain(c)),
            None => {
                let _ = writeln!(
                    std::io::stderr(),
                    "error: no diagnostic code {q:?}; `swarmproof explain` lists them"
                );
                ExitCode::from(2)
            }
        },
    }
}
