//! Loader conformance: `swarmproof config` against `docker stack config` (CLI only, no cluster).
//!
//! Each case runs both with the same files, working directory and environment (a cleared one
//! plus the case's variables). Where docker prints a config, both outputs are parsed as YAML and
//! compared as data, and `swarmproof check` must not reject the files; where docker refuses
//! them, `swarmproof config` and `swarmproof check` must both fail.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value as J;

use crate::harness::{repo, Case, Ctx, Group, Verdict};

/// The environment both commands run with, besides a case's own variables.
const BASE_ENV: &[(&str, &str)] = &[("HOME", "/home/sp")];

pub fn group() -> Group {
    let mut cases = Vec::new();
    let corpus = repo().join("../shared/corpus");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "yml" || e == "yaml"));
    files.sort();
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        cases.push(Case::new(format!("corpus/{name}"), move |ctx| {
            compare(ctx, &[path], &[], &[])
        }));
    }
    // The two files that need a variable, with it set.
    for name in [
        "tiangolo__dockerswarm.rocks__docs__portainer.yml",
        "tiangolo__dockerswarm.rocks__docs__swarmpit.yml",
    ] {
        let path = corpus.join(name);
        cases.push(Case::new(format!("corpus/{name}+DOMAIN"), move |ctx| {
            compare(ctx, &[path], &[("DOMAIN", "example.com")], &[])
        }));
    }
    // docker/cli's full example with the env files it names: a first file that only sets the
    // version makes the scratch folder (holding copies of docker/cli's env files) docker's
    // working directory, and the corpus file is merged onto it unchanged.
    let full = corpus.join("docker__cli__cli__compose__loader__full-example.yml");
    cases.push(Case::new("corpus/full-example+env-files", move |ctx| {
        let dir = ctx.work.join("full-example");
        let base = write(&dir, "base.yml", "version: \"3.13\"\n");
        write(&dir, "example1.env", EXAMPLE1_ENV);
        write(&dir, "example2.env", EXAMPLE2_ENV);
        compare(ctx, &[base, full], &[("QUX", "qux_from_environment")], &[])
    }));
    let mut models: Vec<PathBuf> = std::fs::read_dir(repo().join("models"))
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    models.sort();
    for dir in models {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        cases.push(Case::new(format!("models/{name}"), move |ctx| {
            compare(ctx, &[dir.join("stack.yml")], &[], &[])
        }));
    }
    for s in SYNTHETIC {
        cases.push(Case::new(format!("synthetic/{}", s.name), move |ctx| {
            let dir = ctx.work.join(s.name);
            let paths: Vec<PathBuf> = s
                .files
                .iter()
                .enumerate()
                .map(|(i, text)| write(&dir, &format!("f{i}.yml"), text))
                .collect();
            for (name, text) in s.extra {
                write(&dir, name, text);
            }
            compare(ctx, &paths, s.env, s.flags)
        }));
    }
    Group {
        name: "loader",
        needs_cluster: false,
        cases,
    }
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::create_dir_all(dir).expect("scratch folder");
    std::fs::write(&path, text).expect("scratch file");
    path
}

fn run(ctx: &Ctx, program: &str, args: &[String], env: &[(&str, &str)]) -> Output {
    Command::new(program)
        .args(args)
        .current_dir(&ctx.work)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .envs(BASE_ENV.iter().chain(env).copied())
        .output()
        .unwrap_or_else(|e| panic!("{program} runs: {e}"))
}

fn file_args(flag: &str, files: &[PathBuf]) -> Vec<String> {
    files
        .iter()
        .flat_map(|f| [flag.to_string(), f.display().to_string()])
        .collect()
}

fn last_line(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    text.lines()
        .rfind(|l| !l.trim().is_empty() && !l.contains("level=warn"))
        .unwrap_or("")
        .trim()
        .to_string()
}

fn compare(ctx: &Ctx, files: &[PathBuf], env: &[(&str, &str)], flags: &[&str]) -> Verdict {
    let flags: Vec<String> = flags.iter().map(|f| f.to_string()).collect();
    let docker_args = [
        vec!["stack".into(), "config".into()],
        flags.clone(),
        file_args("-c", files),
    ]
    .concat();
    let docker = run(ctx, "docker", &docker_args, env);
    let sp = env!("CARGO_BIN_EXE_swarmproof");
    let config = run(
        ctx,
        sp,
        &[vec!["config".into()], flags.clone(), file_args("-f", files)].concat(),
        env,
    );
    // `check` reads the files as `docker stack deploy` does, which has no such flags as
    // `--skip-interpolation`: with flags only the configs are compared.
    let check = flags.is_empty().then(|| {
        run(
            ctx,
            sp,
            &[
                vec!["check".into(), "--format".into(), "json".into()],
                file_args("-f", files),
            ]
            .concat(),
            env,
        )
    });
    if !docker.status.success() {
        let why = last_line(&docker.stderr);
        if config.status.success() {
            return Err(format!(
                "docker rejects ({why}) but swarmproof config prints a config"
            ));
        }
        if check.as_ref().is_some_and(|c| c.status.success()) {
            return Err(format!(
                "docker rejects ({why}) but swarmproof check finds no error"
            ));
        }
        let ours = String::from_utf8_lossy(&config.stderr)
            .lines()
            .find(|l| l.starts_with("error"))
            .unwrap_or("")
            .to_string();
        return Ok(format!("both reject: docker `{why}`; swarmproof `{ours}`"));
    }
    if !config.status.success() {
        return Err(format!(
            "docker accepts but swarmproof config fails: {}",
            last_line(&config.stderr)
        ));
    }
    let theirs = parse(&docker.stdout).map_err(|e| format!("docker's output: {e}"))?;
    let ours = parse(&config.stdout).map_err(|e| format!("swarmproof's output: {e}"))?;
    let mut diffs = Vec::new();
    differences(&theirs, &ours, "", &mut diffs);
    if !diffs.is_empty() {
        let n = diffs.len();
        diffs.truncate(5);
        return Err(format!("{n} differing paths: {}", diffs.join("; ")));
    }
    let rejections = match &check {
        Some(c) => load_rejections(&c.stdout)?,
        None => Vec::new(),
    };
    if !rejections.is_empty() {
        return Err(format!(
            "docker accepts but swarmproof check rejects: {}",
            rejections.join("; ")
        ));
    }
    let services = theirs
        .get("services")
        .and_then(J::as_object)
        .map_or(0, |s| s.len());
    let text = if docker.stdout == config.stdout {
        "byte-identical text"
    } else {
        "text differs in layout only"
    };
    let checked = if check.is_some() {
        "check raises no load rejection"
    } else {
        "config flags, check not run"
    };
    Ok(format!(
        "same config ({services} services, {} values, {text}); {checked}",
        leaves(&theirs)
    ))
}

fn parse(bytes: &[u8]) -> Result<J, String> {
    let text = String::from_utf8_lossy(bytes);
    serde_saphyr::from_str::<J>(&text).map_err(|e| e.to_string())
}

/// The error findings of `swarmproof check --format json` that say docker refuses the files.
fn load_rejections(stdout: &[u8]) -> Result<Vec<String>, String> {
    let report: J = serde_json::from_slice(stdout)
        .map_err(|e| format!("swarmproof check --format json: {e}"))?;
    Ok(report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["severity"] == "error")
        .filter(|f| {
            f["code"]
                .as_str()
                .and_then(|q| swarmproof::checks::CATALOG.find(q))
                .is_some_and(swarmproof::loading::codes::is_load_rejection)
        })
        .map(|f| format!("{} {}", f["code"], f["message"]))
        .collect())
}

fn leaves(v: &J) -> usize {
    match v {
        J::Object(m) => m.values().map(leaves).sum(),
        J::Array(a) => a.iter().map(leaves).sum(),
        _ => 1,
    }
}

/// The paths where `ours` differs from `theirs`.
fn differences(theirs: &J, ours: &J, path: &str, out: &mut Vec<String>) {
    match (theirs, ours) {
        (J::Object(a), J::Object(b)) => {
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                let p = format!("{path}.{k}");
                match (a.get(k), b.get(k)) {
                    (Some(x), Some(y)) => differences(x, y, &p, out),
                    (Some(x), None) => out.push(format!("{p}: only docker has {x}")),
                    (None, Some(y)) => out.push(format!("{p}: only swarmproof has {y}")),
                    (None, None) => {}
                }
            }
        }
        (J::Array(a), J::Array(b)) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                differences(x, y, &format!("{path}[{i}]"), out);
            }
        }
        (J::Number(a), J::Number(b)) if a.as_f64() == b.as_f64() => {}
        _ if theirs == ours => {}
        _ => out.push(format!("{path}: docker {theirs}, swarmproof {ours}")),
    }
}

/// docker/cli's `cli/compose/loader/example1.env` and `example2.env` (v28.2.2).
const EXAMPLE1_ENV: &str = "# passed through\nFOO=foo_from_env_file\n\n# overridden in example2.env\nBAR=bar_from_env_file\n\n# overridden in full-example.yml\nBAZ=baz_from_env_file\n";
const EXAMPLE2_ENV: &str =
    "BAR=bar_from_env_file_2\n\n# overridden in configDetails.Environment\nQUX=quz_from_env_file_2\n";

/// A stack written for the comparison: its files (merged in order), files beside them, and
/// the variables set.
struct Synthetic {
    name: &'static str,
    files: &'static [&'static str],
    extra: &'static [(&'static str, &'static str)],
    env: &'static [(&'static str, &'static str)],
    /// Flags given to both `config` commands.
    flags: &'static [&'static str],
}

const SYNTHETIC: &[Synthetic] = &[
    Synthetic {
        name: "interpolation-defaults",
        files: &[r#"version: "3.8"
services:
  web:
    image: "nginx:${TAG:-1.25}"
    environment:
      COLON_UNSET: "${UNSET:-d1}"
      COLON_EMPTY: "${EMPTY:-d2}"
      DASH_UNSET: "${UNSET-d3}"
      DASH_EMPTY: "${EMPTY-d4}"
      BRACED: "${SET}"
      BARE: "$SET/x"
      ESCAPED: "$$SET and $${SET}"
      MISSING: "a${UNSET}b"
    labels:
      - "required-set=${SET:?must be set}"
      - "required-empty-dash=${EMPTY?may be empty}"
"#],
        extra: &[],
        env: &[("SET", "value"), ("EMPTY", "")],
        flags: &[],
    },
    Synthetic {
        name: "interpolation-required-missing",
        files: &[r#"version: "3.8"
services:
  web:
    image: "nginx:${TAG:?TAG is required}"
"#],
        extra: &[],
        env: &[],
        flags: &[],
    },
    Synthetic {
        name: "interpolation-required-empty",
        files: &[r#"version: "3.8"
services:
  web:
    image: nginx
    environment:
      A: "${EMPTY:?must not be empty}"
"#],
        extra: &[],
        env: &[("EMPTY", "")],
        flags: &[],
    },
    Synthetic {
        name: "interpolation-compose-v2-syntax",
        files: &[r#"version: "3.8"
services:
  web:
    image: "nginx:${TAG:+latest}"
"#],
        extra: &[],
        env: &[("TAG", "1")],
        flags: &[],
    },
    Synthetic {
        name: "interpolation-typed-values",
        files: &[r#"version: "3.8"
services:
  web:
    image: nginx
    read_only: "${RO}"
    ports:
      - target: 80
        published: "${PORT}"
    deploy:
      replicas: "${REPLICAS}"
      update_config:
        parallelism: "${PAR}"
        max_failure_ratio: "${RATIO}"
      restart_policy:
        max_attempts: "${TRIES}"
networks:
  ext:
    external: "${EXT}"
x-top:
  note: "${SET}"
"#],
        extra: &[],
        env: &[
            ("RO", "yes"),
            ("PORT", "8080"),
            ("REPLICAS", "3"),
            ("PAR", "2"),
            ("RATIO", "0.25"),
            ("TRIES", "5"),
            ("EXT", "true"),
            ("SET", "value"),
        ],
        flags: &[],
    },
    Synthetic {
        name: "interpolation-bad-cast",
        files: &[r#"version: "3.8"
services:
  web:
    image: nginx
    deploy:
      replicas: "${REPLICAS}"
"#],
        extra: &[],
        env: &[("REPLICAS", "three")],
        flags: &[],
    },
    Synthetic {
        name: "yaml-anchors-and-merge-keys",
        files: &[r#"version: "3.8"
x-defaults: &defaults
  image: busybox
  deploy: &deploy
    replicas: 2
    restart_policy:
      condition: on-failure
  labels:
    tier: back
services:
  a:
    <<: *defaults
  b:
    <<: *defaults
    deploy:
      <<: *deploy
      replicas: 5
    labels:
      tier: front
"#],
        extra: &[],
        env: &[],
        flags: &[],
    },
    Synthetic {
        name: "override-ports-volumes-env-labels",
        files: &[
            r#"version: "3.8"
services:
  web:
    image: nginx:1.20
    ports:
      - "80:80"
      - "443:443"
    volumes:
      - data:/data
      - ./conf:/etc/nginx/conf.d:ro
    environment:
      - A=1
      - B=2
    labels:
      keep: "yes"
      change: old
    command: ["nginx", "-g", "daemon off;"]
volumes:
  data: {}
"#,
            r#"version: "3.8"
services:
  web:
    image: nginx:1.21
    ports:
      - "8443:443"
      - target: 80
        published: 80
        protocol: udp
    volumes:
      - other:/data
    environment:
      B: "3"
      C: "4"
    labels:
      - change=new
    command: nginx -T
volumes:
  other:
    driver: local
"#,
        ],
        extra: &[],
        env: &[],
        flags: &[],
    },
    Synthetic {
        name: "override-deploy",
        files: &[
            r#"version: "3.8"
services:
  web:
    image: nginx
    deploy:
      replicas: 2
      labels: [a=1]
      placement:
        constraints: [node.role == worker]
      resources:
        limits: {cpus: "1", memory: 512M}
      update_config: {parallelism: 1, delay: 10s}
  db:
    image: postgres
"#,
            r#"version: "3.8"
services:
  web:
    deploy:
      replicas: 4
      labels: {b: "2"}
      placement:
        constraints: [node.labels.zone == a]
      resources:
        limits: {memory: 1G}
      update_config: {order: start-first}
  cache:
    image: redis
"#,
        ],
        extra: &[],
        env: &[],
        flags: &[],
    },
    Synthetic {
        name: "override-unpublished-ports",
        files: &[
            r#"version: "3.8"
services:
  web:
    image: nginx
    ports: ["9000:90", "80", "443"]
"#,
            r#"version: "3.8"
services:
  web:
    ports: ["8080:8080"]
"#,
        ],
        extra: &[],
        env: &[],
        flags: &[],
    },
    Synthetic {
        name: "extension-fields",
        files: &[
            r#"version: "3.8"
x-top: {a: 1, b: [x, y]}
x-number: 1.5
services:
  web:
    image: nginx
    x-service: {owner: team-a, weight: 3}
    networks: [front, ext]
networks:
  front:
    driver: overlay
    x-net: internal-only
  ext:
    external: true
    x-net: shared
volumes:
  v:
    x-vol: {kind: local}
  ev:
    external: true
    x-vol: kept
secrets:
  s:
    file: ./s.txt
    x-sec: 1
"#,
            r#"version: "3.8"
x-top: {c: 3}
x-later: only in the second file
"#,
        ],
        extra: &[],
        env: &[],
        flags: &[],
    },
    Synthetic {
        name: "value-formats",
        files: &[r#"version: "3.13"
services:
  web:
    image: nginx
    stop_grace_period: 1m30s
    healthcheck:
      test: curl -f http://localhost/ || exit 1
      interval: 1.5h
      timeout: 500ms
      retries: 0
      start_period: 0s
    ports:
      - 80
      - "8080:80"
      - "53:53/udp"
      - "127.0.0.1:9000:9000"
      - "7000-7002:7000-7002"
      - "6000-6002:600"
      - target: 443
        published: 8443
        mode: host
        protocol: tcp
      - target: 22
    deploy:
      resources:
        limits: {cpus: "0.5", memory: 1.5G, pids: 100}
        reservations:
          cpus: "0.25"
          memory: "1024"
          generic_resources:
            - discrete_resource_spec: {kind: gpu, value: 2}
      update_config: {delay: 0s, monitor: 1m, max_failure_ratio: 0.1, parallelism: 0}
      rollback_config: {delay: 90s}
      restart_policy: {condition: any, delay: 5s, window: 2m0s}
      placement:
        max_replicas_per_node: 2
        preferences: [{spread: node.labels.zone}]
"#],
        extra: &[],
        env: &[],
        flags: &[],
    },
    Synthetic {
        name: "short-forms",
        files: &[r#"version: "3.8"
services:
  web:
    image: nginx
    command: sh -c 'echo "hello world" && sleep 1'
    entrypoint: ["/bin/tini", "--"]
    dns: 8.8.8.8
    dns_search: [a.example, b.example]
    tmpfs: /run
    env_file: ./web.env
    environment:
      - FROM_ENV
      - EMPTY_TAKES_ENV=
      - NO_VALUE_UNSET
      - OVERRIDES=environment
    extra_hosts:
      - "somehost:162.242.195.82"
      - "v6host=[::1]"
    sysctls: [net.core.somaxconn=1024, net.ipv4.tcp_syncookies]
    ulimits:
      nproc: 65535
      nofile: {soft: 20000, hard: 40000}
    logging:
      driver: json-file
      options: {max-size: 10m, max-file: 3}
    labels: {float: 1.0, big: 1e6, yes_word: "yes", number: 42}
    networks:
      front:
        aliases: [www]
      back:
    init: false
    secrets:
      - s
      - source: s
        target: /run/s2
        mode: 0440
  worker:
    image: busybox
    extra_hosts: {b: 10.0.0.2, a: 10.0.0.1}
networks:
  front: {}
  back:
secrets:
  s:
    file: ../s.txt
"#],
        extra: &[(
            "web.env",
            "# env file\nOVERRIDES=env_file\nONLY_FILE=1\nFROM_FILE_WITH_ENV\n  INDENTED=yes\n",
        )],
        env: &[
            ("FROM_ENV", "process"),
            ("EMPTY_TAKES_ENV", "process2"),
            ("FROM_FILE_WITH_ENV", "process3"),
        ],
        flags: &[],
    },
    Synthetic {
        name: "volumes-and-objects",
        files: &[r#"version: "3.8"
services:
  web:
    image: nginx
    volumes:
      - /abs/path:/a
      - ./rel/../data:/b:ro
      - ~/cache:/c:rshared
      - named:/d:nocopy
      - /anonymous
      - type: bind
        source: ./site
        target: /e
        bind: {propagation: rprivate}
      - type: tmpfs
        target: /f
        tmpfs: {size: 1000}
      - type: volume
        source: named
        target: /g
        volume: {nocopy: true}
    configs:
      - source: c
        target: /etc/c
        uid: "100"
volumes:
  named:
    driver: local
    driver_opts: {type: nfs, o: "addr=10.0.0.1,rw", device: ":/x"}
    labels: [team=a]
  old:
    external:
      name: legacy-volume
networks:
  n:
    driver: overlay
    attachable: true
    internal: false
    ipam:
      config: [{subnet: 10.5.0.0/24}]
  named-ext:
    external: true
    name: real-name
configs:
  c:
    file: ./c.conf
    template_driver: golang
  ec:
    external: true
secrets:
  es:
    external:
      name: real-secret
"#],
        extra: &[],
        env: &[],
        flags: &[],
    },
    Synthetic {
        name: "service-keys-as-printed",
        files: &[r#"version: "3.8"
services:
  web:
    image: nginx
    environment:
      BOOL: "true"
      NUM: 3
      FLOAT: 2.50
      NULL_VAL:
      BIG: 12345678901234567890
    labels:
      empty:
    healthcheck:
      disable: true
    stop_grace_period: 90s
    user: "0"
    working_dir: /app
    hostname: h
    cap_add: [NET_ADMIN]
    read_only: true
    tty: true
    stdin_open: true
    privileged: true
    restart: always
    container_name: c
    expose: [80, "443"]
    devices: ["/dev/fuse"]
    security_opt: [no-new-privileges]
    credential_spec: {file: x.json}
    isolation: default
    init: true
    depends_on: [db]
    dns: [1.1.1.1]
  db:
    image: postgres
"#],
        extra: &[],
        env: &[],
        flags: &[],
    },
    Synthetic {
        name: "override-logging-healthcheck-networks-objects",
        files: &[r#"version: "3.8"
services:
  web:
    image: nginx
    x-a: {k: 1, n: {deep: 1}}
    logging: {driver: json-file, options: {max-size: 1m}}
    healthcheck: {test: [CMD, "true"], interval: 10s}
    networks:
      front: {aliases: [a1]}
networks:
  front:
    driver: overlay
    driver_opts: {encrypted: ""}
    labels: {a: b}
volumes:
  v:
    driver: local
    driver_opts: {type: tmpfs}
secrets:
  s: {file: ./a}
"#, r#"version: "3.8"
services:
  web:
    x-a: {n: {other: 2}}
    logging: {options: {max-file: "3"}}
    healthcheck: {retries: 3}
    networks:
      front: {aliases: [a2]}
      back:
networks:
  front:
    attachable: true
  back: {}
volumes:
  v:
    labels: [x=y]
secrets:
  s: {file: ./b}
"#],
        extra: &[],
        env: &[],
        flags: &[],
    },
    Synthetic {
        name: "ports-short-syntax-variants",
        files: &[r#"version: "3.8"
services:
  web:
    image: nginx
    ports:
      - "80:80"
      - "80:80/udp"
      - "[::1]:81:81"
      - "0.0.0.0:82:82"
      - 9090-9091
      - "83:83/TCP"
"#],
        extra: &[],
        env: &[],
        flags: &[],
    },
    Synthetic {
        name: "override-network-null-keeps-settings",
        files: &[r#"version: "3.8"
services:
  web:
    image: nginx
    networks:
      front: {aliases: [a1], ipv4_address: 10.0.0.2}
    labels: {a: "1"}
networks:
  front: {}
"#, r#"version: "3.8"
services:
  web:
    image: nginx:2
    networks:
      front:
    labels: {b: "2"}
    deploy:
      replicas: 0
"#],
        extra: &[],
        env: &[],
        flags: &[],
    },
    Synthetic {
        name: "reject-number-in-string-list",
        files: &[r#"version: "3.8"
services:
  web:
    image: nginx
    command: [sleep, 10]
"#],
        extra: &[],
        env: &[],
        flags: &[],
    },
    Synthetic {
        name: "reject-boolean-environment-value",
        files: &[r#"version: "3.8"
services:
  web:
    image: nginx
    environment: {DEBUG: true}
"#],
        extra: &[],
        env: &[],
        flags: &[],
    },
    Synthetic {
        name: "reject-duplicate-labels",
        files: &[r#"version: "3.8"
services:
  web:
    image: nginx
    labels: [a=1, a=1]
"#],
        extra: &[],
        env: &[],
        flags: &[],
    },
    Synthetic {
        name: "reject-unquoted-user",
        files: &[r#"version: "3.8"
services:
  web:
    image: nginx
    user: 1000
"#],
        extra: &[],
        env: &[],
        flags: &[],
    },
    Synthetic {
        name: "reject-null-in-override",
        files: &[r#"version: "3.8"
services:
  web:
    image: nginx
    networks:
      front: {aliases: [a1], ipv4_address: 10.0.0.2}
    labels: {a: "1"}
networks:
  front: {}
"#, r#"version: "3.8"
services:
  web:
    image:
"#],
        extra: &[],
        env: &[],
        flags: &[],
    },
    Synthetic {
        name: "override-lists-objects-extensions",
        files: &[r#"version: "3.8"
services:
  web:
    image: nginx
    x-meta: {a: 1, nested: {x: 1}}
    secrets: [b, a]
    volumes: ["/z:/z", "/a:/a"]
    deploy:
      placement:
        constraints: [node.role == worker]
        preferences: [{spread: node.labels.zone}]
      resources:
        reservations:
          generic_resources:
            - discrete_resource_spec: {kind: gpu, value: 1}
    dns: [1.1.1.1]
networks:
  n:
    driver: overlay
    driver_opts: {encrypted: ""}
    labels: {a: "1"}
volumes:
  v:
    driver: local
    driver_opts: {type: none}
secrets:
  a: {file: ./a}
  b: {file: ./b}
"#, r#"version: "3.8"
services:
  web:
    x-meta: {nested: {y: 2}}
    secrets: [c]
    volumes: ["/m:/m"]
    deploy:
      placement:
        constraints: [node.labels.x == y]
        preferences: [{spread: node.labels.rack}]
      resources:
        reservations:
          generic_resources:
            - discrete_resource_spec: {kind: fpga, value: 1}
    dns: 8.8.8.8
networks:
  n:
    attachable: true
volumes:
  v:
    labels: {b: "2"}
secrets:
  c: {external: true}
"#],
        extra: &[],
        env: &[],
        flags: &[],
    },
    Synthetic {
        name: "ports-host-addresses",
        files: &[r#"version: "3.8"
services:
  web:
    image: nginx
    ports: ["::1:80:80", "[::1]:82:82", "127.0.0.1:84:84", ":85:85", "::86", "98-101"]
"#],
        extra: &[],
        env: &[],
        flags: &[],
    },
    Synthetic {
        name: "override-empty-command",
        files: &[r#"version: "3.8"
services:
  web:
    image: nginx
    command: [a, b]
    entrypoint: x y
"#, r#"version: "3.8"
services:
  web:
    command: ""
    entrypoint: []
"#],
        extra: &[],
        env: &[],
        flags: &[],
    },
    Synthetic {
        name: "reject-port-host-not-an-address",
        files: &[r#"version: "3.8"
services:
  web:
    image: nginx
    ports: ["foo:81:81"]
"#],
        extra: &[],
        env: &[],
        flags: &[],
    },
    Synthetic {
        name: "build-jobs-and-objects",
        files: &[r#"version: "3"
services:
  web:
    image: nginx
    build:
      context: ./dir
      dockerfile: Dockerfile.x
      args: [A=1, B]
      labels: {l: v}
      cache_from: [x]
      network: host
      target: prod
    deploy:
      mode: replicated-job
      replicas: 3
      endpoint_mode: dnsrr
    ulimits:
      nofile: 1024
    healthcheck:
      disable: true
  other:
    image: busybox
    build: .
    deploy:
      mode: global-job
configs:
  c1:
    file: ./c1
  c2:
    name: templated
    file: ./c2
    template_driver: golang
    labels: [a=b]
secrets:
  s1:
    driver: vault
    driver_opts: {a: 1}
"#],
        extra: &[],
        env: &[],
        flags: &[],
    },
    Synthetic {
        name: "reject-external-name-conflict",
        files: &[r#"version: "3.8"
services:
  web:
    image: nginx
networks:
  a:
    external:
      name: x
    name: y
"#],
        extra: &[],
        env: &[],
        flags: &[],
    },
    Synthetic {
        name: "reject-schema-error-overridden-later",
        files: &[r#"version: "3.8"
services:
  web:
    image: nginx
    deploy:
      replicas: "x"
"#, r#"version: "3.8"
services:
  web:
    deploy:
      replicas: 2
"#],
        extra: &[],
        env: &[],
        flags: &[],
    },
    Synthetic {
        name: "skip-interpolation",
        files: &[r#"version: "3.8"
services:
  web:
    image: "nginx:${TAG:-1.25}"
    environment:
      A: "$$literal and ${SET}"
    labels: ["x=${UNSET?would fail}"]
"#],
        extra: &[],
        env: &[("SET", "value")],
        flags: &["--skip-interpolation"],
    },
    Synthetic {
        name: "skip-interpolation-typed-variable",
        files: &["version: \"3.8\"\nservices:\n  web:\n    image: nginx\n    deploy:\n      replicas: ${R}\n"],
        extra: &[],
        env: &[("R", "2")],
        flags: &["--skip-interpolation"],
    },
    Synthetic {
        name: "no-version",
        files: &["services:\n  web:\n    image: nginx\n"],
        extra: &[],
        env: &[],
        flags: &[],
    },
    Synthetic {
        name: "missing-image-accepted-by-config",
        files: &["version: \"3.8\"\nservices:\n  web:\n    deploy: {replicas: 1}\n"],
        extra: &[],
        env: &[],
        flags: &[],
    },
    Synthetic {
        name: "reject-unknown-key",
        files: &["version: \"3.8\"\nservices:\n  web:\n    image: nginx\n    deploy:\n      replica: 2\n"],
        extra: &[],
        env: &[],
        flags: &[],
    },
    Synthetic {
        name: "reject-quoted-integer",
        files: &["version: \"3.8\"\nservices:\n  web:\n    image: nginx\n    deploy:\n      replicas: \"2\"\n"],
        extra: &[],
        env: &[],
        flags: &[],
    },
    Synthetic {
        name: "reject-forbidden-key",
        files: &["version: \"3.8\"\nservices:\n  web:\n    image: nginx\n    volume_driver: flocker\n"],
        extra: &[],
        env: &[],
        flags: &[],
    },
    Synthetic {
        name: "reject-bad-duration",
        files: &["version: \"3.8\"\nservices:\n  web:\n    image: nginx\n    deploy:\n      update_config:\n        delay: 10\n"],
        extra: &[],
        env: &[],
        flags: &[],
    },
    Synthetic {
        name: "reject-version-2",
        files: &["version: \"2.4\"\nservices:\n  web:\n    image: nginx\n"],
        extra: &[],
        env: &[],
        flags: &[],
    },
    Synthetic {
        name: "reject-version-mismatch",
        files: &[
            "version: \"3.8\"\nservices:\n  web:\n    image: nginx\n",
            "version: \"3.7\"\nservices:\n  web:\n    image: nginx:2\n",
        ],
        extra: &[],
        env: &[],
        flags: &[],
    },
    Synthetic {
        name: "reject-yaml-syntax",
        files: &["version: \"3.8\"\nservices:\n  web:\n    image: [nginx\n"],
        extra: &[],
        env: &[],
        flags: &[],
    },
    Synthetic {
        name: "reject-port-spec",
        files: &["version: \"3.8\"\nservices:\n  web:\n    image: nginx\n    ports: [\"80:80:80:80\"]\n"],
        extra: &[],
        env: &[],
        flags: &[],
    },
    Synthetic {
        name: "reject-port-range-mismatch",
        files: &["version: \"3.8\"\nservices:\n  web:\n    image: nginx\n    ports: [\"8080:80-81\"]\n"],
        extra: &[],
        env: &[],
        flags: &[],
    },
    Synthetic {
        name: "reject-missing-env-file",
        files: &["version: \"3.8\"\nservices:\n  web:\n    image: nginx\n    env_file: nope.env\n"],
        extra: &[],
        env: &[],
        flags: &[],
    },
    Synthetic {
        name: "reject-bad-size",
        files: &["version: \"3.8\"\nservices:\n  web:\n    image: nginx\n    deploy:\n      resources:\n        limits:\n          memory: 12 apples\n"],
        extra: &[],
        env: &[],
        flags: &[],
    },
    Synthetic {
        name: "reject-unquoted-memory",
        files: &["version: \"3.8\"\nservices:\n  web:\n    image: nginx\n    deploy:\n      resources:\n        reservations:\n          memory: 1024\n"],
        extra: &[],
        env: &[],
        flags: &[],
    },
    Synthetic {
        name: "reject-external-volume-with-driver",
        files: &["version: \"3.8\"\nservices:\n  web:\n    image: nginx\nvolumes:\n  v:\n    external: true\n    driver: local\n"],
        extra: &[],
        env: &[],
        flags: &[],
    },
];
