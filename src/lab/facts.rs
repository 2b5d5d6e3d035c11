//! What a lab's answers are compared with: the starting point as loaded (for the questions
//! that keep part of it) and the facts the tool computes about the lab (for `answers.yml`).
//! Both depend on the lab alone, so a class is graded against one computation.

use std::collections::BTreeMap;

use super::grade::{starter_files, Model};
use super::{Check, Fact, Lab};
use crate::raft::{Bounds, RaftModel, WhatIf};
use crate::report::Status;

/// The starting point of a lab, loaded and checked.
pub struct Reference {
    pub model: Model,
}

impl Reference {
    pub fn new(lab: &Lab) -> Reference {
        Reference {
            model: Model::load(lab, &starter_files(lab)),
        }
    }
}

/// A computed fact: the value, and the evidence shown once the student's answer matches it.
#[derive(Clone, Debug)]
pub struct Computed {
    pub value: String,
    pub evidence: String,
}

/// Every fact a lab's questions ask about, by answer key.
pub struct Facts {
    pub by_key: BTreeMap<&'static str, Result<Computed, String>>,
}

impl Facts {
    pub fn compute(lab: &Lab, reference: &Reference) -> Facts {
        let by_key = lab
            .questions
            .iter()
            .filter_map(|q| match &q.check {
                Check::Answer { key, fact } => Some((*key, compute(*fact, reference))),
                _ => None,
            })
            .collect();
        Facts { by_key }
    }
}

/// Raft checks of the labs stop here: the variants graded are found in a few thousand states.
const RAFT_STATES: usize = 2_000_000;

fn raft_options() -> crate::raft::CheckOptions {
    crate::raft::CheckOptions {
        max_states: RAFT_STATES,
        bfs_states: RAFT_STATES,
        directed_states: 0,
        ..Default::default()
    }
}

fn compute(fact: Fact, reference: &Reference) -> Result<Computed, String> {
    match fact {
        Fact::StarterPlacement => {
            let checked = reference
                .model
                .checked
                .as_ref()
                .ok_or("the lab's starting point has no stack")?;
            let verdict = checked
                .report
                .verdicts
                .get("placement")
                .ok_or("the lab's starting point has no inventory")?;
            let value = match verdict.status {
                Status::Holds => "sat",
                Status::Violated => "unsat",
                _ => return Err(format!("placement is {}", verdict.status.as_str())),
            };
            Ok(Computed {
                value: value.into(),
                evidence: format!(
                    "placement: {} — {}",
                    verdict.status.as_str(),
                    verdict.summary
                ),
            })
        }
        Fact::RaftBroken(variant) | Fact::RaftSteps(variant) => {
            let model = RaftModel::new(3, variant.bounds(), Some(variant)).map_err(|e| e.0)?;
            let (result, _) = crate::raft::check(&model, &raft_options());
            let broken = result
                .properties
                .iter()
                .find(|p| p.status == Status::Violated && p.counterexample.is_some())
                .ok_or("the model checker found no counterexample within the lab's bounds")?;
            let trace = broken.counterexample.as_ref().ok_or("no counterexample")?;
            let value = match fact {
                Fact::RaftSteps(_) => trace.steps.len().to_string(),
                _ => broken.name.to_string(),
            };
            Ok(Computed {
                value,
                evidence: crate::raft::render_timeline(&result.model, trace),
            })
        }
        Fact::RaftStates { term, log, crashes } => {
            let bounds = Bounds {
                max_term: term,
                max_log: log,
                max_crashes: crashes,
            };
            let model = RaftModel::new(3, bounds, None).map_err(|e| e.0)?;
            let (result, _) = crate::raft::check(&model, &raft_options());
            if !result.complete {
                return Err("the search was cut by the lab's state budget".into());
            }
            Ok(Computed {
                value: result.unique_states.to_string(),
                evidence: result.verdict().summary,
            })
        }
        Fact::Demote(node) => {
            let cluster = reference
                .model
                .cluster
                .as_ref()
                .ok_or("the lab's starting point has no inventory")?;
            let (analysis, _) = crate::raft::analyze(cluster, &[WhatIf::Demote(node.into())]);
            let outcome = analysis.what_ifs.first().ok_or("no what-if outcome")?;
            Ok(Computed {
                value: if outcome.accepted_by_swarm {
                    "accepted"
                } else {
                    "refused"
                }
                .into(),
                evidence: format!("demote {node}: {}", outcome.explanation),
            })
        }
        Fact::StarterTolerance => {
            let cluster = reference
                .model
                .cluster
                .as_ref()
                .ok_or("the lab's starting point has no inventory")?;
            let (analysis, _) = crate::raft::analyze(cluster, &[]);
            let m = &analysis.membership;
            Ok(Computed {
                value: m.remaining_tolerance.unwrap_or(0).to_string(),
                evidence: crate::raft::quorum_verdict(&analysis).summary,
            })
        }
    }
}
