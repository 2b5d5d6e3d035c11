//! docker/cli's `opts.ParseCPUs` for `resources.*.cpus` (reference §6.2, §6.3): the string is
//! an exact rational (`big.Rat.SetString`: `0.5`, `1.5e-1`, `3/2`), multiplied by 10^9, and
//! must then be a whole number of nano-CPUs ("value is too precise"). Everything stays in
//! integers, so `0.1 + 0.2` CPUs is exactly 300000000 nano-CPUs and z3 never sees a real.

use super::rational::{self, Nat, Rational};
use super::ValueError;

/// Longest input handled exactly. Go has no limit, but nobody writes a CPU count of a
/// thousand characters, and the exact division below is quadratic in the length.
const MAX_LEN: usize = 1000;

/// Parses a CPU count into nano-CPUs as `opts.ParseCPUs` does, with its error texts
/// (`failed to parse X as a rational number`, `value is too precise`).
///
/// Docker accepts a negative count here and swarmkit refuses it at deploy time; the model has
/// no negative reservations, so it is refused with swarmkit's text (`invalid cpu value -1: Must
/// be at least 0.001`). Counts beyond `i64` (whose Go result is undefined) and inputs longer
/// than 1000 bytes are refused with swarmproof's own texts.
pub fn parse_cpus(input: &str) -> Result<u64, ValueError> {
    if input.len() > MAX_LEN {
        return Err(ValueError::new(format!(
            "cpu value of {} characters is too long to check",
            input.len()
        )));
    }
    let rational = rational::parse(input)
        .ok_or_else(|| ValueError::new(format!("failed to parse {input} as a rational number")))?;
    let too_precise = || ValueError::new("value is too precise");
    let out_of_range = || ValueError::new(format!("cpu value {input} is out of range"));
    let (neg, magnitude) = match rational {
        Rational::Fraction { neg, mut num, den } => {
            num.mul_add(1_000_000_000, 0);
            let (q, r) = num.div_rem(&den);
            if !r.is_zero() {
                return Err(too_precise());
            }
            (neg, q.to_u64().ok_or_else(out_of_range)?)
        }
        Rational::Float {
            neg,
            mantissa,
            exp2,
            exp5,
        } => {
            // × 10^9 = × 2^9 · 5^9.
            let value = integer_value(mantissa, exp2 + 9, exp5 + 9).map_err(|e| match e {
                NotInteger::Fraction => too_precise(),
                NotInteger::TooLarge => out_of_range(),
            })?;
            (neg, value)
        }
    };
    if magnitude > i64::MAX as u64 {
        return Err(out_of_range());
    }
    if neg && magnitude != 0 {
        return Err(ValueError::new(format!(
            "invalid cpu value {}: Must be at least 0.001",
            go_format_g(-(magnitude as f64) / 1e9)
        )));
    }
    Ok(magnitude)
}

/// swarmkit's lower bound on CPU reservations and limits (`controlapi validateResources`,
/// reference §1.2): 0 (none) or at least 0.001 CPU; the daemon refuses the service otherwise.
pub fn check_cpu_minimum(nano_cpus: u64) -> Result<(), ValueError> {
    if nano_cpus != 0 && nano_cpus < 1_000_000 {
        return Err(ValueError::new(format!(
            "invalid cpu value {}: Must be at least 0.001",
            go_format_g(nano_cpus as f64 / 1e9)
        )));
    }
    Ok(())
}

enum NotInteger {
    Fraction,
    TooLarge,
}

/// `mantissa · 2^exp2 · 5^exp5` as an integer that fits in `u64`.
fn integer_value(mut mantissa: Nat, exp2: i64, exp5: i64) -> Result<u64, NotInteger> {
    if mantissa.is_zero() {
        return Ok(0);
    }
    // Move the mantissa's own factors of 2 and 5 into the exponents; the value is an integer
    // exactly when both exponents are then non-negative.
    let (mut exp2, mut exp5) = (exp2, exp5);
    for (prime, exp) in [(2u32, &mut exp2), (5u32, &mut exp5)] {
        loop {
            let mut q = mantissa.clone();
            if q.div_small(prime) != 0 {
                break;
            }
            mantissa = q;
            *exp += 1;
        }
    }
    if exp2 < 0 || exp5 < 0 {
        return Err(NotInteger::Fraction);
    }
    let mut value = mantissa.to_u64().ok_or(NotInteger::TooLarge)?;
    for (prime, exp) in [(2u64, exp2), (5u64, exp5)] {
        for _ in 0..exp {
            value = value.checked_mul(prime).ok_or(NotInteger::TooLarge)?;
        }
    }
    Ok(value)
}

/// Go's `%g` for a float64: shortest digits, exponent form below 1e-4 or from 1e6.
fn go_format_g(f: f64) -> String {
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if (-4..6).contains(&exp) {
        return f.to_string();
    }
    let sign = if exp < 0 { '-' } else { '+' };
    format!("{mantissa}e{sign}{:02}", exp.unsigned_abs())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::units::format_cpus;
    use proptest::prelude::*;

    fn err(s: &str) -> String {
        match parse_cpus(s) {
            Ok(n) => panic!("{s:?} parsed as {n}"),
            Err(e) => e.message,
        }
    }

    /// Reference §6.3: exact decimals, exponents and fractions, all as integers.
    #[test]
    fn accepts_docker_rationals_exactly() {
        let cases: &[(&str, u64)] = &[
            ("0.5", 500_000_000),
            ("2", 2_000_000_000),
            ("0.001", 1_000_000),
            ("1.5e-1", 150_000_000),
            ("3/2", 1_500_000_000),
            ("1/4", 250_000_000),
            ("0", 0),
            ("-0", 0),
            ("+0.25", 250_000_000),
            (".5", 500_000_000),
            ("5.", 5_000_000_000),
            ("0.000000001", 1),
            ("1e-9", 1),
            ("1E2", 100_000_000_000),
            ("0.50", 500_000_000),
            ("1_0", 10_000_000_000),
            ("0x1.8p0", 1_500_000_000),
            ("0b11/0o4", 750_000_000),
            ("010/4", 2_000_000_000),
            ("2500000000e-9", 2_500_000_000),
            ("9223372036.854775807", i64::MAX as u64),
            ("0e99999999", 0),
        ];
        for &(input, want) in cases {
            assert_eq!(parse_cpus(input), Ok(want), "{input}");
        }
    }

    #[test]
    fn rejects_with_dockers_words() {
        assert_eq!(err("0.0000000001"), "value is too precise");
        assert_eq!(err("1/3"), "value is too precise");
        assert_eq!(err("1e-10"), "value is too precise");
        for bad in ["", "abc", "1,5", " 1", "1 ", "1/0", "0.5cpu", "1e1000001"] {
            assert_eq!(
                err(bad),
                format!("failed to parse {bad} as a rational number"),
                "{bad}"
            );
        }
        // Negative counts pass docker/cli and are refused by swarmkit (reference §1.2).
        assert_eq!(err("-1"), "invalid cpu value -1: Must be at least 0.001");
        assert_eq!(
            err("-0.5"),
            "invalid cpu value -0.5: Must be at least 0.001"
        );
        assert_eq!(
            err("9223372036.854775808"),
            "cpu value 9223372036.854775808 is out of range"
        );
        assert_eq!(err("1e1000"), "cpu value 1e1000 is out of range");
        assert!(err(&"1".repeat(1001)).contains("too long"));
    }

    #[test]
    fn swarmkit_minimum_is_a_thousandth_of_a_cpu() {
        assert_eq!(check_cpu_minimum(0), Ok(()));
        assert_eq!(check_cpu_minimum(1_000_000), Ok(()));
        let msg = |n| check_cpu_minimum(n).map_err(|e| e.message);
        assert_eq!(
            msg(100_000),
            Err("invalid cpu value 0.0001: Must be at least 0.001".to_string())
        );
        assert_eq!(
            msg(10_000),
            Err("invalid cpu value 1e-05: Must be at least 0.001".to_string())
        );
        assert_eq!(
            msg(999_999),
            Err("invalid cpu value 0.000999999: Must be at least 0.001".to_string())
        );
    }

    proptest! {
        #[test]
        fn printed_cpus_parse_back(nano in 0u64..=i64::MAX as u64) {
            prop_assert_eq!(parse_cpus(&format_cpus(nano)), Ok(nano));
        }

        #[test]
        fn never_panics(s in "[-+0-9a-fA-FxXoObBpP._/e]{0,30}") {
            let _ = parse_cpus(&s);
        }
    }
}
