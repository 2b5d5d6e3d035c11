//! Finding and reading the input files: the only place besides `output` that touches the
//! file system. A folder PATH holds `stack.yml` (or `docker-stack.yml`, `docker-compose.yml`)
//! and `nodes.yml` (or `nodes.yaml`, `nodes.json`).

use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, FileId, SourceMap};
use crate::loading::codes;
use crate::loading::stack::{interpolate, Env, StackOptions};

const STACK_NAMES: &[&str] = &[
    "stack.yml",
    "stack.yaml",
    "docker-stack.yml",
    "docker-stack.yaml",
    "docker-compose.yml",
    "docker-compose.yaml",
    "compose.yml",
    "compose.yaml",
];
const NODES_NAMES: &[&str] = &["nodes.yml", "nodes.yaml", "nodes.json"];

/// Files given on the command line, before reading.
#[derive(Clone, Debug, Default)]
pub struct InputArgs {
    pub path: Option<PathBuf>,
    pub files: Vec<PathBuf>,
    pub nodes: Option<PathBuf>,
    pub env_file: Option<PathBuf>,
    pub stack_name: Option<String>,
    pub skip_interpolation: bool,
}

/// What was read: sources plus which of them are stack files and which the inventory.
pub struct Inputs {
    pub sources: SourceMap,
    pub stack_files: Vec<FileId>,
    pub nodes: Option<FileId>,
    pub options: StackOptions,
    /// Problems with the env file (not fatal).
    pub diagnostics: Vec<Diagnostic>,
}

/// A failure to read input: the tool cannot run (exit 2).
#[derive(Debug)]
pub struct InputError(pub Box<Diagnostic>);

impl From<Diagnostic> for InputError {
    fn from(d: Diagnostic) -> Self {
        InputError(Box::new(d))
    }
}

fn unreadable(path: &Path, why: impl std::fmt::Display) -> InputError {
    InputError::from(Diagnostic::error(
        &codes::INPUT_UNREADABLE,
        format!("cannot read {}: {why}", path.display()),
    ))
}

/// The most swarmproof reads from one input file. Stack files and inventories are kilobytes
/// (a `docker node inspect` of a thousand nodes is a few megabytes); the limit keeps
/// `/dev/zero` or a runaway generated file from filling memory.
pub const MAX_INPUT_BYTES: u64 = 16 << 20;

/// Reads at most [`MAX_INPUT_BYTES`] of a file; a folder or a larger file is refused.
pub fn read_bounded(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    if file.metadata()?.is_dir() {
        return Err(std::io::Error::other("it is a folder, not a file"));
    }
    let mut bytes = Vec::new();
    file.take(MAX_INPUT_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(std::io::Error::other(format!(
            "it is larger than {} MiB, the most swarmproof reads from one file",
            MAX_INPUT_BYTES >> 20
        )));
    }
    Ok(bytes)
}

/// Reads a file as UTF-8 text; binary and non-UTF-8 files are refused.
fn read_text(path: &Path) -> Result<String, InputError> {
    let bytes = read_bounded(path).map_err(|e| unreadable(path, e))?;
    if bytes.contains(&0) {
        return Err(unreadable(path, "it is a binary file"));
    }
    String::from_utf8(bytes).map_err(|_| unreadable(path, "it is not UTF-8 text"))
}

fn first_existing(dir: &Path, names: &[&str]) -> Option<PathBuf> {
    names.iter().map(|n| dir.join(n)).find(|p| p.is_file())
}

pub fn read_inputs(args: &InputArgs) -> Result<Inputs, InputError> {
    let mut stack_paths = args.files.clone();
    let mut nodes_path = args.nodes.clone();
    let mut default_name = None;
    if let Some(path) = &args.path {
        if path.is_dir() {
            if stack_paths.is_empty() {
                let found = first_existing(path, STACK_NAMES).ok_or_else(|| {
                    unreadable(
                        path,
                        format!("the folder has none of {}", STACK_NAMES.join(", ")),
                    )
                })?;
                stack_paths.push(found);
            }
            if nodes_path.is_none() {
                nodes_path = first_existing(path, NODES_NAMES);
            }
            default_name = path
                .canonicalize()
                .ok()
                .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()));
        } else {
            stack_paths.insert(0, path.clone());
        }
    }
    if stack_paths.is_empty() {
        return Err(InputError::from(Diagnostic::error(
            &codes::INPUT_UNREADABLE,
            "no stack file given: pass PATH or -f FILE",
        )));
    }
    let mut sources = SourceMap::new();
    let mut stack_files = Vec::new();
    // A file given twice (`-f a.yml -f a.yml`) is read once: merged with itself, its findings
    // point at one file, so each is reported once.
    let mut read: Vec<(PathBuf, FileId)> = Vec::new();
    for p in &stack_paths {
        let same = p.canonicalize().ok();
        let known = read.iter().find(|(q, _)| Some(q) == same.as_ref());
        let id = match known {
            Some(&(_, id)) => id,
            None => {
                let id = sources.add(p.display().to_string(), read_text(p)?);
                read.extend(same.map(|q| (q, id)));
                id
            }
        };
        stack_files.push(id);
    }
    let nodes = match &nodes_path {
        Some(p) => Some(sources.add(p.display().to_string(), read_text(p)?)),
        None => None,
    };
    let process_env: Env = std::env::vars().collect();
    let mut env = process_env.clone();
    let mut diagnostics = Vec::new();
    if let Some(p) = &args.env_file {
        let text = read_text(p)?;
        let (vars, bad) = interpolate::parse_env_file(&text, &process_env);
        env.extend(vars);
        let id = sources.add(p.display().to_string(), text);
        for line in bad {
            let file = sources
                .get(id)
                .map(|f| (f.line_start(line - 1), f.line_start(line)));
            let span =
                file.map(|(a, b)| crate::diagnostics::Span::new(id, a, b.saturating_sub(1).max(a)));
            diagnostics.push(
                Diagnostic::warning(
                    &codes::ENV_FILE_LINE,
                    format!("line {line} of the env file is not KEY=VALUE; it is skipped"),
                )
                .with_primary(span, "not KEY=VALUE"),
            );
        }
    }
    let dotenv_beside = stack_paths[0]
        .parent()
        .map(|d| d.join(".env"))
        .is_some_and(|p| p.is_file())
        && args.env_file.is_none();
    let name = args
        .stack_name
        .clone()
        .or(default_name)
        .or_else(|| {
            stack_paths[0]
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| "stack".to_string());
    Ok(Inputs {
        sources,
        stack_files,
        nodes,
        options: StackOptions {
            name,
            env,
            dotenv_beside,
            skip_interpolation: args.skip_interpolation,
        },
        diagnostics,
    })
}

/// Reads an inventory alone (`quorum`): a file, or a folder holding nodes.yml.
pub fn read_inventory(path: &Path) -> Result<(SourceMap, FileId), InputError> {
    let file = if path.is_dir() {
        first_existing(path, NODES_NAMES).ok_or_else(|| {
            unreadable(
                path,
                format!("the folder has none of {}", NODES_NAMES.join(", ")),
            )
        })?
    } else {
        path.to_path_buf()
    };
    let mut sources = SourceMap::new();
    let id = sources.add(file.display().to_string(), read_text(&file)?);
    Ok((sources, id))
}
