//! Merging several stack files in order (`docker stack deploy -c base.yml -c override.yml`),
//! following docker/cli `loader/merge.go`: mappings merge key by key with the later file
//! winning; `ports` merge by published port alone, `volumes` by target, `secrets` and `configs`
//! by source, each sorted by that key; `command`, `entrypoint` and network `aliases` are
//! replaced, and a service's network given as null in the later file keeps its settings;
//! other lists are appended
//! (mergo's `WithAppendSlice`); top-level networks, volumes, secrets and configs are replaced
//! entry by entry.

use crate::loading::yaml::{Value, Yaml};

/// Merges `over` into `base` (both whole files).
pub fn merge_files(base: &mut Yaml, over: Yaml) {
    let (Value::Map(base_map), Value::Map(over_map)) = (&mut base.value, over.value) else {
        return;
    };
    for (k, v) in over_map {
        let key = k.scalar_text().unwrap_or_default();
        match base_map
            .iter_mut()
            .find(|(bk, _)| bk.scalar_text().as_deref() == Some(key.as_str()))
        {
            Some((_, existing)) if key == "services" => merge_services(existing, v),
            Some((_, existing))
                if matches!(key.as_str(), "networks" | "volumes" | "secrets" | "configs") =>
            {
                replace_entries(existing, v)
            }
            Some((_, existing)) => *existing = v,
            None => base_map.push((k, v)),
        }
    }
}

fn replace_entries(base: &mut Yaml, over: Yaml) {
    match (&mut base.value, over.value) {
        (Value::Map(b), Value::Map(o)) => {
            for (k, v) in o {
                let key = k.scalar_text();
                match b.iter_mut().find(|(bk, _)| bk.scalar_text() == key) {
                    Some((_, existing)) => *existing = v,
                    None => b.push((k, v)),
                }
            }
        }
        (_, value) => base.value = value,
    }
}

fn merge_services(base: &mut Yaml, over: Yaml) {
    match (&mut base.value, over.value) {
        (Value::Map(b), Value::Map(o)) => {
            for (k, v) in o {
                let key = k.scalar_text();
                match b.iter_mut().find(|(bk, _)| bk.scalar_text() == key) {
                    Some((_, existing)) => merge_value(existing, v, ""),
                    None => b.push((k, v)),
                }
            }
        }
        (_, value) => base.value = value,
    }
}

/// The identity of a list item for keyed list merges: ports by published port (0 when not
/// published; short entries are already expanded), volumes by target, secrets and configs by
/// source.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum ItemKey {
    Number(i128),
    Text(String),
}

fn item_key(list: &str, item: &Yaml) -> ItemKey {
    let field = |f: &str| item.get(f).and_then(Yaml::scalar_text);
    match (list, &item.value) {
        ("ports", _) => ItemKey::Number(match item.get("published").map(|p| &p.value) {
            Some(Value::Int(n)) => *n,
            _ => 0,
        }),
        ("volumes", Value::Map(_)) => ItemKey::Text(field("target").unwrap_or_default()),
        ("volumes", _) => ItemKey::Text(
            item.scalar_text()
                .and_then(|s| super::view::parse_volume(&s).ok())
                .map(|v| v.target)
                .unwrap_or_default(),
        ),
        (_, Value::Map(_)) => ItemKey::Text(field("source").unwrap_or_default()),
        _ => ItemKey::Text(item.scalar_text().unwrap_or_default()),
    }
}

/// Ports as docker/cli holds them when it merges: short entries expanded into the long syntax
/// (`mode: ingress`, one entry per port of a range). An entry that does not parse is kept for
/// the lowering to report.
fn long_ports(items: Vec<Yaml>) -> Vec<Yaml> {
    let mut out = Vec::new();
    for item in items {
        let expanded = match &item.value {
            Value::Str(_) | Value::Int(_) => item
                .scalar_text()
                .and_then(|t| super::ports::short_ports(&t, item.span).ok()),
            _ => None,
        };
        let Some((ports, _)) = expanded else {
            out.push(item);
            continue;
        };
        let node = |value| Yaml {
            value,
            span: item.span,
        };
        for p in ports {
            let mut entries = vec![
                (
                    node(Value::Str("mode".into())),
                    node(Value::Str("ingress".into())),
                ),
                (
                    node(Value::Str("target".into())),
                    node(Value::Int(p.target.into())),
                ),
            ];
            if let Some(published) = p.published.filter(|&n| n != 0) {
                entries.push((
                    node(Value::Str("published".into())),
                    node(Value::Int(published.into())),
                ));
            }
            entries.push((
                node(Value::Str("protocol".into())),
                node(Value::Str(p.protocol.as_str().into())),
            ));
            out.push(node(Value::Map(entries)));
        }
    }
    out
}

/// A `KEY=VALUE` list as the mapping docker/cli turns it into before merging; `allow_nil`:
/// `KEY` alone maps to null (`environment`, build `args`), else to "".
fn list_to_map(y: &mut Yaml, allow_nil: bool) {
    let Value::Seq(items) = &y.value else { return };
    let entries = items
        .iter()
        .map(|item| {
            let text = item.scalar_text().unwrap_or_default();
            let node = |value| Yaml {
                value,
                span: item.span,
            };
            let (k, v) = match text.split_once('=') {
                Some((k, v)) => (k.to_string(), Value::Str(v.to_string())),
                None if allow_nil => (text, Value::Null),
                None => (text, Value::Str(String::new())),
            };
            (node(Value::Str(k)), node(v))
        })
        .collect();
    y.value = Value::Map(entries);
}

fn merge_value(base: &mut Yaml, over: Yaml, key: &str) {
    let mut over = over;
    if matches!(key, "environment" | "labels" | "sysctls" | "args") {
        // docker/cli merges these as mappings, whichever form each file uses.
        let allow_nil = matches!(key, "environment" | "args");
        list_to_map(base, allow_nil);
        list_to_map(&mut over, allow_nil);
    }
    if matches!(key, "dns" | "dns_search" | "env_file" | "tmpfs") {
        // `StringList`: one string is a list of one, and lists append.
        for y in [&mut *base, &mut over] {
            if let Value::Str(_) = y.value {
                let item = y.clone();
                y.value = Value::Seq(vec![item]);
            }
        }
    }
    match (&mut base.value, over.value) {
        (Value::Map(b), Value::Map(o)) => {
            for (k, v) in o {
                let name = k.scalar_text().unwrap_or_default();
                match b
                    .iter_mut()
                    .find(|(bk, _)| bk.scalar_text().as_deref() == Some(name.as_str()))
                {
                    // `mergeServiceNetworkConfig` ignores an empty (null) attachment.
                    Some(_) if key == "networks" && v.value == Value::Null => {}
                    Some((_, existing)) => merge_value(existing, v, &name),
                    None => b.push((k, v)),
                }
            }
        }
        (Value::Seq(b), Value::Seq(o))
            if matches!(key, "ports" | "volumes" | "secrets" | "configs") =>
        {
            // docker/cli (`mergeSlice`) puts both lists in a map by key, the later item winning,
            // also over an earlier item of the same list, and sorts the result by key.
            let (b_items, o_items) = if key == "ports" {
                (long_ports(std::mem::take(b)), long_ports(o))
            } else {
                (std::mem::take(b), o)
            };
            let mut merged: Vec<(ItemKey, Yaml)> = Vec::new();
            for item in b_items.into_iter().chain(o_items) {
                let id = item_key(key, &item);
                match merged.iter_mut().find(|(k, _)| *k == id) {
                    Some(slot) => slot.1 = item,
                    None => merged.push((id, item)),
                }
            }
            merged.sort_by(|a, b| a.0.cmp(&b.0));
            *b = merged.into_iter().map(|(_, item)| item).collect();
        }
        // `mergeShellCommand`: an empty command in the later file leaves the earlier one.
        (_, Value::Str(o)) if matches!(key, "command" | "entrypoint") && o.trim().is_empty() => {}
        (_, Value::Seq(o)) if matches!(key, "command" | "entrypoint") && o.is_empty() => {}
        // `mergeShellCommand` and `mergeServiceNetworkConfig`: replaced, not appended.
        (Value::Seq(_), o @ Value::Seq(_))
            if matches!(key, "command" | "entrypoint" | "aliases") =>
        {
            base.value = o
        }
        (Value::Seq(b), Value::Seq(o)) => b.extend(o),
        (_, value) => {
            base.value = value;
            base.span = over.span;
        }
    }
}
