//! The change table of `swarmproof diff`: per service its action, why, and the changed fields.

use super::fields::short;
use super::DiffResult;

/// The change table, then where the updates start.
pub fn render_changes(result: &DiffResult) -> String {
    let width = result
        .services
        .iter()
        .map(|s| s.service.chars().count())
        .max()
        .unwrap_or(0)
        .max("service".len());
    let mut out = format!("{:width$}  action\n", "service");
    for s in &result.services {
        out.push_str(&format!(
            "{:width$}  {}: {}\n",
            s.service,
            s.action.as_str(),
            s.why
        ));
        for c in &s.changes {
            out.push_str(&format!(
                "{:width$}    {} {}: {} → {}\n",
                "",
                match c.effect {
                    super::Effect::Ignored => "·",
                    _ => "~",
                },
                c.path,
                short(c.old.as_ref()),
                short(c.new.as_ref())
            ));
        }
    }
    match result.start {
        Some("deployed") => out.push_str("\nRolling updates start from the deployed tasks.\n"),
        Some(_) => out.push_str(
            "\nRolling updates start from a placement of the old stack on the inventory (no deployed state given).\n",
        ),
        None => {}
    }
    out
}
