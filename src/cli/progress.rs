//! The progress line of a long search: on stderr, once the search has run for a second, only
//! when both stdout and stderr are terminals and `-q` was not given; cleared when it ends.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::modelcheck::Progress;

/// Searches shorter than this show no line.
const SHOW_AFTER_MS: u64 = 1000;

/// One search's line, fed by the engine's progress callback.
pub struct Line {
    label: String,
    shown: bool,
    bar: Option<ProgressBar>,
}

impl Line {
    pub fn new(label: impl Into<String>) -> Line {
        Line {
            label: label.into(),
            shown: !super::conventions::quiet()
                && std::io::stderr().is_terminal()
                && std::io::stdout().is_terminal(),
            bar: None,
        }
    }

    pub fn update(&mut self, p: Progress) {
        if !self.shown || p.elapsed_ms < SHOW_AFTER_MS {
            return;
        }
        let bar = self.bar.get_or_insert_with(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar
        });
        // stateright's depth-first checker does not say how many states are pending.
        let queued = if p.queue > 0 {
            format!(", {} queued", p.queue)
        } else {
            String::new()
        };
        bar.set_message(format!(
            "{}: {} states ({:.0}/s), depth {}{queued}, ~{} MiB, {:.1} s",
            self.label,
            p.states,
            p.rate(),
            p.depth,
            p.bytes >> 20,
            p.elapsed_ms as f64 / 1000.0
        ));
    }
}

impl Drop for Line {
    fn drop(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}
