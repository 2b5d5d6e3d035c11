//! Go's `big.Rat.SetString`, the parser behind docker/cli's `opts.ParseCPUs`: a fraction `a/b`
//! (each side decimal or with a `0b`/`0o`/`0x`/`0` prefix, `_` separators) or a float (decimal
//! or `0b`/`0o`/`0x` mantissa, optional `e` or `p` exponent). The value is kept exact; floats
//! stay as `mantissa · 2^exp2 · 5^exp5` so that a huge exponent is never expanded.

/// An unsigned integer of any size: little-endian 32-bit limbs without leading zero limbs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Nat(Vec<u32>);

impl Nat {
    pub(super) fn is_zero(&self) -> bool {
        self.0.is_empty()
    }

    /// `self = self * m + a`.
    pub(super) fn mul_add(&mut self, m: u32, a: u32) {
        let mut carry = u64::from(a);
        for limb in &mut self.0 {
            let v = u64::from(*limb) * u64::from(m) + carry;
            *limb = v as u32;
            carry = v >> 32;
        }
        if carry != 0 {
            self.0.push(carry as u32);
        }
        self.trim();
    }

    /// Divides in place by a small divisor and returns the remainder.
    pub(super) fn div_small(&mut self, d: u32) -> u32 {
        let mut rem = 0u64;
        for limb in self.0.iter_mut().rev() {
            let v = (rem << 32) | u64::from(*limb);
            *limb = (v / u64::from(d)) as u32;
            rem = v % u64::from(d);
        }
        self.trim();
        rem as u32
    }

    /// Quotient and remainder by binary long division (inputs are short: see `MAX_LEN`).
    pub(super) fn div_rem(&self, d: &Nat) -> (Nat, Nat) {
        let mut q = Nat::default();
        let mut r = Nat::default();
        for bit in (0..self.0.len() * 32).rev() {
            r.mul_add(2, (self.0[bit / 32] >> (bit % 32)) & 1);
            q.mul_add(2, 0);
            if r.ge(d) {
                r.sub(d);
                q.mul_add(1, 1);
            }
        }
        (q, r)
    }

    pub(super) fn to_u64(&self) -> Option<u64> {
        match self.0.as_slice() {
            [] => Some(0),
            [lo] => Some(u64::from(*lo)),
            [lo, hi] => Some(u64::from(*lo) | (u64::from(*hi) << 32)),
            _ => None,
        }
    }

    fn ge(&self, other: &Nat) -> bool {
        self.0.len() > other.0.len()
            || (self.0.len() == other.0.len() && self.0.iter().rev().ge(other.0.iter().rev()))
    }

    /// `self -= other`, for `self >= other`.
    fn sub(&mut self, other: &Nat) {
        let mut borrow = 0i64;
        for (i, limb) in self.0.iter_mut().enumerate() {
            let v = i64::from(*limb) - i64::from(other.0.get(i).copied().unwrap_or(0)) - borrow;
            borrow = i64::from(v < 0);
            *limb = v.rem_euclid(1 << 32) as u32;
        }
        self.trim();
    }

    fn trim(&mut self) {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
    }
}

/// A rational as `big.Rat.SetString` reads it.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Rational {
    /// `±num / den`, `den` non-zero.
    Fraction { neg: bool, num: Nat, den: Nat },
    /// `±mantissa · 2^exp2 · 5^exp5`.
    Float {
        neg: bool,
        mantissa: Nat,
        exp2: i64,
        exp5: i64,
    },
}

/// Parses `s` as `big.Rat.SetString` does; `None` where Go returns `ok == false`.
pub(super) fn parse(s: &str) -> Option<Rational> {
    if s.is_empty() {
        return None;
    }
    if let Some((a, b)) = s.split_once('/') {
        let mut r = Reader::new(a.as_bytes());
        let neg = r.sign();
        let num = r.nat(false)?.value;
        let mut r2 = Reader::new(b.as_bytes());
        let den = r2.nat(false)?.value;
        if !r.at_end() || !r2.at_end() || den.is_zero() {
            return None;
        }
        return Some(Rational::Fraction { neg, num, den });
    }
    let mut r = Reader::new(s.as_bytes());
    let neg = r.sign();
    let m = r.nat(true)?;
    let (exp, exp_base) = r.exponent()?;
    if !r.at_end() {
        return None;
    }
    if m.value.is_zero() {
        return Some(Rational::Float {
            neg: false,
            mantissa: m.value,
            exp2: 0,
            exp5: 0,
        });
    }
    // A radix point divides by base^digits; split powers of ten into 2s and 5s.
    let d = m.frac_digits;
    let (mut exp2, mut exp5) = match m.base {
        10 => (d, d),
        2 => (d, 0),
        8 => (d.saturating_mul(3), 0),
        _ => (d.saturating_mul(4), 0),
    };
    if exp_base == 10 {
        exp5 = exp5.saturating_add(exp);
    }
    exp2 = exp2.saturating_add(exp);
    // Go refuses exponents it would take too long to expand.
    if exp5.unsigned_abs() > 1_000_000 || exp2.unsigned_abs() > 10_000_000 {
        return None;
    }
    Some(Rational::Float {
        neg,
        mantissa: m.value,
        exp2,
        exp5,
    })
}

struct Mantissa {
    value: Nat,
    base: u32,
    /// Minus the number of digits after the radix point (0 without one).
    frac_digits: i64,
}

/// A cursor over the input, with Go's scanners as methods.
struct Reader<'a> {
    s: &'a [u8],
    i: usize,
}

impl<'a> Reader<'a> {
    fn new(s: &'a [u8]) -> Self {
        Reader { s, i: 0 }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn at_end(&self) -> bool {
        self.i == self.s.len()
    }

    /// `scanSign`: one optional `+` or `-`.
    fn sign(&mut self) -> bool {
        match self.peek() {
            Some(b'-') => {
                self.i += 1;
                true
            }
            Some(b'+') => {
                self.i += 1;
                false
            }
            _ => false,
        }
    }

    /// `nat.scan(r, 0, frac_ok)`: an optional base prefix (`0` alone means octal only for
    /// integers), digits with `_` separators between them, and, for floats, one radix point.
    fn nat(&mut self, frac_ok: bool) -> Option<Mantissa> {
        let mut base = 10u32;
        let mut prev = b'.';
        let mut count: i64 = 0;
        let mut octal_zero = false;
        if self.peek() == Some(b'0') {
            prev = b'0';
            count = 1;
            self.i += 1;
            if let Some(c) = self.peek() {
                let prefixed = match c | 0x20 {
                    b'b' => Some(2),
                    b'o' => Some(8),
                    b'x' => Some(16),
                    _ if !frac_ok => {
                        octal_zero = true;
                        base = 8;
                        count = 0;
                        None
                    }
                    _ => None,
                };
                if let Some(b) = prefixed {
                    base = b;
                    count = 0;
                    self.i += 1;
                }
            }
        }
        let mut value = Nat::default();
        let mut invalid_separator = false;
        let mut dot: Option<i64> = None;
        while let Some(c) = self.peek() {
            if c == b'.' && frac_ok && dot.is_none() {
                dot = Some(count);
                prev = b'.';
            } else if c == b'_' {
                invalid_separator |= prev != b'0';
                prev = b'_';
            } else {
                match char::from(c).to_digit(36) {
                    Some(d) if d < base => {
                        value.mul_add(base, d);
                        prev = b'0';
                        count += 1;
                    }
                    _ => break,
                }
            }
            self.i += 1;
        }
        if invalid_separator || prev == b'_' {
            return None;
        }
        if count == 0 {
            // A lone octal prefix "0" is the number zero; anything else needs digits.
            return octal_zero.then(|| Mantissa {
                value: Nat::default(),
                base: 10,
                frac_digits: 0,
            });
        }
        Some(Mantissa {
            value,
            base,
            frac_digits: dot.map_or(0, |d| d - count),
        })
    }

    /// `scanExponent(r, true, true)`: `e`/`E` (base 10) or `p`/`P` (base 2), a sign, digits
    /// with `_` separators, read as an int64. No exponent is `(0, 10)`.
    fn exponent(&mut self) -> Option<(i64, u32)> {
        let base = match self.peek() {
            Some(b'e' | b'E') => 10,
            Some(b'p' | b'P') => 2,
            _ => return Some((0, 10)),
        };
        self.i += 1;
        let mut digits = String::new();
        if let Some(c @ (b'+' | b'-')) = self.peek() {
            if c == b'-' {
                digits.push('-');
            }
            self.i += 1;
        }
        let mut prev = b'.';
        let mut invalid_separator = false;
        let mut has_digits = false;
        while let Some(c) = self.peek() {
            if c.is_ascii_digit() {
                digits.push(char::from(c));
                prev = b'0';
                has_digits = true;
            } else if c == b'_' {
                invalid_separator |= prev != b'0';
                prev = b'_';
            } else {
                break;
            }
            self.i += 1;
        }
        if !has_digits || invalid_separator || prev == b'_' {
            return None;
        }
        Some((digits.parse::<i64>().ok()?, base))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nat(v: u64) -> Nat {
        let mut n = Nat::default();
        n.mul_add(1 << 16, (v >> 48) as u32);
        n.mul_add(1 << 16, ((v >> 32) & 0xffff) as u32);
        n.mul_add(1 << 16, ((v >> 16) & 0xffff) as u32);
        n.mul_add(1 << 16, (v & 0xffff) as u32);
        n
    }

    fn float(neg: bool, m: u64, exp2: i64, exp5: i64) -> Option<Rational> {
        Some(Rational::Float {
            neg,
            mantissa: nat(m),
            exp2,
            exp5,
        })
    }

    #[test]
    fn floats_keep_exact_parts() {
        assert_eq!(parse("0.5"), float(false, 5, -1, -1));
        assert_eq!(parse("-1.5e-1"), float(true, 15, -2, -2));
        assert_eq!(parse("0x1.8p1"), float(false, 0x18, -3, 0));
        assert_eq!(parse("0b101"), float(false, 5, 0, 0));
        assert_eq!(parse("1_000"), float(false, 1000, 0, 0));
        // A leading 0 of a float is decimal, not octal.
        assert_eq!(parse("010"), float(false, 10, 0, 0));
        assert_eq!(parse("0e99999999"), float(false, 0, 0, 0));
    }

    #[test]
    fn fractions_read_prefixed_integers() {
        let frac = |neg, n, d| {
            Some(Rational::Fraction {
                neg,
                num: nat(n),
                den: nat(d),
            })
        };
        assert_eq!(parse("3/2"), frac(false, 3, 2));
        assert_eq!(parse("-3/2"), frac(true, 3, 2));
        // In a fraction a leading 0 means octal, as in Go source.
        assert_eq!(parse("010/0x10"), frac(false, 8, 16));
        assert_eq!(parse("0/1"), frac(false, 0, 1));
    }

    #[test]
    fn rejects_what_go_rejects() {
        for s in [
            "",
            ".",
            "-",
            "+-1",
            "1/0",
            "1/-2",
            "1/2/3",
            "1.5/2",
            "08/1",
            "1e",
            "1e1000001",
            "1p10000001",
            "_1",
            "1_",
            "1__0",
            "0x",
            "1 ",
            " 1",
            "abc",
            "1e9223372036854775808",
        ] {
            assert_eq!(parse(s), None, "{s}");
        }
    }

    #[test]
    fn long_division_is_exact() {
        let mut big = nat(u64::MAX);
        big.mul_add(1_000_000_007, 12345);
        let (q, r) = big.div_rem(&nat(1_000_000_007));
        assert_eq!(q, nat(u64::MAX));
        assert_eq!(r.to_u64(), Some(12345));
        let mut n = nat(250);
        assert_eq!(n.div_small(5), 0);
        assert_eq!(n.to_u64(), Some(50));
    }
}
