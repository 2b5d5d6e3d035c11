//! Docker's value formats, each parser on its own (the first byte picks one): Go durations,
//! go-units sizes, CPUs, Go floats (which must read back what they print), shell words, and
//! ports inside a stack (the short syntax has no parser of its own outside the loader).
#![no_main]

use libfuzzer_sys::fuzz_target;
use swarmproof::diagnostics::SourceMap;
use swarmproof::loading::values;
use swarmproof_fuzz::{load_checked, quoted};

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    match which % 6 {
        0 => {
            let _ = values::parse_duration(&text);
        }
        1 => {
            if let Ok(bytes) = values::parse_size(&text) {
                let _ = values::check_memory_minimum(bytes);
                let _ = values::format_size(bytes);
            }
        }
        2 => {
            if let Ok(nanos) = values::parse_cpus(&text) {
                let _ = values::check_cpu_minimum(nanos);
            }
        }
        3 => {
            if let Ok(f) = values::parse_go_float(&text) {
                let printed = values::format_go_float(f);
                let back = values::parse_go_float(&printed)
                    .unwrap_or_else(|e| panic!("{text:?} → {printed:?} does not read back: {e}"));
                assert!(
                    back.to_bits() == f.to_bits() || (f.is_nan() && back.is_nan()),
                    "{text:?} → {f:?} → {printed:?} → {back:?}"
                );
            }
        }
        4 => {
            let _ = values::shlex::split(&text);
        }
        _ => {
            let stack = format!(
                "services:\n  web:\n    image: nginx\n    ports:\n      - {}\n    stop_grace_period: {}\n",
                quoted(&text),
                quoted(&text)
            );
            load_checked(&mut SourceMap::new(), stack, Default::default());
        }
    }
});
