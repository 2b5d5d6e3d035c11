//! Host names mentioned in environment values and command words. Stacks rarely declare every
//! dependency with `depends_on`; the real ones are written as URLs (`postgres://db:5432`),
//! `host:port` pairs (`zookeeper:2181`), `tasks.<service>` names and `*_HOST=db` variables. This
//! module only extracts candidate names from text; matching them to services is the caller's.

/// Environment keys whose whole value is a host name when it has no port (`DB_HOST=db`).
const HOST_KEY_PARTS: [&str; 12] = [
    "HOST", "ADDR", "SERVER", "URL", "URI", "ENDPOINT", "BROKER", "CONNECT", "PEER", "SEED",
    "MASTER", "DSN",
];

/// Host names an environment entry mentions.
pub fn in_env(key: &str, value: &str) -> Vec<String> {
    let key = key.to_ascii_uppercase();
    let bare = HOST_KEY_PARTS.iter().any(|p| key.contains(p));
    hosts(value, bare)
}

/// Host names a command or entrypoint word mentions. A bare word is not taken as a host
/// (`celery worker` names a sub-command, not a service) unless it is `tasks.<name>`.
pub fn in_command(word: &str) -> Vec<String> {
    hosts(word, false)
}

fn hosts(text: &str, bare_whole_value: bool) -> Vec<String> {
    let tokens: Vec<&str> = text
        .split(|c: char| {
            c.is_whitespace() || matches!(c, ',' | ';' | '=' | '"' | '\'' | '(' | ')' | '[' | ']')
        })
        .filter(|t| !t.is_empty())
        .collect();
    let whole = tokens.len() == 1;
    tokens
        .iter()
        .filter_map(|t| host_of(t, bare_whole_value && whole))
        .collect()
}

/// The host of one token: a URL's host, the host of `host:port`, `tasks.<name>`, or the token
/// itself when `bare` allows it.
fn host_of(token: &str, bare: bool) -> Option<String> {
    let host = if let Some((_, rest)) = token.split_once("://") {
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        let authority = authority.rsplit('@').next().unwrap_or("");
        authority.split(':').next().unwrap_or("")
    } else if let Some((host, port)) = token.split_once(':') {
        let port = port.split('/').next().unwrap_or("");
        if port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        host.rsplit('@').next().unwrap_or("")
    } else if bare || starts_with_ci(token, "tasks.") {
        token.trim_end_matches('/')
    } else {
        return None;
    };
    valid_hostname(host).then(|| host.to_ascii_lowercase())
}

fn starts_with_ci(s: &str, prefix: &str) -> bool {
    s.get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
}

/// A DNS-style name (service names allow `_`); rejects numbers-only text, IPs and templates.
fn valid_hostname(h: &str) -> bool {
    !h.is_empty()
        && h.len() <= 253
        && h.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        && h.bytes().any(|b| b.is_ascii_alphabetic())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_host_port_pairs() {
        assert_eq!(in_env("X", "postgres://user:pw@db:5432/app"), ["db"]);
        assert_eq!(in_env("REDIS_URL", "redis://redis"), ["redis"]);
        assert_eq!(in_env("SWARMPIT_DB", "http://DB:5984"), ["db"]);
        assert_eq!(
            in_env("KAFKA_ZOOKEEPER_CONNECT", "zk1:2181,zk2:2181/kafka"),
            ["zk1", "zk2"]
        );
        assert_eq!(in_command("--url=http://api:8080/health"), ["api"]);
        assert_eq!(in_command("wait-for db:5432 -- run"), ["db"]);
    }

    #[test]
    fn bare_names_only_for_host_like_keys() {
        assert_eq!(in_env("DB_HOST", "postgresql"), ["postgresql"]);
        assert!(in_env("POSTGRES_USER", "postgres").is_empty());
        assert!(in_env("DB_HOST", "a b").is_empty());
        assert!(in_command("worker").is_empty());
        assert_eq!(
            in_command("tasks.seed,tasks.node"),
            ["tasks.seed", "tasks.node"]
        );
    }

    #[test]
    fn not_hosts() {
        assert!(in_env("TZ", "Asia/Kolkata").is_empty());
        assert!(in_env("T", "01:00").is_empty());
        assert!(in_env("NODE_ADDRESS", "^10.0.*.*").is_empty());
        assert!(in_env("URL", "http://10.0.0.1:80").is_empty());
        assert!(in_env("SERVER", "{{.Node.Hostname}}").is_empty());
        assert!(in_command("--web.listen-address=:9090").is_empty());
        assert!(in_command("C:\\data").is_empty());
    }

    proptest::proptest! {
        // Bad input never panics, and every name found is a lowercase DNS-style name.
        #[test]
        fn any_text_yields_only_valid_names(key in ".{0,20}", value in ".{0,80}") {
            for h in in_env(&key, &value).into_iter().chain(in_command(&value)) {
                proptest::prop_assert!(valid_hostname(&h));
                proptest::prop_assert_eq!(h.to_ascii_lowercase(), h);
            }
        }
    }
}
