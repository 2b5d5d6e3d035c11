//! Stack and inventory loading: defaults, merge, interpolation, schema and value findings.

mod common;

use common::{codes, load_one, load_texts, summary};
use swarmproof::model::{
    service::{DEFAULT_MONITOR, DEFAULT_RESTART_DELAY, DEFAULT_STOP_GRACE_PERIOD},
    Availability, Duration, EndpointMode, FailureAction, GenericCapacity, Mode, MountKind,
    NodeState, Protocol, PublishMode, Reachability, RestartCondition, Role, UpdateOrder,
};

// Reference §3.1 and §6.2: a service with no deploy block.
#[test]
fn a_service_without_deploy_gets_swarm_defaults() {
    let l = load_one("services:\n  web:\n    image: nginx\n");
    assert!(l.report.findings.is_empty(), "{:?}", summary(&l));
    let s = &l.loaded.stack.services[0];
    assert_eq!(s.mode.value, Mode::Replicated { replicas: 1 });
    assert_eq!(s.endpoint_mode.value, EndpointMode::Vip);
    assert_eq!(*s.placement.max_replicas_per_node, 0);
    assert!(s.resources.reservations.is_zero() && s.resources.limits.is_zero());
    for u in [&s.update_config, &s.rollback_config] {
        assert_eq!(*u.parallelism, 1);
        assert_eq!(*u.delay, Duration::ZERO);
        assert_eq!(*u.failure_action, FailureAction::Pause);
        assert_eq!(*u.monitor, DEFAULT_MONITOR);
        assert_eq!(*u.max_failure_ratio, 0.0);
        assert_eq!(*u.order, UpdateOrder::StopFirst);
        assert!(u.parallelism.is_default());
    }
    assert_eq!(*s.restart_policy.condition, RestartCondition::Any);
    assert_eq!(*s.restart_policy.delay, DEFAULT_RESTART_DELAY);
    assert_eq!(*s.restart_policy.max_attempts, 0);
    assert!(s.restart_policy.window.is_none());
    assert_eq!(*s.stop_grace_period, DEFAULT_STOP_GRACE_PERIOD);
    assert_eq!(s.networks[0].name, "default");
    let default = l.loaded.stack.network("default").unwrap();
    assert_eq!(default.full_name, "demo_default");
}

// Reference §6.2: monitor 0 becomes 5s; parallelism 0 stays 0 (all at once); an update_config
// block without parallelism gets 1.
#[test]
fn update_config_conversions() {
    let l = load_one(
        "services:\n  web:\n    image: nginx\n    deploy:\n      update_config:\n        monitor: 0s\n        delay: 10s\n      rollback_config:\n        parallelism: 0\n        order: start-first\n        failure_action: continue\n",
    );
    let s = &l.loaded.stack.services[0];
    assert_eq!(*s.update_config.monitor, Duration::from_secs(5));
    assert!(!s.update_config.monitor.is_default());
    assert_eq!(*s.update_config.parallelism, 1);
    assert_eq!(*s.update_config.delay, Duration::from_secs(10));
    assert_eq!(*s.rollback_config.parallelism, 0);
    assert_eq!(*s.rollback_config.order, UpdateOrder::StartFirst);
    assert_eq!(*s.rollback_config.failure_action, FailureAction::Continue);
}

#[test]
fn deploy_values_are_lowered_exactly() {
    let l = load_one(
        r#"
version: "3.8"
services:
  db:
    image: postgres
    deploy:
      mode: replicated
      replicas: 4
      endpoint_mode: DNSRR
      placement:
        constraints: [node.role == worker, "node.labels.disk==ssd"]
        preferences:
          - spread: node.labels.zone
        max_replicas_per_node: 2
      resources:
        limits: {cpus: "1.5", memory: 1G}
        reservations:
          cpus: "0.25"
          memory: 512M
          generic_resources:
            - discrete_resource_spec: {kind: gpu, value: 2}
      restart_policy: {condition: on-failure, delay: 0s, max_attempts: 3, window: 2m}
    ports:
      - target: 5432
        published: 5432
        mode: host
      - "53:53/udp"
    volumes:
      - data:/var/lib/postgresql/data
      - ./conf:/etc/conf:ro
volumes:
  data:
"#,
    );
    assert!(l.report.findings.is_empty(), "{:?}", summary(&l));
    let s = &l.loaded.stack.services[0];
    assert_eq!(s.mode.value, Mode::Replicated { replicas: 4 });
    assert_eq!(*s.endpoint_mode, EndpointMode::Dnsrr);
    assert_eq!(s.placement.constraints.len(), 2);
    assert_eq!(s.placement.preferences[0].value, "node.labels.zone");
    assert_eq!(*s.placement.max_replicas_per_node, 2);
    assert_eq!(*s.resources.limits.nano_cpus, 1_500_000_000);
    assert_eq!(*s.resources.limits.memory_bytes, 1 << 30);
    assert_eq!(*s.resources.reservations.nano_cpus, 250_000_000);
    assert_eq!(*s.resources.reservations.memory_bytes, 512 << 20);
    assert_eq!(s.resources.reservations.generic[0].kind, "gpu");
    assert_eq!(s.resources.reservations.generic[0].value, 2);
    assert_eq!(*s.restart_policy.condition, RestartCondition::OnFailure);
    assert_eq!(*s.restart_policy.delay, Duration::ZERO);
    assert_eq!(*s.restart_policy.max_attempts, 3);
    assert_eq!(
        s.restart_policy.window.as_ref().map(|w| w.value),
        Some(Duration::from_secs(120))
    );
    assert_eq!(s.ports[0].mode, PublishMode::Host);
    assert_eq!(s.ports[0].host_binding(), Some((Protocol::Tcp, 5432)));
    assert_eq!(
        (s.ports[1].protocol, s.ports[1].mode),
        (Protocol::Udp, PublishMode::Ingress)
    );
    assert_eq!(s.mounts[0].kind, MountKind::Volume);
    assert_eq!(
        (s.mounts[1].kind, s.mounts[1].read_only),
        (MountKind::Bind, true)
    );
}

#[test]
fn job_and_global_modes() {
    let l = load_one(
        "services:\n  j:\n    image: x\n    deploy:\n      mode: replicated-job\n      replicas: 3\n  g:\n    image: x\n    deploy:\n      mode: global\n      replicas: 2\n",
    );
    let st = &l.loaded.stack;
    assert_eq!(
        st.services[0].mode.value,
        Mode::ReplicatedJob {
            max_concurrent: 3,
            total_completions: 3
        }
    );
    assert_eq!(st.services[1].mode.value, Mode::Global);
    assert_eq!(codes(&l), vec!["SP0112"]);
}

// Reference §6.4.
#[test]
fn ignored_forbidden_and_silent_keys() {
    let l = load_one(
        "services:\n  a:\n    image: x\n    restart: on-failure:3\n    container_name: a1\n    privileged: true\n    depends_on: [b]\n    cpu_shares: 10\n  b:\n    image: y\n",
    );
    let s = summary(&l);
    assert!(
        s.contains(&"SP0104 8:5 compose file contains unsupported options: cpu_shares".to_string()),
        "{s:?}"
    );
    assert!(
        s.contains(&"SP0105 4:5 Ignoring unsupported options: restart".to_string()),
        "{s:?}"
    );
    assert!(
        s.contains(&"SP0105 5:5 Ignoring deprecated options: container_name".to_string()),
        "{s:?}"
    );
    assert!(
        s.contains(&"SP0105 6:5 Ignoring unsupported options: privileged".to_string()),
        "{s:?}"
    );
    assert!(
        s.iter()
            .any(|x| x.starts_with("SP0106 7:5 depends_on (b) is ignored")),
        "{s:?}"
    );
    // `restart:` is nevertheless the restart policy when deploy.restart_policy is absent.
    assert!(s.iter().any(|x| x.starts_with("SP0107 4:14")), "{s:?}");
    let a = &l.loaded.stack.services[0];
    assert_eq!(*a.restart_policy.condition, RestartCondition::OnFailure);
    assert_eq!(*a.restart_policy.max_attempts, 3);
}

#[test]
fn schema_and_value_errors_carry_docker_texts() {
    let l = load_one(
        r#"version: "3.8"
services:
  web:
    image: nginx
    platform: linux/amd64
    deploy:
      replicas: three
      resources:
        reservations:
          cpus: 0.5
          memory: 2X
      update_config:
        delay: 10
        failure_action: explode
      placement:
        constraints:
          - node.labels.zone=east
          - node.label.zone == east
"#,
    );
    let s = summary(&l);
    let expect = [
        "SP0101 5:5 services.web: Additional property platform is not allowed",
        "SP0102 7:17 services.web.deploy.replicas must be an integer, not string",
        "SP0102 10:17 services.web.deploy.resources.reservations.cpus must be a string, not number",
        "SP0102 13:16 services.web.deploy.update_config.delay: invalid type integer for duration",
        "SP0103 14:25 services.web.deploy.update_config.failure_action: unrecognized update failure action explode",
        "SP0201 17:13 invalid constraint \"node.labels.zone=east\": constraint expected one operator from ==, !=",
        "SP0202 18:13 constraint key 'node.label.zone' is not one Swarm knows: it matches no node",
    ];
    for e in expect {
        assert!(s.contains(&e.to_string()), "missing {e:?} in {s:#?}");
    }
    assert!(
        s.iter().any(
            |x| x.starts_with("SP0103 11:19 services.web.deploy.resources.reservations.memory")
        ),
        "{s:#?}"
    );
}

#[test]
fn versions() {
    assert_eq!(
        codes(&load_one("version: 3.8\nservices: {}\n")),
        vec!["SP0004"]
    );
    assert_eq!(
        codes(&load_one("version: '2.4'\nservices: {}\n")),
        vec!["SP0004"]
    );
    let old = load_one("version: '3.7'\nservices:\n  a:\n    image: x\n    deploy:\n      placement:\n        max_replicas_per_node: 1\n");
    assert_eq!(summary(&old), vec!["SP0110 7:9 services.a.deploy.placement: max_replicas_per_node needs version \"3.8\" or later, the file declares \"3.7\""]);
    let mismatch = load_texts(
        &[
            "version: '3.8'\nservices: {}\n",
            "version: '3.9'\nservices: {}\n",
        ],
        None,
        &[],
    );
    assert_eq!(codes(&mismatch), vec!["SP0005"]);
}

// docker/cli's schemas: `x-` keys at the top level from 3.4, directly in a service, network,
// volume, secret or config from 3.7, never inside `deploy`.
#[test]
fn extension_fields_follow_the_schema_version() {
    let file = |version: &str| {
        format!("version: '{version}'\nx-common: &c {{a: 1}}\nservices:\n  web:\n    image: nginx\n    x-note: hi\nnetworks:\n  n:\n    x-owner: me\n")
    };
    assert_eq!(summary(&load_one(&file("3.7"))), Vec::<String>::new());
    assert_eq!(
        summary(&load_one(&file("3.6"))),
        vec![
            "SP0101 9:5 networks.n: Additional property x-owner is not allowed",
            "SP0101 6:5 services.web: Additional property x-note is not allowed",
        ]
    );
    let l = load_one(&file("3.3"));
    assert_eq!(
        summary(&l)[0],
        "SP0101 2:1 (root): Additional property x-common is not allowed"
    );
    assert_eq!(
        l.report.findings[0].help.as_deref(),
        Some("extension fields (x-…) are allowed here from version \"3.4\"; the file declares \"3.3\"")
    );
    let nested = load_one(
        "version: '3.9'\nservices:\n  web:\n    image: nginx\n    deploy:\n      x-tier: gold\n",
    );
    assert_eq!(
        summary(&nested),
        vec!["SP0101 6:7 services.web.deploy: Additional property x-tier is not allowed"]
    );
}

#[test]
fn interpolation_and_unset_variables() {
    let l = load_texts(
        &["services:\n  web:\n    image: nginx:${TAG:-1.25}\n    deploy:\n      replicas: ${REPLICAS}\n    environment:\n      - A=$$HOME\n      - B=${MISSING}\n"],
        None,
        &[("REPLICAS", "3")],
    );
    let s = &l.loaded.stack.services[0];
    assert_eq!(s.image.as_ref().unwrap().value, "nginx:1.25");
    assert_eq!(s.mode.value, Mode::Replicated { replicas: 3 });
    assert_eq!(s.environment[0].1.as_deref(), Some("$HOME"));
    assert_eq!(
        summary(&l),
        vec!["SP0007 8:9 The \"MISSING\" variable is not set. Defaulting to a blank string."]
    );
    assert_eq!(
        l.report.findings[0].severity,
        swarmproof::diagnostics::Severity::Warning
    );
    // Painpoint 18: blank in a deploy setting is an error.
    let critical = load_one("services:\n  web:\n    image: nginx\n    deploy:\n      placement:\n        constraints: [node.hostname == $HOSTNAME]\n");
    assert!(
        critical
            .report
            .findings
            .iter()
            .any(|d| d.code.id == "SP0007"
                && d.severity == swarmproof::diagnostics::Severity::Error
                && d.notes.iter().any(|n| n.contains("not exported"))),
        "{:?}",
        summary(&critical)
    );
    // A label is only a label: blank there changes nothing about deployment, so a warning,
    // under `deploy` and on a network alike.
    let labels = load_one("services:\n  web:\n    image: nginx\n    deploy:\n      labels:\n        traefik.frontend.rule: Host:${DOMAIN}\n    networks: [net]\nnetworks:\n  net:\n    labels:\n      owner: ${OWNER}\n");
    let sev: Vec<_> = labels
        .report
        .findings
        .iter()
        .map(|d| (d.code.id, d.severity))
        .collect();
    assert_eq!(
        sev,
        [
            ("SP0007", swarmproof::diagnostics::Severity::Warning),
            ("SP0007", swarmproof::diagnostics::Severity::Warning)
        ],
        "{:?}",
        summary(&labels)
    );
    let bad = load_one("services:\n  web:\n    image: nginx:${TAG:+x}\n");
    assert_eq!(
        summary(&bad)[0],
        "SP0006 3:12 Invalid template: \"nginx:${TAG:+x}\""
    );
    let required = load_one("services:\n  web:\n    image: ${IMG:?set IMG}\n");
    assert!(summary(&required)[0]
        .starts_with("SP0006 3:12 required variable IMG is missing a value: set IMG"));
}

// docker/cli loader/merge.go: later files win per key, ports merge by published port.
#[test]
fn multi_file_merge() {
    let base = "version: '3.8'\nservices:\n  web:\n    image: nginx:1\n    ports: ['80:80']\n    deploy:\n      replicas: 2\n      placement:\n        constraints: [node.role == worker]\n";
    let over = "version: '3.8'\nservices:\n  web:\n    image: nginx:2\n    ports: ['80:8080', '443:443']\n    deploy:\n      replicas: 5\n  extra:\n    image: busybox\n";
    let l = load_texts(&[base, over], None, &[]);
    assert!(l.report.findings.is_empty(), "{:?}", summary(&l));
    let st = &l.loaded.stack;
    let web = st.service("web").unwrap();
    assert_eq!(web.image.as_ref().unwrap().value, "nginx:2");
    assert_eq!(web.mode.value, Mode::Replicated { replicas: 5 });
    assert_eq!(web.placement.constraints.len(), 1);
    let ports: Vec<_> = web.ports.iter().map(|p| (p.published, p.target)).collect();
    assert_eq!(ports, vec![(Some(80), 8080), (Some(443), 443)]);
    assert!(st.service("extra").is_some());
    // The span of a value from the override file points into that file.
    let image_span = web.image.as_ref().unwrap().span.unwrap();
    assert_eq!(l.sources.name(image_span.file), "stack1.yml");
}

#[test]
fn anchors_and_merge_keys_as_in_real_files() {
    let l = load_one(
        "x-deploy: &deploy\n  replicas: 2\n  resources:\n    reservations: {memory: 64M}\nservices:\n  a:\n    image: x\n    deploy:\n      <<: *deploy\n      replicas: 3\n  b:\n    image: y\n    deploy: *deploy\n",
    );
    assert!(l.report.findings.is_empty(), "{:?}", summary(&l));
    let st = &l.loaded.stack;
    assert_eq!(st.services[0].mode.value, Mode::Replicated { replicas: 3 });
    assert_eq!(
        *st.services[0].resources.reservations.memory_bytes,
        64 << 20
    );
    assert_eq!(st.services[1].mode.value, Mode::Replicated { replicas: 2 });
}

#[test]
fn undefined_references_and_missing_image() {
    let l = load_one(
        "services:\n  a:\n    networks: [front]\n    secrets: [pw]\n    volumes: ['data:/d']\n",
    );
    let s = summary(&l);
    assert!(
        s.contains(
            &"SP0108 2:3 invalid image reference for service a: no image specified".to_string()
        ),
        "{s:?}"
    );
    assert!(
        s.contains(&"SP0111 3:16 undefined network \"front\"".to_string()),
        "{s:?}"
    );
    assert!(
        s.contains(&"SP0111 4:15 undefined secret \"pw\"".to_string()),
        "{s:?}"
    );
    assert!(
        s.contains(&"SP0111 5:15 undefined volume \"data\"".to_string()),
        "{s:?}"
    );
}

#[test]
fn inventory_own_format() {
    let nodes = "domain_label: rack\nnodes:\n  - hostname: m1\n    role: manager\n    rack: r1\n    reachability: unreachable\n    resources: {cpus: 2.5, memory: 4G, generic: {gpu: 2, fpga: [f1, f2]}}\n    labels: {ssd: 'true'}\n  - hostname: w1\n    availability: drain\n    status: down\n    resources: {cpus: '4', memory: 1073741824}\n";
    let l = load_texts(&["services: {}\n"], Some(nodes), &[]);
    assert!(l.report.findings.is_empty(), "{:?}", summary(&l));
    let c = l.loaded.cluster.as_ref().unwrap();
    assert_eq!(c.domain_label, "rack");
    let m1 = &c.nodes[0];
    assert_eq!(
        (m1.role, m1.nano_cpus, m1.memory_bytes),
        (Role::Manager, 2_500_000_000, 4 << 30)
    );
    assert_eq!(m1.domain("rack"), Some("r1"));
    assert_eq!(
        m1.manager.as_ref().unwrap().reachability,
        Reachability::Unreachable
    );
    assert_eq!(
        m1.generic.get("fpga"),
        Some(&GenericCapacity::Named(vec!["f1".into(), "f2".into()]))
    );
    let w1 = &c.nodes[1];
    assert_eq!(
        (w1.availability, w1.state, w1.memory_bytes),
        (Availability::Drain, NodeState::Down, 1 << 30)
    );
}

#[test]
fn inventory_from_docker_node_inspect() {
    let json = std::fs::read_to_string("tests/fixtures/docker-node-inspect.json").unwrap();
    let l = load_texts(&["services: {}\n"], Some(&json), &[]);
    assert!(l.report.findings.is_empty(), "{:?}", summary(&l));
    let c = l.loaded.cluster.as_ref().unwrap();
    let n = &c.nodes[0];
    assert_eq!(
        (n.id.as_str(), n.hostname.as_str(), n.role),
        ("9j3x2ko3x4yh0l5nnbg2dnzqd", "bf3067039e47", Role::Manager)
    );
    assert_eq!(
        (n.nano_cpus, n.memory_bytes),
        (4_000_000_000, 8_272_408_576)
    );
    assert_eq!(n.generic.get("SSD"), Some(&GenericCapacity::Discrete(3)));
    assert_eq!(n.generic.get("GPU").map(|g| g.amount()), Some(2));
    assert_eq!(n.labels.get("zone").map(String::as_str), Some("eu-1a"));
    assert_eq!(n.engine_labels.get("foo").map(String::as_str), Some("bar"));
    assert_eq!(n.platform.arch, "x86_64");
    assert_eq!(n.addr.as_deref(), Some("172.17.0.2"));
    assert!(n.manager.as_ref().unwrap().leader);
    assert_eq!(n.plugins.as_ref().unwrap().len(), 4);
    let w = &c.nodes[1];
    assert_eq!(
        (w.role, w.availability, w.state),
        (Role::Worker, Availability::Drain, NodeState::Down)
    );
}

#[test]
fn inventory_problems() {
    let l = load_texts(
        &["services: {}\n"],
        Some("nodes:\n  - hostname: a\n    role: boss\n  - hostname: a\n  - 7\n"),
        &[],
    );
    let s = summary(&l);
    assert!(
        s.contains(&"SP0301 3:11 role must be one of worker, manager, not \"boss\"".to_string()),
        "{s:?}"
    );
    assert!(
        s.iter()
            .any(|x| x.starts_with("SP0302") && x.contains("hostname a appears twice")),
        "{s:?}"
    );
    assert!(
        s.contains(&"SP0301 5:5 a node must be a mapping".to_string()),
        "{s:?}"
    );
    assert_eq!(
        codes(&load_texts(&["services: {}\n"], Some("nodes: []\n"), &[])),
        vec!["SP0303"]
    );
}

#[test]
fn constraints_against_the_inventory() {
    let stack = "services:\n  db:\n    image: postgres\n    deploy:\n      placement:\n        constraints: [node.role == worker, node.labels.storage == ssd]\n        preferences: [{spread: node.labels.rack}]\n";
    let l = load_texts(&[stack], Some("nodes:\n  - {hostname: w1, labels: {storage: hdd}}\n  - {hostname: m1, role: manager, labels: {storage: ssd}}\n"), &[]);
    let s = summary(&l);
    assert_eq!(s.len(), 2, "{s:?}");
    assert!(
        s[0].starts_with(
            "SP0203 6:23 no node of the inventory satisfies the placement constraints of db"
        ),
        "{s:?}"
    );
    assert!(s[1].starts_with("SP0205 7:32"), "{s:?}");
    // Docker accepts the stack and keeps the tasks Pending: `load` holds, and the finding
    // says what Swarm does rather than that the deploy is refused.
    assert_eq!(
        l.report.verdicts["load"].status,
        swarmproof::report::Status::Holds
    );
    assert!(l.report.findings[0].notes.iter().any(|n| n
        .starts_with("docker stack deploy accepts the stack, but every task of db stays Pending")));
}

// Observed on Engine 20.10.24 (docs/conformance.md, scheduler/generic-resource): its swarmkit v1
// constraint enforcer rejects tasks holding a generic resource the node still has
// ("assigned node no longer meets constraints", moby/moby#44378); 23.0 and later run them.
#[test]
fn generic_resources_on_engines_before_23_are_rejected() {
    let stack = "services:\n  ml:\n    image: busybox\n    deploy:\n      resources:\n        reservations:\n          generic_resources:\n            - discrete_resource_spec: {kind: gpu, value: 1}\n";
    let nodes = |v: &str| {
        format!("nodes:\n  - {{hostname: w1, engine_version: {v}, resources: {{generic: {{gpu: 2}}}}}}\n  - {{hostname: w2, engine_version: {v}}}\n")
    };
    let old = load_texts(&[stack], Some(&nodes("20.10.24+dfsg1")), &[]);
    let s = summary(&old);
    assert_eq!(s.len(), 1, "{s:?}");
    assert!(
        s[0].starts_with(
            "SP0304 8:15 ml reserves generic resource gpu, but w1 run(s) an engine older than 23.0"
        ),
        "{s:?}"
    );
    for v in ["23.0.0", "28.2.2"] {
        assert!(
            summary(&load_texts(&[stack], Some(&nodes(v)), &[])).is_empty(),
            "{v}"
        );
    }
    // The docker node inspect JSON carries the version under Description.Engine.
    let inspect = r#"[{"ID": "x", "Spec": {"Role": "worker", "Availability": "active"}, "Status": {"State": "ready"},
        "Description": {"Hostname": "w1", "Resources": {"NanoCPUs": 2000000000, "MemoryBytes": 1073741824,
        "GenericResources": [{"DiscreteResourceSpec": {"Kind": "gpu", "Value": 2}}]},
        "Engine": {"EngineVersion": "20.10.24+dfsg1"}}}]"#;
    let s = summary(&load_texts(&[stack], Some(inspect), &[]));
    assert!(s.len() == 1 && s[0].starts_with("SP0304"), "{s:?}");
}

// Painpoint 24 and swarmkit validateEndpointSpec.
#[test]
fn dropped_extra_hosts_and_duplicate_ports() {
    let l = load_one("services:\n  a:\n    image: x\n    extra_hosts:\n      - CAP_NET_BIND_SERVICE\n      - db:10.0.0.5\n    ports:\n      - 80:80\n      - target: 81\n        published: 80\n      - 80:80/udp\n");
    assert_eq!(
        summary(&l),
        vec![
            "SP0114 5:9 extra_hosts entry \"CAP_NET_BIND_SERVICE\" has no `:` and will be dropped",
            "SP0115 9:9 EndpointSpec: duplicate published ports provided (80/tcp)",
        ]
    );
}

// Painpoint 5: what happens instead of the ignored start order depends on the restart policy.
#[test]
fn depends_on_finding_mentions_fragile_restart_policies() {
    let l = load_one("services:\n  app:\n    image: a\n    depends_on: [db, cache]\n    deploy: {restart_policy: {condition: none}}\n  worker:\n    image: w\n    depends_on: [db]\n    deploy: {restart_policy: {max_attempts: 3}}\n  db:\n    image: d\n    healthcheck: {test: [CMD, pg_isready]}\n  cache:\n    image: c\n");
    let d = &l.report.findings;
    assert_eq!(d.len(), 2, "{:?}", summary(&l));
    assert_eq!(d[0].message, "depends_on (db, cache) is ignored by docker stack deploy: services start in no particular order");
    assert!(d[0].notes[0].contains("never restarted"));
    assert!(d[1].notes[0].contains("max_attempts is 3"));
    assert!(d[0]
        .help
        .as_deref()
        .unwrap()
        .ends_with("give cache a healthcheck so that tasks receive traffic only once ready"));
}

// Silent no more: a named volume nothing mounts, a node label `role` standing in for the node's
// role, and replicas that the inventory's one matching node stacks together.
#[test]
fn unused_volumes_role_labels_and_replicas_on_one_node() {
    let stack = "services:\n  db:\n    image: postgres\n    volumes: [data:/var/lib/postgresql]\n    deploy:\n      replicas: 2\n      placement:\n        constraints: [node.labels.role == manager]\nvolumes:\n  data: {}\n  dbdata: {}\n";
    let l = load_texts(&[stack], None, &[]);
    assert_eq!(
        summary(&l),
        vec![
            "SP0118 11:3 volume dbdata is declared but no service mounts it",
            "SP0206 8:23 `node.labels.role` tests a node label named `role`; the node's role is `node.role`",
        ]
    );
    assert_eq!(
        l.report.findings[1].help.as_deref(),
        Some("write `node.role == manager`")
    );
    // The label is real on this inventory: no SP0206 ... and its one node stacks both replicas.
    let nodes =
        "nodes:\n  - {hostname: m1, role: manager, labels: {role: manager}}\n  - {hostname: w1}\n";
    let with = load_texts(&[stack], Some(nodes), &[]);
    assert_eq!(
        summary(&with),
        vec![
            "SP0118 11:3 volume dbdata is declared but no service mounts it",
            "SP0207 8:23 all 2 replicas of db run on m1, the only node matching its constraints"
        ]
    );
    let role = "services:\n  db:\n    image: postgres\n    deploy:\n      replicas: 3\n      placement:\n        constraints: [node.role == manager]\n";
    let one_manager = load_texts(
        &[role],
        Some("nodes:\n  - {hostname: m1, role: manager}\n  - {hostname: w1}\n  - {hostname: w2}\n"),
        &[],
    );
    assert_eq!(codes(&one_manager), vec!["SP0207"]);
    let three = load_texts(&[role], Some("nodes:\n  - {hostname: m1, role: manager}\n  - {hostname: m2, role: manager}\n  - {hostname: m3, role: manager}\n"), &[]);
    assert!(codes(&three).is_empty());
}

// A shallow `<<` merge: the local `deploy` replaces the merged one whole, dropping its
// restart_policy and resources, silently in docker stack deploy.
#[test]
fn shallow_merge_keys_that_drop_nested_settings() {
    let text = "x-defaults: &defaults\n  image: nginx\n  deploy:\n    restart_policy: {condition: on-failure}\n    resources: {limits: {memory: 64M}}\n    replicas: 1\nservices:\n  web:\n    <<: *defaults\n    deploy:\n      replicas: 2\n  api:\n    <<: *defaults\n    deploy:\n      <<: {restart_policy: {condition: on-failure}}\n      restart_policy: {condition: any}\n      resources: {limits: {memory: 64M}}\n      replicas: 1\n";
    let l = load_texts(&[text], None, &[]);
    assert_eq!(
        summary(&l),
        vec!["SP0010 10:5 `deploy` here replaces the whole `deploy` of the `<<` merge: restart_policy, resources are lost"]
    );
    // What Docker deploys: web really lost the restart policy.
    let web = l.loaded.stack.service("web").unwrap();
    assert_eq!(
        *web.restart_policy.condition,
        swarmproof::model::RestartCondition::Any
    );
}

// A block's span is its key: findings about a block (or a default inside it) underline
// `update_config`, `resources`, `restart_policy`, not the first character of the value.
#[test]
fn block_spans_are_their_keys() {
    let text = "services:\n  web:\n    image: nginx\n    deploy:\n      resources:\n        reservations: {cpus: '0.5'}\n      restart_policy:\n        condition: on-failure\n      update_config:\n        parallelism: 2\n";
    let l = load_texts(&[text], None, &[]);
    let s = &l.loaded.stack.services[0];
    let at = |span: Option<swarmproof::diagnostics::Span>| {
        let span = span.expect("a span");
        &text[span.start..span.end]
    };
    assert_eq!(at(s.resources.span), "resources");
    assert_eq!(at(s.restart_policy.span), "restart_policy");
    assert_eq!(at(s.update_config.span), "update_config");
}

// x-swarmproof on a service is swarmproof's: a known key is read, an unknown one or a wrong
// value is still reported, but as a warning, since docker stack deploy ignores x- keys.
#[test]
fn swarmproof_extension_mistakes_are_warnings() {
    let l = load_one("services:\n  web:\n    image: nginx\n    x-swarmproof:\n      min_available: 1\n      min_availble: 2\n      max_update_duration: soon\n");
    let found: Vec<_> = l
        .report
        .findings
        .iter()
        .map(|d| (d.code.id, d.severity))
        .collect();
    use swarmproof::diagnostics::Severity::Warning;
    assert_eq!(found.len(), 2, "{:?}", summary(&l));
    assert!(found.iter().all(|(_, s)| *s == Warning), "{found:?}");
    assert_eq!(found[0].0, "SP0101");
    let web = &l.loaded.stack.services[0];
    assert_eq!(
        web.requirements.min_available.as_ref().map(|m| **m),
        Some(1)
    );
}

// Observed with docker stack config (CLI 28.2.2): a quoted number where the schema wants an
// integer is refused ("services.web.deploy.replicas must be a integer"), while `${VAR}` at
// the paths docker/cli casts (replicas, published ports, read_only, external, …) becomes an
// integer or boolean; a value that does not cast is refused.
#[test]
fn quoted_numbers_are_refused_and_interpolated_ones_cast() {
    let quoted = load_one(
        "version: '3.8'\nservices:\n  web:\n    image: nginx\n    deploy:\n      replicas: \"4\"\n",
    );
    assert_eq!(
        summary(&quoted),
        vec!["SP0102 6:17 services.web.deploy.replicas must be an integer, not string"]
    );
    let cast = load_texts(
        &["version: '3.8'\nservices:\n  web:\n    image: nginx\n    read_only: ${RO}\n    ports:\n      - {target: 80, published: \"${PORT}\"}\n    deploy:\n      replicas: \"${R}\"\n"],
        None,
        &[("R", "4"), ("PORT", "8080"), ("RO", "yes")],
    );
    assert!(cast.report.findings.is_empty(), "{:?}", summary(&cast));
    let web = &cast.loaded.stack.services[0];
    assert_eq!(web.mode.value, Mode::Replicated { replicas: 4 });
    assert_eq!(web.ports[0].published, Some(8080));
    let bad = load_texts(
        &["version: '3.8'\nservices:\n  web:\n    image: nginx\n    deploy:\n      replicas: ${R}\n"],
        None,
        &[("R", "three")],
    );
    assert_eq!(codes(&bad)[0], "SP0006");
}

// Observed with docker stack config (CLI 28.2.2): docker/cli merges typed services, so an
// `environment` or `labels` list in one file and a mapping in the other merge key by key, and
// ports are keyed by published port alone: unpublished ports of a merged service collapse into
// one, and the list comes out sorted by published port.
#[test]
fn merges_follow_docker_clis_typed_merge() {
    let base = "version: '3.8'\nservices:\n  web:\n    image: nginx\n    ports: ['9000:90', '80', '443']\n    environment: [A=1, B=2]\n    labels: [keep=yes, change=old]\n";
    let over = "version: '3.8'\nservices:\n  web:\n    ports: ['8080:8080']\n    environment: {B: '3'}\n    labels: {change: new}\n";
    let l = load_texts(&[base, over], None, &[]);
    assert!(l.report.findings.is_empty(), "{:?}", summary(&l));
    let web = &l.loaded.stack.services[0];
    let ports: Vec<_> = web.ports.iter().map(|p| (p.published, p.target)).collect();
    assert_eq!(
        ports,
        vec![(None, 443), (Some(8080), 8080), (Some(9000), 90)]
    );
    let mut env: Vec<_> = web
        .environment
        .iter()
        .map(|(k, v, _)| format!("{k}={}", v.as_deref().unwrap_or("")))
        .collect();
    env.sort();
    assert_eq!(env, vec!["A=1", "B=3"]);
}

/// `swarmproof config` of `stacks` with `env` and files the stacks name (`env_file`).
fn config_of(
    stacks: &[&str],
    env: &[(&str, &str)],
    files: &[(&str, &str)],
) -> Result<String, String> {
    use swarmproof::loading::stack::{load_config_view, view::ViewContext, Env, StackOptions};
    let mut sources = swarmproof::diagnostics::SourceMap::new();
    let ids: Vec<_> = stacks
        .iter()
        .enumerate()
        .map(|(i, t)| sources.add(format!("stack{i}.yml"), *t))
        .collect();
    let env: Env = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let read = |path: &str| {
        files
            .iter()
            .find(|(p, _)| *p == path)
            .map(|(_, t)| t.to_string())
            .ok_or(format!("open {path}: no such file or directory"))
    };
    let ctx = ViewContext {
        env: &env,
        working_dir: "/w",
        read_file: &read,
    };
    let options = StackOptions {
        name: "demo".into(),
        env: env.clone(),
        ..Default::default()
    };
    let (view, diags) = load_config_view(&sources, &ids, &options, &ctx);
    view.map(|v| v.to_yaml()).ok_or_else(|| {
        diags
            .iter()
            .map(|d| d.message.clone())
            .collect::<Vec<_>>()
            .join("; ")
    })
}

// Observed with docker stack config (CLI 28.2.2), each line of the expected text: environment
// from env files then `environment`, an entry without a value taking the variable's value;
// bind sources made absolute (`~` is $HOME); short ports in the long syntax; durations in Go's
// form; memory as a quoted byte count; `external.name` moved to `name`; secret files made
// absolute; `x-` keys of a network kept only when it is external; the top level's `x-` keys
// taken from the first file only, interpolated.
#[test]
fn config_prints_what_docker_stack_config_prints() {
    let base = r#"version: "3.8"
x-note: "${NOTE}"
services:
  web:
    image: nginx
    command: sh -c 'echo "a b"'
    env_file: web.env
    environment: [FROM_ENV, LITERAL=x]
    healthcheck: {test: curl -f localhost, interval: 90s}
    ports: ["8000-8001:80-81/udp"]
    volumes: ["./data:/data:ro", "~/c:/c"]
    stop_grace_period: 1m30s
    deploy:
      resources: {limits: {memory: 1G}}
      update_config: {delay: 0s, parallelism: 0}
    networks: [front, ext]
networks:
  front: {x-kept: no}
  ext: {external: {name: shared}, x-kept: yes}
secrets:
  s: {file: ../s.txt}
"#;
    let over = "version: \"3.8\"\nx-later: dropped\nservices:\n  web:\n    secrets: [s]\n";
    let out = config_of(
        &[base, over],
        &[("NOTE", "hi"), ("FROM_ENV", "e"), ("HOME", "/home/u")],
        &[("/w/web.env", "# c\nFILE=f\nLITERAL=from-file\n")],
    )
    .unwrap();
    let expected = r#"version: "3.8"
services:
  web:
    command:
      - sh
      - -c
      - echo "a b"
    deploy:
      update_config:
        parallelism: 0
      resources:
        limits:
          memory: "1073741824"
    environment:
      FILE: f
      FROM_ENV: e
      LITERAL: x
    env_file:
      - web.env
    healthcheck:
      test:
        - CMD-SHELL
        - curl -f localhost
      interval: 1m30s
    image: nginx
    networks:
      ext: null
      front: null
    ports:
      - mode: ingress
        target: 80
        published: 8000
        protocol: udp
      - mode: ingress
        target: 81
        published: 8001
        protocol: udp
    secrets:
      - source: s
    stop_grace_period: 1m30s
    volumes:
      - type: bind
        source: /w/data
        target: /data
        read_only: true
      - type: bind
        source: /home/u/c
        target: /c
networks:
  ext:
    name: shared
    external: true
    x-kept: "yes"
  front: {}
secrets:
  s:
    file: /s.txt
x-note: hi
"#;
    assert_eq!(out, expected);
    // docker/cli reads the env files, so a missing one stops it.
    let missing = config_of(&[base], &[("NOTE", "hi")], &[]).unwrap_err();
    assert!(
        missing.contains("open /w/web.env: no such file or directory"),
        "{missing}"
    );
}

// Observed with docker stack config (CLI 28.2.2): the schema wants strings where it says so
// ("services.web.command.1 must be a string", "services.web.user must be a string"), values
// of `environment`/`labels`/`sysctls`/logging options that are strings, numbers or null
// ("… must be a string, number or null"), and unique list items ("services.web.labels array
// items[0,1] must be unique").
#[test]
fn schema_types_of_strings_lists_and_mappings() {
    for (body, expected) in [
        ("command: [sleep, 10]", "SP0102 5:22 services.web.command must be a string, not integer"),
        ("user: 1000", "SP0102 5:11 services.web.user must be a string, not integer"),
        ("environment: {DEBUG: true}", "SP0102 5:26 services.web.environment.DEBUG must be a string, number or null, not boolean"),
        ("labels: [a=1, a=1]", "SP0102 5:19 services.web.labels array items[0,1] must be unique"),
        ("logging: {options: {a: true}}", "SP0102 5:28 services.web.logging.options.a must be a string, number or null, not boolean"),
    ] {
        let l = load_one(&format!("version: '3.8'\nservices:\n  web:\n    image: nginx\n    {body}\n"));
        assert_eq!(summary(&l), vec![expected], "{body}");
    }
    let ok = load_one("version: '3.8'\nservices:\n  web:\n    image: nginx\n    environment: {A: 1, B: 1.5, C: }\n    dns: 8.8.8.8\n    command: sh -c 'echo \"a b\"'\n");
    assert!(ok.report.findings.is_empty(), "{:?}", summary(&ok));
    // A command string is split as a shell would (google/shlex), not on every blank.
    assert_eq!(
        ok.loaded.stack.services[0]
            .command
            .iter()
            .map(|c| c.value.as_str())
            .collect::<Vec<_>>(),
        ["sh", "-c", "echo \"a b\""]
    );
}

// Observed with docker stack config (CLI 28.2.2): a later file's network `aliases` replace the
// earlier ones, and a network listed as null in the later file keeps its settings.
#[test]
fn merged_network_attachments() {
    let base = "version: '3.8'\nservices:\n  web:\n    image: nginx\n    networks:\n      front: {aliases: [a1]}\n      back: {aliases: [b1]}\nnetworks:\n  front: {}\n  back: {}\n";
    let over = "version: '3.8'\nservices:\n  web:\n    networks:\n      front: {aliases: [a2]}\n      back:\n";
    let l = load_texts(&[base, over], None, &[]);
    assert!(l.report.findings.is_empty(), "{:?}", summary(&l));
    let aliases: Vec<_> = l.loaded.stack.services[0]
        .networks
        .iter()
        .map(|n| {
            (
                n.name.as_str(),
                n.aliases.iter().map(String::as_str).collect::<Vec<_>>(),
            )
        })
        .collect();
    assert_eq!(aliases, vec![("front", vec!["a2"]), ("back", vec!["b1"])]);
}

// Observed with docker stack config (CLI 28.2.2): `dns` written as one string in the later
// file is appended to the earlier file's list, as docker/cli's `StringList` merges.
#[test]
fn a_string_list_merges_with_a_list() {
    let base = "version: '3.8'\nservices:\n  web:\n    image: nginx\n    dns: [1.1.1.1]\n";
    let over = "version: '3.8'\nservices:\n  web:\n    dns: 8.8.8.8\n";
    let out = config_of(&[base, over], &[], &[]).unwrap();
    assert!(
        out.contains("    dns:\n      - 1.1.1.1\n      - 8.8.8.8\n"),
        "{out}"
    );
}

// Observed with docker stack config (CLI 28.2.2): each file is validated before the merge, so
// `replicas: "x"` in the first file is refused although the second file sets `replicas: 2`.
#[test]
fn each_file_is_validated_before_the_merge() {
    let base =
        "version: '3.8'\nservices:\n  web:\n    image: nginx\n    deploy:\n      replicas: \"x\"\n";
    let over = "version: '3.8'\nservices:\n  web:\n    deploy:\n      replicas: 2\n";
    let l = load_texts(&[base, over], None, &[]);
    assert_eq!(
        summary(&l),
        vec!["SP0102 6:17 services.web.deploy.replicas must be an integer, not string"]
    );
    // An error that survives the merge is reported once.
    let l = load_texts(&[base, "version: '3.8'\nservices: {}\n"], None, &[]);
    assert_eq!(codes(&l), vec!["SP0102"]);
}

// Observed with docker stack config (CLI 28.2.2): an empty `command` (or `[]` entrypoint) in a
// later file leaves the earlier one (docker/cli's `mergeShellCommand`).
#[test]
fn an_empty_command_in_a_later_file_changes_nothing() {
    let base = "version: '3.8'\nservices:\n  web:\n    image: nginx\n    command: [a, b]\n    entrypoint: x z\n";
    let over = "version: '3.8'\nservices:\n  web:\n    command: \"\"\n    entrypoint: []\n";
    let out = config_of(&[base, over], &[], &[]).unwrap();
    assert!(
        out.contains("    command:\n      - a\n      - b\n"),
        "{out}"
    );
    assert!(
        out.contains("    entrypoint:\n      - x\n      - z\n"),
        "{out}"
    );
}
