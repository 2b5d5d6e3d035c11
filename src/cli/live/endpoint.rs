//! Which Docker Engine `--docker` talks to, resolved as the docker CLI resolves it: `DOCKER_HOST`
//! (with `DOCKER_TLS_VERIFY` and `DOCKER_CERT_PATH`), else the context named by
//! `DOCKER_CONTEXT` or by `currentContext` in `config.json`, else the default socket. A pure
//! function of the environment's values and the files it is given to read, so it is tested
//! without an engine.

use std::path::{Path, PathBuf};

use serde_json::Value;
use sha2::{Digest, Sha256};

/// The socket of the engine when nothing else names one.
pub const DEFAULT_SOCKET: &str = "/var/run/docker.sock";

/// The environment variables the resolution reads; an empty value counts as unset, as in the
/// docker CLI.
#[derive(Clone, Debug, Default)]
pub struct EnvVars {
    pub docker_host: Option<String>,
    pub docker_context: Option<String>,
    pub docker_tls_verify: Option<String>,
    pub docker_cert_path: Option<String>,
    pub docker_config: Option<String>,
    pub home: Option<String>,
}

impl EnvVars {
    /// The values of the process environment.
    pub fn from_process() -> EnvVars {
        let var = |name| std::env::var(name).ok();
        EnvVars {
            docker_host: var("DOCKER_HOST"),
            docker_context: var("DOCKER_CONTEXT"),
            docker_tls_verify: var("DOCKER_TLS_VERIFY"),
            docker_cert_path: var("DOCKER_CERT_PATH"),
            docker_config: var("DOCKER_CONFIG"),
            home: var("HOME"),
        }
    }

    /// The docker CLI's configuration folder: `DOCKER_CONFIG`, else `~/.docker`.
    fn config_dir(&self) -> Option<PathBuf> {
        set(&self.docker_config)
            .map(PathBuf::from)
            .or_else(|| set(&self.home).map(|h| Path::new(h).join(".docker")))
    }
}

fn set(v: &Option<String>) -> Option<&str> {
    v.as_deref().filter(|s| !s.is_empty())
}

/// An engine's address and how it was chosen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    /// The address as written (`unix:///var/run/docker.sock`, `tcp://10.0.0.1:2376`).
    pub host: String,
    /// What chose it, for messages: `DOCKER_HOST`, `context "prod"`, `the default socket`.
    pub source: String,
    pub transport: Transport,
}

impl std::fmt::Display for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (from {})", self.host, self.source)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Transport {
    Unix(PathBuf),
    /// `host:port`, with the client's certificates when the connection is TLS.
    Tcp {
        addr: String,
        tls: Option<TlsFiles>,
    },
}

/// The client's certificates: `ca.pem`, `cert.pem`, `key.pem` of one folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlsFiles {
    pub ca: PathBuf,
    pub cert: PathBuf,
    pub key: PathBuf,
}

impl TlsFiles {
    fn in_dir(dir: &Path) -> TlsFiles {
        TlsFiles {
            ca: dir.join("ca.pem"),
            cert: dir.join("cert.pem"),
            key: dir.join("key.pem"),
        }
    }
}

/// Resolves the endpoint. `read` returns a file's text, `None` when it cannot be read.
pub fn resolve(env: &EnvVars, read: &dyn Fn(&Path) -> Option<String>) -> Result<Endpoint, String> {
    if let Some(host) = set(&env.docker_host) {
        let tls = set(&env.docker_tls_verify).is_some().then(|| {
            let dir = set(&env.docker_cert_path)
                .map(PathBuf::from)
                .or_else(|| env.config_dir())
                .unwrap_or_default();
            TlsFiles::in_dir(&dir)
        });
        return parse_host(host, "DOCKER_HOST", tls);
    }
    let config = env.config_dir();
    let current = || {
        let text = read(&config.as_ref()?.join("config.json"))?;
        // An unreadable config.json is ignored, as the docker CLI does (it only warns).
        let json: Value = serde_json::from_str(&text).ok()?;
        json.get("currentContext")?.as_str().map(str::to_string)
    };
    let (name, named_by) = match set(&env.docker_context) {
        Some(name) => (name.to_string(), "DOCKER_CONTEXT"),
        None => (
            current().unwrap_or_default(),
            "currentContext in config.json",
        ),
    };
    if name.is_empty() || name == "default" {
        return Ok(Endpoint {
            host: format!("unix://{DEFAULT_SOCKET}"),
            source: "the default socket".into(),
            transport: Transport::Unix(DEFAULT_SOCKET.into()),
        });
    }
    let Some(config) = config else {
        return Err(format!(
            "{named_by} names the context {name:?}, but neither DOCKER_CONFIG nor HOME is set to find it"
        ));
    };
    context(&config, &name, named_by, read)
}

/// The docker endpoint of context `name`: `contexts/meta/<sha256 of name>/meta.json`, and its
/// certificates in `contexts/tls/<sha256 of name>/docker/` when it has them.
fn context(
    config: &Path,
    name: &str,
    named_by: &str,
    read: &dyn Fn(&Path) -> Option<String>,
) -> Result<Endpoint, String> {
    let digest = format!("{:x}", Sha256::digest(name.as_bytes()));
    let meta_path = config.join("contexts/meta").join(&digest).join("meta.json");
    let Some(text) = read(&meta_path) else {
        return Err(format!(
            "context {name:?} (named by {named_by}) does not exist: no {}; `docker context ls` lists the contexts",
            meta_path.display()
        ));
    };
    let meta: Value = serde_json::from_str(&text)
        .map_err(|e| format!("{} is not JSON: {e}", meta_path.display()))?;
    let Some(host) = meta["Endpoints"]["docker"]["Host"].as_str() else {
        return Err(format!(
            "context {name:?} has no docker endpoint (Endpoints.docker.Host in {})",
            meta_path.display()
        ));
    };
    let tls_dir = config.join("contexts/tls").join(&digest).join("docker");
    let tls = read(&tls_dir.join("ca.pem")).map(|_| TlsFiles::in_dir(&tls_dir));
    parse_host(host, &format!("context {name:?}"), tls)
}

/// An address as `docker -H` takes it: `unix://PATH`, `tcp://HOST[:PORT]` (2376 with TLS, else
/// 2375), or `HOST:PORT` for tcp.
fn parse_host(host: &str, source: &str, tls: Option<TlsFiles>) -> Result<Endpoint, String> {
    let host = host.trim();
    let (scheme, rest) = host.split_once("://").unwrap_or(("tcp", host));
    let bad = |why: &str| format!("{source}={host} is not an address swarmproof can read: {why}");
    let transport = match scheme {
        "unix" => Transport::Unix(PathBuf::from(if rest.is_empty() {
            DEFAULT_SOCKET
        } else {
            rest
        })),
        "tcp" => {
            let authority = rest.split('/').next().unwrap_or_default();
            let (name, port) = split_port(authority);
            if name.is_empty() {
                return Err(bad("no host name (use tcp://HOST:PORT)"));
            }
            let port = match port {
                None | Some("") => if tls.is_some() { "2376" } else { "2375" }.to_string(),
                Some(p) => match p.parse::<u16>() {
                    Ok(p) if p > 0 => p.to_string(),
                    _ => return Err(bad(&format!("{p:?} is not a port number"))),
                },
            };
            Transport::Tcp {
                addr: format!("{name}:{port}"),
                tls,
            }
        }
        "ssh" => {
            return Err(bad(
                "ssh:// endpoints are not supported; forward the manager's socket (ssh -L /tmp/docker.sock:/var/run/docker.sock HOST) and set DOCKER_HOST=unix:///tmp/docker.sock",
            ))
        }
        "npipe" => return Err(bad("named pipes exist only on Windows")),
        other => {
            return Err(bad(&format!(
                "unknown scheme {other}://; use unix:///PATH or tcp://HOST:PORT"
            )))
        }
    };
    Ok(Endpoint {
        host: host.to_string(),
        source: source.to_string(),
        transport,
    })
}

/// `host:port` split at the port's colon; an IPv6 address is in brackets (`[::1]:2375`).
fn split_port(authority: &str) -> (&str, Option<&str>) {
    let after_name = if authority.starts_with('[') {
        authority.find(']').map_or(authority.len(), |i| i + 1)
    } else {
        0
    };
    match authority[after_name..].rfind(':') {
        Some(i) => (
            &authority[..after_name + i],
            Some(&authority[after_name + i + 1..]),
        ),
        None => (authority, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn files(entries: &[(&str, &str)]) -> impl Fn(&Path) -> Option<String> {
        let map: BTreeMap<PathBuf, String> = entries
            .iter()
            .map(|(p, t)| (PathBuf::from(p), t.to_string()))
            .collect();
        move |p: &Path| map.get(p).cloned()
    }

    fn env(host: Option<&str>, context: Option<&str>) -> EnvVars {
        EnvVars {
            docker_host: host.map(str::to_string),
            docker_context: context.map(str::to_string),
            home: Some("/home/u".into()),
            ..EnvVars::default()
        }
    }

    /// `sha256("prod")`, as the docker CLI names the context's folder.
    const PROD: &str = "6754af9632a2745e85c293e5aac0863370d9bd3330b9938c00cadfd215227d77";

    #[test]
    fn the_default_is_the_default_socket() {
        let e = resolve(&env(None, None), &files(&[])).unwrap();
        assert_eq!(e.host, "unix:///var/run/docker.sock");
        assert_eq!(e.transport, Transport::Unix("/var/run/docker.sock".into()));
        assert_eq!(e.source, "the default socket");
    }

    #[test]
    fn docker_host_wins_over_the_context() {
        let e = resolve(&env(Some("unix:///run/x.sock"), Some("prod")), &files(&[])).unwrap();
        assert_eq!(e.transport, Transport::Unix("/run/x.sock".into()));
        assert_eq!(e.source, "DOCKER_HOST");
        let empty = resolve(&env(Some(""), None), &files(&[])).unwrap();
        assert_eq!(empty.source, "the default socket");
    }

    #[test]
    fn tcp_ports_default_by_tls() {
        let plain = resolve(&env(Some("tcp://10.0.0.1"), None), &files(&[])).unwrap();
        assert_eq!(
            plain.transport,
            Transport::Tcp {
                addr: "10.0.0.1:2375".into(),
                tls: None
            }
        );
        let mut e = env(Some("tcp://m1.example:2376/"), None);
        e.docker_tls_verify = Some("1".into());
        e.docker_cert_path = Some("/certs".into());
        let secure = resolve(&e, &files(&[])).unwrap();
        assert_eq!(
            secure.transport,
            Transport::Tcp {
                addr: "m1.example:2376".into(),
                tls: Some(TlsFiles {
                    ca: "/certs/ca.pem".into(),
                    cert: "/certs/cert.pem".into(),
                    key: "/certs/key.pem".into(),
                })
            }
        );
        e.docker_host = Some("tcp://m1.example".into());
        e.docker_cert_path = None;
        let Transport::Tcp { addr, tls } = resolve(&e, &files(&[])).unwrap().transport else {
            panic!("tcp");
        };
        assert_eq!(addr, "m1.example:2376");
        assert_eq!(tls.unwrap().ca, PathBuf::from("/home/u/.docker/ca.pem"));
        let v6 = resolve(&env(Some("tcp://[::1]"), None), &files(&[])).unwrap();
        assert!(matches!(v6.transport, Transport::Tcp { addr, .. } if addr == "[::1]:2375"));
        let bare = resolve(&env(Some("10.0.0.1:2377"), None), &files(&[])).unwrap();
        assert_eq!(
            bare.transport,
            Transport::Tcp {
                addr: "10.0.0.1:2377".into(),
                tls: None
            }
        );
    }

    #[test]
    fn addresses_it_cannot_use_are_refused_with_the_way_out() {
        for (host, says) in [
            ("ssh://admin@m1", "ssh -L"),
            ("http://m1:2375", "unknown scheme http://"),
            ("tcp://:2375", "no host name"),
            ("tcp://m1:port", "\"port\" is not a port number"),
            ("tcp://m1:99999", "is not a port number"),
            ("npipe:////./pipe/docker_engine", "Windows"),
        ] {
            let err = resolve(&env(Some(host), None), &files(&[])).unwrap_err();
            assert!(err.contains(says), "{host}: {err}");
            assert!(err.starts_with(&format!("DOCKER_HOST={host} ")), "{err}");
        }
    }

    #[test]
    fn a_context_is_read_from_its_meta_file() {
        let meta = format!("/home/u/.docker/contexts/meta/{PROD}/meta.json");
        let read = files(&[(
            &meta,
            r#"{"Name":"prod","Metadata":{},"Endpoints":{"docker":{"Host":"tcp://10.1.2.3:2376","SkipTLSVerify":false}}}"#,
        )]);
        let e = resolve(&env(None, Some("prod")), &read).unwrap();
        assert_eq!(e.source, "context \"prod\"");
        assert_eq!(
            e.transport,
            Transport::Tcp {
                addr: "10.1.2.3:2376".into(),
                tls: None
            }
        );
        // The same context, chosen by config.json, with its certificates.
        let tls = format!("/home/u/.docker/contexts/tls/{PROD}/docker");
        let read = files(&[
            (
                &meta,
                r#"{"Endpoints":{"docker":{"Host":"tcp://10.1.2.3"}}}"#,
            ),
            (
                "/home/u/.docker/config.json",
                r#"{"currentContext":"prod"}"#,
            ),
            (&format!("{tls}/ca.pem"), "pem"),
        ]);
        let e = resolve(&env(None, None), &read).unwrap();
        assert_eq!(
            e.transport,
            Transport::Tcp {
                addr: "10.1.2.3:2376".into(),
                tls: Some(TlsFiles::in_dir(Path::new(&tls)))
            }
        );
    }

    #[test]
    fn docker_config_moves_the_context_store() {
        let mut e = env(None, None);
        e.docker_config = Some("/etc/dk".into());
        let read = files(&[
            ("/etc/dk/config.json", r#"{"currentContext":"prod"}"#),
            (
                &format!("/etc/dk/contexts/meta/{PROD}/meta.json"),
                r#"{"Endpoints":{"docker":{"Host":"unix:///srv/prod.sock"}}}"#,
            ),
        ]);
        assert_eq!(
            resolve(&e, &read).unwrap().transport,
            Transport::Unix("/srv/prod.sock".into())
        );
    }

    #[test]
    fn the_default_context_and_broken_config_mean_the_default_socket() {
        let e = resolve(&env(None, Some("default")), &files(&[])).unwrap();
        assert_eq!(e.source, "the default socket");
        let read = files(&[("/home/u/.docker/config.json", "{not json")]);
        assert_eq!(
            resolve(&env(None, None), &read).unwrap().source,
            "the default socket"
        );
    }

    #[test]
    fn a_missing_context_says_how_to_list_them() {
        let err = resolve(&env(None, Some("prod")), &files(&[])).unwrap_err();
        assert!(err.contains("context \"prod\" (named by DOCKER_CONTEXT) does not exist"));
        assert!(err.contains("docker context ls"));
        let read = files(&[(
            &format!("/home/u/.docker/contexts/meta/{PROD}/meta.json"),
            r#"{"Endpoints":{}}"#,
        )]);
        let err = resolve(&env(None, Some("prod")), &read).unwrap_err();
        assert!(err.contains("has no docker endpoint"), "{err}");
    }
}
