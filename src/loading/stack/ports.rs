//! `ports`: the short syntax `[IP:][PUBLISHED[-END]:]TARGET[-END][/PROTO]` (always ingress; a
//! host IP is dropped with a warning; ranges expanded) and the long syntax (reference §6.2).

use crate::diagnostics::{Diagnostic, Span};
use crate::loading::codes;
use crate::loading::yaml::{Value, Yaml};
use crate::model::{Port, Protocol, PublishMode};

use super::cx::Cx;
use super::schema;

/// More ports than this from one range is refused rather than expanded.
const MAX_RANGE: u32 = 65_536;

pub fn lower_ports(cx: &mut Cx, v: &Yaml, what: &str) -> Vec<Port> {
    let Some(items) = v.as_seq() else {
        if v.value != Value::Null {
            cx.wrong_type(v, what, "a list of ports");
        }
        return Vec::new();
    };
    let mut ports = Vec::new();
    for item in items {
        match &item.value {
            Value::Map(_) => {
                if let Some(p) = long_port(cx, item, what) {
                    ports.push(p);
                }
            }
            Value::Str(_) | Value::Int(_) => {
                let text = item.scalar_text().unwrap_or_default();
                match short_ports(&text, item.span) {
                    Ok((expanded, host_ip)) => {
                        if let Some(ip) = host_ip {
                            cx.push(
                                Diagnostic::warning(
                                    &codes::PORT_HOST_IP_IGNORED,
                                    format!(
                                        "host IP {ip} in port {text:?} is ignored in swarm mode"
                                    ),
                                )
                                .with_primary(
                                    Some(item.span),
                                    "published on every node's routing mesh",
                                ),
                            );
                        }
                        ports.extend(expanded);
                    }
                    Err(e) => cx.invalid(item.span, what, e),
                }
            }
            _ => cx.wrong_type(item, what, "a string, a number or a mapping"),
        }
    }
    ports
}

/// swarmkit `validateEndpointSpec`: no (published, protocol) pair twice in one service.
pub fn check_duplicates(cx: &mut Cx, ports: &[Port]) {
    let mut seen = std::collections::BTreeSet::new();
    for p in ports {
        if let Some(published) = p.published.filter(|&n| n != 0) {
            if !seen.insert((published, p.protocol)) {
                cx.push(
                    Diagnostic::error(
                        &codes::DUPLICATE_PUBLISHED_PORT,
                        format!(
                            "EndpointSpec: duplicate published ports provided ({published}/{})",
                            p.protocol.as_str()
                        ),
                    )
                    .with_primary(p.span, "published a second time"),
                );
            }
        }
    }
}

fn long_port(cx: &mut Cx, item: &Yaml, what: &str) -> Option<Port> {
    let mut port = Port {
        target: 0,
        published: None,
        protocol: Protocol::Tcp,
        mode: PublishMode::Ingress,
        span: Some(item.span),
    };
    let mut has_target = false;
    for (key, v, _) in cx.object(item, what, "port", schema::PORT_LONG) {
        let w = format!("{what}.{key}");
        match key.as_str() {
            "target" | "published" => {
                let n = cx.uint(v, &w)?;
                if n.value > 65_535 {
                    cx.invalid(v.span, &w, format!("invalid port {}", n.value));
                    return None;
                }
                if key == "target" {
                    port.target = n.value as u32;
                    has_target = true;
                } else {
                    port.published = Some(n.value as u32);
                }
            }
            // moby maps unknown strings silently to TCP / ingress (reference §6.2).
            "protocol" => {
                port.protocol =
                    protocol(&v.scalar_text().unwrap_or_default()).unwrap_or(Protocol::Tcp)
            }
            "mode" => {
                port.mode = if v
                    .scalar_text()
                    .is_some_and(|m| m.eq_ignore_ascii_case("host"))
                {
                    PublishMode::Host
                } else {
                    PublishMode::Ingress
                }
            }
            _ => {}
        }
    }
    if !has_target {
        cx.invalid(item.span, what, "target is required");
        return None;
    }
    Some(port)
}

fn protocol(s: &str) -> Option<Protocol> {
    match s.to_ascii_lowercase().as_str() {
        "tcp" | "" => Some(Protocol::Tcp),
        "udp" => Some(Protocol::Udp),
        "sctp" => Some(Protocol::Sctp),
        _ => None,
    }
}

fn range(text: &str) -> Result<(u32, u32), String> {
    let parse = |s: &str| -> Result<u32, String> {
        s.parse::<u32>()
            .ok()
            .filter(|&p| p <= 65_535)
            .ok_or_else(|| format!("invalid port {s:?}"))
    };
    match text.split_once('-') {
        Some((a, b)) => {
            let (a, b) = (parse(a)?, parse(b)?);
            if b < a {
                return Err(format!("invalid range specified for port: {text}"));
            }
            Ok((a, b))
        }
        None => parse(text).map(|p| (p, p)),
    }
}

/// Expands one short-syntax port; returns the ports and the ignored host IP, if any.
pub(super) fn short_ports(spec: &str, span: Span) -> Result<(Vec<Port>, Option<String>), String> {
    let (rest, proto) = match spec.rsplit_once('/') {
        Some((r, p)) => (r, protocol(p).ok_or_else(|| format!("invalid proto: {p}"))?),
        None => (spec, Protocol::Tcp),
    };
    // nat.ParsePortSpec: the last two `:` fields are the ports, everything before is the host
    // IP (an IPv6 address with or without brackets), which must parse as one.
    let parts: Vec<&str> = rest.split(':').collect();
    let (ip, rest) = match parts.len() {
        1 | 2 => (None, rest),
        n => {
            let ip = parts[..n - 2].join(":");
            let bare = ip
                .strip_prefix('[')
                .and_then(|i| i.strip_suffix(']'))
                .unwrap_or(&ip);
            if !bare.is_empty() && bare.parse::<std::net::IpAddr>().is_err() {
                return Err(format!("invalid IP address: {ip}"));
            }
            (Some(bare.to_string()), &rest[ip.len() + 1..])
        }
    };
    let (published, target, target_text, published_text) = match rest.split_once(':') {
        Some((p, t)) => (
            if p.is_empty() { None } else { Some(range(p)?) },
            range(t)?,
            t,
            p,
        ),
        None => (None, range(rest)?, rest, ""),
    };
    let count = target.1 - target.0 + 1;
    // nat.ParsePortSpec: a published range must match the target range, except that one
    // target port with a published range is published on every port of the range.
    let published_count = published.map_or(1, |p| p.1 - p.0 + 1);
    if published.is_some() && published_count != count && count != 1 {
        return Err(format!(
            "invalid ranges specified for container and host Ports: {target_text} and {published_text}"
        ));
    }
    if count.max(published_count) > MAX_RANGE {
        return Err(format!("port range too large: {spec}"));
    }
    let mut ports: Vec<Port> = (0..count.max(published_count))
        .map(|i| Port {
            target: if count == 1 { target.0 } else { target.0 + i },
            published: published.map(|p| p.0 + i),
            protocol: proto,
            mode: PublishMode::Ingress,
            span: Some(span),
        })
        .collect();
    // docker/cli sorts the expanded ports by their text `PORT/PROTO` (`100/tcp` < `99/tcp`).
    ports.sort_by_cached_key(|p| p.target.to_string());
    Ok((ports, ip.filter(|i| !i.is_empty())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::FileId;

    fn p(spec: &str) -> Vec<(Option<u32>, u32, Protocol)> {
        short_ports(spec, Span::new(FileId(0), 0, 0))
            .unwrap()
            .0
            .into_iter()
            .map(|p| (p.published, p.target, p.protocol))
            .collect()
    }

    #[test]
    fn short_syntax() {
        assert_eq!(p("80"), vec![(None, 80, Protocol::Tcp)]);
        assert_eq!(p("8080:80"), vec![(Some(8080), 80, Protocol::Tcp)]);
        assert_eq!(p("53:53/udp"), vec![(Some(53), 53, Protocol::Udp)]);
        assert_eq!(
            p("127.0.0.1:8080:80"),
            vec![(Some(8080), 80, Protocol::Tcp)]
        );
        assert_eq!(
            p("9090-9091:8080-8081"),
            vec![
                (Some(9090), 8080, Protocol::Tcp),
                (Some(9091), 8081, Protocol::Tcp)
            ]
        );
        assert_eq!(p("3000-3002").len(), 3);
        // Observed with docker stack config (CLI 28.2.2): one target port with a published
        // range is published on each port of the range; a target range needs a published
        // range of the same length.
        assert_eq!(
            p("6000-6002:600"),
            vec![
                (Some(6000), 600, Protocol::Tcp),
                (Some(6001), 600, Protocol::Tcp),
                (Some(6002), 600, Protocol::Tcp)
            ]
        );
        assert!(short_ports("8080:80-81", Span::new(FileId(0), 0, 0)).is_err());
        // Observed with docker stack config (CLI 28.2.2): an IPv6 host address needs no
        // brackets, an empty one is no address, and a host part that is not an IP address is
        // refused.
        assert_eq!(p("::86"), vec![(None, 86, Protocol::Tcp)]);
        // Observed with docker stack config (CLI 28.2.2): a range is listed in text order.
        let targets: Vec<u32> = p("98-101").iter().map(|x| x.1).collect();
        assert_eq!(targets, [100, 101, 98, 99]);
        assert_eq!(p("::1:80:80"), vec![(Some(80), 80, Protocol::Tcp)]);
        assert_eq!(p("[::1]:82:82"), vec![(Some(82), 82, Protocol::Tcp)]);
        assert!(short_ports("foo:81:81", Span::new(FileId(0), 0, 0)).is_err());
        let (_, ip) =
            short_ports("127.0.0.1:5000-5010:5000-5010", Span::new(FileId(0), 0, 0)).unwrap();
        assert_eq!(ip.as_deref(), Some("127.0.0.1"));
        assert!(short_ports("80/xyz", Span::new(FileId(0), 0, 0)).is_err());
        assert!(short_ports("70000:80", Span::new(FileId(0), 0, 0)).is_err());
        assert!(short_ports("90-80", Span::new(FileId(0), 0, 0)).is_err());
    }
}
