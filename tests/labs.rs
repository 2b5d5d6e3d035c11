//! The course of labs (docs/labs): every starting point fails for the reason its lab teaches,
//! every solution passes, and a class of sample submissions grades into a table and JUnit.

use assert_cmd::Command;

fn swarmproof() -> Command {
    Command::cargo_bin("swarmproof").unwrap()
}

/// `swarmproof lab check LAB DIR`: exit status and output.
fn lab_check(lab: &str, dir: &str) -> (i32, String) {
    let out = swarmproof()
        .args(["lab", "check", lab, dir])
        .output()
        .unwrap();
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
    )
}

/// The questions a lab's starting point fails, and a piece of evidence each must show.
const STARTERS: &[(&str, &[(&str, &str)])] = &[
    (
        "01-constraints",
        &[
            ("places", "error[SP0203]"),
            ("db-on-ssd", "the constraints of db accept no node"),
            ("web-on-workers", "the constraints of web accept no node"),
            ("batch-in-zone-b", "batch may also run on worker-4"),
        ],
    ),
    (
        "02-bin-packing",
        &[
            ("places", "error[SP1002]"),
            ("z3-starter", "answers.yml has no answer for z3_on_starter"),
        ],
    ),
    ("03-greedy", &[("swarm-places", "error[SP2001]")]),
    (
        "04-failure-domains",
        &[("survives-zone", "not tolerated: losing zone=a")],
    ),
    (
        "05-rolling-updates",
        &[
            (
                "availability",
                "t1: creates api.1 (new) and stops api.1 (old)",
            ),
            ("no-pause", "note[SP3007]"),
            ("update-safe", "error[SP3001]"),
        ],
    ),
    (
        "06-timing",
        &[
            ("delay-vs-monitor", "warning[SP3010]"),
            ("monitor-vs-healthcheck", "warning[SP3011]"),
            ("duration", "error[SP3012]"),
        ],
    ),
    (
        "07-raft",
        &[
            ("no-persistence-breaks", "no answer"),
            ("no-persistence-steps", "no answer"),
            ("no-log-check-breaks", "no answer"),
            ("no-log-check-steps", "no answer"),
            ("states-t1-l0", "no answer"),
            ("states-t1-l1", "no answer"),
            ("states-t1-l1-c1", "no answer"),
        ],
    ),
    (
        "08-quorum",
        &[
            ("tolerance-now", "no answer"),
            ("demote-what-if", "no answer"),
            ("survives-zone", "losing `zone=a` alone loses quorum"),
        ],
    ),
    (
        "09-theorem",
        &[
            ("theorem", "premise violated: D is acyclic"),
            ("no-cycle", "error[SP5001]"),
            ("shared-network", "warning[SP5010]"),
        ],
    ),
];

/// The ids of the questions an output marks as failed.
fn failed(output: &str) -> Vec<&str> {
    output
        .lines()
        .filter_map(|l| l.strip_prefix("[FAIL] "))
        .filter_map(|l| l.split(':').next())
        .collect()
}

/// The block of output under one question: its summary, evidence and hint.
fn block<'a>(output: &'a str, id: &str) -> &'a str {
    let start = output
        .find(&format!("] {id}: "))
        .unwrap_or_else(|| panic!("no question {id} in\n{output}"));
    let rest = &output[start..];
    let end = rest[1..].find("\n[").map_or(rest.len(), |i| i + 1);
    &rest[..end]
}

#[test]
fn every_starter_fails_for_the_reason_its_lab_teaches() {
    assert_eq!(STARTERS.len(), swarmproof::lab::all().len());
    for (dir, expected) in STARTERS {
        let (code, out) = lab_check(dir, &format!("docs/labs/{dir}/starter"));
        assert_eq!(code, 1, "{dir}:\n{out}");
        let ids: Vec<&str> = expected.iter().map(|(id, _)| *id).collect();
        assert_eq!(failed(&out), ids, "{dir}:\n{out}");
        for (id, evidence) in *expected {
            let b = block(&out, id);
            assert!(b.contains(evidence), "{dir} {id}: no {evidence:?} in\n{b}");
            assert!(b.contains("  see: "), "{dir} {id}: no hint in\n{b}");
        }
        insta::assert_snapshot!(format!("starter-{dir}"), out);
    }
}

#[test]
fn every_solution_passes() {
    for lab in swarmproof::lab::all() {
        let (code, out) = lab_check(lab.id, &format!("docs/labs/solutions/{}", lab.dir));
        assert_eq!(code, 0, "{}:\n{out}", lab.dir);
        assert!(failed(&out).is_empty(), "{out}");
        insta::assert_snapshot!(format!("solution-{}", lab.dir), out);
    }
}

#[test]
fn every_lab_has_a_handout_in_the_course_map() {
    let map = std::fs::read_to_string("docs/labs/README.md").unwrap();
    for lab in swarmproof::lab::all() {
        let handout = format!("docs/labs/{}/README.md", lab.dir);
        let text = std::fs::read_to_string(&handout).unwrap();
        assert!(map.contains(&format!("{}/README.md", lab.dir)), "{handout}");
        for q in lab.questions {
            assert!(
                text.contains(&format!("`{}`", q.id)),
                "{handout}: question {}",
                q.id
            );
        }
    }
}

#[test]
fn wrong_answers_and_missing_files_fail_without_giving_the_answer_away() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("answers.yml"),
        "no_persistence_breaks: Log Matching\nno_persistence_steps: 7\n",
    )
    .unwrap();
    let (code, out) = lab_check("raft", dir.path().to_str().unwrap());
    assert_eq!(code, 1);
    let b = block(&out, "no-persistence-breaks");
    assert!(b.contains("Log Matching is not what the tool finds"), "{b}");
    assert!(!b.contains("Election Safety"), "{b}");
    assert!(!failed(&out).contains(&"no-persistence-steps"), "{out}");
    // A lab folder without the file the student edits.
    let (code, out) = lab_check("constraints", dir.path().to_str().unwrap());
    assert_eq!(code, 1);
    assert!(out.contains("missing or unreadable: stack.yml"), "{out}");
    // A stack that does not load: every question fails (an empty stack places trivially,
    // which must not pass), with the load error as the evidence.
    std::fs::write(dir.path().join("stack.yml"), "services: [unclosed\n").unwrap();
    let (code, out) = lab_check("constraints", dir.path().to_str().unwrap());
    assert_eq!(code, 1);
    assert_eq!(failed(&out).len(), 4, "{out}");
    assert!(block(&out, "places").contains("error[SP00"), "{out}");
    // An unknown lab is a usage error.
    let out = swarmproof()
        .args(["lab", "check", "nope"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_class_grades_into_a_table_and_junit() {
    let samples = "docs/labs/01-constraints/samples";
    let out = swarmproof()
        .args(["lab", "grade", "constraints", samples])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "one sample is not complete");
    let table = String::from_utf8(out.stdout).unwrap();
    insta::assert_snapshot!("class-table", table);

    let out = swarmproof()
        .args(["lab", "grade", "1", samples, "--format", "junit"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let xml = String::from_utf8(out.stdout).unwrap();
    // Well-formed, and shaped as a CI reporter expects: a suite per student, a case per question.
    let report = quick_junit::Report::deserialize_from_str(&xml).unwrap();
    let suites: Vec<(&str, usize, usize)> = report
        .test_suites
        .iter()
        .map(|s| (s.name.as_str(), s.test_cases.len(), s.failures))
        .collect();
    assert_eq!(suites, [("ana", 4, 0), ("ben", 4, 1), ("chloe", 4, 3)]);
    insta::assert_snapshot!("class-junit", xml);
}

#[test]
fn lab_list_names_every_lab() {
    let out = swarmproof().args(["lab", "list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!("lab-list", String::from_utf8(out.stdout).unwrap());
}
