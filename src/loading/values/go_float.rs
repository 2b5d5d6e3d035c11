//! Go's `strconv.ParseFloat(s, 64)`, which go-units applies to the number of a memory size.
//! Go accepts more than Rust's `f64::from_str`: `_` digit separators, hexadecimal mantissas
//! with a `p` exponent, and its own spelling of infinities; it rejects Rust's signed `nan`.
//! Decimal values are rounded by Rust's parser, which, like Go's, rounds correctly (to
//! nearest, ties to even), so both give the same `f64`.

/// The value, or Go's `*strconv.NumError` text.
pub fn parse_float(s: &str) -> Result<f64, String> {
    if let Some(f) = special(s) {
        return Ok(f);
    }
    let syntax = || format!("strconv.ParseFloat: parsing {}: invalid syntax", quote(s));
    let range = || {
        format!(
            "strconv.ParseFloat: parsing {}: value out of range",
            quote(s)
        )
    };
    let b = s.as_bytes();
    let (neg, body) = match b.first() {
        Some(b'+') => (false, &b[1..]),
        Some(b'-') => (true, &b[1..]),
        _ => (false, b),
    };
    let hex = body.len() > 2 && body[0] == b'0' && (body[1] | 0x20) == b'x';
    if !well_formed(body, hex) || (b.contains(&b'_') && !underscore_ok(b)) {
        return Err(syntax());
    }
    let value = if hex {
        hex_value(&body[2..], neg)
    } else {
        let digits: String = s.chars().filter(|&c| c != '_').collect();
        digits.parse::<f64>().map_err(|_| syntax())?
    };
    if value.is_infinite() {
        return Err(range());
    }
    Ok(value)
}

/// Go's `special`: `inf`, `infinity` (optionally signed) and `nan` (unsigned), any case.
fn special(s: &str) -> Option<f64> {
    let lower = s.to_ascii_lowercase();
    let (sign, rest) = match lower.as_bytes().first() {
        Some(b'-') => (-1.0, &lower[1..]),
        Some(b'+') => (1.0, &lower[1..]),
        _ => (1.0, lower.as_str()),
    };
    match rest {
        "inf" | "infinity" => Some(sign * f64::INFINITY),
        "nan" if rest.len() == s.len() => Some(f64::NAN),
        _ => None,
    }
}

/// Go's `readFloat` grammar, after the sign: digits (and `_`) with at most one `.`, at least
/// one digit, an optional exponent (`e` for decimal, `p` and mandatory for hexadecimal) whose
/// sign is optional and whose first character is a digit; nothing may follow.
fn well_formed(body: &[u8], hex: bool) -> bool {
    let mantissa = if hex { &body[2..] } else { body };
    let is_digit = |c: u8| c.is_ascii_digit() || (hex && c.is_ascii_hexdigit());
    let exp_char = if hex { b'p' } else { b'e' };
    let mut i = 0;
    let (mut saw_dot, mut saw_digits) = (false, false);
    while i < mantissa.len() {
        match mantissa[i] {
            b'_' => {}
            b'.' if !saw_dot => saw_dot = true,
            c if is_digit(c) => saw_digits = true,
            _ => break,
        }
        i += 1;
    }
    if !saw_digits {
        return false;
    }
    let exp = &mantissa[i..];
    if exp.is_empty() {
        return !hex;
    }
    if exp[0] | 0x20 != exp_char {
        return false;
    }
    let mut j = 1;
    if matches!(exp.get(j), Some(b'+' | b'-')) {
        j += 1;
    }
    if !exp.get(j).is_some_and(u8::is_ascii_digit) {
        return false;
    }
    exp[j..].iter().all(|&c| c.is_ascii_digit() || c == b'_')
}

/// Go's `underscoreOK`: `_` only between digits, or between a base prefix and a digit.
fn underscore_ok(s: &[u8]) -> bool {
    let s = match s.first() {
        Some(b'+' | b'-') => &s[1..],
        _ => s,
    };
    let mut saw = b'^';
    let mut i = 0;
    let mut hex = false;
    if s.len() >= 2 && s[0] == b'0' && matches!(s[1] | 0x20, b'b' | b'o' | b'x') {
        i = 2;
        saw = b'0';
        hex = s[1] | 0x20 == b'x';
    }
    while i < s.len() {
        let c = s[i];
        if c.is_ascii_digit() || (hex && c.is_ascii_hexdigit()) {
            saw = b'0';
        } else if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
        } else {
            if saw == b'_' {
                return false;
            }
            saw = b'!';
        }
        i += 1;
    }
    saw != b'_'
}

/// Value of a well-formed hexadecimal float after `0x`: Go's `readFloat` (at most 16 mantissa
/// digits, later non-zero digits kept as a sticky bit) then `atofHex` (round to nearest even).
fn hex_value(s: &[u8], neg: bool) -> f64 {
    let (mut mantissa, mut nd, mut nd_mant, mut dp) = (0u64, 0i64, 0i64, 0i64);
    let (mut saw_dot, mut trunc) = (false, false);
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        i += 1;
        match c {
            b'_' => continue,
            b'.' => {
                saw_dot = true;
                dp = nd;
                continue;
            }
            b'p' | b'P' => break,
            _ => {}
        }
        let d = u64::from(char::from(c).to_digit(16).unwrap_or(0));
        if d == 0 && nd == 0 {
            dp -= 1;
            continue;
        }
        nd += 1;
        if nd_mant < 16 {
            mantissa = mantissa * 16 + d;
            nd_mant += 1;
        } else if d != 0 {
            trunc = true;
        }
    }
    if !saw_dot {
        dp = nd;
    }
    let mut e: i64 = 0;
    let mut esign = 1;
    for &c in &s[i..] {
        match c {
            b'-' => esign = -1,
            b'0'..=b'9' if e < 10_000 => e = e * 10 + i64::from(c - b'0'),
            _ => {}
        }
    }
    let exp = if mantissa != 0 {
        dp * 4 + e * esign - nd_mant * 4
    } else {
        0
    };
    atof_hex(mantissa, exp, neg, trunc)
}

/// Go's `atofHex` for float64: `mantissa * 2^exp`, rounded to 53 bits.
fn atof_hex(mut mantissa: u64, exp: i64, neg: bool, trunc: bool) -> f64 {
    const MANT_BITS: i64 = 52;
    const BIAS: i64 = -1023;
    let max_exp = (1 << 11) + BIAS - 2;
    let min_exp = BIAS + 1;
    let mut exp = exp + MANT_BITS;
    while mantissa != 0 && mantissa >> (MANT_BITS + 2) == 0 {
        mantissa <<= 1;
        exp -= 1;
    }
    if trunc {
        mantissa |= 1;
    }
    while mantissa >> (1 + MANT_BITS + 2) != 0 {
        mantissa = (mantissa >> 1) | (mantissa & 1);
        exp += 1;
    }
    while mantissa > 1 && exp < min_exp - 2 {
        mantissa = (mantissa >> 1) | (mantissa & 1);
        exp += 1;
    }
    let mut round = mantissa & 3;
    mantissa >>= 2;
    round |= mantissa & 1;
    exp += 2;
    if round == 3 {
        mantissa += 1;
        if mantissa == 1 << (1 + MANT_BITS) {
            mantissa >>= 1;
            exp += 1;
        }
    }
    if mantissa >> MANT_BITS == 0 {
        exp = BIAS;
    }
    let sign = if neg { -1.0 } else { 1.0 };
    if exp > max_exp {
        return sign * f64::INFINITY;
    }
    let bits = (mantissa & ((1 << MANT_BITS) - 1)) | (((exp - BIAS) as u64 & 0x7ff) << MANT_BITS);
    sign * f64::from_bits(bits)
}

/// Go's `strconv.Quote`, as `NumError` prints its input: printable characters as is, the usual
/// escapes, `\xNN` for other ASCII and `\uNNNN` for other characters.
fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            ' ' => out.push(' '),
            c if c.is_ascii_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if c.is_control() || c.is_whitespace() => {
                if (c as u32) < 0x10000 {
                    out.push_str(&format!("\\u{:04x}", c as u32));
                } else {
                    out.push_str(&format!("\\U{:08x}", c as u32));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Go's `fmt.Sprint` of a `float64` (`strconv.FormatFloat(f, 'g', -1, 64)`): the shortest
/// digits, in exponent form when the exponent is below -4 or at least 6 (`1e+06`, `0.5`).
pub fn format_go_float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.into();
    }
    let sign = if f.is_sign_negative() { "-" } else { "" };
    if f == 0.0 {
        return format!("{sign}0");
    }
    // Rust's `{:e}` gives the shortest digits that round-trip, as Go's shortest does.
    let e = format!("{:e}", f.abs());
    let (mantissa, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    if !(-4..6).contains(&exp) {
        let (first, rest) = digits.split_at(1);
        let dot = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let esign = if exp < 0 { '-' } else { '+' };
        return format!("{sign}{first}{dot}e{esign}{:02}", exp.abs());
    }
    let dp = exp + 1;
    let text = if dp <= 0 {
        format!("0.{}{digits}", "0".repeat((-dp) as usize))
    } else if dp as usize >= digits.len() {
        format!("{digits}{}", "0".repeat(dp as usize - digits.len()))
    } else {
        format!("{}.{}", &digits[..dp as usize], &digits[dp as usize..])
    };
    format!("{sign}{text}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_forms_match_go() {
        for (s, want) in [
            ("1", 1.0),
            ("-1.5", -1.5),
            ("+.5", 0.5),
            ("5.", 5.0),
            ("1e3", 1000.0),
            ("1E+3", 1000.0),
            ("2.5e-1", 0.25),
            ("1_000", 1000.0),
            ("1e-400", 0.0),
            ("Inf", f64::INFINITY),
            ("-infinity", f64::NEG_INFINITY),
        ] {
            assert_eq!(parse_float(s), Ok(want), "{s}");
        }
        assert!(parse_float("NaN").is_ok_and(f64::is_nan));
    }

    #[test]
    fn hexadecimal_forms_match_go() {
        for (s, want) in [
            ("0x1p4", 16.0),
            ("0x1.8p1", 3.0),
            ("0X.8p0", 0.5),
            ("-0x10p-4", -1.0),
            ("0x0.01p0", 1.0 / 256.0),
            ("0x_1p0", 1.0),
            // 2^53 + 1 needs 54 bits: ties to even rounds it down to 2^53.
            ("0x20000000000001p0", 9007199254740992.0),
            // With the sticky bit past 16 digits it is above the tie and rounds up.
            ("0x20000000000001.0000000001p0", 9007199254740994.0),
        ] {
            assert_eq!(parse_float(s), Ok(want), "{s}");
        }
    }

    #[test]
    fn rejects_like_go_with_its_text() {
        for s in [
            "", ".", "-", "1e", "1e+", "e3", "0x10", "0x1.8", "1_", "_1", "1__0", "1._5", "+nan",
            "nan1", " 1", "1 ", "1.2.3", "0x1q4",
        ] {
            assert_eq!(
                parse_float(s),
                Err(format!(
                    "strconv.ParseFloat: parsing {}: invalid syntax",
                    quote(s)
                )),
                "{s}"
            );
        }
        assert_eq!(
            parse_float("1e400"),
            Err(r#"strconv.ParseFloat: parsing "1e400": value out of range"#.to_string())
        );
        assert_eq!(
            parse_float("0x1p1024").map_err(|e| e.contains("out of range")),
            Err(true)
        );
        assert_eq!(quote("32m\t\"x\""), r#""32m\t\"x\"""#);
    }

    #[test]
    fn go_sprint_of_floats() {
        use super::format_go_float as f;
        assert_eq!(f(0.5), "0.5");
        assert_eq!(f(1.0), "1");
        assert_eq!(f(123456.0), "123456");
        assert_eq!(f(1e6), "1e+06");
        assert_eq!(f(1234567.0), "1.234567e+06");
        assert_eq!(f(0.0001), "0.0001");
        assert_eq!(f(0.00001), "1e-05");
        assert_eq!(f(-2.5), "-2.5");
    }
}
