//! Published ports the control API rejects across services (reference §5, `checkPortConflicts`
//! and `validateEndpointSpec`): an ingress port already published by another service in either
//! mode, and an ingress port on a service in dnsrr mode. Host/host collisions across services are
//! the scheduler's (HostPortFilter) and belong to placement.

use std::collections::{BTreeMap, BTreeSet};

use super::codes;
use crate::diagnostics::Diagnostic;
use crate::model::{EndpointMode, Port, Protocol, PublishMode, Stack};

fn fixed(p: &Port) -> Option<u32> {
    p.published.filter(|&n| n != 0)
}

/// SP5012: pairs of services publishing one (port, protocol) where one of them uses ingress.
/// Each pair is reported once, at the later service.
pub fn ingress_conflicts(stack: &Stack) -> Vec<Diagnostic> {
    let mut by_port: BTreeMap<(Protocol, u32), Vec<(usize, &Port)>> = BTreeMap::new();
    for (i, s) in stack.services.iter().enumerate() {
        for p in &s.ports {
            if let Some(n) = fixed(p) {
                by_port.entry((p.protocol, n)).or_default().push((i, p));
            }
        }
    }
    let mut out = Vec::new();
    for (j, later) in stack.services.iter().enumerate() {
        for q in &later.ports {
            let Some(n) = fixed(q) else { continue };
            let mut reported = BTreeSet::new();
            for &(i, p) in by_port.get(&(q.protocol, n)).into_iter().flatten() {
                let clash =
                    i < j && (p.mode == PublishMode::Ingress || q.mode == PublishMode::Ingress);
                if !clash || !reported.insert(i) {
                    continue;
                }
                let earlier = &stack.services[i];
                out.push(
                    Diagnostic::error(
                        &codes::INGRESS_PORT_CONFLICT,
                        format!(
                            "port {n}/{} is published by `{}` and `{}`, and the routing mesh reserves it on every node",
                            q.protocol.as_str(),
                            earlier.name,
                            later.name
                        ),
                    )
                    .at_service(&later.name, q.span, format!("published by `{}` ({})", later.name, mode(q)))
                    .with_secondary(p.span, format!("already published by `{}` ({})", earlier.name, mode(p)))
                    .with_note("swarmkit's control API (checkPortConflicts) rejects whichever of the two is created second")
                    .with_help("publish a different port, or route both through one reverse proxy"),
                );
            }
        }
    }
    out
}

fn mode(p: &Port) -> &'static str {
    match p.mode {
        PublishMode::Ingress => "ingress",
        PublishMode::Host => "host",
    }
}

/// SP5013: dnsrr with any ingress-mode port, rejected by swarmkit with its exact text.
pub fn dnsrr_with_ingress(stack: &Stack) -> Vec<Diagnostic> {
    stack
        .services
        .iter()
        .filter(|s| *s.endpoint_mode == EndpointMode::Dnsrr)
        .filter_map(|s| {
            let ingress: Vec<&Port> = s
                .ports
                .iter()
                .filter(|p| p.mode == PublishMode::Ingress)
                .collect();
            let first = ingress.first()?;
            let mut d = Diagnostic::error(
                &codes::DNSRR_WITH_INGRESS,
                "EndpointSpec: port published with ingress mode can't be used with dnsrr mode",
            )
            .at_service(&s.name, first.span, "published in ingress mode")
            .with_secondary(s.endpoint_mode.span, "endpoint_mode dnsrr");
            for p in &ingress[1..] {
                d = d.with_secondary(p.span, "also ingress mode");
            }
            Some(
                d.with_note("the short port syntax (\"80:80\") always publishes in ingress mode")
                    .with_help("publish with the long syntax and `mode: host`, or use `endpoint_mode: vip`"),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::fixtures::*;
    use crate::model::Spanned;

    // Reference §5: ingress conflicts with ingress or host; host/host is the scheduler's.
    #[test]
    fn ingress_port_conflicts_across_services() {
        let mut a = svc("a");
        a.ports = vec![port(80, 80, PublishMode::Ingress, 1)];
        let mut b = svc("b");
        b.ports = vec![port(80, 8080, PublishMode::Host, 2)];
        let mut c = svc("c");
        c.ports = vec![port(443, 443, PublishMode::Host, 3)];
        let mut d = svc("d");
        d.ports = vec![port(443, 443, PublishMode::Host, 4)];
        let mut e = svc("e");
        let mut udp = port(80, 80, PublishMode::Ingress, 5);
        udp.protocol = Protocol::Udp;
        e.ports = vec![udp];
        let found = ingress_conflicts(&stack(vec![a, b, c, d, e]));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].service.as_deref(), Some("b"));
        assert_eq!(found[0].primary_span(), Some(span(2)));
    }

    #[test]
    fn dynamic_ports_never_conflict() {
        let mut a = svc("a");
        a.ports = vec![port(0, 80, PublishMode::Ingress, 1)];
        let mut b = svc("b");
        b.ports = vec![port(0, 80, PublishMode::Ingress, 2)];
        assert!(ingress_conflicts(&stack(vec![a, b])).is_empty());
    }

    // Reference §5: dnsrr + ingress is rejected; dnsrr + host (Mailu) is legal.
    #[test]
    fn dnsrr_rejects_ingress_but_not_host_ports() {
        let mut bad = svc("bad");
        bad.endpoint_mode = spanned(EndpointMode::Dnsrr, 9);
        bad.ports = vec![port(80, 80, PublishMode::Ingress, 1)];
        let mut ok = svc("ok");
        ok.endpoint_mode = Spanned::default_value(EndpointMode::Dnsrr);
        ok.ports = vec![port(25, 25, PublishMode::Host, 2)];
        let mut vip = svc("vip");
        vip.ports = vec![port(81, 81, PublishMode::Ingress, 3)];
        let found = dnsrr_with_ingress(&stack(vec![bad, ok, vip]));
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].message,
            "EndpointSpec: port published with ingress mode can't be used with dnsrr mode"
        );
        assert_eq!(found[0].labels.len(), 2);
    }
}
