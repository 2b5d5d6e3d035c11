//! What the update and restart groups read from the engine: a service's tasks and update
//! status through the Engine API on m1's socket (one request per look, fast enough to poll every
//! 250 ms), and the service as swarmproof loads it from the same stack file.

use std::path::Path;
use std::process::Command;

use serde_json::Value;
use swarmproof::check::load;
use swarmproof::diagnostics::SourceMap;
use swarmproof::loading::stack::StackOptions;
use swarmproof::model::{Cluster as ClusterModel, Stack};
use swarmproof::report::Report;
use swarmproof::rollout::Version;

use crate::cluster::Cluster;

/// The environment variable whose value tells the versions apart (`SP_V=1` old, `SP_V=2` new).
pub const VERSION_VAR: &str = "SP_V";

/// `GET path` on m1's Engine API.
pub fn api(cluster: &Cluster, path: &str) -> Result<Value, String> {
    let host = cluster.host("m1");
    let socket = host.strip_prefix("unix://").unwrap_or(&host);
    let out = Command::new("curl")
        .args(["-sS", "--max-time", "10", "--unix-socket", socket])
        .arg(format!("http://engine/v1.41{path}"))
        .output()
        .map_err(|e| format!("curl: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "GET {path}: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    serde_json::from_slice(&out.stdout).map_err(|e| format!("GET {path}: {e}"))
}

/// One task as the API shows it.
#[derive(Clone, Debug)]
pub struct Task {
    pub id: String,
    /// The slot number, or the node for a global service.
    pub slot: String,
    pub node: String,
    pub version: Version,
    pub desired: String,
    pub state: String,
    /// RFC 3339, nanoseconds: sorts like time.
    pub created: String,
    /// When the observed state was last set (the agent's clock, the same machine here).
    pub timestamp: String,
    /// `Status.Err`: why a task failed.
    pub err: String,
}

/// The service's tasks, oldest first.
pub fn tasks(cluster: &Cluster, service: &str) -> Result<Vec<Task>, String> {
    let filter = format!("%7B%22service%22%3A%5B%22{service}%22%5D%7D");
    let list = api(cluster, &format!("/tasks?filters={filter}"))?;
    let text = |v: &Value| v.as_str().unwrap_or("").to_string();
    let mut out: Vec<Task> = list
        .as_array()
        .ok_or("GET /tasks: not a list")?
        .iter()
        .map(|t| {
            let env = t["Spec"]["ContainerSpec"]["Env"].as_array();
            let new = env.is_some_and(|e| {
                e.iter()
                    .any(|v| v.as_str() == Some(&format!("{VERSION_VAR}=2")))
            });
            let slot = match t["Slot"].as_u64() {
                Some(n) if n > 0 => n.to_string(),
                _ => text(&t["NodeID"]),
            };
            Task {
                id: text(&t["ID"]),
                slot,
                node: text(&t["NodeID"]),
                version: if new { Version::New } else { Version::Old },
                desired: text(&t["DesiredState"]),
                state: text(&t["Status"]["State"]),
                created: text(&t["CreatedAt"]),
                timestamp: text(&t["Status"]["Timestamp"]),
                err: text(&t["Status"]["Err"]),
            }
        })
        .collect();
    out.sort_by(|a, b| a.created.cmp(&b.created));
    Ok(out)
}

/// `UpdateStatus.State` of the service, if it has one.
pub fn update_state(cluster: &Cluster, service: &str) -> Result<Option<String>, String> {
    let s = api(cluster, &format!("/services/{service}"))?;
    Ok(s["UpdateStatus"]["State"].as_str().map(str::to_string))
}

/// Hostname per node ID.
pub fn hostnames(cluster: &Cluster) -> Result<Vec<(String, String)>, String> {
    let nodes = api(cluster, "/nodes")?;
    Ok(nodes
        .as_array()
        .ok_or("GET /nodes: not a list")?
        .iter()
        .map(|n| {
            let s = |v: &Value| v.as_str().unwrap_or("").to_string();
            (s(&n["ID"]), s(&n["Description"]["Hostname"]))
        })
        .collect())
}

/// The stack file as swarmproof loads it, with the cluster from the nodes' inventory and the
/// findings of the load.
pub fn load_stack(
    stack_file: &Path,
    nodes_file: &Path,
    name: &str,
) -> Result<(Stack, ClusterModel, Report), String> {
    let mut sources = SourceMap::new();
    let read = |p: &Path| std::fs::read_to_string(p).map_err(|e| e.to_string());
    let files = vec![sources.add("stack.yml", read(stack_file)?)];
    let nodes = sources.add("nodes.json", read(nodes_file)?);
    let options = StackOptions {
        name: name.to_string(),
        ..Default::default()
    };
    let mut report = Report::default();
    let loaded = load(&sources, &files, Some(nodes), &options, &mut report);
    let cluster = loaded.cluster.ok_or("the inventory did not load")?;
    Ok((loaded.stack, cluster, report))
}

pub fn stack_text(version: u8, extra: &[&str], deploy: &str) -> String {
    let mut out = format!(
        "version: \"3.8\"\nservices:\n  web:\n    image: \"{}\"\n    stop_grace_period: 1s\n    environment: {{{VERSION_VAR}: \"{version}\"}}\n",
        crate::cluster::IMAGE
    );
    for e in extra {
        out += &format!("    {e}\n");
    }
    out += &format!("    deploy: {deploy}\n");
    out
}

/// Nanoseconds since 1970 of an API timestamp (`2026-12-07T11:55:29.705007646Z`, UTC).
pub fn nanos(rfc3339: &str) -> Option<i64> {
    let (date, time) = rfc3339.strip_suffix('Z')?.split_once('T')?;
    let mut d = date.split('-').map(|p| p.parse::<i64>());
    let (y, m, day) = (d.next()?.ok()?, d.next()?.ok()?, d.next()?.ok()?);
    let (hms, frac) = time.split_once('.').unwrap_or((time, "0"));
    let mut t = hms.split(':').map(|p| p.parse::<i64>());
    let (h, min, s) = (t.next()?.ok()?, t.next()?.ok()?, t.next()?.ok()?);
    let frac: String = frac.chars().chain(std::iter::repeat('0')).take(9).collect();
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = days * 86_400 + h * 3_600 + min * 60 + s;
    Some(secs * 1_000_000_000 + frac.parse::<i64>().ok()?)
}
