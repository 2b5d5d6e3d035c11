//! The `deploy` block: mode and replicas, placement, resources, restart policy, update and
//! rollback configs, with the defaults of reference §3.1 and §6.2.

use crate::diagnostics::Diagnostic;
use crate::loading::codes;
use crate::loading::values;
use crate::loading::yaml::Yaml;
use crate::model::service::DEFAULT_MONITOR;
use crate::model::{
    EndpointMode, FailureAction, GenericResource, Mode, ResourceSet, RestartCondition, Service,
    Spanned, UpdateConfig, UpdateOrder,
};

use super::cx::Cx;
use super::schema;
use super::service::lower_constraints;

pub fn lower_deploy(
    cx: &mut Cx,
    s: &mut Service,
    deploy: Option<&Yaml>,
    restart: Option<Spanned<String>>,
) {
    let name = s.name.clone();
    let what = |k: &str| format!("services.{name}.deploy.{k}");
    let entries = deploy
        .map(|d| {
            cx.object(
                d,
                &format!("services.{name}.deploy"),
                "deploy",
                schema::DEPLOY,
            )
        })
        .unwrap_or_default();
    let get = |k: &str| {
        entries
            .iter()
            .find(|(key, _, _)| key == k)
            .map(|(_, v, _)| *v)
    };
    let key_span = |k: &str| {
        entries
            .iter()
            .find(|(key, _, _)| key == k)
            .map(|(_, _, span)| *span)
    };

    let replicas = get("replicas").and_then(|r| cx.uint(r, &what("replicas")));
    let mode_text = get("mode").and_then(|m| cx.string(m, &what("mode")));
    let mode_span = mode_text.as_ref().and_then(|m| m.span);
    let mode = match mode_text.as_ref().map(|m| m.value.as_str()).unwrap_or("") {
        "" | "replicated" => Some(Mode::Replicated {
            replicas: replicas.as_ref().map_or(1, |r| r.value),
        }),
        "global" => Some(Mode::Global),
        "replicated-job" => {
            let n = replicas.as_ref().map_or(1, |r| r.value);
            Some(Mode::ReplicatedJob {
                max_concurrent: n,
                total_completions: n,
            })
        }
        "global-job" => Some(Mode::GlobalJob),
        other => {
            if let Some(span) = mode_span {
                cx.invalid(span, &what("mode"), format!("unknown mode: {other}"));
            }
            None
        }
    };
    if let Some(mode) = mode {
        if mode.is_global() {
            if let Some(r) = &replicas {
                cx.push(
                    Diagnostic::error(
                        &codes::MODE_CONFLICT,
                        "replicas can only be used with replicated or replicated-job mode",
                    )
                    .with_primary(r.span, "not allowed in global mode"),
                );
            }
        }
        let span = mode_span.or(replicas.as_ref().and_then(|r| r.span));
        s.mode = Spanned { value: mode, span };
    }
    if let Some(e) = get("endpoint_mode").and_then(|e| cx.string(e, &what("endpoint_mode"))) {
        match e.value.to_ascii_lowercase().as_str() {
            "" | "vip" => {
                s.endpoint_mode = Spanned {
                    value: EndpointMode::Vip,
                    span: e.span,
                }
            }
            "dnsrr" => {
                s.endpoint_mode = Spanned {
                    value: EndpointMode::Dnsrr,
                    span: e.span,
                }
            }
            other => {
                if let Some(span) = e.span {
                    cx.invalid(
                        span,
                        &what("endpoint_mode"),
                        format!("invalid resolution mode: {other}"),
                    );
                }
            }
        }
    }
    if let Some(p) = get("placement") {
        lower_placement(cx, s, p);
    }
    if let Some(r) = get("resources") {
        lower_resources(cx, s, r);
        // Findings about the block point at its key, not at the first character of its value.
        s.resources.span = key_span("resources");
    }
    match get("restart_policy") {
        Some(rp) => {
            lower_restart_policy(cx, s, rp);
            s.restart_policy.span = key_span("restart_policy");
        }
        None => {
            if let Some(r) = restart {
                restart_fallback(cx, s, r);
            }
        }
    }
    if let Some(u) = get("update_config") {
        s.update_config = lower_update_config(cx, u, &what("update_config"), "update_config");
        s.update_config.span = key_span("update_config");
        if s.mode.is_job() {
            cx.push(
                Diagnostic::error(&codes::MODE_CONFLICT, "Jobs may not have an update config")
                    .with_primary(Some(u.span), "not allowed for jobs"),
            );
        }
    }
    if let Some(u) = get("rollback_config") {
        s.rollback_config = lower_update_config(cx, u, &what("rollback_config"), "rollback_config");
        s.rollback_config.span = key_span("rollback_config");
    }
}

fn lower_placement(cx: &mut Cx, s: &mut Service, p: &Yaml) {
    let name = s.name.clone();
    let what = |k: &str| format!("services.{name}.deploy.placement.{k}");
    for (key, v, _) in cx.object(
        p,
        &format!("services.{name}.deploy.placement"),
        "placement",
        schema::PLACEMENT,
    ) {
        match key.as_str() {
            "constraints" => {
                let items = cx.strings(v, &what("constraints"));
                lower_constraints(cx, s, items);
            }
            "preferences" => {
                for pref in v.as_seq().unwrap_or(&[]) {
                    let entries = cx.object(pref, &what("preferences"), "preference", &["spread"]);
                    for (_, spread, _) in entries {
                        if let Some(d) = cx.string(spread, &what("preferences.spread")) {
                            let lower = d.value.to_ascii_lowercase();
                            if !(lower.starts_with("node.labels.")
                                || lower.starts_with("engine.labels."))
                            {
                                cx.push(
                                    Diagnostic::warning(&codes::PREFERENCE_IGNORED, format!("spread preference {:?} is silently ignored by Swarm", d.value))
                                        .with_primary(d.span, "only node.labels.* and engine.labels.* descriptors take effect")
                                        .with_help("label the nodes and spread over `node.labels.<label>`"),
                                );
                            }
                            s.placement.preferences.push(d);
                        }
                    }
                }
                if v.as_seq().is_none() {
                    cx.wrong_type(v, &what("preferences"), "a list");
                }
            }
            "max_replicas_per_node" => {
                if let Some(m) = cx.uint(v, &what("max_replicas_per_node")) {
                    s.placement.max_replicas_per_node = m;
                }
            }
            _ => {}
        }
    }
}

fn lower_resources(cx: &mut Cx, s: &mut Service, r: &Yaml) {
    let name = s.name.clone();
    s.resources.span = Some(r.span);
    for (key, v, _) in cx.object(
        r,
        &format!("services.{name}.deploy.resources"),
        "resources",
        schema::RESOURCES,
    ) {
        let what = format!("services.{name}.deploy.resources.{key}");
        let (object, allowed) = if key == "limits" {
            ("limits", schema::LIMITS)
        } else {
            ("reservations", schema::RESERVATIONS)
        };
        let mut set = ResourceSet::default();
        for (k, val, _) in cx.object(v, &what, object, allowed) {
            let w = format!("{what}.{k}");
            match k.as_str() {
                "cpus" => {
                    if let Some(c) = cx.cpus(val, &w) {
                        if let Err(e) = values::check_cpu_minimum(c.value) {
                            cx.push(minimum(&w, c.span, e, "at least 0.001 CPU"));
                        }
                        set.nano_cpus = c;
                    }
                }
                "memory" => {
                    if let Some(m) = cx.size(val, &w) {
                        if let Err(e) = values::check_memory_minimum(m.value) {
                            cx.push(minimum(&w, m.span, e, "at least 4MiB"));
                        }
                        set.memory_bytes = m;
                    }
                }
                "pids" => s.resources.pids_limit = cx.int(val, &w),
                "generic_resources" => set.generic = lower_generic(cx, val, &w),
                _ => {}
            }
        }
        if key == "limits" {
            s.resources.limits = set;
        } else {
            s.resources.reservations = set;
        }
    }
}

/// swarmkit's `validateResources` minimums, refused by the daemon rather than the CLI.
fn minimum(
    what: &str,
    span: Option<crate::diagnostics::Span>,
    error: values::ValueError,
    need: &str,
) -> Diagnostic {
    Diagnostic::error(&codes::RESOURCE_TOO_SMALL, format!("{what}: {error}"))
        .with_primary(span, format!("below Swarm's minimum ({need})"))
}

fn lower_generic(cx: &mut Cx, v: &Yaml, what: &str) -> Vec<GenericResource> {
    let mut out = Vec::new();
    for item in v.as_seq().unwrap_or(&[]) {
        for (_, spec, _) in cx.object(item, what, "generic-resource", &["discrete_resource_spec"]) {
            let entries = cx.object(
                spec,
                &format!("{what}.discrete_resource_spec"),
                "discrete-resource-spec",
                &["kind", "value"],
            );
            let kind = entries
                .iter()
                .find(|(k, _, _)| k == "kind")
                .and_then(|(_, k, _)| k.scalar_text());
            let value = entries
                .iter()
                .find(|(k, _, _)| k == "value")
                .and_then(|(_, v, _)| v.scalar_text()?.parse::<u64>().ok());
            if let (Some(kind), Some(value)) = (kind, value) {
                out.push(GenericResource {
                    kind,
                    value,
                    span: Some(item.span),
                });
            }
        }
    }
    out
}

fn lower_restart_policy(cx: &mut Cx, s: &mut Service, rp: &Yaml) {
    let name = s.name.clone();
    s.restart_policy.span = Some(rp.span);
    for (key, v, _) in cx.object(
        rp,
        &format!("services.{name}.deploy.restart_policy"),
        "restart_policy",
        schema::RESTART_POLICY,
    ) {
        let w = format!("services.{name}.deploy.restart_policy.{key}");
        match key.as_str() {
            "condition" => {
                if let Some(c) = cx.string(v, &w) {
                    let cond = match c.value.as_str() {
                        "" | "any" => Some(RestartCondition::Any),
                        "none" => Some(RestartCondition::None),
                        "on-failure" => Some(RestartCondition::OnFailure),
                        other => {
                            cx.invalid(
                                v.span,
                                &w,
                                format!("invalid RestartCondition: \"{other}\""),
                            );
                            None
                        }
                    };
                    if let Some(cond) = cond {
                        s.restart_policy.condition = Spanned {
                            value: cond,
                            span: c.span,
                        };
                    }
                }
            }
            "delay" => {
                // A present delay of 0 stays 0; only an absent delay becomes 5s.
                if let Some(d) = cx.duration(v, &w) {
                    s.restart_policy.delay = d;
                }
            }
            "max_attempts" => {
                if let Some(m) = cx.uint(v, &w) {
                    s.restart_policy.max_attempts = m;
                }
            }
            "window" => s.restart_policy.window = cx.duration(v, &w),
            _ => {}
        }
    }
}

/// `restart:` as the fallback restart policy (docker/cli `convertRestartPolicy`).
fn restart_fallback(cx: &mut Cx, s: &mut Service, r: Spanned<String>) {
    let (cond, attempts) = match r.value.as_str() {
        "no" => (Some(RestartCondition::None), None),
        "always" | "unless-stopped" => (Some(RestartCondition::Any), None),
        v if v == "on-failure" || v.starts_with("on-failure:") => {
            let n = v
                .strip_prefix("on-failure:")
                .and_then(|n| n.parse::<i64>().ok())
                .filter(|&n| n > 0);
            (Some(RestartCondition::OnFailure), n)
        }
        other => {
            if let Some(span) = r.span {
                cx.invalid(
                    span,
                    &format!("services.{}.restart", s.name),
                    format!("unknown restart policy: {other}"),
                );
            }
            return;
        }
    };
    if let Some(cond) = cond {
        s.restart_policy.condition = Spanned {
            value: cond,
            span: r.span,
        };
        if let Some(n) = attempts {
            s.restart_policy.max_attempts = Spanned {
                value: n as u64,
                span: r.span,
            };
        }
        cx.push(
            Diagnostic::info(
                &codes::RESTART_FALLBACK,
                format!(
                    "restart: {} is used as the restart policy (condition {})",
                    r.value,
                    restart_condition_name(cond)
                ),
            )
            .with_primary(
                r.span,
                "docker stack deploy warns that this key is unsupported, yet converts it",
            )
            .with_help("state it in deploy.restart_policy instead"),
        );
    }
}

fn restart_condition_name(c: RestartCondition) -> &'static str {
    match c {
        RestartCondition::None => "none",
        RestartCondition::OnFailure => "on-failure",
        RestartCondition::Any => "any",
    }
}

fn lower_update_config(cx: &mut Cx, u: &Yaml, what: &str, object: &str) -> UpdateConfig {
    // A present block starts from the CLI's conversion: parallelism 1 when omitted.
    let mut c = UpdateConfig {
        span: Some(u.span),
        ..UpdateConfig::default()
    };
    for (key, v, _) in cx.object(u, what, object, schema::UPDATE_CONFIG) {
        let w = format!("{what}.{key}");
        match key.as_str() {
            "parallelism" => c.parallelism = cx.uint(v, &w).unwrap_or(c.parallelism),
            "delay" => {
                if let Some(d) = cx.duration(v, &w) {
                    if d.value.nanos < 0 {
                        cx.invalid(v.span, &w, "TaskDefaults: Delay cannot be negative");
                    }
                    c.delay = d;
                }
            }
            "monitor" => {
                if let Some(d) = cx.duration(v, &w) {
                    if d.value.nanos < 0 {
                        cx.invalid(v.span, &w, "Monitor cannot be negative");
                    }
                    // moby drops a zero monitor, and the updater then uses 5s.
                    c.monitor = if d.value.is_zero() {
                        Spanned {
                            value: DEFAULT_MONITOR,
                            span: d.span,
                        }
                    } else {
                        d
                    };
                }
            }
            "failure_action" => {
                if let Some(a) = cx.string(v, &w) {
                    let action = match a.value.as_str() {
                        "" | "pause" => Some(FailureAction::Pause),
                        "continue" => Some(FailureAction::Continue),
                        "rollback" => Some(FailureAction::Rollback),
                        other => {
                            cx.invalid(
                                v.span,
                                &w,
                                format!("unrecognized update failure action {other}"),
                            );
                            None
                        }
                    };
                    if let Some(action) = action {
                        c.failure_action = Spanned {
                            value: action,
                            span: a.span,
                        };
                    }
                }
            }
            "max_failure_ratio" => {
                if let Some(r) = cx.float(v, &w) {
                    if !(0.0..=1.0).contains(&r.value) {
                        cx.invalid(v.span, &w, "MaxFailureRatio must be between 0 and 1");
                    }
                    c.max_failure_ratio = Spanned {
                        value: r.value as f32,
                        span: r.span,
                    };
                }
            }
            "order" => {
                if let Some(o) = cx.string(v, &w) {
                    let order = match o.value.as_str() {
                        "" | "stop-first" => Some(UpdateOrder::StopFirst),
                        "start-first" => Some(UpdateOrder::StartFirst),
                        other => {
                            cx.invalid(v.span, &w, format!("unrecognized update order {other}"));
                            None
                        }
                    };
                    if let Some(order) = order {
                        c.order = Spanned {
                            value: order,
                            span: o.span,
                        };
                    }
                }
            }
            _ => {}
        }
    }
    c
}

/// `x-swarmproof` on a service.
pub fn lower_requirements(cx: &mut Cx, s: &mut Service, x: &Yaml, what: &str) {
    for (key, v, _) in cx.object(
        x,
        what,
        "x-swarmproof",
        &["min_available", "max_update_duration", "ignore"],
    ) {
        let w = format!("{what}.{key}");
        match key.as_str() {
            "min_available" => s.requirements.min_available = cx.uint(v, &w),
            "ignore" => s.requirements.ignore = cx.strings(v, &w),
            _ => s.requirements.max_update_duration = cx.duration(v, &w),
        }
    }
}
