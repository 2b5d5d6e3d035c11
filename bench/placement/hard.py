#!/usr/bin/env python3
"""Hard placement families for swarmproof and the CP-SAT baseline, in gen.py's file format
(stack.yml, nodes.json as `docker node inspect`, meta.json with the verdict by construction).

usage: hard.py FAMILY --nodes N --seed S --out DIR [--load L]

Families (every node: 1 CPU and 1 GiB unless said otherwise, no labels, all workers):
- triplets: Falkenauer-style; 3 tasks per node whose CPUs (0.251-0.499) sum to exactly the
  node's CPU; feasible at 100 % CPU, one replicated service per distinct size.
- anticorrelated: 4 tasks per node whose CPU parts and memory parts each sum to the node's
  capacity, paired largest CPU with smallest memory; capacity = ceil(sum / load) per node
  (load 0.99 or 1.0); feasible.
- pigeonhole: N+1 tasks over 4 services, each task 0.51-0.60 CPU (more than half a node),
  total CPU below capacity; infeasible (no two share a node).
- pigeonhole-fill: N big tasks (0.55 CPU) over 4 services plus N small ones (0.45 CPU);
  feasible at 100 % CPU, only as one big + one small per node.
"""
import argparse
import json
import os
import random


def node(i, cpu_milli, mem_mib):
    return {
        "ID": f"{i:025d}",
        "Spec": {"Labels": {}, "Role": "worker", "Availability": "active"},
        "Description": {
            "Hostname": f"worker-{i:04d}",
            "Platform": {"Architecture": "x86_64", "OS": "linux"},
            "Resources": {"NanoCPUs": cpu_milli * 10**6, "MemoryBytes": mem_mib * 2**20},
            "Engine": {"EngineVersion": "27.3.1", "Labels": {}, "Plugins": []},
        },
        "Status": {"State": "ready", "Addr": f"10.1.{i // 250}.{i % 250 + 1}"},
    }


def stack(services):
    """services: list of (cpu_milli, mem_mib, replicas)."""
    lines = ['version: "3.8"', "services:"]
    for i, (cpu, mem, reps) in enumerate(services):
        lines += [
            f"  svc-{i:03d}:",
            "    image: nginx:1.25",
            "    deploy:",
            f"      replicas: {reps}",
            "      resources:",
            "        reservations:",
            f"          cpus: '{cpu / 1000:g}'",
            f"          memory: {mem}M",
        ]
    return "\n".join(lines) + "\n"


def grouped(items):
    counts = {}
    for it in items:
        counts[it] = counts.get(it, 0) + 1
    return [(c, m, k) for (c, m), k in sorted(counts.items())]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("family")
    ap.add_argument("--nodes", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--load", type=float, default=1.0)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    n = a.nodes
    caps = [(1000, 1024)] * n
    if a.family == "triplets":
        items = []
        for _ in range(n):
            while True:
                x = rng.randint(251, 499)
                y = rng.randint(251, 499)
                z = 1000 - x - y
                if 251 <= z <= 499:
                    break
            items += [(x, 16), (y, 16), (z, 16)]
        services, verdict = grouped(items), "feasible"
    elif a.family == "anticorrelated":
        items, caps = [], []
        for _ in range(n):
            cuts = sorted(rng.sample(range(50, 1000, 50), 3))
            cpu = [b - a_ for a_, b in zip([0] + cuts, cuts + [1000])]
            cuts = sorted(rng.sample(range(64, 1024, 64), 3))
            mem = [b - a_ for a_, b in zip([0] + cuts, cuts + [1024])]
            pairs = list(zip(sorted(cpu), sorted(mem, reverse=True)))
            items += pairs
            caps.append((-(-1000 * 100 // round(a.load * 100)), -(-1024 * 100 // round(a.load * 100))))
        services, verdict = grouped(items), "feasible"
    elif a.family == "pigeonhole":
        sizes = [510, 540, 570, 600]
        items = [(sizes[i % 4], 16) for i in range(n + 1)]
        services, verdict = grouped(items), "infeasible"
    elif a.family == "pigeonhole-fill":
        sizes = [(550, 16), (550, 32), (550, 48), (550, 64)]
        items = [sizes[i % 4] for i in range(n)] + [(450, 16)] * n
        services, verdict = grouped(items), "feasible"
    else:
        raise SystemExit(f"unknown family {a.family}")
    rng.shuffle(services)
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "stack.yml"), "w") as f:
        f.write(stack(services))
    with open(os.path.join(a.out, "nodes.json"), "w") as f:
        json.dump([node(i, c, m) for i, (c, m) in enumerate(caps)], f, indent=4)
    with open(os.path.join(a.out, "meta.json"), "w") as f:
        json.dump({"family": a.family, "nodes": n, "seed": a.seed, "load": a.load, "verdict": verdict}, f)


if __name__ == "__main__":
    main()
