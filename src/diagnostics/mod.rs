//! Diagnostics as data: one `Diagnostic` type with a stable code, a severity, a message,
//! labelled spans into the input files, notes and help. Analyses return them; only the CLI
//! renders them (see `render`).

pub mod codes;
pub mod render;
mod source;

pub use codes::{Catalog, Code, CodeGroup};
pub(crate) use source::clamp_to_char_boundary;
pub use source::{FileId, SourceFile, SourceMap, Span};

use serde::Serialize;

/// How bad a finding is. Errors make `check` exit 1; warnings do so under `--deny warnings`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// A span with a message. The primary label is where the finding is; secondary labels are the
/// other places that take part in it (e.g. the competing service, the node that lacks a label).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
    pub primary: bool,
}

/// One finding of any check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: &'static Code,
    pub severity: Severity,
    pub message: String,
    /// The service the finding is about, when there is one.
    pub service: Option<String>,
    pub labels: Vec<Label>,
    pub notes: Vec<String>,
    pub help: Option<String>,
    /// The sequence of events that leads to the finding (a replayed counterexample), kept as
    /// steps so that SARIF can show it as a code flow; the text formats print it as a note.
    pub timeline: Option<Timeline>,
}

/// A replayed counterexample: its steps in order, and the text the human formats print for it
/// (which may summarise a long run where the steps keep every event).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timeline {
    /// What the steps are, e.g. "shortest timeline (replayed on the model)".
    pub title: String,
    /// The timeline as people read it, one step a line.
    pub text: String,
    pub steps: Vec<TimelineStep>,
}

/// One event of a timeline: who acts (an updater, a node, a manager; none for the outcome)
/// and what happens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimelineStep {
    pub actor: Option<String>,
    pub text: String,
}

impl Diagnostic {
    pub fn new(code: &'static Code, severity: Severity, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity,
            message: message.into(),
            service: None,
            labels: Vec::new(),
            notes: Vec::new(),
            help: None,
            timeline: None,
        }
    }

    pub fn error(code: &'static Code, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Error, message)
    }

    pub fn warning(code: &'static Code, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Warning, message)
    }

    pub fn info(code: &'static Code, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Info, message)
    }

    pub fn with_service(mut self, service: impl Into<String>) -> Self {
        self.service = Some(service.into());
        self
    }

    /// The finding is about `service`, pointed at by the primary label (most findings are).
    pub fn at_service(
        self,
        service: impl Into<String>,
        span: Option<Span>,
        message: impl Into<String>,
    ) -> Self {
        self.with_service(service).with_primary(span, message)
    }

    /// Adds the primary label; a `None` span (a default, not written in any file) adds nothing.
    pub fn with_primary(mut self, span: Option<Span>, message: impl Into<String>) -> Self {
        if let Some(span) = span {
            self.labels.push(Label {
                span,
                message: message.into(),
                primary: true,
            });
        }
        self
    }

    pub fn with_secondary(mut self, span: Option<Span>, message: impl Into<String>) -> Self {
        if let Some(span) = span {
            self.labels.push(Label {
                span,
                message: message.into(),
                primary: false,
            });
        }
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn with_timeline(mut self, timeline: Timeline) -> Self {
        self.timeline = Some(timeline);
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The primary span, or the first label's span when no label is marked primary.
    pub fn primary_span(&self) -> Option<Span> {
        self.labels
            .iter()
            .find(|l| l.primary)
            .or_else(|| self.labels.first())
            .map(|l| l.span)
    }
}
