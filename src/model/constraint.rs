//! Placement constraint expressions, parsed and matched exactly as swarmkit's
//! `manager/constraint/constraint.go` does (reference §2).

use std::fmt;
use std::net::IpAddr;

use super::cluster::Node;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Operator {
    Eq,
    Ne,
}

impl Operator {
    pub fn as_str(self) -> &'static str {
        match self {
            Operator::Eq => "==",
            Operator::Ne => "!=",
        }
    }
}

/// What a constraint key refers to. Key names match case-insensitively; label names after the
/// prefix are case-sensitive.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ConstraintKey {
    NodeId,
    NodeHostname,
    NodeIp,
    NodeRole,
    NodePlatformOs,
    NodePlatformArch,
    NodeLabel(String),
    EngineLabel(String),
    /// A syntactically valid key swarmkit does not know: it matches no node, silently.
    Unknown(String),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Constraint {
    /// The key as written (trimmed).
    pub key_text: String,
    pub key: ConstraintKey,
    pub op: Operator,
    /// The value as written (trimmed); compared case-insensitively.
    pub value: String,
}

/// swarmkit's parse errors, with its exact texts.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ConstraintError {
    #[error("constraint expected one operator from ==, !=")]
    NoOperator,
    #[error("key '{0}' is invalid")]
    InvalidKey(String),
    #[error("value '{0}' is invalid")]
    InvalidValue(String),
}

/// `^(?i)[a-z_][a-z0-9\-_.]+$`
fn valid_key(key: &str) -> bool {
    let mut chars = key.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && key.chars().count() >= 2
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// `^(?i)[a-z0-9:\-_\s\.\*\(\)\?\+\[\]\\\^\$\|\/]+$` (`\s` is Go RE2's ASCII whitespace).
fn valid_value(value: &str) -> bool {
    !value.is_empty()
        && value.chars().all(|c| {
            c.is_ascii_alphanumeric()
                || matches!(
                    c,
                    ':' | '-'
                        | '_'
                        | '.'
                        | '*'
                        | '('
                        | ')'
                        | '?'
                        | '+'
                        | '['
                        | ']'
                        | '\\'
                        | '^'
                        | '$'
                        | '|'
                        | '/'
                        | ' '
                        | '\t'
                        | '\n'
                        | '\r'
                        | '\x0c'
                )
        })
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    (s.len() >= prefix.len() && s.is_char_boundary(prefix.len()))
        .then(|| s.split_at(prefix.len()))
        .filter(|(head, _)| head.eq_ignore_ascii_case(prefix))
        .map(|(_, rest)| rest)
}

fn classify(key: &str) -> ConstraintKey {
    let lower = key.to_ascii_lowercase();
    match lower.as_str() {
        "node.id" => ConstraintKey::NodeId,
        "node.hostname" => ConstraintKey::NodeHostname,
        "node.ip" => ConstraintKey::NodeIp,
        "node.role" => ConstraintKey::NodeRole,
        "node.platform.os" => ConstraintKey::NodePlatformOs,
        "node.platform.arch" => ConstraintKey::NodePlatformArch,
        _ => {
            if let Some(label) = strip_prefix_ci(key, "node.labels.") {
                ConstraintKey::NodeLabel(label.to_string())
            } else if let Some(label) = strip_prefix_ci(key, "engine.labels.") {
                ConstraintKey::EngineLabel(label.to_string())
            } else {
                ConstraintKey::Unknown(key.to_string())
            }
        }
    }
}

impl Constraint {
    /// `constraint.Parse` for one expression: `==` is tried before `!=`, and the first operator
    /// found anywhere splits the string at its first occurrence.
    pub fn parse(expr: &str) -> Result<Constraint, ConstraintError> {
        let (op, (key, value)) = [Operator::Eq, Operator::Ne]
            .into_iter()
            .find_map(|op| expr.split_once(op.as_str()).map(|parts| (op, parts)))
            .ok_or(ConstraintError::NoOperator)?;
        let key = key.trim();
        let value = value.trim();
        if !valid_key(key) {
            return Err(ConstraintError::InvalidKey(key.to_string()));
        }
        if !valid_value(value) {
            return Err(ConstraintError::InvalidValue(value.to_string()));
        }
        Ok(Constraint {
            key_text: key.to_string(),
            key: classify(key),
            op,
            value: value.to_string(),
        })
    }

    /// `(*Constraint).Match` against a node (`NodeMatches` for one constraint).
    pub fn matches(&self, node: &Node) -> bool {
        let eq = |actual: &str| {
            let same =
                actual.eq_ignore_ascii_case(&self.value) || unicode_eq_fold(actual, &self.value);
            match self.op {
                Operator::Eq => same,
                Operator::Ne => !same,
            }
        };
        match &self.key {
            ConstraintKey::NodeId => eq(&node.id),
            ConstraintKey::NodeHostname => eq(&node.hostname),
            ConstraintKey::NodeRole => eq(node.role.as_str()),
            ConstraintKey::NodePlatformOs => eq(&node.platform.os),
            ConstraintKey::NodePlatformArch => eq(&node.platform.arch),
            ConstraintKey::NodeLabel(l) => eq(node.labels.get(l).map_or("", String::as_str)),
            ConstraintKey::EngineLabel(l) => {
                eq(node.engine_labels.get(l).map_or("", String::as_str))
            }
            ConstraintKey::NodeIp => self.matches_ip(node),
            ConstraintKey::Unknown(_) => false,
        }
    }

    /// `node.ip`: the value is an IP or a CIDR; anything else matches no node, for `==` and `!=`.
    fn matches_ip(&self, node: &Node) -> bool {
        let node_ip = node.addr.as_deref().and_then(|a| a.parse::<IpAddr>().ok());
        let hit = if let Ok(ip) = self.value.parse::<IpAddr>() {
            node_ip == Some(ip)
        } else if let Some((net, bits)) = parse_cidr(&self.value) {
            node_ip.is_some_and(|ip| cidr_contains(net, bits, ip))
        } else {
            return false;
        };
        match self.op {
            Operator::Eq => hit,
            Operator::Ne => !hit,
        }
    }
}

/// Go's `strings.EqualFold` on non-ASCII text (simple case folding via lowercase).
fn unicode_eq_fold(a: &str, b: &str) -> bool {
    a.chars().count() == b.chars().count()
        && a.chars()
            .zip(b.chars())
            .all(|(x, y)| x == y || x.to_lowercase().eq(y.to_lowercase()))
}

fn parse_cidr(s: &str) -> Option<(IpAddr, u8)> {
    let (ip, bits) = s.split_once('/')?;
    let ip: IpAddr = ip.parse().ok()?;
    let bits: u8 = bits.parse().ok()?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    (bits <= max).then_some((ip, bits))
}

fn cidr_contains(net: IpAddr, bits: u8, ip: IpAddr) -> bool {
    fn prefix(bytes: &[u8], bits: u8) -> Vec<u8> {
        bytes
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let keep = (bits as usize).saturating_sub(i * 8).min(8) as u32;
                if keep == 0 {
                    0
                } else {
                    b & (0xffu8 << (8 - keep))
                }
            })
            .collect()
    }
    let (n, i): (Vec<u8>, Vec<u8>) = match (net, ip) {
        (IpAddr::V4(n), IpAddr::V4(i)) => (n.octets().to_vec(), i.octets().to_vec()),
        (IpAddr::V6(n), IpAddr::V6(i)) => (n.octets().to_vec(), i.octets().to_vec()),
        (IpAddr::V4(n), IpAddr::V6(i)) => match i.to_ipv4_mapped() {
            Some(i) => (n.octets().to_vec(), i.octets().to_vec()),
            None => return false,
        },
        (IpAddr::V6(_), IpAddr::V4(_)) => return false,
    };
    prefix(&n, bits) == prefix(&i, bits)
}

impl fmt::Display for Constraint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.key_text, self.op.as_str(), self.value)
    }
}

/// `NodeMatches`: every constraint holds on the node.
pub fn node_matches<'a>(
    constraints: impl IntoIterator<Item = &'a Constraint>,
    node: &Node,
) -> bool {
    constraints.into_iter().all(|c| c.matches(node))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Role;

    fn node() -> Node {
        let mut n = Node::new("Worker-1");
        n.id = "abc123".into();
        n.labels.insert("zone".into(), "East".into());
        n.labels.insert("Disk".into(), "ssd".into());
        n.engine_labels.insert("gpu".into(), "true".into());
        n.platform.os = "linux".into();
        n.platform.arch = "x86_64".into();
        n.addr = Some("10.0.3.7".into());
        n
    }

    fn m(expr: &str) -> bool {
        Constraint::parse(expr).unwrap().matches(&node())
    }

    // Reference §2.1: `==` is tried first and splits at its first occurrence.
    #[test]
    fn operator_order_and_split() {
        let c = Constraint::parse("node.labels.a==b==c").unwrap_err();
        assert_eq!(c, ConstraintError::InvalidValue("b==c".into()));
        assert_eq!(
            Constraint::parse("a!==b").unwrap_err(),
            ConstraintError::InvalidKey("a!".into())
        );
        assert_eq!(
            Constraint::parse("node=foo").unwrap_err(),
            ConstraintError::NoOperator
        );
        assert_eq!(
            Constraint::parse("node=foo").unwrap_err().to_string(),
            "constraint expected one operator from ==, !="
        );
        let c = Constraint::parse("  node.role   !=  manager ").unwrap();
        assert_eq!(
            (c.key_text.as_str(), c.op, c.value.as_str()),
            ("node.role", Operator::Ne, "manager")
        );
    }

    // Reference §2.1: key and value grammars.
    #[test]
    fn key_and_value_grammar() {
        assert!(matches!(
            Constraint::parse("a==b"),
            Err(ConstraintError::InvalidKey(_))
        ));
        assert!(matches!(
            Constraint::parse("1a==b"),
            Err(ConstraintError::InvalidKey(_))
        ));
        assert!(matches!(
            Constraint::parse("node.labels.$x==b"),
            Err(ConstraintError::InvalidKey(_))
        ));
        assert!(Constraint::parse("_x==b").is_ok());
        assert!(matches!(
            Constraint::parse("node.role=="),
            Err(ConstraintError::InvalidValue(_))
        ));
        assert!(matches!(
            Constraint::parse("node.labels.a==x=y"),
            Err(ConstraintError::InvalidValue(_))
        ));
        assert!(matches!(
            Constraint::parse("node.labels.a==x@y"),
            Err(ConstraintError::InvalidValue(_))
        ));
        assert!(matches!(
            Constraint::parse("node.labels.a=='x'"),
            Err(ConstraintError::InvalidValue(_))
        ));
        assert!(Constraint::parse("node.labels.a==x y*(z)?").is_ok());
    }

    // Reference §2.3: values compare case-insensitively, label names case-sensitively.
    #[test]
    fn case_rules() {
        assert!(m("node.role==WORKER"));
        assert!(m("NODE.ROLE==worker"));
        assert!(m("node.hostname==worker-1"));
        assert!(m("node.labels.zone==east"));
        assert!(m("NODE.LABELS.zone==east"));
        assert!(!m("node.labels.ZONE==east"));
        assert!(m("node.labels.Disk==SSD"));
        assert!(!m("node.labels.disk==ssd"));
        assert!(m("engine.labels.gpu==TRUE"));
    }

    // Reference §2.3: `!=` holds on nodes lacking the label; `==` does not.
    #[test]
    fn missing_label() {
        assert!(m("node.labels.storage!=ssd"));
        assert!(!m("node.labels.storage==ssd"));
    }

    // Reference §2.3: an unknown key matches no node, for == and != alike.
    #[test]
    fn unknown_key_matches_nothing() {
        let c = Constraint::parse("node.label.zone==east").unwrap();
        assert_eq!(c.key, ConstraintKey::Unknown("node.label.zone".into()));
        assert!(!c.matches(&node()));
        assert!(!m("node.labels!=x"));
    }

    // Reference §2.3: node.ip takes an IP or CIDR; anything else never matches.
    #[test]
    fn node_ip() {
        assert!(m("node.ip==10.0.3.7"));
        assert!(m("node.ip==10.0.0.0/16"));
        assert!(!m("node.ip==10.1.0.0/16"));
        assert!(m("node.ip!=10.1.0.0/16"));
        assert!(!m("node.ip==bogus"));
        assert!(!m("node.ip!=bogus"));
    }

    // Reference §2.3: no x86_64/amd64 normalisation in constraints.
    #[test]
    fn platform_without_normalisation() {
        assert!(m("node.platform.os==Linux"));
        assert!(m("node.platform.arch==x86_64"));
        assert!(!m("node.platform.arch==amd64"));
        assert!(m("node.id==ABC123"));
        let mut mgr = node();
        mgr.role = Role::Manager;
        assert!(Constraint::parse("node.role==manager")
            .unwrap()
            .matches(&mgr));
    }
}
