//! Every crash the fuzz targets (fuzz/, docs/reliability.md) found, as an ordinary test: the
//! input that crashed, and what swarmproof must answer instead.

mod common;

use swarmproof::loading::stack::interpolate::{substitute, TemplateError};

/// fuzz target `interpolate` (also `constraint`, `values`): a non-ASCII character right after
/// the variable name of `${…}` was cut in the middle of its bytes.
#[test]
fn a_non_ascii_operator_in_a_braced_variable_is_an_invalid_template() {
    for template in ["${A\u{FA}}", "${A:\u{FFFD}e}", "X=${A\u{FFFD}\u{FFFD}d}"] {
        assert_eq!(
            substitute(template, &Default::default()),
            Err(TemplateError::Invalid {
                template: template.to_string()
            }),
        );
    }
    let l = common::load_one("services:\n  web:\n    image: \"nginx:${TAG\u{E9}}\"\n");
    assert_eq!(
        common::summary(&l),
        ["SP0006 3:12 Invalid template: \"nginx:${TAG\u{E9}}\""]
    );
}
