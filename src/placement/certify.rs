//! The placement check's refutations as certificates in the user's terms, re-checked by
//! `audit::certificate` before a verdict rests on them. SMT cores and conflicts read off the
//! model have no certificate form.

use crate::audit::certificate::{self, Certificate};
use crate::audit::rules::Resource;
use crate::diagnostics::Diagnostic;
use crate::model::{Cluster, Stack};

use super::codes;
use super::decide::scenario_cluster;
use super::explain::{Conflict, Explainer};
use super::problem::{Dim, NodeSet, Problem};

fn resource(dim: &Dim) -> Resource {
    match dim {
        Dim::Cpu => Resource::Cpu,
        Dim::Memory => Resource::Memory,
        Dim::Generic(kind) => Resource::Generic(kind.clone()),
    }
}

/// A refutation's certificate, if it has that form.
pub fn certificate(
    c: &Conflict,
    p: &Problem,
    stack: &Stack,
    cluster: &Cluster,
) -> Option<Certificate> {
    let name = |d: &usize| stack.services[p.demands[*d].service].name.clone();
    let names = |ds: &[usize]| ds.iter().map(name).collect::<Vec<_>>();
    let hosts = |m: &NodeSet| {
        m.iter()
            .map(|n| cluster.nodes[n].hostname.clone())
            .collect()
    };
    Some(match c {
        Conflict::NoEligibleNode { demand } => Certificate::NoEligibleNode {
            service: name(demand),
        },
        Conflict::TaskTooLarge { demand } => Certificate::TaskTooLarge {
            service: name(demand),
        },
        Conflict::TooFewSlots { demand, slots } => Certificate::TooFewSlots {
            service: name(demand),
            replicas: p.demands[*demand].replicas,
            slots: *slots,
        },
        Conflict::Overload(o) => Certificate::Overload {
            services: names(&o.demands),
            nodes: hosts(&o.nodes),
            resource: resource(&p.dims[o.dim]),
            need: o.need,
            offer: o.offer,
        },
        Conflict::PortShortage(s) => Certificate::PortShortage {
            services: names(&s.demands),
            nodes: hosts(&s.nodes),
            protocol: s.port.0.as_str().to_string(),
            port: s.port.1,
            tasks: s.need,
            free: s.offer,
        },
        Conflict::BigTasks {
            nodes,
            demands,
            dim,
            tasks,
            hosts: able,
        } => Certificate::BigTasks {
            services: names(demands),
            nodes: hosts(nodes),
            resource: resource(&p.dims[*dim]),
            tasks: *tasks,
            hosts: *able,
        },
        Conflict::Static(_) | Conflict::Core(_) => return None,
    })
}

/// The refutations of one scenario explained, and certified where they have that form.
pub struct Certified {
    /// One finding per refutation, then one per certificate the checker refused.
    pub diagnostics: Vec<Diagnostic>,
    /// The certificates the independent checker confirmed.
    pub certificates: Vec<Certificate>,
    /// Whether infeasibility stands: some refutation was confirmed, or has no certificate form
    /// (an SMT core, a conflict read off the model).
    pub proven: bool,
}

/// Explains each refutation and re-checks its certificate on the scenario's cluster.
pub fn explain_and_certify(conflicts: &[Conflict], ex: &Explainer) -> Certified {
    let scenario = scenario_cluster(ex.cluster, ex.down);
    let mut out = Certified {
        diagnostics: Vec::new(),
        certificates: Vec::new(),
        proven: false,
    };
    let mut refused = Vec::new();
    for c in conflicts {
        let d = ex.diagnostic(c);
        match certificate(c, ex.problem, ex.stack, ex.cluster) {
            None => {
                out.proven = true;
                out.diagnostics.push(d);
            }
            Some(cert) => match certificate::check(ex.stack, &scenario, &cert) {
                Ok(()) => {
                    out.proven = true;
                    out.diagnostics.push(d.with_note(
                        "re-checked by an independent checker (the certificate is in the JSON report)",
                    ));
                    out.certificates.push(cert);
                }
                Err(why) => {
                    out.diagnostics.push(d);
                    refused.push(Diagnostic::error(
                        &codes::INTERNAL_UNCONFIRMED_REFUTATION,
                        format!("internal error: a refutation failed its independent check: {why}"),
                    ));
                }
            },
        }
    }
    out.diagnostics.extend(refused);
    out
}
