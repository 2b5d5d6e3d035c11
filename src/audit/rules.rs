//! The scheduler's rules, written again for the re-checks (see the module above): which nodes a
//! task may never use and why, which global tasks a node must run, and what that leaves free.
//! Each follows swarmkit as `swarm-semantics.md` states it (§1.2 filters, §1.8 the global
//! orchestrator, §2.3 constraints), in its own plainest form.

use std::collections::BTreeSet;
use std::net::IpAddr;

use crate::model::{Availability, Cluster, Mode, Node, NodeState, Protocol, Service, Stack};

/// A resource a task reserves: nano-CPUs, bytes of memory, or a generic resource (a count).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Resource {
    Cpu,
    Memory,
    Generic(String),
}

/// What one task of `s` reserves of `r`.
pub fn reserved(s: &Service, r: &Resource) -> u64 {
    let res = &s.resources.reservations;
    match r {
        Resource::Cpu => *res.nano_cpus,
        Resource::Memory => *res.memory_bytes,
        Resource::Generic(kind) => res
            .generic
            .iter()
            .filter(|g| &g.kind == kind)
            .map(|g| g.value)
            .fold(0, u64::saturating_add),
    }
}

/// What node `n` has of `r` in all.
pub fn capacity(n: &Node, r: &Resource) -> u64 {
    match r {
        Resource::Cpu => n.nano_cpus,
        Resource::Memory => n.memory_bytes,
        Resource::Generic(kind) => n.generic.get(kind).map_or(0, |g| g.amount()),
    }
}

/// Every resource `s` reserves a positive amount of.
pub fn resources_of(s: &Service) -> Vec<Resource> {
    let mut out = vec![Resource::Cpu, Resource::Memory];
    out.extend(
        s.resources
            .reservations
            .generic
            .iter()
            .map(|g| Resource::Generic(g.kind.clone())),
    );
    out.sort();
    out.dedup();
    out.retain(|r| reserved(s, r) > 0);
    out
}

/// Go's `strings.EqualFold`, as swarmkit compares constraint values.
fn same_text(a: &str, b: &str) -> bool {
    let fold = |s: &str| s.chars().flat_map(char::to_lowercase).collect::<String>();
    a.eq_ignore_ascii_case(b) || fold(a) == fold(b)
}

/// Whether `ip` lies in the network of `len` bits at `net`. An IPv4 network holds the IPv4
/// addresses and their IPv4-mapped IPv6 forms; an IPv6 network only IPv6 addresses.
fn in_network(net: IpAddr, len: u32, ip: IpAddr) -> bool {
    let (net, ip, width) = match (net, ip) {
        (IpAddr::V4(net), IpAddr::V4(ip)) => (u32::from(net).into(), u32::from(ip).into(), 32),
        (IpAddr::V4(net), IpAddr::V6(ip)) => match ip.to_ipv4_mapped() {
            Some(ip) => (u32::from(net).into(), u32::from(ip).into(), 32),
            None => return false,
        },
        (IpAddr::V6(net), IpAddr::V6(ip)) => (u128::from(net), u128::from(ip), 128),
        (IpAddr::V6(_), IpAddr::V4(_)) => return false,
    };
    // The two agree on their first `len` bits.
    (net ^ ip).checked_shr(width - len).unwrap_or(0) == 0
}

/// `node.ip` (reference §2.3): the value is an address, or a network `addr/len` the node's
/// address lies in; `None` for any other value, which matches no node whatever the operator.
fn node_ip_hit(value: &str, n: &Node) -> Option<bool> {
    let node = n.addr.as_deref().and_then(|a| a.parse::<IpAddr>().ok());
    if let Ok(want) = value.parse::<IpAddr>() {
        return Some(node == Some(want));
    }
    let (addr, len) = value.split_once('/')?;
    let net: IpAddr = addr.parse().ok()?;
    let len: u32 = len.parse().ok()?;
    if len > if net.is_ipv4() { 32 } else { 128 } {
        return None;
    }
    Some(node.is_some_and(|ip| in_network(net, len, ip)))
}

/// Whether one constraint holds on `n`.
fn constraint_holds(key: &str, equal: bool, value: &str, n: &Node) -> bool {
    let lower = key.to_ascii_lowercase();
    let label = |prefix: &str, map: &std::collections::BTreeMap<String, String>| {
        lower
            .starts_with(prefix)
            .then(|| map.get(&key[prefix.len()..]).cloned().unwrap_or_default())
    };
    let actual = match lower.as_str() {
        "node.id" => n.id.clone(),
        "node.hostname" => n.hostname.clone(),
        "node.role" => n.role.as_str().to_string(),
        "node.platform.os" => n.platform.os.clone(),
        "node.platform.arch" => n.platform.arch.clone(),
        "node.ip" => return node_ip_hit(value, n).is_some_and(|hit| hit == equal),
        _ => match label("node.labels.", &n.labels)
            .or_else(|| label("engine.labels.", &n.engine_labels))
        {
            Some(v) => v,
            // swarmkit's NodeMatches: a key it does not know matches no node.
            None => return false,
        },
    };
    same_text(&actual, value) == equal
}

/// Whether every constraint of `s` holds on `n` (a constraint that did not parse aside).
pub fn constraints_hold(s: &Service, n: &Node) -> bool {
    s.placement.constraints.iter().all(|c| {
        let c = &c.value;
        constraint_holds(&c.key_text, c.op.as_str() == "==", &c.value, n)
    })
}

fn platform_ok(s: &Service, n: &Node) -> bool {
    let arch = |a: &str| match a {
        "x86_64" => "amd64".to_string(),
        "aarch64" => "arm64".to_string(),
        other => other.to_string(),
    };
    s.placement.platforms.is_empty()
        || s.placement.platforms.iter().any(|p| {
            (p.os.is_empty() || p.os == n.platform.os)
                && (p.arch.is_empty() || arch(&p.arch) == arch(&n.platform.arch))
        })
}

fn plugins_ok(stack: &Stack, s: &Service, n: &Node) -> bool {
    let Some(installed) = &n.plugins else {
        return true;
    };
    let has = |kind: &str, name: &str| {
        installed.iter().any(|p| {
            p.kind.eq_ignore_ascii_case(kind)
                && (p.name == name || p.name.strip_suffix(":latest") == Some(name))
        })
    };
    let volumes = stack
        .volume_drivers(s)
        .into_iter()
        .filter(|d| !d.is_empty() && d != "local")
        .all(|d| has("Volume", &d));
    let logs_listed = installed.iter().any(|p| p.kind.eq_ignore_ascii_case("Log"));
    let log = match s.log_driver.as_deref() {
        Some(d) if logs_listed && !d.is_empty() && d != "none" => has("Log", d),
        _ => true,
    };
    volumes && log
}

/// Why no task of a service may run on a node, in the scheduler's filter order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Excluded {
    /// The node is not READY and ACTIVE.
    NotReadyAndActive,
    /// A constraint fails, or one did not parse.
    Constraints,
    Platform,
    Plugin,
}

/// Why no task of `s` may ever run on `n`, whatever else the plan does (`None`: it may).
pub fn excluded(stack: &Stack, s: &Service, n: &Node) -> Option<Excluded> {
    if !(n.state == NodeState::Ready && n.availability == Availability::Active) {
        Some(Excluded::NotReadyAndActive)
    } else if s.placement.constraint_errors || !constraints_hold(s, n) {
        Some(Excluded::Constraints)
    } else if !platform_ok(s, n) {
        Some(Excluded::Platform)
    } else if !plugins_ok(stack, s, n) {
        Some(Excluded::Plugin)
    } else {
        None
    }
}

/// Whether no task of `s` may ever run on `n`: the node is not ready and active, or a
/// constraint, the platform or a plugin rules it out.
pub fn never_runs_on(stack: &Stack, s: &Service, n: &Node) -> bool {
    excluded(stack, s, n).is_some()
}

/// Whether global service `s` runs a task on `n` (the orchestrator's node set: not down and
/// active, a global job's node also ready; every constraint holds).
pub fn global_runs_on(s: &Service, n: &Node) -> bool {
    let orchestrated = match s.mode.value {
        Mode::GlobalJob => n.state == NodeState::Ready && n.availability == Availability::Active,
        Mode::Global => n.state != NodeState::Down && n.availability == Availability::Active,
        Mode::Replicated { .. } | Mode::ReplicatedJob { .. } => false,
    };
    orchestrated && constraints_hold(s, n)
}

/// What the global tasks a node certainly runs leave of it.
pub struct NodeRoom {
    /// Free amount per resource asked about (capacity less the global tasks', at least 0).
    pub free: Vec<(Resource, u64)>,
    /// Host ports the global tasks bind.
    pub bound: BTreeSet<(Protocol, u32)>,
}

/// The room left on `n` by the global services that must run there.
pub fn room_on(stack: &Stack, n: &Node, resources: &[Resource]) -> NodeRoom {
    let globals: Vec<&Service> = stack
        .services
        .iter()
        .filter(|s| global_runs_on(s, n))
        .collect();
    let free = resources
        .iter()
        .map(|r| {
            let used = globals
                .iter()
                .map(|g| u128::from(reserved(g, r)))
                .sum::<u128>();
            let left = u128::from(capacity(n, r)).saturating_sub(used);
            (r.clone(), u64::try_from(left).unwrap_or(u64::MAX))
        })
        .collect();
    let bound = globals.iter().flat_map(|g| g.host_ports()).collect();
    NodeRoom { free, bound }
}

/// How many tasks of replicated service `s` node `n` can hold with nothing else of the
/// stack's replicated tasks on it (host ports: one; `max_replicas_per_node`; resources).
pub fn tasks_fitting_alone(stack: &Stack, s: &Service, n: &Node) -> u64 {
    if never_runs_on(stack, s, n) {
        return 0;
    }
    let resources = resources_of(s);
    let room = room_on(stack, n, &resources);
    let mut most = u64::MAX;
    let ports: Vec<(Protocol, u32)> = s.host_ports().collect();
    if !ports.is_empty() {
        most = u64::from(ports.iter().all(|p| !room.bound.contains(p)));
    }
    let max = *s.placement.max_replicas_per_node;
    if max > 0 {
        most = most.min(max);
    }
    for (r, free) in &room.free {
        most = most.min(free / reserved(s, r));
    }
    most
}

/// The replicated tasks `s` asks for (`None` for a global service).
pub fn replicas(s: &Service) -> Option<u64> {
    match s.mode.value {
        Mode::Replicated { replicas } => Some(replicas),
        Mode::ReplicatedJob { max_concurrent, .. } => Some(max_concurrent),
        Mode::Global | Mode::GlobalJob => None,
    }
}

/// Every node `s` might run on lies in `nodes`.
pub fn confined_to(stack: &Stack, cluster: &Cluster, s: &Service, nodes: &BTreeSet<usize>) -> bool {
    cluster
        .nodes
        .iter()
        .enumerate()
        .all(|(i, n)| nodes.contains(&i) || never_runs_on(stack, s, n))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Cluster, Platform};
    use crate::placement::tests::{constrain, global, host_port, node, stack, svc};

    fn labelled(key: &str, value: &str) -> Node {
        let mut n = node("w1", 1000, 1024);
        n.labels.insert(key.into(), value.into());
        n.addr = Some("10.0.0.7".into());
        n
    }

    fn runs(expr: &str, n: &Node) -> bool {
        let st = stack(vec![constrain(svc("a", 1, 0, 0), expr)]);
        !never_runs_on(&st, &st.services[0], n)
    }

    #[test]
    fn constraints_follow_swarmkit() {
        let n = labelled("zone", "East");
        // Values compare case-insensitively (EqualFold); label keys exactly.
        assert!(runs("node.labels.zone == east", &n));
        assert!(!runs("node.labels.zone != EAST", &n));
        assert!(!runs("node.labels.Zone == east", &n));
        // An absent label is the empty value: `!=` holds, `==` fails.
        assert!(runs("node.labels.disk != ssd", &n));
        assert!(!runs("node.labels.disk == ssd", &n));
        // Prefixes are case-insensitive; a key swarmkit does not know matches no node.
        assert!(runs("NODE.LABELS.zone == east", &n));
        assert!(!runs("node.label.zone == east", &n));
        assert!(runs("node.role == worker", &n) && !runs("node.role == manager", &n));
        assert!(runs("node.hostname == W1", &n));
        assert!(runs("node.ip == 10.0.0.7", &n) && !runs("node.ip != 10.0.0.7", &n));
        // A network holds the node's address or not; a value that is neither matches nothing.
        assert!(runs("node.ip == 10.0.0.0/8", &n) && !runs("node.ip != 10.0.0.0/8", &n));
        assert!(!runs("node.ip == 192.168.0.0/16", &n) && runs("node.ip != 192.168.0.0/16", &n));
        assert!(runs("node.ip == 0.0.0.0/0", &n) && runs("node.ip == 10.0.0.7/32", &n));
        assert!(!runs("node.ip == 10.0.0.0/33", &n) && !runs("node.ip != 10.0.0.0/33", &n));
        assert!(!runs("node.ip == bogus", &n) && !runs("node.ip != bogus", &n));
    }

    proptest::proptest! {
        // The restated matching agrees with the model's on keys, cases, labels and `node.ip`
        // addresses and networks of both families, valid or not.
        #[test]
        fn constraints_agree_with_the_model(
            key in proptest::sample::select(vec![
                "node.ip", "NODE.IP", "node.hostname", "node.role", "node.id",
                "node.labels.zone", "node.labels.Zone", "engine.labels.zone",
                "node.label.zone", "node.platform.arch",
            ]),
            equal: bool,
            value in proptest::sample::select(vec![
                "10.0.0.7", "10.0.0.0/8", "10.0.0.0/33", "0.0.0.0/0", "10.0.0.7/32",
                "::ffff:10.0.0.7", "::ffff:10.0.0.0/104", "fe80::/10", "::/0",
                "192.168.1.0/24", "east", "EAST", "w1", "worker", "x86_64", "bogus", "10.0.0.0/x",
            ]),
            addr in proptest::sample::select(vec![
                "", "10.0.0.7", "::ffff:10.0.0.7", "fe80::1", "192.168.1.9", "garbage",
            ]),
            zone in proptest::sample::select(vec!["", "East", "west"]),
        ) {
            let mut n = node("w1", 1000, 0);
            n.addr = (!addr.is_empty()).then(|| addr.to_string());
            if !zone.is_empty() {
                n.labels.insert("zone".into(), zone.into());
                n.engine_labels.insert("zone".into(), zone.into());
            }
            n.platform.arch = "x86_64".into();
            let op = if equal { "==" } else { "!=" };
            let s = constrain(svc("a", 1, 0, 0), &format!("{key} {op} {value}"));
            let model = s.placement.constraints[0].value.matches(&n);
            proptest::prop_assert_eq!(constraints_hold(&s, &n), model);
        }
    }

    #[test]
    fn nodes_not_ready_and_active_and_wrong_platforms_run_nothing() {
        let st = stack(vec![svc("a", 1, 0, 0)]);
        let a = &st.services[0];
        let mut n = node("w1", 1000, 0);
        assert!(!never_runs_on(&st, a, &n));
        n.availability = Availability::Drain;
        assert!(never_runs_on(&st, a, &n));
        let mut n = node("w1", 1000, 0);
        n.state = NodeState::Down;
        assert!(never_runs_on(&st, a, &n));

        let mut s = svc("a", 1, 0, 0);
        s.placement.platforms = vec![Platform {
            os: "linux".into(),
            arch: "amd64".into(),
        }];
        let st = stack(vec![s]);
        let mut n = node("w1", 1000, 0);
        n.platform = Platform {
            os: "linux".into(),
            arch: "x86_64".into(),
        };
        assert!(!never_runs_on(&st, &st.services[0], &n));
        n.platform.arch = "arm64".into();
        assert!(never_runs_on(&st, &st.services[0], &n));
    }

    #[test]
    fn global_tasks_take_their_room_first() {
        // agent: global, 0.3 CPU and port 9100 on every node; web: 0.3 CPU per task.
        let st = stack(vec![
            host_port(global(svc("agent", 0, 300, 0)), 9100),
            svc("web", 9, 300, 0),
            host_port(svc("edge", 3, 100, 0), 9100),
        ]);
        let mut cl = Cluster::new(vec![node("w1", 1000, 0), node("w2", 1000, 0)]);
        cl.nodes[1].availability = Availability::Pause;
        let room = room_on(&st, &cl.nodes[0], &[Resource::Cpu]);
        assert_eq!(room.free, vec![(Resource::Cpu, 700_000_000)]);
        assert!(room.bound.contains(&(Protocol::Tcp, 9100)));
        // A paused node runs no new global task, and no replicated one either.
        assert_eq!(
            room_on(&st, &cl.nodes[1], &[Resource::Cpu]).free[0].1,
            1_000_000_000
        );
        assert_eq!(tasks_fitting_alone(&st, &st.services[1], &cl.nodes[0]), 2);
        assert_eq!(tasks_fitting_alone(&st, &st.services[1], &cl.nodes[1]), 0);
        // The global task holds the port the edge service wants.
        assert_eq!(tasks_fitting_alone(&st, &st.services[2], &cl.nodes[0]), 0);
        let mut capped = svc("web", 9, 300, 0);
        capped.placement.max_replicas_per_node = crate::model::Spanned::default_value(1);
        let st = stack(vec![capped]);
        assert_eq!(tasks_fitting_alone(&st, &st.services[0], &cl.nodes[0]), 1);
        assert_eq!(replicas(&st.services[0]), Some(9));
    }
}
