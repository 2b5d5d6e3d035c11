//! The command line's arguments (clap) and their translation into the library's options.
//! Parsing only: the commands that use them are in `cmd/`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use super::input::InputArgs;
use super::output::OutputFlags;
use super::{conventions, lab, suppressions};

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
    Diff(DiffArgs),
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
    #[arg(long, value_name = "FILE")]
    pub nodes: Option<PathBuf>,
    #[arg(long, conflicts_with = "nodes", help = DOCKER_HELP)]
    pub docker: bool,
    /// KEY=VALUE lines for variable interpolation (docker stack deploy reads no .env by itself).
    #[arg(long, value_name = "FILE")]
    pub env_file: Option<PathBuf>,
    /// The stack name (for `<stack>_default` and network names); default: the folder's name.
    #[arg(long, value_name = "NAME")]
    pub stack_name: Option<String>,
}

/// `--docker`'s help, the same for every command that takes an inventory.
const DOCKER_HELP: &str = "Read the inventory from the running swarm instead of a file: the Docker Engine of DOCKER_HOST (with DOCKER_TLS_VERIFY, DOCKER_CERT_PATH), else of DOCKER_CONTEXT or the current context, else /var/run/docker.sock, which must be a swarm manager. Only GET requests; 5 s to connect, 30 s per read.";

impl InputFlags {
    pub fn to_args(&self) -> InputArgs {
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
    pub fn options(&self) -> crate::check::CheckOptions {
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
    /// Starts the clock: the deadline of the searches, and the watchdog 10 % past `--timeout`.
    /// The searches stop 5 % before it, so that what follows them (replaying and shrinking
    /// counterexamples, rendering) ends by `--timeout` even on a loaded machine.
    pub fn start(&self) -> crate::check::RunBounds {
        crate::check::RunBounds {
            deadline: self
                .timeout
                .map_or(crate::deadline::Deadline::NEVER, |secs| {
                    super::watchdog(secs);
                    crate::deadline::Deadline::after_ms(secs.saturating_mul(950))
                }),
            max_memory_bytes: self
                .max_memory
                .map(|b| usize::try_from(b).unwrap_or(usize::MAX)),
        }
    }
}

/// What every command that checks a stack reads: the stack and its inventory, the placement
/// settings and the run's bounds.
#[derive(Args, Debug, Clone)]
pub struct StackFlags {
    #[command(flatten)]
    pub input: InputFlags,
    #[command(flatten)]
    pub placement: PlacementFlags,
    #[command(flatten)]
    pub bounds: BoundFlags,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    pub stack: StackFlags,
    #[command(flatten)]
    pub output: OutputFlags,
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
    pub stack: StackFlags,
    #[command(flatten)]
    pub output: OutputFlags,
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
    pub stack: StackFlags,
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

impl SimulateArgs {
    /// The one order `--seed` picks, with the strategy asked for.
    pub fn sim_options(&self) -> crate::scheduler::SimOptions {
        use crate::scheduler::Strategy;
        crate::scheduler::SimOptions {
            strategy: match self.strategy {
                StrategyArg::Spread => Strategy::Spread,
                StrategyArg::Binpack => Strategy::BinPack,
                StrategyArg::Random => Strategy::Random,
            },
            order: crate::scheduler::Order::Seed(self.seed),
            service_order: None,
        }
    }

    /// The loss after convergence, if one is asked for.
    pub fn disruption(&self) -> Option<crate::scheduler::Disruption> {
        use crate::scheduler::Disruption;
        match (&self.fail, &self.drain, &self.fail_zone) {
            (Some(n), _, _) => Some(Disruption::Fail(n.clone())),
            (_, Some(n), _) => Some(Disruption::Drain(n.clone())),
            (_, _, Some(z)) => Some(Disruption::FailZone(z.clone())),
            _ => None,
        }
    }
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
    pub fn options(&self) -> crate::rollout::Options {
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
    pub stack: StackFlags,
    #[command(flatten)]
    pub rollout: RolloutFlags,
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
pub struct DiffArgs {
    /// The stack as deployed now: a stack file, or a folder holding stack.yml.
    pub old: PathBuf,
    /// The stack to deploy: a stack file, or a folder holding stack.yml (and nodes.yml).
    pub new: PathBuf,
    /// The node inventory: swarmproof's YAML/JSON, or the JSON of `docker node inspect`.
    #[arg(long, value_name = "FILE")]
    pub nodes: Option<PathBuf>,
    /// KEY=VALUE lines for variable interpolation of both stacks.
    #[arg(long, value_name = "FILE")]
    pub env_file: Option<PathBuf>,
    /// The stack name (`docker stack deploy … NAME`); default: NEW's folder or file name.
    #[arg(long, value_name = "NAME")]
    pub stack_name: Option<String>,
    /// The deploy will run with `--prune`: services no longer in NEW are removed.
    #[arg(long)]
    pub prune: bool,
    /// The deployed state: JSON `{"services": [...], "tasks": [...], "nodes": [...]}` as the
    /// Engine API returns them (GET /services, /tasks, /nodes); updates then start from it.
    #[arg(long, value_name = "FILE")]
    pub deployed: Option<PathBuf>,
    /// Read the deployed state (the services and tasks of the stack's namespace, and the nodes,
    /// which are the inventory unless `--nodes` or NEW's nodes.yml is given) from the running
    /// swarm, as `--deployed` reads them from a file: the Docker Engine of DOCKER_HOST (with
    /// DOCKER_TLS_VERIFY, DOCKER_CERT_PATH), else of DOCKER_CONTEXT or the current context, else
    /// /var/run/docker.sock, which must be a swarm manager. Only GET requests.
    #[arg(long, conflicts_with = "deployed")]
    pub docker: bool,
    #[command(flatten)]
    pub rollout: RolloutFlags,
    #[command(flatten)]
    pub bounds: BoundFlags,
    #[command(flatten)]
    pub output: OutputFlags,
}

#[derive(Args, Debug)]
pub struct QuorumArgs {
    /// The node inventory (swarmproof's format or `docker node inspect` JSON), or a folder with nodes.yml.
    #[arg(required_unless_present = "docker")]
    pub nodes: Option<PathBuf>,
    #[arg(long, conflicts_with = "nodes", help = DOCKER_HELP)]
    pub docker: bool,
    /// What if NODE were promoted to manager (repeatable; applied in order).
    #[arg(long, value_name = "NODE")]
    pub promote: Vec<String>,
    /// What if manager NODE were demoted.
    #[arg(long, value_name = "NODE")]
    pub demote: Vec<String>,
    /// What if NODE were removed from the swarm.
    #[arg(long, value_name = "NODE")]
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
    pub fn model(&self) -> Result<crate::raft::RaftModel, String> {
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
    #[command(flatten)]
    pub bounds: BoundFlags,
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
        #[arg(long, default_value = crate::cli::explorer::DEFAULT_LISTEN, value_parser = crate::modelcheck::explorer::loopback)]
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
        /// Address to serve on (loopback only).
        #[arg(long, default_value = crate::cli::explorer::DEFAULT_LISTEN, value_parser = crate::modelcheck::explorer::loopback)]
        listen: std::net::SocketAddr,
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
    pub stack: StackFlags,
    #[arg(long, value_enum, default_value = "dot")]
    pub format: GraphFormat,
}
