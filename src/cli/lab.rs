//! `swarmproof lab`: list the labs, grade one student's folder, or grade a class (a folder
//! with one subfolder per student). Reads the files; the grading itself is `crate::lab`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Subcommand, ValueEnum};

use crate::lab::{self, Facts, Lab, LabResult, Reference};

#[derive(Subcommand, Debug)]
pub enum LabCommand {
    /// The labs of the course (docs/labs/), in order.
    List,
    /// Grade one submission: per question, pass or fail with its evidence; exit 0 only if all pass.
    Check {
        /// The lab: its name (constraints) or number (1).
        lab: String,
        /// The folder holding the student's files.
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Grade a class: SUBMISSIONS holds one folder per student; prints a summary table or JUnit.
    Grade {
        lab: String,
        submissions: PathBuf,
        #[arg(long, value_enum, default_value = "table")]
        format: ClassFormat,
    },
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum ClassFormat {
    Table,
    Junit,
}

pub fn run(cmd: &LabCommand) -> ExitCode {
    match cmd {
        LabCommand::List => super::write_stdout(&list()),
        LabCommand::Check { lab, dir } => with_lab(lab, |lab, reference, facts| {
            let result = lab::grade(lab, reference, facts, &read_submission(lab, dir));
            super::print_then(
                &lab::render_result(lab, &result),
                u8::from(!result.all_passed()),
            )
        }),
        LabCommand::Grade {
            lab,
            submissions,
            format,
        } => with_lab(lab, |lab, reference, facts| {
            let students = match student_folders(submissions) {
                Ok(s) => s,
                Err(e) => return super::fail(format!("error: {e}")),
            };
            let results: Vec<(String, LabResult)> = students
                .iter()
                .map(|(name, dir)| {
                    let r = lab::grade(lab, reference, facts, &read_submission(lab, dir));
                    (name.clone(), r)
                })
                .collect();
            let text = match format {
                ClassFormat::Table => lab::render_class(lab, &results),
                ClassFormat::Junit => lab::render_class_junit(lab, &results),
            };
            super::print_then(
                &text,
                u8::from(!results.iter().all(|(_, r)| r.all_passed())),
            )
        }),
    }
}

fn list() -> String {
    lab::all()
        .iter()
        .map(|l| {
            format!(
                "{:>2}  {:<16} {}  (docs/labs/{}/README.md)\n",
                l.number, l.id, l.title, l.dir
            )
        })
        .collect()
}

fn with_lab(
    name: &str,
    grade: impl FnOnce(&'static Lab, &Reference, &Facts) -> ExitCode,
) -> ExitCode {
    let Some(lab) = lab::find(name) else {
        return super::fail(format!(
            "error: no lab {name:?}; `swarmproof lab list` lists them"
        ));
    };
    let reference = Reference::new(lab);
    let facts = Facts::compute(lab, &reference);
    grade(lab, &reference, &facts)
}

/// The files of the lab the student edits, as found in `dir`; a missing or unreadable file is
/// left out, and the grader says so per question.
fn read_submission(lab: &Lab, dir: &Path) -> BTreeMap<String, String> {
    lab.files
        .iter()
        .filter(|f| f.edited)
        .filter_map(|f| {
            let text = std::fs::read_to_string(dir.join(f.name)).ok()?;
            Some((f.name.to_string(), text))
        })
        .collect()
}

fn student_folders(dir: &Path) -> Result<Vec<(String, PathBuf)>, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut students: Vec<(String, PathBuf)> = entries
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
        .collect();
    students.sort();
    if students.is_empty() {
        return Err(format!("{} holds no student folder", dir.display()));
    }
    Ok(students)
}
