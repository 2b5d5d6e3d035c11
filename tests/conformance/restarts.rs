//! Restart-policy conformance: one-replica services whose task ends by itself, observed for a
//! while by polling their tasks; each slot's attempts (creation, RUNNING and end times from the
//! engine's own timestamps) are checked against swarmproof's restart supervisor
//! (`rollout::restart::check_slot`): which failures are replaced, after which delay, and where
//! max_attempts and the window stop the slot.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use swarmproof::rollout::restart::{check_slot, Attempt, End};

use crate::engine::{self, stack_text};
use crate::harness::{self, Ctx, Group, Verdict};

/// Engine latency allowed on every comparison of times (status reports reach the manager,
/// the orchestrator reacts).
const TOLERANCE: i64 = 700_000_000;

/// How much longer than `observe_secs` a case waits for its first expected count of attempts:
/// a loaded machine starts each task in 3–4 s instead of about 1 s.
const SLOW_ENGINE: u32 = 4;

struct Scenario {
    name: &'static str,
    restart_policy: &'static str,
    /// The task's shell command.
    command: &'static str,
    /// Minimum observation; it goes on (up to `SLOW_ENGINE` times as long) until the
    /// range's first count of attempts is seen, so a slow engine delays the case instead of
    /// failing it. A case whose range ends there still shows no attempt beyond it.
    observe_secs: u64,
    /// Attempts the case exists to show (a range: timing decides the last one).
    attempts: std::ops::RangeInclusive<usize>,
}

const SCENARIOS: &[Scenario] = &[
    Scenario {
        name: "any-delay-2s",
        restart_policy: "{condition: any, delay: 2s}",
        command: "sleep 1; exit 1",
        observe_secs: 9,
        attempts: 3..=5,
    },
    Scenario {
        name: "on-failure-exit-0-not-restarted",
        restart_policy: "{condition: on-failure, delay: 1s}",
        command: "sleep 1; exit 0",
        observe_secs: 6,
        attempts: 1..=1,
    },
    Scenario {
        name: "on-failure-exit-1-restarted",
        restart_policy: "{condition: on-failure, delay: 1s}",
        command: "sleep 1; exit 1",
        observe_secs: 7,
        attempts: 3..=4,
    },
    Scenario {
        name: "any-exit-0-restarted",
        restart_policy: "{condition: any, delay: 1s}",
        command: "sleep 1; exit 0",
        observe_secs: 6,
        attempts: 2..=4,
    },
    Scenario {
        name: "none-not-restarted",
        restart_policy: "{condition: none}",
        command: "sleep 1; exit 1",
        observe_secs: 6,
        attempts: 1..=1,
    },
    Scenario {
        name: "max-attempts-2",
        restart_policy: "{condition: any, delay: 1s, max_attempts: 2}",
        command: "sleep 1; exit 1",
        observe_secs: 9,
        attempts: 3..=3,
    },
    Scenario {
        name: "max-attempts-1-window-3s-slides",
        restart_policy: "{condition: any, delay: 1s, max_attempts: 1, window: 3s}",
        command: "sleep 3; exit 1",
        observe_secs: 11,
        attempts: 3..=4,
    },
    Scenario {
        name: "max-attempts-1-window-20s-stops",
        restart_policy: "{condition: any, delay: 1s, max_attempts: 1, window: 20s}",
        command: "sleep 3; exit 1",
        observe_secs: 11,
        attempts: 2..=2,
    },
];

pub fn group() -> Group {
    harness::cluster_group("restarts", SCENARIOS, |s| s.name, scenario)
}

fn scenario(ctx: &Ctx, s: &Scenario, index: usize) -> Verdict {
    let stack = format!("rs{index:02}");
    let result = run(ctx, s, &stack);
    let cleanup = ctx.cluster().remove_stack(&stack);
    harness::after_cleanup(result, cleanup)
}

fn run(ctx: &Ctx, s: &Scenario, stack: &str) -> Verdict {
    let cluster = ctx.cluster();
    let command = format!("command: [sh, -c, \"{}\"]", s.command);
    let deploy = format!("{{replicas: 1, restart_policy: {}}}", s.restart_policy);
    let file = ctx.file(
        &format!("restarts/{stack}/stack.yml"),
        &stack_text(1, &[&command], &deploy),
    );
    let nodes = ctx.file(
        &format!("restarts/{stack}/nodes.json"),
        &cluster.inventory()?,
    );
    let (loaded, _, _) = engine::load_stack(&file, &nodes, stack)?;
    let policy = &loaded
        .services
        .iter()
        .find(|x| x.name == "web")
        .ok_or("the stack has no service web")?
        .restart_policy;
    let service = format!("{stack}_web");
    cluster.deploy(stack, &[&file])?;

    // Per task: creation, first RUNNING seen, end.
    let mut seen: BTreeMap<String, (String, Attempt)> = BTreeMap::new();
    let start = Instant::now();
    let mut now = 0;
    let floor = Duration::from_secs(s.observe_secs);
    let observing = |seen: usize| {
        let elapsed = start.elapsed();
        elapsed < floor || (seen < *s.attempts.start() && elapsed < floor * SLOW_ENGINE)
    };
    while observing(seen.len()) {
        for t in engine::tasks(cluster, &service)? {
            let created = engine::nanos(&t.created).ok_or("bad CreatedAt")?;
            let stamp = engine::nanos(&t.timestamp);
            let entry = seen.entry(t.id.clone()).or_insert((
                t.created.clone(),
                Attempt {
                    created,
                    started: None,
                    ended: None,
                },
            ));
            let a = &mut entry.1;
            match t.state.as_str() {
                "running" if a.started.is_none() => a.started = stamp,
                "complete" => a.ended = stamp.map(|e| (e, End::Completed)),
                "failed" | "rejected" => a.ended = stamp.map(|e| (e, End::Failed)),
                _ => {}
            }
            now = now.max(stamp.unwrap_or(0)).max(created);
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    let observed = start.elapsed().as_secs_f64();
    // The observation ends at the newest engine timestamp seen, at least as late as the
    // last poll's clock (same machine).
    let until = now.max(wall_clock());
    let mut attempts: Vec<(String, Attempt)> = seen.into_values().collect();
    attempts.sort_by(|a, b| a.0.cmp(&b.0));
    let attempts: Vec<Attempt> = attempts.into_iter().map(|(_, a)| a).collect();
    let shown = show(&attempts);
    let summary = check_slot(policy, &attempts, until, TOLERANCE)
        .map_err(|e| format!("{e}; observed: {shown}"))?;
    if !s.attempts.contains(&summary.attempts) {
        return Err(format!(
            "{} attempt(s), the case expects {:?}: {shown}",
            summary.attempts, s.attempts
        ));
    }
    let gap = summary.shortest_gap.map_or(String::new(), |g| {
        format!(", shortest failure-to-running gap {:.1} s", g as f64 / 1e9)
    });
    Ok(format!(
        "{} attempt(s) in {observed:.0} s, each allowed by the policy{gap}: {shown}",
        summary.attempts
    ))
}

fn wall_clock() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as i64)
}

/// `created+started→ended(end)` per attempt, in seconds from the first creation.
fn show(attempts: &[Attempt]) -> String {
    let t0 = attempts.first().map_or(0, |a| a.created);
    let s = |t: i64| format!("{:.1}", (t - t0) as f64 / 1e9);
    attempts
        .iter()
        .map(|a| {
            let started = a.started.map_or("-".into(), s);
            let ended = a
                .ended
                .map_or("…".into(), |(e, how)| format!("{} {how:?}", s(e)));
            format!("[{} run {started} end {ended}]", s(a.created))
        })
        .collect::<Vec<_>>()
        .join(" ")
}
