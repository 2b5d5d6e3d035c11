//! YAML → a spanned tree. serde-saphyr resolves anchors, aliases and `<<` merge keys (within the
//! budget that stops alias bombs and deep nesting) and gives every node its location; the rest of
//! loading works on this tree, as docker/cli works on its `map[string]interface{}`.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Location, MergeKeyPolicy, Options, Spanned as SaphyrSpanned};

use crate::diagnostics::{FileId, SourceFile, Span};

/// A YAML value with the span it was written at (for merged keys: where the value is defined).
#[derive(Clone, Debug, PartialEq)]
pub struct Yaml {
    pub value: Value,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Seq(Vec<Yaml>),
    /// Keys in document order; keys are kept as YAML (compose stringifies them).
    Map(Vec<(Yaml, Yaml)>),
}

impl Value {
    /// What docker/cli's schema calls the type, for "must be a string"-style messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Int(_) => "integer",
            Value::Float(_) => "number",
            Value::Str(_) => "string",
            Value::Seq(_) => "array",
            Value::Map(_) => "object",
        }
    }
}

impl Yaml {
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&[(Yaml, Yaml)]> {
        match &self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Yaml]> {
        match &self.value {
            Value::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// The entry of a mapping under a string key.
    pub fn get(&self, key: &str) -> Option<&Yaml> {
        self.as_map()?
            .iter()
            .find(|(k, _)| k.scalar_text().as_deref() == Some(key))
            .map(|(_, v)| v)
    }

    /// A scalar as text, the way compose stringifies keys and casts values.
    pub fn scalar_text(&self) -> Option<String> {
        match &self.value {
            Value::Str(s) => Some(s.clone()),
            Value::Int(i) => Some(i.to_string()),
            Value::Float(f) => Some(f.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Null => None,
            Value::Seq(_) | Value::Map(_) => None,
        }
    }
}

/// The tree as deserialized, before spans are tied to a file.
enum Raw {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Seq(Vec<SaphyrSpanned<Raw>>),
    Map(Vec<(SaphyrSpanned<Raw>, SaphyrSpanned<Raw>)>),
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = Raw;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }
    fn visit_none<E>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Raw, D::Error> {
        Raw::deserialize(d)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Raw, E> {
        Ok(Raw::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Raw, E> {
        Ok(Raw::Int(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Raw, E> {
        Ok(Raw::Int(v.into()))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Raw, E> {
        Ok(Raw::Int(v))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Raw, E> {
        i128::try_from(v)
            .map(Raw::Int)
            .map_err(|_| E::custom("integer too large"))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Raw, E> {
        Ok(Raw::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Raw, E> {
        Ok(Raw::Str(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Raw, E> {
        Ok(Raw::Str(v))
    }
    fn visit_bytes<E>(self, v: &[u8]) -> Result<Raw, E> {
        Ok(Raw::Str(String::from_utf8_lossy(v).into_owned()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Raw, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Raw::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Raw, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = map.next_entry()? {
            entries.push(entry);
        }
        Ok(Raw::Map(entries))
    }
}

/// A YAML error with the position serde-saphyr reports.
#[derive(Clone, Debug, PartialEq)]
pub struct YamlError {
    pub message: String,
    pub span: Span,
    /// The alias/size budget stopped the parse (e.g. a billion-laughs document).
    pub budget: bool,
}

impl YamlError {
    /// The finding: a syntax error, or a document the budget refused.
    pub fn diagnostic(&self) -> crate::diagnostics::Diagnostic {
        let code = if self.budget {
            &crate::loading::codes::YAML_BUDGET
        } else {
            &crate::loading::codes::YAML_SYNTAX
        };
        crate::diagnostics::Diagnostic::error(code, self.message.clone())
            .with_primary(Some(self.span), "here")
    }
}

fn span_of(file: FileId, source: &SourceFile, loc: &Location) -> Span {
    let line = loc.line() as usize;
    let column = loc.column() as usize;
    if line == 0 {
        return Span::new(file, 0, 0);
    }
    let start = source.offset_of(line, column);
    let len = loc.span().byte_len().unwrap_or(0) as usize;
    // The parser's length can end inside a character (a lone `\r` counts as a line break for
    // it, not for the line table): the span ends at that character's start instead.
    let end = crate::diagnostics::clamp_to_char_boundary(&source.text, start + len);
    Span::new(file, start, end)
}

fn convert(file: FileId, source: &SourceFile, raw: SaphyrSpanned<Raw>) -> Yaml {
    let loc = if raw.defined.line() > 0 {
        &raw.defined
    } else {
        &raw.referenced
    };
    let span = span_of(file, source, loc);
    let value = match raw.value {
        Raw::Null => Value::Null,
        Raw::Bool(b) => Value::Bool(b),
        Raw::Int(i) => Value::Int(i),
        Raw::Float(f) => Value::Float(f),
        Raw::Str(s) => Value::Str(s),
        Raw::Seq(items) => Value::Seq(
            items
                .into_iter()
                .map(|i| convert(file, source, i))
                .collect(),
        ),
        Raw::Map(entries) => Value::Map(
            entries
                .into_iter()
                .map(|(k, v)| (convert(file, source, k), convert(file, source, v)))
                .collect(),
        ),
    };
    Yaml { value, span }
}

/// Parses one YAML document. An empty file is `Null`.
pub fn parse(file: FileId, source: &SourceFile) -> Result<Yaml, YamlError> {
    parse_with(file, source, true)
}

/// A key written beside a `<<` merge whose mapping value replaces, whole, the mapping the merge
/// brought under the same key: YAML merge keys are shallow, so the merged nested keys missing
/// from the local mapping are lost (a `deploy:` beside `<<: *defaults` drops the defaults'
/// `restart_policy`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShallowMerge {
    pub key: String,
    /// The local key that replaces the merged mapping.
    pub span: Span,
    /// Nested keys of the merged mapping that the local one lacks.
    pub lost: Vec<String>,
}

/// Every [`ShallowMerge`] of the document, found on a second parse that keeps `<<` as an
/// ordinary key (the first parse has already applied the merges, and with them lost what was
/// replaced). A document that does not parse has none: `parse` reports it.
pub fn shallow_merges(file: FileId, source: &SourceFile) -> Vec<ShallowMerge> {
    let mut out = Vec::new();
    if let Ok(tree) = parse_with(file, source, false) {
        collect_shallow_merges(&tree, &mut out);
    }
    out
}

fn collect_shallow_merges(y: &Yaml, out: &mut Vec<ShallowMerge>) {
    match &y.value {
        Value::Seq(items) => items.iter().for_each(|i| collect_shallow_merges(i, out)),
        Value::Map(entries) => {
            let merged: Vec<&Yaml> = entries
                .iter()
                .filter(|(k, _)| k.as_str() == Some("<<"))
                .flat_map(|(_, v)| match &v.value {
                    Value::Seq(sources) => sources.iter().collect(),
                    _ => vec![v],
                })
                .collect();
            for (k, v) in entries.iter().filter(|(k, _)| k.as_str() != Some("<<")) {
                let (Some(key), Some(local)) = (k.scalar_text(), v.as_map()) else {
                    continue;
                };
                let from_merge = merged.iter().find_map(|m| m.get(&key)?.as_map());
                let lost: Vec<String> = from_merge
                    .into_iter()
                    .flatten()
                    .filter_map(|(mk, _)| mk.scalar_text())
                    .filter(|mk| {
                        !local
                            .iter()
                            .any(|(lk, _)| lk.scalar_text().as_ref() == Some(mk))
                    })
                    .collect();
                if !lost.is_empty() {
                    out.push(ShallowMerge {
                        key,
                        span: k.span,
                        lost,
                    });
                }
            }
            entries
                .iter()
                .filter(|(k, _)| k.as_str() != Some("<<"))
                .for_each(|(_, v)| collect_shallow_merges(v, out));
        }
        _ => {}
    }
}

fn parse_with(file: FileId, source: &SourceFile, merge: bool) -> Result<Yaml, YamlError> {
    if source.text.trim().is_empty() {
        return Ok(Yaml {
            value: Value::Null,
            span: Span::new(file, 0, 0),
        });
    }
    // docker/cli's yaml.v3: `yes`/`on` are strings, `0755` is octal.
    let options: Options = serde_saphyr::options! {
        strict_booleans: true,
        legacy_octal_numbers: true,
        merge_keys: if merge {
            MergeKeyPolicy::Merge
        } else {
            MergeKeyPolicy::AsOrdinary
        },
    };
    serde_saphyr::from_str_with_options::<SaphyrSpanned<Raw>>(&source.text, options)
        .map(|raw| convert(file, source, raw))
        .map_err(|e| {
            let span = e
                .location()
                .map(|l| span_of(file, source, &l))
                .unwrap_or(Span::new(file, 0, 0));
            let text = e.to_string();
            let first = text.lines().next().unwrap_or("invalid YAML");
            let budget = first.contains("budget breached");
            let message = if budget {
                budget_message(first)
            } else {
                first.to_string()
            };
            YamlError {
                budget,
                message,
                span,
            }
        })
}

/// serde-saphyr's "budget breached: Nodes { nodes: 250001 }" in words: which cap of its
/// default budget the document reached.
fn budget_message(text: &str) -> String {
    let breach = text.split("budget breached: ").nth(1).unwrap_or(text);
    let kind = breach.split([' ', '{']).next().unwrap_or("");
    let what = match kind {
        "Nodes" => "more than 250,000 YAML nodes (scalars, lists and mappings)",
        "Events" => "more than 1,000,000 YAML events",
        "Depth" => "nesting deeper than 64 levels",
        "Aliases" | "AliasAnchorRatio" => "too many aliases (`*name`) for its anchors",
        "Anchors" => "more than 50,000 anchors",
        "Documents" => "more than 1,024 documents",
        "MergeKeys" => "more than 10,000 merge keys (`<<`)",
        "ScalarBytes" | "InputBytes" => "more text than swarmproof reads",
        _ => breach,
    };
    format!("the document expands to {what}, beyond what swarmproof reads ({breach})")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::SourceMap;

    fn parse_text(text: &str) -> (SourceMap, Result<Yaml, YamlError>) {
        let mut map = SourceMap::new();
        let id = map.add("t.yml", text);
        let r = parse(id, map.get(id).unwrap());
        (map, r)
    }

    #[test]
    fn merge_keys_keep_the_defining_span() {
        let text = "x-d: &d\n  restart: always\nservices:\n  web:\n    <<: *d\n    image: nginx\n";
        let (map, y) = parse_text(text);
        let y = y.unwrap();
        let web = y.get("services").unwrap().get("web").unwrap();
        let restart = web.get("restart").unwrap();
        assert_eq!(restart.as_str(), Some("always"));
        assert_eq!(map.line_col(restart.span), Some((2, 12)));
        assert_eq!(map.line_col(web.get("image").unwrap().span), Some((6, 12)));
    }

    #[test]
    fn yaml_1_1_booleans_are_strings_and_octal_is_octal() {
        let (_, y) = parse_text("a: yes\nb: 0755\nc: true\n");
        let y = y.unwrap();
        assert_eq!(y.get("a").unwrap().as_str(), Some("yes"));
        assert_eq!(y.get("b").unwrap().value, Value::Int(0o755));
        assert_eq!(y.get("c").unwrap().value, Value::Bool(true));
    }

    #[test]
    fn syntax_errors_have_a_location() {
        let (map, y) = parse_text("services:\n  web:\n    image: [a\n");
        let e = y.unwrap_err();
        assert!(!e.message.is_empty());
        assert!(map.line_col(e.span).unwrap().0 >= 3);
    }

    #[test]
    fn alias_bomb_is_stopped_by_the_budget() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let (_, y) = parse_text(&text);
        assert!(y.is_err());
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = "[".repeat(10_000) + &"]".repeat(10_000);
        let (_, y) = parse_text(&text);
        assert!(y.is_err());
    }
}
