//! The course of labs (`docs/labs/`) and their grader. A lab is data: the files a student
//! starts from (embedded from `docs/labs/*/starter/`), which of them the student edits, and
//! questions, each naming one of the existing checks and the outcome it must have. Grading a
//! submission runs those checks through their library entry points (the same ones `check`,
//! `quorum` and `raft` use) on the file contents the CLI passes in, and keeps each check's own
//! evidence: the plan, the counterexample, the finding. Like every analysis, no I/O here.

mod catalog;
mod facts;
mod grade;
mod render;

pub use catalog::{all, find};
pub use facts::{Facts, Reference};
pub use grade::{grade, LabResult, QuestionResult};
pub use render::{render_class, render_class_junit, render_result};

use crate::report::Status;

/// One lab: a 90-minute exercise with a handout in `docs/labs/<dir>/README.md`.
#[derive(Debug)]
pub struct Lab {
    /// The name `swarmproof lab check` takes (its number works too).
    pub id: &'static str,
    pub number: u8,
    /// The lab's folder under `docs/labs/`.
    pub dir: &'static str,
    pub title: &'static str,
    /// Every file of the starting point: (name, contents, whether the student edits it).
    /// Files the student does not edit are always taken from here, so the grader judges the
    /// student's work against the lab's own cluster, never a cluster edited to fit.
    pub files: &'static [LabFile],
    pub setup: Setup,
    pub questions: &'static [Question],
}

#[derive(Debug)]
pub struct LabFile {
    pub name: &'static str,
    pub starter: &'static str,
    pub edited: bool,
}

/// How the checks run for a lab: small bounds keep a grading run to seconds.
#[derive(Clone, Copy, Debug, Default)]
pub struct Setup {
    /// Require placement and the managers' quorum to survive losing any one zone.
    pub tolerate_zone: bool,
    /// Explore Swarm's scheduler over its orders.
    pub scheduler: bool,
    /// Model-check every service's rolling update (with up to one failing task).
    pub rollout: bool,
}

/// One graded question.
#[derive(Debug)]
pub struct Question {
    /// Short and stable: the JUnit test case name.
    pub id: &'static str,
    pub text: &'static str,
    pub check: Check,
    /// The command that shows the student the same evidence.
    pub see: &'static str,
}

/// What a question requires of the submission.
#[derive(Debug)]
pub enum Check {
    /// A check of `swarmproof check` (`placement`, `scheduler`, `rollout`, `graph`, `quorum`)
    /// ends with this verdict on the submission.
    Verdict { check: &'static str, status: Status },
    /// No finding with this code.
    NoFinding(&'static str),
    /// The service's constraints accept some nodes, and only nodes of this list.
    OnlyOn {
        service: &'static str,
        nodes: &'static [&'static str],
    },
    /// A property of the service's rolling update holds (`availability`, `progress`, …).
    UpdateProperty {
        service: &'static str,
        property: &'static str,
    },
    /// The managers keep a quorum after losing any one zone (no stack needed).
    QuorumSurvivesZone,
    /// The submission keeps what the lab fixes in its starting point.
    Keeps(Keep),
    /// The cluster has at most `nodes` nodes, none larger than `cpus` CPUs and `memory_gib`.
    ClusterWithin {
        nodes: usize,
        cpus: u64,
        memory_gib: u64,
    },
    /// `answers.yml` gives `key` the value the tool computes for this fact.
    Answer { key: &'static str, fact: Fact },
}

/// A property of the starting point that must survive the student's edits.
#[derive(Clone, Copy, Debug)]
pub enum Keep {
    /// Every service, with at least its starting number of replicas.
    Replicas,
    /// Every service's CPU and memory reservations, as they were.
    Reservations,
    /// Every enabled healthcheck of the starting point, still enabled.
    Healthchecks,
    /// Every `x-swarmproof` requirement (availability floor, update duration limit), no weaker.
    Requirements,
    /// The same nodes with the same resources and labels (roles may change).
    NodesButRoles,
}

/// A value the tool computes from the lab itself (never from the submission), which the
/// student finds by running the tool and writes into `answers.yml`.
#[derive(Clone, Copy, Debug)]
pub enum Fact {
    /// Whether z3 finds the starting point's placement problem `sat` or `unsat`.
    StarterPlacement,
    /// The property the teaching variant breaks.
    RaftBroken(crate::raft::Variant),
    /// The number of steps of its shortest counterexample.
    RaftSteps(crate::raft::Variant),
    /// Distinct states of the correct model with 3 managers under these bounds.
    RaftStates { term: u8, log: u8, crashes: u8 },
    /// Whether Swarm accepts demoting this manager in the starting inventory (`accepted` or
    /// `refused`).
    Demote(&'static str),
    /// Managers that may fail at once in the starting inventory before quorum is lost.
    StarterTolerance,
}
