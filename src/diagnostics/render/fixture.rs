//! The small report every renderer test prints: two files (the second with a multi-byte
//! character before a label), an error with a label and help, a warning with labels in both
//! files and a note, an info without a location, and two verdicts.

use serde_json::json;

use crate::diagnostics::{Catalog, CodeGroup, Diagnostic, SourceMap, Span};
use crate::report::{Report, Status, Verdict};

crate::declare_codes! {
    CPU_TOO_SMALL = ("SP0190", "cpu-too-small", "error", "a CPU reservation below 0.001",
        "swarmkit refuses CPU reservations and limits below 0.001 CPU.\n\nReserve at least 0.001 CPU, or none.");
    SINGLE_EQUALS = ("SP0290", "single-equals", "warning", "a constraint with a single `=`",
        "swarmkit reads `a = b` as the key `a ` with no operator and rejects it.\n\nWrite `==`.");
    DEPENDS_ON_IGNORED = ("SP5090", "depends-on-ignored", "info", "`depends_on` has no effect in Swarm",
        "docker stack deploy loads `depends_on` and never uses it.\n\nMake the service wait for its dependencies itself.");
}

static LOAD: CodeGroup = CodeGroup {
    check: "load",
    codes: &[&[&CPU_TOO_SMALL, &SINGLE_EQUALS]],
};
static GRAPH: CodeGroup = CodeGroup {
    check: "graph",
    codes: &[&[&DEPENDS_ON_IGNORED]],
};

/// The fixture's codes grouped by the checks of their ranges.
pub(super) static CATALOG: Catalog = Catalog(&[&LOAD, &GRAPH]);

pub(super) const STACK: &str = "services:\n  web:\n    image: nginx\n    deploy:\n      resources:\n        reservations:\n          cpus: '0.0001'\n";

pub(super) const OVERRIDE: &str =
    "services:\n  web:\n    deploy:\n      placement:\n        constraints: [\"node.labels.région == eu\", \"node.role = manager\"]\n";

pub(super) fn span_of(sources: &SourceMap, file: usize, needle: &str) -> Span {
    let id = crate::diagnostics::FileId(file as u32);
    let text = &sources.get(id).expect("fixture file").text;
    let start = text.find(needle).expect("needle in fixture");
    Span::new(id, start, start + needle.len())
}

pub(super) fn report() -> (Report, SourceMap) {
    let mut sources = SourceMap::new();
    sources.add("stack.yml", STACK);
    sources.add("override.yml", OVERRIDE);
    let cpus = span_of(&sources, 0, "'0.0001'");
    let web = span_of(&sources, 0, "web");
    let constraint = span_of(&sources, 1, "\"node.role = manager\"");

    let mut report = Report::default();
    report.findings.push(
        Diagnostic::error(
            &CPU_TOO_SMALL,
            "invalid cpu value 0.0001: Must be at least 0.001",
        )
        .at_service("web", Some(cpus), "0.0001 CPU")
        .with_help("reserve at least 0.001 CPU, or none"),
    );
    report.findings.push(
        Diagnostic::warning(
            &SINGLE_EQUALS,
            "constraint `node.role = manager` has a single `=`",
        )
        .at_service("web", Some(constraint), "swarmkit rejects this expression")
        .with_secondary(Some(web), "service defined here")
        .with_note("swarmkit accepts only `==` and `!=`"),
    );
    report.findings.push(
        Diagnostic::info(
            &DEPENDS_ON_IGNORED,
            "`depends_on` is ignored by docker stack deploy",
        )
        .with_service("db"),
    );
    report.verdicts.insert(
        "load".into(),
        Verdict {
            status: Status::Violated,
            summary: "1 value Docker rejects".into(),
            details: Some(std::sync::Arc::new(json!({ "files": 2 }))),
        },
    );
    report.verdicts.insert(
        "placement".into(),
        Verdict {
            status: Status::Unknown,
            summary: "search stopped at its bound".into(),
            details: Some(std::sync::Arc::new(json!({ "explored": 10 }))),
        },
    );
    (report, sources)
}
