//! The orchestration model O = (S, D, R, N, T) plus the cluster it runs on. Plain data: no YAML,
//! no solver, no I/O. Every element keeps the span it came from (`None` when a Swarm default was
//! applied rather than a value written in a file), so that any check can point at the line.

pub mod cluster;
pub mod constraint;
pub mod plan;
pub mod service;
pub mod stack;
pub mod units;

pub use cluster::{
    Availability, Cluster, GenericCapacity, ManagerStatus, Node, NodeState, Platform, Plugin,
    Reachability, Role,
};
pub use constraint::{Constraint, ConstraintError, ConstraintKey, Operator};
pub use plan::{Plan, Task};
pub use service::{
    Dependency, EndpointMode, FailureAction, GenericResource, Healthcheck, Mode, Mount, MountKind,
    NetworkAttachment, Placement, Port, Protocol, PublishMode, ResourceSet, Resources,
    RestartCondition, RestartPolicy, Service, ServiceRequirements, UpdateConfig, UpdateOrder,
};
pub use stack::{ExternalRef, Network, Stack, StackRequirements, Volume};
pub use units::Duration;

use crate::diagnostics::Span;

/// A value and where it was written; `span` is `None` when the value is a default.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Option<Span>,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Self {
        Spanned {
            value,
            span: Some(span),
        }
    }

    /// A value that no file wrote: a Swarm default.
    pub fn default_value(value: T) -> Self {
        Spanned { value, span: None }
    }

    pub fn is_default(&self) -> bool {
        self.span.is_none()
    }
}

impl<T: Default> Default for Spanned<T> {
    fn default() -> Self {
        Spanned::default_value(T::default())
    }
}

impl<T> std::ops::Deref for Spanned<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}
