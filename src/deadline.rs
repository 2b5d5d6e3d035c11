//! A search's time limit as a value. The only clock analysis code consults: a search asks its
//! deadline whether time is left, so every time bound is stated once, where the search starts,
//! and reported by name when it stops a search. `Stopwatch` times a search for its progress
//! figures.

use std::time::{Duration, Instant};

/// The instant a search must stop by, or none.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Deadline {
    at: Option<Instant>,
}

impl Deadline {
    /// No time limit.
    pub const NEVER: Deadline = Deadline { at: None };

    /// `ms` milliseconds from now.
    pub fn after_ms(ms: u64) -> Deadline {
        Deadline {
            at: Instant::now().checked_add(Duration::from_millis(ms)),
        }
    }

    /// Whether the time is up.
    pub fn passed(&self) -> bool {
        self.at.is_some_and(|at| Instant::now() >= at)
    }

    /// Milliseconds left (0 once passed, `u64::MAX` without a limit).
    pub fn remaining_ms(&self) -> u64 {
        self.at.map_or(u64::MAX, |at| {
            u64::try_from(at.saturating_duration_since(Instant::now()).as_millis())
                .unwrap_or(u64::MAX)
        })
    }

    /// The earlier of this deadline and `ms` milliseconds from now (a sub-search's share).
    pub fn within_ms(&self, ms: u64) -> Deadline {
        let other = Deadline::after_ms(ms);
        match (self.at, other.at) {
            (Some(a), Some(b)) => Deadline { at: Some(a.min(b)) },
            (a, b) => Deadline { at: a.or(b) },
        }
    }
}

/// Time since a search started, for its progress figures only: no decision depends on it.
#[derive(Clone, Copy, Debug)]
pub struct Stopwatch {
    start: Instant,
}

impl Stopwatch {
    pub fn start() -> Stopwatch {
        Stopwatch {
            start: Instant::now(),
        }
    }

    pub fn elapsed_ms(&self) -> u64 {
        u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_has_all_the_time() {
        assert!(!Deadline::NEVER.passed());
        assert_eq!(Deadline::NEVER.remaining_ms(), u64::MAX);
        assert_eq!(Deadline::default(), Deadline::NEVER);
    }

    #[test]
    fn zero_has_passed_and_a_far_one_has_not() {
        let now = Deadline::after_ms(0);
        assert!(now.passed());
        assert_eq!(now.remaining_ms(), 0);
        let far = Deadline::after_ms(3_600_000);
        assert!(!far.passed());
        assert!(far.remaining_ms() > 3_500_000 && far.remaining_ms() <= 3_600_000);
    }

    #[test]
    fn within_takes_the_earlier() {
        let far = Deadline::after_ms(3_600_000);
        assert!(far.within_ms(1_000).remaining_ms() <= 1_000);
        assert!(
            Deadline::after_ms(1_000)
                .within_ms(3_600_000)
                .remaining_ms()
                <= 1_000
        );
        assert!(Deadline::NEVER.within_ms(1_000).remaining_ms() <= 1_000);
    }
}
