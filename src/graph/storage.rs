//! Data safety (painpoints 1 and 3): storage that lives on one node — `local`-driver named
//! volumes and host bind paths — used by services the scheduler may move, bind paths relative
//! to the deploying machine, and replicas that can land on one node and share one directory.

use super::codes;
use crate::diagnostics::Diagnostic;
use crate::model::{
    Cluster, Constraint, ConstraintKey, Mount, MountKind, Operator, Service, Stack, Volume,
};
use crate::swarm::filters::constraints_hold;

/// `driver_opts.type` values with which the local driver mounts shared network storage.
const SHARED_TYPES: [&str; 7] = [
    "nfs",
    "nfs4",
    "cifs",
    "smb3",
    "ceph",
    "glusterfs",
    "fuse.sshfs",
];

/// Host paths that exist on every node and hold the node's own facilities, not data.
const SYSTEM_PATHS: [&str; 13] = [
    "/proc",
    "/sys",
    "/dev",
    "/run",
    "/var/run",
    "/var/lib/docker",
    "/lib/modules",
    "/etc/localtime",
    "/etc/timezone",
    "/etc/hostname",
    "/etc/machine-id",
    "/usr/share/zoneinfo",
    "/etc/os-release",
];

/// Where the scheduler may run a service's tasks, as far as data is concerned.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Pin {
    /// On one node: `node.hostname ==` / `node.id ==`; the only node of the inventory matching
    /// the constraints; or, without an inventory, a node-label equality taken as a label given
    /// to one node. `node` identifies the node (services with equal `node` are co-located).
    OneNode { node: String, why: String },
    /// The inventory has no node matching the constraints (placement reports it).
    NoNode,
    /// More than one node matches (`Some(hostnames)`), or, without an inventory, may.
    Movable(Option<Vec<String>>),
}

fn pin(s: &Service, cluster: Option<&Cluster>) -> Pin {
    let eq = |c: &&Constraint| c.op == Operator::Eq;
    if let Some(c) = s
        .constraints()
        .filter(eq)
        .find(|c| matches!(c.key, ConstraintKey::NodeHostname | ConstraintKey::NodeId))
    {
        let node = cluster
            .and_then(|cl| cl.node(&c.value))
            .map_or_else(|| c.value.to_lowercase(), |n| n.hostname.clone());
        return Pin::OneNode {
            node,
            why: c.to_string(),
        };
    }
    match cluster {
        Some(cluster) => {
            let nodes: Vec<String> = cluster
                .nodes
                .iter()
                .filter(|n| constraints_hold(s, n))
                .map(|n| n.hostname.clone())
                .collect();
            match nodes.as_slice() {
                [] => Pin::NoNode,
                [one] => Pin::OneNode {
                    node: one.clone(),
                    why: format!("only {one} matches its constraints"),
                },
                _ => Pin::Movable(Some(nodes)),
            }
        }
        None => s
            .constraints()
            .filter(eq)
            .find(|c| matches!(c.key, ConstraintKey::NodeLabel(_)))
            .map_or(Pin::Movable(None), |c| Pin::OneNode {
                node: c.to_string().to_lowercase(),
                why: format!("{c}, assumed to be on one node"),
            }),
    }
}

/// A mount whose data stays on the node that runs the task.
enum Local<'a> {
    Volume(&'a Volume),
    Bind { path: &'a str, relative: bool },
}

fn node_local<'a>(stack: &'a Stack, m: &'a Mount) -> Option<Local<'a>> {
    let source = m.source.as_deref()?;
    match m.kind {
        MountKind::Volume => stack
            .volume(source)
            .filter(|v| node_local_volume(v))
            .map(Local::Volume),
        MountKind::Bind if is_relative(source) => Some(Local::Bind {
            path: source,
            relative: true,
        }),
        MountKind::Bind if !is_system_path(source) => Some(Local::Bind {
            path: source,
            relative: false,
        }),
        _ => None,
    }
}

/// A volume of the `local` driver that does not mount shared network storage.
fn node_local_volume(v: &Volume) -> bool {
    let shared = v
        .driver_opts
        .get("type")
        .is_some_and(|t| SHARED_TYPES.contains(&t.to_ascii_lowercase().as_str()));
    !v.external && v.driver == "local" && !shared
}

fn is_relative(path: &str) -> bool {
    let b = path.as_bytes();
    let windows_absolute = (b.len() >= 3
        && b[0].is_ascii_alphabetic()
        && b[1] == b':'
        && matches!(b[2], b'\\' | b'/'))
        || path.starts_with("\\\\");
    !path.starts_with('/') && !windows_absolute
}

fn is_system_path(path: &str) -> bool {
    let path = match path.trim_end_matches('/') {
        "" => return true,
        p => p,
    };
    SYSTEM_PATHS
        .iter()
        .any(|p| path == *p || path.strip_prefix(p).is_some_and(|r| r.starts_with('/')))
}

/// A volume name with a per-task template gives every task its own volume.
fn per_task(v: &Volume) -> bool {
    v.full_name.contains("{{.Task.")
}

/// Whether the service runs any task at all (a replicated service may be scaled to 0).
fn runs_tasks(s: &Service) -> bool {
    s.mode.replicated_tasks().is_none_or(|n| n > 0)
}

pub fn findings(stack: &Stack, cluster: Option<&Cluster>) -> Vec<Diagnostic> {
    let pins: Vec<Pin> = stack.services.iter().map(|s| pin(s, cluster)).collect();
    let mut out = Vec::new();
    for (s, p) in stack.services.iter().zip(&pins) {
        for m in &s.mounts {
            let Some(local) = node_local(stack, m) else {
                continue;
            };
            if let Local::Bind {
                path,
                relative: true,
            } = local
            {
                out.push(relative_bind(s, m, path));
            }
            // A read-only mount writes nothing, so no data can stay behind.
            if runs_tasks(s)
                && !s.mode.is_global()
                && !s.placement.constraint_errors
                && !m.read_only
            {
                if let (
                    Pin::Movable(nodes),
                    Local::Volume(_)
                    | Local::Bind {
                        relative: false, ..
                    },
                ) = (p, &local)
                {
                    out.push(can_move(s, m, &local, nodes.as_deref()));
                }
            }
            if let Some(d) = shared_by_replicas(s, m, &local, p) {
                out.push(d);
            }
        }
    }
    out.extend(split_volumes(stack, &pins));
    out
}

/// SP5023: a local volume used by several services that are not all pinned to one node. A
/// global user is left out: it runs on every eligible node, so it sits beside the others.
fn split_volumes(stack: &Stack, pins: &[Pin]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for v in stack
        .volumes
        .iter()
        .filter(|v| node_local_volume(v) && !per_task(v))
    {
        let users: Vec<(usize, &Mount)> = stack
            .services
            .iter()
            .enumerate()
            .filter(|(_, s)| runs_tasks(s) && !s.mode.is_global())
            .filter_map(|(i, s)| {
                s.mounts
                    .iter()
                    .find(|m| m.kind == MountKind::Volume && m.source.as_deref() == Some(&v.name))
                    .map(|m| (i, m))
            })
            .collect();
        let node_of = |i: usize| match &pins[i] {
            Pin::OneNode { node, .. } => Some(node.as_str()),
            _ => None,
        };
        let first = users.first().and_then(|&(i, _)| node_of(i));
        if users.len() < 2 || (first.is_some() && users.iter().all(|&(i, _)| node_of(i) == first)) {
            continue;
        }
        let names: Vec<String> = users
            .iter()
            .map(|&(i, _)| format!("`{}`", stack.services[i].name))
            .collect();
        let mut d = Diagnostic::warning(
            &codes::LOCAL_VOLUME_SPLIT,
            format!(
                "local volume `{}` is used by {}, which are not pinned to one node: each node has its own copy",
                v.name,
                names.join(", ")
            ),
        )
        .with_primary(v.span, "local volume");
        for &(i, m) in &users {
            d = d.with_secondary(m.span, format!("used by `{}`", stack.services[i].name));
        }
        out.push(d.with_help(
            "pin every service that uses it to the same node, or use a volume driver that shares data between nodes",
        ));
    }
    out
}

/// A warning, not an error: Swarm accepts the stack, and the tasks run wherever the path the
/// client resolved exists (a single manager that holds the checkout is a common, working
/// setup); they are rejected only on the nodes without it.
fn relative_bind(s: &Service, m: &Mount, path: &str) -> Diagnostic {
    Diagnostic::warning(
        &codes::RELATIVE_BIND_PATH,
        format!(
            "bind mount source `{path}` of `{}` is relative to the machine that runs docker stack deploy",
            s.name
        ),
    )
    .at_service(&s.name, m.span, "relative bind source")
    .with_note("the CLI makes it absolute on the client; Swarm mounts that path on whichever node runs the task and does not create it: \"bind source path does not exist\"")
    .with_help("use an absolute path present on every node the service may run on, or ship the files as a config or in the image")
}

/// SP5020 for a writable node-local mount of a service that can move. A warning for a service
/// with one task: a reschedule leaves its data behind. Only a note for several replicas: each
/// keeps its own copy wherever it runs, which is how clustered software that replicates its own
/// data (Galera, Elasticsearch, Kafka) is deployed; pinning them to one node would give up the
/// availability the replicas exist for, so the help never suggests it for them.
fn can_move(s: &Service, m: &Mount, local: &Local<'_>, nodes: Option<&[String]>) -> Diagnostic {
    let what = match local {
        Local::Volume(v) => format!("local volume `{}`", v.name),
        Local::Bind { path, .. } => format!("host path `{path}`"),
    };
    let consequence = match local {
        Local::Volume(_) => "on a reschedule the task starts on another node with an empty volume and the data stays behind",
        Local::Bind { .. } => "the path must exist on every node the task may land on, and data written there stays on that node",
    };
    let where_ = match nodes {
        Some(nodes) => format!(
            "{} nodes match its constraints: {}",
            nodes.len(),
            nodes.join(", ")
        ),
        None if s.placement.constraints.is_empty() => "it has no placement constraint".to_string(),
        None => format!(
            "its constraints ({}) can match more than one node; pass the inventory to decide",
            s.constraints()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let replicas = s.mode.replicated_tasks().unwrap_or(1);
    let (d, note, help) = if replicas > 1 {
        (
            Diagnostic::info(
                &codes::NODE_LOCAL_DATA_CAN_MOVE,
                format!(
                    "each of the {replicas} replicas of `{}` keeps its own copy of {what} on the node it runs on",
                    s.name
                ),
            ),
            "a replica that moves starts with an empty copy: harmless when the software replicates its data between replicas (a cluster), data loss otherwise",
            "if the replicas do not replicate their data themselves, use a volume driver that shares data between nodes (local driver with `driver_opts: {type: nfs, ...}`, or a plugin); pinning them to one node would give up their availability",
        )
    } else {
        (
            Diagnostic::warning(
                &codes::NODE_LOCAL_DATA_CAN_MOVE,
                format!("`{}` keeps {what} on one node but can move between nodes", s.name),
            ),
            consequence,
            "pin the service to one node (`node.hostname == NAME` or a label only that node has), or use a volume driver that shares data (local driver with `driver_opts: {type: nfs, ...}`, or a plugin)",
        )
    };
    d.at_service(&s.name, m.span, "writable node-local storage")
        .with_note(where_)
        .with_note(note)
        .with_help(help)
}

fn shared_by_replicas(s: &Service, m: &Mount, local: &Local<'_>, p: &Pin) -> Option<Diagnostic> {
    let replicas = s.mode.replicated_tasks()?;
    let max = *s.placement.max_replicas_per_node;
    if replicas < 2 || max == 1 || m.read_only {
        return None;
    }
    let what = match local {
        Local::Volume(v) if per_task(v) => return None,
        Local::Volume(v) => format!("local volume `{}`", v.name),
        Local::Bind { path, .. } => format!("host path `{path}`"),
    };
    let how = match p {
        Pin::OneNode { why, .. } => {
            format!("all {replicas} replicas run on one node ({why}) and write to the same {what}")
        }
        _ if max > 1 => format!(
            "up to {max} of its {replicas} replicas can run on one node (max_replicas_per_node: {max}) and write to the same {what}"
        ),
        _ => format!("{replicas} replicas can land on one node and write to the same {what}"),
    };
    // A warning: Swarm runs the replicas, and software that locks its own storage (or is
    // built to share a directory) is fine; for anything else it is corruption waiting.
    Some(
        Diagnostic::warning(
            &codes::REPLICAS_SHARE_HOST_PATH,
            format!("`{}`: {how}", s.name),
        )
        .at_service(&s.name, m.span, "writable node-local mount")
        .with_secondary(s.mode.span, format!("{replicas} replicas"))
        .with_note("harmless for software that locks its storage or is built to share a directory; two processes writing the same data files otherwise corrupt them")
        .with_help("set `deploy.placement.max_replicas_per_node: 1` (with at least as many eligible nodes as replicas) or give each task its own volume (`name: 'data-{{.Task.Slot}}'`)"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Severity;
    use crate::graph::fixtures::*;
    use crate::model::{Mode, Node, Spanned};

    fn codes(d: &[Diagnostic]) -> Vec<&str> {
        d.iter().map(|d| d.code.id).collect()
    }

    fn with_volume(s: Service, name: &str) -> Service {
        let mut s = s;
        s.mounts.push(mount(MountKind::Volume, name, "/data", 7));
        s
    }

    fn stack_with(services: Vec<Service>, volumes: Vec<Volume>) -> Stack {
        let mut st = stack(services);
        st.volumes = volumes;
        st
    }

    // Painpoint 1 (swarmpit#559): a local volume on an unconstrained service.
    #[test]
    fn local_volume_on_movable_service() {
        let st = stack_with(
            vec![with_volume(svc("db"), "db-data")],
            vec![volume("db-data", "local")],
        );
        let d = findings(&st, None);
        assert_eq!(codes(&d), ["SP5020"]);
        assert_eq!(d[0].severity, Severity::Warning);
        assert_eq!(d[0].notes[0], "it has no placement constraint");
    }

    #[test]
    fn pinned_or_shared_storage_is_fine() {
        let mut nfs = volume("mail", "local");
        nfs.driver_opts.insert("type".into(), "nfs".into());
        let st = stack_with(
            vec![
                with_volume(constrained(svc("a"), "node.hostname == db1"), "data"),
                with_volume(svc("b"), "mail"),
                with_volume(svc("c"), "rex"),
                with_volume(constrained(svc("d"), "node.labels.db == true"), "data2"),
            ],
            vec![
                volume("data", "local"),
                volume("data2", "local"),
                nfs,
                volume("rex", "rexray/dobs"),
            ],
        );
        assert!(findings(&st, None).is_empty());
    }

    // INDEX #1: `node.role == manager` pins only when the swarm has one manager.
    #[test]
    fn role_constraint_pins_only_with_one_matching_node() {
        let st = stack_with(
            vec![with_volume(
                constrained(svc("db"), "node.role == manager"),
                "db-data",
            )],
            vec![volume("db-data", "local")],
        );
        let without = findings(&st, None);
        assert_eq!(codes(&without), ["SP5020"]);
        assert!(without[0].notes[0].contains("node.role == manager"));

        let manager = |h: &str| {
            let mut n = Node::new(h);
            n.role = crate::model::Role::Manager;
            n
        };
        let one = Cluster::new(vec![manager("m1"), Node::new("w1")]);
        assert!(findings(&st, Some(&one)).is_empty());
        let three = Cluster::new(vec![manager("m1"), manager("m2"), manager("m3")]);
        let d = findings(&st, Some(&three));
        assert_eq!(d[0].notes[0], "3 nodes match its constraints: m1, m2, m3");
    }

    // With an inventory, a label constraint pins only if exactly one node has the label.
    #[test]
    fn label_uniqueness_is_checked_against_the_inventory() {
        let st = stack_with(
            vec![with_volume(
                constrained(svc("db"), "node.labels.db == true"),
                "data",
            )],
            vec![volume("data", "local")],
        );
        let labelled = |h: &str| {
            let mut n = Node::new(h);
            n.labels.insert("db".into(), "true".into());
            n
        };
        let two = Cluster::new(vec![labelled("a"), labelled("b")]);
        assert_eq!(codes(&findings(&st, Some(&two))), ["SP5020"]);
        let one = Cluster::new(vec![labelled("a"), Node::new("b")]);
        assert!(findings(&st, Some(&one)).is_empty());
    }

    // Painpoint 3: relative and home-relative bind sources; system paths are not data.
    #[test]
    fn bind_paths() {
        let mut s = constrained(svc("prom"), "node.hostname == m1");
        s.mounts = vec![
            mount(MountKind::Bind, "./prometheus/", "/etc/prometheus", 1),
            mount(MountKind::Bind, "~/configs", "/etc/configs", 2),
            mount(
                MountKind::Bind,
                "/var/run/docker.sock",
                "/var/run/docker.sock",
                3,
            ),
            mount(MountKind::Bind, "/", "/rootfs", 4),
            mount(MountKind::Bind, "/srv/data", "/data", 5),
        ];
        let d = findings(&stack(vec![s.clone()]), None);
        assert_eq!(codes(&d), ["SP5021", "SP5021"]);
        assert_eq!(d[0].primary_span(), Some(span(1)));

        s.placement.constraints.clear();
        let d = findings(&stack(vec![s.clone()]), None);
        assert_eq!(codes(&d), ["SP5021", "SP5021", "SP5020"]);
        assert_eq!(d[0].severity, Severity::Warning);
        assert!(d[2].message.contains("host path `/srv/data`"));

        // Read-only, nothing is written there: no data can stay behind.
        for m in &mut s.mounts {
            m.read_only = true;
        }
        let d = findings(&stack(vec![s]), None);
        assert_eq!(codes(&d), ["SP5021", "SP5021"]);
    }

    #[test]
    fn replicas_sharing_a_directory() {
        let mut s = with_volume(svc("db"), "data");
        s.mode = spanned(Mode::Replicated { replicas: 3 }, 9);
        let vols = vec![volume("data", "local")];
        let d = findings(&stack_with(vec![s.clone()], vols.clone()), None);
        assert_eq!(codes(&d), ["SP5020", "SP5022"]);
        // Several replicas each keep their own copy (a cluster's normal layout): a note, whose
        // help never says to pin them to one node; sharing one directory is a warning.
        assert_eq!(d[0].severity, Severity::Info);
        assert!(!d[0].help.as_deref().unwrap().starts_with("pin"));
        assert_eq!(d[1].severity, Severity::Warning);
        assert!(!d[1].help.as_deref().unwrap().contains("one replica"));

        let mut spread = s.clone();
        spread.placement.max_replicas_per_node = Spanned::default_value(1);
        assert_eq!(
            codes(&findings(&stack_with(vec![spread], vols.clone()), None)),
            ["SP5020"]
        );

        let mut per_slot = volume("data", "local");
        per_slot.full_name = "{{.Service.Name}}-{{.Task.Slot}}-data".into();
        assert_eq!(
            codes(&findings(
                &stack_with(vec![s.clone()], vec![per_slot]),
                None
            )),
            ["SP5020"]
        );

        let pinned = constrained(s, "node.hostname == n1");
        let d = findings(&stack_with(vec![pinned], vols), None);
        assert_eq!(codes(&d), ["SP5022"]);
        assert!(d[0].message.contains("all 3 replicas run on one node"));
    }

    // Painpoint 1: one writer and one reader of a local volume on different nodes.
    #[test]
    fn local_volume_split_between_services() {
        let writer = with_volume(constrained(svc("writer"), "node.hostname == a"), "data");
        let reader = with_volume(constrained(svc("reader"), "node.hostname == b"), "data");
        let vols = vec![volume("data", "local")];
        let d = findings(
            &stack_with(vec![writer.clone(), reader], vols.clone()),
            None,
        );
        assert_eq!(codes(&d), ["SP5023"]);
        assert_eq!(
            d[0].message,
            "local volume `data` is used by `writer`, `reader`, which are not pinned to one node: each node has its own copy"
        );

        let beside = with_volume(constrained(svc("reader"), "node.hostname == A"), "data");
        assert!(findings(
            &stack_with(vec![writer.clone(), beside], vols.clone()),
            None
        )
        .is_empty());

        let mut agent = with_volume(svc("agent"), "data");
        agent.mode = Spanned::default_value(Mode::Global);
        assert!(findings(&stack_with(vec![writer, agent], vols), None).is_empty());
    }

    #[test]
    fn global_and_idle_services_do_not_move_data() {
        let mut agent = with_volume(svc("agent"), "data");
        agent.mode = Spanned::default_value(Mode::Global);
        let mut idle = with_volume(svc("node"), "data");
        idle.mode = Spanned::default_value(Mode::Replicated { replicas: 0 });
        let st = stack_with(vec![agent, idle], vec![volume("data", "local")]);
        assert!(findings(&st, None).is_empty());
    }
}
