//! `# swarmproof-ignore CODE[, CODE…] [-- reason]` comments in a stack file. A comment after
//! a value covers its own line and the block nested under it; a comment alone on its line
//! covers the next line that is not a comment, and that line's block. So a comment on a
//! service's key covers the whole service, one on `deploy:` the deploy block.

use crate::diagnostics::{Diagnostic, FileId, SourceFile, Span};

use super::{codes, parse_codes, Scope, Suppression, Via};

const MARKER: &str = "swarmproof-ignore";

/// The suppressions written as comments in `source`, and the comments that cannot be read.
pub fn parse(file: FileId, source: &SourceFile) -> (Vec<Suppression>, Vec<Diagnostic>) {
    let lines: Vec<(usize, &str)> = line_offsets(&source.text);
    let mut out = Vec::new();
    let mut diags = Vec::new();
    for (index, &(offset, line)) in lines.iter().enumerate() {
        let Some(hash) = comment_start(line) else {
            continue;
        };
        let body = line[hash + 1..].trim_start();
        let Some(rest) = body.strip_prefix(MARKER) else {
            continue;
        };
        let rest_at = offset + line.len() - rest.len();
        let comment = Span::new(file, offset + hash, offset + line.len());
        if !(rest.is_empty() || rest.starts_with([' ', '\t', '='])) {
            continue;
        }
        let (list, reason) = match rest.split_once("--") {
            Some((l, r)) => (l, Some(r.trim().to_string()).filter(|r| !r.is_empty())),
            None => (rest, None),
        };
        let list = list.trim_start_matches([' ', '\t', '=']);
        let list_at = rest_at + (rest.len() - rest.trim_start_matches([' ', '\t', '=']).len());
        let target = if line[..hash].trim().is_empty() {
            match next_content_line(&lines, index + 1) {
                Some(t) => t,
                None => {
                    diags.push(
                        Diagnostic::warning(
                            &codes::INVALID_SUPPRESSION,
                            "this swarmproof-ignore comment is followed by no line it could cover",
                        )
                        .with_primary(Some(comment), "nothing below"),
                    );
                    continue;
                }
            }
        } else {
            index
        };
        let scope = Scope::Lines {
            file,
            first: target,
            end: block_end(&lines, target),
        };
        let (found, bad) = parse_codes(file, list, list_at, comment);
        diags.extend(bad);
        out.extend(found.into_iter().map(|(code, span)| Suppression {
            code,
            scope: scope.clone(),
            reason: reason.clone(),
            via: Via::Comment,
            span: Some(span),
        }));
    }
    (out, diags)
}

/// Each line with the byte offset it starts at (without its line break).
fn line_offsets(text: &str) -> Vec<(usize, &str)> {
    let mut offset = 0;
    text.split_inclusive('\n')
        .map(|l| {
            let start = offset;
            offset += l.len();
            (start, l.trim_end_matches(['\n', '\r']))
        })
        .collect()
}

/// Where a YAML comment starts: a `#` at the line's start or after a blank, outside quotes.
fn comment_start(line: &str) -> Option<usize> {
    let mut quote = None;
    let mut previous = ' ';
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (None, '#') if previous == ' ' || previous == '\t' => return Some(i),
            // A quote opens a quoted scalar only where a scalar can start.
            (None, '"' | '\'') if matches!(previous, ' ' | '\t' | ':' | '[' | '{' | ',' | '-') => {
                quote = Some(c)
            }
            (Some(q), _) if c == q => quote = None,
            _ => {}
        }
        previous = c;
    }
    None
}

fn is_content(line: &str) -> bool {
    let t = line.trim_start();
    !t.is_empty() && !t.starts_with('#')
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches([' ', '\t']).len()
}

fn next_content_line(lines: &[(usize, &str)], from: usize) -> Option<usize> {
    (from..lines.len()).find(|&i| is_content(lines[i].1))
}

/// The first line after `target` that is no longer nested under it: the next content line
/// indented no deeper, except a `- ` item at the key's own indentation (YAML lets a key's
/// sequence sit at the key's column).
fn block_end(lines: &[(usize, &str)], target: usize) -> usize {
    let own = indent(lines[target].1);
    let own_is_item = lines[target].1.trim_start().starts_with('-');
    (target + 1..lines.len())
        .filter(|&i| is_content(lines[i].1))
        .find(|&i| {
            let line = lines[i].1;
            let depth = indent(line);
            depth < own || (depth == own && (own_is_item || !line.trim_start().starts_with('-')))
        })
        .unwrap_or(lines.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        let mut map = crate::diagnostics::SourceMap::new();
        let id = map.add("s.yml", text);
        map.get(id).cloned().unwrap()
    }

    fn scopes(text: &str) -> Vec<(String, usize, usize, Option<String>)> {
        let (found, diags) = parse(FileId(0), &file(text));
        assert!(diags.is_empty(), "{diags:?}");
        found
            .into_iter()
            .map(|s| match s.scope {
                Scope::Lines { first, end, .. } => (s.code.id.to_string(), first, end, s.reason),
                _ => unreachable!(),
            })
            .collect()
    }

    #[test]
    fn a_trailing_comment_covers_its_line_and_block_a_lone_one_the_next() {
        let text = "services:\n  web:  # swarmproof-ignore SP3002, SP0106 -- legacy\n    image: x\n    deploy:\n      # swarmproof-ignore=rollout-full-outage\n      # (a second comment line)\n      replicas: 1\n    ports:\n    - 80:80\n  db:\n    image: y # swarmproof-ignore SP0106\n";
        assert_eq!(
            scopes(text),
            vec![
                ("SP3002".into(), 1, 9, Some("legacy".into())),
                ("SP0106".into(), 1, 9, Some("legacy".into())),
                ("SP3002".into(), 6, 7, None),
                ("SP0106".into(), 10, 11, None),
            ]
        );
        // A key's sequence at the key's own column stays in the key's block.
        let seq = "ports:  # swarmproof-ignore SP0106\n- 80:80\n- 443:443\nimage: x\n";
        assert_eq!(scopes(seq), vec![("SP0106".into(), 0, 3, None)]);
    }

    #[test]
    fn markers_inside_strings_and_words_are_not_comments() {
        assert!(scopes("a: \"x # swarmproof-ignore SP0106\"\nb: x#swarmproof-ignore SP0106\nc: 1 # swarmproof-ignored\n").is_empty());
    }

    #[test]
    fn unknown_codes_and_empty_lists_are_reported() {
        let source = file("a: 1 # swarmproof-ignore SP9999, SP0106\nb: 2 # swarmproof-ignore\n# swarmproof-ignore SP0106\n");
        let (found, diags) = parse(FileId(0), &source);
        assert_eq!(found.len(), 1);
        let messages: Vec<_> = diags.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "unknown code SP9999 in a suppression",
                "this suppression names no code",
                "this swarmproof-ignore comment is followed by no line it could cover",
            ]
        );
        let span = diags[0].primary_span().unwrap();
        assert_eq!(&source.text[span.range()], "SP9999");
    }
}
