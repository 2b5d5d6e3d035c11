//! Benchmark of the rolling-update model checker: a 10-replica service on 4 nodes (default
//! update config otherwise: failure_action pause, ratio 0), parallelism 1–3, start-first and
//! stop-first, K = 2, explored exhaustively, plus the same with failure_action rollback; then a 200-replica service and
//! K = 10 under bounds, which must stop `incomplete`. Prints one line per case with the time,
//! states/s and bytes per state (peak heap growth during the check ÷ states), and the CPU time
//! the check's thread got (the machine is shared: wall time includes waiting for a core; the
//! kernel accounts it in ticks, so it is coarse for short cases). Run with
//! `cargo run --release --bin rollout-bench [FILTER]`; FILTER runs only the cases whose label
//! contains it (e.g. `p=3, StartFirst`).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration as StdDuration, Instant};

use swarmproof::model::units::NANO_CPUS_PER_CPU;
use swarmproof::model::{Cluster, FailureAction, Mode, Service, Spanned, UpdateOrder};
use swarmproof::rollout::{check_update, Options, RolloutInput};

/// Counts live and peak heap bytes.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

fn cluster(nodes: usize, cpus: u64) -> Cluster {
    Cluster::workers(nodes, cpus, 16 << 30)
}

fn service(replicas: u64, parallelism: u64, order: UpdateOrder, action: FailureAction) -> Service {
    let mut s = Service::new("web");
    s.update_config.failure_action = Spanned::default_value(action);
    s.mode = Spanned::default_value(Mode::Replicated { replicas });
    s.resources.reservations.nano_cpus = Spanned::default_value(NANO_CPUS_PER_CPU / 2);
    s.update_config.parallelism = Spanned::default_value(parallelism);
    s.update_config.order = Spanned::default_value(order);
    s
}

/// CPU time this thread has run, from `/proc/thread-self/schedstat` (Linux; `None` elsewhere).
fn cpu_time() -> Option<StdDuration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos = stat.split_whitespace().next()?.parse().ok()?;
    Some(StdDuration::from_nanos(nanos))
}

fn run(label: &str, s: &Service, c: &Cluster, opts: &Options) {
    if std::env::args()
        .nth(1)
        .is_some_and(|filter| !label.contains(&filter))
    {
        return;
    }
    let input = RolloutInput {
        service: s,
        cluster: c,
        old_nodes: (0..s.mode.replicated_tasks().unwrap_or(0) as usize)
            .map(|i| i % c.nodes.len())
            .collect(),
        already_new: Vec::new(),
        other_usage: Vec::new(),
        volume_drivers: Vec::new(),
        previous_rollback: None,
        default_max_update_duration: None,
    };
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let start = Instant::now();
    let cpu_start = cpu_time();
    let (r, _) = check_update(&input, opts);
    let secs = start.elapsed().as_secs_f64();
    let cpu = cpu_time()
        .zip(cpu_start)
        .map_or(f64::NAN, |(end, start)| (end - start).as_secs_f64());
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(base);
    let f = r.search.as_ref().expect("modelled");
    let violated: Vec<&str> = r
        .properties
        .iter()
        .filter(|p| p.status == swarmproof::report::Status::Violated)
        .map(|p| p.name)
        .collect();
    println!(
        "{label:<34} {:<10} {:>9} states  depth {:>3}  {:>7.3} s  {:>9.0} states/s  cpu {:>7.3} s  {:>4} B/state (peak heap)  {:>4} B/state (table estimate)  {}",
        r.verdict.as_str(),
        f.states,
        f.depth,
        secs,
        f.states as f64 / secs.max(1e-9),
        cpu,
        peak / f.states.max(1),
        f.bytes_per_state,
        violated.join(",")
            + &f.cutoff.map_or(String::new(), |c| format!(" (stopped: {c:?})")),
    );
}

fn main() {
    let c = cluster(4, 4);
    let exhaustive = Options {
        max_failures: 2,
        max_states: usize::MAX,
        max_memory_bytes: 4 << 30,
        timeout: StdDuration::from_secs(600),
        ..Options::default()
    };
    for order in [UpdateOrder::StopFirst, UpdateOrder::StartFirst] {
        for p in 1..=3 {
            let label = format!("10 replicas, p={p}, {order:?}, Pause, K=2");
            let s = service(10, p, order, FailureAction::Pause);
            run(&label, &s, &c, &exhaustive);
        }
    }
    let s = service(10, 1, UpdateOrder::StopFirst, FailureAction::Rollback);
    run(
        "10 replicas, p=1, StopFirst, Rollback, K=2",
        &s,
        &c,
        &exhaustive,
    );
    let bounded = Options {
        max_failures: 1,
        max_states: 1_000_000,
        max_memory_bytes: 512 << 20,
        timeout: StdDuration::from_secs(20),
        ..Options::default()
    };
    let s200 = service(200, 1, UpdateOrder::StopFirst, FailureAction::Rollback);
    run(
        "200 replicas, p=1, StopFirst, Rollback, K=1",
        &s200,
        &cluster(20, 16),
        &bounded,
    );
    let s200 = service(200, 3, UpdateOrder::StartFirst, FailureAction::Continue);
    let k2 = Options {
        max_failures: 2,
        ..bounded
    };
    run(
        "200 replicas, p=3, StartFirst, Continue, K=2",
        &s200,
        &cluster(20, 16),
        &k2,
    );
    let k10 = Options {
        max_failures: 10,
        ..bounded
    };
    let s10 = service(10, 2, UpdateOrder::StopFirst, FailureAction::Continue);
    run(
        "10 replicas, p=2, StopFirst, Continue, K=10",
        &s10,
        &c,
        &k10,
    );
}
