//! Goldilocks prime field, p = 2^64 - 2^32 + 1.
//!
//! Reduction uses the identities 2^64 ≡ 2^32 - 1 (mod p) and 2^96 ≡ -1 (mod p), so a 128-bit
//! product reduces with two 64-bit additions/subtractions and no division. Every function returns
//! the canonical representative in [0, p).

/// The Goldilocks prime.
pub const P: u64 = 0xffff_ffff_0000_0001;
/// 2^64 mod p = 2^32 - 1 ("epsilon").
const EPSILON: u64 = 0xffff_ffff;

/// Canonical form of any u64 (values in [p, 2^64) lose one p).
#[inline]
pub fn canonical(x: u64) -> u64 {
    if x >= P {
        x - P
    } else {
        x
    }
}

/// (a + b) mod p for canonical a, b.
#[inline]
pub fn add(a: u64, b: u64) -> u64 {
    let (s, over) = a.overflowing_add(b);
    // If the u64 addition wrapped, add 2^64 mod p = EPSILON back (cannot wrap again: s < p here).
    let s = if over { s.wrapping_add(EPSILON) } else { s };
    canonical(s)
}

/// (a - b) mod p for canonical a, b.
#[inline]
pub fn sub(a: u64, b: u64) -> u64 {
    let (d, under) = a.overflowing_sub(b);
    // Borrowing 2^64 over-counts by 2^64 ≡ EPSILON; subtract it back.
    if under {
        d.wrapping_sub(EPSILON)
    } else {
        d
    }
}

/// Reduce a 128-bit value modulo p.
///
/// Write x = x_hi_hi * 2^96 + x_hi_lo * 2^64 + x_lo with x_hi_hi, x_hi_lo < 2^32.
/// Then x ≡ x_lo - x_hi_hi + x_hi_lo * (2^32 - 1) (mod p).
#[inline]
pub fn reduce128(x: u128) -> u64 {
    let x_lo = x as u64;
    let x_hi = (x >> 64) as u64;
    let x_hi_hi = x_hi >> 32;
    let x_hi_lo = x_hi & EPSILON;

    let (mut t0, borrow) = x_lo.overflowing_sub(x_hi_hi);
    if borrow {
        t0 = t0.wrapping_sub(EPSILON);
    }
    let t1 = x_hi_lo * EPSILON; // < 2^64, cannot overflow
    let (mut res, carry) = t0.overflowing_add(t1);
    if carry {
        res = res.wrapping_add(EPSILON);
    }
    canonical(res)
}

/// (a * b) mod p.
#[inline]
pub fn mul(a: u64, b: u64) -> u64 {
    reduce128((a as u128) * (b as u128))
}

/// a^e mod p by square-and-multiply.
pub fn pow(mut a: u64, mut e: u64) -> u64 {
    let mut acc = 1u64;
    a = canonical(a);
    while e > 0 {
        if e & 1 == 1 {
            acc = mul(acc, a);
        }
        a = mul(a, a);
        e >>= 1;
    }
    acc
}

/// Multiplicative inverse (Fermat); None for zero.
pub fn inv(a: u64) -> Option<u64> {
    let a = canonical(a);
    if a == 0 {
        None
    } else {
        Some(pow(a, P - 2))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slow_mul(a: u64, b: u64) -> u64 {
        ((a as u128 * b as u128) % P as u128) as u64
    }

    #[test]
    fn mul_matches_u128_modulo_on_edge_values() {
        let edges = [
            0,
            1,
            2,
            EPSILON,
            EPSILON + 1,
            P - 2,
            P - 1,
            1 << 63,
            (1 << 32) - 1,
            1 << 32,
        ];
        for &a in &edges {
            for &b in &edges {
                assert_eq!(mul(a, b), slow_mul(a, b), "a={a} b={b}");
                assert_eq!(add(a, b) as u128, (a as u128 + b as u128) % P as u128);
                assert_eq!(
                    sub(a, b) as u128,
                    (a as u128 + P as u128 - b as u128) % P as u128
                );
            }
        }
    }

    #[test]
    fn reduce_of_max_u128() {
        assert_eq!(reduce128(u128::MAX) as u128, u128::MAX % P as u128);
    }

    #[test]
    fn inverse_roundtrip() {
        for a in [1u64, 2, 7, P - 1, 123_456_789] {
            assert_eq!(mul(a, inv(a).unwrap()), 1);
        }
        assert_eq!(inv(0), None);
    }
}
