//! What docker/cli's 3.x schemas allow, forbid and ignore (reference §6.1, §6.4), as tables.

/// Versions with an embedded schema: 3.0 … 3.13.
pub const LATEST_MINOR: u32 = 13;

/// Parses `version` as docker/cli does: missing, `""` and `"3"` mean 3.13.
pub fn parse_version(text: &str) -> Option<u32> {
    match text {
        "" | "3" => Some(LATEST_MINOR),
        _ => {
            let minor = text.strip_prefix("3.")?;
            let minor: u32 = minor.parse().ok()?;
            // Only the exact names of the embedded schemas: "3.08" or "3.+1" are not among them.
            (minor <= LATEST_MINOR && text == format!("3.{minor}")).then_some(minor)
        }
    }
}

pub const TOP_LEVEL: &[&str] = &[
    "version", "services", "networks", "volumes", "secrets", "configs",
];

pub const SERVICE: &[&str] = &[
    "build",
    "cap_add",
    "cap_drop",
    "cgroupns_mode",
    "cgroup_parent",
    "command",
    "configs",
    "container_name",
    "credential_spec",
    "depends_on",
    "deploy",
    "devices",
    "dns",
    "dns_search",
    "domainname",
    "entrypoint",
    "env_file",
    "environment",
    "expose",
    "external_links",
    "extra_hosts",
    "healthcheck",
    "hostname",
    "image",
    "init",
    "ipc",
    "isolation",
    "labels",
    "links",
    "logging",
    "mac_address",
    "network_mode",
    "networks",
    "pid",
    "ports",
    "privileged",
    "read_only",
    "restart",
    "secrets",
    "security_opt",
    "shm_size",
    "stdin_open",
    "stop_grace_period",
    "stop_signal",
    "sysctls",
    "tmpfs",
    "tty",
    "ulimits",
    "user",
    "userns_mode",
    "volumes",
    "working_dir",
];

/// Refused outright: "compose file contains unsupported options".
pub const FORBIDDEN: &[&str] = &[
    "extends",
    "volume_driver",
    "volumes_from",
    "cpu_quota",
    "cpu_shares",
    "cpuset",
    "mem_limit",
    "memswap_limit",
];

/// "Ignoring unsupported options".
pub const UNSUPPORTED: &[&str] = &[
    "build",
    "cgroupns_mode",
    "cgroup_parent",
    "devices",
    "domainname",
    "external_links",
    "ipc",
    "links",
    "mac_address",
    "network_mode",
    "pid",
    "privileged",
    "restart",
    "security_opt",
    "shm_size",
    "userns_mode",
];

/// "Ignoring deprecated options".
pub const DEPRECATED: &[&str] = &["container_name", "expose"];

pub const DEPLOY: &[&str] = &[
    "mode",
    "endpoint_mode",
    "replicas",
    "labels",
    "rollback_config",
    "update_config",
    "resources",
    "restart_policy",
    "placement",
];
pub const RESOURCES: &[&str] = &["limits", "reservations"];
pub const LIMITS: &[&str] = &["cpus", "memory", "pids"];
pub const RESERVATIONS: &[&str] = &["cpus", "memory", "generic_resources"];
pub const RESTART_POLICY: &[&str] = &["condition", "delay", "max_attempts", "window"];
pub const UPDATE_CONFIG: &[&str] = &[
    "parallelism",
    "delay",
    "failure_action",
    "monitor",
    "max_failure_ratio",
    "order",
];
pub const PLACEMENT: &[&str] = &["constraints", "preferences", "max_replicas_per_node"];
pub const HEALTHCHECK: &[&str] = &[
    "disable",
    "interval",
    "retries",
    "test",
    "timeout",
    "start_period",
    "start_interval",
];
pub const PORT_LONG: &[&str] = &["mode", "target", "published", "protocol"];
pub const VOLUME_LONG: &[&str] = &[
    "type",
    "source",
    "target",
    "read_only",
    "consistency",
    "bind",
    "volume",
    "tmpfs",
];
pub const FILE_REF_LONG: &[&str] = &["source", "target", "uid", "gid", "mode"];
pub const SERVICE_NETWORK: &[&str] = &["aliases", "ipv4_address", "ipv6_address", "driver_opts"];
pub const NETWORK: &[&str] = &[
    "name",
    "driver",
    "driver_opts",
    "ipam",
    "external",
    "internal",
    "attachable",
    "labels",
];
pub const VOLUME: &[&str] = &["name", "driver", "driver_opts", "external", "labels"];
pub const SECRET: &[&str] = &[
    "name",
    "file",
    "external",
    "labels",
    "driver",
    "driver_opts",
    "template_driver",
];
pub const CONFIG: &[&str] = &["name", "file", "external", "labels", "template_driver"];

/// Keys added after 3.0: (object, key, minor version that introduced it).
pub const INTRODUCED: &[(&str, &str, u32)] = &[
    ("deploy", "endpoint_mode", 2),
    ("placement", "preferences", 3),
    ("update_config", "order", 4),
    ("rollback_config", "order", 4),
    ("healthcheck", "start_period", 4),
    ("deploy", "rollback_config", 7),
    ("placement", "max_replicas_per_node", 8),
    ("limits", "pids", 9),
];

/// The minor version that introduced `key` in `object`, when later than 3.0.
/// The minor version from which docker/cli's schema accepts `x-` extension keys in `object`
/// (`"patternProperties": {"^x-": {}}`): the top level from 3.4; services, networks, volumes,
/// secrets and configs from 3.7. Nowhere else: `deploy` and every nested object are closed.
/// swarmproof's own `x-swarmproof` objects are not validated by docker/cli.
pub fn extensions_from(object: &str) -> Option<u32> {
    match object {
        "root" => Some(4),
        "service" | "network" | "volume" | "secrets" | "configs" => Some(7),
        "x-swarmproof" => Some(0),
        _ => None,
    }
}

pub fn introduced(object: &str, key: &str) -> Option<u32> {
    INTRODUCED
        .iter()
        .find(|(o, k, _)| *o == object && *k == key)
        .map(|&(_, _, v)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        assert_eq!(parse_version(""), Some(13));
        assert_eq!(parse_version("3"), Some(13));
        assert_eq!(parse_version("3.0"), Some(0));
        assert_eq!(parse_version("3.8"), Some(8));
        assert_eq!(parse_version("3.13"), Some(13));
        assert_eq!(parse_version("3.14"), None);
        assert_eq!(parse_version("2.4"), None);
        assert_eq!(parse_version("3.+1"), None);
    }
}
