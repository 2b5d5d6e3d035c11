//! Benchmark instances, generated from a seed. A feasible instance is built around a hidden
//! placement: each node is filled with random tasks of the services it is eligible for up to
//! `load` percent of its capacity, and the replica counts are read off that fill, so a
//! placement exists by construction. An overloaded instance (load > 100) scales those replica
//! counts until the total CPU or memory demand exceeds the cluster's capacity by the excess.

use crate::model::{
    units::NANO_CPUS_PER_CPU, Cluster, Constraint, Mode, Node, Service, Spanned, Stack,
};
use crate::swarm::filters::constraints_hold;

/// What to generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InstanceSpec {
    pub nodes: usize,
    /// Approximate number of replicated tasks.
    pub tasks: u64,
    /// Percent of capacity the tasks reserve; above 100 the instance is infeasible.
    pub load_percent: u64,
    pub services: usize,
    pub seed: u64,
}

/// splitmix64: small, seedable, good enough to vary instances.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

const MIB: u64 = 1 << 20;

/// A stack and cluster as described by `spec`. Nodes come in two sizes and two tiers (label
/// `tier`), spread over three zones (label `zone`); half of the services are constrained to a
/// tier; one global service (an agent) runs everywhere.
pub fn generate(spec: InstanceSpec) -> (Stack, Cluster) {
    let mut rng = Rng(spec.seed);
    let services = spec.services.max(1);
    let load = spec.load_percent.clamp(1, 100);

    // Task sizes: 0.1–1.0 CPU in steps of 0.05, 64–1024 MiB in steps of 64 MiB.
    let mut stack = Stack {
        name: "bench".to_string(),
        ..Stack::default()
    };
    let mut mean_cpu = 0u64;
    let mut mean_mem = 0u64;
    for i in 0..services {
        let mut s = Service::new(format!("svc{i}"));
        let cpu = (2 + rng.below(19)) * NANO_CPUS_PER_CPU / 20;
        let mem = (1 + rng.below(16)) * 64 * MIB;
        mean_cpu += cpu / services as u64;
        mean_mem += mem / services as u64;
        s.resources.reservations.nano_cpus = Spanned::default_value(cpu);
        s.resources.reservations.memory_bytes = Spanned::default_value(mem);
        if i % 2 == 1 {
            let tier = if i % 4 == 1 { "a" } else { "b" };
            if let Ok(c) = Constraint::parse(&format!("node.labels.tier == {tier}")) {
                s.placement.constraints.push(Spanned::default_value(c));
            }
        }
        stack.services.push(s);
    }
    let mut agent = Service::new("agent");
    agent.mode = Spanned::default_value(Mode::Global);
    agent.resources.reservations.nano_cpus = Spanned::default_value(NANO_CPUS_PER_CPU / 10);
    agent.resources.reservations.memory_bytes = Spanned::default_value(64 * MIB);
    stack.services.push(agent);

    // Node size: enough for tasks/nodes mean tasks at `load` percent, in whole CPUs and GiB.
    let per_node = (spec.tasks / spec.nodes.max(1) as u64).max(1);
    let cpus = (per_node * mean_cpu * 100 / load / NANO_CPUS_PER_CPU).max(1) + 1;
    let gib = ((per_node * mean_mem * 100 / load) >> 30).max(1) + 1;
    let mut nodes = Vec::with_capacity(spec.nodes);
    for n in 0..spec.nodes {
        let mut node = Node::new(format!("node{n}"));
        // Three small nodes (0.8 × the mean) to one big (1.6 ×): the mean is as computed.
        let scale = if n % 4 == 3 { 8 } else { 4 };
        node.nano_cpus = (cpus * scale / 5).max(1) * NANO_CPUS_PER_CPU;
        node.memory_bytes = (gib * scale / 5).max(1) << 30;
        node.labels
            .insert("tier".into(), if n % 2 == 0 { "a" } else { "b" }.into());
        node.labels.insert("zone".into(), format!("z{}", n % 3));
        nodes.push(node);
    }
    let cluster = Cluster::new(nodes);

    // The hidden placement: fill every node up to `load` percent.
    let agent_cpu = NANO_CPUS_PER_CPU / 10;
    let agent_mem = 64 * MIB;
    let mut replicas = vec![0u64; services];
    let (mut used_cpu, mut used_mem, mut cap_cpu, mut cap_mem) = (0u128, 0u128, 0u128, 0u128);
    for node in &cluster.nodes {
        let budget_cpu = node.nano_cpus / 100 * load;
        let budget_mem = node.memory_bytes / 100 * load;
        let (mut cpu, mut mem) = (agent_cpu, agent_mem);
        let eligible: Vec<usize> = (0..services)
            .filter(|&i| constraints_hold(&stack.services[i], node))
            .collect();
        let mut misses = 0;
        while misses < 20 && !eligible.is_empty() {
            let i = eligible[rng.below(eligible.len() as u64) as usize];
            let r = &stack.services[i].resources.reservations;
            if cpu + *r.nano_cpus <= budget_cpu && mem + *r.memory_bytes <= budget_mem {
                cpu += *r.nano_cpus;
                mem += *r.memory_bytes;
                replicas[i] += 1;
                misses = 0;
            } else {
                misses += 1;
            }
        }
        used_cpu += u128::from(cpu - agent_cpu);
        used_mem += u128::from(mem - agent_mem);
        cap_cpu += u128::from(node.nano_cpus - agent_cpu);
        cap_mem += u128::from(node.memory_bytes - agent_mem);
    }
    if spec.load_percent > 100 {
        // Scale so that the more loaded dimension needs load_percent of what is free.
        let (num, den) = if used_cpu * cap_mem >= used_mem * cap_cpu {
            (cap_cpu * u128::from(spec.load_percent), used_cpu * 100)
        } else {
            (cap_mem * u128::from(spec.load_percent), used_mem * 100)
        };
        for r in &mut replicas {
            *r = u64::try_from((u128::from(*r) * num).div_ceil(den.max(1))).unwrap_or(u64::MAX);
        }
    }
    for (s, r) in stack.services.iter_mut().zip(replicas) {
        s.mode = Spanned::default_value(Mode::Replicated { replicas: r });
    }
    (stack, cluster)
}
