//! The Explorer in a browser: `swarmproof update` prints the command that starts the Explorer
//! and the URL of a counterexample; this test starts that Explorer on a free loopback port,
//! loads the URL in headless Chromium and reads the page it rendered. Skipped, loudly, when no
//! `chromium` is installed (`.ci/run` installs it).

use std::io::Read as _;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::thread::sleep;
use std::time::Duration;

/// Kills its process when dropped, so that a failing assertion leaves nothing running.
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser"].into_iter().find(|c| {
        Command::new(c)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
}

fn free_port() -> u16 {
    let l = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    l.local_addr().unwrap().port()
}

/// Waits, a bounded number of times, for something to accept connections on `addr`.
fn await_listening(addr: SocketAddr, server: &mut KillOnDrop) {
    for _ in 0..600 {
        if TcpStream::connect(addr).is_ok() {
            return;
        }
        if let Some(status) = server.0.try_wait().unwrap() {
            let mut err = String::new();
            if let Some(e) = server.0.stderr.as_mut() {
                let _ = e.read_to_string(&mut err);
            }
            panic!("the Explorer exited ({status}) before listening: {err}");
        }
        sleep(Duration::from_millis(100));
    }
    panic!("the Explorer never listened on {addr}");
}

/// The rendered DOM of `url`, with Chromium bounded to a few minutes of real time.
fn dump_dom(browser: &str, url: &str) -> String {
    let profile = tempfile::tempdir().unwrap();
    let mut child = KillOnDrop(
        Command::new(browser)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--virtual-time-budget=15000",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .args(["--dump-dom", url])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut out = child.0.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut dom = String::new();
        let _ = out.read_to_string(&mut dom);
        dom
    });
    for _ in 0..1800 {
        if child.0.try_wait().unwrap().is_some() {
            return reader.join().unwrap();
        }
        sleep(Duration::from_millis(100));
    }
    panic!("chromium did not finish rendering {url}");
}

#[test]
fn a_counterexample_url_shows_the_named_nodes_in_chromium() {
    let Some(browser) = chromium() else {
        eprintln!("################################################################");
        eprintln!("## EXPLORER BROWSER TEST SKIPPED: no chromium on PATH          ##");
        eprintln!("## (apt-get install chromium; .ci/run installs it).            ##");
        eprintln!("################################################################");
        return;
    };
    let bin = env!("CARGO_BIN_EXE_swarmproof");
    let update = Command::new(bin)
        .args(["update", "models/ha-web", "--service", "db"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&update.stdout);
    let command = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("step through it in the Explorer: "))
        .unwrap_or_else(|| panic!("no Explorer command in:\n{text}"));
    let url = text
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("no-full-outage: http://127.0.0.1:3000/")
        })
        .unwrap_or_else(|| panic!("no counterexample URL in:\n{text}"));
    let mut args: Vec<&str> = command.split_whitespace().collect();
    assert_eq!(args.first(), Some(&"swarmproof"), "{command}");
    assert_eq!(&args[args.len() - 2..], ["--listen", "127.0.0.1:3000"]);
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, free_port()));
    let listen = addr.to_string();
    let n = args.len();
    args[n - 1] = &listen;
    // The Explorer writes its page's script under the temporary directory: this test's own.
    let tmp = tempfile::tempdir().unwrap();
    let mut server = KillOnDrop(
        Command::new(bin)
            .args(&args[1..])
            .env("TMPDIR", tmp.path())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    await_listening(addr, &mut server);

    let dom = dump_dom(browser, &format!("http://{addr}/{url}"));
    // The state pane names the inventory's hosts and the service's tasks.
    for host in ["worker-a", "worker-b", "worker-c", "manager-a"] {
        assert!(dom.contains(&format!("node {host}")), "{host} in:\n{dom}");
    }
    assert!(dom.contains("update of db: UPDATING"), "{dom}");
    assert!(dom.contains("db.1 old"), "{dom}");
    assert!(!dom.contains("on node "), "raw state in:\n{dom}");
    // The actions are named, the path was followed, the legend is there.
    assert!(dom.contains("updater takes db.1"), "{dom}");
    assert!(dom.contains("Legend"), "{dom}");
    assert!(dom.contains("hostnames of the inventory"), "{dom}");
    // The page's script is swarmproof's: text icons, no emoji.
    assert!(
        !dom.contains('\u{2705}') && !dom.contains('\u{1F50E}'),
        "{dom}"
    );
}

/// `explore raft` and `explore update` on `listen`: both refuse with exit 2 and `message`.
fn both_refuse(listen: &str, message: &str) {
    let bin = env!("CARGO_BIN_EXE_swarmproof");
    let update = [
        "explore",
        "update",
        "db",
        "models/ha-web",
        "--listen",
        listen,
    ];
    let raft = ["explore", "raft", "--listen", listen];
    for args in [&update[..], &raft[..]] {
        let out = Command::new(bin).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(message), "{args:?}: {err}");
    }
}

#[test]
fn the_explorer_listens_on_loopback_only_and_says_when_the_port_is_taken() {
    both_refuse("0.0.0.0:3000", "only listens on a loopback address");
    both_refuse("192.0.2.1:3000", "only listens on a loopback address");
    let taken = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    both_refuse(&addr, &format!("cannot listen on {addr}"));
}
