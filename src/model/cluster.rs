//! The cluster a stack is checked against: the nodes of the inventory as swarmkit sees them
//! (`api.Node`: spec availability and labels, observed status and role, the description the agent
//! reports: hostname, platform, resources, engine labels and plugins).

use std::collections::BTreeMap;

use crate::diagnostics::Span;

/// The observed role (`n.Role`), which `node.role` constraints compare against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    Manager,
    Worker,
}

impl Role {
    /// As `api.NodeRole.String()` prints it; constraints compare case-insensitively.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Manager => "manager",
            Role::Worker => "worker",
        }
    }
}

/// `NodeSpec.Availability`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Availability {
    Active,
    Pause,
    Drain,
}

/// `NodeStatus.State`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NodeState {
    Unknown,
    Down,
    Ready,
    Disconnected,
}

/// `ManagerStatus.Reachability`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Reachability {
    Unknown,
    Unreachable,
    Reachable,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ManagerStatus {
    pub leader: bool,
    pub reachability: Reachability,
    pub addr: Option<String>,
}

/// `Description.Platform`; empty strings when the inventory does not say.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Platform {
    pub os: String,
    pub arch: String,
}

/// A plugin the engine reports (`Description.Engine.Plugins`), e.g. kind `Volume`, name `rexray`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Plugin {
    pub kind: String,
    pub name: String,
}

/// A node's generic resource of one kind: a count (`Discrete`) or a set of named items.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GenericCapacity {
    Discrete(u64),
    Named(Vec<String>),
}

impl GenericCapacity {
    /// What `genericresource.HasEnough` compares a task's discrete request against.
    pub fn amount(&self) -> u64 {
        match self {
            GenericCapacity::Discrete(n) => *n,
            GenericCapacity::Named(items) => items.len() as u64,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    pub id: String,
    pub hostname: String,
    pub role: Role,
    pub availability: Availability,
    pub state: NodeState,
    /// Node labels (`docker node update --label-add`): `node.labels.*`.
    pub labels: BTreeMap<String, String>,
    /// Engine labels (daemon `--label`): `engine.labels.*`.
    pub engine_labels: BTreeMap<String, String>,
    /// `Description.Engine.EngineVersion`, e.g. `28.2.2` or `20.10.24+dfsg1`.
    pub engine_version: Option<String>,
    pub platform: Platform,
    pub nano_cpus: u64,
    pub memory_bytes: u64,
    pub generic: BTreeMap<String, GenericCapacity>,
    /// `None` when the inventory does not list plugins (then the plugin filter passes, as
    /// swarmkit's does for a node without an engine description).
    pub plugins: Option<Vec<Plugin>>,
    /// `Status.Addr`, compared by `node.ip` constraints.
    pub addr: Option<String>,
    pub manager: Option<ManagerStatus>,
    /// Where the node is described in the inventory.
    pub span: Option<Span>,
}

impl Node {
    /// A ready, active worker with no resources declared; callers fill in the rest.
    pub fn new(hostname: impl Into<String>) -> Self {
        let hostname = hostname.into();
        Node {
            id: hostname.clone(),
            hostname,
            role: Role::Worker,
            availability: Availability::Active,
            state: NodeState::Ready,
            labels: BTreeMap::new(),
            engine_labels: BTreeMap::new(),
            engine_version: None,
            platform: Platform::default(),
            nano_cpus: 0,
            memory_bytes: 0,
            generic: BTreeMap::new(),
            plugins: None,
            addr: None,
            manager: None,
            span: None,
        }
    }

    /// swarmkit's ReadyFilter: the node accepts new tasks.
    pub fn accepts_tasks(&self) -> bool {
        self.state == NodeState::Ready && self.availability == Availability::Active
    }

    /// The node's failure domain under `label` (e.g. `zone`), if it has one.
    pub fn domain(&self, label: &str) -> Option<&str> {
        self.labels.get(label).map(String::as_str)
    }
}

/// The inventory: every node swarmkit knows, including down and drained ones.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cluster {
    pub nodes: Vec<Node>,
    /// The node label that names a failure domain (default `zone`).
    pub domain_label: String,
}

impl Cluster {
    pub fn new(nodes: Vec<Node>) -> Self {
        Cluster {
            nodes,
            domain_label: "zone".to_string(),
        }
    }

    /// `count` alike workers `w1`…`wN`, each with `cpus` CPUs and `memory_bytes` (tests and
    /// benchmarks).
    pub fn workers(count: usize, cpus: u64, memory_bytes: u64) -> Self {
        Cluster::new(
            (1..=count)
                .map(|i| {
                    let mut n = Node::new(format!("w{i}"));
                    n.nano_cpus = cpus * super::units::NANO_CPUS_PER_CPU;
                    n.memory_bytes = memory_bytes;
                    n
                })
                .collect(),
        )
    }

    pub fn managers(&self) -> impl Iterator<Item = &Node> {
        self.nodes.iter().filter(|n| n.role == Role::Manager)
    }

    pub fn node(&self, hostname_or_id: &str) -> Option<&Node> {
        self.nodes
            .iter()
            .find(|n| n.hostname == hostname_or_id || n.id == hostname_or_id)
    }
}
