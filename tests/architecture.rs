//! The architecture invariants of `docs/architecture.md`, enforced on the source text: which
//! modules may name which crates, where I/O and clocks may appear, which layers may import
//! which, and that the code map names every module and only files that exist.
//!
//! The scan reads `src/` as text. Comments are dropped (a `//` ends the code of a line) and so is
//! test code: files named `tests.rs`, `proptests.rs` or `*_tests.rs`, and everything from a
//! line `#[cfg(test)]` to the end of its file (the test module comes last by convention here).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// One source file's production code: its path relative to the crate root and its lines.
struct Source {
    path: String,
    lines: Vec<String>,
}

/// A rule: code matching `pattern` may appear only in files whose path starts with one of
/// `allowed`.
struct Rule {
    what: &'static str,
    pattern: fn(&str) -> bool,
    allowed: &'static [&'static str],
}

fn names_crate(line: &str, krate: &str) -> bool {
    line.contains(&format!("{krate}::")) && {
        // `foo_z3::` or `xz3::` is another name; the crate is named at a word boundary.
        line.match_indices(&format!("{krate}::")).any(|(i, _)| {
            line[..i]
                .chars()
                .next_back()
                .is_none_or(|c| !(c.is_alphanumeric() || c == '_'))
        })
    } || line.trim_start().starts_with(&format!("use {krate}"))
}

/// Code that touches the outside world: files, sockets, the environment, the clock, the
/// terminal, processes.
fn does_io(line: &str) -> bool {
    [
        "std::fs",
        "File::open",
        "File::create",
        "TcpListener",
        "TcpStream",
        "UdpSocket",
        "UnixStream",
        "UnixListener",
        "std::env::",
        "env::var",
        "Instant::now",
        "SystemTime::now",
        "std::process",
        "println!",
        "eprintln!",
        "print!",
        "eprint!",
        "std::io::stdout",
        "std::io::stderr",
        "std::io::stdin",
    ]
    .iter()
    .any(|p| line.contains(p))
}

const RULES: &[Rule] = &[
    Rule {
        what: "z3 is named only in the solver façade",
        pattern: |l| names_crate(l, "z3"),
        allowed: &["src/placement/smt.rs"],
    },
    Rule {
        what: "stateright is named only in the model-checking modules",
        pattern: |l| names_crate(l, "stateright"),
        allowed: &["src/modelcheck/", "src/rollout/", "src/raft/"],
    },
    Rule {
        what: "petgraph is named only in the graph checks",
        pattern: |l| names_crate(l, "petgraph"),
        allowed: &["src/graph/"],
    },
    Rule {
        what: "the YAML parser is named only by the YAML loader",
        pattern: |l| names_crate(l, "serde_saphyr"),
        allowed: &["src/loading/yaml.rs"],
    },
    Rule {
        what: "command-line and terminal crates are named only in the CLI",
        pattern: |l| {
            [
                "clap",
                "clap_complete",
                "clap_mangen",
                "indicatif",
                "bollard",
                "tokio",
            ]
            .iter()
            .any(|k| names_crate(l, k))
        },
        allowed: &["src/cli/"],
    },
    Rule {
        what: "analysis code does no I/O (files, sockets, environment, clock, terminal, processes)",
        pattern: does_io,
        // The deadline type is the one clock analysis code consults, read through its methods.
        allowed: &["src/cli/", "src/bin/", "src/main.rs", "src/deadline.rs"],
    },
];

/// Layering: modules below may not import modules above.
const LAYERS: &[(&str, &[&str])] = &[
    (
        "src/model/",
        &[
            "crate::loading",
            "crate::placement",
            "crate::scheduler",
            "crate::rollout",
            "crate::raft",
            "crate::graph",
            "crate::check",
            "crate::cli",
            "crate::swarm",
            "crate::audit",
            "crate::modelcheck",
        ],
    ),
    (
        "src/diagnostics/",
        &[
            "crate::placement",
            "crate::scheduler",
            "crate::rollout",
            "crate::raft",
            "crate::graph",
            "crate::loading",
            "crate::check",
            "crate::cli",
            "crate::audit",
            "crate::swarm",
            "crate::lab",
            "crate::diff",
        ],
    ),
    (
        "src/swarm/",
        &[
            "crate::placement",
            "crate::scheduler",
            "crate::rollout",
            "crate::raft",
            "crate::graph",
            "crate::check",
            "crate::cli",
            "crate::audit",
        ],
    ),
    // The independent re-checks share no code with the solvers or the shared rules.
    (
        "src/audit/",
        &[
            "crate::placement",
            "crate::scheduler",
            "crate::swarm",
            "crate::check",
            "crate::cli",
        ],
    ),
    (
        "src/modelcheck/",
        &[
            "crate::rollout",
            "crate::raft",
            "crate::check",
            "crate::cli",
        ],
    ),
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("read src")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            if p.file_name().is_some_and(|n| n != "target") {
                rust_files(&p, out);
            }
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

fn is_test_file(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name == "tests.rs" || name == "proptests.rs" || name.ends_with("_tests.rs")
}

/// Files of modules declared only for tests (`#[cfg(test)]` on the line before `mod x;`),
/// relative to the crate root.
fn test_modules(files: &[PathBuf]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for f in files {
        let text = std::fs::read_to_string(f).expect("read source");
        let dir = match f.file_name().and_then(|n| n.to_str()) {
            Some("mod.rs" | "lib.rs" | "main.rs") => f.parent().expect("dir").to_path_buf(),
            _ => f.with_extension(""),
        };
        let lines: Vec<&str> = text.lines().map(str::trim).collect();
        for pair in lines.windows(2) {
            let declared = pair[1]
                .strip_prefix("pub(crate) mod ")
                .or_else(|| pair[1].strip_prefix("mod "))
                .and_then(|r| r.strip_suffix(';'));
            if let (true, Some(m)) = (pair[0] == "#[cfg(test)]", declared) {
                for candidate in [dir.join(format!("{m}.rs")), dir.join(m).join("mod.rs")] {
                    if let Ok(rel) = candidate.strip_prefix(root()) {
                        out.insert(rel.to_string_lossy().replace('\\', "/"));
                    }
                }
            }
        }
    }
    out
}

/// Production code of one file: comments and the trailing test module dropped.
fn production_code(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    for line in text.lines() {
        if line.trim_start().starts_with("#[cfg(test)]") {
            break;
        }
        let code = line.split("//").next().unwrap_or("");
        lines.push(code.to_string());
    }
    lines
}

fn sources() -> Vec<Source> {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    let tests_only = test_modules(&files);
    files
        .into_iter()
        .map(|p| {
            let path = p
                .strip_prefix(root())
                .expect("under root")
                .to_string_lossy()
                .replace('\\', "/");
            let text = std::fs::read_to_string(&p).expect("read source");
            Source {
                lines: if is_test_file(&path) || tests_only.contains(&path) {
                    Vec::new()
                } else {
                    production_code(&text)
                },
                path,
            }
        })
        .collect()
}

/// Every broken rule, as `path:line: rule: code`.
fn violations(sources: &[Source]) -> Vec<String> {
    let mut out = Vec::new();
    for s in sources {
        for (i, line) in s.lines.iter().enumerate() {
            for rule in RULES {
                if (rule.pattern)(line) && !rule.allowed.iter().any(|a| s.path.starts_with(a)) {
                    out.push(format!(
                        "{}:{}: {}: {}",
                        s.path,
                        i + 1,
                        rule.what,
                        line.trim()
                    ));
                }
            }
            for (layer, banned) in LAYERS {
                if !s.path.starts_with(layer) {
                    continue;
                }
                for b in *banned {
                    let hit = line.match_indices(b).any(|(j, _)| {
                        line[j + b.len()..]
                            .chars()
                            .next()
                            .is_none_or(|c| !(c.is_alphanumeric() || c == '_'))
                    });
                    if hit {
                        out.push(format!(
                            "{}:{}: {layer} may not import {b}: {}",
                            s.path,
                            i + 1,
                            line.trim()
                        ));
                    }
                }
            }
        }
    }
    out
}

#[test]
fn the_source_keeps_the_architecture_invariants() {
    let found = violations(&sources());
    assert!(
        found.is_empty(),
        "{} architecture invariants broken (docs/architecture.md, \"Invariants\"):\n{}",
        found.len(),
        found.join("\n")
    );
}

/// The rules catch what they are meant to catch: each breach below is reported, and the
/// same line in an allowed place or in a comment or test module is not.
#[test]
fn the_invariant_scan_reports_each_kind_of_breach() {
    let file = |path: &str, text: &str| Source {
        path: path.to_string(),
        lines: if is_test_file(path) {
            Vec::new()
        } else {
            production_code(text)
        },
    };
    let breaches = [
        file("src/placement/check.rs", "use z3::ast::Int;"),
        file(
            "src/scheduler/run.rs",
            "let s = stateright::Checker::new();",
        ),
        file(
            "src/rollout/search.rs",
            "let t = std::time::Instant::now();",
        ),
        file(
            "src/raft/explore.rs",
            "let l = std::net::TcpListener::bind(a)?;",
        ),
        file(
            "src/graph/storage.rs",
            "let t = std::fs::read_to_string(p);",
        ),
        file("src/check.rs", "println!(\"x\");"),
        file("src/model/service.rs", "use crate::placement::Plan;"),
        file("src/diagnostics/codes.rs", "use crate::rollout::codes;"),
        file("src/audit/plan.rs", "use crate::swarm::eligible;"),
        file("src/placement/mod.rs", "use indicatif::ProgressBar;"),
    ];
    for b in &breaches {
        assert_eq!(
            violations(std::slice::from_ref(b)).len(),
            1,
            "not caught: {} {:?}",
            b.path,
            b.lines
        );
    }
    let fine = [
        file("src/placement/smt.rs", "use z3::ast::Int;"),
        file("src/cli/mod.rs", "let t = std::time::Instant::now();"),
        file("src/deadline.rs", "at: Instant::now()"),
        file(
            "src/placement/check.rs",
            "// z3::Solver is named only in smt.rs",
        ),
        file(
            "src/rollout/tests.rs",
            "let l = std::net::TcpListener::bind(a)?;",
        ),
        file(
            "src/graph/storage.rs",
            "fn f() {}\n#[cfg(test)]\nmod tests { fn g() { std::fs::read(\"x\"); } }",
        ),
        file("src/model/service.rs", "use crate::model_extra::X;"),
        file("src/placement/check.rs", "let my_z3::x = 1;"),
    ];
    for f in &fine {
        assert_eq!(
            violations(std::slice::from_ref(f)),
            Vec::<String>::new(),
            "{}",
            f.path
        );
    }
}

/// The code map of `docs/architecture.md` names every source file: each row of the map starts
/// with a module (`placement/`, `loading/stack/`, `check.rs`) and cites its files relative to
/// it (`decide.rs`, `quorum/tests.rs` aside, test files need no row); and every Rust file the
/// document cites exists.
#[test]
fn the_code_map_names_every_file_and_only_files_that_exist() {
    let doc = std::fs::read_to_string(root().join("docs/architecture.md")).expect("architecture");
    let ticks = |line: &str| -> Vec<String> {
        line.split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect()
    };
    // (module, names cited in its row)
    let rows: Vec<(String, Vec<String>)> = doc
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|l| {
            let t = ticks(l);
            (t[0].trim_start_matches("src/").to_string(), t)
        })
        .collect();
    let cited: BTreeSet<String> = ticks(&doc).into_iter().collect();

    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    let tests_only = test_modules(&files);
    let mut unmapped = Vec::new();
    for p in &files {
        let rel = p
            .strip_prefix(root().join("src"))
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if matches!(rel.as_str(), "lib.rs" | "main.rs")
            || is_test_file(&rel)
            || tests_only.contains(&format!("src/{rel}"))
        {
            continue;
        }
        let covered = cited.contains(&rel)
            || cited.contains(&format!("src/{rel}"))
            || rows.iter().any(|(module, names)| {
                let within = if module.ends_with('/') {
                    rel.strip_prefix(module.as_str())
                } else {
                    (rel == *module).then_some("")
                };
                within.is_some_and(|w| {
                    w.is_empty()
                        || w == "mod.rs"
                        || names.iter().any(|n| n == w || n.as_str() == w.trim_end_matches(".rs"))
                        // a folder inside the module (`cmd/`) cited with its files' names
                        || w.rsplit_once('/').is_some_and(|(folder, file)| {
                            let stem = file.trim_end_matches(".rs");
                            names.iter().any(|n| *n == format!("{folder}/"))
                                && (file == "mod.rs" || names.iter().any(|n| n == stem || n == file))
                        })
                })
            });
        if !covered {
            unmapped.push(rel);
        }
    }
    assert!(
        unmapped.is_empty(),
        "docs/architecture.md does not map: {unmapped:?}"
    );

    let mut all = Vec::new();
    for dir in ["src", "tests", "fuzz", "benches"] {
        if root().join(dir).is_dir() {
            rust_files(&root().join(dir), &mut all);
        }
    }
    all.push(root().join("build.rs"));
    let all: Vec<String> = all
        .iter()
        .map(|p| {
            p.strip_prefix(root())
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    let dangling: Vec<&String> = cited
        .iter()
        .filter(|c| c.ends_with(".rs") && !c.contains(' ') && !c.contains('*'))
        .filter(|c| !all.iter().any(|f| f == *c || f.ends_with(&format!("/{c}"))))
        .collect();
    assert!(
        dangling.is_empty(),
        "docs/architecture.md cites files that do not exist: {dangling:?}"
    );
}
