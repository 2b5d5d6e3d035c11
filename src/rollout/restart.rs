//! The restart supervisor of one slot (swarmkit `manager/orchestrator/restart/restart.go`,
//! reference §3.6), with time: when a task of the slot ends by itself, whether a replacement is
//! created (condition, then `max_attempts` counted over all restarts or within the sliding
//! `window`), and when it may start (`delay` after the failure). The rollout model keeps only
//! "restarted or not"; this module checks the counts and the spacing that the model abstracts
//! away, against the attempts observed on an engine (`check_slot`).
//!
//! Times are nanoseconds on one clock (the observer's), compared with a tolerance for the
//! engine's own latencies (status reports, the orchestrator's reaction, container start).

use serde::Serialize;

use crate::model::{RestartCondition, RestartPolicy};

/// How one task of the slot ended by itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum End {
    /// Exit code 0 (COMPLETE).
    Completed,
    /// Non-zero exit, or an error (FAILED, REJECTED).
    Failed,
}

/// One task of a slot, as observed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Attempt {
    /// When the task was created (for a replacement: when the supervisor restarted the slot;
    /// the history's timestamp is the replacement's `CreatedAt`).
    pub created: i64,
    /// When it was seen RUNNING, if it was.
    pub started: Option<i64>,
    /// When and how it ended by itself, if it did before the observation ended.
    pub ended: Option<(i64, End)>,
}

/// The supervisor's answer for one ended task: `shouldRestart` evaluated at the earliest and
/// the latest time the engine may have used, within the tolerance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Decision {
    Restart,
    NoRestart,
    /// The answer depends on timing within the tolerance: either is allowed.
    Either,
}

/// `shouldRestart` for a task ending with `end` at `at`, after the restarts (creation times of
/// the replacements, oldest first) of the same spec version in `history`.
pub fn decide(
    policy: &RestartPolicy,
    end: End,
    at: i64,
    history: &[i64],
    tolerance: i64,
) -> Decision {
    match *policy.condition {
        RestartCondition::None => return Decision::NoRestart,
        RestartCondition::OnFailure if end == End::Completed => return Decision::NoRestart,
        _ => {}
    }
    let max = *policy.max_attempts;
    if max == 0 {
        return Decision::Restart;
    }
    let window = policy.window.as_ref().map_or(0, |w| w.nanos);
    let count = |lookback: i64, until: i64| -> u64 {
        history
            .iter()
            .filter(|&&t| t > lookback && t < until)
            .count() as u64
    };
    // Without a window every restart counts; with one, only those after `at − window` and
    // before `at` (restarts at or after `at` are ignored, not dropped).
    let (fewest, most) = if window == 0 {
        let n = history.len() as u64;
        (n, n)
    } else {
        (
            count(at - window + tolerance, at - tolerance),
            count(at - window - tolerance, at + tolerance),
        )
    };
    if most < max {
        Decision::Restart
    } else if fewest >= max {
        Decision::NoRestart
    } else {
        Decision::Either
    }
}

/// What the observed attempts of a slot show, if the supervisor allows them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SlotSummary {
    pub attempts: usize,
    pub restarts: usize,
    /// Shortest time from a failure to the replacement running, if any replacement ran.
    pub shortest_gap: Option<i64>,
}

/// How much later than `delay` a replacement may start: the orchestrator's reaction, the
/// scheduler and the container's start.
pub const START_SLACK: i64 = 5_000_000_000;

/// Checks the attempts of one slot (creation order, one spec version) observed until
/// `observed_until`: every ended task is replaced exactly when the supervisor decides so, no
/// replacement starts before `delay` has passed since the failure (less `tolerance`) nor long
/// after it (`START_SLACK`), and a task that should have been replaced more than `tolerance`
/// before the end of the observation was. Returns the first disagreement.
pub fn check_slot(
    policy: &RestartPolicy,
    attempts: &[Attempt],
    observed_until: i64,
    tolerance: i64,
) -> Result<SlotSummary, String> {
    let delay = policy.delay.nanos;
    let mut shortest_gap: Option<i64> = None;
    for (i, a) in attempts.iter().enumerate() {
        let next = attempts.get(i + 1);
        let Some((at, end)) = a.ended else {
            if next.is_some() {
                return Err(format!(
                    "attempt {} was replaced without having ended by itself",
                    i + 1
                ));
            }
            continue;
        };
        let history: Vec<i64> = attempts[1..=i].iter().map(|r| r.created).collect();
        let decision = decide(policy, end, at, &history, tolerance);
        match (decision, next) {
            (Decision::NoRestart, Some(_)) => {
                return Err(format!(
                    "attempt {} ({end:?}) was replaced, but the policy allows no restart after {} restart(s)",
                    i + 1,
                    history.len()
                ))
            }
            (Decision::Restart, None) if observed_until - at > tolerance => {
                return Err(format!(
                    "attempt {} ({end:?}) was not replaced, but the policy restarts it",
                    i + 1
                ))
            }
            (_, Some(n)) => {
                if n.created < at - tolerance {
                    return Err(format!(
                        "attempt {} was created before attempt {} ended",
                        i + 2,
                        i + 1
                    ));
                }
                if let Some(started) = n.started {
                    let gap = started - at;
                    if gap < delay - tolerance || gap > delay + START_SLACK {
                        return Err(format!(
                            "attempt {} started {:.1} s after attempt {} ended; the delay is {:.1} s",
                            i + 2,
                            gap as f64 / 1e9,
                            i + 1,
                            delay as f64 / 1e9
                        ));
                    }
                    shortest_gap = Some(shortest_gap.map_or(gap, |g| g.min(gap)));
                }
            }
            _ => {}
        }
    }
    Ok(SlotSummary {
        attempts: attempts.len(),
        restarts: attempts.len().saturating_sub(1),
        shortest_gap,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::{FileId, Span};
    use crate::model::{Duration, Spanned};

    const S: i64 = 1_000_000_000;
    const TOL: i64 = S / 2;

    fn w<T>(v: T) -> Spanned<T> {
        Spanned::new(v, Span::new(FileId(0), 0, 1))
    }

    fn policy(condition: RestartCondition, delay: i64, max: u64, window: i64) -> RestartPolicy {
        RestartPolicy {
            condition: w(condition),
            delay: w(Duration { nanos: delay }),
            max_attempts: w(max),
            window: (window > 0).then(|| w(Duration { nanos: window })),
            span: None,
        }
    }

    /// Tasks that run `run` then fail, each replacement created at the failure and started
    /// `gap` later; `n` attempts.
    fn crash_loop(n: usize, run: i64, gap: i64) -> Vec<Attempt> {
        let mut out = Vec::new();
        let mut t = 0;
        for i in 0..n {
            let started = if i == 0 { t } else { t + gap };
            out.push(Attempt {
                created: t,
                started: Some(started),
                ended: Some((started + run, End::Failed)),
            });
            t = started + run;
        }
        out
    }

    /// Just after the last attempt ended: its replacement need not be visible yet.
    fn end(attempts: &[Attempt]) -> i64 {
        attempts.last().and_then(|a| a.ended).map_or(0, |(e, _)| e) + TOL / 2
    }

    #[test]
    fn conditions() {
        let done = End::Completed;
        let any = policy(RestartCondition::Any, S, 0, 0);
        let on_failure = policy(RestartCondition::OnFailure, S, 0, 0);
        let none = policy(RestartCondition::None, S, 0, 0);
        assert_eq!(decide(&any, done, 0, &[], TOL), Decision::Restart);
        assert_eq!(decide(&on_failure, done, 0, &[], TOL), Decision::NoRestart);
        assert_eq!(
            decide(&on_failure, End::Failed, 0, &[], TOL),
            Decision::Restart
        );
        assert_eq!(decide(&none, End::Failed, 0, &[], TOL), Decision::NoRestart);
    }

    #[test]
    fn max_attempts_counts_every_restart_without_a_window() {
        let p = policy(RestartCondition::Any, S, 2, 0);
        // Two restarts, then the third failure stays down.
        let three = crash_loop(3, S, S);
        let s = check_slot(&p, &three, 100 * S, TOL).unwrap();
        assert_eq!(s.restarts, 2);
        let four = crash_loop(4, S, S);
        assert!(check_slot(&p, &four, 100 * S, TOL).is_err());
        // Stopping after one restart is wrong too.
        assert!(check_slot(&p, &three[..2], 100 * S, TOL).is_err());
    }

    #[test]
    fn the_window_slides_over_restart_times() {
        // Runs 4 s, delay 1 s, at most 1 restart in 3 s: each failure comes 5 s after the
        // previous restart, outside the window, so the slot restarts for ever.
        let p = policy(RestartCondition::Any, S, 1, 3 * S);
        let many = crash_loop(5, 4 * S, S);
        assert_eq!(check_slot(&p, &many, end(&many), TOL).unwrap().restarts, 4);
        // With a 10 s window the second failure (5 s after the first restart) is refused.
        let p10 = policy(RestartCondition::Any, S, 1, 10 * S);
        assert!(check_slot(&p10, &many, 100 * S, TOL).is_err());
        assert!(check_slot(&p10, &many[..2], 100 * S, TOL).is_ok());
        // A restart right at the window's edge may go either way.
        assert_eq!(
            decide(&p, End::Failed, 10 * S, &[7 * S], TOL),
            Decision::Either
        );
    }

    #[test]
    fn replacements_wait_for_the_delay() {
        let p = policy(RestartCondition::Any, 3 * S, 0, 0);
        let spaced = crash_loop(3, S, 3 * S);
        assert!(check_slot(&p, &spaced, end(&spaced), TOL).is_ok());
        let early = check_slot(&p, &crash_loop(3, S, S), 100 * S, TOL).unwrap_err();
        assert!(early.contains("started 1.0 s after"), "{early}");
        // A failure just before the observation ended need not show its replacement yet.
        let one = crash_loop(1, S, S);
        assert!(check_slot(&p, &one, S + TOL / 2, TOL).is_ok());
        assert!(check_slot(&p, &one, 10 * S, TOL).is_err());
    }
}
