//! Every real stack file of ../shared/corpus loads without the tool failing, and shows what
//! ../shared/corpus/INDEX.md says a loader should see. The files are read in place.

mod common;

use std::path::PathBuf;

use assert_cmd::Command;
use common::{codes, load_texts, summary};
use swarmproof::model::{Mode, RestartCondition};

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus")
}

fn corpus_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .expect("../shared/corpus is readable")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yml" || x == "yaml"))
        .collect();
    files.sort();
    files
}

fn load(name: &str) -> common::Loaded2 {
    let text = std::fs::read_to_string(corpus_dir().join(name)).unwrap();
    load_texts(&[&text], None, &[])
}

#[test]
fn every_file_checks_with_exit_status_0_or_1() {
    let files = corpus_files();
    assert_eq!(files.len(), 20, "the corpus has 20 stack files");
    for f in files {
        let out = Command::cargo_bin("swarmproof")
            .unwrap()
            .arg("check")
            .arg(&f)
            .arg("--format")
            .arg("json")
            .output()
            .unwrap();
        let code = out.status.code();
        assert!(
            matches!(code, Some(0 | 1)),
            "{}: exit {code:?}\n{}",
            f.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        let json: serde_json::Value =
            serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        assert!(
            json["verdicts"]["load"]["status"].is_string(),
            "{}",
            f.display()
        );
    }
}

// INDEX #1: depends_on is silently ignored.
#[test]
fn voting_app_depends_on_is_ignored() {
    let l = load("dockersamples__example-voting-app__docker-stack.legacy-f0fb81f.yml");
    assert!(
        codes(&l).iter().all(|c| *c == "SP0106"),
        "{:?}",
        summary(&l)
    );
    assert_eq!(codes(&l).len(), 3);
}

// INDEX #33: invalid constraint syntax, too-small CPU reservation, ignored keys, depends_on.
#[test]
fn docker_cli_full_example() {
    let l = load("docker__cli__cli__compose__loader__full-example.yml");
    let s = summary(&l);
    assert!(s.iter().any(|x| x.starts_with("SP0201 88:23 invalid constraint \"node=foo\": constraint expected one operator from ==, !=")), "{s:#?}");
    assert!(
        s.iter()
            .any(|x| x.starts_with("SP0109 73:17") && x.contains("invalid cpu value")),
        "{s:#?}"
    );
    assert!(
        s.iter()
            .any(|x| x.starts_with("SP0106 45:5 depends_on (db, redis)")),
        "{s:#?}"
    );
    for key in [
        "build",
        "cgroup_parent",
        "devices",
        "privileged",
        "restart",
        "security_opt",
        "network_mode",
    ] {
        assert!(
            s.iter()
                .any(|x| x.starts_with("SP0105") && x.ends_with(&format!("options: {key}"))),
            "{key}: {s:#?}"
        );
    }
    for key in ["container_name", "expose"] {
        assert!(
            s.iter()
                .any(|x| x.ends_with(&format!("Ignoring deprecated options: {key}"))),
            "{key}"
        );
    }
    let foo = &l.loaded.stack.services[0];
    assert_eq!(foo.mode.value, Mode::Replicated { replicas: 6 });
    assert!(foo.placement.constraint_errors);
    assert_eq!(*foo.placement.max_replicas_per_node, 5);
    assert_eq!(foo.resources.reservations.generic.len(), 2);
}

// INDEX #28 and #38: `restart` ignored with a warning yet used; depends_on ignored.
#[test]
fn mailu_and_gitlab_restart_and_depends_on() {
    for name in [
        "Mailu__Mailu__docs__swarm__1.5__docker-compose-stack-simple.yml",
        "sameersbn__docker-gitlab__contrib__docker-swarm__docker-compose.yml",
    ] {
        let l = load(name);
        let c = codes(&l);
        assert!(
            c.contains(&"SP0105") && c.contains(&"SP0106") && c.contains(&"SP0107"),
            "{name}: {c:?}"
        );
        assert!(
            !c.iter()
                .any(|c| c.starts_with("SP01") && !["SP0105", "SP0106", "SP0107"].contains(c)),
            "{name}: {:?}",
            summary(&l)
        );
    }
}

// INDEX #32: replicated-job with replicas 0 and restart condition none.
#[test]
fn replicated_job_with_zero_replicas() {
    let l = load("crazy-max__swarm-cronjob__test__replicated-job-basic.yml");
    assert!(l.report.findings.is_empty(), "{:?}", summary(&l));
    let s = &l.loaded.stack.services[0];
    assert_eq!(
        s.mode.value,
        Mode::ReplicatedJob {
            max_concurrent: 0,
            total_completions: 0
        }
    );
    assert_eq!(*s.restart_policy.condition, RestartCondition::None);
}

// INDEX #6, #7: `${DOMAIN?Variable not set}` needs the variable.
#[test]
fn dockerswarm_rocks_needs_domain() {
    let name = "tiangolo__dockerswarm.rocks__docs__portainer.yml";
    let l = load(name);
    assert!(
        summary(&l)[0].contains("required variable DOMAIN is missing a value: Variable not set")
    );
    let text = std::fs::read_to_string(corpus_dir().join(name)).unwrap();
    let with_env = load_texts(&[&text], None, &[("DOMAIN", "example.com")]);
    assert!(
        with_env.report.findings.is_empty(),
        "{:?}",
        summary(&with_env)
    );
}

// INDEX #16: a host-mode port on the default single replica.
#[test]
fn kafka_host_mode_port() {
    let l = load("wurstmeister__kafka-docker__docker-compose-swarm.yml");
    let kafka = l.loaded.stack.service("kafka").unwrap();
    assert!(kafka.host_ports().any(|(_, p)| p == 9094));
    assert_eq!(kafka.mode.value, Mode::Replicated { replicas: 1 });
}

// Files INDEX describes as clean for a loader stay free of load errors.
#[test]
fn clean_files_have_no_load_errors() {
    for name in [
        "stefanprodan__swarmprom__docker-compose.yml",
        "BretFisher__dogvscat__stack-proxy-global.yml",
        "BretFisher__dogvscat__stack-voting.yml",
        "BretFisher__dogvscat__stack-ghost.yml",
        "BretFisher__dogvscat__stack-rexray.yml",
        "BretFisher__dogvscat__stack-prune.yml",
        "BretFisher__udemy-docker-mastery__swarm-stack-4__answer__voting-app-placement.yml",
        "swarmpit__swarmpit__docker-compose.yml",
        "openfaas__faas__docker-compose.yml",
        "colinmollenhour__mariadb-galera-swarm__examples__swarm__docker-compose.yml",
    ] {
        let l = load(name);
        let errors: Vec<_> = l
            .report
            .findings
            .iter()
            .filter(|d| d.severity == swarmproof::diagnostics::Severity::Error)
            .collect();
        assert!(errors.is_empty(), "{name}: {:?}", summary(&l));
    }
}

/// The dependency, network and storage findings (SP50xx) of each corpus file, read in place,
/// with no inventory. Each row is what INDEX.md says a checker should see for that file.
#[test]
fn graph_findings_match_the_index() {
    let expected: &[(&str, &[&str])] = &[
        // #10: the rexray volumes are plugin-backed, not node-local; `proxy` is external.
        ("BretFisher__dogvscat__stack-ghost.yml", &["SP5015:"]),
        // #8: consul's local volume follows the scheduler; traefik-init names dockersocket
        // (`--docker.endPoint`) without sharing a network with it.
        (
            "BretFisher__dogvscat__stack-proxy-global.yml",
            &["SP5010:traefik-init", "SP5020:consul"],
        ),
        // #12: the external network `bridge`.
        ("BretFisher__dogvscat__stack-prune.yml", &["SP5015:"]),
        // #11: the external secret.
        ("BretFisher__dogvscat__stack-rexray.yml", &["SP5015:"]),
        // #9: local volumes of db and redis; dnsrr without published ports is fine.
        (
            "BretFisher__dogvscat__stack-voting.yml",
            &["SP5015:", "SP5020:db", "SP5020:redis"],
        ),
        (
            "BretFisher__udemy-docker-mastery__swarm-stack-4__answer__voting-app-placement.yml",
            &[],
        ),
        // #28: dnsrr with host-mode ports is legal; NFS through the local driver is shared.
        (
            "Mailu__Mailu__docs__swarm__1.5__docker-compose-stack-simple.yml",
            &[],
        ),
        // #22: the seed's local volume.
        (
            "colinmollenhour__mariadb-galera-swarm__examples__swarm__docker-compose.yml",
            &["SP5020:seed"],
        ),
        (
            "crazy-max__swarm-cronjob__test__replicated-job-basic.yml",
            &[],
        ),
        // #33: dependencies outside the stack, dnsrr with ingress ports, external objects,
        // relative binds, replicas sharing host paths.
        (
            "docker__cli__cli__compose__loader__full-example.yml",
            &[
                "SP5004:foo",
                "SP5004:foo",
                "SP5013:foo",
                "SP5015:",
                "SP5015:",
                "SP5021:foo",
                "SP5021:foo",
                "SP5021:foo",
                "SP5021:foo",
                "SP5022:foo",
                "SP5022:foo",
                "SP5022:foo",
                "SP5022:foo",
            ],
        ),
        // #1: db's local volume on whichever manager ran it first.
        (
            "dockersamples__example-voting-app__docker-stack.legacy-f0fb81f.yml",
            &["SP5020:db"],
        ),
        // #17: the two external basic-auth secrets.
        (
            "openfaas__faas__docker-compose.yml",
            &["SP5015:", "SP5015:"],
        ),
        // #38: no placement, absolute binds on random nodes.
        (
            "sameersbn__docker-gitlab__contrib__docker-swarm__docker-compose.yml",
            &["SP5020:gitlab", "SP5020:postgresql", "SP5020:redis"],
        ),
        // #2: named volumes on managers; the hard-coded docker_gwbridge address.
        (
            "stefanprodan__swarmprom__docker-compose.yml",
            &[
                "SP5016:dockerd-exporter",
                "SP5020:alertmanager",
                "SP5020:grafana",
                "SP5020:prometheus",
            ],
        ),
        // #15: couchdb and influxdb on local volumes with no constraint (swarmpit#559).
        (
            "swarmpit__swarmpit__docker-compose.yml",
            &["SP5020:db", "SP5020:influxdb"],
        ),
        (
            "tiangolo__dockerswarm.rocks__docs__portainer.yml",
            &["SP5015:"],
        ),
        // #7: the label-pinned fix of #15: only the external network remains.
        (
            "tiangolo__dockerswarm.rocks__docs__swarmpit.yml",
            &["SP5015:"],
        ),
        // #19 and #20: relative bind mounts pinned only to managers.
        (
            "vegasbrianc__prometheus__docker-stack.yml",
            &[
                "SP5020:grafana",
                "SP5020:prometheus",
                "SP5021:alertmanager",
                "SP5021:grafana",
                "SP5021:prometheus",
            ],
        ),
        (
            "vegasbrianc__prometheus__docker-traefik-stack.yml",
            &[
                "SP5020:grafana",
                "SP5020:prometheus",
                "SP5021:alertmanager",
                "SP5021:grafana",
                "SP5021:prometheus",
            ],
        ),
        ("wurstmeister__kafka-docker__docker-compose-swarm.yml", &[]),
    ];
    assert_eq!(expected.len(), corpus_files().len());
    for (name, want) in expected {
        let text = std::fs::read_to_string(corpus_dir().join(name)).unwrap();
        let l = load_texts(&[&text], None, &[("DOMAIN", "example.com")]);
        let g = swarmproof::graph::check(&l.loaded.stack, None);
        let mut got: Vec<String> = g
            .diagnostics
            .iter()
            .map(|d| format!("{}:{}", d.code.id, d.service.clone().unwrap_or_default()))
            .collect();
        got.sort();
        assert_eq!(got, *want, "{name}");
    }
}

// INDEX #8, #9: `local` driver with `size: 1`; #11: a global "job" written with restart none.
#[test]
fn local_size_option_and_global_run_once() {
    for (name, want) in [
        (
            "BretFisher__dogvscat__stack-proxy-global.yml",
            vec!["SP0117"],
        ),
        (
            "BretFisher__dogvscat__stack-voting.yml",
            vec!["SP0117", "SP0117"],
        ),
        ("BretFisher__dogvscat__stack-rexray.yml", vec!["SP0116"]),
    ] {
        let l = load(name);
        let got: Vec<&str> = codes(&l)
            .into_iter()
            .filter(|c| *c == "SP0116" || *c == "SP0117")
            .collect();
        assert_eq!(got, want, "{name}: {:?}", summary(&l));
    }
}
