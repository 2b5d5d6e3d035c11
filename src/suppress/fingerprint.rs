//! Stable fingerprints of findings, independent of line numbers: a hash of the code, the file
//! (as named, without a leading `./`), the service, the YAML key path of the primary span
//! (`services.web.deploy.replicas`, sequence items as `[]`) and the message. Adding lines
//! above a finding, or reordering services, leaves its fingerprint unchanged.

use std::collections::HashMap;

use crate::diagnostics::{Diagnostic, FileId, SourceMap, Span};
use crate::loading::yaml::{self, Value, Yaml};

/// Computes fingerprints, parsing each file once.
#[derive(Default)]
pub struct Fingerprinter {
    trees: HashMap<FileId, Option<Yaml>>,
}

impl Fingerprinter {
    pub fn fingerprint(&mut self, d: &Diagnostic, sources: &SourceMap) -> String {
        let span = d.primary_span();
        let file = span
            .and_then(|s| sources.get(s.file))
            .map(|f| f.name.trim_start_matches("./").to_string())
            .unwrap_or_default();
        let path = span.map(|s| self.key_path(s, sources)).unwrap_or_default();
        let fields = [
            d.code.id,
            &file,
            d.service.as_deref().unwrap_or(""),
            &path,
            &d.message,
        ];
        format!("{:016x}", fnv1a(&fields.join("\0")))
    }

    /// The YAML key path of the node written at the span's start (`services.web.deploy`),
    /// empty when the file does not parse.
    pub fn key_path(&mut self, span: Span, sources: &SourceMap) -> String {
        let tree = self
            .trees
            .entry(span.file)
            .or_insert_with(|| yaml::parse(span.file, sources.get(span.file)?).ok());
        tree.as_ref()
            .map(|t| key_path(t, span.file, span.start))
            .unwrap_or_default()
    }
}

/// The keys leading to the node written at `offset`: in each mapping the last key written
/// at or before it (collections carry only their start, so position decides), in each
/// sequence the last item started at or before it.
fn key_path(tree: &Yaml, file: FileId, offset: usize) -> String {
    let before = |y: &Yaml| y.span.file == file && y.span.start <= offset;
    let mut path = Vec::new();
    let mut node = tree;
    // Bounded by the tree's depth, which the parser's budget bounds.
    loop {
        let next = match &node.value {
            Value::Map(entries) => entries
                .iter()
                .filter(|(k, _)| before(k))
                .max_by_key(|(k, _)| k.span.start)
                .and_then(|(k, v)| {
                    path.push(k.scalar_text().unwrap_or_default());
                    (offset >= k.span.end).then_some(v)
                }),
            Value::Seq(items) => items
                .iter()
                .filter(|i| before(i))
                .max_by_key(|i| i.span.start)
                .inspect(|_| path.push("[]".into())),
            _ => None,
        };
        match next {
            Some(n) => node = n,
            None => break,
        }
    }
    path.join(".")
}

/// 64-bit FNV-1a: small, and stable across Rust releases (std's hashers are not promised to be).
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loading::codes::UNKNOWN_KEY;

    fn print(text: &str, needle: &str) -> (String, String) {
        let mut sources = SourceMap::new();
        let id = sources.add("./stack.yml", text);
        let at = text.find(needle).unwrap();
        let d = Diagnostic::error(&UNKNOWN_KEY, "m").at_service(
            "web",
            Some(Span::new(id, at, at + needle.len())),
            "here",
        );
        let tree = yaml::parse(id, sources.get(id).unwrap()).unwrap();
        (
            Fingerprinter::default().fingerprint(&d, &sources),
            key_path(&tree, id, at),
        )
    }

    #[test]
    fn lines_added_above_do_not_change_it_the_key_path_does() {
        let a = print(
            "services:\n  web:\n    deploy:\n      replica: 2\n",
            "replica",
        );
        let b = print("# a comment\nversion: '3.8'\n\nservices:\n  db:\n    image: x\n  web:\n    deploy:\n      replica: 2\n", "replica");
        assert_eq!(a.1, "services.web.deploy.replica");
        assert_eq!(a, b);
        let c = print("services:\n  web:\n    ports:\n    - 80:80\n", "80:80");
        assert_eq!(c.1, "services.web.ports.[]");
        assert_ne!(a.0, c.0);
        assert_eq!(fnv1a(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a("a"), 0xaf63_dc4c_8601_ec8c);
    }
}
