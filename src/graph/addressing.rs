//! Overlay address space (reference §7): explicit subnets that overlap each other or the hosts'
//! networks, and networks whose subnet cannot hold the addresses their services need.

use std::net::Ipv4Addr;

use super::cidr::Cidr;
use super::codes;
use crate::diagnostics::{Diagnostic, Span};
use crate::model::{Cluster, EndpointMode, Mode, Network, Stack, UpdateOrder};
use crate::swarm::global::global_targets;
use crate::swarm::update_config;

/// Addresses of a subnet no task can take: network, broadcast and gateway.
const RESERVED: u128 = 3;
/// Swarm's default overlay subnet size (the default pool is carved into /24s).
const DEFAULT_SUBNET_BITS: u32 = 24;

struct Subnet<'a> {
    network: &'a Network,
    cidr: Cidr,
    span: Option<Span>,
}

fn subnets(stack: &Stack) -> Vec<Subnet<'_>> {
    stack
        .networks
        .iter()
        .flat_map(|n| {
            n.subnets.iter().filter_map(move |s| {
                Cidr::parse(s).map(|cidr| Subnet {
                    network: n,
                    cidr,
                    span: s.span,
                })
            })
        })
        .collect()
}

/// SP5011: overlaps between two networks' subnets, and with `x-swarmproof.host_networks`.
/// Unparseable subnets are the loader's finding and are skipped here.
pub fn subnet_overlaps(stack: &Stack) -> Vec<Diagnostic> {
    let nets = subnets(stack);
    let mut out = Vec::new();
    for (j, b) in nets.iter().enumerate() {
        for a in nets[..j]
            .iter()
            .filter(|a| a.network.name != b.network.name)
        {
            if a.cidr.overlaps(&b.cidr) {
                out.push(
                    Diagnostic::error(
                        &codes::SUBNET_OVERLAP,
                        format!(
                            "subnet {} of network `{}` overlaps subnet {} of network `{}`",
                            b.cidr, b.network.name, a.cidr, a.network.name
                        ),
                    )
                    .with_primary(b.span, "overlapping subnet")
                    .with_secondary(a.span, format!("`{}` uses this range", a.network.name))
                    .with_note("swarm's allocator fails with \"Pool overlaps with other one on this address space\"; the network stays unallocated and its tasks stay in state NEW")
                    .with_help("give each network a disjoint subnet"),
                );
            }
        }
        for host in &stack.requirements.host_networks {
            let Some(h) = Cidr::parse(host) else { continue };
            if h.overlaps(&b.cidr) {
                out.push(
                    Diagnostic::error(
                        &codes::SUBNET_OVERLAP,
                        format!(
                            "subnet {} of network `{}` overlaps the host network {h}",
                            b.cidr, b.network.name
                        ),
                    )
                    .with_primary(b.span, "overlapping subnet")
                    .with_secondary(host.span, "declared host network")
                    .with_note(
                        "containers on the overlay cannot reach hosts in the overlapping range",
                    )
                    .with_help("choose a subnet outside every host, VPC and VPN range"),
                );
            }
        }
    }
    out
}

/// SP5016: environment values that are a private IPv4 address (`172.18.0.1`, `10.0.0.5:80`).
pub fn hard_coded_addresses(stack: &Stack) -> Vec<Diagnostic> {
    let nets = subnets(stack);
    let mut out = Vec::new();
    for s in &stack.services {
        for (key, value, span) in &s.environment {
            let Some(value) = value else { continue };
            let text = value.trim();
            let ip = text.split_once(':').map_or(text, |(ip, _)| ip);
            let Ok(ip) = ip.parse::<Ipv4Addr>() else {
                continue;
            };
            if !ip.is_private() {
                continue;
            }
            let mut d = Diagnostic::info(
                &codes::HARD_CODED_ADDRESS,
                format!("`{}` hard-codes the address {ip} in {key}", s.name),
            )
            .at_service(&s.name, *span, "fixed address")
            .with_help("use a service name, or discover the address at start-up");
            let host = Cidr::parse(&format!("{ip}/32"));
            if let Some(n) = nets
                .iter()
                .find(|n| host.is_some_and(|h| h.overlaps(&n.cidr)))
            {
                d = d.with_note(format!(
                    "it lies in subnet {} of network `{}`, where Swarm assigns addresses itself",
                    n.cidr, n.network.name
                ));
            } else if Cidr::parse("172.18.0.0/16")
                .zip(host)
                .is_some_and(|(g, h)| g.overlaps(&h))
            {
                d = d.with_note("172.18.0.0/16 is docker_gwbridge's usual subnet; Docker picks another when it is taken on a host");
            }
            out.push(d);
        }
    }
    out
}

/// Addresses one service takes on one network.
struct Usage {
    /// Tasks, counted exactly (replicated) or from the inventory (global); `None`: a global
    /// service with no inventory.
    tasks: Option<u128>,
    vip: u128,
    /// Extra task addresses during a start-first update.
    surge: u128,
}

fn usage(stack: &Stack, cluster: Option<&Cluster>, i: usize) -> Usage {
    let s = &stack.services[i];
    let tasks = match s.mode.value {
        Mode::Global | Mode::GlobalJob => cluster.map(|c| global_targets(stack, c, i).len() as u64),
        _ => s.mode.replicated_tasks(),
    };
    let surge = match (*s.update_config.order, tasks) {
        (UpdateOrder::StartFirst, Some(t)) => update_config::at_once(&s.update_config, t),
        _ => 0,
    };
    Usage {
        tasks: tasks.map(u128::from),
        vip: u128::from(*s.endpoint_mode == EndpointMode::Vip),
        surge: u128::from(surge),
    }
}

/// Usable task addresses of a network: its IPv4 subnets, or Swarm's default /24. `None` when
/// only IPv6 subnets are given (no practical limit).
fn capacity(n: &Network) -> Option<(u128, String)> {
    let v4: Vec<Cidr> = n
        .subnets
        .iter()
        .filter_map(|s| Cidr::parse(s))
        .filter(Cidr::is_v4)
        .collect();
    if v4.is_empty() {
        if n.subnets.is_empty() {
            let size = 1u128 << (32 - DEFAULT_SUBNET_BITS);
            return Some((
                size - RESERVED,
                format!("Swarm's default /{DEFAULT_SUBNET_BITS}"),
            ));
        }
        return None;
    }
    let usable = v4
        .iter()
        .map(|c| c.size().saturating_sub(RESERVED))
        .fold(0u128, u128::saturating_add);
    let names: Vec<String> = v4.iter().map(ToString::to_string).collect();
    Some((usable, names.join(" + ")))
}

/// SP5014: a network the stack creates whose services need more addresses than it has (error:
/// the lower bound alone does not fit), or more than 80 % of them at the peak of a start-first
/// update with one load-balancer address per node (warning).
pub fn address_exhaustion(stack: &Stack, cluster: Option<&Cluster>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for n in stack.networks.iter().filter(|n| !n.external) {
        let Some((usable, subnet)) = capacity(n) else {
            continue;
        };
        let users: Vec<usize> = (0..stack.services.len())
            .filter(|&i| stack.services[i].networks.iter().any(|a| a.name == n.name))
            .collect();
        let usages: Vec<Usage> = users.iter().map(|&i| usage(stack, cluster, i)).collect();
        let tasks: u128 = usages.iter().filter_map(|u| u.tasks).sum();
        let vips: u128 = usages.iter().map(|u| u.vip).sum();
        let surge: u128 = usages.iter().map(|u| u.surge).sum();
        let unknown_globals = usages.iter().filter(|u| u.tasks.is_none()).count();
        let lb_min = u128::from(tasks > 0);
        // Without an inventory the number of nodes is unknown: count the one LB address known.
        let lb_max = cluster.map_or(lb_min, |c| {
            tasks
                .saturating_add(surge)
                .min(c.nodes.len() as u128)
                .max(lb_min)
        });
        let need = tasks.saturating_add(vips).saturating_add(lb_min);
        let peak = tasks
            .saturating_add(surge)
            .saturating_add(vips)
            .saturating_add(lb_max);
        let figures = format!(
            "{tasks} task addresses, {vips} virtual IPs and {lb_min} to {lb_max} load-balancer addresses (one per node with a task), plus {surge} during start-first updates"
        );
        let d = if need > usable {
            Diagnostic::error(
                &codes::ADDRESS_EXHAUSTION,
                format!(
                    "network `{}` needs at least {need} addresses but {subnet} has {usable} usable",
                    n.name
                ),
            )
            .with_note("tasks beyond the pool stay in state NEW; the manager logs \"could not find an available IP\"")
        } else if peak.saturating_mul(5) > usable.saturating_mul(4) {
            Diagnostic::warning(
                &codes::ADDRESS_EXHAUSTION,
                format!(
                    "network `{}` may use up to {peak} of the {usable} usable addresses of {subnet}",
                    n.name
                ),
            )
        } else {
            continue;
        };
        let mut d = d
            .with_primary(n.span, "network defined here")
            .with_note(figures)
            .with_help("give the network a larger subnet (ipam.config: [{subnet: 10.10.0.0/20}]), split the services over several networks, or use endpoint_mode dnsrr where no VIP is needed");
        if unknown_globals > 0 {
            d = d.with_note(format!(
                "{} not counted: pass the inventory to count their tasks",
                crate::text::count(unknown_globals, "global service")
            ));
        }
        out.push(d);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Severity;
    use crate::graph::fixtures::*;
    use crate::model::{Node, Spanned};

    fn replicas(mut s: crate::model::Service, n: u64) -> crate::model::Service {
        s.mode = Spanned::default_value(Mode::Replicated { replicas: n });
        s
    }

    #[test]
    fn overlapping_subnets_and_host_networks() {
        let mut st = stack(vec![on_networks(svc("a"), &["one", "two", "three"])]);
        st.networks[0].subnets = vec![spanned("10.0.0.0/16", 1)]; // one
        st.networks[2].subnets = vec![spanned("10.0.8.0/24", 2)]; // two
        st.networks[1].subnets = vec![spanned("192.168.1.0/24", 3)]; // three
        st.requirements.host_networks = vec![spanned("192.168.0.0/16", 4)];
        let names: Vec<&str> = st.networks.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(names, ["one", "three", "two"]);
        let found = subnet_overlaps(&st);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(
            found[0].message,
            "subnet 192.168.1.0/24 of network `three` overlaps the host network 192.168.0.0/16"
        );
        assert_eq!(
            found[1].message,
            "subnet 10.0.8.0/24 of network `two` overlaps subnet 10.0.0.0/16 of network `one`"
        );
        assert_eq!(found[1].primary_span(), Some(span(2)));
    }

    // INDEX #2 (swarmprom): DOCKER_GWBRIDGE_IP=172.18.0.1 assumes docker_gwbridge's subnet.
    #[test]
    fn private_addresses_in_environment() {
        let mut exporter = svc("dockerd-exporter");
        exporter.environment = vec![
            (
                "DOCKER_GWBRIDGE_IP".into(),
                Some("172.18.0.1".into()),
                Some(span(1)),
            ),
            ("PUBLIC".into(), Some("8.8.8.8".into()), None),
            ("LOOPBACK".into(), Some("127.0.0.1".into()), None),
            ("PATTERN".into(), Some("^10.0.*.*".into()), None),
            ("PEER".into(), Some("10.20.0.5:7000".into()), Some(span(2))),
        ];
        let mut st = stack(vec![exporter]);
        st.networks[0].subnets = vec![spanned("10.20.0.0/24", 3)];
        let found = hard_coded_addresses(&st);
        assert_eq!(found.len(), 2);
        assert_eq!(
            found[0].message,
            "`dockerd-exporter` hard-codes the address 172.18.0.1 in DOCKER_GWBRIDGE_IP"
        );
        assert!(found[0].notes[0].contains("docker_gwbridge"));
        assert!(found[1].notes[0].contains("network `default`"));
    }

    #[test]
    fn disjoint_subnets_are_fine() {
        let mut st = stack(vec![on_networks(svc("a"), &["one", "two"])]);
        st.networks[0].subnets = vec![spanned("10.1.0.0/24", 1)];
        st.networks[1].subnets = vec![spanned("10.2.0.0/24", 2)];
        st.requirements.host_networks = vec![spanned("172.16.0.0/12", 3)];
        assert!(subnet_overlaps(&st).is_empty());
    }

    // Reference §7 and painpoint 15: a /24 holds 253 task addresses; each VIP takes one more.
    #[test]
    fn default_slash_24_runs_out() {
        let fits = stack(vec![replicas(svc("web"), 150)]);
        assert!(address_exhaustion(&fits, None).is_empty());

        let full = stack(vec![replicas(svc("web"), 200), replicas(svc("api"), 51)]);
        let found = address_exhaustion(&full, None);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Error);
        assert_eq!(
            found[0].message,
            "network `default` needs at least 254 addresses but Swarm's default /24 has 253 usable"
        );
    }

    #[test]
    fn near_capacity_warns_and_larger_subnets_fit() {
        let mut st = stack(vec![replicas(svc("web"), 210)]);
        let found = address_exhaustion(&st, None);
        assert_eq!(found[0].severity, Severity::Warning);
        st.networks[0].subnets = vec![spanned("10.10.0.0/20", 1)];
        assert!(address_exhaustion(&st, None).is_empty());
    }

    #[test]
    fn global_services_count_inventory_nodes() {
        let mut agent = svc("agent");
        agent.mode = Spanned::default_value(Mode::Global);
        let st = stack(vec![agent, replicas(svc("web"), 200)]);
        let nodes: Vec<Node> = (0..60).map(|i| Node::new(format!("n{i}"))).collect();
        let cluster = Cluster::new(nodes);
        assert!(address_exhaustion(&st, None)
            .iter()
            .all(|d| d.severity == Severity::Warning));
        let found = address_exhaustion(&st, Some(&cluster));
        assert_eq!(found[0].severity, Severity::Error);
    }
}
