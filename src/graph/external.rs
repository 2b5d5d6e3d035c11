//! External objects as preconditions of the deploy (reference §6.5): docker stack deploy creates
//! the stack's own networks, secrets and configs, but objects marked `external: true` must
//! already exist (networks swarm-scoped), or the deploy aborts before creating anything.

use serde::Serialize;

use super::codes;
use crate::diagnostics::{Diagnostic, Span};
use crate::model::Stack;

/// Networks docker creates on every engine; local-scoped, never overlays.
const PREDEFINED_NETWORKS: [&str; 3] = ["bridge", "host", "none"];

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Precondition {
    /// `network`, `volume`, `secret` or `config`.
    pub kind: &'static str,
    /// The name the object must have in the swarm.
    pub name: String,
    /// Services that use it.
    pub used_by: Vec<String>,
    #[serde(skip)]
    pub span: Option<Span>,
}

/// External objects some service uses, in stack order per kind.
pub fn preconditions(stack: &Stack) -> Vec<Precondition> {
    let users = |pred: &dyn Fn(&crate::model::Service) -> bool| -> Vec<String> {
        stack
            .services
            .iter()
            .filter(|s| pred(s))
            .map(|s| s.name.clone())
            .collect()
    };
    let mut out = Vec::new();
    for n in stack.networks.iter().filter(|n| n.external) {
        let used_by = users(&|s| s.networks.iter().any(|a| a.name == n.name));
        out.push(("network", n.full_name.clone(), used_by, n.span));
    }
    for v in stack.volumes.iter().filter(|v| v.external) {
        let used_by = users(&|s| {
            s.mounts
                .iter()
                .any(|m| m.source.as_deref() == Some(v.name.as_str()))
        });
        out.push(("volume", v.full_name.clone(), used_by, v.span));
    }
    for r in stack.secrets.iter().filter(|r| r.external) {
        let used_by = users(&|s| s.secrets.iter().any(|x| x.value == r.name));
        out.push(("secret", r.name.clone(), used_by, r.span));
    }
    for r in stack.configs.iter().filter(|r| r.external) {
        let used_by = users(&|s| s.configs.iter().any(|x| x.value == r.name));
        out.push(("config", r.name.clone(), used_by, r.span));
    }
    out.into_iter()
        .filter(|(_, _, used_by, _)| !used_by.is_empty())
        .map(|(kind, name, used_by, span)| Precondition {
            kind,
            name,
            used_by,
            span,
        })
        .collect()
}

/// SP5015, one per precondition: info, or a warning for the predefined local networks.
pub fn findings(pre: &[Precondition]) -> Vec<Diagnostic> {
    pre.iter()
        .map(|p| {
            let message = format!(
                "external {} `{}` must exist before the deploy (used by {})",
                p.kind,
                p.name,
                p.used_by.join(", ")
            );
            let d = if p.kind == "network" && PREDEFINED_NETWORKS.contains(&p.name.as_str()) {
                Diagnostic::warning(&codes::EXTERNAL_PRECONDITION, message)
                    .with_note(format!(
                        "`{}` is a predefined local-scope network: docker CLI 18.09–19.x rejected it (\"network \\\"{}\\\" is declared as external, but it is not in the right scope: \\\"local\\\" instead of \\\"swarm\\\"\"); current CLIs skip predefined networks",
                        p.name, p.name
                    ))
            } else {
                let create = match p.kind {
                    "network" => format!("docker network create --driver overlay --attachable {}", p.name),
                    "volume" => format!("docker volume create {} (on every node that may run its users, or with a shared driver)", p.name),
                    kind => format!("docker {kind} create {} FILE", p.name),
                };
                Diagnostic::info(&codes::EXTERNAL_PRECONDITION, message)
                    .with_help(format!("create it first: {create}"))
            };
            d.with_primary(p.span, "declared external here")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Severity;
    use crate::graph::fixtures::*;
    use crate::model::{ExternalRef, MountKind};

    #[test]
    fn used_external_objects_are_preconditions() {
        let mut web = on_networks(svc("web"), &["proxy", "bridge"]);
        web.mounts = vec![mount(MountKind::Volume, "certs", "/certs", 1)];
        web.secrets = vec![spanned("token", 2)];
        let mut st = stack(vec![web]);
        for n in &mut st.networks {
            n.external = true;
            n.full_name = n.name.clone();
        }
        st.networks[1].full_name = "traefik-public".into();
        let mut certs = volume("certs", "local");
        certs.external = true;
        st.volumes = vec![certs];
        let ext = |name: &str| ExternalRef {
            name: name.into(),
            external: true,
            file: None,
            span: None,
        };
        st.secrets = vec![ext("token"), ext("unused")];
        st.configs = vec![ExternalRef {
            external: false,
            ..ext("local-config")
        }];
        let pre = preconditions(&st);
        let got: Vec<(&str, &str)> = pre.iter().map(|p| (p.kind, p.name.as_str())).collect();
        assert_eq!(
            got,
            [
                ("network", "bridge"),
                ("network", "traefik-public"),
                ("volume", "st_certs"),
                ("secret", "token")
            ]
        );
        let d = findings(&pre);
        assert_eq!(d[0].severity, Severity::Warning, "predefined `bridge`");
        assert!(d[1..].iter().all(|d| d.severity == Severity::Info));
        assert_eq!(
            d[1].message,
            "external network `traefik-public` must exist before the deploy (used by web)"
        );
    }
}
