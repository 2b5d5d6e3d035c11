//! How long an update takes, from its timing parameters alone (the T component): the updater
//! hands slots to `parallelism` workers; each waits for the old task to stop (stop-first, at most
//! stop_grace_period and the 1-minute TaskTimeout), for the new task to be healthy, then sleeps
//! `delay`; after the last slot it watches for `monitor` (or delay + 1s when delay ≥ monitor)
//! (reference §3.3). Image pulls and process start-up are outside the model and count as 0.

use serde::Serialize;

use super::input::health_latency;
use crate::model::{Duration, Service, UpdateConfig, UpdateOrder};
use crate::swarm::update_config;

/// Best and worst update duration with the figures they come from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TimingBounds {
    /// Rounds of slots per worker: ⌈slots ÷ parallelism⌉.
    pub rounds: u64,
    pub per_slot_best: String,
    pub per_slot_worst: String,
    /// The final watch after the last slot.
    pub final_monitor: String,
    pub best: String,
    pub worst: String,
    /// `x-swarmproof: {max_update_duration}`, if set.
    pub limit: Option<String>,
    /// The worst case exceeds the limit.
    pub exceeds_limit: bool,
    #[serde(skip)]
    pub worst_duration: Duration,
    #[serde(skip)]
    pub best_duration: Duration,
}

const TASK_TIMEOUT: Duration = Duration::from_secs(60);

/// Time from start until the first passing probe (best) or the last one before the task would
/// be declared unhealthy (worst): interval, and start_period + interval × retries.
fn healthy_after(service: &Service) -> (Duration, Duration) {
    let Some(h) = service.healthcheck.as_ref() else {
        return (Duration::ZERO, Duration::ZERO);
    };
    match health_latency(service) {
        Some(detect) => {
            let interval = if h.interval.nanos > 0 {
                *h.interval
            } else {
                crate::model::service::DEFAULT_HEALTH_INTERVAL
            };
            (interval, h.start_period.saturating_add(detect))
        }
        None => (Duration::ZERO, Duration::ZERO),
    }
}

/// Bounds for one run with `config` over `slots` slots.
pub fn bounds(
    service: &Service,
    config: &UpdateConfig,
    slots: u64,
    limit: Option<Duration>,
) -> TimingBounds {
    let rounds = slots.div_ceil(update_config::at_once(config, slots).max(1));
    let (healthy_best, healthy_worst) = healthy_after(service);
    let stop_worst = if *config.order == UpdateOrder::StopFirst {
        (*service.stop_grace_period).min(TASK_TIMEOUT)
    } else {
        Duration::ZERO
    };
    let delay = *config.delay;
    let per_best = healthy_best.saturating_add(delay);
    let per_worst = stop_worst
        .saturating_add(healthy_worst)
        .saturating_add(delay);
    let final_monitor = update_config::final_monitor(config);
    let r = i64::try_from(rounds).unwrap_or(i64::MAX);
    let best = per_best.saturating_mul(r).saturating_add(final_monitor);
    let worst = per_worst.saturating_mul(r).saturating_add(final_monitor);
    TimingBounds {
        rounds,
        per_slot_best: per_best.to_string(),
        per_slot_worst: per_worst.to_string(),
        final_monitor: final_monitor.to_string(),
        best: best.to_string(),
        worst: worst.to_string(),
        limit: limit.map(|l| l.to_string()),
        exceeds_limit: limit.is_some_and(|l| worst > l),
        worst_duration: worst,
        best_duration: best,
    }
}

/// `delay > monitor`: failures between the two are not counted. Returns (delay, monitor).
pub fn delay_exceeds_monitor(config: &UpdateConfig) -> Option<(Duration, Duration)> {
    let monitor = update_config::monitor(config);
    (*config.delay > monitor).then_some((*config.delay, monitor))
}

/// `monitor < interval × retries`: an unhealthy verdict comes after the window. Returns
/// (monitor, latency).
pub fn monitor_shorter_than_healthcheck(
    service: &Service,
    config: &UpdateConfig,
) -> Option<(Duration, Duration)> {
    let monitor = update_config::monitor(config);
    let latency = health_latency(service)?;
    (monitor < latency).then_some((monitor, latency))
}
