//! `swarmproof config`: the stack as `docker stack config` prints it.

use std::io::Write;
use std::process::ExitCode;

use crate::cli::args::{ConfigArgs, ConfigFormat};
use crate::cli::input::{self, read_inputs, Inputs};
use crate::cli::{conventions, fail, write_stdout, MAX_FINDINGS};
use crate::diagnostics::render;
use crate::report::Report;

/// Reads a file a stack names (`env_file`), with Go's wording of a missing file.
fn read_named_file(path: &str) -> Result<String, String> {
    let bytes = input::read_bounded(std::path::Path::new(path)).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => format!("open {path}: no such file or directory"),
        _ => format!("open {path}: {e}"),
    })?;
    String::from_utf8(bytes).map_err(|_| format!("read {path}: it is not UTF-8 text"))
}

/// The stack as `docker stack config` prints it, with docker/cli's working directory: the
/// folder of the first file, made absolute without resolving links (`filepath.Abs`).
pub(super) fn stack_config(
    inputs: &Inputs,
) -> (
    Option<crate::loading::stack::view::Node>,
    Vec<crate::diagnostics::Diagnostic>,
) {
    use crate::loading::stack::view;
    let cwd = std::env::current_dir()
        .map(|d| d.display().to_string())
        .unwrap_or_else(|_| "/".into());
    let first = inputs
        .sources
        .get(inputs.stack_files[0])
        .map(|f| f.name.clone())
        .unwrap_or_default();
    let first = view::abs_path(&cwd, &first);
    let working_dir = match first.rsplit_once('/') {
        Some(("", _)) | None => "/".to_string(),
        Some((dir, _)) => dir.to_string(),
    };
    let ctx = view::ViewContext {
        env: &inputs.options.env,
        working_dir: &working_dir,
        read_file: &read_named_file,
    };
    crate::loading::stack::load_config_view(
        &inputs.sources,
        &inputs.stack_files,
        &inputs.options,
        &ctx,
    )
}

/// `config`: 0 and the config on stdout, or 1 and the errors docker would stop at on stderr.
pub fn run(args: &ConfigArgs) -> ExitCode {
    let mut input_args = args.input.to_args();
    input_args.skip_interpolation = args.skip_interpolation;
    let inputs = match read_inputs(&input_args) {
        Ok(i) => i,
        Err(e) => return fail(format!("error: [{}]: {}", e.0.code.id, e.0.message)),
    };
    let (config, mut diags) = stack_config(&inputs);
    diags.splice(0..0, inputs.diagnostics.iter().cloned());
    if !diags.is_empty() {
        let report = Report {
            findings: diags,
            ..Report::default()
        }
        .bounded(MAX_FINDINGS);
        let text = render::render_human(&report, &inputs.sources, conventions::color_stderr());
        let _ = write!(std::io::stderr(), "{text}");
    }
    let Some(config) = config else {
        return ExitCode::from(1);
    };
    write_stdout(&match args.format {
        ConfigFormat::Yaml => config.to_yaml(),
        ConfigFormat::Json => {
            serde_json::to_string_pretty(&config.to_json()).unwrap_or_default() + "\n"
        }
    })
}
