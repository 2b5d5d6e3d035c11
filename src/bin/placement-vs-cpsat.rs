//! swarmproof against the CP-SAT baseline on the same instances, run by hand (not in CI):
//!
//! ```sh
//! cargo run --release --bin placement-vs-cpsat -- [--bench DIR] [--out DIR] [--cpsat-timeout S] [--quick]
//! ```
//!
//! For each instance it runs `DIR/gen.py` (default `/work/shared/bench/placement`), decides
//! placement with swarmproof in-process (loading included in the time), writes the plan as
//! service → hostnames and has `DIR/validate.py` check it, then runs `DIR/cpsat.py` and prints
//! both verdicts and times on one line. Needs `python3` with `pyyaml` and `ortools`.
//! `--hard` runs the families of `bench/placement/hard.py` (Falkenauer triplets,
//! anti-correlated two-resource packings, pigeonhole stacks) instead.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use swarmproof::bench;
use swarmproof::placement::{check_placement, PlacementOptions};

struct Instance {
    /// `gen` (gen.py) or a family of hard.py.
    family: &'static str,
    nodes: u64,
    tasks: u64,
    load: &'static str,
    kind: &'static str,
    seed: u64,
}

/// gen.py's instances: at each load, `n`×`10n` clusters of five seeds (one when quick) and a
/// ladder of sizes, then the infeasible kinds.
fn instances(quick: bool) -> Vec<Instance> {
    let mut v = Vec::new();
    let mut add = |nodes, tasks, load, kind, seed| {
        v.push(Instance {
            family: "gen",
            nodes,
            tasks,
            load,
            kind,
            seed,
        })
    };
    let big = |mut sizes: Vec<(u64, u64)>| {
        if !quick {
            sizes.push((1_000, 30_000));
        }
        sizes
    };
    for load in ["0.95", "0.97", "0.99"] {
        let seeds = if quick { 1 } else { 5 };
        for seed in 1..=seeds {
            add(10, 100, load, "feasible", seed);
        }
        for (nodes, tasks) in big(vec![(20, 300), (50, 1_000), (100, 3_000)]) {
            add(nodes, tasks, load, "feasible", 1);
        }
    }
    for kind in ["infeasible-count", "infeasible-pack"] {
        for (nodes, tasks) in big(vec![(100, 3_000)]) {
            add(nodes, tasks, "0.9", kind, 1);
        }
    }
    v
}

fn hard_instances() -> Vec<Instance> {
    let mut v = Vec::new();
    let mut add = |family, nodes, load| {
        v.push(Instance {
            family,
            nodes,
            tasks: 0,
            load,
            kind: family,
            seed: 1,
        })
    };
    for n in [20, 40] {
        add("triplets", n, "1.0");
    }
    for n in [20, 50, 100] {
        add("anticorrelated", n, "0.99");
        add("anticorrelated", n, "1.0");
    }
    for n in [20, 100, 1_000] {
        add("pigeonhole", n, "1.0");
        add("pigeonhole-fill", n, "1.0");
    }
    v
}

fn python(bench: &Path, script: &str, args: &[&str]) -> (bool, String) {
    match Command::new("python3")
        .arg(bench.join(script))
        .args(args)
        .output()
    {
        Ok(o) => (
            o.status.success(),
            String::from_utf8_lossy(&o.stdout).trim().to_string(),
        ),
        Err(e) => (false, format!("cannot run python3: {e}")),
    }
}

/// swarmproof's verdict, seconds (load + decide), and the validator's answer on its plan.
fn swarmproof(dir: &Path, bench: &Path) -> (String, f64, String) {
    let start = Instant::now();
    let read = |name: &'static str| std::fs::read_to_string(dir.join(name)).map(|t| (name, t));
    let (stack, nodes) = match (read("stack.yml"), read("nodes.json")) {
        (Ok(s), Ok(n)) => (s, n),
        (Err(e), _) | (_, Err(e)) => return (format!("error: {e}"), 0.0, "-".into()),
    };
    let loaded = bench::load_texts(stack, nodes, "bench");
    let Some(cluster) = loaded.cluster else {
        return ("error: no inventory".into(), 0.0, "-".into());
    };
    let opts = PlacementOptions {
        suggest: false,
        ..PlacementOptions::default()
    };
    let placement = check_placement(&loaded.stack, &cluster, &opts);
    let secs = start.elapsed().as_secs_f64();
    let verdict = match placement.status.as_str() {
        "holds" => "feasible",
        "violated" => "infeasible",
        other => other,
    }
    .to_string();
    let method = placement
        .method
        .map_or(String::new(), |m| format!(" ({m:?})"));
    let valid = match &placement.plan {
        None => "-".to_string(),
        Some(plan) => {
            let mut by_service: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
            for (task, node) in &plan.assignments {
                by_service
                    .entry(&loaded.stack.services[task.service].name)
                    .or_default()
                    .push(&cluster.nodes[*node].hostname);
            }
            let path = dir.join("swarmproof-plan.json");
            let text = serde_json::to_string(&by_service).unwrap_or_default();
            if std::fs::write(&path, text).is_err() {
                "cannot write plan".to_string()
            } else {
                let (ok, out) = python(
                    bench,
                    "validate.py",
                    &[
                        &s(&dir.join("stack.yml")),
                        &s(&dir.join("nodes.json")),
                        &s(&path),
                    ],
                );
                if ok {
                    "valid".into()
                } else {
                    out.lines().last().unwrap_or("invalid").to_string()
                }
            }
        }
    };
    (verdict + &method, secs, valid)
}

fn s(p: &Path) -> String {
    p.display().to_string()
}

/// CP-SAT's verdict and total seconds (its own `total_s`), from its JSON line.
fn cpsat(dir: &Path, bench: &Path, timeout: &str) -> (String, f64) {
    let (_, out) = python(
        bench,
        "cpsat.py",
        &[
            &s(&dir.join("stack.yml")),
            &s(&dir.join("nodes.json")),
            "--timeout",
            timeout,
        ],
    );
    let line = out.lines().last().unwrap_or("");
    match serde_json::from_str::<serde_json::Value>(line) {
        Ok(v) => (
            v["verdict"].as_str().unwrap_or("?").to_string(),
            v["total_s"].as_f64().unwrap_or(f64::NAN),
        ),
        Err(_) => (format!("error: {line}"), f64::NAN),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let bench = PathBuf::from(flag("--bench").unwrap_or("/work/shared/bench/placement".into()));
    let out = PathBuf::from(flag("--out").unwrap_or("target/placement-vs-cpsat".into()));
    let timeout = flag("--cpsat-timeout").unwrap_or("60".into());
    let quick = args.iter().any(|a| a == "--quick");
    let hard = args.iter().any(|a| a == "--hard");
    let hard_py = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/placement");
    println!(
        "| nodes × tasks | load | kind | seed | expected | swarmproof | plan | swarmproof s | CP-SAT | CP-SAT total_s | ratio |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    let mut ratios = Vec::new();
    let list = if hard {
        hard_instances()
    } else {
        instances(quick)
    };
    for i in list {
        let dir = out.join(format!(
            "{}x{}-{}-{}-{}",
            i.nodes, i.tasks, i.load, i.kind, i.seed
        ));
        let (ok, msg) = if i.family != "gen" {
            python(
                &hard_py,
                "hard.py",
                &[
                    i.family,
                    "--nodes",
                    &i.nodes.to_string(),
                    "--load",
                    i.load,
                    "--out",
                    &s(&dir),
                ],
            )
        } else {
            python(
                &bench,
                "gen.py",
                &[
                    "--nodes",
                    &i.nodes.to_string(),
                    "--tasks",
                    &i.tasks.to_string(),
                    "--load",
                    i.load,
                    "--kind",
                    i.kind,
                    "--seed",
                    &i.seed.to_string(),
                    "--out",
                    &s(&dir),
                ],
            )
        };
        if !ok {
            println!("gen.py failed for {}: {msg}", s(&dir));
            continue;
        }
        let meta: serde_json::Value = std::fs::read_to_string(dir.join("meta.json"))
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default();
        let expected = meta["verdict"].as_str().unwrap_or("?").to_string();
        let tasks = if i.tasks > 0 {
            i.tasks.to_string()
        } else {
            "-".into()
        };
        let (sp, sp_s, valid) = swarmproof(&dir, &bench);
        let (cp, cp_s) = cpsat(&dir, &bench, &timeout);
        let ratio = sp_s / cp_s;
        if ratio.is_finite() {
            ratios.push(ratio);
        }
        println!(
            "| {} × {tasks} | {} | {} | {} | {expected} | {sp} | {valid} | {sp_s:.3} | {cp} | {cp_s:.3} | {ratio:.3} |",
            i.nodes, i.load, i.kind, i.seed
        );
    }
    ratios.sort_by(f64::total_cmp);
    if let Some(m) = ratios.get(ratios.len() / 2) {
        println!(
            "\nmedian swarmproof / CP-SAT time ratio over {} instances: {m:.3}",
            ratios.len()
        );
    }
}
