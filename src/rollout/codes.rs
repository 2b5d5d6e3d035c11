//! Codes of the rolling-update check (SP3000–SP3099).

crate::declare_codes! {
    AVAILABILITY = ("SP3001", "rollout-availability", "error / warning",
        "during the update fewer tasks run than the service needs",
        "swarmproof explored every order in which the update's events can happen (workers taking slots, the scheduler placing tasks, tasks starting and stopping, monitor windows and delays elapsing, up to K injected task failures) and found a moment where fewer tasks are running (and not being stopped) than the service's minimum. The minimum is `x-swarmproof: {min_available: N}` on the service, or by default what the update config promises: replicas − parallelism for stop-first, all replicas for start-first. Each injected failure lowers the minimum by one. An error when the minimum is required (`min_available`, or `--strict`); a warning when it is only what the update config implies.\n\nWith stop-first, Swarm stops up to `parallelism` old tasks before their replacements run; `parallelism: 0` means all at once. A rollback uses the rollback_config of the spec rolled back to, whose defaults are stop-first and parallelism 1.\n\nFix: lower `parallelism`, use `order: start-first` where the cluster has room for the extra task, or set rollback_config to match update_config.");
    FULL_OUTAGE = ("SP3002", "rollout-full-outage", "error / info",
        "a one-replica service has no running task during the update",
        "With one replica and `order: stop-first` (the default), Swarm shuts the only task down before it starts the new one, so every deploy is an outage lasting the new task's pull, start and healthcheck.\n\nThis is Swarm's documented default, so it is one note per stack listing the services; it is an error, per service and with its timeline, where availability is required: `x-swarmproof: {min_available: 1}` on the service, or `--strict`. It needs no inventory.\n\nFix: `update_config: {order: start-first}` (and the same in rollback_config), provided the node has room for a second task (no fixed host-mode port, no max_replicas_per_node: 1, enough reserved resources), or run two replicas.");
    SURGE_DOES_NOT_FIT = ("SP3003", "rollout-surge-does-not-fit", "error",
        "a replacement task does not fit on any node and stays Pending",
        "With start-first, the new task is created while the old one still runs and holds its reserved CPU and memory (a task being shut down keeps its reservation until it has stopped). If no node has room for one more task, the scheduler leaves the new task Pending with \"no suitable node (insufficient resources on N nodes)\", and the updater waits for it without a timeout.\n\nFix: keep headroom of one task's reservation on some eligible node, lower the reservation, or use stop-first.");
    PLACEMENT_DEADLOCK = ("SP3004", "rollout-placement-deadlock", "error",
        "a replacement task is blocked by a host-mode port or max_replicas_per_node",
        "With start-first, the old task keeps its host-mode published port and counts against max_replicas_per_node until the new one runs (moby/moby#40797). If every eligible node already has a task of the service, the new task stays Pending (\"host-mode port already in use on N nodes\" or \"max replicas per node limit exceed\") and the update waits forever: Pending is not a failure, so failure_action never fires.\n\nFix: use stop-first, ingress-mode ports, a higher max_replicas_per_node, or keep a spare eligible node.");
    HANG = ("SP3005", "rollout-hang", "error",
        "the update can reach a state from which it never finishes",
        "The Swarm updater has no timeout: a worker waits until its new task is at least RUNNING. swarmproof found a reachable state where no event can move the update on, so it stays UPDATING (or ROLLBACK_STARTED) forever and `docker service ps` shows a task Pending or a worker waiting.\n\nFix the cause shown in the timeline (usually a replacement task that no node accepts).");
    FAILURE_UNHANDLED = ("SP3006", "rollout-failure-unhandled", "error / warning",
        "a failing update can end COMPLETED without pausing or rolling back",
        "Swarm counts a failure only for tasks this update created, that fail before RUNNING or within `monitor` of reaching RUNNING, and only if failure_action is not `continue`; it acts when failures ÷ dirty slots is strictly greater than max_failure_ratio. A task that fails after the window (a healthcheck that needs interval × retries to declare it unhealthy, or a crash while the worker sleeps a `delay` longer than `monitor`) is not counted, and with `continue` nothing is counted at all: the update is reported completed with broken tasks.\n\nFix: make `monitor` longer than the healthcheck needs and than `delay`, use failure_action pause or rollback, and pick max_failure_ratio below the fraction you mean (e.g. 0.2 so that 1 failure of 4 acts).");
    PAUSE_NEEDS_PERSON = ("SP3007", "rollout-pause-needs-person", "info",
        "the update can pause and then waits for a person",
        "With failure_action pause (the default) a failure stops the update in PAUSED (or ROLLBACK_PAUSED during a rollback): \"update paused due to failure or early termination of task\". Nothing proceeds until someone runs `docker service update` or `docker service rollback`. This is reported, once per stack with the services it concerns, so that deploy tooling treats a paused update as a failed deploy; it is Swarm's default, so information.\n\nUse failure_action rollback if a failed deploy should undo itself.");
    DELAY_EXCEEDS_MONITOR = ("SP3010", "rollout-delay-exceeds-monitor", "warning (error with --strict)",
        "update delay is longer than monitor, so failures during the delay are not counted",
        "A task's failures are counted only within `monitor` of it reaching RUNNING. The worker waits `delay` before the next slot, so a task that fails between `monitor` and `delay` after starting is not counted and the update moves on. Only after the last slot does Swarm stretch the final watch to delay + 1s.\n\nFix: set monitor ≥ delay.");
    MONITOR_SHORTER_THAN_HEALTHCHECK = ("SP3011", "rollout-monitor-shorter-than-healthcheck", "warning (error with --strict)",
        "monitor ends before the healthcheck can declare a task unhealthy",
        "A running task is declared unhealthy only after `retries` failed probes, `interval` apart (Docker's defaults: 30s × 3 = 90s). If `monitor` (default 5s) is shorter, a new version that passes its first probe and then turns unhealthy fails outside the monitor window: Swarm does not count it and the update completes.\n\nFix: monitor ≥ interval × retries (plus start_period if the task can fail while starting).");
    DURATION_EXCEEDS_LIMIT = ("SP3012", "rollout-duration-exceeds-limit", "error",
        "the update can take longer than max_update_duration",
        "From parallelism, delay, monitor, the healthcheck timings and stop_grace_period, swarmproof bounds how long the update takes in the best and the worst case (image pulls and start-up times not included). The worst case exceeds `x-swarmproof: {max_update_duration}`.\n\nFix: raise parallelism, shorten delay or monitor, or raise the limit.");
    INCOMPLETE = ("SP3020", "rollout-incomplete", "warning",
        "the update model was not fully explored",
        "The search stopped at --max-states, --timeout or its memory bound before visiting every state, so swarmproof cannot say the update is safe. Any counterexample it reports is still real (it was replayed).\n\nRaise the bounds, lower -k, or check a smaller replica count with the same config.");
    NOT_MODELLED = ("SP3021", "rollout-not-modelled", "info",
        "the service's update is not model-checked",
        "The service is a job (jobs have no rolling update), has constraints that do not parse, or exceeds the model's size limits (255 nodes, 65535 slots). Nothing is claimed about its update.");
}
