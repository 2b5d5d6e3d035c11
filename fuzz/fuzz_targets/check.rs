//! Structured: small stacks and clusters built from the input, checked with small bounds, and
//! the soundness invariants asserted: a `holds` placement has a plan the independent validator
//! accepts, every rollout counterexample replays on the unreduced model to a state that breaks
//! its property, and no verdict is `holds` when a bound cut its search.
#![no_main]

use std::time::Duration;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use swarmproof::check::{CheckOptions, Checked};
use swarmproof::diagnostics::SourceMap;
use swarmproof::placement::PlacementOptions;
use swarmproof::report::Status;
use swarmproof::rollout::{PropertyId, RolloutModel, RolloutVerdict};
use swarmproof_fuzz::{add_stacks, assert_spans, options};

#[derive(Arbitrary, Debug)]
struct Scenario {
    services: [Option<Svc>; 3],
    nodes: [Option<NodeSpec>; 4],
    tolerate_one: bool,
}

#[derive(Arbitrary, Debug)]
struct Svc {
    global: bool,
    replicas: u8,
    milli_cpus: u16,
    mib: u16,
    constraint: Option<Constraint>,
    spread: bool,
    max_per_node: Option<u8>,
    host_port: Option<u8>,
    parallelism: u8,
    start_first: bool,
    failure_action: u8,
    max_failure_ratio: u8,
}

#[derive(Arbitrary, Debug)]
enum Constraint {
    Worker,
    Manager,
    Zone(bool, u8),
    Ssd,
}

#[derive(Arbitrary, Debug)]
struct NodeSpec {
    manager: bool,
    cpus: u8,
    gib: u8,
    zone: u8,
    ssd: bool,
    drained: bool,
}

fn stack_yaml(services: &[Option<Svc>]) -> String {
    let mut out = String::from("version: '3.8'\nservices:\n");
    for (i, s) in services.iter().enumerate() {
        let Some(s) = s else { continue };
        out += &format!("  s{i}:\n    image: app:{i}\n");
        if let Some(p) = s.host_port {
            out += &format!(
                "    ports: [{{target: 80, published: {}, mode: host}}]\n",
                8000 + u32::from(p % 3)
            );
        }
        out += "    deploy:\n";
        if s.global {
            out += "      mode: global\n";
        } else {
            out += &format!("      replicas: {}\n", s.replicas % 7);
        }
        out += &format!(
            "      resources: {{reservations: {{cpus: '{}.{:03}', memory: {}M}}}}\n",
            s.milli_cpus % 4000 / 1000,
            s.milli_cpus % 1000,
            4 + u32::from(s.mib % 4096)
        );
        out += "      placement:\n";
        if let Some(c) = &s.constraint {
            let c = match c {
                Constraint::Worker => "node.role == worker".to_string(),
                Constraint::Manager => "node.role == manager".to_string(),
                Constraint::Zone(eq, z) => {
                    format!(
                        "node.labels.zone {} z{}",
                        if *eq { "==" } else { "!=" },
                        z % 3
                    )
                }
                Constraint::Ssd => "node.labels.ssd == true".to_string(),
            };
            out += &format!("        constraints: ['{c}']\n");
        }
        if s.spread {
            out += "        preferences: [{spread: node.labels.zone}]\n";
        }
        if let Some(m) = s.max_per_node {
            out += &format!("        max_replicas_per_node: {}\n", m % 4);
        }
        out += &format!(
            "      update_config: {{parallelism: {}, order: {}, failure_action: {}, max_failure_ratio: {}}}\n",
            s.parallelism % 3,
            if s.start_first { "start-first" } else { "stop-first" },
            ["pause", "continue", "rollback"][usize::from(s.failure_action % 3)],
            f64::from(s.max_failure_ratio % 5) / 4.0
        );
    }
    out
}

fn nodes_yaml(nodes: &[Option<NodeSpec>]) -> String {
    let mut out = String::from("nodes:\n");
    for (i, n) in nodes.iter().enumerate() {
        let Some(n) = n else { continue };
        out += &format!(
            "  - {{hostname: n{i}, role: {}, zone: z{}, availability: {}, labels: {{ssd: '{}'}}, resources: {{cpus: {}, memory: {}G}}}}\n",
            if n.manager { "manager" } else { "worker" },
            n.zone % 3,
            if n.drained { "drain" } else { "active" },
            n.ssd,
            1 + n.cpus % 8,
            1 + n.gib % 16
        );
    }
    out
}

fn small_bounds(tolerate_one: bool) -> CheckOptions {
    CheckOptions {
        placement: PlacementOptions {
            timeout_ms: 200,
            tolerate: tolerate_one.then_some(swarmproof::placement::Tolerance::Nodes(1)),
            suggest: true,
            suggest_timeout_ms: 100,
            max_plan_tasks: 200,
            ..Default::default()
        },
        scheduler: true,
        rollout: Some(swarmproof::rollout::Options {
            max_failures: 1,
            max_states: 3_000,
            max_memory_bytes: 1 << 20,
            timeout: Duration::from_secs(2),
            strict: false,
        }),
        bounds: Default::default(),
    }
}

fn assert_sound(checked: &Checked) {
    let stack = &checked.loaded.stack;
    let Some(cluster) = &checked.loaded.cluster else {
        return;
    };
    if let Some(p) = &checked.placement {
        if p.status == Status::Holds {
            assert!(p.plan.is_some(), "placement holds without a plan");
        }
        if let Some(plan) = &p.plan {
            if let Err(e) = swarmproof::audit::validate(stack, cluster, plan) {
                panic!("the reported plan fails the validator: {e}");
            }
        }
    }
    if let Some(s) = &checked.scheduler {
        if s.exploration.status == Status::Holds {
            assert!(
                s.exploration.exhaustive,
                "scheduler holds after a bounded exploration"
            );
        }
    }
    let plan = checked.placement.as_ref().and_then(|p| p.plan.as_ref());
    let inputs = plan
        .map(|plan| swarmproof::rollout::inputs_from_plan(stack, cluster, plan))
        .unwrap_or_default();
    for r in &checked.rollout {
        let complete = r
            .search
            .as_ref()
            .is_some_and(|s| s.complete && s.cutoff.is_none());
        if !complete {
            assert!(
                r.status != Status::Holds && r.verdict != RolloutVerdict::Safe,
                "{}: {:?} after a search cut at {:?}",
                r.service,
                r.verdict,
                r.search.as_ref().and_then(|s| s.cutoff)
            );
            for p in &r.properties {
                assert!(
                    p.status != Status::Holds || p.counterexample.is_none(),
                    "{}: {} holds with a counterexample",
                    r.service,
                    p.name
                );
            }
        }
        let Some(input) = inputs.iter().find(|i| i.service.name == r.service) else {
            continue;
        };
        let Ok(model) = RolloutModel::new(input, 1) else {
            continue;
        };
        let cxs = r
            .properties
            .iter()
            .filter_map(|p| p.counterexample.as_ref())
            .chain(r.pause.as_ref());
        for cx in cxs {
            let path: Vec<usize> = cx
                .path
                .split('/')
                .map(|i| i.parse().expect("a path of action indices"))
                .collect();
            let (states, _) = swarmproof::modelcheck::replay(&model, &path)
                .unwrap_or_else(|| panic!("{}: {} does not replay", r.service, cx.path));
            let property = PropertyId::from_name(cx.property).expect("a known property");
            let last = states.last().expect("a replay has a state");
            // `holds` of the pause example means "not paused": every property fails at the end.
            assert!(
                !property.holds(&model, last),
                "{}: {} replays to a state where {} is not reached",
                r.service,
                cx.path,
                cx.property
            );
        }
    }
}

fuzz_target!(|scenario: Scenario| {
    let stack = stack_yaml(&scenario.services);
    let nodes = nodes_yaml(&scenario.nodes);
    let mut sources = SourceMap::new();
    let files = add_stacks(&mut sources, &[stack]);
    let nodes = sources.add("nodes.yml", nodes);
    let checked = swarmproof::check::run(
        &sources,
        &files,
        Some(nodes),
        &options(Default::default()),
        &small_bounds(scenario.tolerate_one),
    );
    assert_spans(&sources, &checked.report.findings);
    assert_sound(&checked);
    swarmproof_fuzz::assert_renders(&checked.report, &sources);
});
