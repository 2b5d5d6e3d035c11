//! Go's `time.ParseDuration`, which docker/cli applies to every duration of a stack file
//! (`delay`, `monitor`, `window`, `stop_grace_period`, healthcheck times; reference §6.3).
//! The port keeps Go's overflow checks and its float arithmetic for fractions, so that a value
//! means the same number of nanoseconds here as in Docker, and its error texts.

use super::ValueError;
use crate::model::Duration;

const NANOSECOND: u64 = 1;
const MICROSECOND: u64 = 1_000;
const MILLISECOND: u64 = 1_000_000;
const SECOND: u64 = 1_000_000_000;
const MINUTE: u64 = 60 * SECOND;
const HOUR: u64 = 60 * MINUTE;

/// `1 << 63`: the magnitude of the most negative duration.
const LIMIT: u64 = 1 << 63;

fn unit_nanos(unit: &str) -> Option<u64> {
    Some(match unit {
        "ns" => NANOSECOND,
        // "µs" is U+00B5 (micro sign), "μs" U+03BC (Greek mu); Go accepts both.
        "us" | "\u{b5}s" | "\u{3bc}s" => MICROSECOND,
        "ms" => MILLISECOND,
        "s" => SECOND,
        "m" => MINUTE,
        "h" => HOUR,
        _ => return None,
    })
}

/// Parses a duration as Go's `time.ParseDuration` does: `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+`, or
/// `0` alone (also `-0`, `+0`). Errors carry Go's texts, e.g. `time: missing unit in duration "1"`.
pub fn parse_duration(input: &str) -> Result<Duration, ValueError> {
    let invalid = || ValueError::new(format!("time: invalid duration {}", quote(input)));
    let mut s = input.as_bytes();
    let mut neg = false;
    if let Some(&c) = s.first() {
        if c == b'-' || c == b'+' {
            neg = c == b'-';
            s = &s[1..];
        }
    }
    if s == b"0" {
        return Ok(Duration::ZERO);
    }
    if s.is_empty() {
        return Err(invalid());
    }
    let mut total: u64 = 0;
    while !s.is_empty() {
        if !(s[0] == b'.' || s[0].is_ascii_digit()) {
            return Err(invalid());
        }
        let before = s.len();
        let (mut v, rest) = leading_int(s).ok_or_else(invalid)?;
        s = rest;
        let pre = before != s.len();

        let mut post = false;
        let (mut f, mut scale) = (0u64, 1f64);
        if s.first() == Some(&b'.') {
            s = &s[1..];
            let before = s.len();
            (f, scale, s) = leading_fraction(s);
            post = before != s.len();
        }
        if !pre && !post {
            return Err(invalid());
        }

        let unit_len = s
            .iter()
            .position(|&c| c == b'.' || c.is_ascii_digit())
            .unwrap_or(s.len());
        if unit_len == 0 {
            return Err(ValueError::new(format!(
                "time: missing unit in duration {}",
                quote(input)
            )));
        }
        // The unit ends before an ASCII byte (or at the end), so it is whole UTF-8.
        let unit_text = std::str::from_utf8(&s[..unit_len]).unwrap_or_default();
        s = &s[unit_len..];
        let Some(unit) = unit_nanos(unit_text) else {
            return Err(ValueError::new(format!(
                "time: unknown unit {} in duration {}",
                quote(unit_text),
                quote(input)
            )));
        };
        if v > LIMIT / unit {
            return Err(invalid());
        }
        v *= unit;
        if f > 0 {
            // Go adds the fraction through float64 (exact to the nanosecond for every unit up
            // to hours); doing the same keeps odd inputs such as "0.3333333333333333333h" equal.
            v += (f as f64 * (unit as f64 / scale)) as u64;
            if v > LIMIT {
                return Err(invalid());
            }
        }
        // Go adds in uint64 and checks afterwards; 2^63 + 2^63 wraps to 0 there, and wrapping
        // here keeps even that corner identical.
        total = total.wrapping_add(v);
        if total > LIMIT {
            return Err(invalid());
        }
    }
    if neg {
        // -(2^63) is i64::MIN, which Go reaches by the same wrapping negation.
        return Ok(Duration::from_nanos((total as i64).wrapping_neg()));
    }
    if total > LIMIT - 1 {
        return Err(invalid());
    }
    Ok(Duration::from_nanos(total as i64))
}

/// Consumes leading ASCII digits; `None` when they overflow 2^63 (Go: "bad [0-9]*").
fn leading_int(s: &[u8]) -> Option<(u64, &[u8])> {
    let mut x: u64 = 0;
    let mut i = 0;
    while i < s.len() && s[i].is_ascii_digit() {
        if x > LIMIT / 10 {
            return None;
        }
        x = x * 10 + u64::from(s[i] - b'0');
        if x > LIMIT {
            return None;
        }
        i += 1;
    }
    Some((x, &s[i..]))
}

/// Consumes leading digits of a fraction; past 2^63 it stops accumulating precision, as Go's.
fn leading_fraction(s: &[u8]) -> (u64, f64, &[u8]) {
    let mut x: u64 = 0;
    let mut scale = 1f64;
    let mut overflow = false;
    let mut i = 0;
    while i < s.len() && s[i].is_ascii_digit() {
        if !overflow {
            if x > (LIMIT - 1) / 10 {
                overflow = true;
            } else {
                let y = x * 10 + u64::from(s[i] - b'0');
                if y > LIMIT {
                    overflow = true;
                } else {
                    x = y;
                    scale *= 10.0;
                }
            }
        }
        i += 1;
    }
    (x, scale, &s[i..])
}

/// Go's `time.quote`: ASCII printable characters as is (with `"` and `\` escaped), every byte
/// of anything else as `\xNN`.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if !c.is_ascii() || c < ' ' {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("\\x{b:02x}"));
            }
        } else {
            if c == '"' || c == '\\' {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const MS: i64 = 1_000_000;
    const S: i64 = 1_000_000_000;
    const MIN: i64 = 60 * S;
    const H: i64 = 60 * MIN;

    fn ok(s: &str) -> i64 {
        parse_duration(s)
            .unwrap_or_else(|e| panic!("{s:?}: {e}"))
            .nanos
    }

    fn err(s: &str) -> String {
        match parse_duration(s) {
            Ok(d) => panic!("{s:?} parsed as {d}"),
            Err(e) => e.message,
        }
    }

    /// Go's `parseDurationTests` (src/time/time_test.go), every row.
    #[test]
    fn accepts_what_go_accepts() {
        let cases: &[(&str, i64)] = &[
            ("0", 0),
            ("5s", 5 * S),
            ("30s", 30 * S),
            ("1478s", 1478 * S),
            ("-5s", -5 * S),
            ("+5s", 5 * S),
            ("-0", 0),
            ("+0", 0),
            ("5.0s", 5 * S),
            ("5.6s", 5 * S + 600 * MS),
            ("5.s", 5 * S),
            (".5s", 500 * MS),
            ("1.0s", S),
            ("1.00s", S),
            ("1.004s", S + 4 * MS),
            ("1.0040s", S + 4 * MS),
            ("100.00100s", 100 * S + MS),
            ("10ns", 10),
            ("11us", 11_000),
            ("12\u{b5}s", 12_000),
            ("12\u{3bc}s", 12_000),
            ("13ms", 13 * MS),
            ("14s", 14 * S),
            ("15m", 15 * MIN),
            ("16h", 16 * H),
            ("3h30m", 3 * H + 30 * MIN),
            ("10.5s4m", 4 * MIN + 10 * S + 500 * MS),
            ("-2m3.4s", -(2 * MIN + 3 * S + 400 * MS)),
            ("1h2m3s4ms5us6ns", H + 2 * MIN + 3 * S + 4 * MS + 5_000 + 6),
            ("39h9m14.425s", 39 * H + 9 * MIN + 14 * S + 425 * MS),
            ("52763797000ns", 52_763_797_000),
            ("0.3333333333333333333h", 20 * MIN),
            ("9007199254740993ns", (1 << 53) + 1),
            ("9223372036854775807ns", i64::MAX),
            ("9223372036854775.807us", i64::MAX),
            ("9223372036s854ms775us807ns", i64::MAX),
            ("-9223372036854775808ns", i64::MIN),
            ("-9223372036854775.808us", i64::MIN),
            ("-9223372036s854ms775us808ns", i64::MIN),
            ("-2562047h47m16.854775808s", i64::MIN),
            ("0.100000000000000000000h", 6 * MIN),
            ("0.830103483285477580700h", 49 * MIN + 48 * S + 372_539_827),
        ];
        for &(input, want) in cases {
            assert_eq!(ok(input), want, "{input}");
        }
    }

    /// Go's `parseDurationErrorTests` that are valid UTF-8, plus the stack-file mistakes that
    /// reference §6.3 lists (a bare number, days, spaces).
    #[test]
    fn rejects_what_go_rejects_with_gos_words() {
        let invalid = [
            "",
            "-",
            "s",
            ".",
            "-.",
            ".s",
            "+.s",
            "9223372036854775810ns",
            "9223372036854775808ns",
            "-9223372036854775809ns",
            "9223372036854776us",
            "3000000h",
            "9223372036854775.808us",
            "9223372036854ms775us808ns",
            "99999999999999999999s",
        ];
        for input in invalid {
            assert_eq!(
                err(input),
                format!("time: invalid duration \"{input}\""),
                "{input}"
            );
        }
        assert_eq!(err("3"), r#"time: missing unit in duration "3""#);
        assert_eq!(err("1"), r#"time: missing unit in duration "1""#);
        assert_eq!(err("1.5"), r#"time: missing unit in duration "1.5""#);
        assert_eq!(err("1d"), r#"time: unknown unit "d" in duration "1d""#);
        assert_eq!(
            err("1m 30s"),
            r#"time: unknown unit "m " in duration "1m 30s""#
        );
        assert_eq!(err("10S"), r#"time: unknown unit "S" in duration "10S""#);
        assert_eq!(err(" 5s"), r#"time: invalid duration " 5s""#);
        // Go escapes every byte of a non-ASCII character (time.quote).
        assert_eq!(err("\u{fffd}"), r#"time: invalid duration "\xef\xbf\xbd""#);
        assert_eq!(
            err("\u{fffd} hello \u{fffd} world"),
            r#"time: invalid duration "\xef\xbf\xbd hello \xef\xbf\xbd world""#
        );
        assert_eq!(
            err("5\u{b5}"),
            r#"time: unknown unit "\xc2\xb5" in duration "5\xc2\xb5""#
        );
    }

    #[test]
    fn reproduces_gos_unsigned_wrap_on_two_halves() {
        // Each segment is exactly 2^63 ns, which Go allows; their uint64 sum wraps to 0 before
        // Go's overflow check, so Docker reads this as zero, and so must we.
        assert_eq!(ok("9223372036854775808ns9223372036854775808ns"), 0);
    }

    proptest! {
        /// Reference §6.3: the Go format printed by `Duration`'s Display parses back exactly.
        #[test]
        fn printed_durations_parse_back(nanos in any::<i64>()) {
            let d = Duration::from_nanos(nanos);
            prop_assert_eq!(parse_duration(&d.to_string()), Ok(d));
        }

        #[test]
        fn never_panics(s in "\\PC{0,24}") {
            let _ = parse_duration(&s);
        }
    }
}
