//! Grading one submission: load the lab's files (the student's where the student edits them,
//! the lab's own elsewhere), run the checks the lab's setup names, and judge each question on
//! their results, keeping the evidence each check produced.

use std::collections::BTreeMap;

use super::facts::{Facts, Reference};
use super::{Check, Keep, Lab};
use crate::check::Checked;
use crate::diagnostics::{render, Diagnostic, FileId, SourceMap};
use crate::loading::stack::StackOptions;
use crate::model::{Cluster, Service};
use crate::report::Status;

const STACK: &str = "stack.yml";
const NODES: &str = "nodes.yml";
const ANSWERS: &str = "answers.yml";

/// The verdict on one question.
#[derive(Clone, Debug)]
pub struct QuestionResult {
    pub id: &'static str,
    pub text: &'static str,
    pub passed: bool,
    /// One line saying why.
    pub summary: String,
    /// What the check produced: a plan, a counterexample, findings.
    pub evidence: String,
    pub see: &'static str,
}

/// A graded submission.
#[derive(Clone, Debug)]
pub struct LabResult {
    pub lab: &'static str,
    pub questions: Vec<QuestionResult>,
}

impl LabResult {
    pub fn passed(&self) -> usize {
        self.questions.iter().filter(|q| q.passed).count()
    }

    pub fn all_passed(&self) -> bool {
        self.passed() == self.questions.len()
    }
}

/// The lab's starting files, as a submission that changed nothing.
pub(super) fn starter_files(lab: &Lab) -> BTreeMap<String, String> {
    lab.files
        .iter()
        .map(|f| (f.name.to_string(), f.starter.to_string()))
        .collect()
}

/// A submission loaded and checked as the lab's setup says.
pub struct Model {
    pub sources: SourceMap,
    pub checked: Option<Checked>,
    /// The inventory, also for labs without a stack.
    pub cluster: Option<Cluster>,
    pub answers: Option<crate::loading::yaml::Yaml>,
    /// Files the lab needs that the submission lacks, or that do not parse.
    pub missing: Vec<String>,
    /// Findings of loading the inventory alone (labs without a stack).
    pub inventory_findings: Vec<Diagnostic>,
}

impl Model {
    pub fn load(lab: &Lab, submitted: &BTreeMap<String, String>) -> Model {
        let mut sources = SourceMap::new();
        let mut missing = Vec::new();
        let mut ids: BTreeMap<&str, FileId> = BTreeMap::new();
        for file in lab.files {
            let text = if file.edited {
                submitted.get(file.name).map(String::as_str)
            } else {
                Some(file.starter)
            };
            match text {
                Some(t) => {
                    ids.insert(file.name, sources.add(file.name, t));
                }
                None => missing.push(file.name.to_string()),
            }
        }
        let answers = ids.get(ANSWERS).and_then(|id| {
            let file = sources.get(*id)?;
            crate::loading::yaml::parse(*id, file)
                .map_err(|e| missing.push(format!("{ANSWERS} ({})", e.message)))
                .ok()
        });
        let setup = lab.setup;
        let (checked, cluster, inventory_findings) = match (ids.get(STACK), ids.get(NODES)) {
            (Some(stack), nodes) => {
                let options = StackOptions {
                    name: lab.id.to_string(),
                    env: Default::default(),
                    dotenv_beside: false,
                    skip_interpolation: false,
                };
                let checked = crate::check::run(
                    &sources,
                    &[*stack],
                    nodes.copied(),
                    &options,
                    &check_options(setup),
                );
                let cluster = checked.loaded.cluster.clone();
                (Some(checked), cluster, Vec::new())
            }
            (None, Some(nodes)) => {
                // An inventory alone is judged as `swarmproof quorum` judges it.
                let (cluster, mut diags) =
                    crate::loading::inventory::load_inventory(&sources, *nodes);
                diags.extend(crate::raft::analyze(&cluster, &[]).1);
                (None, Some(cluster), diags)
            }
            (None, None) => (None, None, Vec::new()),
        };
        Model {
            sources,
            checked,
            cluster,
            answers,
            missing,
            inventory_findings,
        }
    }

    /// Why no question can be judged: a file missing, or files docker would refuse (a
    /// stack that does not load has no services to judge, and must not pass for empty).
    fn unusable(&self) -> Option<(String, String)> {
        if !self.missing.is_empty() {
            let summary = format!("missing or unreadable: {}", self.missing.join(", "));
            return Some((summary, String::new()));
        }
        let checked = self.checked.as_ref()?;
        let load = checked.report.verdicts.get(crate::checks::LOAD.name())?;
        (load.status == Status::Violated).then(|| {
            let errors: Vec<_> = self
                .findings()
                .iter()
                .filter(|d| {
                    d.severity == crate::diagnostics::Severity::Error
                        && crate::checks::LOAD.owns(d.code)
                })
                .collect();
            (format!("load: {}", load.summary), self.render(&errors))
        })
    }

    fn findings(&self) -> &[Diagnostic] {
        self.checked
            .as_ref()
            .map_or(&self.inventory_findings, |c| &c.report.findings)
    }

    fn service(&self, name: &str) -> Option<&Service> {
        self.checked
            .as_ref()?
            .loaded
            .stack
            .services
            .iter()
            .find(|s| s.name == name)
    }

    fn render(&self, findings: &[&Diagnostic]) -> String {
        findings
            .iter()
            .map(|d| render::render_finding(d, &self.sources))
            .collect()
    }
}

/// Bounds that keep a lab's update models to a second or two.
const ROLLOUT_STATES: usize = 500_000;

fn check_options(setup: super::Setup) -> crate::check::CheckOptions {
    crate::check::CheckOptions {
        placement: crate::placement::PlacementOptions {
            // Empty: the inventory's own domain label.
            tolerate: setup
                .tolerate_zone
                .then(|| crate::placement::Tolerance::Domain(String::new())),
            ..Default::default()
        },
        scheduler: setup.scheduler,
        rollout: setup.rollout.then(|| crate::rollout::Options {
            max_failures: 1,
            max_states: ROLLOUT_STATES,
            ..Default::default()
        }),
        bounds: Default::default(),
    }
}

/// Grades one submission (file name → contents) of `lab`.
pub fn grade(
    lab: &'static Lab,
    reference: &Reference,
    facts: &Facts,
    submitted: &BTreeMap<String, String>,
) -> LabResult {
    let model = Model::load(lab, submitted);
    let questions = lab
        .questions
        .iter()
        .map(|q| {
            let (passed, summary, evidence) = match model.unusable() {
                None => judge(&q.check, &model, reference, facts),
                Some((summary, evidence)) => (false, summary, evidence),
            };
            QuestionResult {
                id: q.id,
                text: q.text,
                passed,
                summary,
                evidence,
                see: q.see,
            }
        })
        .collect();
    LabResult {
        lab: lab.id,
        questions,
    }
}

type Judgement = (bool, String, String);

fn judge(check: &Check, model: &Model, reference: &Reference, facts: &Facts) -> Judgement {
    match check {
        Check::Verdict { check, status } => verdict(model, check, *status),
        Check::NoFinding(code) => {
            let found: Vec<_> = model
                .findings()
                .iter()
                .filter(|d| d.code.id == *code)
                .collect();
            let summary = if found.is_empty() {
                format!("no {code} finding")
            } else {
                format!("{} {code} finding(s)", found.len())
            };
            (found.is_empty(), summary, model.render(&found))
        }
        Check::OnlyOn { service, nodes } => only_on(model, service, nodes),
        Check::UpdateProperty { service, property } => update_property(model, service, property),
        Check::QuorumSurvivesZone => quorum_survives_zone(model),
        Check::Keeps(keep) => keeps(*keep, model, reference),
        Check::ClusterWithin {
            nodes,
            cpus,
            memory_gib,
        } => cluster_within(model, *nodes, *cpus, *memory_gib),
        Check::Answer { key, .. } => answer(model, key, facts),
    }
}

fn verdict(model: &Model, check: &str, want: Status) -> Judgement {
    let Some(checked) = &model.checked else {
        return (false, "no stack to check".into(), String::new());
    };
    let Some(v) = checked.report.verdicts.get(check) else {
        return (false, format!("{check}: not run"), String::new());
    };
    let summary = format!("{check}: {} — {}", v.status.as_str(), v.summary);
    let mut evidence = String::new();
    if let (Some(p), Some(cluster)) = (&checked.placement, &checked.loaded.cluster) {
        if check == "placement" {
            if let Some(plan) = &p.plan {
                evidence.push_str(&crate::placement::render_plan(
                    &checked.loaded.stack,
                    cluster,
                    plan,
                ));
            }
        }
    }
    let own: Vec<_> = checked
        .report
        .findings
        .iter()
        .filter(|d| d.severity != crate::diagnostics::Severity::Info)
        .filter(|d| {
            // A constraint matching no node is reported once, as a load finding, and is
            // what leaves such a placement without a plan.
            crate::checks::check_of(d.code) == check
                || (check == crate::checks::PLACEMENT.name()
                    && crate::loading::codes::CONSTRAINTS.contains(&d.code))
        })
        .collect();
    evidence.push_str(&model.render(&own));
    (v.status == want, summary, evidence)
}

fn only_on(model: &Model, name: &str, allowed: &[&str]) -> Judgement {
    let (Some(service), Some(cluster)) = (model.service(name), &model.cluster) else {
        return (false, format!("no service {name}"), String::new());
    };
    let accepted: Vec<&str> = cluster
        .nodes
        .iter()
        .filter(|n| crate::swarm::filters::constraints_hold(service, n))
        .map(|n| n.hostname.as_str())
        .collect();
    let stray: Vec<&str> = accepted
        .iter()
        .copied()
        .filter(|n| !allowed.contains(n))
        .collect();
    let constraints: Vec<String> = service.constraints().map(ToString::to_string).collect();
    let mut evidence = format!(
        "constraints of {name}: {}\n",
        if constraints.is_empty() {
            "none".to_string()
        } else {
            constraints.join(", ")
        }
    );
    let about_constraints: Vec<_> = model
        .findings()
        .iter()
        .filter(|d| {
            crate::loading::codes::CONSTRAINTS.contains(&d.code)
                && d.service.as_deref() == Some(name)
        })
        .collect();
    evidence.push_str(&model.render(&about_constraints));
    let summary = if accepted.is_empty() {
        format!("the constraints of {name} accept no node")
    } else if stray.is_empty() {
        format!("{name} may run on {} only", accepted.join(", "))
    } else {
        format!(
            "{name} may also run on {}, which the lab forbids",
            stray.join(", ")
        )
    };
    (!accepted.is_empty() && stray.is_empty(), summary, evidence)
}

fn update_property(model: &Model, service: &str, property: &str) -> Judgement {
    let Some(result) = model
        .checked
        .as_ref()
        .and_then(|c| c.rollout.iter().find(|r| r.service == service))
    else {
        return (
            false,
            format!("the update of {service} was not model-checked (does the stack place?)"),
            String::new(),
        );
    };
    let Some(p) = result.properties.iter().find(|p| p.name == property) else {
        return (
            false,
            format!(
                "update of {service}: {property} not checked ({})",
                result
                    .not_modelled
                    .as_deref()
                    .unwrap_or(result.verdict.as_str())
            ),
            String::new(),
        );
    };
    let evidence = p
        .counterexample
        .as_ref()
        .map(crate::rollout::render_text)
        .unwrap_or_default();
    (
        p.status == Status::Holds,
        format!("update of {service}: {property} {}", p.status.as_str()),
        evidence,
    )
}

fn quorum_survives_zone(model: &Model) -> Judgement {
    let Some(cluster) = &model.cluster else {
        return (false, "no inventory".into(), String::new());
    };
    let (analysis, _) = crate::raft::analyze(cluster, &[]);
    let (verdict, diags) =
        crate::raft::quorum_verdict_under(&analysis, crate::raft::Survive::OneDomain);
    let evidence =
        crate::raft::render_quorum(&analysis) + &model.render(&diags.iter().collect::<Vec<_>>());
    (
        verdict.status == Status::Holds,
        format!(
            "quorum after losing any one zone: {} — {}",
            verdict.status.as_str(),
            verdict.summary
        ),
        evidence,
    )
}

fn services(model: &Model) -> &[Service] {
    model
        .checked
        .as_ref()
        .map_or(&[], |c| c.loaded.stack.services.as_slice())
}

/// Each service of the starting point against the submission's: the first difference.
fn keeps(keep: Keep, model: &Model, reference: &Reference) -> Judgement {
    let problems: Vec<String> = match keep {
        Keep::NodesButRoles => nodes_but_roles(model, reference),
        _ => services(&reference.model)
            .iter()
            .filter_map(
                |old| match services(model).iter().find(|s| s.name == old.name) {
                    None => Some(format!("service {} is gone", old.name)),
                    Some(new) => service_difference(keep, old, new),
                },
            )
            .collect(),
    };
    let what = match keep {
        Keep::Replicas => "every service keeps its replicas",
        Keep::Reservations => "every service keeps its reservations",
        Keep::Healthchecks => "every healthcheck is kept",
        Keep::Requirements => "every x-swarmproof requirement is kept",
        Keep::NodesButRoles => "the nodes are the lab's (only roles may change)",
    };
    let summary = if problems.is_empty() {
        what.to_string()
    } else {
        format!("not kept: {}", problems.join("; "))
    };
    (problems.is_empty(), summary, String::new())
}

fn service_difference(keep: Keep, old: &Service, new: &Service) -> Option<String> {
    let name = &old.name;
    match keep {
        Keep::Replicas => {
            let (a, b) = (
                old.mode.value.replicated_tasks(),
                new.mode.value.replicated_tasks(),
            );
            (b < a).then(|| {
                format!(
                    "{name} runs {} task(s), the lab's {}",
                    b.map_or("one per node".into(), |n| n.to_string()),
                    a.map_or("one per node".into(), |n| n.to_string())
                )
            })
        }
        Keep::Reservations => {
            let (a, b) = (&old.resources.reservations, &new.resources.reservations);
            (a.nano_cpus.value != b.nano_cpus.value || a.memory_bytes.value != b.memory_bytes.value)
                .then(|| format!("{name}'s reservations changed"))
        }
        Keep::Healthchecks => {
            let enabled = |s: &Service| s.healthcheck.as_ref().is_some_and(|h| !h.disabled);
            (enabled(old) && !enabled(new)).then(|| format!("{name} lost its healthcheck"))
        }
        Keep::Requirements => {
            let (a, b) = (&old.requirements, &new.requirements);
            let floor =
                |r: &crate::model::ServiceRequirements| r.min_available.as_ref().map(|m| m.value);
            let limit = |r: &crate::model::ServiceRequirements| {
                r.max_update_duration.as_ref().map(|m| m.value)
            };
            let weaker_floor = floor(a).is_some_and(|x| floor(b).is_none_or(|y| y < x));
            let weaker_limit = limit(a).is_some_and(|x| limit(b).is_none_or(|y| y > x));
            (weaker_floor || weaker_limit)
                .then(|| format!("{name}'s x-swarmproof requirement is weaker"))
        }
        Keep::NodesButRoles => None,
    }
}

fn nodes_but_roles(model: &Model, reference: &Reference) -> Vec<String> {
    let (Some(old), Some(new)) = (&reference.model.cluster, &model.cluster) else {
        return vec!["no inventory".into()];
    };
    let key = |c: &Cluster| -> Vec<_> {
        let mut v: Vec<_> = c
            .nodes
            .iter()
            .map(|n| {
                (
                    n.hostname.clone(),
                    n.labels.clone(),
                    n.nano_cpus,
                    n.memory_bytes,
                    n.state,
                    n.availability,
                )
            })
            .collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    };
    if key(old) == key(new) {
        Vec::new()
    } else {
        vec!["nodes were added, removed, relabelled or resized".into()]
    }
}

fn cluster_within(model: &Model, max_nodes: usize, cpus: u64, memory_gib: u64) -> Judgement {
    let Some(cluster) = &model.cluster else {
        return (false, "no inventory".into(), String::new());
    };
    let (nano, bytes) = (cpus * 1_000_000_000, memory_gib << 30);
    let too_big: Vec<&str> = cluster
        .nodes
        .iter()
        .filter(|n| n.nano_cpus > nano || n.memory_bytes > bytes)
        .map(|n| n.hostname.as_str())
        .collect();
    let n = cluster.nodes.len();
    let passed = n <= max_nodes && too_big.is_empty();
    let summary = if !too_big.is_empty() {
        format!(
            "larger than {cpus} CPUs / {memory_gib}G: {}",
            too_big.join(", ")
        )
    } else if n > max_nodes {
        format!("{n} nodes: a smaller cluster fits")
    } else {
        format!("{n} nodes, none larger than {cpus} CPUs / {memory_gib}G")
    };
    (passed, summary, String::new())
}

/// Answers are compared without regard to case, spaces, `-` and `_`.
fn normal(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, ' ' | '-' | '_'))
        .flat_map(char::to_lowercase)
        .collect()
}

fn answer(model: &Model, key: &str, facts: &Facts) -> Judgement {
    let given = model
        .answers
        .as_ref()
        .and_then(|a| a.get(key))
        .and_then(crate::loading::yaml::Yaml::scalar_text)
        .filter(|s| !s.trim().is_empty());
    let Some(given) = given else {
        return (
            false,
            format!("{ANSWERS} has no answer for {key}"),
            String::new(),
        );
    };
    match facts.by_key.get(key) {
        Some(Ok(fact)) if normal(&given) == normal(&fact.value) => (
            true,
            format!("{key}: {given} is right"),
            fact.evidence.clone(),
        ),
        Some(Ok(_)) => (
            false,
            format!("{key}: {given} is not what the tool finds"),
            String::new(),
        ),
        Some(Err(e)) => (
            false,
            format!("{key}: cannot be graded: {e}"),
            String::new(),
        ),
        None => (
            false,
            format!("{key}: not a question of this lab"),
            String::new(),
        ),
    }
}
