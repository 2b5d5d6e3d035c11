//! go-units `RAMInBytes` (docker/go-units v0.5 `parseSize` with the binary map), which
//! docker/cli applies to `memory` and other sizes (reference §6.3): a Go float, one optional
//! space, then `k m g t p` (any case, always powers of 1024) optionally followed by `b` or
//! `ib`, or just `b`. The product is computed in `float64` and truncated, as in Go, so that
//! `32.3 mb` is 33869004 bytes here as in Docker.

use super::{go_float, ValueError};

/// Parses a memory size as `units.RAMInBytes` does, with its error texts (`invalid size: 'x'`,
/// `invalid suffix: 'x'`, or Go's `strconv.ParseFloat` error for a malformed number).
///
/// Where Go's result is undefined (an infinite, NaN or ≥ 2^63 product, which Go's `int64`
/// conversion turns into garbage) the value is rejected as `invalid size`.
pub fn parse_size(input: &str) -> Result<u64, ValueError> {
    let invalid = || ValueError::new(format!("invalid size: '{input}'"));
    let bytes = input.as_bytes();
    // strings.LastIndexAny(s, "01234567890. "): the split point is an ASCII byte.
    let sep = bytes
        .iter()
        .rposition(|&c| c.is_ascii_digit() || c == b'.' || c == b' ')
        .ok_or_else(invalid)?;
    let num = if bytes[sep] == b' ' {
        &input[..sep]
    } else {
        &input[..=sep]
    };
    let suffix = &input[sep + 1..];

    let mut size = go_float::parse_float(num).map_err(ValueError::new)?;
    if size < 0.0 {
        return Err(invalid());
    }
    if !suffix.is_empty() {
        size *= suffix_multiplier(suffix)? as f64;
    }
    if size.is_nan() || size >= 9_223_372_036_854_775_808.0 {
        return Err(invalid());
    }
    // `as` truncates toward zero, as Go's int64 conversion does for representable values.
    Ok(size as u64)
}

/// The multiplier of a non-empty suffix, or go-units' `invalid suffix` error.
fn suffix_multiplier(suffix: &str) -> Result<u64, ValueError> {
    let bad = |s: &str| ValueError::new(format!("invalid suffix: '{s}'"));
    if suffix.len() > 3 {
        return Err(bad(suffix));
    }
    let lower = suffix.to_lowercase();
    let l = lower.as_bytes();
    if l[0] == b'b' {
        return if l.len() > 1 { Err(bad(&lower)) } else { Ok(1) };
    }
    let shift = match l[0] {
        b'k' => 10,
        b'm' => 20,
        b'g' => 30,
        b't' => 40,
        b'p' => 50,
        _ => return Err(bad(&lower)),
    };
    match l.len() {
        2 if l[1] != b'b' => Err(bad(&lower)),
        3 if &l[1..] != b"ib" => Err(bad(&lower)),
        _ => Ok(1 << shift),
    }
}

/// A size printed so that `parse_size` (and Docker) reads it back exactly: the largest binary
/// unit that divides it (`512MiB`, `1536MiB`), else plain bytes (`1000`).
///
/// Exact for every size below 2^53 bytes (8 PiB) and every multiple of a unit whose count is
/// below 2^53: Docker itself reads sizes through a `float64`, so larger odd byte counts cannot
/// be written in a stack file at all.
pub fn format_size(bytes: u64) -> String {
    const UNITS: [(&str, u32); 5] = [
        ("PiB", 50),
        ("TiB", 40),
        ("GiB", 30),
        ("MiB", 20),
        ("KiB", 10),
    ];
    for (unit, shift) in UNITS {
        if bytes != 0 && bytes.trailing_zeros() >= shift {
            return format!("{}{unit}", bytes >> shift);
        }
    }
    bytes.to_string()
}

/// swarmkit's lower bound on memory reservations and limits (`controlapi validateResources`,
/// reference §1.2): 0 (none) or at least 4 MiB; the daemon refuses the service otherwise.
pub fn check_memory_minimum(bytes: u64) -> Result<(), ValueError> {
    if bytes != 0 && bytes < 4 << 20 {
        return Err(ValueError::new(format!(
            "invalid memory value {bytes}: Must be at least 4MiB"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const KIB: u64 = 1 << 10;
    const MIB: u64 = 1 << 20;
    const GIB: u64 = 1 << 30;
    const TIB: u64 = 1 << 40;
    const PIB: u64 = 1 << 50;

    fn err(s: &str) -> String {
        match parse_size(s) {
            Ok(n) => panic!("{s:?} parsed as {n}"),
            Err(e) => e.message,
        }
    }

    /// go-units `TestRAMInBytes`, every accepted row, plus the forms reference §6.3 names.
    #[test]
    fn accepts_what_go_units_accepts() {
        let cases: &[(&str, u64)] = &[
            ("32", 32),
            ("32b", 32),
            ("32B", 32),
            ("32k", 32 * KIB),
            ("32K", 32 * KIB),
            ("32kb", 32 * KIB),
            ("32Kb", 32 * KIB),
            ("32Kib", 32 * KIB),
            ("32KIB", 32 * KIB),
            ("32Mb", 32 * MIB),
            ("32Gb", 32 * GIB),
            ("32Tb", 32 * TIB),
            ("32Pb", 32 * PIB),
            ("32PB", 32 * PIB),
            ("32P", 32 * PIB),
            ("32.3", 32),
            // int64(32.3 * MiB) in Go: truncated, not rounded (33869004.8).
            ("32.3 mb", 33_869_004),
            ("0.3MB", 314_572),
            // Reference §6.3: every spelling of 512 MiB is the same binary size.
            ("512M", 512 * MIB),
            ("512m", 512 * MIB),
            ("512MB", 512 * MIB),
            ("512MiB", 512 * MIB),
            ("512 MiB", 512 * MIB),
            ("1.5g", 3 * GIB / 2),
            ("0.5k", 512),
            ("1e3", 1000),
            ("1e3k", 1000 * KIB),
            (".5k", 512),
            ("0", 0),
            ("-0", 0),
            ("32 ", 32),
            ("1_024", 1024),
            ("0x1p10k", MIB),
        ];
        for &(input, want) in cases {
            assert_eq!(parse_size(input), Ok(want), "{input}");
        }
    }

    /// go-units `TestRAMInBytes`, every rejected row, with the text Docker prints.
    #[test]
    fn rejects_what_go_units_rejects() {
        assert_eq!(err(""), "invalid size: ''");
        assert_eq!(err("hello"), "invalid size: 'hello'");
        assert_eq!(err("-32"), "invalid size: '-32'");
        assert_eq!(
            err(" 32 "),
            r#"strconv.ParseFloat: parsing " 32": invalid syntax"#
        );
        assert_eq!(
            err("32m b"),
            r#"strconv.ParseFloat: parsing "32m": invalid syntax"#
        );
        assert_eq!(err("32bm"), "invalid suffix: 'bm'");
        assert_eq!(err("32KiBs"), "invalid suffix: 'KiBs'");
        assert_eq!(err("32Kx"), "invalid suffix: 'kx'");
        assert_eq!(
            err("32kib "),
            r#"strconv.ParseFloat: parsing "32kib": invalid syntax"#
        );
        assert_eq!(err("32x"), "invalid suffix: 'x'");
        assert_eq!(err("32mi"), "invalid suffix: 'mi'");
        assert_eq!(
            err("32  m"),
            r#"strconv.ParseFloat: parsing "32 ": invalid syntax"#
        );
        assert_eq!(
            err("1e400"),
            r#"strconv.ParseFloat: parsing "1e400": value out of range"#
        );
        // Go's int64 conversion is undefined for these; swarmproof refuses them.
        assert_eq!(err("8192p"), "invalid size: '8192p'");
        assert_eq!(err("inf k"), "invalid size: 'inf k'");
        assert_eq!(err("nan k"), "invalid size: 'nan k'");
    }

    #[test]
    fn canonical_sizes_print_in_exact_binary_units() {
        assert_eq!(format_size(0), "0");
        assert_eq!(format_size(1000), "1000");
        assert_eq!(format_size(512 * MIB), "512MiB");
        assert_eq!(format_size(3 * GIB / 2), "1536MiB");
        assert_eq!(format_size(4 * PIB), "4PiB");
    }

    #[test]
    fn swarmkit_minimum_is_four_mebibytes() {
        // Reference §1.2: 0 means no reservation; anything else must reach 4 MiB.
        assert_eq!(check_memory_minimum(0), Ok(()));
        assert_eq!(check_memory_minimum(4 * MIB), Ok(()));
        assert_eq!(
            check_memory_minimum(4 * MIB - 1).map_err(|e| e.message),
            Err("invalid memory value 4194303: Must be at least 4MiB".to_string())
        );
    }

    proptest! {
        #[test]
        fn printed_sizes_parse_back(bytes in 0u64..(1 << 53)) {
            prop_assert_eq!(parse_size(&format_size(bytes)), Ok(bytes));
        }

        #[test]
        fn printed_unit_multiples_parse_back(count in 0u64..(1 << 13), shift in 0u32..=50) {
            let bytes = count << shift;
            prop_assert_eq!(parse_size(&format_size(bytes)), Ok(bytes));
        }

        #[test]
        fn never_panics(s in "\\PC{0,16}") {
            let _ = parse_size(&s);
        }
    }
}
