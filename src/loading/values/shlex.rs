//! google/shlex's `Split`, which docker/cli applies to a `command` or `entrypoint` written as
//! one string: words split on blanks, `'…'` literal, `"…"` with `\` escaping the next
//! character, `\` outside quotes escaping the next character, `#` at the start of a word
//! commenting out the rest of the line.

use super::ValueError;

pub fn split(input: &str) -> Result<Vec<String>, ValueError> {
    let mut words = Vec::new();
    let mut chars = input.chars().peekable();
    loop {
        // Between words: skip blanks and comments.
        let Some(&c) = chars.peek() else {
            return Ok(words);
        };
        if matches!(c, ' ' | '\t' | '\r' | '\n') {
            chars.next();
            continue;
        }
        if c == '#' {
            for c in chars.by_ref() {
                if c == '\n' {
                    break;
                }
            }
            continue;
        }
        let mut word = String::new();
        while let Some(c) = chars.next() {
            match c {
                ' ' | '\t' | '\r' | '\n' => break,
                '\\' => word.push(chars.next().ok_or_else(after_escape)?),
                '\'' => loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => word.push(c),
                        None => return Err(unclosed()),
                    }
                },
                '"' => loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => word.push(chars.next().ok_or_else(after_escape)?),
                        Some(c) => word.push(c),
                        None => return Err(unclosed()),
                    }
                },
                c => word.push(c),
            }
        }
        words.push(word);
    }
}

fn unclosed() -> ValueError {
    ValueError::new("EOF found when expecting closing quote")
}

fn after_escape() -> ValueError {
    ValueError::new("EOF found after escape character")
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn words_quotes_and_escapes() {
        assert_eq!(
            split("sh -c 'echo hi there'").unwrap(),
            ["sh", "-c", "echo hi there"]
        );
        assert_eq!(split(r#"a "b \" c" d\ e"#).unwrap(), ["a", "b \" c", "d e"]);
        assert_eq!(split("a #comment\nb").unwrap(), ["a", "b"]);
        assert_eq!(split("a#b").unwrap(), ["a#b"]);
        assert!(split("").unwrap().is_empty());
        assert!(split("'open").is_err());
        assert!(split("trailing\\").is_err());
    }
}
