//! Codes of the placement check (SP1000–SP1099): why a stack's tasks cannot all be placed, and
//! what would change that.

crate::declare_codes! {
    NO_ELIGIBLE_NODE = ("SP1000", "no-eligible-node", "no node can run the service's tasks",
        "Every node fails one of the scheduler's node filters for this service: not ready or not active (drained, paused, down), a placement constraint, the platform, or a missing plugin. Swarm accepts the deploy, then leaves every task Pending with `no suitable node (scheduling constraints not satisfied on N nodes)`.\n\nFix the constraint (a typo in a label name, `node.role == worker` on a swarm with managers only), or add the label to a node with `docker node update --label-add KEY=VALUE NODE`.");
    TASK_TOO_LARGE = ("SP1001", "task-too-large", "one task reserves more than any eligible node has",
        "A single task's reservation (CPU, memory or a generic resource) is larger than what every node the service may use offers (after the reservations of global services on it). Swarm leaves the task Pending with `no suitable node (insufficient resources on N nodes)`. Reservations drive scheduling; limits never do.\n\nLower the reservation, or add a larger node that matches the constraints.");
    TOO_FEW_SLOTS = ("SP1002", "too-few-slots", "more replicas than the eligible nodes can hold",
        "Each eligible node can hold only so many tasks of the service: at most one when it publishes a host-mode port, at most `max_replicas_per_node`, and no more than its free resources allow. The sum over the eligible nodes is smaller than the replica count, so some tasks stay Pending (`max replicas per node limit exceed`, `host-mode port already in use on N nodes`, `insufficient resources on N nodes`).\n\nLower the replicas, raise `max_replicas_per_node`, use an ingress-mode port, or add nodes that match the constraints.");
    OVERLOAD = ("SP1003", "overload", "services need more of a resource than their nodes offer",
        "The services shown can only run on the nodes shown, and their reservations of one resource add up to more than those nodes offer in total (after global services' reservations). No placement exists, whatever the scheduler does; the tasks that do not fit stay Pending with `no suitable node (insufficient resources on N nodes)`.\n\nLower replicas or reservations, widen the constraints so that more nodes qualify, or add capacity to the nodes that match.");
    HOST_PORT_SHORTAGE = ("SP1004", "host-port-shortage", "tasks publishing the same host port outnumber the nodes",
        "A host-mode published port can be bound by one task per node, across all services (HostPortFilter). The services shown publish the same host port, and together have more tasks than there are nodes they may use with that port free.\n\nPublish in ingress mode, lower replicas, or add nodes that match the constraints.");
    GLOBAL_TASK_MISFIT = ("SP1005", "global-task-misfit", "a global service's task cannot run on one of its nodes",
        "A global service gets one task on every node that matches its constraints and is not drained or down (reference §1.8). The orchestrator checks only the constraints; the scheduler then runs the full filter pipeline on that one node (§1.7). When the task does not fit (resources, host port, platform, plugin, node not ready), it stays Pending forever with an error such as `insufficient resources on 1 node`, while `docker service ls` shows fewer tasks than nodes.\n\nLower the global service's reservation, constrain it away from that node, or free the node.");
    DUPLICATE_HOST_PORT = ("SP1006", "duplicate-host-port", "a service publishes the same host port twice",
        "The same published port and protocol appears twice in one service. Swarm rejects such a spec, and a task could never bind both.\n\nRemove the duplicate port entry.");
    NO_PLACEMENT = ("SP1007", "no-placement", "the solver proved that no placement exists",
        "Every simple counting argument passes, but the SMT solver proved that the tasks cannot be packed onto the nodes: some node would have to exceed a reservation, a host port or `max_replicas_per_node`. The finding lists the rules and nodes of the smallest conflict found (an unsat core).\n\nApply one of the suggested changes, or lower the reservations of the services named.");
    PLACEMENT_UNKNOWN = ("SP1008", "placement-unknown", "placement could not be decided within the bounds",
        "The fast placement and the counting arguments did not decide the stack, and the SMT solver stopped at its timeout or size bound. swarmproof reports `unknown` rather than guess.\n\nRaise the timeout (`--timeout`), or simplify the stack; a bug report with `--dump-smt2` output helps.");
    FAILURE_NOT_TOLERATED = ("SP1009", "failure-not-tolerated", "losing some nodes leaves tasks without a node",
        "With the nodes shown lost (down), Swarm would reschedule their replicated tasks onto the remaining nodes; global tasks on them disappear. No placement of every task exists on what remains, so some tasks stay Pending until the nodes return.\n\nAdd spare capacity in the other failure domains, lower reservations, or spread constraints over more nodes.");
    SUGGESTION = ("SP1010", "placement-suggestion", "a smallest change that makes the stack placeable",
        "The SMT optimiser found the smallest change of one kind (fewest added nodes copied from an existing node, or fewest replicas removed) under which a placement exists. The suggestion has been checked: with the change, swarmproof found a placement and validated it.");
    NO_FAILURE_DOMAIN = ("SP1011", "no-failure-domain", "nodes lack the failure-domain label",
        "`--tolerate zone` loses one failure domain at a time, named by a node label (`zone` by default). Nodes without the label belong to no domain and are never lost in this check, so the answer says nothing about them.\n\nLabel every node: `docker node update --label-add zone=NAME NODE`.");
    PLAN_TOO_LARGE = ("SP1012", "plan-too-large", "the stack has more tasks than a plan may hold",
        "swarmproof materialises and validates every task of a plan; above the bound it does not, and the verdict is `unknown` unless a counting argument already refutes the stack. Replica counts in the millions are usually a typo.\n\nCheck the replica counts.");
    GLOBAL_NO_NODE = ("SP1013", "global-no-node", "a global service matches no node",
        "A global service runs one task per matching node. No node matches, so the service has zero tasks, and Swarm reports it as converged.\n\nCheck the service's constraints against the inventory.");
    INTERNAL_INVALID_PLAN = ("SP1099", "internal-invalid-plan", "a produced plan failed validation (a bug)",
        "swarmproof re-checks every plan with an independent validator before reporting it. This plan failed, which is a bug in swarmproof; the verdict is `unknown`.\n\nPlease report it with the `--dump-smt2` output.");
}
