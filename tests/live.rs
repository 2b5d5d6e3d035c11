//! `--docker` when the engine cannot be read: every failure is exit status 2 with a message that
//! names the endpoint and what to do, and nothing hangs (a socket that never answers is given up
//! after the connect timeout). The reads from a real swarm are in the conformance group `live`.

mod common;

use std::path::Path;

use assert_cmd::Command;

const STACK: &str = "models/web/stack.yml";

/// `swarmproof ARGS` with only the given Docker variables set (and HOME at `home`).
fn run(args: &[&str], vars: &[(&str, &str)], home: &Path) -> (i32, String, String) {
    let mut cmd = Command::cargo_bin("swarmproof").unwrap();
    for v in [
        "DOCKER_HOST",
        "DOCKER_CONTEXT",
        "DOCKER_TLS_VERIFY",
        "DOCKER_CERT_PATH",
        "DOCKER_CONFIG",
    ] {
        cmd.env_remove(v);
    }
    cmd.env("HOME", home).args(args);
    for (k, v) in vars {
        cmd.env(k, v);
    }
    common::outcome(&mut cmd)
}

fn check_docker(vars: &[(&str, &str)], home: &Path) -> (i32, String, String) {
    run(&["check", STACK, "--docker"], vars, home)
}

#[test]
fn a_missing_socket_is_exit_2_naming_it() {
    let home = tempfile::tempdir().unwrap();
    let sock = home.path().join("no/docker.sock");
    let host = format!("unix://{}", sock.display());
    let (code, out, err) = check_docker(&[("DOCKER_HOST", &host)], home.path());
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains(&format!("at {host} (from DOCKER_HOST)")),
        "{err}"
    );
    assert!(err.contains("start the Docker Engine"), "{err}");
    assert!(out.is_empty(), "{out}");
}

#[test]
fn a_socket_that_never_answers_is_given_up() {
    let home = tempfile::tempdir().unwrap();
    let sock = home.path().join("silent.sock");
    // Accepts connections (the kernel's backlog) and never reads or answers.
    let _listener = std::os::unix::net::UnixListener::bind(&sock).unwrap();
    let host = format!("unix://{}", sock.display());
    for args in [vec!["check", STACK, "--docker"], vec!["quorum", "--docker"]] {
        let (code, _, err) = run(&args, &[("DOCKER_HOST", &host)], home.path());
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(
            err.contains(&format!(
                "the Docker Engine at {host} (from DOCKER_HOST) did not answer within 5 s"
            )),
            "{err}"
        );
    }
}

#[test]
fn addresses_it_cannot_use_are_exit_2() {
    let home = tempfile::tempdir().unwrap();
    for (host, says) in [
        ("gopher://m1", "unknown scheme gopher://"),
        ("ssh://admin@m1", "forward the manager's socket"),
        ("tcp://m1:notaport", "is not a port number"),
    ] {
        let (code, _, err) = check_docker(&[("DOCKER_HOST", host)], home.path());
        assert_eq!(code, 2, "{host}: {err}");
        assert!(
            err.contains(&format!("DOCKER_HOST={host} is not an address")),
            "{err}"
        );
        assert!(err.contains(says), "{err}");
    }
}

#[test]
fn nothing_listening_on_tcp_is_exit_2() {
    let home = tempfile::tempdir().unwrap();
    // A port just released: nothing listens on it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let host = format!("tcp://127.0.0.1:{port}");
    let (code, _, err) = check_docker(&[("DOCKER_HOST", &host)], home.path());
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(&format!("at {host} (from DOCKER_HOST)")),
        "{err}"
    );
    assert!(err.contains("nothing listens there"), "{err}");
}

#[test]
fn missing_certificates_are_exit_2_saying_where_they_go() {
    let home = tempfile::tempdir().unwrap();
    let certs = home.path().join("certs");
    let (code, _, err) = check_docker(
        &[
            ("DOCKER_HOST", "tcp://127.0.0.1:2376"),
            ("DOCKER_TLS_VERIFY", "1"),
            ("DOCKER_CERT_PATH", &certs.display().to_string()),
        ],
        home.path(),
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("tcp://127.0.0.1:2376 (from DOCKER_HOST)"),
        "{err}"
    );
    assert!(err.contains("DOCKER_CERT_PATH"), "{err}");
}

#[test]
fn a_context_is_resolved_from_the_config_folder() {
    let home = tempfile::tempdir().unwrap();
    let (code, _, err) = check_docker(&[("DOCKER_CONTEXT", "prod")], home.path());
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("context \"prod\" (named by DOCKER_CONTEXT) does not exist"),
        "{err}"
    );
    // The context's endpoint is used: its socket is named in the message.
    let meta = home.path().join(
        ".docker/contexts/meta/6754af9632a2745e85c293e5aac0863370d9bd3330b9938c00cadfd215227d77",
    );
    std::fs::create_dir_all(&meta).unwrap();
    let sock = home.path().join("prod.sock");
    std::fs::write(
        meta.join("meta.json"),
        format!(
            r#"{{"Name":"prod","Endpoints":{{"docker":{{"Host":"unix://{}"}}}}}}"#,
            sock.display()
        ),
    )
    .unwrap();
    std::fs::write(
        home.path().join(".docker/config.json"),
        r#"{"currentContext":"prod"}"#,
    )
    .unwrap();
    let (code, _, err) = check_docker(&[], home.path());
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(&format!(
            "at unix://{} (from context \"prod\")",
            sock.display()
        )),
        "{err}"
    );
}

#[test]
fn docker_and_nodes_exclude_each_other() {
    let home = tempfile::tempdir().unwrap();
    let (code, _, err) = run(
        &[
            "check",
            STACK,
            "--docker",
            "--nodes",
            "models/web/nodes.yml",
        ],
        &[],
        home.path(),
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("cannot be used with"), "{err}");
    let (code, _, err) = run(&["quorum"], &[], home.path());
    assert_eq!(code, 2, "{err}");
}

/// `diff --docker` reads the deployed stack from the engine: unreachable, it is exit 2 naming
/// the endpoint; `--docker` and `--deployed` exclude each other.
#[test]
fn diff_docker_needs_the_engine() {
    let home = tempfile::tempdir().unwrap();
    let host = "unix:///nonexistent.sock";
    let (code, out, err) = run(
        &["diff", STACK, STACK, "--docker"],
        &[("DOCKER_HOST", host)],
        home.path(),
    );
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains(&format!("at {host} (from DOCKER_HOST)")),
        "{err}"
    );
    assert!(out.is_empty(), "{out}");
    let (code, _, err) = run(
        &["diff", STACK, STACK, "--docker", "--deployed", "x.json"],
        &[],
        home.path(),
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("cannot be used with"), "{err}");
}

/// An engine that answers but is not in a swarm (this machine's own engine, when it has no
/// swarm): refused with what to do. Skipped where no such engine answers.
#[test]
fn an_engine_outside_a_swarm_is_refused() {
    let state = std::process::Command::new("docker")
        .args(["info", "--format", "{{.Swarm.LocalNodeState}}"])
        .env_remove("DOCKER_HOST")
        .env_remove("DOCKER_CONTEXT")
        .output();
    let inactive = state.is_ok_and(|o| o.status.success() && o.stdout.trim_ascii() == b"inactive");
    if !inactive || !Path::new("/var/run/docker.sock").exists() {
        eprintln!("SKIPPED an_engine_outside_a_swarm_is_refused: no engine outside a swarm answers on /var/run/docker.sock");
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let (code, _, err) = check_docker(&[], home.path());
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("at unix:///var/run/docker.sock (from the default socket) is not in a swarm (its swarm state is inactive)"),
        "{err}"
    );
    assert!(err.contains("point DOCKER_HOST at a manager"), "{err}");
}
