//! An update or rollback config as swarmkit's updater reads it (reference §3.1, §3.3, §3.4;
//! swarmkit `manager/orchestrator/update/updater.go`: `(*Updater).Run`, `worker`,
//! `failureTriggersAction`; `api/defaults/service.go`).

use crate::model::{service::DEFAULT_MONITOR, Duration, UpdateConfig};

/// How many workers the updater starts: `parallelism`, where 0 means one per dirty slot
/// (`None`: no limit of its own; reference §3.3 step 5).
pub fn parallelism(c: &UpdateConfig) -> Option<u64> {
    Some(*c.parallelism).filter(|&p| p != 0)
}

/// How many of `slots` dirty slots are updated at once.
pub fn at_once(c: &UpdateConfig, slots: u64) -> u64 {
    parallelism(c).map_or(slots, |p| p.min(slots))
}

/// The monitor window: 0 (or negative) means the 5 s default (reference §3.1; the updater
/// overrides its default only with a set `Monitor`).
pub fn monitor(c: &UpdateConfig) -> Duration {
    if c.monitor.nanos <= 0 {
        DEFAULT_MONITOR
    } else {
        *c.monitor
    }
}

/// How long the updater watches after its last slot: the monitor window, or delay + 1 s when
/// the delay is at least as long (reference §3.3 step 7).
pub fn final_monitor(c: &UpdateConfig) -> Duration {
    let monitor = monitor(c);
    if *c.delay >= monitor {
        c.delay.saturating_add(Duration::from_secs(1))
    } else {
        monitor
    }
}

/// Whether `failures` among `dirty` slots trigger the failure action: `failures ÷ dirty >
/// max_failure_ratio`, strictly, in float32 as Go computes it (reference §3.4).
pub fn ratio_exceeded(failures: u8, dirty: u16, ratio: f32) -> bool {
    dirty > 0 && f32::from(failures) / f32::from(dirty) > ratio
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Spanned;

    fn config(parallelism: u64, delay: i64, monitor: i64) -> UpdateConfig {
        UpdateConfig {
            parallelism: Spanned::default_value(parallelism),
            delay: Spanned::default_value(Duration::from_secs(delay)),
            monitor: Spanned::default_value(Duration::from_secs(monitor)),
            ..UpdateConfig::default()
        }
    }

    #[test]
    fn parallelism_zero_updates_every_slot_at_once() {
        assert_eq!(parallelism(&config(0, 0, 5)), None);
        assert_eq!(at_once(&config(0, 0, 5), 7), 7);
        assert_eq!(at_once(&config(2, 0, 5), 7), 2);
        assert_eq!(at_once(&config(9, 0, 5), 7), 7);
    }

    #[test]
    fn monitor_defaults_and_final_watch() {
        assert_eq!(monitor(&config(1, 0, 0)), DEFAULT_MONITOR);
        assert_eq!(final_monitor(&config(1, 2, 5)), Duration::from_secs(5));
        assert_eq!(final_monitor(&config(1, 5, 5)), Duration::from_secs(6));
    }

    #[test]
    fn the_ratio_is_strict() {
        assert!(ratio_exceeded(1, 4, 0.0));
        assert!(!ratio_exceeded(2, 4, 0.5));
        assert!(ratio_exceeded(3, 4, 0.5));
        assert!(!ratio_exceeded(0, 0, 0.0));
    }
}
