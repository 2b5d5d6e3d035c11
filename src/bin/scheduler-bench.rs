//! Benchmark of the scheduler simulation on a generated 1,000-node × 30,000-task instance:
//! 29 replicated services of 1,000 tasks (reservations, zone spread, constraints, host ports)
//! and one global service; then the exhaustiveness of the exploration of orders with the budget
//! `check` uses, on k services over six nodes in three zones (k = 4…12). Run by hand:
//! `cargo run --release --bin scheduler-bench`.

use std::time::Instant;

use swarmproof::model::{
    Cluster, Constraint, Mode, Node, Port, Protocol, PublishMode, Role, Service, Spanned, Stack,
};
use swarmproof::scheduler::{explore, simulate, ExploreOptions, Order, SimOptions, Strategy};

const GB: u64 = 1 << 30;

fn instance() -> (Stack, Cluster) {
    let nodes = (0..1000)
        .map(|i| {
            let mut n = Node::new(format!("node{i:04}"));
            n.nano_cpus = [8, 16, 32][i % 3] * 1_000_000_000;
            n.memory_bytes = [32, 64, 128][i % 3] * GB;
            n.labels.insert("zone".into(), format!("z{}", i % 3));
            if i % 10 == 0 {
                n.labels.insert("disk".into(), "ssd".into());
            }
            n
        })
        .collect();
    let mut services: Vec<Service> = (0..29)
        .map(|i| {
            let mut s = Service::new(format!("svc{i:02}"));
            s.mode = Spanned::default_value(Mode::Replicated { replicas: 1000 });
            s.resources.reservations.memory_bytes =
                Spanned::default_value((i as u64 % 4 + 1) * GB / 4);
            s.resources.reservations.nano_cpus = Spanned::default_value(100_000_000);
            if i % 3 == 0 {
                s.placement
                    .preferences
                    .push(Spanned::default_value("node.labels.zone".into()));
            }
            if i % 7 == 0 {
                let c = Constraint::parse("node.labels.disk!=hdd").expect("valid constraint");
                s.placement.constraints.push(Spanned::default_value(c));
            }
            if i == 5 {
                s.ports.push(Port {
                    target: 80,
                    published: Some(8080),
                    protocol: Protocol::Tcp,
                    mode: PublishMode::Host,
                    span: None,
                });
            }
            s
        })
        .collect();
    let mut agent = Service::new("agent");
    agent.mode = Spanned::default_value(Mode::Global);
    agent.resources.reservations.memory_bytes = Spanned::default_value(GB / 8);
    services.push(agent);
    let stack = Stack {
        name: "bench".into(),
        services,
        ..Stack::default()
    };
    (stack, Cluster::new(nodes))
}

/// Six nodes in three zones (a manager and a worker each, as `models/ha-web`) and k services of
/// 2–4 replicas, 0.25 CPU and 128 MiB each, alternately on workers and on managers.
fn small(k: usize) -> (Stack, Cluster) {
    let nodes = (0..6)
        .map(|i| {
            let mut n = Node::new(format!("n{i}"));
            n.nano_cpus = if i < 3 { 2 } else { 4 } * 1_000_000_000;
            n.memory_bytes = if i < 3 { 4 } else { 8 } * GB;
            n.role = if i < 3 { Role::Manager } else { Role::Worker };
            n.labels.insert("zone".into(), format!("z{}", i % 3));
            n
        })
        .collect();
    let services = (0..k)
        .map(|i| {
            let mut s = Service::new(format!("s{i}"));
            s.mode = Spanned::default_value(Mode::Replicated {
                replicas: 2 + i as u64 % 3,
            });
            s.resources.reservations.nano_cpus = Spanned::default_value(250_000_000);
            s.resources.reservations.memory_bytes = Spanned::default_value(128 << 20);
            let role = if i % 2 == 0 { "worker" } else { "manager" };
            let c = Constraint::parse(&format!("node.role=={role}")).expect("valid constraint");
            s.placement.constraints.push(Spanned::default_value(c));
            s
        })
        .collect();
    let stack = Stack {
        name: "small".into(),
        services,
        ..Stack::default()
    };
    (stack, Cluster::new(nodes))
}

fn explore_small() {
    for k in [4, 6, 8, 10, 12] {
        let (stack, cluster) = small(k);
        let opts = ExploreOptions::scaled(&stack, &cluster);
        let start = Instant::now();
        match explore(&stack, &cluster, &opts) {
            Ok(e) => println!(
                "explore  {k:>2} services × 6 nodes  {:?} exhaustive {}  runs {:>5} merged {:>5}  {:.3} s",
                e.status,
                e.exhaustive,
                e.runs,
                e.merged_runs,
                start.elapsed().as_secs_f64()
            ),
            Err(e) => eprintln!("exploration failed: {e}"),
        }
    }
}

fn main() {
    explore_small();
    let (stack, cluster) = instance();
    for (strategy, order) in [
        (Strategy::Spread, Order::Seed(0)),
        (Strategy::Spread, Order::Choices(Vec::new())),
        (Strategy::BinPack, Order::Seed(0)),
        (Strategy::Random, Order::Seed(0)),
    ] {
        let opts = SimOptions {
            strategy,
            order: order.clone(),
            service_order: None,
        };
        let start = Instant::now();
        let sim = match simulate(&stack, &cluster, &opts) {
            Ok(sim) => sim,
            Err(e) => {
                eprintln!("simulation failed: {e}");
                std::process::exit(1);
            }
        };
        let secs = start.elapsed().as_secs_f64();
        println!(
            "{:<8} {:<12} placed {:>6} pending {:>5} nodes used {:>4}  {:.3} s  {:.0} placements/s",
            strategy.as_str(),
            match order {
                Order::Seed(_) => "seed 0",
                Order::Choices(_) => "ranked ties",
            },
            sim.assignments.len(),
            sim.pending.len(),
            sim.nodes_used(),
            secs,
            sim.assignments.len() as f64 / secs
        );
    }
    let scaled = ExploreOptions::scaled(&stack, &cluster);
    for (what, opts) in [
        (
            "5 runs + 5 samples",
            ExploreOptions {
                max_runs: 5,
                samples: 5,
                ..ExploreOptions::default()
            },
        ),
        ("check's budget", scaled),
    ] {
        let start = Instant::now();
        match explore(&stack, &cluster, &opts) {
            Ok(e) => println!(
                "explore  {what:<20} runs {} exhaustive {} complete runs {}  {:.3} s",
                e.runs,
                e.exhaustive,
                e.complete_runs,
                start.elapsed().as_secs_f64()
            ),
            Err(e) => eprintln!("exploration failed: {e}"),
        }
    }
}
