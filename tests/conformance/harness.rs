//! Runs the conformance cases, prints one line per case and a closing count, writes the report
//! table, and makes sure nothing is left running.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

use crate::cluster::Cluster;

/// `Ok(what agreed)` or `Err(what disagreed)`, in words for the report.
pub type Verdict = Result<String, String>;

pub struct Case {
    pub name: String,
    pub run: Box<dyn FnOnce(&Ctx) -> Verdict>,
}

impl Case {
    pub fn new(name: impl Into<String>, run: impl FnOnce(&Ctx) -> Verdict + 'static) -> Case {
        Case {
            name: name.into(),
            run: Box::new(run),
        }
    }
}

pub struct Group {
    pub name: &'static str,
    pub needs_cluster: bool,
    pub cases: Vec<Case>,
}

/// What a case may use: the swarmproof binary, a scratch folder, and the cluster when its group
/// needs one.
pub struct Ctx {
    pub work: PathBuf,
    cluster: Option<Cluster>,
}

impl Ctx {
    pub fn cluster(&self) -> &Cluster {
        self.cluster
            .as_ref()
            .expect("this group runs without a cluster")
    }

    /// Runs swarmproof with `args`.
    pub fn swarmproof(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_swarmproof"))
            .args(args)
            .output()
            .expect("the swarmproof binary runs")
    }

    /// Writes `text` to `name` in the scratch folder and returns its path.
    pub fn file(&self, name: &str, text: &str) -> PathBuf {
        let path = self.work.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("scratch folder");
        }
        std::fs::write(&path, text).expect("scratch file");
        path
    }
}

/// One case that panics while the cluster is up (`SP_CONFORMANCE_BREAK=1`): shows that a failed
/// run still tears everything down.
pub fn broken_group() -> Group {
    Group {
        name: "broken-on-purpose",
        needs_cluster: true,
        cases: vec![Case::new("panics", |ctx| {
            ctx.cluster().docker("m1", &["node", "ls"])?;
            panic!("failing on purpose (SP_CONFORMANCE_BREAK)")
        })],
    }
}

/// A group that needs the cluster, one case per scenario; `run` gets the scenario's index, which
/// names its stack.
pub fn cluster_group<S: Sync>(
    name: &'static str,
    scenarios: &'static [S],
    case_name: fn(&S) -> &'static str,
    run: fn(&Ctx, &S, usize) -> Verdict,
) -> Group {
    Group {
        name,
        needs_cluster: true,
        cases: scenarios
            .iter()
            .enumerate()
            .filter(|(_, s)| selected(case_name(s)))
            .map(|(i, s)| Case::new(case_name(s), move |ctx| once_more(|| run(ctx, s, i))))
            .collect(),
    }
}

/// The engine's timing decides which of its interleavings a run shows: a case that disagrees
/// runs once more (it has cleaned up after itself), agrees only if that run agrees, and
/// reports the first run's disagreement either way.
fn once_more(run: impl Fn() -> Verdict) -> Verdict {
    match run() {
        Err(first) => match run() {
            Ok(second) => Ok(format!(
                "{second}; THE FIRST RUN DISAGREED (intermittent): {first}"
            )),
            Err(second) => Err(format!("{second}; the first run too: {first}")),
        },
        agreed => agreed,
    }
}

/// Whether case `name` runs: every case, or with `SP_CONFORMANCE_CASES=a,b` only those named.
fn selected(name: &str) -> bool {
    std::env::var("SP_CONFORMANCE_CASES")
        .map_or(true, |list| list.split(',').any(|c| c.trim() == name))
}

/// A case's verdict once its clean-up has run: a failed clean-up fails a case that agreed.
pub fn after_cleanup(result: Verdict, cleanup: Result<(), String>) -> Verdict {
    match (result, cleanup) {
        (Ok(v), Ok(())) => Ok(v),
        (Err(e), _) => Err(e),
        (Ok(_), Err(e)) => Err(format!("cleanup failed: {e}")),
    }
}

/// The repository root (cases read `models/` and `../shared/corpus` in place).
pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

struct Row {
    group: &'static str,
    case: String,
    verdict: Verdict,
    seconds: f64,
}

/// Runs every group; returns the process exit status (0 when every case agrees).
pub fn run(groups: Vec<Group>) -> i32 {
    let started = Instant::now();
    let scratch = tempfile::tempdir().expect("scratch folder");
    let mut ctx = Ctx {
        work: scratch.path().to_path_buf(),
        cluster: None,
    };
    let mut rows = Vec::new();
    for group in groups {
        if group.needs_cluster && ctx.cluster.is_none() {
            match Cluster::up() {
                Ok(c) => ctx.cluster = Some(c),
                Err(e) => {
                    for case in group.cases {
                        let verdict = Err(format!("the cluster did not start: {e}"));
                        report(&mut rows, group.name, case.name, verdict, 0.0);
                    }
                    continue;
                }
            }
        }
        for case in group.cases {
            let t = Instant::now();
            let verdict = catch_unwind(AssertUnwindSafe(|| (case.run)(&ctx)))
                .unwrap_or_else(|p| Err(format!("the case panicked: {}", panic_text(&p))));
            report(
                &mut rows,
                group.name,
                case.name,
                verdict,
                t.elapsed().as_secs_f64(),
            );
        }
    }
    let mut leftovers = None;
    if let Some(cluster) = ctx.cluster.take() {
        leftovers = cluster.down().err();
    }
    let failed = rows.iter().filter(|r| r.verdict.is_err()).count();
    write_table(&rows, started.elapsed().as_secs_f64());
    if let Some(left) = &leftovers {
        println!("conformance: FAILED to clean up: {left}");
    }
    println!(
        "conformance: {} cases in {:.0} s",
        rows.len(),
        started.elapsed().as_secs_f64()
    );
    println!("{} passed, {} failed", rows.len() - failed, failed);
    i32::from(failed > 0 || leftovers.is_some())
}

fn report(rows: &mut Vec<Row>, group: &'static str, case: String, verdict: Verdict, seconds: f64) {
    let (word, detail) = match &verdict {
        Ok(d) => ("agree", d),
        Err(d) => ("DISAGREE", d),
    };
    println!("{group}/{case}: {word} ({seconds:.1} s) — {detail}");
    rows.push(Row {
        group,
        case,
        verdict,
        seconds,
    });
}

fn panic_text(p: &Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<String>()
        .cloned()
        .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

/// `target/conformance/report.md`: the table `docs/conformance.md` quotes.
fn write_table(rows: &[Row], total: f64) {
    let mut out = String::from(
        "| group | case | result | seconds | what was compared |\n|---|---|---|---|---|\n",
    );
    for r in rows {
        let (word, detail) = match &r.verdict {
            Ok(d) => ("agree", d),
            Err(d) => ("**disagree**", d),
        };
        let detail = detail.replace('|', "\\|").replace('\n', " ");
        out += &format!(
            "| {} | {} | {word} | {:.1} | {detail} |\n",
            r.group, r.case, r.seconds
        );
    }
    out += &format!("\n{} cases, {:.0} s in all.\n", rows.len(), total);
    let dir = repo().join("target/conformance");
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(dir.join("report.md"), out);
}
