//! Lowering one service of the merged tree into `model::Service`, applying the conversions and
//! defaults of docker/cli's `convert/service.go` and moby's `ServiceSpecToGRPC` (reference §6.2).

use crate::diagnostics::{Diagnostic, Span};
use crate::loading::codes;
use crate::loading::yaml::{Value, Yaml};
use crate::model::{
    Constraint, ConstraintKey, Dependency, Healthcheck, Mount, MountKind, NetworkAttachment,
    Service, Spanned,
};

use super::cx::Cx;
use super::deploy;
use super::ports;
use super::schema;

pub fn lower_service(cx: &mut Cx, name: &str, name_span: Span, y: &Yaml) -> Service {
    cx.service = Some(name.to_string());
    let mut s = Service::new(name);
    s.span = Some(name_span);
    let what = |k: &str| format!("services.{name}.{k}");
    if y.as_map().is_none() {
        cx.wrong_type(y, &format!("services.{name}"), "a mapping");
        return s;
    }
    report_ignored_keys(cx, y);
    let mut restart_fallback = None;
    let mut deploy_yaml = None;
    for (key, v, key_span) in cx.object(y, &format!("services.{name}"), "service", schema::SERVICE)
    {
        match key.as_str() {
            "image" => s.image = cx.string(v, &what("image")),
            "command" | "entrypoint" => s.command.extend(cx.string_or_list(v, &what(&key))),
            "environment" => {
                s.environment = cx
                    .dict(v, &what("environment"))
                    .into_iter()
                    .map(|(k, v, sp)| (k, v, Some(sp)))
                    .collect()
            }
            "depends_on" => lower_depends_on(cx, &mut s, v, key_span),
            "deploy" => deploy_yaml = Some(v),
            "ports" => {
                s.ports = ports::lower_ports(cx, v, &what("ports"));
                ports::check_duplicates(cx, &s.ports);
            }
            "networks" => s.networks = lower_networks(cx, v, &what("networks")),
            "volumes" => s.mounts = lower_volumes(cx, v, &what("volumes")),
            "secrets" => s.secrets = lower_file_refs(cx, v, &what("secrets")),
            "configs" => s.configs = lower_file_refs(cx, v, &what("configs")),
            "healthcheck" => s.healthcheck = lower_healthcheck(cx, v, &what("healthcheck")),
            "stop_grace_period" => {
                if let Some(d) = cx.duration(v, &what("stop_grace_period")) {
                    s.stop_grace_period = d;
                }
            }
            "logging" => {
                s.log_driver = v.get("driver").and_then(|d| d.scalar_text());
                if let Some(o) = v.get("options") {
                    cx.dict(o, &what("logging.options"));
                }
            }
            // Keys the model does not use, typed as the schema types them, so that what
            // docker refuses is refused here too.
            "labels" | "sysctls" => {
                cx.dict(v, &what(&key));
            }
            "dns" | "dns_search" | "env_file" | "tmpfs" if v.as_str().is_none() => {
                cx.strings(v, &what(&key));
            }
            "cap_add" | "cap_drop" | "devices" | "security_opt" | "external_links" | "links" => {
                cx.strings(v, &what(&key));
            }
            "hostname" | "user" | "working_dir" | "stop_signal" | "container_name"
            | "isolation" | "ipc" | "pid" | "network_mode" | "cgroup_parent" | "cgroupns_mode"
            | "domainname" | "mac_address" | "userns_mode" => {
                cx.string(v, &what(&key));
            }
            "restart" => restart_fallback = cx.string(v, &what("restart")),
            "extra_hosts" => check_extra_hosts(cx, v, &what("extra_hosts")),
            _ => {}
        }
    }
    if let Some(x) = y.get("x-swarmproof") {
        cx.swarmproof_extension(|cx| {
            deploy::lower_requirements(cx, &mut s, x, &what("x-swarmproof"))
        });
    }
    if s.image.as_ref().is_none_or(|i| i.value.trim().is_empty()) {
        cx.push(
            Diagnostic::error(
                &codes::IMAGE_MISSING,
                format!("invalid image reference for service {name}: no image specified"),
            )
            .with_primary(Some(name_span), "this service has no image"),
        );
    }
    deploy::lower_deploy(cx, &mut s, deploy_yaml, restart_fallback);
    cx.service = None;
    s
}

/// docker/cli `convertExtraHosts` keeps `host:ip` and `host=ip` entries and drops the rest.
fn check_extra_hosts(cx: &mut Cx, v: &Yaml, what: &str) {
    for (entry, value, span) in cx.dict(v, what) {
        let text = match value {
            Some(value) => format!("{entry}={value}"),
            None => entry,
        };
        if !text.contains(':') && !text.contains('=') {
            cx.push(
                Diagnostic::warning(
                    &codes::EXTRA_HOST_DROPPED,
                    format!("extra_hosts entry {text:?} has no `:` and will be dropped"),
                )
                .with_primary(Some(span), "silently skipped by docker stack deploy"),
            );
        }
    }
}

/// Keys docker stack deploy refuses, ignores with a warning, or ignores silently (§6.4).
fn report_ignored_keys(cx: &mut Cx, y: &Yaml) {
    let Some(map) = y.as_map() else { return };
    let mut unsupported = Vec::new();
    for (k, _) in map {
        let Some(key) = k.as_str() else { continue };
        if schema::FORBIDDEN.contains(&key) {
            cx.push(
                Diagnostic::error(
                    &codes::FORBIDDEN_KEY,
                    format!("compose file contains unsupported options: {key}"),
                )
                .with_primary(Some(k.span), "docker stack deploy refuses this key"),
            );
        } else if schema::UNSUPPORTED.contains(&key) {
            unsupported.push(key);
            let d = Diagnostic::warning(
                &codes::IGNORED_KEY,
                format!("Ignoring unsupported options: {key}"),
            )
            .with_primary(Some(k.span), "ignored by docker stack deploy");
            let d = if key == "restart" {
                d.with_note("`restart` is still used as the restart policy when `deploy.restart_policy` is absent")
            } else {
                d
            };
            cx.push(d);
        } else if schema::DEPRECATED.contains(&key) {
            cx.push(
                Diagnostic::warning(
                    &codes::IGNORED_KEY,
                    format!("Ignoring deprecated options: {key}"),
                )
                .with_primary(Some(k.span), "ignored by docker stack deploy"),
            );
        }
    }
}

fn lower_depends_on(cx: &mut Cx, s: &mut Service, v: &Yaml, key_span: Span) {
    match &v.value {
        Value::Seq(items) => {
            for i in items {
                if let Some(n) = cx.string(i, &format!("services.{}.depends_on", s.name)) {
                    s.depends_on.push(Dependency {
                        service: n.value,
                        condition: None,
                        span: Some(i.span),
                    });
                }
            }
        }
        Value::Map(entries) => {
            cx.wrong_type(
                v,
                &format!("services.{}.depends_on", s.name),
                "a list of service names (the 3.x schema has no long form)",
            );
            for (k, val) in entries {
                if let Some(n) = k.scalar_text() {
                    let condition = val.get("condition").and_then(|c| c.scalar_text());
                    s.depends_on.push(Dependency {
                        service: n,
                        condition,
                        span: Some(k.span),
                    });
                }
            }
        }
        _ => cx.wrong_type(
            v,
            &format!("services.{}.depends_on", s.name),
            "a list of service names",
        ),
    }
    s.depends_on_span = Some(key_span);
}

fn lower_networks(cx: &mut Cx, v: &Yaml, what: &str) -> Vec<NetworkAttachment> {
    match &v.value {
        Value::Seq(items) => items
            .iter()
            .filter_map(|i| cx.string(i, what))
            .map(|n| NetworkAttachment {
                name: n.value,
                aliases: Vec::new(),
                span: n.span,
            })
            .collect(),
        Value::Map(entries) => entries
            .iter()
            .filter_map(|(k, cfg)| {
                let name = k.scalar_text()?;
                let settings = cx.object(
                    cfg,
                    &format!("{what}.{name}"),
                    "service-network",
                    schema::SERVICE_NETWORK,
                );
                let aliases = settings
                    .iter()
                    .find(|(key, _, _)| key == "aliases")
                    .map(|(_, a, _)| {
                        a.as_seq()
                            .unwrap_or(&[])
                            .iter()
                            .filter_map(Yaml::scalar_text)
                            .collect()
                    })
                    .unwrap_or_default();
                Some(NetworkAttachment {
                    name,
                    aliases,
                    span: Some(k.span),
                })
            })
            .collect(),
        _ => {
            cx.wrong_type(v, what, "a list or a mapping of networks");
            Vec::new()
        }
    }
}

/// Short `SOURCE:TARGET[:MODE]`, or the long syntax.
fn lower_volumes(cx: &mut Cx, v: &Yaml, what: &str) -> Vec<Mount> {
    let Some(items) = v.as_seq() else {
        if v.value != Value::Null {
            cx.wrong_type(v, what, "a list of volumes");
        }
        return Vec::new();
    };
    let mut mounts = Vec::new();
    for i in items {
        match &i.value {
            Value::Str(spec) => mounts.push(short_volume(spec, i.span)),
            Value::Map(_) => {
                let entries = cx.object(i, what, "service-volume", schema::VOLUME_LONG);
                let field = |k: &str| {
                    entries
                        .iter()
                        .find(|(key, _, _)| key == k)
                        .and_then(|(_, v, _)| v.scalar_text())
                };
                let kind = match field("type").as_deref() {
                    Some("volume") | None => MountKind::Volume,
                    Some("bind") => MountKind::Bind,
                    Some("tmpfs") => MountKind::Tmpfs,
                    Some("npipe") => MountKind::Npipe,
                    Some("cluster") => MountKind::Cluster,
                    Some(other) => {
                        cx.invalid(i.span, what, format!("invalid mount type {other:?}"));
                        continue;
                    }
                };
                mounts.push(Mount {
                    kind,
                    source: field("source").filter(|s| !s.is_empty()),
                    target: field("target").unwrap_or_default(),
                    read_only: field("read_only").is_some_and(|r| r == "true"),
                    span: Some(i.span),
                });
            }
            _ => cx.wrong_type(i, what, "a string or a mapping"),
        }
    }
    mounts
}

/// docker/cli `loader/volume.go: ParseVolume`, for the parts the checks need.
fn short_volume(spec: &str, span: Span) -> Mount {
    let parts: Vec<&str> = spec.splitn(3, ':').collect();
    let (source, target, mode) = match parts.as_slice() {
        [target] => (None, *target, ""),
        [source, target] => (Some(*source), *target, ""),
        [source, target, mode] => (Some(*source), *target, *mode),
        _ => (None, spec, ""),
    };
    let kind = match source {
        None => MountKind::Volume,
        Some(s) if s.starts_with('/') || s.starts_with('.') || s.starts_with('~') => {
            MountKind::Bind
        }
        Some(_) => MountKind::Volume,
    };
    Mount {
        kind,
        source: source.map(str::to_string),
        target: target.to_string(),
        read_only: mode.split(',').any(|m| m == "ro"),
        span: Some(span),
    }
}

fn lower_file_refs(cx: &mut Cx, v: &Yaml, what: &str) -> Vec<Spanned<String>> {
    let Some(items) = v.as_seq() else {
        if v.value != Value::Null {
            cx.wrong_type(v, what, "a list");
        }
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|i| match &i.value {
            Value::Map(_) => {
                let entries = cx.object(i, what, "file-ref", schema::FILE_REF_LONG);
                entries
                    .iter()
                    .find(|(k, _, _)| k == "source")
                    .and_then(|(_, s, _)| s.scalar_text())
                    .map(|s| Spanned::new(s, i.span))
            }
            _ => cx.string(i, what),
        })
        .collect()
}

fn lower_healthcheck(cx: &mut Cx, v: &Yaml, what: &str) -> Option<Healthcheck> {
    use crate::model::service::{
        DEFAULT_HEALTH_INTERVAL, DEFAULT_HEALTH_RETRIES, DEFAULT_HEALTH_TIMEOUT,
    };
    let entries = cx.object(v, what, "healthcheck", schema::HEALTHCHECK);
    let mut h = Healthcheck {
        disabled: false,
        test: Vec::new(),
        interval: Spanned::default_value(DEFAULT_HEALTH_INTERVAL),
        timeout: Spanned::default_value(DEFAULT_HEALTH_TIMEOUT),
        retries: Spanned::default_value(DEFAULT_HEALTH_RETRIES),
        start_period: Spanned::default_value(crate::model::Duration::ZERO),
        span: Some(v.span),
    };
    for (key, val, _) in entries {
        let w = format!("{what}.{key}");
        match key.as_str() {
            "disable" => h.disabled = cx.boolean(val, &w).unwrap_or(false),
            "test" => {
                h.test = cx
                    .string_or_list(val, &w)
                    .into_iter()
                    .map(|s| s.value)
                    .collect()
            }
            "interval" => h.interval = cx.duration(val, &w).unwrap_or(h.interval),
            "timeout" => h.timeout = cx.duration(val, &w).unwrap_or(h.timeout),
            "start_period" => h.start_period = cx.duration(val, &w).unwrap_or(h.start_period),
            "retries" => h.retries = cx.uint(val, &w).unwrap_or(h.retries),
            _ => {}
        }
    }
    // `test: ["NONE"]` disables the image's healthcheck too.
    if h.test.first().is_some_and(|t| t == "NONE") {
        h.disabled = true;
    }
    Some(h)
}

/// Constraint parse errors and keys swarmkit does not know (§2), reported where written.
pub fn lower_constraints(cx: &mut Cx, s: &mut Service, items: Vec<Spanned<String>>) {
    for expr in items {
        match Constraint::parse(&expr.value) {
            Ok(c) => {
                if let ConstraintKey::Unknown(k) = &c.key {
                    cx.push(
                        Diagnostic::error(
                            &codes::CONSTRAINT_UNKNOWN_KEY,
                            format!(
                                "constraint key '{k}' is not one Swarm knows: it matches no node"
                            ),
                        )
                        .with_primary(expr.span, "matches no node, so every task stays Pending")
                        .with_help(unknown_key_help(k)),
                    );
                }
                s.placement.constraints.push(Spanned {
                    value: c,
                    span: expr.span,
                });
            }
            Err(e) => {
                s.placement.constraint_errors = true;
                let mut d = Diagnostic::error(
                    &codes::CONSTRAINT_SYNTAX,
                    format!("invalid constraint {:?}: {e}", expr.value),
                )
                .with_primary(expr.span, e.to_string());
                if !expr.value.contains("==")
                    && !expr.value.contains("!=")
                    && expr.value.contains('=')
                {
                    d = d.with_help(format!(
                        "did you mean `{}`?",
                        expr.value
                            .replacen('=', " == ", 1)
                            .split_whitespace()
                            .collect::<Vec<_>>()
                            .join(" ")
                    ));
                }
                cx.push(d);
            }
        }
    }
}

fn unknown_key_help(key: &str) -> String {
    let lower = key.to_ascii_lowercase();
    if let Some(rest) = lower.strip_prefix("node.label.") {
        format!("did you mean `node.labels.{rest}`?")
    } else if lower.starts_with("engine.label.") {
        "did you mean `engine.labels.…`?".to_string()
    } else {
        "known keys: node.id, node.hostname, node.ip, node.role, node.platform.os, node.platform.arch, node.labels.<name>, engine.labels.<name>".to_string()
    }
}
