//! Engine conformance: swarmproof's models compared with a real Docker Swarm.
//!
//! Not part of `cargo test` (it needs a Docker Engine and root): run it with
//! `cargo test --release --test conformance -- --engine [GROUP...]`. Without `--engine` it says
//! it was skipped and succeeds. Each case compares one observation of the engine with what
//! swarmproof predicts and ends `agree` or `DISAGREE`; the run fails when any case disagrees.
//! The cluster (`cluster.sh`) is brought up once for the groups that need it and torn down at the
//! end, also when a case panics.

mod cluster;
mod diff;
mod engine;
mod harness;
mod live;
mod loader;
mod quorum;
mod restarts;
mod scheduler;
mod updates;

use harness::Group;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if !args.iter().any(|a| a == "--engine") {
        println!("conformance: skipped (pass --engine; the suite needs a Docker Engine and root)");
        return;
    }
    let wanted: Vec<&str> = args
        .iter()
        .filter(|a| !a.starts_with('-'))
        .map(String::as_str)
        .collect();
    let mut groups: Vec<Group> = [
        loader::group(),
        scheduler::group(),
        updates::group(),
        restarts::group(),
        quorum::group(),
        live::group(),
        diff::group(),
    ]
    .into_iter()
    .filter(|g| wanted.is_empty() || wanted.contains(&g.name))
    .collect();
    if std::env::var_os("SP_CONFORMANCE_BREAK").is_some() {
        // A run that fails on purpose, with the cluster up: it must still clean up.
        groups.push(harness::broken_group());
    }
    let code = harness::run(groups);
    std::process::exit(code);
}
