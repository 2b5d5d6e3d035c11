//! A service of the stack (S), its resources (R), attachments (N) and timing (T), with every
//! Swarm default applied as `docker stack deploy` → moby → swarmkit apply them (reference §3.1,
//! §6.2). `Service::new` is a service with no deploy block.

use super::{Constraint, Duration, Spanned};
use crate::diagnostics::Span;

/// `deploy.mode` with its task counts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mode {
    Replicated {
        replicas: u64,
    },
    Global,
    /// compose sets both counts from `replicas` (MaxConcurrent = TotalCompletions = replicas).
    ReplicatedJob {
        max_concurrent: u64,
        total_completions: u64,
    },
    GlobalJob,
}

impl Mode {
    pub fn is_global(&self) -> bool {
        matches!(self, Mode::Global | Mode::GlobalJob)
    }

    pub fn is_job(&self) -> bool {
        matches!(self, Mode::ReplicatedJob { .. } | Mode::GlobalJob)
    }

    /// Tasks placed at once for replicated modes (replicas, or the job's concurrency).
    pub fn replicated_tasks(&self) -> Option<u64> {
        match self {
            Mode::Replicated { replicas } => Some(*replicas),
            Mode::ReplicatedJob { max_concurrent, .. } => Some(*max_concurrent),
            Mode::Global | Mode::GlobalJob => None,
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            Mode::Replicated { .. } => "replicated",
            Mode::Global => "global",
            Mode::ReplicatedJob { .. } => "replicated-job",
            Mode::GlobalJob => "global-job",
        }
    }
}

/// A discrete generic resource request (`discrete_resource_spec`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GenericResource {
    pub kind: String,
    pub value: u64,
    pub span: Option<Span>,
}

/// CPU, memory and generic resources; CPUs in nano-CPUs, memory in bytes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResourceSet {
    pub nano_cpus: Spanned<u64>,
    pub memory_bytes: Spanned<u64>,
    pub generic: Vec<GenericResource>,
}

impl ResourceSet {
    pub fn is_zero(&self) -> bool {
        *self.nano_cpus == 0 && *self.memory_bytes == 0 && self.generic.iter().all(|g| g.value == 0)
    }
}

/// Reservations drive scheduling; limits never do (reference §1.2).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Resources {
    pub reservations: ResourceSet,
    pub limits: ResourceSet,
    pub pids_limit: Option<Spanned<i64>>,
    /// The `deploy.resources` block, for findings about resources as a whole.
    pub span: Option<Span>,
}

/// `deploy.placement`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Placement {
    /// Parsed constraints. Expressions that do not parse are reported at load time and left out
    /// here; `constraint_errors` says whether any were (the service is then not deployable).
    pub constraints: Vec<Spanned<Constraint>>,
    pub constraint_errors: bool,
    /// Spread descriptors, as written (`node.labels.zone`).
    pub preferences: Vec<Spanned<String>>,
    /// 0 = unlimited.
    pub max_replicas_per_node: Spanned<u64>,
    /// `Placement.Platforms` from image resolution; empty unless the stack says (`x-swarmproof`).
    pub platforms: Vec<super::Platform>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Protocol {
    Tcp,
    Udp,
    Sctp,
}

impl Protocol {
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
            Protocol::Sctp => "sctp",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PublishMode {
    Ingress,
    Host,
}

/// One published or exposed port (short syntax ranges are expanded, one `Port` per number).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Port {
    pub target: u32,
    /// `None` or 0: not published / dynamically assigned.
    pub published: Option<u32>,
    pub protocol: Protocol,
    pub mode: PublishMode,
    pub span: Option<Span>,
}

impl Port {
    /// A host-mode port with a fixed published number: one task per node (HostPortFilter).
    pub fn host_binding(&self) -> Option<(Protocol, u32)> {
        match (self.mode, self.published) {
            (PublishMode::Host, Some(p)) if p != 0 => Some((self.protocol, p)),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EndpointMode {
    Vip,
    Dnsrr,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetworkAttachment {
    /// The network's key in the stack file (`default` for the implicit `<stack>_default`).
    pub name: String,
    pub aliases: Vec<String>,
    pub span: Option<Span>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MountKind {
    Volume,
    Bind,
    Tmpfs,
    Npipe,
    Cluster,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mount {
    pub kind: MountKind,
    /// Volume name (a key of the top-level `volumes`), host path, or `None` (anonymous/tmpfs).
    pub source: Option<String>,
    pub target: String,
    pub read_only: bool,
    pub span: Option<Span>,
}

/// A `depends_on` edge, as written. Swarm ignores it; the graph check reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dependency {
    pub service: String,
    /// Long syntax only (`service_healthy`, …); the 3.x schema allows the list form only.
    pub condition: Option<String>,
    pub span: Option<Span>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailureAction {
    Pause,
    Continue,
    Rollback,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UpdateOrder {
    StopFirst,
    StartFirst,
}

/// `update_config` / `rollback_config` after defaults (reference §3.1, §6.2): parallelism 1
/// (0 = all dirty slots at once), delay 0, failure action pause, monitor 5 s (0 becomes 5 s),
/// max failure ratio 0, stop-first.
#[derive(Clone, Debug, PartialEq)]
pub struct UpdateConfig {
    pub parallelism: Spanned<u64>,
    pub delay: Spanned<Duration>,
    pub failure_action: Spanned<FailureAction>,
    pub monitor: Spanned<Duration>,
    /// As Docker stores it: a float32.
    pub max_failure_ratio: Spanned<f32>,
    pub order: Spanned<UpdateOrder>,
    /// The block's key (`update_config:`), when written: findings about a setting left at its
    /// default point here, not at the first setting written in the block.
    pub span: Option<Span>,
}

impl Default for UpdateConfig {
    fn default() -> Self {
        UpdateConfig {
            parallelism: Spanned::default_value(1),
            delay: Spanned::default_value(Duration::ZERO),
            failure_action: Spanned::default_value(FailureAction::Pause),
            monitor: Spanned::default_value(DEFAULT_MONITOR),
            max_failure_ratio: Spanned::default_value(0.0),
            order: Spanned::default_value(UpdateOrder::StopFirst),
            span: None,
        }
    }
}

/// The updater's monitor period when none (or 0) is configured.
pub const DEFAULT_MONITOR: Duration = Duration::from_secs(5);
/// The restart delay when none is configured.
pub const DEFAULT_RESTART_DELAY: Duration = Duration::from_secs(5);
/// `ContainerSpec.StopGracePeriod` default.
pub const DEFAULT_STOP_GRACE_PERIOD: Duration = Duration::from_secs(10);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RestartCondition {
    None,
    OnFailure,
    Any,
}

/// `restart_policy` after defaults: condition any, delay 5 s, unlimited attempts, no window.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RestartPolicy {
    pub condition: Spanned<RestartCondition>,
    pub delay: Spanned<Duration>,
    /// 0 = unlimited.
    pub max_attempts: Spanned<u64>,
    pub window: Option<Spanned<Duration>>,
    pub span: Option<Span>,
}

impl Default for RestartPolicy {
    fn default() -> Self {
        RestartPolicy {
            condition: Spanned::default_value(RestartCondition::Any),
            delay: Spanned::default_value(DEFAULT_RESTART_DELAY),
            max_attempts: Spanned::default_value(0),
            window: None,
            span: None,
        }
    }
}

/// The container healthcheck (Docker's defaults: interval 30 s, timeout 30 s, retries 3,
/// start period 0 — applied by the engine when a value is 0/absent).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Healthcheck {
    pub disabled: bool,
    pub test: Vec<String>,
    pub interval: Spanned<Duration>,
    pub timeout: Spanned<Duration>,
    pub retries: Spanned<u64>,
    pub start_period: Spanned<Duration>,
    pub span: Option<Span>,
}

pub const DEFAULT_HEALTH_INTERVAL: Duration = Duration::from_secs(30);
pub const DEFAULT_HEALTH_TIMEOUT: Duration = Duration::from_secs(30);
pub const DEFAULT_HEALTH_RETRIES: u64 = 3;

/// `x-swarmproof` on a service: requirements the user states for later checks.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServiceRequirements {
    pub min_available: Option<Spanned<u64>>,
    pub max_update_duration: Option<Spanned<Duration>>,
    /// Codes whose findings about this service are suppressed (`ignore: [SP3002]`).
    pub ignore: Vec<Spanned<String>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Service {
    pub name: String,
    /// The service's key in the stack file.
    pub span: Option<Span>,
    pub image: Option<Spanned<String>>,
    pub mode: Spanned<Mode>,
    pub placement: Placement,
    pub resources: Resources,
    pub ports: Vec<Port>,
    pub endpoint_mode: Spanned<EndpointMode>,
    pub networks: Vec<NetworkAttachment>,
    pub mounts: Vec<Mount>,
    pub secrets: Vec<Spanned<String>>,
    pub configs: Vec<Spanned<String>>,
    pub depends_on: Vec<Dependency>,
    /// The `depends_on` key, when written.
    pub depends_on_span: Option<Span>,
    /// `environment` entries (`KEY`, value if any), for dependency inference.
    pub environment: Vec<(String, Option<String>, Option<Span>)>,
    /// `command` and `entrypoint` words, for dependency inference.
    pub command: Vec<Spanned<String>>,
    pub update_config: UpdateConfig,
    pub rollback_config: UpdateConfig,
    pub restart_policy: RestartPolicy,
    pub healthcheck: Option<Healthcheck>,
    pub stop_grace_period: Spanned<Duration>,
    pub log_driver: Option<String>,
    pub requirements: ServiceRequirements,
}

impl Service {
    /// A service with no deploy block: replicated, 1 replica, every default applied, attached
    /// to the stack's default network.
    pub fn new(name: impl Into<String>) -> Self {
        Service {
            name: name.into(),
            span: None,
            image: None,
            mode: Spanned::default_value(Mode::Replicated { replicas: 1 }),
            placement: Placement::default(),
            resources: Resources::default(),
            ports: Vec::new(),
            endpoint_mode: Spanned::default_value(EndpointMode::Vip),
            networks: vec![NetworkAttachment {
                name: "default".to_string(),
                aliases: Vec::new(),
                span: None,
            }],
            mounts: Vec::new(),
            secrets: Vec::new(),
            configs: Vec::new(),
            depends_on: Vec::new(),
            depends_on_span: None,
            environment: Vec::new(),
            command: Vec::new(),
            update_config: UpdateConfig::default(),
            rollback_config: UpdateConfig::default(),
            restart_policy: RestartPolicy::default(),
            healthcheck: None,
            stop_grace_period: Spanned::default_value(DEFAULT_STOP_GRACE_PERIOD),
            log_driver: None,
            requirements: ServiceRequirements::default(),
        }
    }

    /// Host-mode (protocol, published port) pairs a task of this service binds on its node.
    pub fn host_ports(&self) -> impl Iterator<Item = (Protocol, u32)> + '_ {
        self.ports.iter().filter_map(Port::host_binding)
    }

    pub fn constraints(&self) -> impl Iterator<Item = &Constraint> {
        self.placement.constraints.iter().map(|c| &c.value)
    }
}
