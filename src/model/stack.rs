//! The stack: services plus the top-level networks, volumes, secrets and configs.

use std::collections::BTreeMap;

use super::{Duration, Service, Spanned};
use crate::diagnostics::Span;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Network {
    /// The key in the stack file; `default` is the implicit `<stack>_default`.
    pub name: String,
    /// The real name (`name:`), or `<stack>_<key>`.
    pub full_name: String,
    pub driver: String,
    pub external: bool,
    pub attachable: bool,
    pub internal: bool,
    pub encrypted: bool,
    /// `ipam.config[].subnet` entries.
    pub subnets: Vec<Spanned<String>>,
    pub driver_opts: BTreeMap<String, String>,
    pub span: Option<Span>,
}

impl Network {
    /// An overlay network with no options: what a bare `networks: {name: }` entry creates.
    pub fn overlay(
        name: impl Into<String>,
        full_name: impl Into<String>,
        span: Option<Span>,
    ) -> Self {
        Network {
            name: name.into(),
            full_name: full_name.into(),
            driver: "overlay".to_string(),
            external: false,
            attachable: false,
            internal: false,
            encrypted: false,
            subnets: Vec::new(),
            driver_opts: BTreeMap::new(),
            span,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Volume {
    pub name: String,
    pub full_name: String,
    /// `local` when not given.
    pub driver: String,
    pub driver_opts: BTreeMap<String, String>,
    pub external: bool,
    pub span: Option<Span>,
}

/// A top-level secret or config.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExternalRef {
    pub name: String,
    pub external: bool,
    pub file: Option<String>,
    pub span: Option<Span>,
}

/// Top-level `x-swarmproof`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StackRequirements {
    /// Host networks overlay subnets must not overlap (`host_networks: [10.0.0.0/16]`).
    pub host_networks: Vec<Spanned<String>>,
    /// A default for every service's `max_update_duration`.
    pub max_update_duration: Option<Spanned<Duration>>,
    /// Codes whose findings are suppressed in the whole stack (`ignore: [SP3002]`).
    pub ignore: Vec<Spanned<String>>,
    /// `strict: true`: what `--strict` asks, for this stack: every service's availability
    /// is required during updates and every rollout warning is an error.
    pub strict: bool,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Stack {
    /// The stack name (`docker stack deploy … NAME`), used for `<stack>_default`.
    pub name: String,
    pub services: Vec<Service>,
    pub networks: Vec<Network>,
    pub volumes: Vec<Volume>,
    pub secrets: Vec<ExternalRef>,
    pub configs: Vec<ExternalRef>,
    pub requirements: StackRequirements,
}

impl Stack {
    pub fn service(&self, name: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.name == name)
    }

    pub fn network(&self, name: &str) -> Option<&Network> {
        self.networks.iter().find(|n| n.name == name)
    }

    pub fn volume(&self, name: &str) -> Option<&Volume> {
        self.volumes.iter().find(|v| v.name == name)
    }
}

impl Stack {
    /// Drivers of the named volumes a service mounts (for the plugin filter).
    pub fn volume_drivers(&self, service: &Service) -> Vec<String> {
        service
            .mounts
            .iter()
            .filter(|m| m.kind == super::MountKind::Volume)
            .filter_map(|m| m.source.as_deref())
            .filter_map(|name| self.volume(name))
            .map(|v| v.driver.clone())
            .collect()
    }
}
