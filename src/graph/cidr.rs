//! IPv4/IPv6 prefixes as written in `ipam.config[].subnet` and `host_networks`: parsing, overlap
//! and size. Host bits are ignored, as libnetwork masks them.

use std::fmt;
use std::net::IpAddr;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    /// The address as a 128-bit number (IPv4 in the low 32 bits).
    addr: u128,
    bits: u8,
    v6: bool,
}

impl Cidr {
    pub fn parse(s: &str) -> Option<Cidr> {
        let (ip, bits) = s.trim().split_once('/')?;
        let ip: IpAddr = ip.parse().ok()?;
        let bits: u8 = bits.parse().ok()?;
        let (addr, v6) = match ip {
            IpAddr::V4(a) => (u128::from(u32::from(a)), false),
            IpAddr::V6(a) => (u128::from(a), true),
        };
        let c = Cidr { addr, bits, v6 };
        (bits <= c.width()).then_some(c)
    }

    fn width(&self) -> u8 {
        if self.v6 {
            128
        } else {
            32
        }
    }

    /// The first `bits` bits of the address.
    fn prefix(&self, bits: u8) -> u128 {
        let shift = u32::from(self.width() - bits);
        self.addr.checked_shr(shift).unwrap_or(0)
    }

    /// Two prefixes overlap iff they agree on the shorter prefix length.
    pub fn overlaps(&self, other: &Cidr) -> bool {
        let bits = self.bits.min(other.bits);
        self.v6 == other.v6 && self.prefix(bits) == other.prefix(bits)
    }

    pub fn is_v4(&self) -> bool {
        !self.v6
    }

    /// Number of addresses, saturating (an IPv6 /0 does not fit in u128).
    pub fn size(&self) -> u128 {
        1u128
            .checked_shl(u32::from(self.width() - self.bits))
            .unwrap_or(u128::MAX)
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ip = if self.v6 {
            IpAddr::from(self.addr.to_be_bytes())
        } else {
            // IPv4 values were built from a u32, so this never truncates.
            IpAddr::from(u32::try_from(self.addr).unwrap_or_default().to_be_bytes())
        };
        write!(f, "{ip}/{}", self.bits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> Cidr {
        Cidr::parse(s).unwrap()
    }

    #[test]
    fn overlap_is_agreement_on_the_shorter_prefix() {
        assert!(c("10.0.0.0/16").overlaps(&c("10.0.5.0/24")));
        assert!(c("10.0.5.0/24").overlaps(&c("10.0.0.0/16")));
        assert!(!c("10.0.0.0/24").overlaps(&c("10.0.1.0/24")));
        assert!(c("10.0.0.7/24").overlaps(&c("10.0.0.0/24")));
        assert!(c("0.0.0.0/0").overlaps(&c("192.168.1.0/24")));
        assert!(!c("10.0.0.0/8").overlaps(&c("::/0")));
        assert!(c("2001:db8::/32").overlaps(&c("2001:db8:1::/48")));
    }

    #[test]
    fn parse_and_size() {
        assert_eq!(c("10.0.0.0/24").size(), 256);
        assert_eq!(c("10.0.0.0/32").size(), 1);
        assert_eq!(c("::/0").size(), u128::MAX);
        assert_eq!(c("172.16.238.0/24").to_string(), "172.16.238.0/24");
        assert!(Cidr::parse("10.0.0.0/33").is_none());
        assert!(Cidr::parse("10.0.0.0").is_none());
        assert!(Cidr::parse("bogus/8").is_none());
    }

    proptest::proptest! {
        // Overlap is symmetric and reflexive; parsing arbitrary text never panics.
        #[test]
        fn overlap_is_symmetric(a in 0u32.., abits in 0u8..=32, b in 0u32.., bbits in 0u8..=32, junk in ".{0,30}") {
            let _ = Cidr::parse(&junk);
            let x = c(&format!("{}/{abits}", std::net::Ipv4Addr::from(a)));
            let y = c(&format!("{}/{bbits}", std::net::Ipv4Addr::from(b)));
            proptest::prop_assert_eq!(x.overlaps(&y), y.overlaps(&x));
            proptest::prop_assert!(x.overlaps(&x));
        }
    }
}
