//! The stack as `docker stack config` prints it: docker/cli's `types.Config` after `loader.Load`
//! (per-field transforms, environment and `env_file` resolution, absolute bind and file paths,
//! external names), marshalled as yaml.v3 does it (`omitempty` fields left out, durations as Go
//! strings, memory sizes as quoted byte counts, `External` as a boolean). Built from the merged,
//! interpolated tree the model is lowered from; `docker stack config` stops at the first error,
//! and so does this.

use std::collections::BTreeMap;

use crate::diagnostics::Diagnostic;
use crate::loading::codes;
use crate::loading::values::{format_go_float, parse_duration, parse_size, shlex};
use crate::loading::yaml::{Value, Yaml};

use super::interpolate::{self, Env};
use super::ports;

/// What the view needs from outside the files: the environment (for `environment` entries
/// without a value and `~` in bind paths), docker's working directory (the first file's
/// folder, absolute), and a reader for the `env_file`s services name.
pub struct ViewContext<'a> {
    pub env: &'a Env,
    pub working_dir: &'a str,
    pub read_file: &'a dyn Fn(&str) -> Result<String, String>,
}

/// A YAML value in the order docker/cli's structs print it.
#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(String, Node)>),
}

type R<T> = Result<T, Box<Diagnostic>>;

fn fail(y: &Yaml, message: impl Into<String>) -> Box<Diagnostic> {
    Box::new(
        Diagnostic::error(&codes::INVALID_VALUE, message.into())
            .with_primary(Some(y.span), "docker stack config stops here"),
    )
}

/// An object under construction: yaml.v3 leaves out `omitempty` fields that are empty.
#[derive(Default)]
struct Obj(Vec<(String, Node)>);

impl Obj {
    fn put(&mut self, key: &str, node: Option<Node>) {
        if let Some(n) = node {
            self.0.push((key.to_string(), n));
        }
    }
    /// A struct field (not a pointer): left out when all its fields are.
    fn nested(self) -> Option<Node> {
        (!self.0.is_empty()).then_some(Node::Map(self.0))
    }
    /// A pointer field: printed, even as `{}`, once the key is there.
    fn pointer(self) -> Node {
        Node::Map(self.0)
    }
}

/// Go's `fmt.Sprint` of a scalar: how docker/cli turns label and environment values into text.
fn go_text(y: &Yaml) -> Option<String> {
    match &y.value {
        Value::Float(f) => Some(format_go_float(*f)),
        _ => y.scalar_text(),
    }
}

fn string(y: Option<&Yaml>) -> Option<Node> {
    go_text(y?).filter(|s| !s.is_empty()).map(Node::Str)
}

fn flag(y: Option<&Yaml>) -> Option<Node> {
    matches!(y?.value, Value::Bool(true)).then_some(Node::Bool(true))
}

/// An integer field; `pointer` ones are printed even when 0.
fn int(y: Option<&Yaml>, pointer: bool) -> Option<Node> {
    match y?.value {
        Value::Int(i) if pointer || i != 0 => Some(Node::Int(i)),
        _ => None,
    }
}

fn nonempty(items: Vec<Node>) -> Option<Node> {
    (!items.is_empty()).then_some(Node::Seq(items))
}

/// `[]string`.
fn strings(y: Option<&Yaml>) -> Option<Node> {
    let items = y?.as_seq()?;
    nonempty(items.iter().filter_map(go_text).map(Node::Str).collect())
}

/// `StringList`: one string or a list.
fn string_list(y: Option<&Yaml>) -> Option<Node> {
    let y = y?;
    match &y.value {
        Value::Str(s) => Some(Node::Seq(vec![Node::Str(s.clone())])),
        _ => strings(Some(y)),
    }
}

/// `ShellCommand`: a string is split as a shell would (google/shlex).
fn shell_command(y: Option<&Yaml>) -> R<Option<Node>> {
    let Some(y) = y else { return Ok(None) };
    match &y.value {
        Value::Str(s) => {
            let words = shlex::split(s).map_err(|e| fail(y, e.message))?;
            Ok(nonempty(words.into_iter().map(Node::Str).collect()))
        }
        _ => Ok(strings(Some(y))),
    }
}

fn duration(y: Option<&Yaml>, pointer: bool) -> R<Option<Node>> {
    let Some(y) = y else { return Ok(None) };
    let Value::Str(s) = &y.value else {
        return Err(fail(
            y,
            format!("invalid type {} for duration", y.value.type_name()),
        ));
    };
    let d = parse_duration(s).map_err(|e| fail(y, e.message))?;
    Ok((pointer || d.nanos != 0).then(|| Node::Str(d.to_string())))
}

/// `UnitBytes`: printed as a quoted count of bytes, left out when 0.
fn size(y: Option<&Yaml>) -> R<Option<Node>> {
    let Some(y) = y else { return Ok(None) };
    let bytes = match &y.value {
        Value::Int(i) => *i,
        Value::Str(s) => i128::from(parse_size(s).map_err(|e| fail(y, e.message))?),
        _ => {
            return Err(fail(
                y,
                format!("invalid type {} for size", y.value.type_name()),
            ))
        }
    };
    Ok((bytes != 0).then(|| Node::Str(bytes.to_string())))
}

/// `Mapping`, `Labels` (`allow_nil` false: a missing value is "") and `MappingWithEquals`
/// (`allow_nil` true: a missing value is null), from a mapping or a `KEY=VALUE` list.
fn mapping(y: &Yaml, allow_nil: bool) -> BTreeMap<String, Option<String>> {
    let mut out = BTreeMap::new();
    match &y.value {
        Value::Map(entries) => {
            for (k, v) in entries {
                let value = go_text(v).or((!allow_nil).then(String::new));
                out.insert(k.scalar_text().unwrap_or_default(), value);
            }
        }
        Value::Seq(items) => {
            for item in items {
                let text = go_text(item).unwrap_or_default();
                let (key, value) = match text.split_once('=') {
                    Some((k, v)) => (k.to_string(), Some(v.to_string())),
                    None => (text, (!allow_nil).then(String::new)),
                };
                out.insert(key, value);
            }
        }
        _ => {}
    }
    out
}

fn map_node(m: BTreeMap<String, Option<String>>) -> Option<Node> {
    let mut entries: Vec<(String, Node)> = m
        .into_iter()
        .map(|(k, v)| (k, v.map_or(Node::Null, Node::Str)))
        .collect();
    sort_keys(&mut entries);
    nonempty_map(entries)
}

fn labels(y: Option<&Yaml>) -> Option<Node> {
    map_node(mapping(y?, false))
}

/// The `x-` keys of an object, as written (yaml.v3 prints an inlined map sorted).
fn extras(y: &Yaml, out: &mut Obj) {
    let mut found: Vec<(String, Node)> = y
        .as_map()
        .unwrap_or_default()
        .iter()
        .filter_map(|(k, v)| Some((k.scalar_text().filter(|k| k.starts_with("x-"))?, raw(v))))
        .collect();
    sort_keys(&mut found);
    out.0.extend(found);
}

/// A value printed as written (extension fields).
fn raw(y: &Yaml) -> Node {
    match &y.value {
        Value::Null => Node::Null,
        Value::Bool(b) => Node::Bool(*b),
        Value::Int(i) => Node::Int(*i),
        Value::Float(f) => Node::Float(*f),
        Value::Str(s) => Node::Str(s.clone()),
        Value::Seq(items) => Node::Seq(items.iter().map(raw).collect()),
        Value::Map(entries) => {
            let mut m: Vec<(String, Node)> = entries
                .iter()
                .map(|(k, v)| (k.scalar_text().unwrap_or_default(), raw(v)))
                .collect();
            sort_keys(&mut m);
            Node::Map(m)
        }
    }
}

/// The order yaml.v3 prints the keys of a Go map in: letters before other characters, runs of
/// digits by their value (`s2` before `s10`).
fn key_order(a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let (ar, br): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let less = |x: bool| if x { Ordering::Less } else { Ordering::Greater };
    for i in 0..ar.len().min(br.len()) {
        if ar[i] == br[i] {
            continue;
        }
        let (al, bl) = (ar[i].is_alphabetic(), br[i].is_alphabetic());
        if al && bl {
            return ar[i].cmp(&br[i]);
        }
        if al || bl {
            return less(bl);
        }
        let (mut an, mut bn) = (0i64, 0i64);
        if ar[i] == '0' || br[i] == '0' {
            let nonzero_before = ar[..i]
                .iter()
                .rev()
                .take_while(|c| c.is_ascii_digit())
                .any(|&c| c != '0');
            if nonzero_before {
                (an, bn) = (1, 1);
            }
        }
        let digits = |r: &[char], n: &mut i64| {
            let mut j = i;
            while j < r.len() && r[j].is_ascii_digit() {
                *n = n
                    .wrapping_mul(10)
                    .wrapping_add(i64::from(r[j] as u8 - b'0'));
                j += 1;
            }
            j
        };
        let (ai, bi) = (digits(&ar, &mut an), digits(&br, &mut bn));
        if an != bn {
            return an.cmp(&bn);
        }
        if ai != bi {
            return ai.cmp(&bi);
        }
        return ar[i].cmp(&br[i]);
    }
    ar.len().cmp(&br.len())
}

fn sort_keys(entries: &mut [(String, Node)]) {
    entries.sort_by(|a, b| key_order(&a.0, &b.0));
}

/// The whole config. `first` is the first file: docker/cli keeps the top-level `x-` keys of
/// the first file only.
pub fn config_view(merged: &Yaml, first: &Yaml, version: &str, ctx: &ViewContext) -> R<Node> {
    let mut out = Obj::default();
    out.put("version", Some(Node::Str(version.to_string())));
    let mut services = Vec::new();
    for (k, v) in merged
        .get("services")
        .and_then(Yaml::as_map)
        .unwrap_or_default()
    {
        let name = k.scalar_text().unwrap_or_default();
        services.push((name, service(v, ctx)?));
    }
    sort_keys(&mut services);
    out.put("services", Some(Node::Map(services)));
    for (section, kind) in [
        ("networks", Kind::Network),
        ("volumes", Kind::Volume),
        ("secrets", Kind::Secret),
        ("configs", Kind::Config),
    ] {
        let mut entries = Vec::new();
        for (k, v) in merged
            .get(section)
            .and_then(Yaml::as_map)
            .unwrap_or_default()
        {
            let name = k.scalar_text().unwrap_or_default();
            let node = top_level(kind, &name, v, ctx)?;
            entries.push((name, node));
        }
        sort_keys(&mut entries);
        out.put(section, nonempty_map(entries));
    }
    extras(first, &mut out);
    Ok(Node::Map(out.0))
}

fn nonempty_map(entries: Vec<(String, Node)>) -> Option<Node> {
    (!entries.is_empty()).then_some(Node::Map(entries))
}

fn service(y: &Yaml, ctx: &ViewContext) -> R<Node> {
    let g = |k: &str| y.get(k);
    let mut o = Obj::default();
    o.put("build", build(g("build")));
    o.put("cap_add", strings(g("cap_add")));
    o.put("cap_drop", strings(g("cap_drop")));
    o.put("cgroupns_mode", string(g("cgroupns_mode")));
    o.put("cgroup_parent", string(g("cgroup_parent")));
    o.put("command", shell_command(g("command"))?);
    o.put("configs", file_refs(g("configs")));
    o.put("container_name", string(g("container_name")));
    if let Some(c) = g("credential_spec") {
        let mut cs = Obj::default();
        for k in ["config", "file", "registry"] {
            cs.put(k, string(c.get(k)));
        }
        o.put("credential_spec", cs.nested());
    }
    o.put("depends_on", strings(g("depends_on")));
    o.put("deploy", deploy(g("deploy"))?);
    o.put("devices", strings(g("devices")));
    o.put("dns", string_list(g("dns")));
    o.put("dns_search", string_list(g("dns_search")));
    o.put("domainname", string(g("domainname")));
    o.put("entrypoint", shell_command(g("entrypoint"))?);
    o.put("environment", environment(y, ctx)?);
    o.put("env_file", string_list(g("env_file")));
    o.put("expose", strings(g("expose")));
    o.put("external_links", strings(g("external_links")));
    o.put("extra_hosts", g("extra_hosts").and_then(hosts_list));
    o.put("hostname", string(g("hostname")));
    o.put("healthcheck", healthcheck(g("healthcheck"))?);
    o.put("image", string(g("image")));
    o.put(
        "init",
        g("init").and_then(|i| match i.value {
            Value::Bool(b) => Some(Node::Bool(b)),
            _ => None,
        }),
    );
    o.put("ipc", string(g("ipc")));
    o.put("isolation", string(g("isolation")));
    o.put("labels", labels(g("labels")));
    o.put("links", strings(g("links")));
    o.put("logging", g("logging").map(logging));
    o.put("mac_address", string(g("mac_address")));
    o.put("network_mode", string(g("network_mode")));
    o.put("networks", g("networks").and_then(service_networks));
    o.put("pid", string(g("pid")));
    o.put("ports", service_ports(g("ports"))?);
    o.put("privileged", flag(g("privileged")));
    o.put("read_only", flag(g("read_only")));
    o.put("restart", string(g("restart")));
    o.put("secrets", file_refs(g("secrets")));
    o.put("security_opt", strings(g("security_opt")));
    o.put("shm_size", string(g("shm_size")));
    o.put("stdin_open", flag(g("stdin_open")));
    o.put("stop_grace_period", duration(g("stop_grace_period"), true)?);
    o.put("stop_signal", string(g("stop_signal")));
    o.put(
        "sysctls",
        g("sysctls").and_then(|s| map_node(mapping(s, false))),
    );
    o.put("tmpfs", string_list(g("tmpfs")));
    o.put("tty", flag(g("tty")));
    o.put("ulimits", g("ulimits").and_then(ulimits));
    o.put("user", string(g("user")));
    o.put("oom_score_adj", int(g("oom_score_adj"), false));
    o.put("userns_mode", string(g("userns_mode")));
    o.put("volumes", service_volumes(g("volumes"), ctx)?);
    o.put("working_dir", string(g("working_dir")));
    extras(y, &mut o);
    Ok(Node::Map(o.0))
}

fn build(y: Option<&Yaml>) -> Option<Node> {
    let y = y?;
    let mut o = Obj::default();
    if let Value::Str(s) = &y.value {
        o.put(
            "context",
            Some(Node::Str(s.clone())).filter(|_| !s.is_empty()),
        );
        return o.nested();
    }
    o.put("context", string(y.get("context")));
    o.put("dockerfile", string(y.get("dockerfile")));
    o.put(
        "args",
        y.get("args").and_then(|a| map_node(mapping(a, true))),
    );
    o.put("labels", labels(y.get("labels")));
    o.put("cache_from", string_list(y.get("cache_from")));
    o.put("extra_hosts", y.get("extra_hosts").and_then(hosts_list));
    o.put("network", string(y.get("network")));
    o.put("target", string(y.get("target")));
    o.nested()
}

/// `HostsList`: `host:ip` strings, from a mapping (sorted) or a list of `host:ip`/`host=ip`,
/// with the brackets of an IPv6 address removed.
fn hosts_list(y: &Yaml) -> Option<Node> {
    let pairs: Vec<String> = match &y.value {
        Value::Map(entries) => {
            let mut v: Vec<String> = entries
                .iter()
                .filter_map(|(k, v)| Some(format!("{}:{}", k.scalar_text()?, go_text(v)?)))
                .collect();
            v.sort();
            v
        }
        Value::Seq(items) => items
            .iter()
            .filter_map(|i| {
                let t = go_text(i)?;
                let (h, ip) = t.split_once('=').or_else(|| t.split_once(':'))?;
                Some(format!("{h}:{ip}"))
            })
            .collect(),
        _ => return None,
    };
    let unbracketed = pairs.into_iter().map(|p| {
        let (h, ip) = p.split_once(':').unwrap_or((&p, ""));
        let ip = match ip.strip_prefix('[').and_then(|i| i.strip_suffix(']')) {
            Some(inner) if ip.len() > 2 => inner,
            _ => ip,
        };
        Node::Str(format!("{h}:{ip}"))
    });
    nonempty(unbracketed.collect())
}

/// `secrets` and `configs` of a service: a name, or `{source, target, uid, gid, mode}`.
fn file_refs(y: Option<&Yaml>) -> Option<Node> {
    let items = y?.as_seq()?;
    nonempty(
        items
            .iter()
            .map(|i| match &i.value {
                Value::Map(_) => {
                    let mut o = Obj::default();
                    for k in ["source", "target", "uid", "gid"] {
                        o.put(k, string(i.get(k)));
                    }
                    o.put("mode", int(i.get("mode"), true));
                    o.pointer()
                }
                _ => Node::Map(vec![(
                    "source".into(),
                    Node::Str(go_text(i).unwrap_or_default()),
                )]),
            })
            .collect(),
    )
}

/// `environment` after docker/cli's `resolveEnvironment`: the `env_file`s in order, then the
/// `environment` entries; an entry without a value (or with an empty one) takes the value of
/// the variable when it is set.
fn environment(y: &Yaml, ctx: &ViewContext) -> R<Option<Node>> {
    let mut env: BTreeMap<String, Option<String>> = BTreeMap::new();
    let mut update = |vars: BTreeMap<String, Option<String>>| {
        for (k, v) in vars {
            let looked_up = ctx
                .env
                .get(&k)
                .filter(|_| v.as_deref().unwrap_or("").is_empty());
            env.insert(k, looked_up.cloned().or(v));
        }
    };
    if let Some(files) = y.get("env_file") {
        let names: Vec<String> = match &files.value {
            Value::Str(s) => vec![s.clone()],
            _ => files
                .as_seq()
                .unwrap_or_default()
                .iter()
                .filter_map(go_text)
                .collect(),
        };
        let mut vars = BTreeMap::new();
        for name in names {
            let path = abs_path(ctx.working_dir, &name);
            let text = (ctx.read_file)(&path).map_err(|e| fail(files, e))?;
            for line in interpolate::env_file_lines(&text) {
                match line {
                    interpolate::EnvLine::Var(k, v) => {
                        let v = v.or_else(|| ctx.env.get(&k).cloned());
                        vars.insert(k, v);
                    }
                    interpolate::EnvLine::Bad(_, message) => return Err(fail(files, message)),
                }
            }
        }
        update(vars);
    }
    if let Some(e) = y.get("environment") {
        update(mapping(e, true));
    }
    Ok(map_node(env))
}

fn healthcheck(y: Option<&Yaml>) -> R<Option<Node>> {
    let Some(y) = y else { return Ok(None) };
    let mut o = Obj::default();
    o.put(
        "test",
        match y.get("test").map(|t| &t.value) {
            Some(Value::Str(s)) => Some(Node::Seq(vec![
                Node::Str("CMD-SHELL".into()),
                Node::Str(s.clone()),
            ])),
            _ => strings(y.get("test")),
        },
    );
    o.put("timeout", duration(y.get("timeout"), true)?);
    o.put("interval", duration(y.get("interval"), true)?);
    o.put("retries", int(y.get("retries"), true));
    o.put("start_period", duration(y.get("start_period"), true)?);
    o.put("start_interval", duration(y.get("start_interval"), true)?);
    o.put("disable", flag(y.get("disable")));
    Ok(Some(o.pointer()))
}

fn logging(y: &Yaml) -> Node {
    let mut o = Obj::default();
    o.put("driver", string(y.get("driver")));
    o.put("options", y.get("options").and_then(string_map));
    o.pointer()
}

/// `map[string]string` (`driver_opts`, logging options): null values become "".
fn string_map(y: &Yaml) -> Option<Node> {
    y.as_map()?;
    map_node(mapping(y, false))
}

/// A service's `networks`: a list of names (each `null`) or a mapping of settings.
fn service_networks(y: &Yaml) -> Option<Node> {
    let entries: Vec<(String, Node)> = match &y.value {
        Value::Seq(items) => items
            .iter()
            .filter_map(go_text)
            .map(|n| (n, Node::Null))
            .collect(),
        Value::Map(entries) => entries
            .iter()
            .map(|(k, v)| {
                let name = k.scalar_text().unwrap_or_default();
                if v.value == Value::Null {
                    return (name, Node::Null);
                }
                let mut o = Obj::default();
                o.put("aliases", strings(v.get("aliases")));
                o.put("driver_opts", v.get("driver_opts").and_then(string_map));
                o.put("ipv4_address", string(v.get("ipv4_address")));
                o.put("ipv6_address", string(v.get("ipv6_address")));
                (name, o.pointer())
            })
            .collect(),
        _ => return None,
    };
    let mut entries = entries;
    sort_keys(&mut entries);
    entries.dedup_by(|a, b| a.0 == b.0);
    nonempty_map(entries)
}

/// Ports in the long syntax: a short-syntax entry expands as `nat.ParsePortSpecs` does (one
/// entry per port of a range, `mode: ingress`, `protocol` filled in); a long one is printed
/// as written.
fn service_ports(y: Option<&Yaml>) -> R<Option<Node>> {
    let Some(items) = y.and_then(Yaml::as_seq) else {
        return Ok(None);
    };
    let mut out = Vec::new();
    for item in items {
        if let Value::Map(_) = item.value {
            let mut o = Obj::default();
            o.put("mode", string(item.get("mode")));
            o.put("target", int(item.get("target"), false));
            o.put("published", int(item.get("published"), false));
            o.put("protocol", string(item.get("protocol")));
            out.push(o.pointer());
            continue;
        }
        let text = go_text(item).unwrap_or_default();
        let (expanded, _) = ports::short_ports(&text, item.span).map_err(|e| fail(item, e))?;
        for p in expanded {
            let mut o = Obj::default();
            // The short syntax always publishes through the routing mesh.
            o.put("mode", Some(Node::Str("ingress".into())));
            o.put(
                "target",
                Some(Node::Int(p.target.into())).filter(|_| p.target != 0),
            );
            o.put(
                "published",
                p.published.filter(|&n| n != 0).map(|n| Node::Int(n.into())),
            );
            o.put("protocol", Some(Node::Str(p.protocol.as_str().into())));
            out.push(o.pointer());
        }
    }
    Ok(nonempty(out))
}

fn ulimits(y: &Yaml) -> Option<Node> {
    let entries: Vec<(String, Node)> = y
        .as_map()?
        .iter()
        .map(|(k, v)| {
            let name = k.scalar_text().unwrap_or_default();
            let node = match &v.value {
                Value::Int(i) if *i != 0 => Node::Int(*i),
                _ => {
                    let mut o = Obj::default();
                    o.put("soft", int(v.get("soft"), false));
                    o.put("hard", int(v.get("hard"), false));
                    o.pointer()
                }
            };
            (name, node)
        })
        .collect();
    let mut entries = entries;
    sort_keys(&mut entries);
    nonempty_map(entries)
}

/// A service's `volumes`: the short syntax parsed as docker/cli's `ParseVolume`, bind sources
/// made absolute against the working directory (`~` is `$HOME`).
fn service_volumes(y: Option<&Yaml>, ctx: &ViewContext) -> R<Option<Node>> {
    let Some(items) = y.and_then(Yaml::as_seq) else {
        return Ok(None);
    };
    let mut out = Vec::new();
    for item in items {
        let mut v = match &item.value {
            Value::Str(s) => parse_volume(s).map_err(|e| fail(item, e))?,
            Value::Map(_) => long_volume(item),
            _ => return Err(fail(item, "invalid type for service volume")),
        };
        if v.kind == "bind" {
            if v.source.is_empty() {
                return Err(fail(
                    item,
                    "invalid mount config for type \"bind\": field Source must not be empty",
                ));
            }
            let mut src = v.source.clone();
            if src.starts_with('~') {
                if let Some(home) = ctx.env.get("HOME") {
                    src = src.replacen('~', home, 1);
                }
            }
            if !src.starts_with('/') && !is_windows_abs(&src) {
                src = abs_path(ctx.working_dir, &src);
            }
            v.source = src;
        }
        out.push(v.node());
    }
    Ok(nonempty(out))
}

/// `types.ServiceVolumeConfig`.
#[derive(Default)]
pub(super) struct Volume {
    kind: String,
    source: String,
    pub(super) target: String,
    read_only: bool,
    consistency: String,
    /// The nested option objects, already printed.
    options: Vec<(String, Node)>,
}

impl Volume {
    fn node(self) -> Node {
        let s = |t: String| Some(Node::Str(t.clone())).filter(|_| !t.is_empty());
        let mut o = Obj::default();
        o.put("type", s(self.kind));
        o.put("source", s(self.source));
        o.put("target", s(self.target));
        o.put("read_only", self.read_only.then_some(Node::Bool(true)));
        o.put("consistency", s(self.consistency));
        o.0.extend(self.options);
        o.pointer()
    }
}

fn long_volume(y: &Yaml) -> Volume {
    let text = |k: &str| y.get(k).and_then(go_text).unwrap_or_default();
    let mut options = Vec::new();
    for (key, fields) in [
        ("bind", &["propagation"][..]),
        ("volume", &["nocopy", "subpath"][..]),
        ("image", &["subpath"][..]),
        ("tmpfs", &["size"][..]),
        ("cluster", &[][..]),
    ] {
        let Some(obj) = y.get(key) else { continue };
        let mut o = Obj::default();
        for f in fields {
            let v = obj.get(f);
            o.put(
                f,
                match v.map(|v| &v.value) {
                    Some(Value::Bool(_)) => flag(v),
                    Some(Value::Int(_)) => int(v, false),
                    _ => string(v),
                },
            );
        }
        options.push((key.to_string(), o.pointer()));
    }
    Volume {
        kind: text("type"),
        source: text("source"),
        target: text("target"),
        read_only: matches!(
            y.get("read_only").map(|v| &v.value),
            Some(Value::Bool(true))
        ),
        consistency: text("consistency"),
        options,
    }
}

const PROPAGATIONS: &[&str] = &[
    "rprivate", "private", "rshared", "shared", "rslave", "slave",
];

/// docker/cli's `ParseVolume`: `[SOURCE:]TARGET[:MODE]`, a Windows drive letter kept whole.
pub(super) fn parse_volume(spec: &str) -> Result<Volume, String> {
    let mut v = Volume::default();
    let chars: Vec<char> = spec.chars().collect();
    match chars.len() {
        0 => return Err("invalid empty volume spec".into()),
        1 | 2 => {
            v.target = spec.to_string();
            v.kind = "volume".into();
            return Ok(v);
        }
        _ => {}
    }
    let mut buffer: Vec<char> = Vec::new();
    let mut volume_opts: Option<Node> = None;
    let mut bind_opts: Option<Node> = None;
    for (i, &c) in chars.iter().chain(std::iter::once(&'\0')).enumerate() {
        let end = i == chars.len();
        if c == ':' && buffer.len() == 1 && buffer[0].is_alphabetic() {
            buffer.push(c);
            continue;
        }
        if c != ':' && !end {
            buffer.push(c);
            continue;
        }
        let text: String = buffer.iter().collect();
        if buffer.is_empty() {
            return Err(format!(
                "invalid spec: {spec}: empty section between colons"
            ));
        } else if v.source.is_empty() && end {
            v.target = text;
        } else if v.source.is_empty() {
            v.source = text;
        } else if v.target.is_empty() {
            v.target = text;
        } else if !end {
            return Err(format!("invalid spec: {spec}: too many colons"));
        } else {
            for option in text.split(',') {
                match option {
                    "ro" => v.read_only = true,
                    "rw" => v.read_only = false,
                    "nocopy" => {
                        volume_opts = Some(Node::Map(vec![("nocopy".into(), Node::Bool(true))]))
                    }
                    o if PROPAGATIONS.contains(&o) => {
                        bind_opts = Some(Node::Map(vec![(
                            "propagation".into(),
                            Node::Str(o.to_string()),
                        )]))
                    }
                    _ => {}
                }
            }
        }
        buffer.clear();
    }
    v.kind = if !v.source.is_empty() && is_file_path(&v.source) {
        "bind".into()
    } else {
        "volume".into()
    };
    if let Some(b) = bind_opts {
        v.options.push(("bind".into(), b));
    }
    if let Some(n) = volume_opts {
        v.options.push(("volume".into(), n));
    }
    Ok(v)
}

fn is_file_path(source: &str) -> bool {
    if source.starts_with(['.', '/', '~']) {
        return true;
    }
    let mut chars = source.chars();
    let (Some(first), Some(second)) = (chars.next(), chars.next()) else {
        return false;
    };
    source.starts_with("\\\\") || (first.is_alphabetic() && second == ':')
}

fn is_windows_abs(path: &str) -> bool {
    let b = path.as_bytes();
    path.starts_with("\\\\")
        || (b.len() >= 3
            && b[0].is_ascii_alphabetic()
            && b[1] == b':'
            && matches!(b[2], b'\\' | b'/'))
}

/// Go's `filepath.Join(dir, path)` for a relative `path` (cleaned), or `path` if absolute.
pub fn abs_path(dir: &str, path: &str) -> String {
    if path.starts_with('/') {
        return path.to_string();
    }
    clean(&format!("{dir}/{path}"))
}

/// Go's `path.Clean` for an absolute path.
fn clean(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for p in path.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

fn deploy(y: Option<&Yaml>) -> R<Option<Node>> {
    let Some(y) = y else { return Ok(None) };
    let mut o = Obj::default();
    o.put("mode", string(y.get("mode")));
    o.put("replicas", int(y.get("replicas"), true));
    o.put("labels", labels(y.get("labels")));
    for key in ["update_config", "rollback_config"] {
        let Some(u) = y.get(key) else { continue };
        let mut c = Obj::default();
        c.put("parallelism", int(u.get("parallelism"), true));
        c.put("delay", duration(u.get("delay"), false)?);
        c.put("failure_action", string(u.get("failure_action")));
        c.put("monitor", duration(u.get("monitor"), false)?);
        c.put("max_failure_ratio", ratio(u.get("max_failure_ratio")));
        c.put("order", string(u.get("order")));
        o.put(key, Some(c.pointer()));
    }
    if let Some(r) = y.get("resources") {
        let mut res = Obj::default();
        for key in ["limits", "reservations"] {
            let Some(l) = r.get(key) else { continue };
            let mut c = Obj::default();
            c.put("cpus", string(l.get("cpus")));
            c.put("memory", size(l.get("memory"))?);
            if key == "limits" {
                c.put("pids", int(l.get("pids"), false));
            } else {
                c.put(
                    "generic_resources",
                    generic_resources(l.get("generic_resources")),
                );
            }
            res.put(key, Some(c.pointer()));
        }
        o.put("resources", res.nested());
    }
    if let Some(r) = y.get("restart_policy") {
        let mut c = Obj::default();
        c.put("condition", string(r.get("condition")));
        c.put("delay", duration(r.get("delay"), true)?);
        c.put("max_attempts", int(r.get("max_attempts"), true));
        c.put("window", duration(r.get("window"), true)?);
        o.put("restart_policy", Some(c.pointer()));
    }
    if let Some(p) = y.get("placement") {
        let mut c = Obj::default();
        c.put("constraints", strings(p.get("constraints")));
        c.put(
            "preferences",
            p.get("preferences")
                .and_then(Yaml::as_seq)
                .and_then(|items| {
                    nonempty(
                        items
                            .iter()
                            .map(|i| {
                                let mut s = Obj::default();
                                s.put("spread", string(i.get("spread")));
                                s.pointer()
                            })
                            .collect(),
                    )
                }),
        );
        c.put(
            "max_replicas_per_node",
            int(p.get("max_replicas_per_node"), false),
        );
        o.put("placement", c.nested());
    }
    o.put("endpoint_mode", string(y.get("endpoint_mode")));
    Ok(o.nested())
}

/// `max_failure_ratio` is a `float32`, printed with float32's shortest digits.
fn ratio(y: Option<&Yaml>) -> Option<Node> {
    let f = match y?.value {
        Value::Float(f) => f,
        Value::Int(i) => i as f64,
        _ => return None,
    };
    let short: f64 = format!("{}", f as f32).parse().unwrap_or(f);
    (short != 0.0).then_some(Node::Float(short))
}

fn generic_resources(y: Option<&Yaml>) -> Option<Node> {
    let items = y?.as_seq()?;
    nonempty(
        items
            .iter()
            .map(|i| {
                let mut o = Obj::default();
                if let Some(d) = i.get("discrete_resource_spec") {
                    let kind = d.get("kind").and_then(go_text).unwrap_or_default();
                    let value = match d.get("value").map(|v| &v.value) {
                        Some(Value::Int(n)) => *n,
                        _ => 0,
                    };
                    o.put(
                        "discrete_resource_spec",
                        Some(Node::Map(vec![
                            ("kind".into(), Node::Str(kind)),
                            ("value".into(), Node::Int(value)),
                        ])),
                    );
                }
                o.pointer()
            })
            .collect(),
    )
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Network,
    Volume,
    Secret,
    Config,
}

impl Kind {
    fn word(self) -> &'static str {
        match self {
            Kind::Network => "network",
            Kind::Volume => "volume",
            Kind::Secret => "secret",
            Kind::Config => "config",
        }
    }
}

/// A top-level network, volume, secret or config: `external` resolved as docker/cli's
/// `LoadNetworks`/`LoadVolumes`/`loadFileObjectConfig` do.
fn top_level(kind: Kind, name: &str, y: &Yaml, ctx: &ViewContext) -> R<Node> {
    let word = kind.word();
    let (external, external_name) = match y.get("external").map(|e| &e.value) {
        Some(Value::Bool(b)) => (*b, String::new()),
        Some(Value::Map(_)) => (
            true,
            y.get("external")
                .and_then(|e| e.get("name"))
                .and_then(go_text)
                .unwrap_or_default(),
        ),
        _ => (false, String::new()),
    };
    let mut obj_name = y.get("name").and_then(go_text).unwrap_or_default();
    let driver = y.get("driver").and_then(go_text).unwrap_or_default();
    let mut file = y.get("file").and_then(go_text).unwrap_or_default();
    if external {
        if kind == Kind::Volume {
            for key in ["driver", "driver_opts", "labels"] {
                let set = match key {
                    "driver" => !driver.is_empty(),
                    _ => y.get(key).is_some_and(|v| match &v.value {
                        Value::Map(m) => !m.is_empty(),
                        Value::Seq(s) => !s.is_empty(),
                        _ => false,
                    }),
                };
                if set {
                    return Err(fail(
                        y,
                        format!(
                            "conflicting parameters \"external\" and {key:?} specified for volume {name:?}"
                        ),
                    ));
                }
            }
        }
        if !external_name.is_empty() {
            if !obj_name.is_empty() {
                return Err(fail(
                    y,
                    format!("{word} {name}: {word}.external.name and {word}.name conflict; only use {word}.name"),
                ));
            }
            obj_name = external_name;
        } else if obj_name.is_empty() {
            obj_name = name.to_string();
        }
    } else if matches!(kind, Kind::Secret | Kind::Config) {
        if !driver.is_empty() {
            if !file.is_empty() {
                return Err(fail(
                    y,
                    format!("{word} {name}: {word}.driver and {word}.file conflict; only use {word}.driver"),
                ));
            }
        } else {
            file = abs_path(ctx.working_dir, &file);
        }
    }
    let mut o = Obj::default();
    let s = |t: String| Some(Node::Str(t.clone())).filter(|_| !t.is_empty());
    o.put("name", s(obj_name));
    match kind {
        Kind::Network => {
            o.put("driver", s(driver));
            o.put("driver_opts", y.get("driver_opts").and_then(string_map));
            if let Some(ipam) = y.get("ipam") {
                let mut i = Obj::default();
                i.put("driver", string(ipam.get("driver")));
                i.put(
                    "config",
                    ipam.get("config").and_then(Yaml::as_seq).and_then(|pools| {
                        nonempty(
                            pools
                                .iter()
                                .map(|p| {
                                    let mut s = Obj::default();
                                    s.put("subnet", string(p.get("subnet")));
                                    s.pointer()
                                })
                                .collect(),
                        )
                    }),
                );
                o.put("ipam", i.nested());
            }
            o.put("external", external.then_some(Node::Bool(true)));
            o.put("internal", flag(y.get("internal")));
            o.put("attachable", flag(y.get("attachable")));
            o.put("labels", labels(y.get("labels")));
        }
        Kind::Volume => {
            o.put("driver", s(driver));
            o.put("driver_opts", y.get("driver_opts").and_then(string_map));
            o.put("external", external.then_some(Node::Bool(true)));
            o.put("labels", labels(y.get("labels")));
        }
        Kind::Secret | Kind::Config => {
            o.put("file", s(file));
            o.put("external", external.then_some(Node::Bool(true)));
            o.put("labels", labels(y.get("labels")));
        }
    }
    // docker/cli copies the `x-` keys of networks and volumes only when they are external.
    if external || matches!(kind, Kind::Secret | Kind::Config) {
        extras(y, &mut o);
    }
    if matches!(kind, Kind::Secret | Kind::Config) {
        o.put("driver", string(y.get("driver")));
        o.put("driver_opts", y.get("driver_opts").and_then(string_map));
        o.put("template_driver", string(y.get("template_driver")));
    }
    if kind == Kind::Volume {
        if let Some(spec) = y.get("x-cluster-spec").filter(|_| !external) {
            o.put("x-cluster-spec", cluster_spec(spec)?);
        }
    }
    Ok(o.pointer())
}

/// `types.ClusterVolumeSpec`, the CSI settings of a volume (`x-cluster-spec`).
fn cluster_spec(y: &Yaml) -> R<Option<Node>> {
    let mut o = Obj::default();
    o.put("group", string(y.get("group")));
    if let Some(a) = y.get("access_mode") {
        let mut m = Obj::default();
        m.put("scope", string(a.get("scope")));
        m.put("sharing", string(a.get("sharing")));
        if let Some(mv) = a.get("mount_volume") {
            let mut v = Obj::default();
            v.put("fs_type", string(mv.get("fs_type")));
            v.put("mount_flags", strings(mv.get("mount_flags")));
            m.put("mount_volume", Some(v.pointer()));
        }
        if a.get("block_volume").is_some() {
            m.put("block_volume", Some(Obj::default().pointer()));
        }
        o.put("access_mode", Some(m.pointer()));
    }
    if let Some(r) = y.get("accessibility_requirements") {
        let mut m = Obj::default();
        for key in ["requisite", "preferred"] {
            let topologies = r.get(key).and_then(Yaml::as_seq).unwrap_or_default();
            m.put(
                key,
                nonempty(
                    topologies
                        .iter()
                        .map(|t| {
                            let mut s = Obj::default();
                            s.put(
                                "segments",
                                t.get("segments").and_then(|g| map_node(mapping(g, false))),
                            );
                            s.pointer()
                        })
                        .collect(),
                ),
            );
        }
        o.put("accessibility_requirements", Some(m.pointer()));
    }
    if let Some(c) = y.get("capacity_range") {
        let mut m = Obj::default();
        m.put("required_bytes", size(c.get("required_bytes"))?);
        m.put("limit_bytes", size(c.get("limit_bytes"))?);
        o.put("capacity_range", Some(m.pointer()));
    }
    o.put(
        "secrets",
        y.get("secrets").and_then(Yaml::as_seq).and_then(|items| {
            nonempty(
                items
                    .iter()
                    .map(|i| {
                        let mut s = Obj::default();
                        s.put("key", string(i.get("key")));
                        s.put("secret", string(i.get("secret")));
                        s.pointer()
                    })
                    .collect(),
            )
        }),
    );
    o.put("availability", string(y.get("availability")));
    Ok(Some(o.pointer()))
}

impl Node {
    /// As yaml.v3 prints it with an indent of 2 (strings quoted only when they must be).
    pub fn to_yaml(&self) -> String {
        let mut out = String::new();
        match self {
            Node::Map(entries) if !entries.is_empty() => emit_map(entries, 0, &mut out),
            Node::Seq(items) if !items.is_empty() => emit_seq(items, 0, &mut out),
            scalar => {
                out.push_str(&inline(scalar));
                out.push('\n');
            }
        }
        out
    }

    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            Node::Null => J::Null,
            Node::Bool(b) => J::Bool(*b),
            Node::Int(i) => i64::try_from(*i)
                .map(J::from)
                .unwrap_or_else(|_| J::from(*i as f64)),
            Node::Float(f) => J::from(*f),
            Node::Str(s) => J::String(s.clone()),
            Node::Seq(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Node::Map(entries) => J::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_json()))
                    .collect(),
            ),
        }
    }
}

fn is_block(n: &Node) -> bool {
    match n {
        Node::Map(m) => !m.is_empty(),
        Node::Seq(s) => !s.is_empty(),
        _ => false,
    }
}

fn emit_map(entries: &[(String, Node)], indent: usize, out: &mut String) {
    for (k, v) in entries {
        out.push_str(&" ".repeat(indent));
        out.push_str(&quote(k));
        out.push(':');
        emit_value(v, indent, out);
    }
}

fn emit_value(v: &Node, indent: usize, out: &mut String) {
    match v {
        Node::Map(m) if !m.is_empty() => {
            out.push('\n');
            emit_map(m, indent + 2, out);
        }
        Node::Seq(s) if !s.is_empty() => {
            out.push('\n');
            emit_seq(s, indent + 2, out);
        }
        scalar => {
            out.push(' ');
            out.push_str(&inline(scalar));
            out.push('\n');
        }
    }
}

fn emit_seq(items: &[Node], indent: usize, out: &mut String) {
    for item in items {
        out.push_str(&" ".repeat(indent));
        out.push('-');
        match item {
            Node::Map(m) if !m.is_empty() => {
                // The first key on the dash's line, the others aligned under it.
                let mut first = String::new();
                emit_map(&m[..1], indent + 2, &mut first);
                out.push(' ');
                out.push_str(first.trim_start());
                emit_map(&m[1..], indent + 2, out);
            }
            n if is_block(n) => emit_value(n, indent, out),
            scalar => {
                out.push(' ');
                out.push_str(&inline(scalar));
                out.push('\n');
            }
        }
    }
}

fn inline(n: &Node) -> String {
    match n {
        Node::Null => "null".into(),
        Node::Bool(b) => b.to_string(),
        Node::Int(i) => i.to_string(),
        Node::Float(f) => {
            let s = format!("{f:?}");
            if f.is_finite() {
                s
            } else if f.is_nan() {
                ".nan".into()
            } else if *f > 0.0 {
                ".inf".into()
            } else {
                "-.inf".into()
            }
        }
        Node::Str(s) => quote(s),
        Node::Map(_) => "{}".into(),
        Node::Seq(_) => "[]".into(),
    }
}

/// Whether yaml.v3 would read the text as a number or a timestamp: decimal, `0x`/`0o`/`0b`
/// integers, floats (`3.8`, `1e5`, `.5`), dates (`2001-12-14`). `172.18.0.1`, `1000:1000` and
/// `10s` read as strings.
fn looks_numeric(s: &str) -> bool {
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit() || b == b'_');
    let radix = ["0x", "0o", "0b"].iter().any(|p| {
        body.strip_prefix(p)
            .is_some_and(|r| !r.is_empty() && r.bytes().all(|b| b.is_ascii_hexdigit() || b == b'_'))
    });
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let float = match mantissa.split_once('.') {
        Some((int, frac)) => {
            (int.is_empty() || digits(int))
                && (frac.is_empty() || digits(frac))
                && !(int.is_empty() && frac.is_empty())
        }
        None => digits(mantissa),
    } && exponent.is_none_or(|e| digits(e.strip_prefix(['-', '+']).unwrap_or(e)));
    let date =
        s.len() >= 8 && s.as_bytes()[..4].iter().all(u8::is_ascii_digit) && s.as_bytes()[4] == b'-';
    // YAML 1.1's base-60 numbers (`01:00`, `1:30:15`), which yaml.v3 also quotes.
    let base60 = body.split_once(':').is_some_and(|(head, rest)| {
        let rest = rest.split_once('.').map_or(rest, |(r, frac)| {
            if digits(frac) || frac.is_empty() {
                r
            } else {
                "x"
            }
        });
        body.starts_with(|c: char| c.is_ascii_digit())
            && digits(head)
            && rest.split(':').all(|g| {
                matches!(g.len(), 1 | 2)
                    && g.bytes().all(|b| b.is_ascii_digit())
                    && (g.len() == 1 || g.as_bytes()[0] <= b'5')
            })
    });
    digits(body) || radix || float || date || base60
}

/// A string plain when YAML reads it back as the same string, else quoted as yaml.v3 does
/// (JSON's escapes are YAML's).
fn quote(s: &str) -> String {
    let plain_char =
        |c: char| c.is_ascii_alphanumeric() || "_-./=+@%,()<>~^$&*!?'\"\\;[]{}|` :#".contains(c);
    let reserved = matches!(
        s.to_ascii_lowercase().as_str(),
        "null"
            | "~"
            | "true"
            | "false"
            | "yes"
            | "no"
            | "on"
            | "off"
            | "y"
            | "n"
            | ".inf"
            | "-.inf"
            | "+.inf"
            | ".nan"
    );
    let first = s.chars().next();
    let plain = !s.is_empty()
        && !reserved
        && s.chars().all(plain_char)
        && !s.starts_with(' ')
        && !s.ends_with(' ')
        && !s.ends_with(':')
        && !s.contains(": ")
        && !s.contains(" #")
        && !looks_numeric(s)
        && s != "-"
        && !first.is_some_and(|c| "?,[]{}#&*!|>'\"%@`~=".contains(c))
        && !(s.starts_with(':') && (s.len() == 1 || s[1..].starts_with(' ')))
        && !(s.starts_with(['-', '.', '+'])
            && s[1..].starts_with(|c: char| c.is_ascii_digit() || c == '.'))
        && !s.starts_with("- ")
        && !s.starts_with("---");
    if plain {
        s.to_string()
    } else if !s.is_empty()
        && !reserved
        && !looks_numeric(s)
        && s.chars().all(|c| c == ' ' || c.is_ascii_graphic())
    {
        // yaml.v3's choice: double quotes for text that would read back as another type,
        // single quotes (a quote doubled) for other printable text.
        format!("'{}'", s.replace('\'', "''"))
    } else {
        serde_json::to_string(s).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn volume_short_syntax() {
        let v = parse_volume("./data:/data:ro").unwrap();
        assert_eq!(
            (
                v.kind.as_str(),
                v.source.as_str(),
                v.target.as_str(),
                v.read_only
            ),
            ("bind", "./data", "/data", true)
        );
        let v = parse_volume("db:/var/lib/db").unwrap();
        assert_eq!(v.kind, "volume");
        let v = parse_volume("/var/lib/db").unwrap();
        assert_eq!(
            (v.kind.as_str(), v.source.as_str(), v.target.as_str()),
            ("volume", "", "/var/lib/db")
        );
        assert!(parse_volume("vol:/x:ro:extra").is_err());
        // A letter and a colon are a Windows drive, as in docker/cli.
        assert_eq!(parse_volume("a:b:c:d").unwrap().source, "a:b");
        assert!(parse_volume("vol::/x").is_err());
    }

    #[test]
    fn keys_in_yaml_v3_order() {
        let mut keys = vec![
            "s10",
            "s2",
            "KAFKA_LISTENERS",
            "KAFKA_LISTENER_MAP",
            "a",
            "B",
        ];
        keys.sort_by(|a, b| key_order(a, b));
        assert_eq!(
            keys,
            [
                "B",
                "KAFKA_LISTENER_MAP",
                "KAFKA_LISTENERS",
                "a",
                "s2",
                "s10"
            ]
        );
    }

    #[test]
    fn paths_join_as_go() {
        assert_eq!(abs_path("/w", "./a/../b"), "/w/b");
        assert_eq!(abs_path("/w", "/abs/"), "/abs/");
        assert_eq!(clean("/w/"), "/w");
    }

    #[test]
    fn quoting_keeps_strings_strings() {
        for s in [
            "1073741824",
            "true",
            "null",
            "",
            "a: b",
            "- x",
            "3.8",
            "-1",
            "~",
            "@x",
            "*",
            "0x1F",
            "1e5",
            "01:00",
            "2001-12-14",
            ".inf",
            "-",
        ] {
            assert!(quote(s).starts_with(['\'', '"']), "{s}");
        }
        // yaml.v3 double-quotes what would read back as another type, single-quotes the rest.
        assert_eq!(quote("3.8"), "\"3.8\"");
        assert_eq!(quote("{a}"), "'{a}'");
        assert_eq!(quote("it's: x"), "'it''s: x'");
        for s in [
            "nginx:1.20",
            "--config.file=/x",
            "node.role == manager",
            "/var/run",
            "1m30s",
            "172.18.0.1",
            "1000:1000",
            ".",
            ":/x",
        ] {
            assert_eq!(quote(s), s);
        }
    }
}
