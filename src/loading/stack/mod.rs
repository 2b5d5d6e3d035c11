//! Loading a stack as `docker stack deploy -c … [-c …]` does: per file, parse YAML (anchors,
//! aliases, merge keys), check the version, interpolate variables in the sections docker/cli
//! interpolates; then merge the files in order and lower the result into `model::Stack`,
//! reporting every schema and value problem with its location.

mod cx;
mod depends_on;
mod deploy;
pub mod interpolate;
mod lints;
mod merge;
mod ports;
pub mod schema;
mod service;
mod top;
pub mod view;

use std::collections::BTreeMap;

use crate::diagnostics::{Diagnostic, FileId, SourceMap, Span};
use crate::loading::codes;
use crate::loading::yaml::{self, Value, Yaml};
use crate::model::Stack;

pub use interpolate::Env;

/// What a stack load needs besides the files.
#[derive(Clone, Debug, Default)]
pub struct StackOptions {
    /// Stack name (`docker stack deploy … NAME`); names `<stack>_default` and the like.
    pub name: String,
    /// Variables for interpolation: the process environment plus `--env-file`.
    pub env: Env,
    /// A `.env` file sits beside the first stack file (docker stack deploy does not read it).
    pub dotenv_beside: bool,
    /// Leave `$VAR` references as written (`docker stack config --skip-interpolation`).
    pub skip_interpolation: bool,
}

/// The files as parsed, checked and interpolated one by one, before merging.
struct Files {
    trees: Vec<Yaml>,
    /// The first file's version: as written, its minor number, where.
    version: Option<(String, u32, Span)>,
}

/// Loads and merges the given files (in order) into one stack.
pub fn load_stack(
    sources: &SourceMap,
    files: &[FileId],
    options: &StackOptions,
) -> (Stack, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let parsed = read_files(sources, files, options, &mut diags);
    let Some(tree) = merged(&parsed) else {
        return (
            Stack {
                name: options.name.clone(),
                ..Stack::default()
            },
            diags,
        );
    };
    let minor = parsed
        .version
        .as_ref()
        .map_or(schema::LATEST_MINOR, |v| v.1);
    let (stack, lower_diags) = lower(&tree, minor, &options.name);
    diags.extend(per_file_rejections(
        &parsed,
        minor,
        &options.name,
        &lower_diags,
    ));
    diags.extend(lower_diags);
    (stack, diags)
}

/// docker/cli validates each file against the schema before merging, so an error in one file
/// stops it even where a later file overrides the value. The merged tree no longer shows
/// those: each file of several is lowered alone for its schema errors, those the merged tree
/// also has (`merged`) left out.
fn per_file_rejections(
    parsed: &Files,
    minor: u32,
    name: &str,
    merged: &[Diagnostic],
) -> Vec<Diagnostic> {
    if parsed.trees.len() < 2 {
        return Vec::new();
    }
    let mut out: Vec<Diagnostic> = Vec::new();
    for tree in &parsed.trees {
        let (_, file_diags) = lower(tree, minor, name);
        for d in file_diags {
            let same = |o: &Diagnostic| {
                o.code.id == d.code.id
                    && o.message == d.message
                    && o.primary_span() == d.primary_span()
            };
            if codes::is_load_rejection(d.code)
                && d.severity == crate::diagnostics::Severity::Error
                && !merged.iter().any(same)
                && !out.iter().any(same)
            {
                out.push(d);
            }
        }
    }
    out
}

/// The stack as `docker stack config` prints it, or `None` where docker rejects the files
/// (the diagnostics then hold the errors). Diagnostics of the model that `docker stack config`
/// does not check (undefined references, missing images, …) are left out.
pub fn load_config_view(
    sources: &SourceMap,
    files: &[FileId],
    options: &StackOptions,
    ctx: &view::ViewContext,
) -> (Option<view::Node>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let parsed = read_files(sources, files, options, &mut diags);
    let Some(tree) = merged(&parsed) else {
        return (None, diags);
    };
    let minor = parsed
        .version
        .as_ref()
        .map_or(schema::LATEST_MINOR, |v| v.1);
    let (_, lower_diags) = lower(&tree, minor, &options.name);
    diags.extend(per_file_rejections(
        &parsed,
        minor,
        &options.name,
        &lower_diags,
    ));
    diags.extend(
        lower_diags
            .into_iter()
            .filter(|d| codes::is_load_rejection(d.code)),
    );
    if diags
        .iter()
        .any(|d| d.severity == crate::diagnostics::Severity::Error)
    {
        return (None, diags);
    }
    let version = parsed.version.as_ref().map_or("", |v| v.0.as_str());
    let version = match version {
        "" | "3" => format!("3.{}", schema::LATEST_MINOR),
        v => v.to_string(),
    };
    match view::config_view(&tree, &parsed.trees[0], &version, ctx) {
        Ok(node) => (Some(node), diags),
        Err(d) => {
            diags.push(*d);
            (None, diags)
        }
    }
}

fn merged(parsed: &Files) -> Option<Yaml> {
    let mut trees = parsed.trees.iter().cloned();
    let mut base = trees.next()?;
    for tree in trees {
        merge::merge_files(&mut base, tree);
    }
    Some(base)
}

/// Parses, checks and interpolates each file.
fn read_files(
    sources: &SourceMap,
    files: &[FileId],
    options: &StackOptions,
    diags: &mut Vec<Diagnostic>,
) -> Files {
    let mut parsed = Files {
        trees: Vec::new(),
        version: None,
    };
    let mut unset = Unset::new();
    for &file in files {
        let Some(source) = sources.get(file) else {
            continue;
        };
        let mut tree = match yaml::parse(file, source) {
            Ok(t) => t,
            Err(e) => {
                diags.push(e.diagnostic());
                continue;
            }
        };
        for m in yaml::shallow_merges(file, source) {
            diags.push(
                Diagnostic::warning(
                    &codes::SHALLOW_MERGE,
                    format!(
                        "`{}` here replaces the whole `{}` of the `<<` merge: {} {} lost",
                        m.key,
                        m.key,
                        m.lost.join(", "),
                        if m.lost.len() == 1 { "is" } else { "are" }
                    ),
                )
                .with_primary(Some(m.span), "replaces the merged mapping")
                .with_note("YAML merge keys are shallow: nested mappings are replaced, not merged")
                .with_help(format!(
                    "repeat {} here, or merge the nested mapping itself (`{}: {{<<: *anchor, ...}}`)",
                    m.lost.join(", "),
                    m.key
                )),
            );
        }
        if tree.as_map().is_none() {
            diags.push(
                Diagnostic::error(
                    &codes::NOT_A_MAPPING,
                    format!("{}: top-level object must be a mapping", source.name),
                )
                .with_primary(Some(tree.span), format!("found {}", tree.value.type_name())),
            );
            continue;
        }
        let Some(minor) = check_version(&tree, file, &mut parsed.version, diags) else {
            continue;
        };
        if !options.skip_interpolation {
            interpolate_sections(&mut tree, &options.env, &mut unset, diags);
        }
        check_top_level(&tree, diags, minor);
        parsed.trees.push(tree);
    }
    report_unset(&unset, options, diags);
    parsed
}

/// The version of one file, checked against the first file's.
fn check_version(
    tree: &Yaml,
    file: FileId,
    seen: &mut Option<(String, u32, Span)>,
    diags: &mut Vec<Diagnostic>,
) -> Option<u32> {
    let (text, span) = match tree.get("version") {
        None => (String::new(), Span::new(file, 0, 0)),
        Some(v) => match &v.value {
            Value::Str(s) => (s.clone(), v.span),
            Value::Null => (String::new(), v.span),
            _ => {
                diags.push(
                    Diagnostic::error(&codes::VERSION_UNSUPPORTED, "version must be a string")
                        .with_primary(
                            Some(v.span),
                            format!("{} written unquoted", v.value.type_name()),
                        )
                        .with_help(format!(
                            "quote it: version: \"{}\"",
                            v.scalar_text().unwrap_or_default()
                        )),
                );
                return None;
            }
        },
    };
    let Some(minor) = schema::parse_version(&text) else {
        diags.push(
            Diagnostic::error(
                &codes::VERSION_UNSUPPORTED,
                format!("unsupported Compose file version: {text}"),
            )
            .with_primary(Some(span), "docker stack deploy accepts 3.0 to 3.13"),
        );
        return None;
    };
    if let Some((first, _, first_span)) = seen {
        if *first != text {
            diags.push(
                Diagnostic::error(
                    &codes::VERSION_MISMATCH,
                    format!("version mismatched between two composefiles : {first} and {text}"),
                )
                .with_primary(Some(span), format!("version {text:?}"))
                .with_secondary(Some(*first_span), format!("version {first:?}")),
            );
        }
    } else {
        *seen = Some((text, minor, span));
    }
    Some(minor)
}

fn check_top_level(tree: &Yaml, diags: &mut Vec<Diagnostic>, minor: u32) {
    let mut cx = cx::Cx::new(minor);
    cx.object(tree, "(root)", "root", schema::TOP_LEVEL);
    diags.extend(cx.diags);
}

/// Unset variables: whether any use is in a place where an empty value breaks the deploy
/// (deploy settings, ports, networks, volumes, image, top-level object settings; labels
/// excepted), and the first
/// place each is used.
type Unset = BTreeMap<String, (bool, Span)>;

/// Service keys where a blank value breaks the deploy or changes where tasks run.
const CRITICAL_SERVICE_KEYS: &[&str] = &["deploy", "ports", "networks", "volumes", "image"];

/// docker/cli interpolates every value of the file (not keys, and `version` is read before).
fn interpolate_sections(
    tree: &mut Yaml,
    env: &Env,
    unset: &mut Unset,
    diags: &mut Vec<Diagnostic>,
) {
    let Value::Map(entries) = &mut tree.value else {
        return;
    };
    for (k, v) in entries {
        let section = k.scalar_text().unwrap_or_default();
        let mut path = vec![section.clone()];
        match section.as_str() {
            "version" => {}
            "services" => {
                let Value::Map(services) = &mut v.value else {
                    interpolate_tree(v, env, false, &mut path, unset, diags);
                    continue;
                };
                for (name, service) in services {
                    path.push(name.scalar_text().unwrap_or_default());
                    let Value::Map(keys) = &mut service.value else {
                        path.pop();
                        continue;
                    };
                    for (key, value) in keys {
                        let key = key.scalar_text().unwrap_or_default();
                        let critical = CRITICAL_SERVICE_KEYS.contains(&key.as_str());
                        path.push(key);
                        interpolate_tree(value, env, critical, &mut path, unset, diags);
                        path.pop();
                    }
                    path.pop();
                }
            }
            "networks" | "volumes" | "secrets" | "configs" => {
                interpolate_tree(v, env, true, &mut path, unset, diags)
            }
            _ => interpolate_tree(v, env, false, &mut path, unset, diags),
        }
    }
}

/// The type docker/cli gives an interpolated value at a path (`interpolateTypeCastMapping`);
/// `path` holds keys, with `[]` for list items.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Cast {
    Int,
    Float,
    Bool,
}

fn cast_for(path: &[String]) -> Option<Cast> {
    let p: Vec<&str> = path.iter().map(String::as_str).collect();
    match p.as_slice() {
        ["services", _, rest @ ..] => match rest {
            ["configs" | "secrets", "[]", "mode"]
            | ["healthcheck", "retries"]
            | ["deploy", "replicas"]
            | ["deploy", "update_config" | "rollback_config", "parallelism"]
            | ["deploy", "restart_policy", "max_attempts"]
            | ["deploy", "placement", "max_replicas_per_node"]
            | ["ports", "[]", "target" | "published"]
            | ["ulimits", _]
            | ["ulimits", _, "hard" | "soft"]
            | ["oom_score_adj"] => Some(Cast::Int),
            ["deploy", "update_config" | "rollback_config", "max_failure_ratio"] => {
                Some(Cast::Float)
            }
            ["healthcheck", "disable"]
            | ["privileged" | "read_only" | "stdin_open" | "tty"]
            | ["volumes", "[]", "read_only"]
            | ["volumes", "[]", "volume", "nocopy"] => Some(Cast::Bool),
            _ => None,
        },
        ["networks", _, "external" | "internal" | "attachable"]
        | ["volumes" | "secrets" | "configs", _, "external"] => Some(Cast::Bool),
        _ => None,
    }
}

/// docker/cli's `toInt` (`strconv.Atoi`), `toFloat` and `toBoolean`.
fn cast(text: &str, cast: Cast) -> Result<Value, String> {
    match cast {
        Cast::Int => {
            let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!("strconv.Atoi: parsing {text:?}: invalid syntax"));
            }
            text.parse::<i64>()
                .map(|i| Value::Int(i.into()))
                .map_err(|_| format!("strconv.Atoi: parsing {text:?}: value out of range"))
        }
        Cast::Float => text
            .parse::<f64>()
            .map(Value::Float)
            .map_err(|_| format!("strconv.ParseFloat: parsing {text:?}: invalid syntax")),
        Cast::Bool => match text.to_ascii_lowercase().as_str() {
            "y" | "yes" | "true" | "on" => Ok(Value::Bool(true)),
            "n" | "no" | "false" | "off" => Ok(Value::Bool(false)),
            _ => Err(format!("invalid boolean: {text}")),
        },
    }
}

fn interpolate_tree(
    y: &mut Yaml,
    env: &Env,
    critical: bool,
    path: &mut Vec<String>,
    unset: &mut Unset,
    diags: &mut Vec<Diagnostic>,
) {
    match &mut y.value {
        Value::Str(s) if s.contains('$') => match interpolate::substitute(s, env) {
            Ok(out) => {
                for name in out.unset {
                    let entry = unset.entry(name).or_insert((critical, y.span));
                    entry.0 |= critical;
                }
                // docker/cli casts a value only when substitution changed it.
                let casting = cast_for(path).filter(|_| out.text != *s);
                match casting.map(|c| cast(&out.text, c)) {
                    Some(Ok(v)) => y.value = v,
                    Some(Err(e)) => diags.push(
                        Diagnostic::error(
                            &codes::TEMPLATE_INVALID,
                            format!("{}: failed to cast to expected type: {e}", path.join(".")),
                        )
                        .with_primary(Some(y.span), "substituted value has the wrong type"),
                    ),
                    None => *s = out.text,
                }
            }
            Err(e) => {
                let mut d = Diagnostic::error(&codes::TEMPLATE_INVALID, e.to_string())
                    .with_primary(Some(y.span), "cannot be substituted");
                if s.contains(":+") || s.matches("${").count() > 1 {
                    d = d.with_note("`${VAR:+alt}` and nested defaults are docker compose v2 syntax; docker stack deploy does not support them");
                }
                if matches!(e, interpolate::TemplateError::Invalid { .. }) {
                    d = d.with_help("write `$$` for a literal `$`");
                }
                diags.push(d);
            }
        },
        Value::Seq(items) => {
            path.push("[]".into());
            items
                .iter_mut()
                .for_each(|i| interpolate_tree(i, env, critical, path, unset, diags));
            path.pop();
        }
        // A blank label value is still a valid label and changes nothing about where or
        // whether tasks run, even under `deploy` or a network.
        Value::Map(entries) => {
            for (k, v) in entries {
                let critical = critical && k.as_str() != Some("labels");
                path.push(k.scalar_text().unwrap_or_default());
                interpolate_tree(v, env, critical, path, unset, diags);
                path.pop();
            }
        }
        _ => {}
    }
}

/// Shell variables that are set in an interactive shell but usually not exported.
const SHELL_ONLY: &[&str] = &["HOSTNAME", "PWD", "UID", "GID", "USER"];

fn report_unset(unset: &Unset, options: &StackOptions, diags: &mut Vec<Diagnostic>) {
    for (name, &(critical, span)) in unset {
        let message = format!("The {name:?} variable is not set. Defaulting to a blank string.");
        let mut d = if critical {
            Diagnostic::error(&codes::VARIABLE_UNSET, message).with_primary(
                Some(span),
                "blank here breaks the deploy or changes where tasks run",
            )
        } else {
            Diagnostic::warning(&codes::VARIABLE_UNSET, message)
                .with_primary(Some(span), "substituted with \"\"")
        };
        if options.dotenv_beside {
            d = d.with_note(
                "a .env file sits beside the stack file, but docker stack deploy does not read it",
            );
        }
        if SHELL_ONLY.contains(&name.as_str()) {
            d = d.with_note(format!(
                "{name} is set by interactive shells but usually not exported to docker"
            ));
        }
        diags.push(d.with_help(format!(
            "set {name}, give a default with ${{{name}:-value}}, or pass --env-file"
        )));
    }
}

/// Lowers the merged tree into the model.
fn lower(tree: &Yaml, minor: u32, name: &str) -> (Stack, Vec<Diagnostic>) {
    let mut cx = cx::Cx::new(minor);
    let mut stack = Stack {
        name: name.to_string(),
        ..Stack::default()
    };
    if let Some(n) = tree.get("networks") {
        stack.networks = top::lower_networks(&mut cx, n, name);
    }
    if let Some(v) = tree.get("volumes") {
        stack.volumes = top::lower_volumes(&mut cx, v, name);
    }
    if let Some(s) = tree.get("secrets") {
        stack.secrets = top::lower_refs(&mut cx, s, "secrets");
    }
    if let Some(c) = tree.get("configs") {
        stack.configs = top::lower_refs(&mut cx, c, "configs");
    }
    if let Some(x) = tree.get("x-swarmproof") {
        stack.requirements = cx.swarmproof_extension(|cx| top::lower_requirements(cx, x));
    }
    match tree.get("services").map(|s| &s.value) {
        Some(Value::Map(services)) => {
            for (k, v) in services {
                let Some(service_name) = k.scalar_text() else {
                    continue;
                };
                stack
                    .services
                    .push(service::lower_service(&mut cx, &service_name, k.span, v));
            }
        }
        Some(Value::Null) | None => {}
        Some(_) => {
            if let Some(s) = tree.get("services") {
                cx.wrong_type(s, "services", "a mapping");
            }
        }
    }
    add_default_network(&mut stack);
    check_references(&mut cx, &stack);
    cx.diags.extend(depends_on::depends_on_findings(&stack));
    cx.diags.extend(lints::lints(&stack));
    (stack, cx.diags)
}

/// The implicit `<stack>_default` overlay, when some service uses it.
fn add_default_network(stack: &mut Stack) {
    let used = stack
        .services
        .iter()
        .any(|s| s.networks.iter().any(|n| n.name == "default"));
    if used && stack.network("default").is_none() {
        let full_name = format!("{}_default", stack.name);
        stack
            .networks
            .push(crate::model::Network::overlay("default", full_name, None));
    }
}

/// docker/cli's conversion: `undefined network "x"` (and volume, secret, config).
fn check_references(cx: &mut cx::Cx, stack: &Stack) {
    for s in &stack.services {
        let mut missing = |kind: &str, name: &str, span| {
            cx.diags.push(
                Diagnostic::error(
                    &codes::UNDEFINED_REFERENCE,
                    format!("undefined {kind} {name:?}"),
                )
                .at_service(
                    &s.name,
                    span,
                    format!("no top-level {kind} named {name}"),
                ),
            );
        };
        for n in &s.networks {
            if stack.network(&n.name).is_none() {
                missing("network", &n.name, n.span);
            }
        }
        for m in s
            .mounts
            .iter()
            .filter(|m| m.kind == crate::model::MountKind::Volume)
        {
            if let Some(src) = &m.source {
                if stack.volume(src).is_none() {
                    missing("volume", src, m.span);
                }
            }
        }
        for sec in &s.secrets {
            if !stack.secrets.iter().any(|r| r.name == sec.value) {
                missing("secret", &sec.value, sec.span);
            }
        }
        for c in &s.configs {
            if !stack.configs.iter().any(|r| r.name == c.value) {
                missing("config", &c.value, c.span);
            }
        }
    }
}
