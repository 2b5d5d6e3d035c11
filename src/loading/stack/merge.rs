//! Merging several stack files in order (`docker stack deploy -c base.yml -c override.yml`),
//! following docker/cli `loader/merge.go`: mappings merge key by key with the later file
//! winning; `ports` merge by published port and protocol, `volumes` by target, `secrets` and
//! `configs` by source; `command` and `entrypoint` are replaced; other lists are appended
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

/// The identity of a list item for keyed list merges, by the list's key.
fn item_key(list: &str, item: &Yaml) -> Option<String> {
    let field = |f: &str| item.get(f).and_then(Yaml::scalar_text);
    match list {
        // docker/cli keys ports by published port alone (`toServicePortConfigsMap`).
        "ports" => match &item.value {
            Value::Map(_) => Some(field("published").unwrap_or_default()),
            _ => item.scalar_text().map(|s| {
                let spec = s.split('/').next().unwrap_or_default();
                let parts: Vec<&str> = spec.split(':').collect();
                if parts.len() >= 2 {
                    parts[parts.len() - 2].to_string()
                } else {
                    String::new()
                }
            }),
        },
        "volumes" => match &item.value {
            Value::Map(_) => field("target"),
            _ => item
                .scalar_text()
                .map(|s| s.split(':').nth(1).unwrap_or(&s).to_string()),
        },
        "secrets" | "configs" => match &item.value {
            Value::Map(_) => field("source"),
            _ => item.scalar_text(),
        },
        _ => None,
    }
}

fn merge_value(base: &mut Yaml, over: Yaml, key: &str) {
    match (&mut base.value, over.value) {
        (Value::Map(b), Value::Map(o)) => {
            for (k, v) in o {
                let name = k.scalar_text().unwrap_or_default();
                match b
                    .iter_mut()
                    .find(|(bk, _)| bk.scalar_text().as_deref() == Some(name.as_str()))
                {
                    Some((_, existing)) => merge_value(existing, v, &name),
                    None => b.push((k, v)),
                }
            }
        }
        (Value::Seq(b), Value::Seq(o))
            if matches!(key, "ports" | "volumes" | "secrets" | "configs") =>
        {
            for item in o {
                let id = item_key(key, &item);
                match b
                    .iter_mut()
                    .find(|existing| id.is_some() && item_key(key, existing) == id)
                {
                    Some(existing) => *existing = item,
                    None => b.push(item),
                }
            }
        }
        (Value::Seq(_), o @ Value::Seq(_)) if matches!(key, "command" | "entrypoint") => {
            base.value = o
        }
        (Value::Seq(b), Value::Seq(o)) => b.extend(o),
        (_, value) => {
            base.value = value;
            base.span = over.span;
        }
    }
}
