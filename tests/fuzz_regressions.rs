//! Every crash the fuzz targets (fuzz/, docs/reliability.md) found, and every break of their
//! invariants, as an ordinary test: the input, and what swarmproof must answer instead.

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

/// The `check` target's invariant "no verdict holds after a bound cut its search", found while
/// writing it: a single replica's stop-first outage (a caveat) found before `--max-states`
/// stopped the search made the update `caveats`, which holds, though the states not visited
/// could hold an error.
#[test]
fn an_update_cut_by_a_bound_is_incomplete_even_with_caveats_found() {
    let models = concat!(env!("CARGO_MANIFEST_DIR"), "/models/ha-web");
    let out = assert_cmd::Command::cargo_bin("swarmproof")
        .unwrap()
        .args(["update", models, "--service", "db", "--max-states", "2"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("db: incomplete (2 states"), "{text}");
    assert!(text.contains("warning[SP3020]"), "{text}");
    assert!(text.contains("rollout: unknown"), "{text}");
    assert!(!text.contains("rollout: holds"), "{text}");
    // With the search complete, the same caveat holds.
    let out = assert_cmd::Command::cargo_bin("swarmproof")
        .unwrap()
        .args(["update", models, "--service", "db"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("db: caveats"), "{text}");
    assert!(text.contains("rollout: holds"), "{text}");
}

/// fuzz target `stack`: two stacks (with a lone `\r`, and U+FFFD runs) where the parser's
/// length of a node ended inside a character, so SP0101 and SP0111 spans split one.
#[test]
fn yaml_spans_end_on_character_boundaries() {
    for name in ["stack-span-1.yml", "stack-span-2.yml"] {
        let path = format!("{}/tests/fixtures/fuzz/{name}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(path).unwrap();
        let l = common::load_one(&text);
        assert!(!l.report.findings.is_empty(), "{name}");
        for d in &l.report.findings {
            for label in &d.labels {
                let file = &l.sources.get(label.span.file).unwrap().text;
                assert!(
                    file.is_char_boundary(label.span.start)
                        && file.is_char_boundary(label.span.end),
                    "{name}: {} {:?}",
                    d.code.id,
                    label.span
                );
            }
        }
    }
}
