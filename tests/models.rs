//! Every example in models/ checks with the result its README states. Each README has a line
//! `Expected exit status: N` and a line `Expected findings: CODE, CODE` (or `none`), listing the
//! distinct codes `swarmproof check models/NAME` reports, and `Expected verdicts: CHECK STATUS, …`.

use std::collections::BTreeSet;
use std::path::PathBuf;

use assert_cmd::Command;

fn expected(readme: &str, prefix: &str) -> String {
    readme
        .lines()
        .find_map(|l| l.trim().strip_prefix(prefix))
        .unwrap_or_else(|| panic!("README lacks a line starting with {prefix:?}"))
        .trim()
        .trim_matches('`')
        .to_string()
}

#[test]
fn every_model_checks_as_its_readme_states() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("models");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 9, "{dirs:?}");
    for dir in dirs {
        let readme = std::fs::read_to_string(dir.join("README.md"))
            .unwrap_or_else(|_| panic!("{} has a README.md", dir.display()));
        let exit: i32 = expected(&readme, "Expected exit status:").parse().unwrap();
        let want: BTreeSet<String> = match expected(&readme, "Expected findings:").as_str() {
            "none" => BTreeSet::new(),
            list => list
                .split(',')
                .map(|c| c.trim().trim_matches('`').to_string())
                .collect(),
        };
        let out = Command::cargo_bin("swarmproof")
            .unwrap()
            .arg("check")
            .arg(&dir)
            .args(["--format", "json"])
            .output()
            .unwrap();
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let got: BTreeSet<String> = json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(
            out.status.code(),
            Some(exit),
            "{}: {}",
            dir.display(),
            String::from_utf8_lossy(&out.stdout)
        );
        assert_eq!(got, want, "{}", dir.display());
        // `Expected verdicts: load holds, placement holds, …`: each named check's status.
        for pair in expected(&readme, "Expected verdicts:").split(',') {
            let (check, status) = pair.trim().split_once(' ').unwrap();
            assert_eq!(
                json["verdicts"][check]["status"],
                status,
                "{}: verdict of {check}",
                dir.display()
            );
        }
    }
}
