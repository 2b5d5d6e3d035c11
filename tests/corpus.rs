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
