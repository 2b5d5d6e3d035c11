//! Benchmark of the Raft model checker: checks the correct model (or a variant) at given bounds
//! and prints unique states, states per second and peak memory per unique state.
//!
//! `cargo run --release --bin raft-bench -- [managers] [max_term] [max_log] [max_crashes]
//! [threads] [--no-symmetry] [--variant NAME] [--max-states GENERATED]`; defaults are the documented bounds (a
//! variant's own bounds with `--variant`).

use std::time::Instant;

use swarmproof::raft::{check, Bounds, CheckOptions, RaftModel, Variant};

fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let symmetry = !args.iter().any(|a| a == "--no-symmetry");
    let variant: Option<Variant> = args
        .iter()
        .position(|a| a == "--variant")
        .and_then(|i| args.get(i + 1))
        .map(|v| v.parse().unwrap_or_else(|e| panic!("{e}")));
    let max_states: Option<usize> = args
        .iter()
        .position(|a| a == "--max-states")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok());
    let nums: Vec<usize> = args
        .iter()
        .enumerate()
        .filter(|(i, _)| *i == 0 || args[i - 1] != "--max-states")
        .filter_map(|(_, a)| a.parse().ok())
        .collect();
    // A variant defaults to the bounds under which its counterexample exists.
    let d = variant.map_or_else(Bounds::default, Variant::bounds);
    let get = |i: usize, default: usize| nums.get(i).copied().unwrap_or(default);
    let managers = get(0, 3);
    let bounds = Bounds {
        max_term: get(1, usize::from(d.max_term)) as u8,
        max_log: get(2, usize::from(d.max_log)) as u8,
        max_crashes: get(3, usize::from(d.max_crashes)) as u8,
    };
    let threads = get(4, 2);
    let model = RaftModel::new(managers, bounds, variant).unwrap_or_else(|e| panic!("{e}"));
    let defaults = CheckOptions::default();
    let options = CheckOptions {
        threads,
        symmetry,
        max_states: max_states.unwrap_or(defaults.max_states),
        ..defaults
    };
    let start = Instant::now();
    let (result, _) = check(&model, &options);
    let secs = start.elapsed().as_secs_f64();
    let checker_secs = result.elapsed_ms as f64 / 1000.0;
    println!(
        "raft-bench managers={managers} max_term={} max_log={} max_crashes={} threads={threads} symmetry={symmetry} variant={}",
        bounds.max_term,
        bounds.max_log,
        bounds.max_crashes,
        variant.map_or("none".to_string(), |v| v.to_string())
    );
    println!(
        "unique_states={} generated_states={} max_depth={} complete={}",
        result.unique_states, result.generated_states, result.max_depth, result.complete
    );
    println!(
        "checker_seconds={checker_secs:.2} total_seconds={secs:.2} unique_per_sec={:.0} generated_per_sec={:.0}",
        result.unique_states as f64 / checker_secs.max(1e-9),
        result.generated_states as f64 / checker_secs.max(1e-9)
    );
    if let Some(rss) = peak_rss_bytes() {
        println!(
            "peak_rss_mb={:.1} bytes_per_unique_state={:.1}",
            rss as f64 / 1048576.0,
            rss as f64 / result.unique_states.max(1) as f64
        );
    }
    for p in &result.properties {
        println!(
            "  {:<9} {:<22} counterexample_steps={}",
            p.status.as_str(),
            p.name,
            p.counterexample
                .as_ref()
                .map_or("-".to_string(), |t| t.steps.len().to_string())
        );
    }
}
