//! Times `graph::check` and the renderers on synthetic stacks (run by hand, `--release`):
//! N services, each declaring up to 3 dependencies on earlier services and naming 2 more as
//! hosts in its environment (so inferred edges form large mutual-reference components), over
//! 10 networks. Usage: `cargo run --release --bin graph-bench -- [N...]`.

use std::time::Instant;

use swarmproof::graph::{check, render};
use swarmproof::model::{Dependency, NetworkAttachment, Service, Stack};

/// A deterministic linear congruential generator, so runs are comparable.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % n.max(1) as u64) as usize
    }
}

fn stack(n: usize) -> Stack {
    let mut rng = Lcg(42);
    let services = (0..n)
        .map(|i| {
            let mut s = Service::new(format!("s{i}"));
            s.networks = vec![NetworkAttachment {
                name: format!("net{}", i % 10),
                aliases: Vec::new(),
                span: None,
            }];
            if i > 0 {
                for _ in 0..3 {
                    s.depends_on.push(Dependency {
                        service: format!("s{}", rng.below(i)),
                        condition: None,
                        span: None,
                    });
                }
            }
            for k in 0..2 {
                s.environment.push((
                    format!("PEER{k}_URL"),
                    Some(format!("http://s{}:80", rng.below(n))),
                    None,
                ));
            }
            s
        })
        .collect();
    Stack {
        name: "bench".into(),
        services,
        ..Stack::default()
    }
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![100, 1_000, 5_000]
    } else {
        sizes
    };
    for n in sizes {
        let st = stack(n);
        let t = Instant::now();
        let g = check(&st, None);
        let checked = t.elapsed();
        let t = Instant::now();
        let dot = render::dot(&st, &g.dependencies);
        let rendered = t.elapsed();
        println!(
            "{n} services, {} edges, {} cycles, {} layers, {} findings: check {:.1} ms, dot {:.1} ms ({} bytes)",
            g.dependencies.edges.len(),
            g.cycles.len(),
            g.layers.as_ref().map_or(0, Vec::len),
            g.diagnostics.len(),
            checked.as_secs_f64() * 1e3,
            rendered.as_secs_f64() * 1e3,
            dot.len()
        );
    }
}
