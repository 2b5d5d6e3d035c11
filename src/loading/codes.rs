//! Codes of the load-time checks: input and YAML (SP00xx), schema and values (SP01xx),
//! constraints and preferences (SP02xx), node inventory (SP03xx).

crate::declare_codes! {
    YAML_SYNTAX = ("SP0001", "yaml-syntax", "error", "the file is not valid YAML",
        "The file could not be parsed as YAML; docker stack deploy stops at the same place.\n\nFix the syntax at the location shown. Common causes are a tab used for indentation, an unclosed bracket or quote, or an unquoted value containing `: `.");
    YAML_BUDGET = ("SP0002", "yaml-budget", "error", "the document expands beyond the allowed size",
        "Anchors and aliases can make a small file expand into a huge document (the \"billion laughs\" attack), and very deep nesting can exhaust the stack. swarmproof caps the nodes, aliases and depth a document may expand to and refuses the file when the cap is reached.\n\nA real stack file never comes near the cap: look for aliases that refer to other aliases many times over.");
    NOT_A_MAPPING = ("SP0003", "not-a-mapping", "error", "the file is not a mapping of top-level keys",
        "A stack file is a YAML mapping with `version`, `services`, `networks`, `volumes`, `secrets`, `configs` and `x-*` keys; an inventory is a mapping with `nodes` or a JSON array from `docker node inspect`. An empty file, a list or a scalar at the top level is neither.");
    VERSION_UNSUPPORTED = ("SP0004", "version-unsupported", "error", "the Compose file version is not one docker stack deploy accepts",
        "docker stack deploy validates against the 3.x schemas it embeds (3.0 to 3.13). A missing `version`, `\"3\"` or `\"\"` means 3.13. Version 2.x files and anything else are refused with \"unsupported Compose file version\". `version` must be a string: `version: 3.8` unquoted is a number, and Docker says \"version must be a string\".\n\nFix: `version: \"3.8\"` (quoted), or remove the key.");
    VERSION_MISMATCH = ("SP0005", "version-mismatch", "error", "files given together declare different versions",
        "When several files are given with `-c`, docker stack deploy requires them to share one version (\"version mismatched between two composefiles\").\n\nFix: use the same `version` in every file.");
    TEMPLATE_INVALID = ("SP0006", "template-invalid", "error", "a variable reference cannot be substituted",
        "docker stack deploy substitutes `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?message}`, `${VAR?message}` and `$$`. It does not know docker compose v2's `${VAR:+alt}` or nested `${A:-${B}}`; those, a lone `$` and an unclosed `${` make the deploy fail with \"Invalid template\". A `${VAR:?message}` whose variable is missing fails with \"required variable VAR is missing a value\".\n\nFix: write `$$` for a literal dollar, use only the forms above, and set required variables (in the environment or with `--env-file`).");
    VARIABLE_UNSET = ("SP0007", "variable-unset", "error / warning", "a variable is used but not set",
        "An unset variable without a default is substituted with an empty string, silently. In deploy settings, ports, networks, volumes or the image a blank value breaks the deploy (`value '' is invalid`) or changes where tasks run, so it is an error there; elsewhere, and in labels anywhere (a blank label value is valid and changes nothing about deployment), it is a warning. docker stack deploy does not read a `.env` file by itself (docker compose does), so variables that work with `docker compose up` may be empty under `docker stack deploy`.\n\nFix: export the variable, give a default with `${VAR:-value}`, or pass the file to swarmproof with `--env-file` and to the deploy with `env $(cat .env) docker stack deploy …`.");
    FINDINGS_TRUNCATED = ("SP0011", "findings-truncated", "info", "more findings than swarmproof prints",
        "A generated or broken input can produce hundreds of thousands of findings. swarmproof prints at most 1,000 (errors first, then warnings, then notes) and says how many it left out, so that its output stays readable and bounded; the exit status and the verdicts count every finding.\n\nFix the findings shown and run again, or look at the input that produces so many.");
    SHALLOW_MERGE = ("SP0010", "shallow-merge", "warning", "a key beside a `<<` merge replaces the merged mapping whole",
        "YAML merge keys are shallow: in `web: {<<: *defaults, deploy: {replicas: 2}}` the local `deploy` replaces the `deploy` mapping of `*defaults` entirely, so nested settings it had (`restart_policy`, `resources`, `update_config`) are dropped, not merged. docker stack deploy deploys what the merge produced, silently.\n\nFix: repeat the nested settings in the local mapping, or anchor the nested mapping itself and merge it there (`deploy: {<<: *default-deploy, replicas: 2}`).");
    INPUT_UNREADABLE = ("SP0008", "input-unreadable", "error", "an input file cannot be read",
        "The file does not exist, is not readable, or is not UTF-8 text. swarmproof stops with exit status 2 because it cannot check what it cannot read.");
    ENV_FILE_LINE = ("SP0009", "env-file-line", "warning", "a line of the env file is not KEY=VALUE",
        "`--env-file` reads lines of the form `KEY=VALUE` (or `KEY` alone, taken from the environment); blank lines and lines starting with `#` are skipped. A key may not contain whitespace. Other lines are skipped with this warning.");
    UNKNOWN_KEY = ("SP0101", "unknown-key", "error / warning", "a key the Compose 3.x schema does not allow",
        "docker stack deploy validates each file against docker/cli's 3.x JSON schema, where services, deploy blocks and most other objects do not allow additional properties: an unknown key is an error (\"Additional property X is not allowed\"). Keys starting with `x-` are extension fields and are allowed. Keys of the Compose Specification that the 3.x schema lacks (for example `platform`, `pull_policy`, `deploy.resources.reservations.devices`, service-level `cpus`) are errors too.\n\nFix: remove the key or move it under an `x-` extension.");
    WRONG_TYPE = ("SP0102", "wrong-type", "error / warning", "a value has the wrong type",
        "The 3.x schema fixes the type of every key: `replicas` is an integer, `cpus` and `memory` are strings, `constraints` is a list of strings, and so on. docker stack deploy rejects a value of another type.\n\nFix: write the value in the form the message names; quote strings such as `cpus: \"0.5\"`.");
    INVALID_VALUE = ("SP0103", "invalid-value", "error / warning", "a value Docker does not accept",
        "The value has the right type but Docker cannot parse or accept it: a duration that is not a Go duration (`10s`, `1m30s`), a size that is not a go-units size (`512M`), a CPU count with more precision than a nano-CPU, an unknown mode, restart condition, failure action or update order, a port out of range. swarmproof reports Docker's own error text.\n\nFix: use the format given in the message.");
    FORBIDDEN_KEY = ("SP0104", "forbidden-key", "error", "a key docker stack deploy refuses",
        "docker stack deploy refuses files that use `extends`, `volume_driver`, `volumes_from`, `cpu_quota`, `cpu_shares`, `cpuset`, `mem_limit` or `memswap_limit` (\"compose file contains unsupported options\").\n\nFix: use `deploy.resources` for CPU and memory, and named volumes instead of `volumes_from`.");
    IGNORED_KEY = ("SP0105", "ignored-key", "warning", "a key docker stack deploy ignores",
        "docker stack deploy prints \"Ignoring unsupported options\" and ignores `build`, `cgroupns_mode`, `cgroup_parent`, `devices`, `domainname`, `external_links`, `ipc`, `links`, `mac_address`, `network_mode`, `pid`, `privileged`, `restart`, `security_opt`, `shm_size` and `userns_mode`, and \"Ignoring deprecated options\" for `container_name` and `expose`. The container runs without them.\n\nNote the exception: `restart` is reported as unsupported yet is used as the restart policy when `deploy.restart_policy` is absent.\n\nFix: remove the key, or move its intent into `deploy` (e.g. `deploy.restart_policy`).");
    DEPENDS_ON_IGNORED = ("SP0106", "depends-on-ignored", "warning / info", "depends_on is silently ignored by docker stack deploy",
        "docker stack deploy accepts `depends_on` but never uses it, and does not warn: all services start at once, in no particular order. A service that needs its database at start-up will crash and be restarted until the database is up.\n\nFix: make the dependent service retry its connections, and give the dependency a `healthcheck` so that traffic only reaches it when it is ready.");
    RESTART_FALLBACK = ("SP0107", "restart-fallback", "info", "the service-level restart key is used as the restart policy",
        "docker stack deploy warns that `restart` is unsupported, but when `deploy.restart_policy` is absent it converts `restart` into the restart policy: `no` → none, `always`/`unless-stopped` → any, `on-failure[:N]` → on-failure with N attempts.\n\nFix: say what you mean in `deploy.restart_policy`.");
    IMAGE_MISSING = ("SP0108", "image-missing", "error", "a service has no image",
        "Every service of a stack must name an image; docker stack deploy does not build. Without one it fails with \"invalid image reference for service X: no image specified\".\n\nFix: build and push the image, then set `image:`.");
    RESOURCE_TOO_SMALL = ("SP0109", "resource-too-small", "error", "a CPU or memory value below Swarm's minimum",
        "swarmkit rejects CPU reservations and limits below 0.001 CPU and memory below 4 MiB (\"invalid cpu value\", \"invalid memory value\"); zero means none.\n\nFix: use at least `cpus: \"0.001\"` and `memory: 4M`, or remove the key.");
    KEY_NEEDS_VERSION = ("SP0110", "key-needs-version", "error", "a key needs a newer file version than the one declared",
        "Each 3.x schema version adds keys: `endpoint_mode` (3.2), `placement.preferences` (3.3), `update_config.order` (3.4), `rollback_config` (3.7), `max_replicas_per_node` (3.8), `resources.limits.pids` (3.9). With an older `version`, docker stack deploy rejects the key.\n\nFix: raise `version` to at least the one named, or remove `version` (3.13 is then assumed).");
    UNDEFINED_REFERENCE = ("SP0111", "undefined-reference", "error", "a service refers to a network, volume, secret or config that is not defined",
        "A service may only use networks, named volumes, secrets and configs declared at the top level of the stack (or the implicit `default` network); docker stack deploy fails with \"undefined network \\\"Y\\\"\" (or volume, secret, config).\n\nFix: declare it at the top level, with `external: true` if it already exists.");
    MODE_CONFLICT = ("SP0112", "mode-conflict", "error", "deploy settings that contradict the service mode",
        "`replicas` can only be used with replicated or replicated-job mode; jobs may not have an `update_config` (\"Jobs may not have an update config\").\n\nFix: remove the setting that does not apply to the mode.");
    PORT_HOST_IP_IGNORED = ("SP0113", "port-host-ip-ignored", "warning", "a host IP in a short port is ignored",
        "In swarm mode the short port syntax `IP:PUBLISHED:TARGET` publishes on the routing mesh of every node; docker stack deploy drops the IP with a warning.\n\nFix: remove the IP, or use the long syntax with `mode: host` and a placement constraint if the port must be bound on one address.");
    EXTRA_HOST_DROPPED = ("SP0114", "extra-host-dropped", "warning", "an extra_hosts entry without `:` is dropped",
        "docker/cli converts `extra_hosts` entries of the form `HOST:IP` (or `HOST=IP`) and silently skips any other entry. A commented-out key above the list can turn the lines below it into extra_hosts entries that vanish.\n\nFix: write `hostname:ip`, or remove the entry.");
    DUPLICATE_PUBLISHED_PORT = ("SP0115", "duplicate-published-port", "error", "a service publishes the same port twice",
        "swarmkit rejects a service whose endpoint publishes the same (port, protocol) pair twice: \"EndpointSpec: duplicate published ports provided\". A published port of 0 (dynamic) never conflicts.\n\nFix: remove the duplicate, or publish on another port.");
    GLOBAL_RUN_ONCE = ("SP0116", "global-run-once", "info", "a global service with restart condition none runs once and then shows 0/N",
        "A global service whose `restart_policy.condition` is `none` runs one task per node; when the tasks exit they are not replaced, so `docker service ls` shows 0/N replicas forever, and a node that joins later gets a task only when the service is updated. Since Docker 20.10 Swarm has jobs for this.\n\nFix: use `mode: global-job` for a one-off task on every node.");
    LOCAL_VOLUME_SIZE = ("SP0117", "local-volume-size", "warning", "the local volume driver rejects `size` on most file systems",
        "The `local` volume driver accepts a `size` option only on XFS (or ext4) mounted with project quotas; elsewhere creating the volume fails with \"quota size requested but no quota support\" (older engines: \"invalid option\"), so the task never starts. A bare number is bytes: `size: 1` is one byte.\n\nFix: remove `size`, or use a volume plugin that supports sizes, with a unit (`size: 10G`).");
    UNUSED_VOLUME = ("SP0118", "unused-volume", "warning", "a named volume no service mounts",
        "A top-level volume that no service mounts is never created: Swarm creates volumes on the node that runs a task using them. It is usually a sign that a mount names another volume, or a host path, by mistake, so the data is not where the author thinks.\n\nFix: mount it where it was meant (`volumes: [NAME:/path]`), or delete the declaration.");
    CONSTRAINT_SYNTAX = ("SP0201", "constraint-syntax", "error", "a placement constraint does not parse",
        "swarmkit parses each constraint as KEY OP VALUE with OP `==` or `!=` (tried in that order, the first occurrence anywhere splits the string). The key must match `[a-zA-Z_][a-zA-Z0-9-_.]+`, the value may not be empty or contain characters such as `=`, `!`, `,`, `@` or quotes. A single `=` is the classic mistake. Docker refuses the service with the parser's error (\"constraint expected one operator from ==, !=\").\n\nFix: write `node.labels.zone == east`, `node.role != manager`.");
    CONSTRAINT_UNKNOWN_KEY = ("SP0202", "constraint-unknown-key", "error", "a constraint key Swarm does not know: it matches no node",
        "swarmkit knows `node.id`, `node.hostname`, `node.ip`, `node.role`, `node.platform.os`, `node.platform.arch`, `node.labels.*` and `engine.labels.*`. Any other key parses but matches no node at all, for `==` and `!=` alike, so the service stays Pending forever with \"scheduling constraints not satisfied\". `node.label.x` (singular) and `node.labels` without a name are the usual typos.\n\nFix: use one of the keys above.");
    CONSTRAINT_NO_NODE = ("SP0203", "constraint-no-node", "error", "the placement constraints match no node of the inventory",
        "No node of the cluster satisfies all of the service's constraints. docker stack deploy accepts the stack (constraints are checked against nodes only by the scheduler), and every task stays Pending with \"no suitable node (scheduling constraints not satisfied on N nodes)\". Constraint values compare case-insensitively, but label names are case-sensitive, and `!=` also holds on nodes that lack the label.\n\nFix: add the label to a node (`docker node update --label-add key=value NODE`) or correct the constraint.");
    PREFERENCE_IGNORED = ("SP0204", "preference-ignored", "warning", "a spread preference Swarm silently ignores",
        "Only `spread` descriptors starting with `node.labels.` or `engine.labels.` take effect; anything else (e.g. `node.hostname`, `node.role`) is skipped without a word, and the replicas are spread as though the preference were not there.\n\nFix: label the nodes and spread over `node.labels.<label>`.");
    PREFERENCE_LABEL_MISSING = ("SP0205", "preference-label-missing", "info", "no node carries the label a spread preference uses",
        "Nodes lacking the spread label form one group of their own that receives an equal share of the tasks. When no node has the label the preference has no effect at all.\n\nFix: label the nodes, or drop the preference.");
    ROLE_AS_LABEL = ("SP0206", "role-as-label", "warning", "a constraint on the node label `role` where the node's role was probably meant",
        "`node.labels.role == manager` (or `worker`) tests a node label named `role`, which Swarm does not set: the node's role is `node.role`. Unless someone labelled the nodes with `docker node update --label-add role=...`, no node matches and every task stays Pending with \"no suitable node (scheduling constraints not satisfied on N nodes)\". With an inventory whose nodes carry the label, swarmproof says nothing.\n\nFix: write `node.role == manager`.");
    REPLICAS_ON_ONE_NODE = ("SP0207", "replicas-on-one-node", "warning", "several replicas whose constraints match only one node of the inventory",
        "The service asks for several replicas, but its constraints (often `node.role == manager` on a swarm with one manager) match a single node of the inventory, so every replica runs there: the replicas add capacity on that node but no redundancy, and losing the node stops the service.\n\nFix: widen the constraint (more managers, a label on several nodes), or drop to one replica if redundancy was not the point.");
    INVENTORY_INVALID = ("SP0301", "inventory-invalid", "error", "the node inventory has a missing or malformed field",
        "An inventory is either swarmproof's own format (a `nodes` list of hostname, role, availability, status, labels, resources, …; see docs/inventory.md) or the JSON printed by `docker node inspect $(docker node ls -q)`. A field of the wrong type or an unknown value is reported here.\n\nFix: correct the field as the message says.");
    INVENTORY_DUPLICATE = ("SP0302", "inventory-duplicate", "error", "two nodes share a hostname or id",
        "Node ids are unique in a swarm, and constraints on `node.hostname` assume hostnames are too. A duplicate usually means a node was pasted twice.\n\nFix: remove or rename one of them.");
    GENERIC_RESOURCE_REJECTED = ("SP0304", "generic-resource-rejected", "warning", "engines before 23.0 reject tasks that hold generic resources",
        "Docker Engine 20.10 and older run swarmkit v1, whose constraint enforcer tests a task's assigned generic resources the wrong way round (a missing `!`, moby/moby#44378, fixed by swarmkit commit 770a4d3 in v2, Docker Engine 23.0). Whenever the node is updated, a task holding a generic resource that the node still has free, or exactly all of it, is marked Rejected with \"assigned node no longer meets constraints\" and replaced, so such services cycle between Pending, Ready and Rejected instead of running. Seen on Engine 20.10.24 in swarmproof's conformance suite.\n\nFix: upgrade the engines to 23.0 or later, or do not reserve `generic_resources` on these nodes.");
    INVENTORY_EMPTY = ("SP0303", "inventory-empty", "warning", "the inventory lists no node",
        "With no node, no task can be placed.\n\nFix: list the cluster's nodes, or snapshot them with `docker node inspect $(docker node ls -q) > nodes.json`.");
}

/// Whether a finding with this code is one `docker stack config` (docker/cli's `loader.Load`)
/// refuses the files for: YAML, version, interpolation, schema and forbidden keys. Other load
/// findings come from the conversion `docker stack deploy` does afterwards, or are swarmproof's.
pub fn is_load_rejection(code: &crate::diagnostics::Code) -> bool {
    [
        &YAML_SYNTAX,
        &YAML_BUDGET,
        &NOT_A_MAPPING,
        &VERSION_UNSUPPORTED,
        &VERSION_MISMATCH,
        &TEMPLATE_INVALID,
        &UNKNOWN_KEY,
        &WRONG_TYPE,
        &FORBIDDEN_KEY,
        &KEY_NEEDS_VERSION,
    ]
    .iter()
    .any(|c| c.id == code.id)
}

/// The findings about placement constraints and preferences (SP02xx): what the labs show as
/// the evidence of a service's placement.
pub static CONSTRAINTS: &[&crate::diagnostics::Code] = &[
    &CONSTRAINT_SYNTAX,
    &CONSTRAINT_UNKNOWN_KEY,
    &CONSTRAINT_NO_NODE,
    &PREFERENCE_IGNORED,
    &PREFERENCE_LABEL_MISSING,
    &ROLE_AS_LABEL,
    &REPLICAS_ON_ONE_NODE,
];
