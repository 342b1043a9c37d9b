//! The cubic extension E = F[x]/(x^3 − x − 1) of the Goldilocks field.
//!
//! Protocol contract §Arithmetic (mirrors `spec/stark/extension.py`): an element is the triple
//! (a0, a1, a2) meaning a0 + a1·x + a2·x², coordinates canonical in [0, p). Products reduce with
//! x^3 = x + 1 (so x^4 = x² + x). x^3 − x − 1 has no root in F, hence is irreducible (a cubic
//! without a root), and E is a field of p^3 elements (winterfell and pil-stark use the same
//! polynomial).

use crate::goldilocks as gl;

/// An element a0 + a1·x + a2·x² of E.
pub type Ext3 = [u64; 3];

/// The additive identity.
pub const ZERO: Ext3 = [0, 0, 0];
/// The multiplicative identity.
pub const ONE: Ext3 = [1, 0, 0];

/// A base element embedded as (a, 0, 0).
#[inline]
pub fn from_base(a: u64) -> Ext3 {
    [gl::canonical(a), 0, 0]
}

/// Coordinate-wise sum.
#[inline]
pub fn add(a: Ext3, b: Ext3) -> Ext3 {
    [
        gl::add(a[0], b[0]),
        gl::add(a[1], b[1]),
        gl::add(a[2], b[2]),
    ]
}

/// Coordinate-wise difference.
#[inline]
pub fn sub(a: Ext3, b: Ext3) -> Ext3 {
    [
        gl::sub(a[0], b[0]),
        gl::sub(a[1], b[1]),
        gl::sub(a[2], b[2]),
    ]
}

/// The additive inverse.
#[inline]
pub fn neg(a: Ext3) -> Ext3 {
    sub(ZERO, a)
}

/// The product by a base element (each coordinate scaled).
#[inline]
pub fn mul_base(a: Ext3, b: u64) -> Ext3 {
    [gl::mul(a[0], b), gl::mul(a[1], b), gl::mul(a[2], b)]
}

/// The product in E.
///
/// (a0 + a1x + a2x²)(b0 + b1x + b2x²) = c0 + c1x + c2x² + c3x³ + c4x⁴ with
/// c0 = a0b0, c1 = a0b1 + a1b0, c2 = a0b2 + a1b1 + a2b0, c3 = a1b2 + a2b1, c4 = a2b2;
/// x³ = x + 1 and x⁴ = x² + x give (c0 + c3) + (c1 + c3 + c4)x + (c2 + c4)x².
#[inline]
pub fn mul(a: Ext3, b: Ext3) -> Ext3 {
    let c0 = gl::mul(a[0], b[0]);
    let c1 = gl::add(gl::mul(a[0], b[1]), gl::mul(a[1], b[0]));
    let c2 = gl::add(
        gl::add(gl::mul(a[0], b[2]), gl::mul(a[1], b[1])),
        gl::mul(a[2], b[0]),
    );
    let c3 = gl::add(gl::mul(a[1], b[2]), gl::mul(a[2], b[1]));
    let c4 = gl::mul(a[2], b[2]);
    [
        gl::add(c0, c3),
        gl::add(gl::add(c1, c3), c4),
        gl::add(c2, c4),
    ]
}

/// The square.
#[inline]
pub fn square(a: Ext3) -> Ext3 {
    mul(a, a)
}

/// a^e by square-and-multiply (e a u64; enough for x^N and powers of domain points).
pub fn pow(mut a: Ext3, mut e: u64) -> Ext3 {
    let mut acc = ONE;
    while e > 0 {
        if e & 1 == 1 {
            acc = mul(acc, a);
        }
        a = square(a);
        e >>= 1;
    }
    acc
}

/// The multiplicative inverse; None for zero.
///
/// Multiplication by a is the F-linear map with matrix (columns a, a·x, a·x²):
///
/// ```text
///     | a0  a2       a1      |
/// M = | a1  a0 + a2  a1 + a2 |      (a·x = a2 + (a0 + a2)x + a1x²,
///     | a2  a1       a0 + a2 |       a·x² = a1 + (a1 + a2)x + (a0 + a2)x²)
/// ```
///
/// and a⁻¹ = M⁻¹·e0 = (C00, C01, C02) / det M (Cramer's rule: the first column of the adjugate
/// holds the cofactors of the first row), with det M = a0·C00 + a2·C01 + a1·C02 ≠ 0 for a ≠ 0
/// because E is a field.
pub fn inv(a: Ext3) -> Option<Ext3> {
    let [a0, a1, a2] = [
        gl::canonical(a[0]),
        gl::canonical(a[1]),
        gl::canonical(a[2]),
    ];
    if a0 == 0 && a1 == 0 && a2 == 0 {
        return None;
    }
    let a0p2 = gl::add(a0, a2);
    let a1p2 = gl::add(a1, a2);
    let c00 = gl::sub(gl::mul(a0p2, a0p2), gl::mul(a1p2, a1));
    let c01 = gl::sub(gl::mul(a1p2, a2), gl::mul(a1, a0p2));
    let c02 = gl::sub(gl::mul(a1, a1), gl::mul(a0p2, a2));
    let det = gl::add(
        gl::add(gl::mul(a0, c00), gl::mul(a2, c01)),
        gl::mul(a1, c02),
    );
    let d = gl::inv(det)?;
    Some([gl::mul(c00, d), gl::mul(c01, d), gl::mul(c02, d)])
}

/// Inverses of many elements with one inversion (Montgomery's trick); None if any is zero.
pub fn batch_inv(values: &[Ext3]) -> Option<Vec<Ext3>> {
    let mut prefix = Vec::with_capacity(values.len());
    let mut acc = ONE;
    for &v in values {
        prefix.push(acc);
        acc = mul(acc, v);
    }
    let mut inv_acc = inv(acc)?;
    let mut out = vec![ZERO; values.len()];
    for i in (0..values.len()).rev() {
        out[i] = mul(inv_acc, prefix[i]);
        inv_acc = mul(inv_acc, values[i]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator (splitmix64) for test inputs.
    pub(crate) fn splitmix(seed: &mut u64) -> u64 {
        *seed = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = *seed;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn random(seed: &mut u64) -> Ext3 {
        [
            gl::canonical(splitmix(seed)),
            gl::canonical(splitmix(seed)),
            gl::canonical(splitmix(seed)),
        ]
    }

    #[test]
    fn x_cubed_is_x_plus_one() {
        let x = [0, 1, 0];
        assert_eq!(pow(x, 3), [1, 1, 0]);
        assert_eq!(pow(x, 4), [0, 1, 1]);
    }

    #[test]
    fn field_axioms_on_random_elements() {
        let mut seed = 1;
        for _ in 0..500 {
            let (a, b, c) = (random(&mut seed), random(&mut seed), random(&mut seed));
            assert_eq!(mul(a, b), mul(b, a));
            assert_eq!(mul(mul(a, b), c), mul(a, mul(b, c)));
            assert_eq!(mul(a, add(b, c)), add(mul(a, b), mul(a, c)));
            assert_eq!(add(sub(a, b), b), a);
            assert_eq!(mul(a, from_base(b[0])), mul_base(a, b[0]));
            let ai = inv(a).unwrap();
            assert_eq!(mul(a, ai), ONE);
        }
        assert_eq!(inv(ZERO), None);
    }

    #[test]
    fn fermat_in_the_extension() {
        // |E*| = p^3 − 1, so a^(p^3) = a; check via a^p three times (Frobenius cubed).
        let mut seed = 7;
        for _ in 0..20 {
            let a = random(&mut seed);
            let f3 = pow(pow(pow(a, gl::P), gl::P), gl::P);
            assert_eq!(f3, a);
            assert_ne!(
                pow(a, gl::P),
                a,
                "a random element is not in the base field"
            );
        }
    }

    #[test]
    fn batch_inverse_matches_single() {
        let mut seed = 3;
        let values: Vec<Ext3> = (0..33).map(|_| random(&mut seed)).collect();
        let batch = batch_inv(&values).unwrap();
        for (v, b) in values.iter().zip(batch.iter()) {
            assert_eq!(Some(*b), inv(*v));
        }
        assert_eq!(batch_inv(&[ONE, ZERO]), None);
    }
}
