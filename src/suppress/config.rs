//! The configuration file (`.swarmproof.yml`): ignores, severities per code, default flags of
//! `check`. Parsed from text; the CLI finds and reads it.
//!
//! ```yaml
//! ignore:
//!   - SP3002                          # everywhere
//!   - code: SP0106                    # or by name: depends-on-ignored
//!     files: [stacks/legacy.yml]      # optional: only in these files
//!     services: [db]                  # optional: only about these services
//!     reason: ordering handled by the entrypoint
//! severity:
//!   SP3010: error                     # error, warning or info
//! defaults:
//!   deny: warnings
//!   strict: true
//!   nodes: nodes.yml                  # paths relative to this file's folder
//!   env_file: prod.env
//!   baseline: swarmproof-baseline.json
//!   show_suppressed: true
//! ```

use crate::diagnostics::{Diagnostic, FileId, Severity, SourceFile, Span};
use crate::loading::yaml::{self, Value, Yaml};

use super::{codes, parse_codes, Scope, SeverityOverride, Suppression, Via};

/// Default flags of `check` the file sets; the command line wins over them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Defaults {
    pub deny_warnings: bool,
    pub strict: bool,
    pub show_suppressed: bool,
    /// Paths as written, relative to the configuration file's folder.
    pub nodes: Option<String>,
    pub env_file: Option<String>,
    pub baseline: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct Config {
    pub suppressions: Vec<Suppression>,
    pub severities: Vec<SeverityOverride>,
    pub defaults: Defaults,
}

/// Parses the configuration file. A file that is not YAML is an error (the run cannot be
/// configured as asked); entries it cannot read are warnings, skipped.
pub fn parse(
    file: FileId,
    source: &SourceFile,
) -> Result<(Config, Vec<Diagnostic>), Box<Diagnostic>> {
    let tree = yaml::parse(file, source).map_err(|e| Box::new(e.diagnostic()))?;
    let mut p = Parser {
        file,
        text: &source.text,
        diags: Vec::new(),
    };
    let mut config = Config::default();
    for (key, v) in p.map(&tree, "the configuration") {
        match key.as_str() {
            "ignore" => {
                for item in p.seq(v, "ignore") {
                    config.suppressions.extend(p.ignore(item));
                }
            }
            "severity" => {
                for (code, value) in p.map(v, "severity") {
                    if let Some(o) = p.severity(&code, value) {
                        config.severities.push(o);
                    }
                }
            }
            "defaults" => config.defaults = p.defaults(v),
            _ => p.unknown(&key, &tree, &["ignore", "severity", "defaults"]),
        }
    }
    Ok((config, p.diags))
}

struct Parser<'a> {
    file: FileId,
    text: &'a str,
    diags: Vec<Diagnostic>,
}

impl Parser<'_> {
    fn bad(&mut self, at: Span, message: impl Into<String>, label: &str) {
        self.diags.push(
            Diagnostic::warning(&codes::INVALID_SUPPRESSION, message).with_primary(Some(at), label),
        );
    }

    fn map<'y>(&mut self, y: &'y Yaml, what: &str) -> Vec<(String, &'y Yaml)> {
        match &y.value {
            Value::Map(m) => m
                .iter()
                .filter_map(|(k, v)| Some((k.scalar_text()?, v)))
                .collect(),
            Value::Null => Vec::new(),
            _ => {
                self.bad(
                    y.span,
                    format!("{what} must be a mapping"),
                    "expected a mapping",
                );
                Vec::new()
            }
        }
    }

    fn seq<'y>(&mut self, y: &'y Yaml, what: &str) -> &'y [Yaml] {
        match &y.value {
            Value::Seq(items) => items,
            Value::Null => &[],
            _ => {
                self.bad(y.span, format!("{what} must be a list"), "expected a list");
                &[]
            }
        }
    }

    fn unknown(&mut self, key: &str, parent: &Yaml, known: &[&str]) {
        let at = parent
            .as_map()
            .and_then(|m| {
                m.iter()
                    .find(|(k, _)| k.scalar_text().as_deref() == Some(key))
            })
            .map_or(parent.span, |(k, _)| k.span);
        let near = crate::text::closest(key, known.iter().copied())
            .map(|n| format!("; did you mean `{n}`?"))
            .unwrap_or_default();
        self.bad(
            at,
            format!("unknown configuration key {key}{near}"),
            &format!("known: {}", known.join(", ")),
        );
    }

    fn strings(&mut self, y: &Yaml, what: &str) -> Vec<String> {
        let items = match &y.value {
            Value::Str(_) => std::slice::from_ref(y),
            _ => self.seq(y, what),
        };
        items.iter().filter_map(|i| i.scalar_text()).collect()
    }

    /// One `ignore` entry: a code (or a comma-separated list), or a mapping with `code`.
    fn ignore(&mut self, item: &Yaml) -> Vec<Suppression> {
        let (codes_yaml, scope, reason) = match &item.value {
            Value::Str(_) => (item, Scope::Stack, None),
            Value::Map(_) => {
                let mut code = None;
                let (mut files, mut services, mut reason) = (Vec::new(), Vec::new(), None);
                for (key, v) in self.map(item, "an ignore entry") {
                    match key.as_str() {
                        "code" | "codes" => code = Some(v),
                        "files" => files = self.strings(v, "files"),
                        "services" => services = self.strings(v, "services"),
                        "reason" => reason = v.scalar_text(),
                        _ => self.unknown(&key, item, &["code", "files", "services", "reason"]),
                    }
                }
                let Some(code) = code else {
                    self.bad(item.span, "an ignore entry needs a code", "no `code`");
                    return Vec::new();
                };
                let scope = if files.is_empty() && services.is_empty() {
                    Scope::Stack
                } else {
                    Scope::Filter { files, services }
                };
                (code, scope, reason)
            }
            _ => {
                self.bad(
                    item.span,
                    "an ignore entry is a code or a mapping with `code`",
                    "expected a code",
                );
                return Vec::new();
            }
        };
        let mut found = Vec::new();
        let list: Vec<&Yaml> = match &codes_yaml.value {
            Value::Seq(items) => items.iter().collect(),
            _ => vec![codes_yaml],
        };
        for y in list {
            // The written text, so that each code's span is exact (quotes included or not).
            let written = &self.text[y.span.range()];
            let (codes, bad) = parse_codes(self.file, written, y.span.start, y.span);
            self.diags.extend(bad);
            found.extend(codes.into_iter().map(|(code, span)| Suppression {
                code,
                scope: scope.clone(),
                reason: reason.clone(),
                via: Via::Config,
                span: Some(span),
            }));
        }
        found
    }

    fn severity(&mut self, code: &str, value: &Yaml) -> Option<SeverityOverride> {
        let Some(found) = crate::checks::CATALOG.find(code) else {
            self.bad(
                value.span,
                format!("unknown code {code} in severity"),
                "no such code",
            );
            return None;
        };
        let severity = match value.as_str() {
            Some("error") => Severity::Error,
            Some("warning") => Severity::Warning,
            Some("info") => Severity::Info,
            _ => {
                self.bad(
                    value.span,
                    format!("the severity of {code} must be error, warning or info"),
                    "not a severity",
                );
                return None;
            }
        };
        Some(SeverityOverride {
            code: found,
            severity,
        })
    }

    fn defaults(&mut self, y: &Yaml) -> Defaults {
        const KNOWN: &[&str] = &[
            "deny",
            "strict",
            "show_suppressed",
            "nodes",
            "env_file",
            "baseline",
        ];
        let mut d = Defaults::default();
        for (key, v) in self.map(y, "defaults") {
            let flag = |p: &mut Self| match v.value {
                Value::Bool(b) => b,
                _ => {
                    p.bad(
                        v.span,
                        format!("defaults.{key} must be true or false"),
                        "expected a boolean",
                    );
                    false
                }
            };
            match key.as_str() {
                "deny" => match v.as_str() {
                    Some("warnings") => d.deny_warnings = true,
                    _ => self.bad(
                        v.span,
                        "defaults.deny can only be `warnings`",
                        "expected `warnings`",
                    ),
                },
                "strict" => d.strict = flag(self),
                "show_suppressed" => d.show_suppressed = flag(self),
                "nodes" => d.nodes = v.scalar_text(),
                "env_file" => d.env_file = v.scalar_text(),
                "baseline" => d.baseline = v.scalar_text(),
                _ => self.unknown(&key, y, KNOWN),
            }
        }
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::SourceMap;

    fn parsed(text: &str) -> (Config, Vec<String>) {
        let mut sources = SourceMap::new();
        let id = sources.add(".swarmproof.yml", text);
        let (config, diags) = parse(id, sources.get(id).unwrap()).unwrap();
        (config, diags.into_iter().map(|d| d.message).collect())
    }

    #[test]
    fn reads_ignores_severities_and_defaults() {
        let (c, bad) = parsed("ignore:\n  - SP3002\n  - code: [depends-on-ignored, SP3010]\n    files: [stack.yml]\n    services: db\n    reason: legacy\nseverity:\n  SP3010: error\ndefaults:\n  deny: warnings\n  nodes: nodes.yml\n  strict: true\n");
        assert!(bad.is_empty(), "{bad:?}");
        let ids: Vec<_> = c.suppressions.iter().map(|s| s.code.id).collect();
        assert_eq!(ids, ["SP3002", "SP0106", "SP3010"]);
        assert_eq!(c.suppressions[0].scope, Scope::Stack);
        assert_eq!(
            c.suppressions[1].scope,
            Scope::Filter {
                files: vec!["stack.yml".into()],
                services: vec!["db".into()]
            }
        );
        assert_eq!(c.suppressions[1].reason.as_deref(), Some("legacy"));
        assert_eq!(c.severities[0].severity, Severity::Error);
        assert!(c.defaults.deny_warnings && c.defaults.strict);
        assert_eq!(c.defaults.nodes.as_deref(), Some("nodes.yml"));
    }

    #[test]
    fn unreadable_entries_are_warnings_and_skipped() {
        let (c, bad) =
            parsed("ignore: [SP9999, {files: [a]}]\nseverity: {SP3010: fatal}\ndefualts: {}\n");
        assert!(c.suppressions.is_empty() && c.severities.is_empty());
        assert_eq!(
            bad,
            [
                "unknown code SP9999 in a suppression",
                "an ignore entry needs a code",
                "the severity of SP3010 must be error, warning or info",
                "unknown configuration key defualts; did you mean `defaults`?",
            ]
        );
    }
}
