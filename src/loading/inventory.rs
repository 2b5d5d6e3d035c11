//! Node inventories, in two formats recognised by their content: swarmproof's own YAML/JSON
//! (`nodes:` list; docs/inventory.md) and the JSON array `docker node inspect $(docker node ls -q)`
//! prints (the Engine API's Node objects), read as is so a real cluster can be snapshotted.

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostics::{Diagnostic, FileId, SourceMap};
use crate::loading::codes;
use crate::loading::values;
use crate::loading::yaml::{self, Value, Yaml};
use crate::model::{
    Availability, Cluster, GenericCapacity, ManagerStatus, Node, NodeState, Plugin, Reachability,
    Role,
};

/// Reads one inventory file into a cluster; problems are diagnostics, never panics.
pub fn load_inventory(sources: &SourceMap, file: FileId) -> (Cluster, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut cluster = Cluster::new(Vec::new());
    let Some(source) = sources.get(file) else {
        return (cluster, diags);
    };
    let tree = match yaml::parse(file, source) {
        Ok(t) => t,
        Err(e) => {
            diags.push(e.diagnostic());
            return (cluster, diags);
        }
    };
    let mut r = Reader { diags: &mut diags };
    match &tree.value {
        Value::Seq(items) => {
            cluster.nodes = items.iter().filter_map(|n| r.docker_node(n)).collect()
        }
        Value::Map(_) => {
            if let Some(label) = tree.get("domain_label").and_then(Yaml::scalar_text) {
                cluster.domain_label = label;
            }
            match tree.get("nodes") {
                Some(Yaml { value: Value::Seq(items), .. }) => {
                    let label = cluster.domain_label.clone();
                    cluster.nodes = items.iter().filter_map(|n| r.own_node(n, &label)).collect();
                }
                Some(other) => r.bad(other, "nodes must be a list of nodes"),
                None => r.bad(&tree, "an inventory has a `nodes` list (or is the JSON array of `docker node inspect`)"),
            }
        }
        _ => diags.push(
            Diagnostic::error(
                &codes::NOT_A_MAPPING,
                format!("{}: not a node inventory", source.name),
            )
            .with_primary(Some(tree.span), format!("found {}", tree.value.type_name())),
        ),
    }
    check_duplicates(&cluster, &mut diags);
    if cluster.nodes.is_empty() && diags.is_empty() {
        diags.push(
            Diagnostic::warning(&codes::INVENTORY_EMPTY, "the inventory lists no node")
                .with_primary(Some(tree.span), "no nodes here"),
        );
    }
    (cluster, diags)
}

fn check_duplicates(cluster: &Cluster, diags: &mut Vec<Diagnostic>) {
    let mut ids = BTreeSet::new();
    let mut hosts = BTreeSet::new();
    for n in &cluster.nodes {
        let dup = if !hosts.insert(n.hostname.as_str()) {
            Some(format!("hostname {} appears twice", n.hostname))
        } else if !ids.insert(n.id.as_str()) {
            Some(format!("node id {} appears twice", n.id))
        } else {
            None
        };
        if let Some(msg) = dup {
            diags.push(
                Diagnostic::error(&codes::INVENTORY_DUPLICATE, msg)
                    .with_primary(n.span, "duplicate"),
            );
        }
    }
}

struct Reader<'d> {
    diags: &'d mut Vec<Diagnostic>,
}

impl Reader<'_> {
    fn bad(&mut self, y: &Yaml, msg: impl Into<String>) {
        let msg = msg.into();
        self.diags.push(
            Diagnostic::error(&codes::INVENTORY_INVALID, msg.clone())
                .with_primary(Some(y.span), msg),
        );
    }

    fn text(&mut self, y: Option<&Yaml>, what: &str) -> Option<String> {
        let y = y?;
        let t = y.scalar_text();
        if t.is_none() && y.value != Value::Null {
            self.bad(y, format!("{what} must be a string"));
        }
        t
    }

    fn labels(&mut self, y: Option<&Yaml>, what: &str) -> BTreeMap<String, String> {
        let Some(y) = y else { return BTreeMap::new() };
        match &y.value {
            Value::Map(m) => m
                .iter()
                .filter_map(|(k, v)| Some((k.scalar_text()?, v.scalar_text().unwrap_or_default())))
                .collect(),
            Value::Null => BTreeMap::new(),
            _ => {
                self.bad(
                    y,
                    format!("{what} must be a mapping of label names to values"),
                );
                BTreeMap::new()
            }
        }
    }

    fn choice<T: Copy>(
        &mut self,
        y: Option<&Yaml>,
        what: &str,
        options: &[(&str, T)],
        default: T,
    ) -> T {
        let Some(y) = y else { return default };
        let text = y.scalar_text().unwrap_or_default().to_ascii_lowercase();
        match options.iter().find(|(name, _)| *name == text) {
            Some(&(_, v)) => v,
            None => {
                let names: Vec<&str> = options.iter().map(|(n, _)| *n).collect();
                self.bad(
                    y,
                    format!("{what} must be one of {}, not {text:?}", names.join(", ")),
                );
                default
            }
        }
    }

    fn roles(&mut self, y: Option<&Yaml>) -> Role {
        self.choice(
            y,
            "role",
            &[("worker", Role::Worker), ("manager", Role::Manager)],
            Role::Worker,
        )
    }

    fn availability(&mut self, y: Option<&Yaml>) -> Availability {
        self.choice(
            y,
            "availability",
            &[
                ("active", Availability::Active),
                ("pause", Availability::Pause),
                ("drain", Availability::Drain),
            ],
            Availability::Active,
        )
    }

    fn state(&mut self, y: Option<&Yaml>) -> NodeState {
        self.choice(
            y,
            "status",
            &[
                ("ready", NodeState::Ready),
                ("down", NodeState::Down),
                ("unknown", NodeState::Unknown),
                ("disconnected", NodeState::Disconnected),
            ],
            NodeState::Ready,
        )
    }

    fn reachability(&mut self, y: Option<&Yaml>) -> Reachability {
        self.choice(
            y,
            "reachability",
            &[
                ("reachable", Reachability::Reachable),
                ("unreachable", Reachability::Unreachable),
                ("unknown", Reachability::Unknown),
            ],
            Reachability::Reachable,
        )
    }

    /// Our format: `cpus` as a number or string, `memory` as bytes or a go-units size.
    fn own_node(&mut self, y: &Yaml, domain_label: &str) -> Option<Node> {
        if y.as_map().is_none() {
            self.bad(y, "a node must be a mapping");
            return None;
        }
        let Some(hostname) = self.text(y.get("hostname"), "hostname") else {
            self.bad(y, "a node needs a hostname");
            return None;
        };
        let mut n = Node::new(hostname);
        // The hostname names the node: a finding about it underlines the name, not the first
        // character of its mapping.
        n.span = y.get("hostname").map(|h| h.span).or(Some(y.span));
        if let Some(id) = self.text(y.get("id"), "id") {
            n.id = id;
        }
        n.role = self.roles(y.get("role"));
        n.availability = self.availability(y.get("availability"));
        n.state = self.state(y.get("status"));
        n.labels = self.labels(y.get("labels"), "labels");
        n.engine_labels = self.labels(y.get("engine_labels"), "engine_labels");
        n.engine_version = self.text(y.get("engine_version"), "engine_version");
        if let Some(zone) = self.text(y.get(domain_label), domain_label) {
            n.labels.insert(domain_label.to_string(), zone);
        }
        n.addr = self.text(y.get("addr"), "addr");
        if let Some(p) = y.get("platform") {
            n.platform.os = self.text(p.get("os"), "platform.os").unwrap_or_default();
            n.platform.arch = self
                .text(p.get("arch"), "platform.arch")
                .unwrap_or_default();
        }
        if let Some(r) = y.get("resources") {
            self.own_resources(r, &mut n);
        }
        if let Some(p) = y.get("plugins") {
            n.plugins = Some(
                p.as_seq()
                    .unwrap_or(&[])
                    .iter()
                    .filter_map(|p| {
                        Some(Plugin {
                            kind: p.get("type")?.scalar_text()?,
                            name: p.get("name")?.scalar_text()?,
                        })
                    })
                    .collect(),
            );
        }
        if n.role == Role::Manager {
            n.manager = Some(ManagerStatus {
                leader: y
                    .get("leader")
                    .is_some_and(|l| l.value == Value::Bool(true)),
                reachability: self.reachability(y.get("reachability")),
                addr: None,
            });
        }
        Some(n)
    }

    fn own_resources(&mut self, r: &Yaml, n: &mut Node) {
        if let Some(c) = r.get("cpus") {
            let text = c.scalar_text().unwrap_or_default();
            match values::parse_cpus(&text) {
                Ok(v) => n.nano_cpus = v,
                Err(e) => self.bad(c, format!("resources.cpus: {e}")),
            }
        }
        if let Some(m) = r.get("memory") {
            let parsed = match &m.value {
                Value::Int(i) => u64::try_from(*i).map_err(|_| "must not be negative".to_string()),
                _ => values::parse_size(&m.scalar_text().unwrap_or_default())
                    .map_err(|e| e.to_string()),
            };
            match parsed {
                Ok(v) => n.memory_bytes = v,
                Err(e) => self.bad(m, format!("resources.memory: {e}")),
            }
        }
        if let Some(Value::Map(g)) = r.get("generic").map(|g| &g.value) {
            for (k, v) in g {
                let Some(kind) = k.scalar_text() else {
                    continue;
                };
                let cap = match &v.value {
                    Value::Int(i) if *i >= 0 => {
                        GenericCapacity::Discrete(u64::try_from(*i).unwrap_or(u64::MAX))
                    }
                    Value::Seq(items) => {
                        GenericCapacity::Named(items.iter().filter_map(Yaml::scalar_text).collect())
                    }
                    _ => {
                        self.bad(v, "a generic resource is a count or a list of names");
                        continue;
                    }
                };
                n.generic.insert(kind, cap);
            }
        }
    }

    /// One object of `docker node inspect`.
    fn docker_node(&mut self, y: &Yaml) -> Option<Node> {
        let desc = y.get("Description");
        let spec = y.get("Spec");
        let status = y.get("Status");
        let Some(id) = self.text(y.get("ID"), "ID") else {
            self.bad(y, "a docker node object needs an ID");
            return None;
        };
        let hostname = self
            .text(desc.and_then(|d| d.get("Hostname")), "Description.Hostname")
            .unwrap_or_else(|| id.clone());
        let mut n = Node::new(hostname);
        n.id = id;
        n.span = desc
            .and_then(|d| d.get("Hostname"))
            .map(|h| h.span)
            .or(Some(y.span));
        n.role = self.roles(spec.and_then(|s| s.get("Role")));
        n.availability = self.availability(spec.and_then(|s| s.get("Availability")));
        n.labels = self.labels(spec.and_then(|s| s.get("Labels")), "Spec.Labels");
        n.state = self.state(status.and_then(|s| s.get("State")));
        n.addr = self.text(status.and_then(|s| s.get("Addr")), "Status.Addr");
        if let Some(d) = desc {
            if let Some(p) = d.get("Platform") {
                n.platform.os = self.text(p.get("OS"), "Platform.OS").unwrap_or_default();
                n.platform.arch = self
                    .text(p.get("Architecture"), "Platform.Architecture")
                    .unwrap_or_default();
            }
            if let Some(r) = d.get("Resources") {
                n.nano_cpus = int_field(r.get("NanoCPUs"));
                n.memory_bytes = int_field(r.get("MemoryBytes"));
                for g in r
                    .get("GenericResources")
                    .and_then(Yaml::as_seq)
                    .unwrap_or(&[])
                {
                    if let Some(d) = g.get("DiscreteResourceSpec") {
                        if let Some(kind) = d.get("Kind").and_then(Yaml::scalar_text) {
                            n.generic
                                .insert(kind, GenericCapacity::Discrete(int_field(d.get("Value"))));
                        }
                    } else if let Some(named) = g.get("NamedResourceSpec") {
                        if let (Some(kind), Some(value)) = (
                            named.get("Kind").and_then(Yaml::scalar_text),
                            named.get("Value").and_then(Yaml::scalar_text),
                        ) {
                            if let GenericCapacity::Named(items) = n
                                .generic
                                .entry(kind)
                                .or_insert(GenericCapacity::Named(Vec::new()))
                            {
                                items.push(value);
                            }
                        }
                    }
                }
            }
            if let Some(e) = d.get("Engine") {
                n.engine_labels = self.labels(e.get("Labels"), "Engine.Labels");
                n.engine_version = e.get("EngineVersion").and_then(Yaml::scalar_text);
                n.plugins = e.get("Plugins").and_then(Yaml::as_seq).map(|ps| {
                    ps.iter()
                        .filter_map(|p| {
                            Some(Plugin {
                                kind: p.get("Type")?.scalar_text()?,
                                name: p.get("Name")?.scalar_text()?,
                            })
                        })
                        .collect()
                });
            }
        }
        if let Some(m) = y.get("ManagerStatus") {
            n.manager = Some(ManagerStatus {
                leader: m
                    .get("Leader")
                    .is_some_and(|l| l.value == Value::Bool(true)),
                reachability: self.reachability(m.get("Reachability")),
                addr: m.get("Addr").and_then(Yaml::scalar_text),
            });
        }
        Some(n)
    }
}

fn int_field(y: Option<&Yaml>) -> u64 {
    match y.map(|y| &y.value) {
        Some(Value::Int(i)) => u64::try_from(*i).unwrap_or(0),
        Some(Value::Float(f)) if *f >= 0.0 => *f as u64,
        _ => 0,
    }
}
