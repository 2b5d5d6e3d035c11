//! What the fuzz targets share: one input split into several files, loading text as the CLI
//! does (without the file system), and the invariants every result must keep.

use swarmproof::diagnostics::{Diagnostic, FileId, SourceMap};
use swarmproof::loading::stack::{view, Env, StackOptions};
use swarmproof::model::Stack;
use swarmproof::report::Report;

/// Splits the input at NUL bytes into at most `n` texts. The CLI refuses a file holding a NUL
/// byte, so no real file is cut in two; invalid UTF-8 is replaced, as the CLI refuses it too.
pub fn split(data: &[u8], n: usize) -> Vec<String> {
    data.splitn(n, |b| *b == 0)
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .collect()
}

/// The stack options of a run: a fixed name and the given variables.
pub fn options(env: Env) -> StackOptions {
    StackOptions {
        name: "fuzz".into(),
        env,
        ..Default::default()
    }
}

/// A fixed environment for interpolation, so that `${A}` and `${A:?}` both have cases.
pub fn env() -> Env {
    [("A", "1"), ("TAG", "latest"), ("EMPTY", "")]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Adds the texts as stack files `stack0.yml`, `stack1.yml`, ….
pub fn add_stacks(sources: &mut SourceMap, texts: &[String]) -> Vec<FileId> {
    texts
        .iter()
        .enumerate()
        .map(|(i, t)| sources.add(format!("stack{i}.yml"), t.clone()))
        .collect()
}

/// Loads one stack text as `stack.yml` and checks the spans of its findings.
pub fn load_checked(sources: &mut SourceMap, text: String, env: Env) -> Stack {
    let file = sources.add("stack.yml", text);
    let (stack, diags) = swarmproof::loading::stack::load_stack(sources, &[file], &options(env));
    assert_spans(sources, &diags);
    stack
}

/// Every label of every finding lies inside its file, on character boundaries: the renderers
/// slice the text at these offsets.
pub fn assert_spans(sources: &SourceMap, diags: &[Diagnostic]) {
    for d in diags {
        for l in &d.labels {
            let f = sources
                .get(l.span.file)
                .unwrap_or_else(|| panic!("{}: span in no file", d.code.id));
            assert!(
                l.span.start <= l.span.end && l.span.end <= f.text.len(),
                "{}: span {:?} outside a file of {} bytes",
                d.code.id,
                l.span,
                f.text.len()
            );
            assert!(
                f.text.is_char_boundary(l.span.start) && f.text.is_char_boundary(l.span.end),
                "{}: span {:?} splits a character",
                d.code.id,
                l.span
            );
        }
    }
}

/// The stack as `docker stack config` prints it; no file beyond the input exists.
pub fn config_view(
    sources: &SourceMap,
    files: &[FileId],
    options: &StackOptions,
) -> (Option<view::Node>, Vec<Diagnostic>) {
    let no_file = |path: &str| Err(format!("open {path}: no such file or directory"));
    let ctx = view::ViewContext {
        env: &options.env,
        working_dir: "/fuzz",
        read_file: &no_file,
    };
    swarmproof::loading::stack::load_config_view(sources, files, options, &ctx)
}

/// Renders the report in every format and parses the machine-readable ones back: JSON and
/// SARIF must be JSON, JUnit must be well-formed XML.
pub fn assert_renders(report: &Report, sources: &SourceMap) {
    use swarmproof::diagnostics::render;
    let _ = render::render_human(report, sources, false);
    let _ = render::render_human(report, sources, true);
    let sarif = render::SarifContext {
        cwd: "/fuzz".into(),
        srcroot: "/fuzz".into(),
        catalog: swarmproof::checks::CATALOG,
    };
    for (format, text) in [
        (
            "json",
            render::render_json(report, sources, render::Envelope::CHECK),
        ),
        ("sarif", render::render_sarif(report, sources, &sarif)),
    ] {
        if let Err(e) = serde_json::from_str::<serde_json::Value>(&text) {
            panic!("{format} output is not JSON ({e}):\n{text}");
        }
    }
    for deny in [false, true] {
        let run = render::JunitRun {
            started: 0,
            hostname: "fuzz".into(),
            seconds: 0.0,
            catalog: swarmproof::checks::CATALOG,
        };
        assert_xml(&render::render_junit(report, sources, deny, &run));
    }
}

/// The text is well-formed XML: every event reads, and the element tree closes.
pub fn assert_xml(text: &str) {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut depth = 0usize;
    loop {
        match reader.read_event() {
            Ok(Event::Start(_)) => depth += 1,
            Ok(Event::End(_)) => depth -= 1,
            Ok(Event::Text(t)) => {
                if let Err(e) = t.decode() {
                    panic!("JUnit text does not decode ({e}):\n{text}");
                }
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("JUnit output is not XML ({e}):\n{text}"),
        }
    }
    assert_eq!(depth, 0, "JUnit output leaves elements open:\n{text}");
}

/// JSON text (a JSON string literal is also a YAML scalar): embeds fuzz input in a template.
pub fn quoted(s: &str) -> String {
    serde_json::to_string(s).expect("a string serialises")
}
