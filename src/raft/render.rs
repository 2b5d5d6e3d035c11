//! Text for `swarmproof raft`: the verdict table, counterexamples as a numbered timeline and
//! as a Mermaid sequence diagram. Pure functions returning `String`.

use std::fmt::Write as _;

use super::check::RaftCheck;
use super::message::Kind;
use super::model::{Action, RaftModel, RaftState, Role};
use super::properties;
use super::trace::Trace;
use crate::diagnostics::{Timeline, TimelineStep};

fn id(i: u8) -> String {
    format!("m{}", i + 1)
}

/// One line for an action, as the Explorer and the timeline show it.
pub fn describe_action(action: &Action) -> String {
    match *action {
        Action::Timeout { server } => format!("{} times out and starts an election", id(server)),
        Action::ClientRequest { server } => {
            format!("{} (leader) appends a client entry", id(server))
        }
        Action::SendAppend { from, to } => {
            format!("{} sends AppendEntries to {}", id(from), id(to))
        }
        Action::Deliver { message } => format!(
            "{} receives {} from {}",
            id(message.dst),
            message,
            id(message.src)
        ),
        Action::Restart { server } => format!("{} crashes and restarts", id(server)),
        Action::StepDown { server } => {
            format!("{} steps down (CheckQuorum: no quorum heard)", id(server))
        }
    }
}

fn role(r: Role) -> &'static str {
    match r {
        Role::Follower => "follower",
        Role::Candidate => "candidate",
        Role::Leader => "leader",
    }
}

/// The acting server's situation after a step, e.g. `leader t1 vote=m1 log=[1] commit=1`.
fn server_after(state: &RaftState, i: u8) -> String {
    let s = &state.servers[usize::from(i)];
    let vote = s.voted_for().map_or("-".to_string(), id);
    let log: Vec<String> = s.log.terms().map(|t| t.to_string()).collect();
    format!(
        "{} t{} vote={} log=[{}] commit={}",
        role(s.role),
        s.term,
        vote,
        log.join(","),
        s.commit
    )
}

fn actor(action: &Action) -> u8 {
    match *action {
        Action::Timeout { server }
        | Action::ClientRequest { server }
        | Action::Restart { server }
        | Action::StepDown { server } => server,
        Action::SendAppend { from, .. } => from,
        Action::Deliver { message } => message.dst,
    }
}

/// A numbered timeline of `trace`, ending with why the property fails.
pub fn render_timeline(model: &RaftModel, trace: &Trace) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "counterexample to {} ({} steps):",
        trace.property,
        trace.steps.len()
    );
    for (n, step) in trace.steps.iter().enumerate() {
        let who = actor(&step.action);
        let _ = writeln!(
            out,
            "{:>3}. {:<72} {}: {}",
            n + 1,
            describe_action(&step.action),
            id(who),
            server_after(&step.state, who)
        );
    }
    let why = properties::explain(model, trace.last_state(), trace.property);
    let _ = writeln!(out, "  => {} violated: {why}", trace.property);
    out
}

/// `trace` as a diagnostic's timeline: one step per action, by the server that acts, then the
/// property it breaks.
pub fn timeline(model: &RaftModel, trace: &Trace) -> Timeline {
    let mut steps: Vec<TimelineStep> = trace
        .steps
        .iter()
        .map(|step| {
            let who = actor(&step.action);
            TimelineStep {
                actor: Some(id(who)),
                text: format!(
                    "{} ({})",
                    describe_action(&step.action),
                    server_after(&step.state, who)
                ),
            }
        })
        .collect();
    let why = properties::explain(model, trace.last_state(), trace.property);
    steps.push(TimelineStep {
        actor: None,
        text: format!("{} violated: {why}", trace.property),
    });
    let text = render_timeline(model, trace);
    let (title, text) = text.split_once('\n').unwrap_or((&text, ""));
    Timeline {
        title: title.to_string(),
        text: text.trim_end().to_string(),
        steps,
    }
}

/// `trace` as a Mermaid sequence diagram: deliveries are arrows, local events are notes.
pub fn render_mermaid(model: &RaftModel, trace: &Trace) -> String {
    let mut out = String::from("sequenceDiagram\n");
    for i in model.ids() {
        let _ = writeln!(out, "    participant {}", id(i));
    }
    for step in &trace.steps {
        let who = id(actor(&step.action));
        let after = server_after(&step.state, actor(&step.action));
        match step.action {
            Action::Deliver { message } => {
                let arrow = match message.kind {
                    Kind::RequestVote | Kind::Append => "->>",
                    Kind::Vote | Kind::AppendReply => "-->>",
                };
                let _ = writeln!(
                    out,
                    "    {}{arrow}{}: {message}",
                    id(message.src),
                    id(message.dst)
                );
                let _ = writeln!(out, "    Note right of {who}: {after}");
            }
            Action::SendAppend { .. } => {}
            _ => {
                let _ = writeln!(
                    out,
                    "    Note over {who}: {}<br/>{after}",
                    describe_action(&step.action)
                );
            }
        }
    }
    let why = properties::explain(model, trace.last_state(), trace.property);
    let everyone: Vec<String> = model.ids().map(id).collect();
    let span = if everyone.len() > 1 {
        format!("{},{}", everyone[0], everyone[everyone.len() - 1])
    } else {
        everyone.join("")
    };
    let _ = writeln!(
        out,
        "    Note over {span}: {} violated: {why}",
        trace.property
    );
    out
}

/// The report `swarmproof raft` prints: bounds, figures, a verdict per property, and each
/// counterexample's timeline.
pub fn render_check(check: &RaftCheck) -> String {
    let m = &check.model;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Raft model: {} managers, term <= {}, log <= {}, crashes <= {}{}",
        m.managers,
        m.bounds.max_term,
        m.bounds.max_log,
        m.bounds.max_crashes,
        m.variant
            .map_or(String::new(), |v| format!(", variant {v}"))
    );
    if let Some(v) = m.variant {
        let _ = writeln!(out, "variant {v} breaks: {}", v.rule());
    }
    let _ = writeln!(
        out,
        "{} unique states, {} generated, depth {}{}",
        check.unique_states,
        check.generated_states,
        check.max_depth,
        if check.complete {
            ", complete"
        } else {
            ", INCOMPLETE"
        }
    );
    for p in &check.properties {
        let _ = writeln!(out, "  {:<9} {:<22} {}", p.status.as_str(), p.name, p.kind);
    }
    for p in &check.properties {
        if let Some(trace) = &p.counterexample {
            out.push('\n');
            out.push_str(&render_timeline(m, trace));
        }
    }
    out
}
