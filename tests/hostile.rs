//! Hostile inputs: alias bombs, huge counts, huge strings, deep nesting, bytes that are not
//! text, paths that loop or are not files. Each must be answered with exit status 1 or 2 and a
//! message that names the file (and the line, where there is one), never a panic or a hang.
//!
//! Every child runs under resource limits (`setrlimit`: 1 GiB of data, 60 s of CPU), so a case
//! that blew up would be killed by a signal and fail its exit-status assertion; no assertion is
//! about timing. Each case prints its wall time and peak memory (`cargo test --test hostile --
//! --nocapture`), the figures of docs/reliability.md.

use std::io::Read;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

const DATA_LIMIT: u64 = 1 << 30;
const CPU_LIMIT_SECS: u64 = 60;

struct Outcome {
    code: i32,
    stdout: String,
    stderr: String,
}

fn set_limit(resource: libc::__rlimit_resource_t, value: u64) -> std::io::Result<()> {
    let limit = libc::rlimit {
        rlim_cur: value,
        rlim_max: value,
    };
    // SAFETY: setrlimit only reads the struct; it runs in the child between fork and exec.
    match unsafe { libc::setrlimit(resource, &limit) } {
        0 => Ok(()),
        _ => Err(std::io::Error::last_os_error()),
    }
}

/// Runs swarmproof with `args` in `dir` under the limits; prints the case's figures.
fn run(case: &str, dir: &Path, args: &[&str]) -> Outcome {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("swarmproof"));
    cmd.args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // SAFETY: the closure calls only setrlimit, which is async-signal-safe.
    unsafe {
        cmd.pre_exec(|| {
            set_limit(libc::RLIMIT_DATA, DATA_LIMIT)?;
            set_limit(libc::RLIMIT_CPU, CPU_LIMIT_SECS)
        });
    }
    let start = Instant::now();
    // Reaped by wait4 below, which std does not know of.
    #[allow(clippy::zombie_processes)]
    let mut child = cmd.spawn().expect("swarmproof starts");
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = r.read_to_end(&mut buf);
            String::from_utf8_lossy(&buf).into_owned()
        })
    };
    let out = drain(Box::new(child.stdout.take().unwrap()));
    let err = drain(Box::new(child.stderr.take().unwrap()));
    // wait4, not Child::wait: it also gives the child's peak resident memory.
    let mut status = 0;
    // SAFETY: a zeroed rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child, whose pid std gave us; std never waits for it.
    let pid = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    assert_eq!(pid, child.id() as i32, "wait4 failed");
    let secs = start.elapsed().as_secs_f64();
    let status = std::process::ExitStatus::from_raw(status);
    let outcome = Outcome {
        code: status.code().unwrap_or(-1),
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    };
    println!(
        "hostile case {case}: exit {:?} (signal {:?}), {secs:.2} s, peak {} MB, {} bytes out",
        status.code(),
        status.signal(),
        usage.ru_maxrss / 1024,
        outcome.stdout.len() + outcome.stderr.len()
    );
    outcome
}

/// A temporary folder holding the given files.
fn folder(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    dir
}

/// `check FILE` on one written file.
fn check_file(case: &str, name: &str, bytes: &[u8]) -> Outcome {
    let dir = folder(&[(name, bytes)]);
    run(case, dir.path(), &["check", name])
}

fn assert_answer(o: &Outcome, code: i32, needles: &[&str]) {
    assert_eq!(
        o.code,
        code,
        "stdout:\n{}\nstderr:\n{}",
        head(&o.stdout),
        head(&o.stderr)
    );
    let both = format!("{}{}", o.stdout, o.stderr);
    for n in needles {
        assert!(both.contains(n), "no {n:?} in:\n{}", head(&both));
    }
    assert!(!both.contains("panicked"), "{}", head(&both));
}

fn head(s: &str) -> &str {
    let mut end = s.len().min(2000);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

fn services(n: usize) -> String {
    let mut s = String::from("services:\n");
    for i in 0..n {
        s.push_str(&format!("  s{i}: {{image: x}}\n"));
    }
    s
}

#[test]
fn an_alias_bomb_is_refused_at_the_alias_that_breaks_the_budget() {
    let mut text = String::from("x-bomb:\n  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 10].join(", ");
        text.push_str(&format!("  a{i}: &a{i} [{refs}]\n"));
    }
    text.push_str("services:\n  web:\n    image: nginx\n");
    let o = check_file("alias bomb", "bomb.yml", text.as_bytes());
    assert_answer(
        &o,
        1,
        &[
            "error[SP0002]",
            "more than 250,000 YAML nodes",
            "bomb.yml:7:",
        ],
    );
}

#[test]
fn a_million_services_are_refused_by_the_input_size_limit() {
    let o = check_file(
        "10^6 services (21 MB)",
        "big.yml",
        services(1_000_000).as_bytes(),
    );
    assert_answer(
        &o,
        2,
        &["error[SP0008]", "cannot read big.yml", "larger than 16 MiB"],
    );
}

#[test]
fn two_hundred_thousand_services_stop_at_the_yaml_node_budget() {
    let o = check_file(
        "2*10^5 services (4 MB)",
        "many.yml",
        services(200_000).as_bytes(),
    );
    assert_answer(&o, 1, &["error[SP0002]", "many.yml:62501:"]);
}

#[test]
fn a_billion_replicas_are_counted_not_materialised() {
    let dir = folder(&[
        (
            "stack.yml",
            b"services:\n  web:\n    image: nginx\n    deploy:\n      replicas: 1000000000\n",
        ),
        (
            "nodes.yml",
            b"nodes:\n  - {hostname: m, role: manager, resources: {cpus: 4, memory: 8G}}\n  - {hostname: w, role: worker, resources: {cpus: 4, memory: 8G}}\n",
        ),
    ]);
    let o = run("10^9 replicas", dir.path(), &["check", "."]);
    assert_answer(
        &o,
        1,
        &[
            "warning[SP1012]: the stack has 1000000000 tasks",
            "placement: unknown",
            "scheduler: unknown",
        ],
    );
}

#[test]
fn a_hundred_thousand_nodes_stop_at_the_yaml_node_budget() {
    let mut nodes = String::from("nodes:\n");
    for i in 0..100_000 {
        nodes.push_str(&format!(
            "  - {{hostname: n{i}, role: worker, resources: {{cpus: 4, memory: 8G}}}}\n"
        ));
    }
    let dir = folder(&[
        ("stack.yml", b"services:\n  web:\n    image: nginx\n"),
        ("nodes.yml", nodes.as_bytes()),
    ]);
    let o = run("10^5 nodes (7 MB)", dir.path(), &["check", "."]);
    assert_answer(&o, 1, &["error[SP0002]", "nodes.yml:22729:"]);
}

#[test]
fn megabyte_strings_are_read_and_judged() {
    let big = "a".repeat(1 << 20);
    let text = format!(
        "services:\n  web:\n    image: \"{big}\"\n    deploy:\n      replicas: \"{big}\"\n"
    );
    let o = check_file("1 MB strings", "strings.yml", text.as_bytes());
    assert_answer(
        &o,
        1,
        &[
            "error[SP0102]",
            "replicas must be an integer",
            "strings.yml:5:17",
        ],
    );
    // A key longer than YAML's 1024-character limit on implicit keys is a syntax error.
    let text = format!("services:\n  web:\n    image: nginx\n    environment:\n      {big}: v\n");
    let o = check_file("1 MB key", "key.yml", text.as_bytes());
    assert_answer(&o, 1, &["error[SP0001]", "key.yml:5:"]);
}

#[test]
fn deep_nesting_is_refused_where_it_gets_too_deep() {
    let flow = format!("x: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    let o = check_file("deep flow nesting (10^5)", "flow.yml", flow.as_bytes());
    assert_answer(
        &o,
        1,
        &["error[SP0001]", "recursion limit exceeded", "flow.yml:1:"],
    );
    let mut block = String::from("services:\n  web:\n    image: nginx\nx-deep:\n");
    for i in 0..1000 {
        block.push_str(&format!("{}a:\n", "  ".repeat(i + 1)));
    }
    let o = check_file("deep block nesting (10^3)", "block.yml", block.as_bytes());
    assert_answer(
        &o,
        1,
        &[
            "error[SP0002]",
            "nesting deeper than 64 levels",
            "block.yml:68:",
        ],
    );
}

#[test]
fn bytes_that_are_not_text_are_refused() {
    let o = check_file(
        "invalid UTF-8",
        "latin1.yml",
        b"services:\n  web:\n    image: \"ng\xff\xfeinx\"\n",
    );
    assert_answer(&o, 2, &["cannot read latin1.yml: it is not UTF-8 text"]);
    let o = check_file(
        "NUL bytes",
        "nul.yml",
        b"services:\n  web:\n    image: nginx\x00\n",
    );
    assert_answer(&o, 2, &["cannot read nul.yml: it is a binary file"]);
}

#[test]
fn an_endless_file_is_refused_by_the_input_size_limit() {
    let o = run("/dev/zero", Path::new("/"), &["check", "-f", "/dev/zero"]);
    assert_answer(&o, 2, &["cannot read /dev/zero", "larger than 16 MiB"]);
}

#[test]
fn symlink_loops_in_f_paths_are_refused() {
    let dir = folder(&[("ok.yml", b"services:\n  web:\n    image: nginx\n")]);
    let at = |n: &str| dir.path().join(n);
    std::os::unix::fs::symlink("b.yml", at("a.yml")).unwrap();
    std::os::unix::fs::symlink("a.yml", at("b.yml")).unwrap();
    std::os::unix::fs::symlink("self.yml", at("self.yml")).unwrap();
    let o = run(
        "symlink loop",
        dir.path(),
        &["check", "-f", "ok.yml", "-f", "a.yml"],
    );
    assert_answer(&o, 2, &["cannot read a.yml", "symbolic links"]);
    let o = run(
        "self-referencing symlink",
        dir.path(),
        &["check", "-f", "self.yml"],
    );
    assert_answer(&o, 2, &["cannot read self.yml", "symbolic links"]);
}

#[test]
fn a_folder_given_as_a_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("stack.yml")).unwrap();
    let o = run("a folder as -f", dir.path(), &["check", "-f", "stack.yml"]);
    assert_answer(
        &o,
        2,
        &["cannot read stack.yml: it is a folder, not a file"],
    );
    let o = run(
        "a folder as --nodes",
        dir.path(),
        &["check", "-f", "/dev/null", "--nodes", "."],
    );
    assert_answer(&o, 2, &["cannot read .: it is a folder, not a file"]);
}

#[test]
fn an_unreadable_file_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        // root reads a mode-000 file anyway; the folder case above covers an unreadable input.
        println!("hostile case mode 000: skipped, running as root");
        return;
    }
    let dir = folder(&[("secret.yml", b"services: {}\n")]);
    let path: PathBuf = dir.path().join("secret.yml");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    let o = run("mode 000", dir.path(), &["check", "secret.yml"]);
    assert_answer(&o, 2, &["cannot read secret.yml", "ermission denied"]);
}

#[test]
fn a_stack_given_twice_through_f_is_merged_with_itself_once() {
    // docker stack deploy -c a.yml -c a.yml merges the file with itself: the same stack, and
    // each of its errors reported once, at its place.
    let dir = folder(&[(
        "a.yml",
        b"services:\n  web:\n    image: nginx\n    deploy:\n      replicas: many\n",
    )]);
    let o = run(
        "a stack given twice",
        dir.path(),
        &["check", "-f", "a.yml", "-f", "a.yml"],
    );
    assert_answer(&o, 1, &["error[SP0102]", "a.yml:5:17"]);
    assert_eq!(o.stdout.matches("error[SP0102]").count(), 1, "{}", o.stdout);
}

#[test]
fn max_memory_cuts_the_update_search_and_says_so() {
    let models = concat!(env!("CARGO_MANIFEST_DIR"), "/models/web");
    let o = run(
        "--max-memory 1K",
        Path::new("/"),
        &["check", models, "--max-memory", "1K"],
    );
    assert_answer(
        &o,
        0,
        &[
            "rollout: unknown",
            "stopped at the memory bound (--max-memory)",
            "SP3020",
        ],
    );
}

#[test]
fn max_memory_cuts_the_raft_search_and_says_so() {
    let o = run(
        "raft --max-memory 64K",
        Path::new("/"),
        &["raft", "--managers", "3", "--max-memory", "64K"],
    );
    assert_answer(&o, 0, &["unknown", "SP4051", "at its memory budget"]);
}

#[test]
fn timeout_bounds_the_run_and_must_be_positive() {
    let models = concat!(env!("CARGO_MANIFEST_DIR"), "/models/web");
    let o = run(
        "--timeout 0",
        Path::new("/"),
        &["check", models, "--timeout", "0"],
    );
    assert_answer(&o, 2, &["--timeout <SECONDS>", "0 is not in 1.."]);
    // Far from the deadline every check finishes as without one.
    let o = run(
        "--timeout 600",
        Path::new("/"),
        &["check", models, "--timeout", "600"],
    );
    assert_answer(
        &o,
        0,
        &["placement: holds", "rollout: holds", "scheduler: holds"],
    );
}
