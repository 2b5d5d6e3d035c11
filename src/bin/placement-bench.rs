//! Placement benchmark, run by hand (not in CI): `cargo run --release --bin placement-bench`.
//! Generates instances with `swarmproof::bench::generate` (feasible by construction at 70 %
//! and 90 % load, infeasible at 105 %) and times the whole placement check on each, plus
//! `--tolerate 1` and `--tolerate zone` on the largest feasible instance, and suggestions on the
//! smaller infeasible ones.

use std::time::Instant;

use swarmproof::bench::{self, generate, InstanceSpec};
use swarmproof::placement::{check_placement, PlacementOptions, Tolerance};

fn run(label: &str, spec: InstanceSpec, opts: &PlacementOptions) {
    let (stack, cluster) = generate(spec);
    let tasks: u64 = stack
        .services
        .iter()
        .filter_map(|s| s.mode.value.replicated_tasks())
        .sum();
    let start = Instant::now();
    let p = check_placement(&stack, &cluster, opts);
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    println!(
        "{label:<22} nodes={:<5} replicated={:<6} load={:>3}%  {:<8} {:<20} {:>9.1} ms",
        spec.nodes,
        tasks,
        spec.load_percent,
        p.status.as_str(),
        p.method.map_or("-".to_string(), |m| format!("{m:?}")),
        ms
    );
}

/// The SMT encoding alone, without the fast paths: what witness-first saves.
fn z3_alone(spec: InstanceSpec) {
    let (stack, cluster) = generate(spec);
    let start = Instant::now();
    let answer = bench::z3_alone(
        &stack,
        &cluster,
        swarmproof::deadline::Deadline::after_ms(10_000),
    );
    println!(
        "{:<22} nodes={:<5} load={:>3}%  {answer:<8} {:>9.1} ms",
        "z3 alone (10 s limit)",
        spec.nodes,
        spec.load_percent,
        start.elapsed().as_secs_f64() * 1000.0
    );
}

fn main() {
    // Suggestions (z3's optimiser) are timed separately below.
    let opts = PlacementOptions {
        suggest: false,
        ..PlacementOptions::default()
    };
    let sizes = [(10usize, 100u64), (100, 3_000), (1_000, 30_000)];
    for (nodes, tasks) in sizes {
        for load in [70u64, 90, 105] {
            let spec = InstanceSpec {
                nodes,
                tasks,
                load_percent: load,
                services: 20,
                seed: 7,
            };
            run("check", spec, &opts);
        }
    }
    let big = InstanceSpec {
        nodes: 1_000,
        tasks: 30_000,
        load_percent: 70,
        services: 20,
        seed: 7,
    };
    let tolerate = |t: Tolerance| PlacementOptions {
        tolerate: Some(t),
        ..PlacementOptions::default()
    };
    run("check --tolerate 1", big, &tolerate(Tolerance::Nodes(1)));
    run(
        "check --tolerate zone",
        big,
        &tolerate(Tolerance::Domain("zone".into())),
    );
    let small = InstanceSpec {
        nodes: 10,
        tasks: 100,
        load_percent: 70,
        services: 20,
        seed: 11,
    };
    run("20 services, 10 nodes", small, &opts);
    for (nodes, tasks, load) in [
        (10usize, 100u64, 70u64),
        (10, 100, 90),
        (10, 100, 105),
        (100, 3_000, 90),
    ] {
        z3_alone(InstanceSpec {
            nodes,
            tasks,
            load_percent: load,
            services: 20,
            seed: 7,
        });
    }
    for (nodes, tasks) in [(10usize, 100u64), (100, 3_000)] {
        let spec = InstanceSpec {
            nodes,
            tasks,
            load_percent: 105,
            services: 20,
            seed: 7,
        };
        run("check + suggestions", spec, &PlacementOptions::default());
    }
}
