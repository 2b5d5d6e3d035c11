//! Docker's value formats (temporary minimal parsers; replaced by the full ones).

use crate::model::Duration;

pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let err = || format!("time: invalid duration {s:?}");
    if s == "0" {
        return Ok(Duration::ZERO);
    }
    let mut total: i64 = 0;
    let mut rest = s;
    while !rest.is_empty() {
        let n = rest.find(|c: char| !c.is_ascii_digit()).ok_or_else(err)?;
        let v: i64 = rest[..n].parse().map_err(|_| err())?;
        rest = &rest[n..];
        let u = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let mul = match &rest[..u] {
            "ns" => 1,
            "us" | "µs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => return Err(err()),
        };
        total = total.saturating_add(v.saturating_mul(mul));
        rest = &rest[u..];
    }
    Ok(Duration::from_nanos(total))
}

pub fn parse_size(s: &str) -> Result<u64, String> {
    let l = s.to_ascii_lowercase();
    let t = l.trim_end_matches('b').trim_end_matches('i');
    let (num, mul) = match t.chars().last() {
        Some('k') => (&t[..t.len() - 1], 1u64 << 10),
        Some('m') => (&t[..t.len() - 1], 1 << 20),
        Some('g') => (&t[..t.len() - 1], 1 << 30),
        Some('t') => (&t[..t.len() - 1], 1 << 40),
        _ => (t, 1),
    };
    let v: f64 = num
        .trim()
        .parse()
        .map_err(|_| format!("invalid size: '{s}'"))?;
    Ok((v * mul as f64) as u64)
}

pub fn parse_cpus(s: &str) -> Result<u64, String> {
    let v: f64 = s.parse().map_err(|_| format!("invalid argument {s:?}"))?;
    Ok((v * 1e9).round() as u64)
}
