//! Units shared by the model. CPUs are integer nano-CPUs and memory is integer bytes everywhere
//! (as in swarmkit), so that no check ever compares floats.

use std::fmt;

/// One CPU in nano-CPUs.
pub const NANO_CPUS_PER_CPU: u64 = 1_000_000_000;

/// A Go `time.Duration`: signed nanoseconds. Formats as Go does (`1m30s`, `500ms`, `0s`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Duration {
    pub nanos: i64,
}

impl Duration {
    pub const ZERO: Duration = Duration { nanos: 0 };

    pub const fn from_nanos(nanos: i64) -> Self {
        Duration { nanos }
    }

    pub const fn from_millis(ms: i64) -> Self {
        Duration {
            nanos: ms * 1_000_000,
        }
    }

    pub const fn from_secs(s: i64) -> Self {
        Duration {
            nanos: s * 1_000_000_000,
        }
    }

    pub fn as_secs_f64(self) -> f64 {
        self.nanos as f64 / 1e9
    }

    pub fn is_zero(self) -> bool {
        self.nanos == 0
    }

    pub fn saturating_add(self, other: Duration) -> Duration {
        Duration::from_nanos(self.nanos.saturating_add(other.nanos))
    }

    pub fn saturating_mul(self, n: i64) -> Duration {
        Duration::from_nanos(self.nanos.saturating_mul(n))
    }
}

/// Go's `Duration.String`.
impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let neg = self.nanos < 0;
        let u = self.nanos.unsigned_abs();
        let sign = if neg { "-" } else { "" };
        if u == 0 {
            return f.write_str("0s");
        }
        if u < 1_000_000_000 {
            let (unit, scale) = if u < 1_000 {
                ("ns", 1)
            } else if u < 1_000_000 {
                ("µs", 1_000)
            } else {
                ("ms", 1_000_000)
            };
            return write!(f, "{sign}{}{unit}", fraction(u, scale));
        }
        let hours = u / 3_600_000_000_000;
        let rem = u % 3_600_000_000_000;
        let minutes = rem / 60_000_000_000;
        let secs_nanos = rem % 60_000_000_000;
        f.write_str(sign)?;
        if hours > 0 {
            write!(f, "{hours}h")?;
        }
        if hours > 0 || minutes > 0 {
            write!(f, "{minutes}m")?;
        }
        write!(f, "{}s", fraction(secs_nanos, 1_000_000_000))
    }
}

/// `value / scale` printed with the shortest exact decimal fraction.
fn fraction(value: u64, scale: u64) -> String {
    let whole = value / scale;
    let mut frac = value % scale;
    if frac == 0 {
        return whole.to_string();
    }
    let mut digits = String::new();
    let mut s = scale;
    while frac > 0 {
        s /= 10;
        digits.push(char::from(b'0' + (frac / s) as u8));
        frac %= s;
    }
    format!("{whole}.{digits}")
}

/// Formats nano-CPUs as Docker prints CPUs (`0.5`, `2`, `0.001`).
pub fn format_cpus(nano_cpus: u64) -> String {
    fraction(nano_cpus, NANO_CPUS_PER_CPU)
}

/// Formats bytes in binary units, exact when possible (`512MiB`, `1.5GiB`, `1000B`).
pub fn format_bytes(bytes: u64) -> String {
    const UNITS: [(&str, u64); 5] = [
        ("PiB", 1 << 50),
        ("TiB", 1 << 40),
        ("GiB", 1 << 30),
        ("MiB", 1 << 20),
        ("KiB", 1 << 10),
    ];
    for (unit, size) in UNITS {
        if bytes >= size {
            if bytes.is_multiple_of(size) {
                return format!("{}{unit}", bytes / size);
            }
            return format!("{:.2}{unit}", bytes as f64 / size as f64);
        }
    }
    format!("{bytes}B")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_print_like_go() {
        let cases = [
            (0, "0s"),
            (1, "1ns"),
            (1_100, "1.1µs"),
            (2_200_000, "2.2ms"),
            (3_300_000_000, "3.3s"),
            (60_000_000_000, "1m0s"),
            (90_000_000_000, "1m30s"),
            (4_000_000_000 * 60 + 5_000_000_000, "4m5s"),
            (3_600_000_000_000 + 1, "1h0m0.000000001s"),
            (-5_000_000_000, "-5s"),
        ];
        for (nanos, want) in cases {
            assert_eq!(Duration::from_nanos(nanos).to_string(), want);
        }
    }

    #[test]
    fn cpus_and_bytes_print_exactly() {
        assert_eq!(format_cpus(500_000_000), "0.5");
        assert_eq!(format_cpus(2_000_000_000), "2");
        assert_eq!(format_cpus(1_000_000), "0.001");
        assert_eq!(format_bytes(512 << 20), "512MiB");
        assert_eq!(format_bytes(1000), "1000B");
        assert_eq!(format_bytes(3 << 29), "1.50GiB");
    }
}
