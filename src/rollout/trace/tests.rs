//! The validator accepts what the model can do and rejects what it cannot, on hand-made
//! services and on traces recorded from Engine 20.10.24.

use super::*;
use crate::model::units::NANO_CPUS_PER_CPU;
use crate::model::{Cluster, FailureAction, Node, Service, UpdateOrder};
use crate::rollout::tests::written;

fn cluster() -> Cluster {
    Cluster::new(
        ["m1", "m2", "m3", "w1", "w2"]
            .iter()
            .map(|h| {
                let mut n = Node::new(h.to_string());
                n.nano_cpus = 2 * NANO_CPUS_PER_CPU;
                n.memory_bytes = 8 << 30;
                n
            })
            .collect(),
    )
}

fn service(replicas: u64, parallelism: u64, action: FailureAction) -> Service {
    let mut s = crate::rollout::tests::service(replicas);
    s.update_config.parallelism = written(parallelism);
    s.update_config.failure_action = written(action);
    s
}

fn model(s: &Service, c: &Cluster, k: u8) -> RolloutModel {
    RolloutModel::new(&crate::rollout::tests::input(s, c), k).expect("modelled")
}

fn obs(status: UpdateState, slots: &[&[(Version, TaskClass)]], stopping: u32) -> TraceStep {
    let slots = slots
        .iter()
        .map(|s| s.iter().map(|&(v, c)| TaskObs::new(v, c, false)).collect())
        .collect();
    TraceStep::Observed(Observation::new(status, slots, stopping))
}

const OLD_RUNNING: (Version, TaskClass) = (Version::Old, TaskClass::Running);
const NEW_RUNNING: (Version, TaskClass) = (Version::New, TaskClass::Running);
const NEW_STARTING: (Version, TaskClass) = (Version::New, TaskClass::Starting);

/// A path of the model chosen by a small linear congruential generator.
fn walk(m: &RolloutModel, seed: u64) -> Vec<RolloutState> {
    let mut s = m.initial_state();
    let mut path = vec![s.clone()];
    let mut r = seed;
    let mut actions = Vec::new();
    loop {
        actions.clear();
        stateright::Model::actions(m, &s, &mut actions);
        if actions.is_empty() {
            return path;
        }
        r = r
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let a = actions[(r >> 33) as usize % actions.len()];
        m.apply(&mut s, a);
        path.push(s.clone());
    }
}

#[test]
fn every_model_path_is_accepted_whole_and_sampled() {
    let c = cluster();
    for (action, order) in [
        (FailureAction::Pause, UpdateOrder::StopFirst),
        (FailureAction::Rollback, UpdateOrder::StartFirst),
        (FailureAction::Continue, UpdateOrder::StopFirst),
    ] {
        let mut s = service(3, 2, action);
        s.update_config.order = written(order);
        let m = model(&s, &c, 2);
        for seed in 0..8 {
            let path = walk(&m, seed);
            let trace: Vec<TraceStep> = path
                .iter()
                .map(|s| TraceStep::Observed(Observation::of_model(&m, s)))
                .collect();
            for stride in [1, 3] {
                // Every stride-th observation, and always the last (the update's end).
                let sampled: Vec<TraceStep> = trace
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| i % stride == 0 || *i == trace.len() - 1)
                    .map(|(_, t)| t.clone())
                    .collect();
                let v = validate(&m, &sampled, 1_000_000);
                assert!(
                    matches!(v, TraceVerdict::Matched { .. }),
                    "{action:?} {order:?} seed {seed} stride {stride}: {v:?}"
                );
            }
        }
    }
}

#[test]
fn parallelism_two_never_shows_three_new_tasks_at_once() {
    let c = cluster();
    let m = model(&service(4, 2, FailureAction::Pause), &c, 0);
    let two = obs(
        UpdateState::Updating,
        &[
            &[NEW_STARTING],
            &[NEW_STARTING],
            &[OLD_RUNNING],
            &[OLD_RUNNING],
        ],
        0,
    );
    let three = obs(
        UpdateState::Updating,
        &[
            &[NEW_STARTING],
            &[NEW_STARTING],
            &[NEW_STARTING],
            &[OLD_RUNNING],
        ],
        0,
    );
    let v = validate(&m, &[two.clone(), three], 1_000_000);
    let TraceVerdict::Unmatched {
        step, reachable, ..
    } = v
    else {
        panic!("three tasks in flight with parallelism 2 accepted: {v:?}");
    };
    assert_eq!(step, 1);
    assert!(!reachable.is_empty());
    // The same trace with parallelism 3 is fine up to there (it has not ended: unfinished).
    let m3 = model(&service(4, 3, FailureAction::Pause), &c, 0);
    let three = obs(
        UpdateState::Updating,
        &[
            &[NEW_STARTING],
            &[NEW_STARTING],
            &[NEW_STARTING],
            &[OLD_RUNNING],
        ],
        0,
    );
    assert_eq!(
        validate(&m3, &[two, three], 1_000_000),
        TraceVerdict::Unfinished {
            status: UpdateState::Updating,
            stuck: false
        }
    );
}

#[test]
fn a_failure_counted_while_slots_wait_cannot_end_completed() {
    let c = cluster();
    let m = model(&service(3, 1, FailureAction::Pause), &c, 1);
    let failed = (Version::New, TaskClass::Failed);
    let trace = [
        obs(
            UpdateState::Updating,
            &[&[NEW_STARTING], &[OLD_RUNNING], &[OLD_RUNNING]],
            0,
        ),
        obs(
            UpdateState::Updating,
            &[&[failed], &[OLD_RUNNING], &[OLD_RUNNING]],
            0,
        ),
        obs(
            UpdateState::Completed,
            &[&[NEW_RUNNING], &[NEW_RUNNING], &[NEW_RUNNING]],
            0,
        ),
    ];
    // The failure before RUNNING of the first slot's task, with two slots still to hand out,
    // is counted at once (1/3 > 0): the update pauses, it cannot complete.
    let v = validate(&m, &trace, 1_000_000);
    assert!(
        matches!(v, TraceVerdict::Unmatched { step: 1 | 2, .. }),
        "{v:?}"
    );
    let paused = obs(
        UpdateState::Paused,
        &[&[failed], &[OLD_RUNNING], &[OLD_RUNNING]],
        0,
    );
    let v = validate(&m, &[trace[0].clone(), paused], 1_000_000);
    assert!(matches!(v, TraceVerdict::Matched { .. }), "{v:?}");
}

#[test]
fn engine_tasks_round_trip_and_classify() {
    let line = "1:old:shutdown:running 1:new:ready:ready 2:old:running:running 2:new:shutdown:failed 2:new:ready:pending";
    let tasks: Vec<EngineTask> = line.split(' ').map(|t| t.parse().unwrap()).collect();
    let back: Vec<String> = tasks.iter().map(ToString::to_string).collect();
    assert_eq!(back.join(" "), line);
    let o = Observation::of_engine(Some("updating"), &tasks).unwrap();
    assert_eq!(
        o,
        Observation::new(
            UpdateState::Updating,
            vec![
                vec![TaskObs::new(Version::New, TaskClass::Starting, false)],
                vec![
                    TaskObs::new(Version::Old, TaskClass::Running, false),
                    TaskObs::new(Version::New, TaskClass::Pending, true)
                ],
            ],
            1
        )
    );
    let dead: Vec<EngineTask> = ["1:old:shutdown:shutdown", "1:new:shutdown:failed"]
        .iter()
        .map(|t| t.parse().unwrap())
        .collect();
    let o = Observation::of_engine(Some("paused"), &dead).unwrap();
    assert_eq!(
        o.slots,
        vec![vec![TaskObs::new(Version::New, TaskClass::Dead, false)]]
    );
    assert!(Observation::of_engine(Some("sideways"), &dead).is_err());
}

/// A trace file of the conformance group `updates` (`target/conformance/traces/`): one poll per
/// line, `STATUS slot:version:desired:state ...` (`-`: no update status yet), `#` comments, and
/// `# docker service rollback` where the user rolled back.
fn recorded(text: &str) -> Vec<TraceStep> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .filter_map(|l| {
            if l == "# docker service rollback" {
                return Some(TraceStep::ManualRollback);
            }
            if l.starts_with('#') {
                return None;
            }
            let mut words = l.split(' ');
            let status = words.next().filter(|s| *s != "-");
            let tasks: Vec<EngineTask> = words.map(|t| t.parse().expect("a task")).collect();
            Some(TraceStep::Observed(
                Observation::of_engine(status, &tasks).expect("an observation"),
            ))
        })
        .collect()
}

// Observed on Engine 20.10.24 (conformance updates/start-first): 2 replicas, parallelism 1,
// start-first, monitor 1s. The sixth poll shows slot 1's new task RUNNING while its old task is
// still desired RUNNING: the worker stops the old task only after it has seen the new one run
// (`StopOld`), which the model once did in the same step as `Start`.
#[test]
fn recorded_start_first_update_is_a_model_path() {
    let trace = recorded(
        "
        updating 1:old:running:running 2:old:running:running 2:new:ready:new
        updating 1:old:running:running 2:old:running:running 2:new:running:preparing
        updating 1:old:running:running 2:old:running:running 2:new:running:starting
        updating 1:old:running:running 2:old:shutdown:running 2:new:running:running 1:new:running:assigned
        updating 1:old:running:running 2:old:shutdown:running 2:new:running:running 1:new:running:preparing
        updating 1:old:running:running 2:old:shutdown:running 2:new:running:running 1:new:running:starting
        updating 1:old:running:running 2:old:shutdown:running 2:new:running:running 1:new:running:running
        updating 1:old:shutdown:running 2:old:shutdown:running 2:new:running:running 1:new:running:running
        completed 1:old:shutdown:running 2:old:shutdown:running 2:new:running:running 1:new:running:running
        ",
    );
    let c = cluster();
    let mut s = service(2, 1, FailureAction::Pause);
    s.update_config.order = written(UpdateOrder::StartFirst);
    s.update_config.monitor = written(crate::model::Duration::from_secs(1));
    let m = model(&s, &c, 0);
    let v = validate(&m, &trace, 1_000_000);
    assert!(
        matches!(
            v,
            TraceVerdict::Matched {
                observations: 9,
                ..
            }
        ),
        "{v:?}"
    );
    // Stop-first may not show it: the new task runs only once the old one has exited.
    s.update_config.order = written(UpdateOrder::StopFirst);
    let v = validate(&model(&s, &c, 0), &trace, 1_000_000);
    assert!(matches!(v, TraceVerdict::Unmatched { .. }), "{v:?}");
}

// Observed on Engine 20.10.24 (conformance updates/max-failure-ratio): 4 replicas, parallelism
// 0, max_failure_ratio 0.3, monitor 5s, pause; every new task fails after 1 s. The poll that
// shows PAUSED already shows all four failed and replaced: two failures exceeded the ratio, and
// the other two tasks failed right after the pause (the restart supervisor replaced all four).
// After a terminal state the model's tasks move on only through `settle_actions`.
#[test]
fn recorded_failures_after_the_pause_are_a_model_path() {
    let trace = recorded(
        "
        updating 1:old:running:running 2:old:running:running 3:old:running:running 4:old:running:running
        updating 1:old:shutdown:running 2:old:shutdown:running 3:old:shutdown:running 4:old:shutdown:running 4:new:ready:preparing 3:new:ready:preparing 2:new:ready:accepted 1:new:ready:accepted
        updating 1:old:shutdown:running 2:old:shutdown:running 3:old:shutdown:running 4:old:shutdown:running 4:new:ready:ready 3:new:ready:ready 2:new:ready:ready 1:new:ready:ready
        updating 1:old:shutdown:shutdown 2:old:shutdown:shutdown 3:old:shutdown:shutdown 4:old:shutdown:shutdown 4:new:running:ready 3:new:running:starting 2:new:ready:ready 1:new:running:ready
        updating 1:old:shutdown:shutdown 2:old:shutdown:shutdown 3:old:shutdown:shutdown 4:old:shutdown:shutdown 4:new:running:starting 3:new:running:starting 2:new:running:starting 1:new:running:starting
        updating 1:old:shutdown:shutdown 2:old:shutdown:shutdown 3:old:shutdown:shutdown 4:old:shutdown:shutdown 4:new:running:starting 3:new:running:running 2:new:running:starting 1:new:running:starting
        updating 1:old:shutdown:shutdown 2:old:shutdown:shutdown 3:old:shutdown:shutdown 4:old:shutdown:shutdown 4:new:running:running 3:new:running:running 2:new:running:running 1:new:running:running
        updating 1:old:shutdown:shutdown 2:old:shutdown:shutdown 3:old:shutdown:shutdown 4:old:shutdown:shutdown 4:new:running:running 3:new:shutdown:failed 2:new:running:running 1:new:running:running 3:new:ready:assigned
        updating 1:old:shutdown:shutdown 2:old:shutdown:shutdown 3:old:shutdown:shutdown 4:old:shutdown:shutdown 4:new:running:running 3:new:shutdown:failed 2:new:running:running 1:new:running:running 3:new:ready:preparing
        paused 1:old:shutdown:shutdown 2:old:shutdown:shutdown 3:old:shutdown:shutdown 4:old:shutdown:shutdown 4:new:shutdown:failed 3:new:shutdown:failed 2:new:shutdown:failed 1:new:shutdown:failed 3:new:ready:preparing 4:new:ready:assigned 2:new:ready:assigned 1:new:ready:pending
        ",
    );
    let c = cluster();
    let mut s = service(4, 0, FailureAction::Pause);
    s.update_config.max_failure_ratio = written(0.3);
    let v = validate(&model(&s, &c, 4), &trace, 2_000_000);
    assert!(
        matches!(
            v,
            TraceVerdict::Matched {
                observations: 10,
                ..
            }
        ),
        "{v:?}"
    );
    // With ratio 1 no number of failures pauses (4/4 is not > 1): the last poll is unexplained.
    s.update_config.max_failure_ratio = written(1.0);
    let v = validate(&model(&s, &c, 4), &trace, 2_000_000);
    assert!(
        matches!(v, TraceVerdict::Unmatched { step: 9, .. }),
        "{v:?}"
    );
}

// Observed on Engine 20.10.24 (conformance updates/failure-during-worker-wait-uncounted): 2
// replicas, parallelism 1, monitor 2s, pause, max_failure_ratio 0.5, restart delay 1s; every new
// task fails about 1.2 s after RUNNING. Slot 1's task fails while the updater waits for slot 2's
// worker (its old task still stopping), and is read only after that wait, outside its window:
// not counted. Slot 2's task fails inside its window and counts: 1/2 is not > 0.5, and the update
// COMPLETES with both new tasks failed. Counting slot 1's failure at once, as the model did
// before, gives 2/2 and PAUSED.
const FAILURE_DURING_WORKER_WAIT: &str = "
    updating 1:old:shutdown:running 2:old:running:running 1:new:ready:new
    updating 1:old:shutdown:running 2:old:running:running 1:new:ready:preparing
    updating 1:old:shutdown:running 2:old:running:running 1:new:ready:ready
    updating 1:old:shutdown:shutdown 2:old:running:running 1:new:running:ready
    updating 1:old:shutdown:shutdown 2:old:running:running 1:new:running:starting
    updating 1:old:shutdown:shutdown 2:old:shutdown:running 1:new:running:running 2:new:ready:assigned
    updating 1:old:shutdown:shutdown 2:old:shutdown:running 1:new:running:running 2:new:ready:ready
    # slot 1 new task failed: task: non-zero exit (1)
    updating 1:old:shutdown:shutdown 2:old:shutdown:running 1:new:shutdown:failed 2:new:ready:ready 1:new:ready:assigned
    updating 1:old:shutdown:shutdown 2:old:shutdown:running 1:new:shutdown:failed 2:new:ready:ready 1:new:ready:preparing
    updating 1:old:shutdown:shutdown 2:old:shutdown:running 1:new:shutdown:failed 2:new:ready:ready 1:new:running:preparing
    updating 1:old:shutdown:shutdown 2:old:shutdown:running 1:new:shutdown:failed 2:new:ready:ready 1:new:running:starting
    updating 1:old:shutdown:shutdown 2:old:shutdown:running 1:new:shutdown:failed 2:new:ready:ready 1:new:running:running
    # slot 1 new task failed: task: non-zero exit (1)
    updating 1:old:shutdown:shutdown 2:old:shutdown:shutdown 1:new:shutdown:failed 2:new:running:ready 1:new:shutdown:failed 1:new:ready:pending
    updating 1:old:shutdown:shutdown 2:old:shutdown:shutdown 1:new:shutdown:failed 2:new:running:starting 1:new:shutdown:failed 1:new:ready:accepted
    updating 1:old:shutdown:shutdown 2:old:shutdown:shutdown 1:new:shutdown:failed 2:new:running:starting 1:new:shutdown:failed 1:new:ready:preparing
    updating 1:old:shutdown:shutdown 2:old:shutdown:shutdown 1:new:shutdown:failed 2:new:running:starting 1:new:shutdown:failed 1:new:running:preparing
    updating 1:old:shutdown:shutdown 2:old:shutdown:shutdown 1:new:shutdown:failed 2:new:running:starting 1:new:shutdown:failed 1:new:running:starting
    updating 1:old:shutdown:shutdown 2:old:shutdown:shutdown 1:new:shutdown:failed 2:new:running:running 1:new:shutdown:failed 1:new:running:starting
    updating 1:old:shutdown:shutdown 2:old:shutdown:shutdown 1:new:shutdown:failed 2:new:running:running 1:new:shutdown:failed 1:new:running:running
    # slot 2 new task failed: task: non-zero exit (1)
    updating 1:old:shutdown:shutdown 2:old:shutdown:shutdown 1:new:shutdown:failed 2:new:shutdown:failed 1:new:shutdown:failed 1:new:running:running 2:new:ready:pending
    updating 1:old:shutdown:shutdown 2:old:shutdown:shutdown 1:new:shutdown:failed 2:new:shutdown:failed 1:new:shutdown:failed 1:new:running:running 2:new:ready:preparing
    completed 1:old:shutdown:shutdown 2:old:shutdown:shutdown 1:new:shutdown:failed 2:new:shutdown:failed 1:new:shutdown:failed 1:new:running:running 2:new:ready:preparing
";

#[test]
fn recorded_failure_read_after_the_workers_wait_is_not_counted() {
    let trace = recorded(FAILURE_DURING_WORKER_WAIT);
    let c = cluster();
    let mut s = service(2, 1, FailureAction::Pause);
    s.update_config.monitor = written(crate::model::Duration::from_secs(2));
    s.update_config.max_failure_ratio = written(0.5);
    let v = validate(&model(&s, &c, 3), &trace, 2_000_000);
    assert!(
        matches!(
            v,
            TraceVerdict::Matched {
                observations: 22,
                ..
            }
        ),
        "{v:?}"
    );
    // With ratio 0 the second slot's failure, read at once in the final watch, pauses: the
    // COMPLETED of the last poll is unexplained.
    s.update_config.max_failure_ratio = written(0.0);
    let v = validate(&model(&s, &c, 3), &trace, 2_000_000);
    assert!(
        matches!(v, TraceVerdict::Unmatched { step: 19, .. }),
        "{v:?}"
    );
}

// Observed on Engine 20.10.24 (conformance updates/automatic-rollback): 2 replicas, parallelism
// 1, monitor 5s, failure_action rollback, rollback_config parallelism 0 and monitor 1s; every
// new task fails about 1.2 s after RUNNING. One poll shows slot 1's first new task FAILED while
// still desired RUNNING and the update still UPDATING: the agent's report was in the store and
// neither the updater nor the restart supervisor had reacted. The next poll shows the rollback.
const AUTOMATIC_ROLLBACK: &str = "
    updating 1:old:running:running 2:old:running:running
    updating 1:old:running:running 2:old:shutdown:running 2:new:ready:assigned
    updating 1:old:running:running 2:old:shutdown:running 2:new:ready:ready
    updating 1:old:running:running 2:old:shutdown:shutdown 2:new:running:ready
    updating 1:old:running:running 2:old:shutdown:shutdown 2:new:running:starting
    updating 1:old:shutdown:running 2:old:shutdown:shutdown 2:new:running:running 1:new:ready:assigned
    updating 1:old:shutdown:running 2:old:shutdown:shutdown 2:new:running:running 1:new:ready:ready
    # slot 2 new task failed: task: non-zero exit (1)
    updating 1:old:shutdown:running 2:old:shutdown:shutdown 2:new:shutdown:failed 1:new:ready:ready 2:new:ready:assigned
    updating 1:old:shutdown:running 2:old:shutdown:shutdown 2:new:shutdown:failed 1:new:ready:ready 2:new:ready:preparing
    updating 1:old:shutdown:running 2:old:shutdown:shutdown 2:new:shutdown:failed 1:new:ready:ready 2:new:ready:ready
    updating 1:old:shutdown:running 2:old:shutdown:shutdown 2:new:shutdown:failed 1:new:ready:ready 2:new:running:ready
    updating 1:old:shutdown:running 2:old:shutdown:shutdown 2:new:shutdown:failed 1:new:ready:ready 2:new:running:starting
    updating 1:old:shutdown:running 2:old:shutdown:shutdown 2:new:shutdown:failed 1:new:ready:ready 2:new:running:running
    # slot 2 new task failed: task: non-zero exit (1)
    updating 1:old:shutdown:running 2:old:shutdown:shutdown 2:new:shutdown:failed 1:new:ready:ready 2:new:shutdown:failed 2:new:ready:assigned
    updating 1:old:shutdown:running 2:old:shutdown:shutdown 2:new:shutdown:failed 1:new:ready:ready 2:new:shutdown:failed 2:new:ready:preparing
    updating 1:old:shutdown:running 2:old:shutdown:shutdown 2:new:shutdown:failed 1:new:ready:ready 2:new:shutdown:failed 2:new:ready:ready
    updating 1:old:shutdown:shutdown 2:old:shutdown:shutdown 2:new:shutdown:failed 1:new:running:ready 2:new:shutdown:failed 2:new:running:starting
    updating 1:old:shutdown:shutdown 2:old:shutdown:shutdown 2:new:shutdown:failed 1:new:running:starting 2:new:shutdown:failed 2:new:running:starting
    updating 1:old:shutdown:shutdown 2:old:shutdown:shutdown 2:new:shutdown:failed 1:new:running:starting 2:new:shutdown:failed 2:new:running:running
    updating 1:old:shutdown:shutdown 2:old:shutdown:shutdown 2:new:shutdown:failed 1:new:running:running 2:new:shutdown:failed 2:new:running:running
    # slot 2 new task failed: task: non-zero exit (1)
    updating 1:old:shutdown:shutdown 2:old:shutdown:shutdown 2:new:shutdown:failed 1:new:running:running 2:new:shutdown:failed 2:new:running:failed
    updating 1:old:shutdown:shutdown 2:old:shutdown:shutdown 2:new:shutdown:failed 1:new:running:running 2:new:shutdown:failed 2:new:shutdown:failed 2:new:ready:preparing
    # slot 1 new task failed: task: non-zero exit (1)
    updating 1:old:shutdown:shutdown 2:old:shutdown:shutdown 2:new:shutdown:failed 1:new:running:failed 2:new:shutdown:failed 2:new:shutdown:failed 2:new:ready:preparing
    rollback_started 1:old:shutdown:shutdown 2:new:shutdown:failed 1:new:shutdown:failed 2:new:shutdown:failed 2:new:shutdown:failed 2:new:shutdown:ready 1:new:shutdown:assigned 2:old:ready:assigned 1:old:ready:assigned
    rollback_started 1:old:shutdown:shutdown 2:new:shutdown:failed 1:new:shutdown:failed 2:new:shutdown:failed 2:new:shutdown:failed 2:new:shutdown:ready 1:new:shutdown:accepted 2:old:ready:preparing 1:old:ready:ready
    rollback_started 1:old:shutdown:shutdown 2:new:shutdown:failed 1:new:shutdown:failed 2:new:shutdown:failed 2:new:shutdown:failed 2:new:shutdown:ready 1:new:shutdown:accepted 2:old:ready:ready 1:old:ready:ready
    rollback_started 1:old:shutdown:shutdown 2:new:shutdown:failed 1:new:shutdown:failed 2:new:shutdown:failed 2:new:shutdown:failed 2:new:shutdown:ready 1:new:shutdown:shutdown 2:old:ready:ready 1:old:running:ready
    rollback_started 1:old:shutdown:shutdown 2:new:shutdown:failed 1:new:shutdown:failed 2:new:shutdown:failed 2:new:shutdown:failed 2:new:shutdown:shutdown 1:new:shutdown:shutdown 2:old:running:starting 1:old:running:starting
    rollback_started 1:old:shutdown:shutdown 2:new:shutdown:failed 1:new:shutdown:failed 2:new:shutdown:failed 2:new:shutdown:failed 2:new:shutdown:shutdown 1:new:shutdown:shutdown 2:old:running:running 1:old:running:starting
    rollback_started 1:old:shutdown:shutdown 2:new:shutdown:failed 1:new:shutdown:failed 2:new:shutdown:failed 2:new:shutdown:failed 2:new:shutdown:shutdown 1:new:shutdown:shutdown 2:old:running:running 1:old:running:running
    rollback_completed 1:old:shutdown:shutdown 2:new:shutdown:failed 1:new:shutdown:failed 2:new:shutdown:failed 2:new:shutdown:failed 2:new:shutdown:shutdown 1:new:shutdown:shutdown 2:old:running:running 1:old:running:running
";

#[test]
fn recorded_automatic_rollback_is_a_model_path() {
    let trace = recorded(AUTOMATIC_ROLLBACK);
    let c = cluster();
    let mut s = service(2, 1, FailureAction::Rollback);
    s.rollback_config.parallelism = written(0);
    s.rollback_config.monitor = written(crate::model::Duration::from_secs(1));
    let v = validate(&model(&s, &c, 4), &trace, 2_000_000);
    assert!(
        matches!(
            v,
            TraceVerdict::Matched {
                observations: 31,
                ..
            }
        ),
        "{v:?}"
    );
    // A failure the manager has not reacted to reads as before or after the failure, no more:
    // with pause instead of rollback the ROLLBACK_STARTED poll is unexplained.
    s.update_config.failure_action = written(FailureAction::Pause);
    let v = validate(&model(&s, &c, 4), &trace, 2_000_000);
    assert!(
        matches!(v, TraceVerdict::Unmatched { step: 23, .. }),
        "{v:?}"
    );
}
