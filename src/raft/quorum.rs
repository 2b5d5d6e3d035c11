//! Exact quorum analysis of the inventory's managers. Raft needs a majority of its members for
//! elections and commits (Reference §4.3), so everything here is counting: who is a member, who
//! is available now, which sets of nodes or failure domains would leave less than a majority,
//! and whether a planned promotion, demotion or removal keeps a majority, judged the way
//! swarmkit judges it (`CanRemoveMember` on removal, no check at all on addition, §4.2).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use super::codes;
use crate::diagnostics::Diagnostic;
use crate::model::{Availability, Cluster, Node, NodeState, Reachability, Role};
use crate::report::{Status, Verdict};

/// Failure sets are listed one by one up to this many; past it only their count is given.
const MAX_LISTED_SETS: usize = 200;
/// Domain subsets are enumerated exactly up to this many domains (2^16 subsets).
const MAX_DOMAINS: usize = 16;

/// A planned membership change, evaluated in the order given.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "change", content = "node", rename_all = "lowercase")]
pub enum WhatIf {
    Promote(String),
    Demote(String),
    Remove(String),
}

impl std::fmt::Display for WhatIf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WhatIf::Promote(n) => write!(f, "promote {n}"),
            WhatIf::Demote(n) => write!(f, "demote {n}"),
            WhatIf::Remove(n) => write!(f, "remove {n}"),
        }
    }
}

/// One Raft member as the analysis sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Manager {
    pub name: String,
    /// The failure domain; `None` when the node lacks the domain label.
    pub domain: Option<String>,
    /// Ready and not reported unreachable: it can vote now.
    pub available: bool,
    pub drained: bool,
    pub leader: bool,
}

impl Manager {
    fn of(node: &Node, domain_label: &str) -> Self {
        let unreachable = node
            .manager
            .as_ref()
            .is_some_and(|m| m.reachability == Reachability::Unreachable);
        Manager {
            name: node.hostname.clone(),
            domain: node.domain(domain_label).map(str::to_string),
            available: !unreachable
                && !matches!(node.state, NodeState::Down | NodeState::Disconnected),
            drained: node.availability == Availability::Drain,
            leader: node.manager.as_ref().is_some_and(|m| m.leader),
        }
    }
}

/// Minimal sets of currently available members (or domains) whose loss leaves less than a
/// quorum. `sets` is complete unless `truncated`; `count` is always exact (saturating).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FailureSets {
    pub count: u64,
    pub sets: Vec<Vec<String>>,
    pub truncated: bool,
}

/// Counts of one membership: what a majority is and how much slack there is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Membership {
    pub members: usize,
    pub available: usize,
    /// `members/2 + 1`.
    pub quorum: usize,
    /// Failures the full membership tolerates: `(members-1)/2`.
    pub fault_tolerance: usize,
    /// Further failures tolerated from now on; `None` when quorum is already lost.
    pub remaining_tolerance: Option<usize>,
}

impl Membership {
    pub fn new(members: usize, available: usize) -> Self {
        let quorum = members / 2 + 1;
        Membership {
            members,
            available,
            quorum,
            fault_tolerance: members.saturating_sub(1) / 2,
            remaining_tolerance: available.checked_sub(quorum),
        }
    }

    pub fn has_quorum(&self) -> bool {
        self.members > 0 && self.remaining_tolerance.is_some()
    }
}

/// The outcome of one planned change, evaluated on the membership left by the previous ones.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WhatIfOutcome {
    pub change: WhatIf,
    /// Whether Swarm would carry the change out (it refuses unsafe demotions, but not
    /// promotions).
    pub accepted_by_swarm: bool,
    /// Whether the cluster has a quorum available after the change (or, if refused, still).
    pub keeps_quorum: bool,
    pub after: Membership,
    pub explanation: String,
}

/// The result of `swarmproof quorum`; also the `quorum` verdict's details in `check`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct QuorumAnalysis {
    pub managers: Vec<Manager>,
    pub membership: Membership,
    pub domain_label: String,
    /// Minimal sets of available managers whose loss loses quorum.
    pub node_failure_sets: FailureSets,
    /// Minimal sets of failure domains whose loss loses quorum; empty when no manager carries
    /// the domain label.
    pub domain_failure_sets: FailureSets,
    pub what_ifs: Vec<WhatIfOutcome>,
}

impl QuorumAnalysis {
    /// Quorum is available now and every planned change keeps it.
    pub fn is_safe(&self) -> bool {
        self.membership.has_quorum() && self.what_ifs.iter().all(|w| w.keeps_quorum)
    }
}

/// Analyses the managers of `cluster` and the planned `changes`, in order.
pub fn analyze(cluster: &Cluster, changes: &[WhatIf]) -> (QuorumAnalysis, Vec<Diagnostic>) {
    let label = cluster.domain_label.as_str();
    let managers: Vec<Manager> = cluster.managers().map(|n| Manager::of(n, label)).collect();
    let mut diags = Vec::new();
    let membership = membership_of(&managers);
    topology_findings(cluster, &managers, &membership, &mut diags);

    let node_failure_sets = node_failure_sets(&managers, &membership);
    let domain_failure_sets = if managers.iter().any(|m| m.domain.is_some()) {
        domain_findings(cluster, &managers, &membership, &mut diags);
        domain_failure_sets(&managers, &membership)
    } else {
        FailureSets::default()
    };

    let mut current = managers.clone();
    let mut what_ifs = Vec::new();
    for change in changes {
        if let Some(outcome) = apply_what_if(cluster, &mut current, change, &mut diags) {
            what_ifs.push(outcome);
        }
    }

    let analysis = QuorumAnalysis {
        managers,
        membership,
        domain_label: label.to_string(),
        node_failure_sets,
        domain_failure_sets,
        what_ifs,
    };
    (analysis, diags)
}

fn membership_of(managers: &[Manager]) -> Membership {
    Membership::new(
        managers.len(),
        managers.iter().filter(|m| m.available).count(),
    )
}

fn topology_findings(
    cluster: &Cluster,
    managers: &[Manager],
    m: &Membership,
    diags: &mut Vec<Diagnostic>,
) {
    let n = m.members;
    match n {
        0 => diags.push(
            Diagnostic::error(&codes::NO_MANAGERS, "the inventory lists no manager")
                .with_help("mark the manager nodes with `role: manager`"),
        ),
        // A fact of the inventory: it points at the manager's entry there.
        1 => diags.push(
            Diagnostic::warning(
                &codes::SINGLE_MANAGER,
                "1 manager: the swarm tolerates no manager failure",
            )
            .with_primary(
                cluster.managers().next().and_then(|n| n.span),
                "the only manager",
            )
            .with_help("run 3 managers (tolerates 1 failure) or 5 (tolerates 2)"),
        ),
        2 => diags.push(
            Diagnostic::warning(
                &codes::TWO_MANAGERS,
                "2 managers: quorum is 2 of 2, so losing either manager stops the control plane",
            )
            .with_note("fault tolerance is (N-1)/2 = 0, the same as 1 manager, with twice the chance of a failure")
            .with_help("promote a third manager, or demote one"),
        ),
        _ if n.is_multiple_of(2) => diags.push(
            Diagnostic::warning(
                &codes::EVEN_MANAGERS,
                format!(
                    "{n} managers tolerate {}, no more than {}",
                    crate::text::count(m.fault_tolerance, "failure"),
                    n - 1
                ),
            )
            .with_help("Docker recommends an odd number of managers"),
        ),
        _ => {}
    }
    if n > 7 {
        diags.push(
            Diagnostic::warning(
                &codes::TOO_MANY_MANAGERS,
                format!("{n} managers: \"Docker recommends a maximum of seven manager nodes for a swarm\""),
            )
            .with_note("every commit is replicated to every manager"),
        );
    }
    for mgr in managers {
        let node = cluster.node(&mgr.name);
        let span = node.and_then(|n| n.span);
        if !mgr.available {
            diags.push(
                Diagnostic::warning(
                    &codes::MANAGER_UNAVAILABLE,
                    format!("manager {} is down or unreachable", mgr.name),
                )
                .with_primary(span, "this manager cannot vote now")
                .with_note(format!(
                    "{} of {} managers are available; quorum is {}",
                    m.available, n, m.quorum
                )),
            );
        }
        if mgr.drained {
            diags.push(
                Diagnostic::info(
                    &codes::DRAINED_MANAGER,
                    format!("manager {} is drained but still votes in Raft", mgr.name),
                )
                .with_primary(span, "drained manager"),
            );
        }
    }
    if n > 0 && !m.has_quorum() {
        diags.push(
            Diagnostic::error(
                &codes::QUORUM_LOST,
                format!(
                    "only {} of {} managers are available; Raft needs {}",
                    m.available, n, m.quorum
                ),
            )
            .with_note("Swarm: \"The swarm does not have a leader. It's possible that too few managers are online. Make sure more than half of the managers are online.\"")
            .with_help("bring managers back online; as a last resort `docker swarm init --force-new-cluster` on a healthy manager"),
        );
    }
}

fn domain_key(m: &Manager) -> String {
    m.domain
        .clone()
        .unwrap_or_else(|| format!("(no label: {})", m.name))
}

/// Available managers per domain; a manager without the label is a domain of its own.
fn available_by_domain(managers: &[Manager]) -> BTreeMap<String, usize> {
    let mut by = BTreeMap::new();
    for m in managers.iter().filter(|m| m.available) {
        *by.entry(domain_key(m)).or_insert(0) += 1;
    }
    by
}

fn domain_findings(
    cluster: &Cluster,
    managers: &[Manager],
    m: &Membership,
    diags: &mut Vec<Diagnostic>,
) {
    for mgr in managers.iter().filter(|mgr| mgr.domain.is_none()) {
        let span = cluster.node(&mgr.name).and_then(|n| n.span);
        diags.push(
            Diagnostic::warning(
                &codes::MANAGER_WITHOUT_DOMAIN,
                format!(
                    "manager {} has no `{}` label; it is treated as a domain of its own",
                    mgr.name, cluster.domain_label
                ),
            )
            .with_primary(span, "no failure-domain label"),
        );
    }
    if !m.has_quorum() {
        return;
    }
    let by = available_by_domain(managers);
    let domains = by.len();
    for (domain, count) in &by {
        if m.available - count < m.quorum {
            let msg = if domains == 1 {
                format!(
                    "all {} available managers are in `{}={domain}`: losing it loses quorum",
                    count, cluster.domain_label
                )
            } else {
                format!(
                    "losing `{}={domain}` ({count} of {} available managers) loses quorum",
                    cluster.domain_label, m.available
                )
            };
            diags.push(
                Diagnostic::warning(&codes::DOMAIN_LOSS_BREAKS_QUORUM, msg)
                    .with_note(format!("quorum is {} of {}", m.quorum, m.members))
                    .with_help("spread managers over at least three failure domains, e.g. 3 over 3 zones or 5 over 2+2+1"),
            );
        }
    }
}

/// What a requested `--tolerate` asks the managers to survive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Survive {
    /// Any this many nodes lost at once (managers among them).
    Nodes(usize),
    /// Any one failure domain lost (the analysis's domain label).
    OneDomain,
}

/// The quorum verdict when a tolerance is requested: violated, with the SP4011 error, when
/// some loss the tolerance covers leaves less than a majority of managers.
pub fn verdict_under(analysis: &QuorumAnalysis, survive: Survive) -> (Verdict, Vec<Diagnostic>) {
    let m = &analysis.membership;
    let mut verdict = verdict(analysis);
    let breaking = match survive {
        Survive::Nodes(n) if m.remaining_tolerance.unwrap_or(0) < n => Some(format!(
            "--tolerate {n}: losing {} of the {} available managers loses quorum ({} needed)",
            losses_needed(m).max(1),
            m.available,
            m.quorum
        )),
        Survive::Nodes(_) => None,
        Survive::OneDomain => {
            let domains: Vec<&str> = analysis
                .domain_failure_sets
                .sets
                .iter()
                .filter(|set| set.len() == 1)
                .map(|set| set[0].as_str())
                .collect();
            (!domains.is_empty()).then(|| {
                format!(
                    "--tolerate zone: losing `{}={}` alone loses quorum",
                    analysis.domain_label,
                    domains.join("` or `")
                )
            })
        }
    };
    let Some(message) = breaking else {
        return (verdict, Vec::new());
    };
    verdict.status = Status::Violated;
    verdict.summary = message.clone();
    let d = Diagnostic::error(&codes::TOLERANCE_LOSES_QUORUM, message)
        .with_note(format!(
            "quorum is {} of {} managers; without it no task is rescheduled and no service updated",
            m.quorum, m.members
        ))
        .with_help("spread managers over at least three failure domains, or run more managers");
    (verdict, vec![d])
}

/// How many more failures lose quorum: `available - quorum + 1`, or 0 when already lost.
fn losses_needed(m: &Membership) -> usize {
    m.remaining_tolerance.map_or(0, |r| r + 1)
}

fn binomial(n: usize, k: usize) -> u64 {
    let k = k.min(n.saturating_sub(k));
    let mut acc: u64 = 1;
    for i in 0..k {
        // Exact at every step: the product of i+1 consecutive integers is divisible by (i+1)!.
        acc = acc.saturating_mul((n - i) as u64) / (i as u64 + 1);
    }
    acc
}

/// Every set of `needed` available managers is a minimal failure set, and no other set is.
fn node_failure_sets(managers: &[Manager], m: &Membership) -> FailureSets {
    let needed = losses_needed(m);
    if needed == 0 {
        return FailureSets::default();
    }
    let names: Vec<&str> = managers
        .iter()
        .filter(|m| m.available)
        .map(|m| m.name.as_str())
        .collect();
    let count = binomial(names.len(), needed);
    let mut sets = Vec::new();
    let mut idx: Vec<usize> = (0..needed).collect();
    // Lexicographic k-combinations, stopping at the listing limit.
    while sets.len() < MAX_LISTED_SETS {
        sets.push(idx.iter().map(|&i| names[i].to_string()).collect());
        let Some(pos) = (0..needed)
            .rev()
            .find(|&p| idx[p] < names.len() - needed + p)
        else {
            break;
        };
        idx[pos] += 1;
        for p in pos + 1..needed {
            idx[p] = idx[p - 1] + 1;
        }
    }
    FailureSets {
        count,
        truncated: (sets.len() as u64) < count,
        sets,
    }
}

/// Minimal sets of domains whose available managers add up to the losses that break quorum.
/// The property is monotone, so a set is minimal iff dropping any one of its domains leaves
/// enough managers.
fn domain_failure_sets(managers: &[Manager], m: &Membership) -> FailureSets {
    let needed = losses_needed(m);
    let by: Vec<(String, usize)> = available_by_domain(managers).into_iter().collect();
    if needed == 0 || by.is_empty() {
        return FailureSets::default();
    }
    if by.len() > MAX_DOMAINS {
        return FailureSets {
            count: 0,
            sets: Vec::new(),
            truncated: true,
        };
    }
    let mut masks: Vec<u32> = (1u32..1 << by.len())
        .filter(|&mask| {
            let weight = |mask: u32| -> usize {
                by.iter()
                    .enumerate()
                    .filter(|(i, _)| mask & (1 << i) != 0)
                    .map(|(_, (_, c))| c)
                    .sum()
            };
            weight(mask) >= needed
                && (0..by.len())
                    .filter(|i| mask & (1 << i) != 0)
                    .all(|i| weight(mask & !(1 << i)) < needed)
        })
        .collect();
    masks.sort_by_key(|mask| (mask.count_ones(), *mask));
    let count = masks.len() as u64;
    let sets = masks
        .iter()
        .take(MAX_LISTED_SETS)
        .map(|mask| {
            by.iter()
                .enumerate()
                .filter(|(i, _)| mask & (1 << i) != 0)
                .map(|(_, (d, _))| d.clone())
                .collect()
        })
        .collect::<Vec<_>>();
    FailureSets {
        count,
        truncated: (sets.len() as u64) < count,
        sets,
    }
}

/// Applies one change to `current` (the membership left by earlier changes) and judges it.
fn apply_what_if(
    cluster: &Cluster,
    current: &mut Vec<Manager>,
    change: &WhatIf,
    diags: &mut Vec<Diagnostic>,
) -> Option<WhatIfOutcome> {
    let name = match change {
        WhatIf::Promote(n) | WhatIf::Demote(n) | WhatIf::Remove(n) => n,
    };
    let Some(node) = cluster.node(name) else {
        diags.push(Diagnostic::error(
            &codes::UNKNOWN_NODE,
            format!("{change}: no node `{name}` in the inventory"),
        ));
        return None;
    };
    let position = current.iter().position(|m| m.name == node.hostname);
    let before = membership_of(current);
    let outcome = |accepted: bool, after: Membership, explanation: String| WhatIfOutcome {
        change: change.clone(),
        accepted_by_swarm: accepted,
        keeps_quorum: after.has_quorum(),
        after,
        explanation,
    };
    match (change, position) {
        (WhatIf::Promote(_), None) => {
            let mgr = Manager::of(node, &cluster.domain_label);
            let available = mgr.available;
            current.push(mgr);
            let after = membership_of(current);
            let explanation = format!(
                "Swarm adds {} without a quorum check: {} members, quorum {}, {} available{}",
                node.hostname,
                after.members,
                after.quorum,
                after.available,
                if available {
                    ""
                } else {
                    " (the promoted node is not available)"
                }
            );
            if !after.has_quorum() {
                diags.push(
                    Diagnostic::error(
                        &codes::PROMOTE_LOSES_QUORUM,
                        format!("{change} leaves {} of {} managers available, below the quorum of {}", after.available, after.members, after.quorum),
                    )
                    .with_primary(node.span, "promoted here")
                    .with_note("Swarm performs no quorum-safety check when a manager is added (Reference §4.2)"),
                );
            }
            Some(outcome(true, after, explanation))
        }
        (WhatIf::Demote(_) | WhatIf::Remove(_), Some(pos)) => {
            if matches!(change, WhatIf::Remove(_)) {
                diags.push(
                    Diagnostic::error(
                        &codes::REMOVE_MANAGER_REFUSED,
                        format!("{change}: node {} is a manager and \"must be demoted to worker before removal\"", node.hostname),
                    )
                    .with_primary(node.span, "still a Raft member")
                    .with_help(format!("`docker node demote {}` first; the quorum check below is the demotion's", node.hostname)),
                );
            }
            if before.members == 1 {
                diags.push(
                    Diagnostic::error(
                        &codes::DEMOTE_LAST,
                        format!("{change}: \"attempting to demote the last manager of the swarm\""),
                    )
                    .with_primary(node.span, "the only manager"),
                );
                return Some(outcome(
                    false,
                    before,
                    "Swarm refuses to demote the last manager".into(),
                ));
            }
            // swarmkit CanRemoveMember: reachable others >= (members-1)/2 + 1.
            let reachable_others = current
                .iter()
                .enumerate()
                .filter(|(i, m)| *i != pos && m.available)
                .count();
            let needed = (before.members - 1) / 2 + 1;
            if reachable_others < needed {
                diags.push(
                    Diagnostic::error(
                        &codes::DEMOTE_REFUSED,
                        format!("{change}: \"can't remove member from the raft: this would result in a loss of quorum\""),
                    )
                    .with_primary(node.span, "demoted here")
                    .with_note(format!(
                        "{} reachable, the {} remaining members need {needed}",
                        crate::text::count(reachable_others, "other manager"),
                        before.members - 1
                    )),
                );
                return Some(outcome(
                    false,
                    before,
                    format!(
                        "Swarm refuses: {}, {needed} needed",
                        crate::text::count(reachable_others, "other reachable manager")
                    ),
                ));
            }
            if matches!(change, WhatIf::Remove(_)) {
                // swarmkit's RemoveNode refuses a Raft member even with --force; only the
                // demotion that must come first is judged here, and nothing changes.
                let demoted = before.members - 1;
                return Some(outcome(
                    false,
                    before,
                    format!("Swarm refuses: {} must be demoted to worker before removal (the demotion would be allowed: {} >= {needed}, leaving {demoted} members)", node.hostname, crate::text::count(reachable_others, "other reachable manager")),
                ));
            }
            current.remove(pos);
            let after = membership_of(current);
            let explanation = format!(
                "allowed: {} >= {needed}; now {} members, quorum {}, tolerance {}",
                crate::text::count(reachable_others, "other reachable manager"),
                after.members,
                after.quorum,
                after.fault_tolerance
            );
            Some(outcome(true, after, explanation))
        }
        (WhatIf::Remove(_), None) => Some(outcome(
            true,
            before,
            format!(
                "{} is a worker: removing it does not change the Raft membership",
                node.hostname
            ),
        )),
        (WhatIf::Promote(_), Some(_)) | (WhatIf::Demote(_), None) => {
            diags.push(Diagnostic::info(
                &codes::PROMOTE_NOT_NEEDED,
                format!(
                    "{change}: node {} is already a {}",
                    node.hostname,
                    if position.is_some() {
                        Role::Manager.as_str()
                    } else {
                        Role::Worker.as_str()
                    }
                ),
            ));
            Some(outcome(true, before, "no change".into()))
        }
    }
}

/// The `quorum` verdict of `check`: holds when a quorum is available now and every planned
/// change keeps one; the details carry the fault tolerance and the minimal failure sets.
pub fn verdict(analysis: &QuorumAnalysis) -> Verdict {
    let m = &analysis.membership;
    let status = if analysis.is_safe() {
        Status::Holds
    } else {
        Status::Violated
    };
    let summary = if m.has_quorum() {
        format!(
            "{} of {} managers available, quorum {}, tolerates {}",
            m.available,
            m.members,
            m.quorum,
            crate::text::count(m.remaining_tolerance.unwrap_or(0), "more failure")
        )
    } else {
        format!(
            "quorum lost: {} of {} managers available, {} needed",
            m.available, m.members, m.quorum
        )
    };
    Verdict::new(status, summary, analysis.clone())
}

fn render_sets(out: &mut String, title: &str, sets: &FailureSets) {
    if sets.count == 0 && !sets.truncated {
        return;
    }
    let _ = writeln!(out, "{title} ({}):", sets.count);
    for set in &sets.sets {
        let _ = writeln!(out, "  {{{}}}", set.join(", "));
    }
    if sets.truncated {
        let _ = writeln!(
            out,
            "  … {} more",
            sets.count.saturating_sub(sets.sets.len() as u64)
        );
    }
}

/// The text `swarmproof quorum` prints (diagnostics are rendered separately by the CLI).
pub fn render_quorum(analysis: &QuorumAnalysis) -> String {
    let m = &analysis.membership;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "managers: {}  available: {}  quorum: {}  fault tolerance: {}",
        m.members, m.available, m.quorum, m.fault_tolerance
    );
    match m.remaining_tolerance {
        Some(r) => {
            let _ = writeln!(
                out,
                "quorum available now; {} tolerated",
                crate::text::count(r, "more failure")
            );
        }
        None if m.members > 0 => {
            let _ = writeln!(out, "QUORUM LOST: no leader can be elected");
        }
        None => {}
    }
    for mgr in &analysis.managers {
        let mut flags = Vec::new();
        if !mgr.available {
            flags.push("DOWN");
        }
        if mgr.leader {
            flags.push("leader");
        }
        if mgr.drained {
            flags.push("drained");
        }
        let line = format!(
            "  {:<20} {}={:<12} {}",
            mgr.name,
            analysis.domain_label,
            mgr.domain.as_deref().unwrap_or("-"),
            flags.join(" ")
        );
        let _ = writeln!(out, "{}", line.trim_end());
    }
    render_sets(
        &mut out,
        "minimal sets of managers whose loss loses quorum",
        &analysis.node_failure_sets,
    );
    render_sets(
        &mut out,
        &format!(
            "minimal sets of `{}` domains whose loss loses quorum",
            analysis.domain_label
        ),
        &analysis.domain_failure_sets,
    );
    for w in &analysis.what_ifs {
        let verdict = match (w.accepted_by_swarm, w.keeps_quorum) {
            (false, _) => "REFUSED by Swarm",
            (true, true) => "keeps quorum",
            (true, false) => "LOSES QUORUM",
        };
        let _ = writeln!(out, "what if {}: {verdict} — {}", w.change, w.explanation);
    }
    out
}

#[cfg(test)]
mod tests;
