//! The corpus files of `../shared/corpus/` (INDEX.md), rebuilt as model values: what this module
//! must find in each. Each model keeps what the checks read (networks, depends_on, environment,
//! commands, mounts, ports, constraints, modes); the loader's corpus test will run the real files.

use super::check;
use super::fixtures::{network, on_networks as nets, volume};
use crate::model::{
    Cluster, Constraint, Dependency, EndpointMode, ExternalRef, Mode, Mount, MountKind, Node, Port,
    Protocol, PublishMode, RestartCondition, Role, Service, Spanned, Stack, Volume,
};

fn service(name: &str) -> Service {
    Service::new(name)
}

fn deps(mut s: Service, names: &[&str]) -> Service {
    s.depends_on = names
        .iter()
        .map(|d| Dependency {
            service: (*d).into(),
            condition: None,
            span: None,
        })
        .collect();
    s
}

fn env(mut s: Service, vars: &[(&str, &str)]) -> Service {
    s.environment = vars
        .iter()
        .map(|(k, v)| ((*k).into(), Some((*v).into()), None))
        .collect();
    s
}

fn cmd(mut s: Service, words: &[&str]) -> Service {
    s.command = words
        .iter()
        .map(|w| Spanned::default_value((*w).into()))
        .collect();
    s
}

fn mounted(
    mut s: Service,
    kind: MountKind,
    source: &str,
    target: &str,
    read_only: bool,
) -> Service {
    s.mounts.push(Mount {
        kind,
        source: Some(source.into()),
        target: target.into(),
        read_only,
        span: None,
    });
    s
}

fn vol(s: Service, source: &str, target: &str) -> Service {
    mounted(s, MountKind::Volume, source, target, false)
}

fn bind(s: Service, source: &str, target: &str) -> Service {
    mounted(s, MountKind::Bind, source, target, false)
}

fn publish(mut s: Service, published: u32, target: u32, mode: PublishMode) -> Service {
    s.ports.push(Port {
        target,
        published: Some(published),
        protocol: Protocol::Tcp,
        mode,
        span: None,
    });
    s
}

fn constraint(mut s: Service, expr: &str) -> Service {
    match Constraint::parse(expr) {
        Ok(c) => s.placement.constraints.push(Spanned::default_value(c)),
        Err(_) => s.placement.constraint_errors = true,
    }
    s
}

fn replicas(mut s: Service, n: u64) -> Service {
    s.mode = Spanned::default_value(Mode::Replicated { replicas: n });
    s
}

fn global(mut s: Service) -> Service {
    s.mode = Spanned::default_value(Mode::Global);
    s
}

fn dnsrr(mut s: Service) -> Service {
    s.endpoint_mode = Spanned::default_value(EndpointMode::Dnsrr);
    s
}

fn build(name: &str, services: Vec<Service>, volumes: Vec<Volume>) -> Stack {
    let mut networks: Vec<String> = services
        .iter()
        .flat_map(|s| s.networks.iter().map(|n| n.name.clone()))
        .collect();
    networks.sort();
    networks.dedup();
    Stack {
        name: name.into(),
        services,
        networks: networks
            .iter()
            .map(|n| {
                let mut net = network(n);
                net.full_name = format!("{name}_{n}");
                net
            })
            .collect(),
        volumes,
        ..Stack::default()
    }
}

fn external_network(st: &mut Stack, key: &str, real: &str) {
    if let Some(n) = st.networks.iter_mut().find(|n| n.name == key) {
        n.external = true;
        n.full_name = real.into();
    }
}

fn external(name: &str) -> ExternalRef {
    ExternalRef {
        name: name.into(),
        external: true,
        file: None,
        span: None,
    }
}

/// (code, service) of every finding, sorted.
fn found(st: &Stack, cluster: Option<&Cluster>) -> Vec<(&'static str, String)> {
    let mut v: Vec<(&'static str, String)> = check(st, cluster)
        .diagnostics
        .iter()
        .map(|d| (d.code.id, d.service.clone().unwrap_or_default()))
        .collect();
    v.sort();
    v
}

fn expect(list: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    let mut v: Vec<(&'static str, String)> =
        list.iter().map(|(c, s)| (*c, (*s).to_string())).collect();
    v.sort();
    v
}

fn managers(n: usize) -> Cluster {
    let mut nodes: Vec<Node> = (1..=n)
        .map(|i| {
            let mut m = Node::new(format!("m{i}"));
            m.role = Role::Manager;
            m
        })
        .collect();
    nodes.push(Node::new("w1"));
    Cluster::new(nodes)
}

/// #1 example-voting-app: depends_on ignored; `db-data` (local) pinned only by
/// `node.role == manager`, so data loss on reschedule with 2 or more managers.
fn voting_app() -> Stack {
    let mut worker = deps(
        nets(service("worker"), &["frontend", "backend"]),
        &["db", "redis"],
    );
    worker.restart_policy.condition = Spanned::default_value(RestartCondition::OnFailure);
    worker.restart_policy.max_attempts = Spanned::default_value(3);
    build(
        "vote",
        vec![
            nets(service("redis"), &["frontend"]),
            constraint(
                vol(
                    env(
                        nets(service("db"), &["backend"]),
                        &[("POSTGRES_USER", "postgres")],
                    ),
                    "db-data",
                    "/var/lib/postgresql/data",
                ),
                "node.role == manager",
            ),
            replicas(
                deps(
                    publish(
                        nets(service("vote"), &["frontend"]),
                        5000,
                        80,
                        PublishMode::Ingress,
                    ),
                    &["redis"],
                ),
                2,
            ),
            deps(
                publish(
                    nets(service("result"), &["backend"]),
                    5001,
                    80,
                    PublishMode::Ingress,
                ),
                &["db"],
            ),
            constraint(worker, "node.role == manager"),
            constraint(
                bind(
                    publish(service("visualizer"), 8080, 8080, PublishMode::Ingress),
                    "/var/run/docker.sock",
                    "/var/run/docker.sock",
                ),
                "node.role == manager",
            ),
        ],
        vec![volume("db-data", "local")],
    )
}

#[test]
fn corpus_01_voting_app() {
    let st = voting_app();
    assert_eq!(found(&st, None), expect(&[("SP5020", "db"),]));
    // With exactly one manager `db` is pinned; with three it can move.
    assert!(!found(&st, Some(&managers(1))).contains(&("SP5020", "db".into())));
    assert!(found(&st, Some(&managers(3))).contains(&("SP5020", "db".into())));
    let g = check(&st, None);
    assert_eq!(
        g.layers.unwrap(),
        vec![
            vec!["redis", "db", "visualizer"],
            vec!["vote", "result", "worker"]
        ]
    );
    // Painpoint 16: result/vote on different networks, bridged by worker; every edge reachable.
    assert!(g.links.iter().all(|l| !l.shared.is_empty()));
}

/// #15 swarmpit: couchdb and influxdb on local volumes with no constraint (swarmpit#559).
#[test]
fn corpus_15_swarmpit() {
    let st = build(
        "swarmpit",
        vec![
            constraint(
                publish(
                    env(
                        nets(service("app"), &["net"]),
                        &[
                            ("SWARMPIT_DB", "http://db:5984"),
                            ("SWARMPIT_INFLUXDB", "http://influxdb:8086"),
                        ],
                    ),
                    888,
                    8080,
                    PublishMode::Ingress,
                ),
                "node.role == manager",
            ),
            vol(
                nets(service("db"), &["net"]),
                "db-data",
                "/opt/couchdb/data",
            ),
            vol(
                nets(service("influxdb"), &["net"]),
                "influx-data",
                "/var/lib/influxdb",
            ),
            global(nets(service("agent"), &["net"])),
        ],
        vec![volume("db-data", "local"), volume("influx-data", "local")],
    );
    assert_eq!(
        found(&st, None),
        expect(&[("SP5020", "db"), ("SP5020", "influxdb")])
    );
    let g = check(&st, None);
    let inferred: Vec<(&str, &str)> = g
        .dependencies
        .edges
        .iter()
        .map(|e| (e.from.as_str(), e.to.as_str()))
        .collect();
    assert_eq!(inferred, [("app", "db"), ("app", "influxdb")]);
}

/// #7 dockerswarm.rocks swarmpit: the label-pinned fix of #15; traefik-public is external.
#[test]
fn corpus_07_swarmpit_label_pinned() {
    let mut st = build(
        "swarmpit",
        vec![
            constraint(
                env(
                    nets(service("app"), &["net", "traefik-public"]),
                    &[
                        ("SWARMPIT_DB", "http://db:5984"),
                        ("SWARMPIT_INFLUXDB", "http://influxdb:8086"),
                    ],
                ),
                "node.role == manager",
            ),
            constraint(
                vol(
                    nets(service("db"), &["net"]),
                    "db-data",
                    "/opt/couchdb/data",
                ),
                "node.labels.swarmpit.db-data == true",
            ),
            constraint(
                vol(
                    nets(service("influxdb"), &["net"]),
                    "influx-data",
                    "/var/lib/influxdb",
                ),
                "node.labels.swarmpit.influx-data == true",
            ),
            global(nets(service("agent"), &["net"])),
        ],
        vec![volume("db-data", "local"), volume("influx-data", "local")],
    );
    external_network(&mut st, "traefik-public", "traefik-public");
    assert_eq!(found(&st, None), expect(&[("SP5015", "")]));
    // The label must be on exactly one node: two labelled nodes make the data movable again.
    let labelled = |h: &str| {
        let mut n = Node::new(h);
        n.labels.insert("swarmpit.db-data".into(), "true".into());
        n.labels
            .insert("swarmpit.influx-data".into(), "true".into());
        n
    };
    let two = Cluster::new(vec![labelled("a"), labelled("b")]);
    assert_eq!(
        found(&st, Some(&two)),
        expect(&[("SP5015", ""), ("SP5020", "db"), ("SP5020", "influxdb")])
    );
}

/// #19 vegasbrianc docker-stack.yml: relative binds pinned only by role; local named volumes.
#[test]
fn corpus_19_vegasbrianc_relative_binds() {
    let manager = |s: Service| constraint(nets(s, &["monitor-net"]), "node.role==manager");
    let st = build(
        "prom",
        vec![
            deps(
                publish(
                    vol(
                        bind(
                            manager(service("prometheus")),
                            "./prometheus/",
                            "/etc/prometheus/",
                        ),
                        "prometheus_data",
                        "/prometheus",
                    ),
                    9090,
                    9090,
                    PublishMode::Ingress,
                ),
                &["cadvisor"],
            ),
            global(publish(
                bind(
                    bind(
                        bind(
                            nets(service("node-exporter"), &["monitor-net"]),
                            "/proc",
                            "/host/proc",
                        ),
                        "/sys",
                        "/host/sys",
                    ),
                    "/",
                    "/rootfs",
                ),
                9100,
                9100,
                PublishMode::Ingress,
            )),
            publish(
                bind(
                    manager(service("alertmanager")),
                    "./alertmanager/",
                    "/etc/alertmanager/",
                ),
                9093,
                9093,
                PublishMode::Ingress,
            ),
            global(publish(
                bind(
                    bind(
                        nets(service("cadvisor"), &["monitor-net"]),
                        "/var/run",
                        "/var/run",
                    ),
                    "/var/lib/docker/",
                    "/var/lib/docker",
                ),
                8080,
                8080,
                PublishMode::Ingress,
            )),
            deps(
                publish(
                    bind(
                        vol(
                            manager(service("grafana")),
                            "grafana_data",
                            "/var/lib/grafana",
                        ),
                        "./grafana/provisioning/",
                        "/etc/grafana/provisioning/",
                    ),
                    3000,
                    3000,
                    PublishMode::Ingress,
                ),
                &["prometheus"],
            ),
        ],
        vec![
            volume("prometheus_data", "local"),
            volume("grafana_data", "local"),
        ],
    );
    assert_eq!(
        found(&st, None),
        expect(&[
            ("SP5020", "grafana"),
            ("SP5020", "prometheus"),
            ("SP5021", "alertmanager"),
            ("SP5021", "grafana"),
            ("SP5021", "prometheus"),
        ])
    );
}

/// #38 docker-gitlab: absolute binds under /srv/docker/gitlab with no placement at all.
#[test]
fn corpus_38_gitlab_absolute_binds() {
    let st = build(
        "gitlab",
        vec![
            cmd(
                bind(
                    service("redis"),
                    "/srv/docker/gitlab/redis",
                    "/var/lib/redis",
                ),
                &["--loglevel warning"],
            ),
            env(
                bind(
                    service("postgresql"),
                    "/srv/docker/gitlab/postgresql",
                    "/var/lib/postgresql",
                ),
                &[("DB_USER", "gitlab"), ("DB_NAME", "gitlabhq_production")],
            ),
            env(
                deps(
                    publish(
                        publish(
                            bind(
                                service("gitlab"),
                                "/srv/docker/gitlab/gitlab",
                                "/home/git/data",
                            ),
                            10080,
                            80,
                            PublishMode::Ingress,
                        ),
                        10022,
                        22,
                        PublishMode::Ingress,
                    ),
                    &["redis", "postgresql"],
                ),
                &[
                    ("DB_HOST", "postgresql"),
                    ("REDIS_HOST", "redis"),
                    ("GITLAB_HOST", "localhost"),
                    ("SMTP_HOST", "smtp.gmail.com"),
                    ("GITLAB_TIMEZONE", "Kolkata"),
                ],
            ),
        ],
        Vec::new(),
    );
    assert_eq!(
        found(&st, None),
        expect(&[
            ("SP5020", "gitlab"),
            ("SP5020", "postgresql"),
            ("SP5020", "redis"),
        ])
    );
    assert!(check(&st, None)
        .dependencies
        .edges
        .iter()
        .all(|e| e.kind == super::EdgeKind::Declared));
}

/// #33 docker/cli full example: dnsrr with ingress ports, relative binds, depends_on on
/// services the file lacks, 6 replicas over one host path (max 5 per node), external
/// secret and config.
#[test]
fn corpus_33_full_example() {
    let mut foo = deps(
        nets(service("foo"), &["some-network", "other-network"]),
        &["db", "redis"],
    );
    foo = dnsrr(replicas(constraint(foo, "node=foo"), 6));
    foo.placement.max_replicas_per_node = Spanned::default_value(5);
    foo = publish(
        publish(foo, 0, 3000, PublishMode::Ingress),
        8000,
        8000,
        PublishMode::Ingress,
    );
    foo = bind(
        bind(bind(foo, "/opt/data", "/var/lib/mysql"), ".", "/code"),
        "./static",
        "/var/www/html",
    );
    foo = mounted(foo, MountKind::Bind, "~/configs", "/etc/configs/", true);
    foo = bind(foo, "./opt", "/opt");
    foo.secrets = vec![Spanned::default_value("secret2".into())];
    foo.configs = vec![Spanned::default_value("config2".into())];
    let mut st = build("full", vec![foo], Vec::new());
    st.secrets = vec![external("secret2"), external("secret3")];
    st.configs = vec![external("config2")];
    assert_eq!(
        found(&st, None),
        expect(&[
            ("SP5004", "foo"),
            ("SP5004", "foo"),
            ("SP5013", "foo"),
            ("SP5015", ""),
            ("SP5015", ""),
            ("SP5021", "foo"),
            ("SP5021", "foo"),
            ("SP5021", "foo"),
            ("SP5021", "foo"),
            ("SP5022", "foo"),
            ("SP5022", "foo"),
            ("SP5022", "foo"),
            ("SP5022", "foo"),
        ])
    );
}

/// #12 dogvscat stack-prune: the predefined `bridge` network as external.
#[test]
fn corpus_12_prune_external_bridge() {
    let mut st = build(
        "prune",
        vec![global(bind(
            nets(service("image-prune"), &["bridge"]),
            "/var/run/docker.sock",
            "/var/run/docker.sock",
        ))],
        Vec::new(),
    );
    external_network(&mut st, "bridge", "bridge");
    let d = check(&st, None).diagnostics;
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].code.id, "SP5015");
    assert_eq!(d[0].severity, crate::diagnostics::Severity::Warning);
}

/// #22 galera: per-slot local volume; `node` joins the seed by `tasks.seed`; 0 replicas.
#[test]
fn corpus_22_galera() {
    let mut data = volume("mysql-data", "local");
    data.full_name = "{{.Service.Name}}-{{.Task.Slot}}-data".into();
    let st = build(
        "galera",
        vec![
            cmd(
                vol(
                    env(
                        nets(service("seed"), &["galera_network"]),
                        &[("NODE_ADDRESS", "^10.0.*.*")],
                    ),
                    "mysql-data",
                    "/var/lib/mysql",
                ),
                &["seed"],
            ),
            replicas(
                cmd(
                    vol(
                        nets(service("node"), &["galera_network"]),
                        "mysql-data",
                        "/var/lib/mysql",
                    ),
                    &["node", "tasks.seed,tasks.node"],
                ),
                0,
            ),
        ],
        vec![data],
    );
    assert_eq!(found(&st, None), expect(&[("SP5020", "seed")]));
    assert_eq!(
        check(&st, None).layers.unwrap(),
        vec![vec!["seed"], vec!["node"]]
    );
}

/// #8 dogvscat stack-proxy-global: `consul` on a local volume with no constraint; traefik-init
/// hands `http://dockersocket:2375` to traefik as configuration, on a network it does not share
/// with dockersocket: a warning only, since the edge is inferred.
#[test]
fn corpus_08_proxy_global() {
    let mut consul_volume = volume("consul", "local");
    consul_volume.driver_opts.insert("size".into(), "1".into());
    let st = build(
        "proxy",
        vec![
            cmd(
                nets(service("traefik-init"), &["traefik-consul"]),
                &[
                    "storeconfig",
                    "--docker.endPoint=http://dockersocket:2375",
                    "--consul.endpoint=consul:8500",
                ],
            ),
            cmd(
                global(publish(
                    publish(
                        publish(
                            nets(
                                service("traefik"),
                                &["proxy", "traefik-consul", "traefik-docker"],
                            ),
                            80,
                            80,
                            PublishMode::Host,
                        ),
                        443,
                        443,
                        PublishMode::Host,
                    ),
                    8080,
                    8080,
                    PublishMode::Ingress,
                )),
                &["--consul", "--consul.endpoint=consul:8500"],
            ),
            cmd(
                vol(
                    nets(service("consul"), &["traefik-consul"]),
                    "consul",
                    "/consul/data",
                ),
                &["agent -server -bootstrap-expect=1"],
            ),
            constraint(
                global(bind(
                    nets(service("dockersocket"), &["traefik-docker"]),
                    "/var/run/docker.sock",
                    "/var/run/docker.sock",
                )),
                "node.role == manager",
            ),
        ],
        vec![consul_volume],
    );
    let d = check(&st, None).diagnostics;
    let got: Vec<(&str, &str, crate::diagnostics::Severity)> = d
        .iter()
        .map(|d| (d.code.id, d.service.as_deref().unwrap_or(""), d.severity))
        .collect();
    use crate::diagnostics::Severity::Warning;
    assert_eq!(
        got,
        [
            ("SP5010", "traefik-init", Warning),
            ("SP5020", "consul", Warning)
        ]
    );
}

/// #28 Mailu: dnsrr with host-mode ports is legal; NFS through the local driver is shared.
#[test]
fn corpus_28_mailu() {
    let mut nfs = volume("mailu_certs", "local");
    nfs.driver_opts.insert("type".into(), "nfs".into());
    let mut front = dnsrr(constraint(
        vol(service("front"), "mailu_certs", "/certs"),
        "node.role == manager",
    ));
    for p in [80, 443, 110, 143, 993, 995, 25, 465, 587] {
        front = publish(front, p, p, PublishMode::Host);
    }
    let imap = deps(
        dnsrr(constraint(
            vol(service("imap"), "mailu_certs", "/data"),
            "node.role == manager",
        )),
        &["front"],
    );
    let st = build("mailu", vec![front, imap], vec![nfs]);
    assert_eq!(found(&st, None), expect(&[]));
}

/// #2 swarmprom: manager-pinned named volumes, and a hard-coded docker_gwbridge address.
#[test]
fn corpus_02_swarmprom() {
    let manager = |s: Service| constraint(nets(s, &["net"]), "node.role == manager");
    let st = build(
        "mon",
        vec![
            global(env(
                nets(service("dockerd-exporter"), &["net"]),
                &[("DOCKER_GWBRIDGE_IP", "172.18.0.1")],
            )),
            vol(manager(service("grafana")), "grafana", "/var/lib/grafana"),
            vol(
                manager(service("alertmanager")),
                "alertmanager",
                "/alertmanager",
            ),
            env(
                nets(service("unsee"), &["net"]),
                &[("ALERTMANAGER_URIS", "default:http://alertmanager:9093")],
            ),
            vol(manager(service("prometheus")), "prometheus", "/prometheus"),
        ],
        vec![
            volume("grafana", "local"),
            volume("alertmanager", "local"),
            volume("prometheus", "local"),
        ],
    );
    assert_eq!(
        found(&st, None),
        expect(&[
            ("SP5016", "dockerd-exporter"),
            ("SP5020", "alertmanager"),
            ("SP5020", "grafana"),
            ("SP5020", "prometheus"),
        ])
    );
    assert_eq!(check(&st, None).dependencies.edges[0].to, "alertmanager");
}
