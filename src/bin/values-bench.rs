//! Times the value parsers on ordinary inputs and on the slowest input the CPU parser accepts
//! (a 1000-character fraction, the `MAX_LEN` cap), to show that hostile values stay cheap.
//! Run by hand: `cargo run --release --bin values-bench`.

use std::hint::black_box;
use std::time::Instant;

use swarmproof::loading::values::{parse_cpus, parse_duration, parse_size};

fn time<T>(label: &str, iterations: u32, mut f: impl FnMut() -> T) {
    let start = Instant::now();
    for _ in 0..iterations {
        black_box(f());
    }
    let per = start.elapsed() / iterations;
    println!("{label:<48} {per:>12.2?} per call");
}

fn main() {
    time("parse_duration(\"1h2m3.5s\")", 1_000_000, || {
        parse_duration(black_box("1h2m3.5s"))
    });
    time("parse_size(\"32.3 mb\")", 1_000_000, || {
        parse_size(black_box("32.3 mb"))
    });
    time("parse_cpus(\"0.25\")", 1_000_000, || {
        parse_cpus(black_box("0.25"))
    });
    let fraction = format!("{}/{}", "9".repeat(600), "7".repeat(399));
    time("parse_cpus(600-digit / 399-digit fraction)", 1_000, || {
        parse_cpus(black_box(&fraction))
    });
    let decimal = format!("0.{}1e-5", "0".repeat(990));
    time("parse_cpus(1000-character decimal)", 1_000, || {
        parse_cpus(black_box(&decimal))
    });
}
