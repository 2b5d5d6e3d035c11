//! The node filters of swarmkit's scheduler pipeline (reference §1.2; swarmkit
//! `manager/scheduler/filter.go`, `pipeline.go`), as pure functions of a
//! service and a node. Stateful filters (resources, host ports, max replicas) take the node's
//! current usage. Order matters for Swarm's messages: a node is charged to the first it fails.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{constraint::node_matches, Node, Platform, Protocol, Service};

/// The filters in swarmkit's pipeline order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Filter {
    Ready,
    Resources,
    Plugin,
    Constraint,
    Platform,
    HostPort,
    MaxReplicas,
}

impl Filter {
    pub const ALL: [Filter; 7] = [
        Filter::Ready,
        Filter::Resources,
        Filter::Plugin,
        Filter::Constraint,
        Filter::Platform,
        Filter::HostPort,
        Filter::MaxReplicas,
    ];

    /// swarmkit's `Explain(n)` text for `n` failing nodes.
    pub fn explain(self, n: usize) -> String {
        let nodes = if n == 1 {
            "1 node".to_string()
        } else {
            format!("{n} nodes")
        };
        match self {
            Filter::Ready => format!("{nodes} not available for new tasks"),
            Filter::Resources => format!("insufficient resources on {nodes}"),
            Filter::Plugin => format!("missing plugin on {nodes}"),
            Filter::Constraint => format!("scheduling constraints not satisfied on {nodes}"),
            Filter::Platform => format!("unsupported platform on {nodes}"),
            Filter::HostPort => format!("host-mode port already in use on {nodes}"),
            Filter::MaxReplicas => "max replicas per node limit exceed".to_string(),
        }
    }
}

/// What is already on a node: reserved resources, bound host ports, tasks per service.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NodeUsage {
    pub nano_cpus: u64,
    pub memory_bytes: u64,
    pub generic: BTreeMap<String, u64>,
    pub host_ports: BTreeSet<(Protocol, u32)>,
    /// Tasks per service name.
    pub tasks: BTreeMap<String, u64>,
}

impl NodeUsage {
    /// Adds one task of `service`.
    pub fn add(&mut self, service: &Service) {
        let r = &service.resources.reservations;
        self.nano_cpus = self.nano_cpus.saturating_add(*r.nano_cpus);
        self.memory_bytes = self.memory_bytes.saturating_add(*r.memory_bytes);
        for g in &r.generic {
            let v = self.generic.entry(g.kind.clone()).or_default();
            *v = v.saturating_add(g.value);
        }
        self.host_ports.extend(service.host_ports());
        *self.tasks.entry(service.name.clone()).or_default() += 1;
    }

    pub fn total_tasks(&self) -> u64 {
        self.tasks.values().sum()
    }
}

/// ReadyFilter: status READY and availability ACTIVE.
pub fn ready(node: &Node) -> bool {
    node.accepts_tasks()
}

/// ResourceFilter: the service's reservation fits in what the node has left.
pub fn resources_fit(service: &Service, node: &Node, used: &NodeUsage) -> bool {
    let r = &service.resources.reservations;
    used.nano_cpus.saturating_add(*r.nano_cpus) <= node.nano_cpus
        && used.memory_bytes.saturating_add(*r.memory_bytes) <= node.memory_bytes
        && r.generic.iter().all(|g| {
            g.value == 0
                || node.generic.get(&g.kind).is_some_and(|cap| {
                    used.generic
                        .get(&g.kind)
                        .copied()
                        .unwrap_or(0)
                        .saturating_add(g.value)
                        <= cap.amount()
                })
        })
}

/// PluginFilter: volume drivers other than `local` (and the log driver, when the node reports
/// log plugins) must be installed. Nodes whose plugins are not listed pass, as in swarmkit.
pub fn plugins_present(service: &Service, volume_drivers: &[String], node: &Node) -> bool {
    let Some(plugins) = &node.plugins else {
        return true;
    };
    let has = |kind: &str, name: &str| {
        plugins.iter().any(|p| {
            p.kind.eq_ignore_ascii_case(kind)
                && (p.name == name || p.name == format!("{name}:latest"))
        })
    };
    let volumes_ok = volume_drivers
        .iter()
        .filter(|d| !d.is_empty() && d.as_str() != "local")
        .all(|d| has("Volume", d));
    let reports_log = plugins.iter().any(|p| p.kind.eq_ignore_ascii_case("Log"));
    let log_ok = match service.log_driver.as_deref() {
        Some(d) if reports_log && !d.is_empty() && d != "none" => has("Log", d),
        _ => true,
    };
    volumes_ok && log_ok
}

/// ConstraintFilter.
pub fn constraints_hold(service: &Service, node: &Node) -> bool {
    node_matches(service.constraints(), node)
}

/// PlatformFilter, with swarmkit's `x86_64→amd64` and `aarch64→arm64` normalisation.
pub fn platform_supported(service: &Service, node: &Node) -> bool {
    fn norm(arch: &str) -> &str {
        match arch {
            "x86_64" => "amd64",
            "aarch64" => "arm64",
            a => a,
        }
    }
    let platforms: &[Platform] = &service.placement.platforms;
    platforms.is_empty()
        || platforms.iter().any(|p| {
            (p.arch.is_empty() || norm(&p.arch) == norm(&node.platform.arch))
                && (p.os.is_empty() || p.os == node.platform.os)
        })
}

/// HostPortFilter.
pub fn host_ports_free(service: &Service, used: &NodeUsage) -> bool {
    service.host_ports().all(|p| !used.host_ports.contains(&p))
}

/// MaxReplicasFilter.
pub fn below_max_replicas(service: &Service, used: &NodeUsage) -> bool {
    let max = *service.placement.max_replicas_per_node;
    max == 0 || used.tasks.get(&service.name).copied().unwrap_or(0) < max
}

/// The first filter the node fails among those that depend on the service and the node alone
/// (plugin, constraint, platform, in pipeline order), or `None`.
pub fn static_failure(service: &Service, volume_drivers: &[String], node: &Node) -> Option<Filter> {
    [Filter::Plugin, Filter::Constraint, Filter::Platform]
        .into_iter()
        .find(|f| match f {
            Filter::Plugin => !plugins_present(service, volume_drivers, node),
            Filter::Constraint => !constraints_hold(service, node),
            _ => !platform_supported(service, node),
        })
}

/// The first filter the node fails for one more task of `service`, or `None` if it passes.
pub fn first_failure(
    service: &Service,
    volume_drivers: &[String],
    node: &Node,
    used: &NodeUsage,
) -> Option<Filter> {
    Filter::ALL.into_iter().find(|f| match f {
        Filter::Ready => !ready(node),
        Filter::Resources => !resources_fit(service, node, used),
        Filter::Plugin => !plugins_present(service, volume_drivers, node),
        Filter::Constraint => !constraints_hold(service, node),
        Filter::Platform => !platform_supported(service, node),
        Filter::HostPort => !host_ports_free(service, used),
        Filter::MaxReplicas => !below_max_replicas(service, used),
    })
}
