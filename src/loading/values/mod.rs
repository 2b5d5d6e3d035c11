//! Docker's value formats, read exactly as `docker stack deploy` reads them (reference §6.3):
//! Go durations (`time.ParseDuration`), go-units memory sizes (`units.RAMInBytes`) and CPU
//! counts (`opts.ParseCPUs`, an exact rational). A stack that Docker rejects must be rejected
//! here with Docker's own words, and a value Docker accepts must mean the same number of
//! nanoseconds, bytes or nano-CPUs, so these are hand-written ports, not general-purpose
//! parsers (rust-stack.md §1c explains why the candidate crates disagree with Docker).

mod cpus;
mod duration;
mod go_float;
mod rational;
pub mod shlex;
mod size;

pub use cpus::{check_cpu_minimum, parse_cpus};
pub use duration::parse_duration;
pub use go_float::{format_go_float, parse_float as parse_go_float};
pub use size::{check_memory_minimum, format_size, parse_size};

/// A value Docker rejects. The message is the text Docker (or swarmkit) prints for it, so that
/// a user who searches for it finds Docker's own reports.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ValueError {
    pub message: String,
}

impl ValueError {
    fn new(message: impl Into<String>) -> Self {
        ValueError {
            message: message.into(),
        }
    }
}
