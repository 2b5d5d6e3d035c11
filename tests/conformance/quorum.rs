//! Quorum conformance: managers stopped, cut off, demoted and removed on the real cluster; the
//! cluster must keep or lose the ability to change its state exactly when `swarmproof quorum`
//! says, and refuse exactly the changes `quorum`'s what-ifs say Swarm refuses. The cases run in
//! order on one cluster and leave it as they found it (three reachable managers).

use std::time::Duration;

use serde_json::Value;

use crate::cluster::{wait_until, Cluster, MANAGERS};
use crate::harness::{Case, Ctx, Group, Verdict};

pub fn group() -> Group {
    Group {
        name: "quorum",
        needs_cluster: true,
        cases: vec![
            Case::new("healthy-tolerates-one", healthy),
            Case::new("one-manager-down", one_down),
            Case::new("demote-refused-with-a-manager-down", demote_refused),
            Case::new("second-manager-lost-loses-quorum", second_lost),
            Case::new("restart-regains-quorum", regained),
            Case::new("leader-cut-off-keeps-quorum", leader_cut_off),
            Case::new("demote-accepted-when-healthy", demote_accepted),
            Case::new("remove-manager-refused", remove_refused),
        ],
    }
}

/// `swarmproof quorum --format json` on the inventory the cluster reports now (read from
/// `via`), with what-if flags.
fn predict(ctx: &Ctx, via: &str, flags: &[&str]) -> Result<Value, String> {
    let c = ctx.cluster();
    let mut args = vec!["node", "inspect"];
    args.extend_from_slice(&crate::cluster::NODES);
    let nodes = ctx.file("quorum/nodes.json", &c.docker(via, &args)?);
    let nodes = nodes.display().to_string();
    let mut all = vec!["quorum", "--format", "json", &nodes];
    all.extend_from_slice(flags);
    let out = ctx.swarmproof(&all);
    serde_json::from_slice(&out.stdout).map_err(|e| format!("quorum printed no JSON: {e}"))
}

fn tolerance(p: &Value) -> (String, i64, i64) {
    let v = &p["verdicts"]["quorum"];
    let m = &v["details"]["membership"];
    (
        v["status"].as_str().unwrap_or("?").to_string(),
        m["available"].as_i64().unwrap_or(-1),
        m["remaining_tolerance"].as_i64().unwrap_or(-1),
    )
}

/// The failure sets of managers `quorum` says lose quorum.
fn failure_sets(p: &Value) -> Vec<Vec<String>> {
    p["verdicts"]["quorum"]["details"]["node_failure_sets"]["sets"]
        .as_array()
        .map(|sets| {
            sets.iter()
                .map(|s| {
                    let mut s: Vec<String> = s
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|n| n.as_str().map(String::from))
                        .collect();
                    s.sort();
                    s
                })
                .collect()
        })
        .unwrap_or_default()
}

fn what_if(p: &Value, i: usize) -> (bool, String) {
    let w = &p["verdicts"]["quorum"]["details"]["what_ifs"][i];
    (
        w["accepted_by_swarm"].as_bool().unwrap_or(false),
        w["explanation"].as_str().unwrap_or("").to_string(),
    )
}

/// Whether the cluster can change its state: a node label update through `via` commits
/// within `limit` (Raft needs a leader with a quorum for it).
fn can_change(c: &Cluster, via: &str, limit: u64) -> Result<(), String> {
    let label = format!("probe={}", std::process::id());
    c.docker_within(limit, via, &["node", "update", "--label-add", &label, via])
        .map(|_| ())
}

fn reachability(c: &Cluster, via: &str, node: &str) -> String {
    c.docker(
        via,
        &[
            "node",
            "inspect",
            "-f",
            "{{.ManagerStatus.Reachability}}",
            node,
        ],
    )
    .unwrap_or_default()
    .trim()
    .to_string()
}

fn wait_reachability(c: &Cluster, via: &str, node: &str, want: &str) -> Result<(), String> {
    wait_until(Duration::from_secs(90), || {
        reachability(c, via, node) == want
    })
    .map_err(|_| format!("{node} did not become {want} within 90 s"))
}

/// Every manager running, linked and reachable.
fn restore(c: &Cluster) -> Result<(), String> {
    for m in MANAGERS {
        let _ = c.heal(m);
        if c.docker(m, &["version"]).is_err() {
            c.start(m)?;
        }
    }
    for m in MANAGERS {
        wait_until(Duration::from_secs(120), || {
            MANAGERS
                .iter()
                .any(|v| reachability(c, v, m) == "reachable")
        })
        .map_err(|_| format!("{m} is not reachable again within 120 s"))?;
    }
    // A healed leader may still be stepping down: wait for the new term to commit.
    let mut last = String::new();
    wait_until(Duration::from_secs(90), || {
        can_change(c, "m1", 10).map_err(|e| last = e).is_ok()
    })
    .map_err(|_| format!("no change committed within 90 s of restoring the managers: {last}"))
}

fn healthy(ctx: &Ctx) -> Verdict {
    let c = ctx.cluster();
    let p = predict(ctx, "m1", &[])?;
    let t = tolerance(&p);
    if t != ("holds".into(), 3, 1) {
        return Err(format!("quorum predicts {t:?} on a healthy cluster"));
    }
    can_change(c, "m1", 30)?;
    Ok("3 managers: quorum holds, tolerates 1; the engine commits a change".into())
}

fn one_down(ctx: &Ctx) -> Verdict {
    let c = ctx.cluster();
    c.stop("m3")?;
    wait_reachability(c, "m1", "m3", "unreachable")?;
    let p = predict(ctx, "m1", &[])?;
    let (t, sets) = (tolerance(&p), failure_sets(&p));
    let expected = vec![vec!["m1".to_string()], vec!["m2".to_string()]];
    if t != ("holds".into(), 2, 0) || sets != expected {
        return Err(format!(
            "with m3 down quorum predicts {t:?}, failure sets {sets:?}"
        ));
    }
    can_change(c, "m1", 30)?;
    Ok("m3 stopped: quorum holds with 2 of 3, tolerates 0, failure sets {m1} {m2}; the engine commits a change".into())
}

fn demote_refused(ctx: &Ctx) -> Verdict {
    let c = ctx.cluster();
    let p = predict(ctx, "m1", &["--demote", "m2"])?;
    let (accepted, why) = what_if(&p, 0);
    if accepted {
        return Err(format!(
            "quorum says Swarm accepts demoting m2 with m3 down ({why})"
        ));
    }
    match c.docker_within(30, "m1", &["node", "demote", "m2"]) {
        Ok(out) => Err(format!("the engine demoted m2: {out}")),
        Err(e) if e.contains("this would result in a loss of quorum") => Ok(format!(
            "quorum: refused ({why}); the engine: \"can't remove member from the raft: this would result in a loss of quorum\""
        )),
        Err(e) => Err(format!("the engine refused with another reason: {e}")),
    }
}

fn second_lost(ctx: &Ctx) -> Verdict {
    let c = ctx.cluster();
    let p = predict(ctx, "m1", &[])?;
    if !failure_sets(&p).contains(&vec!["m2".to_string()]) {
        return Err("quorum does not list {m2} as a failure set with m3 down".into());
    }
    c.stop("m2")?;
    // Give the leader time to notice (CheckQuorum steps it down after an election timeout).
    std::thread::sleep(Duration::from_secs(5));
    match can_change(c, "m1", 20) {
        Ok(()) => Err("the engine still committed a change with 1 of 3 managers".into()),
        Err(e) => Ok(format!(
            "quorum lists {{m2}} as a failure set; with m2 and m3 stopped the engine refuses: {}",
            e.lines().last().unwrap_or("").trim()
        )),
    }
}

fn regained(ctx: &Ctx) -> Verdict {
    let c = ctx.cluster();
    c.start("m2")?;
    wait_until(Duration::from_secs(90), || can_change(c, "m1", 10).is_ok())
        .map_err(|_| "no change committed within 90 s of restarting m2".to_string())?;
    let p = predict(ctx, "m1", &[])?;
    let t = tolerance(&p);
    if t.0 != "holds" || t.1 < 2 {
        return Err(format!("after m2 restarts quorum predicts {t:?}"));
    }
    restore(c)?;
    Ok(format!(
        "m2 restarted: the engine commits again; quorum then predicts {} with {} available",
        t.0, t.1
    ))
}

fn leader_cut_off(ctx: &Ctx) -> Verdict {
    let c = ctx.cluster();
    let leader = MANAGERS
        .into_iter()
        .find(|m| {
            c.docker(
                "m1",
                &["node", "inspect", "-f", "{{.ManagerStatus.Leader}}", m],
            )
            .is_ok_and(|s| s.trim() == "true")
        })
        .ok_or("no leader")?;
    let p = predict(ctx, "m1", &[])?;
    if failure_sets(&p)
        .iter()
        .any(|s| s == &vec![leader.to_string()])
    {
        return Err(format!(
            "quorum says losing the leader {leader} loses quorum"
        ));
    }
    let other = MANAGERS
        .into_iter()
        .find(|m| *m != leader)
        .expect("3 managers");
    c.cut(leader)?;
    let result = wait_until(Duration::from_secs(60), || can_change(c, other, 10).is_ok());
    c.heal(leader)?;
    restore(c)?;
    result
        .map(|_| format!("leader {leader} cut off: {other} commits a change after the election, as quorum's failure sets (pairs only) say"))
        .map_err(|_| format!("no change committed through {other} within 60 s of cutting off {leader}"))
}

fn demote_accepted(ctx: &Ctx) -> Verdict {
    let c = ctx.cluster();
    let p = predict(ctx, "m1", &["--demote", "m3"])?;
    let (accepted, why) = what_if(&p, 0);
    if !accepted {
        return Err(format!(
            "quorum says Swarm refuses demoting m3 when healthy ({why})"
        ));
    }
    let demoted = c.docker_within(30, "m1", &["node", "demote", "m3"]);
    // Promote only once m3 has left the Raft membership: a promotion racing the demotion can
    // leave the node a worker with a manager's desired role.
    let left = wait_until(Duration::from_secs(60), || {
        reachability(c, "m1", "m3").is_empty()
            && c.docker("m3", &["info", "-f", "{{.Swarm.ControlAvailable}}"])
                .is_ok_and(|s| s.trim() == "false")
    });
    let promoted = c.docker_within(30, "m1", &["node", "promote", "m3"]);
    restore(c)?;
    left.map_err(|_| "m3 did not leave the managers within 60 s of its demotion".to_string())?;
    demoted.map_err(|e| format!("the engine refused: {e}"))?;
    promoted.map_err(|e| format!("promoting m3 back failed: {e}"))?;
    Ok(format!(
        "quorum: accepted ({why}); the engine demoted m3 (then promoted it back)"
    ))
}

fn remove_refused(ctx: &Ctx) -> Verdict {
    let c = ctx.cluster();
    if reachability(c, "m1", "m3") != "reachable" {
        return Err("m3 is not a reachable manager before the case".into());
    }
    let p = predict(ctx, "m1", &["--remove", "m3"])?;
    let (accepted, why) = what_if(&p, 0);
    if accepted {
        return Err(format!("quorum says Swarm removes manager m3 ({why})"));
    }
    match c.docker_within(30, "m1", &["node", "rm", "m3"]) {
        Ok(out) => Err(format!("the engine removed m3: {out}")),
        Err(e) if e.contains("must be demoted to worker before removal") => Ok(
            "quorum: refused; the engine: \"… must be demoted to worker before removal\"".into(),
        ),
        Err(e) => Err(format!("the engine refused with another reason: {e}")),
    }
}
