//! The text of `swarmproof explain CODE` and of the list of all codes.

use crate::diagnostics::{Catalog, Code};

/// The long explanation of a code: a header with its id, name and summary, then the text.
pub fn render_explain(code: &Code) -> String {
    let mut text = format!(
        "{} ({}): {}\nSeverity: {}\n\n{}",
        code.id, code.name, code.summary, code.severity, code.explanation
    );
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

/// Every code of `catalog` on one line each: id, name, summary, aligned.
pub fn render_code_list(catalog: &Catalog) -> String {
    render_list(&catalog.all())
}

fn render_list(codes: &[&Code]) -> String {
    let width = codes.iter().map(|c| c.name.len()).max().unwrap_or(0);
    codes
        .iter()
        .map(|c| format!("{}  {:<width$}  {}\n", c.id, c.name, c.summary))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::render::fixture;

    #[test]
    fn explains_a_code() {
        insta::assert_snapshot!(render_explain(&fixture::SINGLE_EQUALS), @r#"
            SP0290 (single-equals): a constraint with a single `=`
            Severity: warning

            swarmkit reads `a = b` as the key `a ` with no operator and rejects it.

            Write `==`.
            "#);
    }

    #[test]
    fn lists_codes_aligned() {
        insta::assert_snapshot!(render_list(fixture::ALL), @r#"
            SP0190  cpu-too-small       a CPU reservation below 0.001
            SP0290  single-equals       a constraint with a single `=`
            SP5090  depends-on-ignored  `depends_on` has no effect in Swarm
            "#);
        assert!(render_code_list(&crate::checks::CATALOG).contains("SP0001  yaml-syntax"));
    }
}
