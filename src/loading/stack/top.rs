//! Top-level `networks`, `volumes`, `secrets`, `configs` and `x-swarmproof`.

use std::collections::BTreeMap;

use crate::loading::yaml::{Value, Yaml};
use crate::model::{ExternalRef, Network, StackRequirements, Volume};

use super::cx::Cx;
use super::schema;

/// `external: true` or the legacy `external: {name: …}`; returns (external, name override).
fn external(cx: &mut Cx, v: &Yaml, what: &str) -> (bool, Option<String>) {
    match &v.value {
        Value::Map(_) => (true, v.get("name").and_then(Yaml::scalar_text)),
        _ => (cx.boolean(v, what).unwrap_or(false), None),
    }
}

fn opts(cx: &mut Cx, v: &Yaml, what: &str) -> BTreeMap<String, String> {
    cx.dict(v, what)
        .into_iter()
        .map(|(k, v, _)| (k, v.unwrap_or_default()))
        .collect()
}

pub fn lower_networks(cx: &mut Cx, y: &Yaml, stack: &str) -> Vec<Network> {
    let mut out = Vec::new();
    for (name, v, span) in entries(cx, y, "networks") {
        let what = format!("networks.{name}");
        let mut n = Network::overlay(name.clone(), format!("{stack}_{name}"), Some(span));
        let mut explicit_name = None;
        for (key, val, _) in cx.object(v, &what, "network", schema::NETWORK) {
            let w = format!("{what}.{key}");
            match key.as_str() {
                "name" => explicit_name = val.scalar_text(),
                "driver" => n.driver = val.scalar_text().unwrap_or_default(),
                "driver_opts" => n.driver_opts = opts(cx, val, &w),
                "external" => {
                    let (ext, ext_name) = external(cx, val, &w);
                    n.external = ext;
                    explicit_name = explicit_name.or(ext_name);
                }
                "internal" => n.internal = cx.boolean(val, &w).unwrap_or(false),
                "attachable" => n.attachable = cx.boolean(val, &w).unwrap_or(false),
                "ipam" => {
                    for cfg in val.get("config").and_then(Yaml::as_seq).unwrap_or(&[]) {
                        if let Some(subnet) = cfg
                            .get("subnet")
                            .and_then(|s| cx.string(s, &format!("{w}.config.subnet")))
                        {
                            n.subnets.push(subnet);
                        }
                    }
                }
                _ => {}
            }
        }
        // The overlay driver turns on IPsec for any value of the `encrypted` option.
        n.encrypted = n.driver_opts.contains_key("encrypted");
        if let Some(explicit) = explicit_name {
            n.full_name = explicit;
        } else if n.external {
            n.full_name = name;
        }
        out.push(n);
    }
    out
}

pub fn lower_volumes(cx: &mut Cx, y: &Yaml, stack: &str) -> Vec<Volume> {
    let mut out = Vec::new();
    for (name, v, span) in entries(cx, y, "volumes") {
        let what = format!("volumes.{name}");
        let mut vol = Volume {
            full_name: format!("{stack}_{name}"),
            name: name.clone(),
            driver: "local".to_string(),
            driver_opts: BTreeMap::new(),
            external: false,
            span: Some(span),
        };
        for (key, val, _) in cx.object(v, &what, "volume", schema::VOLUME) {
            let w = format!("{what}.{key}");
            match key.as_str() {
                "name" => vol.full_name = val.scalar_text().unwrap_or_default(),
                "driver" => {
                    vol.driver = val
                        .scalar_text()
                        .filter(|d| !d.is_empty())
                        .unwrap_or_else(|| "local".to_string())
                }
                "driver_opts" => vol.driver_opts = opts(cx, val, &w),
                "external" => {
                    let (ext, ext_name) = external(cx, val, &w);
                    vol.external = ext;
                    if let Some(n) = ext_name {
                        vol.full_name = n;
                    } else if ext {
                        vol.full_name = name.clone();
                    }
                }
                _ => {}
            }
        }
        out.push(vol);
    }
    out
}

pub fn lower_refs(cx: &mut Cx, y: &Yaml, section: &str) -> Vec<ExternalRef> {
    let allowed = if section == "secrets" {
        schema::SECRET
    } else {
        schema::CONFIG
    };
    let mut out = Vec::new();
    for (name, v, span) in entries(cx, y, section) {
        let what = format!("{section}.{name}");
        let mut r = ExternalRef {
            name,
            external: false,
            file: None,
            span: Some(span),
        };
        for (key, val, _) in cx.object(v, &what, section, allowed) {
            match key.as_str() {
                "external" => r.external = external(cx, val, &format!("{what}.external")).0,
                "file" => r.file = val.scalar_text(),
                _ => {}
            }
        }
        out.push(r);
    }
    out
}

pub fn lower_requirements(cx: &mut Cx, y: &Yaml) -> StackRequirements {
    let mut req = StackRequirements::default();
    for (key, v, _) in cx.object(
        y,
        "x-swarmproof",
        "x-swarmproof",
        &["host_networks", "max_update_duration", "ignore", "strict"],
    ) {
        match key.as_str() {
            "host_networks" => req.host_networks = cx.strings(v, "x-swarmproof.host_networks"),
            "ignore" => req.ignore = cx.strings(v, "x-swarmproof.ignore"),
            "strict" => req.strict = cx.boolean(v, "x-swarmproof.strict").unwrap_or(false),
            "max_update_duration" => {
                req.max_update_duration = cx.duration(v, "x-swarmproof.max_update_duration")
            }
            _ => {}
        }
    }
    req
}

/// Name, value and key span of each entry of a top-level section.
fn entries<'y>(
    cx: &mut Cx,
    y: &'y Yaml,
    section: &str,
) -> Vec<(String, &'y Yaml, crate::diagnostics::Span)> {
    match &y.value {
        Value::Map(m) => m
            .iter()
            .filter_map(|(k, v)| Some((k.scalar_text()?, v, k.span)))
            .collect(),
        Value::Null => Vec::new(),
        _ => {
            cx.wrong_type(y, section, "a mapping");
            Vec::new()
        }
    }
}
