//! `--docker`: the inventory, and for `diff` the deployed stack, read from a running swarm
//! through the Docker Engine API (bollard). Only GET requests: nothing is ever written to the
//! cluster. The engine must be a swarm manager (only managers list nodes, services and tasks).
//!
//! The nodes come back as the Engine API's JSON, sorted as `docker node ls` sorts them, and go
//! through the inventory loader's `docker node inspect` path: `--docker` loads the same cluster
//! as `--nodes` on `docker node inspect $(docker node ls -q)`.

mod endpoint;
mod order;

use std::future::Future;
use std::path::Path;
use std::time::Duration;

use bollard::query_parameters::{ListServicesOptions, ListTasksOptions};
use bollard::Docker;
use serde_json::Value;

use crate::diagnostics::{FileId, SourceMap};

pub use endpoint::{resolve, Endpoint, EnvVars, TlsFiles, Transport};

/// How long the engine has to accept the connection and answer the version handshake.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long each read (one GET, its whole answer) may take.
pub const READ_TIMEOUT: Duration = Duration::from_secs(30);

/// The engine could not be reached or read, or is not a swarm manager: the tool cannot run
/// (exit status 2). The message names the endpoint and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveError(pub String);

impl std::fmt::Display for LiveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A deployed stack as the Engine API returns it, for `diff --docker`.
#[derive(Debug, Clone, PartialEq)]
pub struct DeployedJson {
    /// Array, as `GET /services?filters={"label":["com.docker.stack.namespace=NS"]}`.
    pub services: Value,
    /// Array, as `GET /tasks?filters={"service":[those services' IDs],"desired-state":["running"]}`:
    /// the current tasks, not the history `docker service ps` also shows. Without the tasks'
    /// `NetworksAttachments` (their overlay addresses): bollard's Task model has no such member.
    pub tasks: Value,
    /// Array, as `GET /nodes`, sorted by hostname as `docker node ls`.
    pub nodes: Value,
}

/// The endpoint the docker CLI would use in this environment.
pub fn endpoint_from_env() -> Result<Endpoint, LiveError> {
    let read = |p: &Path| {
        super::input::read_bounded(p)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
    };
    resolve(&EnvVars::from_process(), &read).map_err(|e| LiveError(format!("error: {e}")))
}

/// Reads the nodes of the swarm whose manager the environment names and adds them to
/// `sources` as the JSON of `docker node inspect`, for the inventory loader.
pub fn add_inventory(sources: &mut SourceMap) -> Result<FileId, LiveError> {
    let endpoint = endpoint_from_env()?;
    let nodes = read_nodes(&endpoint)?;
    add_nodes(&endpoint, &nodes, sources)
}

/// Adds `nodes`, read from `endpoint`, to `sources` as an inventory file.
pub fn add_nodes(
    endpoint: &Endpoint,
    nodes: &Value,
    sources: &mut SourceMap,
) -> Result<FileId, LiveError> {
    let text = serde_json::to_string_pretty(nodes).unwrap_or_default() + "\n";
    // The bound of an inventory file holds for the engine's list too.
    let limit = super::input::MAX_INPUT_BYTES;
    if text.len() as u64 > limit {
        return Err(LiveError(format!(
            "error: the node list of the Docker Engine at {endpoint} is larger than {} MiB, the most swarmproof reads as an inventory",
            limit >> 20
        )));
    }
    Ok(sources.add(format!("{} GET /nodes", endpoint.host), text))
}

/// `GET /nodes` of the swarm `endpoint` manages, sorted by hostname as `docker node ls`.
pub fn read_nodes(endpoint: &Endpoint) -> Result<Value, LiveError> {
    Engine::connect(endpoint)?.nodes()
}

/// The services of stack `namespace` (label `com.docker.stack.namespace`), their current tasks
/// and the swarm's nodes, as the Engine API's JSON.
pub fn read_deployed_stack(
    endpoint: &Endpoint,
    namespace: &str,
) -> Result<DeployedJson, LiveError> {
    let engine = Engine::connect(endpoint)?;
    let label = format!("com.docker.stack.namespace={namespace}");
    let services = engine.read(
        "GET /services",
        engine.docker.list_services(Some(ListServicesOptions {
            filters: Some([("label".to_string(), vec![label])].into()),
            status: None,
        })),
    )?;
    let ids: Vec<String> = services.iter().filter_map(|s| s.id.clone()).collect();
    // With no service, a `service` filter would be no filter: every task of the swarm.
    let tasks = if ids.is_empty() {
        Vec::new()
    } else {
        engine.read(
            "GET /tasks",
            engine.docker.list_tasks(Some(ListTasksOptions {
                filters: Some(
                    [
                        ("service".to_string(), ids),
                        ("desired-state".to_string(), vec!["running".to_string()]),
                    ]
                    .into(),
                ),
            })),
        )?
    };
    Ok(DeployedJson {
        services: json(&services),
        tasks: json(&tasks),
        nodes: engine.nodes()?,
    })
}

/// bollard's models serialise with the API's field names and leave out members the engine did
/// not send or sent as null; the conformance group `live` compares the result with the engine's
/// own JSON (equal for nodes and services; tasks lose `NetworksAttachments`).
fn json<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// A connection to a swarm manager.
struct Engine<'a> {
    endpoint: &'a Endpoint,
    docker: Docker,
    runtime: tokio::runtime::Runtime,
}

impl<'a> Engine<'a> {
    /// Connects, agrees on the API version with the engine (the lower of the two, as the docker
    /// CLI does), and refuses an engine that is not a swarm manager.
    fn connect(endpoint: &'a Endpoint) -> Result<Engine<'a>, LiveError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| LiveError(format!("error: cannot start the engine client: {e}")))?;
        let secs = READ_TIMEOUT.as_secs();
        let version = bollard::API_DEFAULT_VERSION;
        let client = runtime.block_on(async {
            match &endpoint.transport {
                Transport::Unix(path) => {
                    Docker::connect_with_unix(&path.to_string_lossy(), secs, version)
                }
                Transport::Tcp { addr, tls: None } => {
                    Docker::connect_with_http(&format!("tcp://{addr}"), secs, version)
                }
                Transport::Tcp { addr, tls: Some(t) } => {
                    Docker::connect_with_ssl(addr, &t.key, &t.cert, &t.ca, secs, version)
                }
            }
        });
        let client = client.map_err(|e| unreachable(endpoint, &e))?;
        let docker = match runtime.block_on(async {
            tokio::time::timeout(CONNECT_TIMEOUT, client.negotiate_version()).await
        }) {
            Ok(r) => r.map_err(|e| unreachable(endpoint, &e))?,
            Err(_) => {
                return Err(LiveError(format!(
                    "error: the Docker Engine at {endpoint} did not answer within {} s; check that the engine runs and that DOCKER_HOST names it",
                    CONNECT_TIMEOUT.as_secs()
                )))
            }
        };
        let engine = Engine {
            endpoint,
            docker,
            runtime,
        };
        let info = engine.read("GET /info", engine.docker.info())?;
        let swarm = info.swarm.unwrap_or_default();
        manager_check(
            endpoint,
            &json(&swarm.local_node_state),
            swarm.control_available,
        )?;
        Ok(engine)
    }

    /// Runs one GET within [`READ_TIMEOUT`].
    fn read<T>(
        &self,
        what: &str,
        request: impl Future<Output = Result<T, bollard::errors::Error>>,
    ) -> Result<T, LiveError> {
        // The timer is made inside the runtime, which drives it.
        match self
            .runtime
            .block_on(async { tokio::time::timeout(READ_TIMEOUT, request).await })
        {
            Ok(r) => r.map_err(|e| match e {
                bollard::errors::Error::DockerResponseServerError {
                    status_code,
                    message,
                } => LiveError(format!(
                    "error: the Docker Engine at {} refused {what} (HTTP {status_code}): {message}",
                    self.endpoint
                )),
                other => unreachable(self.endpoint, &other),
            }),
            Err(_) => Err(LiveError(format!(
                "error: the Docker Engine at {} did not answer {what} within {} s; check the engine's health (`docker info` there)",
                self.endpoint,
                READ_TIMEOUT.as_secs()
            ))),
        }
    }

    /// `GET /nodes`, in `docker node ls`'s order.
    fn nodes(&self) -> Result<Value, LiveError> {
        let nodes = self.read("GET /nodes", self.docker.list_nodes(None))?;
        let mut nodes: Vec<Value> = nodes.iter().map(json).collect();
        order::sort_like_node_ls(&mut nodes);
        Ok(Value::Array(nodes))
    }
}

/// Refuses an engine that is not an active swarm manager. `state` is `Swarm.LocalNodeState` as
/// JSON.
fn manager_check(
    endpoint: &Endpoint,
    state: &Value,
    control_available: Option<bool>,
) -> Result<(), LiveError> {
    let state = state.as_str().unwrap_or("");
    if state != "active" {
        let state = if state.is_empty() { "unknown" } else { state };
        return Err(LiveError(format!(
            "error: the Docker Engine at {endpoint} is not in a swarm (its swarm state is {state}); point DOCKER_HOST at a manager of the swarm to check against"
        )));
    }
    if control_available != Some(true) {
        return Err(LiveError(format!(
            "error: the Docker Engine at {endpoint} is a swarm worker, not a manager: only managers list the swarm's nodes; point DOCKER_HOST at a manager (`docker node ls` on a manager lists them)"
        )));
    }
    Ok(())
}

/// The engine could not be reached or its answer read: the first I/O cause in the error's
/// chain says what to do.
fn unreachable(endpoint: &Endpoint, e: &bollard::errors::Error) -> LiveError {
    use bollard::errors::Error as B;
    let mut causes = vec![e.to_string()];
    let mut kind = None;
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            kind = kind.or(Some(io.kind()));
        }
        let text = s.to_string();
        if !causes.iter().any(|c| c.contains(&text)) {
            causes.push(text);
        }
        source = s.source();
    }
    if let B::SocketNotFoundError(_) = e {
        kind = Some(std::io::ErrorKind::NotFound);
    }
    let tls = matches!(endpoint.transport, Transport::Tcp { tls: Some(_), .. });
    let cert_files = matches!(
        e,
        B::CertPathError { .. } | B::CertParseError { .. } | B::CertMultipleKeys { .. }
    );
    let todo = what_to_do(kind, tls, cert_files);
    LiveError(format!(
        "error: cannot read the swarm from the Docker Engine at {endpoint}: {}; {todo}",
        causes.join(": ")
    ))
}

/// What to do about a failed connection, by its I/O cause.
fn what_to_do(kind: Option<std::io::ErrorKind>, tls: bool, cert_files: bool) -> &'static str {
    use std::io::ErrorKind as K;
    match kind {
        _ if cert_files => "set DOCKER_CERT_PATH to the folder holding ca.pem, cert.pem and key.pem (or unset DOCKER_TLS_VERIFY for a plain tcp:// engine)",
        Some(K::NotFound) => "start the Docker Engine, or point DOCKER_HOST at a swarm manager (unix:///PATH or tcp://HOST:PORT)",
        Some(K::PermissionDenied) => "run as root or as a member of the docker group, or point DOCKER_HOST at an engine you may use",
        Some(K::ConnectionRefused) => "nothing listens there: start the Docker Engine, or point DOCKER_HOST at a swarm manager",
        _ if tls => "check DOCKER_CERT_PATH's ca.pem, cert.pem and key.pem, and that the engine's certificate names this host",
        _ => "check that the Docker Engine runs there, or point DOCKER_HOST at a swarm manager",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn endpoint() -> Endpoint {
        Endpoint {
            host: "unix:///run/m.sock".into(),
            source: "DOCKER_HOST".into(),
            transport: Transport::Unix("/run/m.sock".into()),
        }
    }

    #[test]
    fn only_an_active_manager_is_read() {
        assert_eq!(
            manager_check(&endpoint(), &json!("active"), Some(true)),
            Ok(())
        );
        let worker = manager_check(&endpoint(), &json!("active"), Some(false)).unwrap_err();
        assert!(
            worker
                .0
                .contains("unix:///run/m.sock (from DOCKER_HOST) is a swarm worker, not a manager"),
            "{worker}"
        );
        assert!(
            worker.0.contains("point DOCKER_HOST at a manager"),
            "{worker}"
        );
        for state in [
            json!("inactive"),
            json!("pending"),
            json!("locked"),
            Value::Null,
        ] {
            let e = manager_check(&endpoint(), &state, Some(true)).unwrap_err();
            assert!(e.0.contains("is not in a swarm"), "{e}");
        }
    }

    #[test]
    fn each_connection_failure_says_what_to_do() {
        use std::io::ErrorKind as K;
        assert!(what_to_do(Some(K::NotFound), false, false).contains("start the Docker Engine"));
        assert!(what_to_do(Some(K::PermissionDenied), false, false).contains("docker group"));
        assert!(what_to_do(Some(K::ConnectionRefused), false, false).contains("nothing listens"));
        assert!(what_to_do(Some(K::InvalidData), true, false).contains("certificate"));
        assert!(what_to_do(None, true, true).contains("DOCKER_CERT_PATH"));
        assert!(what_to_do(None, false, false).contains("point DOCKER_HOST"));
    }

    #[test]
    fn a_missing_socket_names_the_endpoint() {
        let e = unreachable(
            &endpoint(),
            &bollard::errors::Error::SocketNotFoundError("/run/m.sock".into()),
        );
        assert!(
            e.0.starts_with("error: cannot read the swarm from the Docker Engine at unix:///run/m.sock (from DOCKER_HOST): Socket not found: /run/m.sock; start the Docker Engine"),
            "{e}"
        );
    }
}
