//! The five-node Swarm of `cluster.sh`, driven from Rust: the docker CLI against any node,
//! stopping, cutting off and restarting nodes, deploying stacks.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

pub const MANAGERS: [&str; 3] = ["m1", "m2", "m3"];
pub const NODES: [&str; 5] = ["m1", "m2", "m3", "w1", "w2"];
/// The image every service runs: Debian's static busybox, imported on each node.
pub const IMAGE: &str = "swarmproof/busybox:1";

pub struct Cluster {
    script: PathBuf,
    down: bool,
}

impl Cluster {
    /// Starts the cluster; on failure it is torn down again.
    pub fn up() -> Result<Cluster, String> {
        let cluster = Cluster {
            script: crate::harness::repo().join("tests/conformance/cluster.sh"),
            down: false,
        };
        cluster.sh(&["up"])?;
        Ok(cluster)
    }

    /// Tears the cluster down and checks that nothing is left (namespaces, processes, mounts).
    pub fn down(mut self) -> Result<(), String> {
        self.down = true;
        self.sh(&["down"])?;
        self.sh(&["status"]).map(|_| ())
    }

    pub fn sh(&self, args: &[&str]) -> Result<String, String> {
        let out = Command::new("bash")
            .arg(&self.script)
            .args(args)
            .output()
            .map_err(|e| format!("cluster.sh: {e}"))?;
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        if out.status.success() {
            Ok(text)
        } else {
            Err(format!(
                "cluster.sh {}: {}{}",
                args.join(" "),
                text,
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    }

    /// The docker CLI against `node`: its standard output, or its error text.
    pub fn docker(&self, node: &str, args: &[&str]) -> Result<String, String> {
        let mut all = vec!["docker", node];
        all.extend_from_slice(args);
        self.sh(&all)
    }

    /// `docker` against `node`, given up after `secs` seconds (a swarm without a leader can
    /// make the CLI wait).
    pub fn docker_within(&self, secs: u64, node: &str, args: &[&str]) -> Result<String, String> {
        let out = Command::new("timeout")
            .arg(secs.to_string())
            .arg("bash")
            .arg(&self.script)
            .args(["docker", node])
            .args(args)
            .output()
            .map_err(|e| format!("timeout: {e}"))?;
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).into_owned())
        } else if out.status.code() == Some(124) {
            Err(format!(
                "docker {} did not answer within {secs} s",
                args.join(" ")
            ))
        } else {
            Err(String::from_utf8_lossy(&out.stderr).into_owned())
        }
    }

    /// The DOCKER_HOST of `node`.
    pub fn host(&self, node: &str) -> String {
        self.sh(&["host", node])
            .unwrap_or_default()
            .trim()
            .to_string()
    }

    pub fn stop(&self, node: &str) -> Result<String, String> {
        self.sh(&["stop", node])
    }
    pub fn start(&self, node: &str) -> Result<String, String> {
        self.sh(&["start", node])
    }
    pub fn cut(&self, node: &str) -> Result<String, String> {
        self.sh(&["cut", node])
    }
    pub fn heal(&self, node: &str) -> Result<String, String> {
        self.sh(&["heal", node])
    }

    /// `docker stack deploy` of `files` as stack `name`, from the leader m1.
    pub fn deploy(&self, name: &str, files: &[&Path]) -> Result<String, String> {
        let mut args = vec!["stack", "deploy", "--resolve-image", "never"];
        let files: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
        for f in &files {
            args.push("-c");
            args.push(f);
        }
        args.push(name);
        self.docker("m1", &args)
    }

    /// Removes stack `name` and waits until its tasks, services and networks are gone.
    pub fn remove_stack(&self, name: &str) -> Result<(), String> {
        self.docker("m1", &["stack", "rm", name])?;
        let filter = format!("label=com.docker.stack.namespace={name}");
        wait_until(Duration::from_secs(60), || {
            let services = self.docker("m1", &["service", "ls", "-q", "--filter", &filter]);
            let networks = self.docker("m1", &["network", "ls", "-q", "--filter", &filter]);
            let containers = NODES.iter().all(|n| {
                self.docker(n, &["ps", "-aq", "--filter", &filter])
                    .is_ok_and(|s| s.trim().is_empty())
            });
            matches!((services, networks), (Ok(s), Ok(n)) if s.trim().is_empty() && n.trim().is_empty())
                && containers
        })
        .map_err(|_| format!("stack {name} was not removed within 60 s"))
    }

    /// `docker node inspect` of every node, as swarmproof's `--nodes` reads it.
    pub fn inventory(&self) -> Result<String, String> {
        let mut args = vec!["node", "inspect"];
        args.extend_from_slice(&NODES);
        self.docker("m1", &args)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if !self.down {
            let _ = self.sh(&["down"]);
        }
    }
}

/// Polls `ready` every 200 ms until it holds or `limit` passes.
pub fn wait_until(limit: Duration, mut ready: impl FnMut() -> bool) -> Result<(), ()> {
    let start = Instant::now();
    loop {
        if ready() {
            return Ok(());
        }
        if start.elapsed() > limit {
            return Err(());
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}
