//! Variable interpolation as `docker stack deploy` does it (docker/cli `cli/compose/template`):
//! `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?err}`, `${VAR?err}` and `$$`.
//! Unlike docker compose v2 there is no `:+`/`+` and no nesting inside defaults: those are
//! "Invalid template" errors for stack deploy, and we say so.

use std::collections::BTreeMap;

/// What a substitution needs from outside: variable values.
pub type Env = BTreeMap<String, String>;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TemplateError {
    /// docker/cli: `Invalid template: "…"`.
    Invalid { template: String },
    /// `${VAR:?msg}` / `${VAR?msg}` with the variable missing.
    Required { name: String, message: String },
}

impl std::fmt::Display for TemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TemplateError::Invalid { template } => write!(f, "Invalid template: {template:?}"),
            TemplateError::Required { name, message } => {
                write!(f, "required variable {name} is missing a value: {message}")
            }
        }
    }
}

/// The result of substituting one string.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Substituted {
    pub text: String,
    /// Variables referenced without a default that are not set (they become "").
    pub unset: Vec<String>,
}

fn is_name_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Substitutes every variable in `template`.
pub fn substitute(template: &str, env: &Env) -> Result<Substituted, TemplateError> {
    let invalid = || TemplateError::Invalid {
        template: template.to_string(),
    };
    let mut out = Substituted::default();
    let mut rest = template;
    while let Some(pos) = rest.find('$') {
        out.text.push_str(&rest[..pos]);
        let after = &rest[pos + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.text.push('$');
            rest = tail;
        } else if after.starts_with(is_name_start) {
            let len = after.find(|c| !is_name_char(c)).unwrap_or(after.len());
            let name = &after[..len];
            lookup_plain(name, env, &mut out);
            rest = &after[len..];
        } else if let Some(inner) = after.strip_prefix('{') {
            // braced: `[_a-z][_a-z0-9]*(?::?[-?][^}]*)?` up to the first `}`.
            let close = inner.find('}').ok_or_else(invalid)?;
            let body = &inner[..close];
            substitute_braced(body, env, &mut out).ok_or_else(invalid)??;
            rest = &inner[close + 1..];
        } else {
            return Err(invalid());
        }
    }
    out.text.push_str(rest);
    Ok(out)
}

fn lookup_plain(name: &str, env: &Env, out: &mut Substituted) {
    match env.get(name) {
        Some(v) => out.text.push_str(v),
        None => out.unset.push(name.to_string()),
    }
}

/// `None` when the body does not match the braced pattern (an invalid template).
fn substitute_braced(
    body: &str,
    env: &Env,
    out: &mut Substituted,
) -> Option<Result<(), TemplateError>> {
    if !body.starts_with(is_name_start) {
        return None;
    }
    let len = body.find(|c| !is_name_char(c)).unwrap_or(body.len());
    let (name, op) = body.split_at(len);
    if op.is_empty() {
        lookup_plain(name, env, out);
        return Some(Ok(()));
    }
    let (colon, op) = match op.strip_prefix(':') {
        Some(op) => (true, op),
        None => (false, op),
    };
    // The operator is one character, which need not be ASCII (then the template is invalid).
    let (kind, arg) = op.split_at(op.chars().next().map_or(0, char::len_utf8));
    let value = env.get(name).filter(|v| !(colon && v.is_empty()));
    match kind {
        "-" => {
            out.text.push_str(value.map_or(arg, String::as_str));
            Some(Ok(()))
        }
        "?" => Some(match value {
            Some(v) => {
                out.text.push_str(v);
                Ok(())
            }
            None => Err(TemplateError::Required {
                name: name.to_string(),
                message: arg.to_string(),
            }),
        }),
        _ => None,
    }
}

/// One line of an env file that is not blank or a comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EnvLine {
    /// `KEY=VALUE` (value kept as written), or `KEY` alone (`None`).
    Var(String, Option<String>),
    /// A line docker's `opts.ParseEnvFile` refuses: its 1-based number and docker's message.
    Bad(usize, String),
}

/// The lines of an env file as docker's `opts.ParseEnvFile` reads them: leading blanks and a
/// BOM dropped, blank and `#` lines skipped, the key up to the first `=`, which may not be
/// empty or contain a blank.
pub fn env_file_lines(text: &str) -> Vec<EnvLine> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_start();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, value) = match line.split_once('=') {
            Some((k, v)) => (k, Some(v.to_string())),
            None => (line, None),
        };
        let key = key.trim_start_matches([' ', '\t']);
        if key.contains([' ', '\t']) {
            out.push(EnvLine::Bad(
                i + 1,
                format!("variable '{key}' contains whitespaces"),
            ));
        } else if key.is_empty() {
            out.push(EnvLine::Bad(
                i + 1,
                format!("no variable name on line '{line}'"),
            ));
        } else {
            out.push(EnvLine::Var(key.trim().to_string(), value));
        }
    }
    out
}

/// Parses an env file as `--env-file` reads it ([`env_file_lines`]), `KEY` alone taken from
/// `process_env`. Returns the variables and the 1-based numbers of lines that are not of that
/// form.
pub fn parse_env_file(text: &str, process_env: &Env) -> (Env, Vec<usize>) {
    let mut env = Env::new();
    let mut bad = Vec::new();
    for line in env_file_lines(text) {
        match line {
            EnvLine::Var(key, Some(v)) => {
                env.insert(key, v);
            }
            EnvLine::Var(key, None) => {
                if let Some(v) = process_env.get(&key) {
                    env.insert(key, v.clone());
                }
            }
            EnvLine::Bad(n, _) => bad.push(n),
        }
    }
    (env, bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env() -> Env {
        [("TAG", "1.25"), ("EMPTY", "")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn sub(t: &str) -> Result<String, TemplateError> {
        substitute(t, &env()).map(|s| s.text)
    }

    #[test]
    fn docker_cli_forms() {
        assert_eq!(sub("nginx:$TAG").unwrap(), "nginx:1.25");
        assert_eq!(sub("nginx:${TAG}").unwrap(), "nginx:1.25");
        assert_eq!(sub("${NOPE:-x}").unwrap(), "x");
        assert_eq!(sub("${EMPTY:-x}").unwrap(), "x");
        assert_eq!(sub("${EMPTY-x}").unwrap(), "");
        assert_eq!(sub("${NOPE-x}").unwrap(), "x");
        assert_eq!(sub("$$HOME and $$").unwrap(), "$HOME and $");
        assert_eq!(sub("${TAG:?need it}").unwrap(), "1.25");
        assert_eq!(sub("${EMPTY?need}").unwrap(), "");
        assert_eq!(
            sub("${EMPTY:?need it}").unwrap_err().to_string(),
            "required variable EMPTY is missing a value: need it"
        );
        assert!(matches!(
            sub("${NOPE?x}"),
            Err(TemplateError::Required { .. })
        ));
        let s = substitute("a${NOPE}b$NOPE2", &env()).unwrap();
        assert_eq!(
            (s.text.as_str(), s.unset),
            ("ab", vec!["NOPE".into(), "NOPE2".into()])
        );
    }

    #[test]
    fn compose_v2_only_syntax_is_invalid_for_stack_deploy() {
        assert_eq!(
            sub("${TAG:+set}").unwrap_err().to_string(),
            "Invalid template: \"${TAG:+set}\""
        );
        assert!(sub("${}").is_err());
        assert!(sub("${1A}").is_err());
        assert!(sub("${TAG").is_err());
        assert!(sub("cost: $5").is_err());
        // Nesting is not supported: the default ends at the first `}`.
        assert_eq!(sub("${NOPE:-${TAG}}").unwrap(), "${TAG}");
    }

    #[test]
    fn env_file() {
        let process: Env = [("FROM_ENV".to_string(), "p".to_string())].into();
        let (env, bad) =
            parse_env_file("# c\nA=1\n\nB = 2\nFROM_ENV\nC=x=y\n bad key=1\n", &process);
        assert_eq!(env.get("A").map(String::as_str), Some("1"));
        assert_eq!(env.get("FROM_ENV").map(String::as_str), Some("p"));
        assert_eq!(env.get("C").map(String::as_str), Some("x=y"));
        assert_eq!(bad, vec![4, 7]);
    }
}
