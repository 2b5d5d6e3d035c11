//! Stack-level findings that need more than one key: patterns that load fine but do not do
//! what their authors meant (corpus INDEX #8, #9, #11), volumes nothing mounts, and a node label
//! `role` standing in for the node's role.

use crate::diagnostics::Diagnostic;
use crate::loading::codes;
use crate::model::{ConstraintKey, Mode, MountKind, RestartCondition, Stack};

pub fn lints(stack: &Stack) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for s in &stack.services {
        if s.mode.value == Mode::Global && *s.restart_policy.condition == RestartCondition::None {
            out.push(
                Diagnostic::info(&codes::GLOBAL_RUN_ONCE, format!("{} is global with restart condition none: it runs once per node and then shows 0/N", s.name))
                    .at_service(&s.name, s.restart_policy.condition.span, "tasks are not replaced when they exit")
                    .with_help("use `mode: global-job` for a one-off task on every node"),
            );
        }
    }
    for v in stack
        .volumes
        .iter()
        .filter(|v| v.driver == "local" && !v.external)
    {
        if let Some(size) = v.driver_opts.get("size") {
            out.push(
                Diagnostic::warning(&codes::LOCAL_VOLUME_SIZE, format!("volume {} asks the local driver for size {size:?}", v.name))
                    .with_primary(v.span, "\"quota size requested but no quota support\" unless the node uses XFS project quotas")
                    .with_note(if size.bytes().all(|b| b.is_ascii_digit()) { format!("{size} without a unit is {size} bytes") } else { "the size applies only where project quotas are enabled".to_string() })
                    .with_help("remove `size`, or use a volume plugin that supports sizes"),
            );
        }
    }
    for v in &stack.volumes {
        let mounted = stack.services.iter().any(|s| {
            s.mounts
                .iter()
                .any(|m| m.kind == MountKind::Volume && m.source.as_deref() == Some(&v.name))
        });
        if !mounted {
            out.push(
                Diagnostic::warning(
                    &codes::UNUSED_VOLUME,
                    format!("volume {} is declared but no service mounts it", v.name),
                )
                .with_primary(
                    v.span,
                    if v.external {
                        "never mounted"
                    } else {
                        "never mounted, so never created"
                    },
                )
                .with_help("mount it where it was meant, or delete the declaration"),
            );
        }
    }
    for s in &stack.services {
        for c in &s.placement.constraints {
            let role_values = ["manager", "worker"];
            if matches!(&c.value.key, ConstraintKey::NodeLabel(l) if l == "role")
                && role_values.contains(&c.value.value.to_ascii_lowercase().as_str())
            {
                out.push(
                    Diagnostic::warning(
                        &codes::ROLE_AS_LABEL,
                        format!(
                            "`{}` tests a node label named `role`; the node's role is `node.role`",
                            c.value.key_text
                        ),
                    )
                    .at_service(&s.name, c.span, "a label Swarm does not set")
                    .with_note("unless the nodes were labelled `role=...` by hand, no node matches and the tasks stay Pending")
                    .with_help(format!(
                        "write `node.role {} {}`",
                        c.value.op.as_str(),
                        c.value.value
                    )),
                );
            }
        }
    }
    out
}
