//! The lowering context: typed access to the YAML tree that reports every problem as a
//! diagnostic (with Docker's wording) and carries on, so one run shows all of them.

use crate::diagnostics::{Diagnostic, Span};
use crate::loading::codes;
use crate::loading::values;
use crate::loading::yaml::{Value, Yaml};
use crate::model::{Duration, Spanned};

use super::schema;

pub struct Cx {
    pub diags: Vec<Diagnostic>,
    /// The file version's minor number (3.x).
    pub minor: u32,
    /// The service being lowered, for `Diagnostic::service`.
    pub service: Option<String>,
}

impl Cx {
    pub fn new(minor: u32) -> Self {
        Cx {
            diags: Vec::new(),
            minor,
            service: None,
        }
    }

    /// Runs `lower` on swarmproof's own `x-swarmproof` object. docker stack deploy ignores every
    /// `x-` key, so a mistake there (an unknown key, a wrong value) breaks no deploy: its findings
    /// are warnings, still reported so that a typo does not drop a requirement silently.
    pub fn swarmproof_extension<T>(&mut self, lower: impl FnOnce(&mut Cx) -> T) -> T {
        let start = self.diags.len();
        let out = lower(self);
        for d in &mut self.diags[start..] {
            if d.severity == crate::diagnostics::Severity::Error {
                d.severity = crate::diagnostics::Severity::Warning;
                d.notes.push(
                    "docker stack deploy ignores x-swarmproof; only swarmproof reads it".into(),
                );
            }
        }
        out
    }

    pub fn push(&mut self, mut d: Diagnostic) {
        if d.service.is_none() {
            d.service = self.service.clone();
        }
        self.diags.push(d);
    }

    pub fn wrong_type(&mut self, y: &Yaml, what: &str, expected: &str) {
        self.push(
            Diagnostic::error(
                &codes::WRONG_TYPE,
                format!("{what} must be {expected}, not {}", y.value.type_name()),
            )
            .with_primary(Some(y.span), format!("expected {expected}")),
        );
    }

    pub fn invalid(&mut self, span: Span, what: &str, message: impl Into<String>) {
        let message = message.into();
        self.push(
            Diagnostic::error(&codes::INVALID_VALUE, format!("{what}: {message}"))
                .with_primary(Some(span), message),
        );
    }

    /// The entries of a mapping; reports keys the schema does not allow and keys newer than the
    /// file's version. `object` names the schema object (`deploy`, `placement`, …).
    pub fn object<'y>(
        &mut self,
        y: &'y Yaml,
        what: &str,
        object: &str,
        allowed: &[&str],
    ) -> Vec<(String, &'y Yaml, Span)> {
        let Some(map) = y.as_map() else {
            if y.value != Value::Null {
                self.wrong_type(y, what, "a mapping");
            }
            return Vec::new();
        };
        let mut out = Vec::new();
        for (k, v) in map {
            let Some(key) = k.scalar_text() else {
                self.wrong_type(k, &format!("a key of {what}"), "a string");
                continue;
            };
            let extension = key.starts_with("x-");
            let extensions_from = schema::extensions_from(object);
            if extension && extensions_from.is_some_and(|v| v <= self.minor) {
                continue;
            }
            if extension || !allowed.contains(&key.as_str()) {
                let label = if extension {
                    format!(
                        "extension fields are not allowed here in version \"3.{}\"",
                        self.minor
                    )
                } else if object == "x-swarmproof" {
                    format!("not a key of x-swarmproof (known: {})", allowed.join(", "))
                } else {
                    "not in the Compose 3.x schema".to_string()
                };
                let mut d = Diagnostic::error(
                    &codes::UNKNOWN_KEY,
                    format!("{what}: Additional property {key} is not allowed"),
                )
                .with_primary(Some(k.span), label);
                if let Some(near) = (!extension)
                    .then(|| crate::text::closest(&key, allowed.iter().copied()))
                    .flatten()
                {
                    d = d.with_help(format!("did you mean `{near}`?"));
                }
                if extension {
                    d = d.with_help(match extensions_from {
                        Some(v) => format!(
                            "extension fields (x-…) are allowed here from version \"3.{v}\"; the file declares \"3.{}\"",
                            self.minor
                        ),
                        None => format!(
                            "extension fields (x-…) are allowed only at the top level and directly in a service, network, volume, secret or config, not in {what}"
                        ),
                    });
                }
                self.push(d);
                continue;
            }
            if let Some(needed) = schema::introduced(object, &key).filter(|&v| v > self.minor) {
                self.push(
                    Diagnostic::error(
                        &codes::KEY_NEEDS_VERSION,
                        format!(
                            "{what}: {key} needs version \"3.{needed}\" or later, the file declares \"3.{}\"",
                            self.minor
                        ),
                    )
                    .with_primary(Some(k.span), format!("introduced in 3.{needed}")),
                );
            }
            out.push((key, v, k.span));
        }
        out
    }

    /// A string value. Numbers and booleans are not accepted where the schema wants a string.
    pub fn string(&mut self, y: &Yaml, what: &str) -> Option<Spanned<String>> {
        match &y.value {
            Value::Str(s) => Some(Spanned::new(s.clone(), y.span)),
            _ => {
                self.wrong_type(y, what, "a string");
                None
            }
        }
    }

    /// A non-negative integer. A string is refused, as docker/cli's schema does: interpolation
    /// has already cast `${VAR}` at the paths docker/cli casts.
    pub fn uint(&mut self, y: &Yaml, what: &str) -> Option<Spanned<u64>> {
        let n: Option<i128> = match &y.value {
            Value::Int(i) => Some(*i),
            _ => {
                self.wrong_type(y, what, "an integer");
                return None;
            }
        };
        match n.map(u64::try_from) {
            Some(Ok(v)) => Some(Spanned::new(v, y.span)),
            _ => {
                let shown = y.scalar_text().unwrap_or_default();
                let msg = if n.is_some_and(|n| n < 0) {
                    format!("{shown} is negative; a non-negative integer is required")
                } else {
                    format!("{shown} is out of range")
                };
                self.invalid(y.span, what, msg);
                None
            }
        }
    }

    /// A signed integer (e.g. `pids`).
    pub fn int(&mut self, y: &Yaml, what: &str) -> Option<Spanned<i64>> {
        let parsed = match &y.value {
            Value::Int(i) => i64::try_from(*i).ok(),
            _ => {
                self.wrong_type(y, what, "an integer");
                return None;
            }
        };
        if parsed.is_none() {
            self.invalid(y.span, what, "not a 64-bit integer");
        }
        parsed.map(|v| Spanned::new(v, y.span))
    }

    pub fn float(&mut self, y: &Yaml, what: &str) -> Option<Spanned<f64>> {
        match &y.value {
            Value::Int(i) => Some(Spanned::new(*i as f64, y.span)),
            Value::Float(f) => Some(Spanned::new(*f, y.span)),
            _ => {
                self.wrong_type(y, what, "a number");
                None
            }
        }
    }

    /// A boolean (interpolation has already cast `${VAR}` where docker/cli does).
    pub fn boolean(&mut self, y: &Yaml, what: &str) -> Option<bool> {
        match &y.value {
            Value::Bool(b) => Some(*b),
            _ => {
                self.wrong_type(y, what, "a boolean");
                None
            }
        }
    }

    pub fn duration(&mut self, y: &Yaml, what: &str) -> Option<Spanned<Duration>> {
        let s = match &y.value {
            Value::Str(s) => s,
            _ => {
                self.push(
                    Diagnostic::error(
                        &codes::WRONG_TYPE,
                        format!("{what}: invalid type {} for duration", y.value.type_name()),
                    )
                    .with_primary(
                        Some(y.span),
                        "a duration is a string such as \"10s\" or \"1m30s\"",
                    ),
                );
                return None;
            }
        };
        match values::parse_duration(s) {
            Ok(d) => Some(Spanned::new(d, y.span)),
            Err(e) => {
                // docker stack deploy's schema check words it first; Go's parser says why.
                self.push(
                    Diagnostic::error(
                        &codes::INVALID_VALUE,
                        format!("{what} Does not match format 'duration'"),
                    )
                    .with_primary(Some(y.span), e.to_string())
                    .with_help(
                        "a Go duration: 10s, 1m30s, 1.5h, 300ms (units ns, us, ms, s, m, h)",
                    ),
                );
                None
            }
        }
    }

    pub fn size(&mut self, y: &Yaml, what: &str) -> Option<Spanned<u64>> {
        let s = self.string(y, what)?;
        match values::parse_size(&s) {
            Ok(b) => Some(Spanned::new(b, y.span)),
            Err(e) => {
                self.invalid(y.span, what, e.to_string());
                None
            }
        }
    }

    pub fn cpus(&mut self, y: &Yaml, what: &str) -> Option<Spanned<u64>> {
        let s = self.string(y, what)?;
        match values::parse_cpus(&s) {
            Ok(n) => Some(Spanned::new(n, y.span)),
            Err(e) => {
                self.invalid(y.span, what, e.to_string());
                None
            }
        }
    }

    /// A list of strings; a single string is not accepted (the schema says array).
    pub fn strings(&mut self, y: &Yaml, what: &str) -> Vec<Spanned<String>> {
        match &y.value {
            Value::Seq(items) => items.iter().filter_map(|i| self.string(i, what)).collect(),
            Value::Null => Vec::new(),
            _ => {
                self.wrong_type(y, what, "a list of strings");
                Vec::new()
            }
        }
    }

    /// A string or a list of strings (`command`, `entrypoint`, `healthcheck.test`); a string
    /// is split into words as docker/cli does (google/shlex).
    pub fn string_or_list(&mut self, y: &Yaml, what: &str) -> Vec<Spanned<String>> {
        match &y.value {
            Value::Str(s) => match values::shlex::split(s) {
                Ok(words) => words.into_iter().map(|w| Spanned::new(w, y.span)).collect(),
                Err(e) => {
                    self.invalid(y.span, what, e.to_string());
                    Vec::new()
                }
            },
            _ => self.strings(y, what),
        }
    }

    /// A string-to-string mapping or a `KEY=VALUE` list (`environment`, `labels`, `driver_opts`):
    /// the schema's `list_or_dict`, whose values are strings, numbers or null and whose list
    /// items are unique strings.
    pub fn dict(&mut self, y: &Yaml, what: &str) -> Vec<(String, Option<String>, Span)> {
        match &y.value {
            Value::Map(entries) => entries
                .iter()
                .filter_map(|(k, v)| {
                    let key = k.scalar_text()?;
                    if matches!(v.value, Value::Bool(_) | Value::Seq(_) | Value::Map(_)) {
                        self.wrong_type(v, &format!("{what}.{key}"), "a string, number or null");
                        return None;
                    }
                    Some((key, v.scalar_text(), v.span))
                })
                .collect(),
            Value::Seq(items) => {
                for (j, item) in items.iter().enumerate() {
                    if let Some(i) = items[..j]
                        .iter()
                        .position(|earlier| earlier.value == item.value)
                    {
                        self.push(
                            Diagnostic::error(
                                &codes::WRONG_TYPE,
                                format!("{what} array items[{i},{j}] must be unique"),
                            )
                            .with_primary(Some(item.span), "the same entry a second time"),
                        );
                    }
                }
                items
                    .iter()
                    .filter_map(|i| {
                        let s = self.string(i, what)?;
                        Some(match s.value.split_once('=') {
                            Some((k, v)) => (k.to_string(), Some(v.to_string()), i.span),
                            None => (s.value.clone(), None, i.span),
                        })
                    })
                    .collect()
            }
            Value::Null => Vec::new(),
            _ => {
                self.wrong_type(y, what, "a mapping or a list of KEY=VALUE strings");
                Vec::new()
            }
        }
    }
}
