//! The composition polynomial (mirrors `spec/stark/composition.py`; contract §Protocol step 2).
//!
//! C(x) = Σ_t α_t·T_t(x)/Z_T(x) + Σ_b α_b·(col_b(x) − v_b)/(x − ω_N^{row_b}), with
//! Z_T(x) = (x^N − 1)/(x − ω_N^{N−1}). The prover evaluates C on D = 7·⟨ω_{BN}⟩ (the next row of
//! D[i] is D[i + B]), interpolates it on the coset, checks every coefficient from K·N on is zero
//! and splits C = Σ_k x^{kN}·H_k. The verifier evaluates C at z from the out-of-domain frame.
//!
//! Periodic columns: the cycle's values are interpolated on ⟨ω_m⟩ to p(y); the column's value at
//! x is p(x^{N/m}). On D, x^{N/m} = 7^{N/m}·ω_{Bm}^i, so the values repeat with period B·m and are
//! one coset evaluation of p.
//!
//! The prover evaluates C only on the sub-coset 7·⟨ω_{K'N}⟩ of D (K' = the power of two ≥ K),
//! which determines C (degree < K·N) — see [`composition_on_subdomain`].
//!
//! Field arithmetic is exact, so regrouping sums (Σ_t α_t·T_t first, then one product with
//! 1/Z_T) gives the spec's values exactly.

use rayon::prelude::*;

use crate::air::Air;
use crate::ext3::{self, Ext3};
use crate::goldilocks as gl;
use crate::ntt::{self, GENERATOR};

/// C does not have the promised degree (a trace that does not satisfy the AIR, or too small a
/// blowup).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompositionError(pub String);

impl std::fmt::Display for CompositionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The inverses of nonzero base elements (Montgomery's trick); `None` if any is zero.
pub fn batch_inv_base(values: &[u64]) -> Option<Vec<u64>> {
    let mut prefix = Vec::with_capacity(values.len());
    let mut acc = 1u64;
    for &v in values {
        if v == 0 {
            return None;
        }
        prefix.push(acc);
        acc = gl::mul(acc, v);
    }
    let mut inv = gl::inv(acc)?;
    let mut out = vec![0u64; values.len()];
    for i in (0..values.len()).rev() {
        out[i] = gl::mul(inv, prefix[i]);
        inv = gl::mul(inv, values[i]);
    }
    Some(out)
}

/// Parallel [`batch_inv_base`] over chunks (each chunk one inversion).
fn par_batch_inv_base(values: &[u64]) -> Vec<u64> {
    values
        .par_chunks(1 << 12)
        .flat_map_iter(|c| batch_inv_base(c).expect("no zero on the LDE coset"))
        .collect()
}

/// D[i] = 7·ω_{size}^i for i < size.
pub fn coset_points(size: usize) -> Vec<u64> {
    let omega = ntt::root_of_unity(size.trailing_zeros());
    const CHUNK: usize = 1 << 12;
    let mut out = vec![0u64; size];
    out.par_chunks_mut(CHUNK)
        .enumerate()
        .for_each(|(c, chunk)| {
            let mut x = gl::mul(GENERATOR, gl::pow(omega, (c * CHUNK) as u64));
            for v in chunk.iter_mut() {
                *v = x;
                x = gl::mul(x, omega);
            }
        });
    out
}

/// Each periodic column's polynomial (coefficients in y, degree < cycle).
pub fn periodic_polynomials<A: Air>(air: &A) -> Vec<Vec<u64>> {
    air.periodic_columns()
        .iter()
        .map(|c| ntt::intt(c).expect("periodic cycles are powers of two"))
        .collect()
}

/// Each periodic column on D, stored over one period of B·m values (index i mod B·m).
fn periodic_on_domain<A: Air>(air: &A, blowup: usize) -> Vec<Vec<u64>> {
    let n = air.trace_length();
    periodic_polynomials(air)
        .iter()
        .map(|poly| {
            let m = poly.len();
            let offset = gl::pow(GENERATOR, (n / m) as u64);
            ntt::evaluate_on_coset(poly, offset, blowup * m).expect("power-of-two sizes")
        })
        .collect()
}

/// Each periodic column at an E point: p(z^{N/m}).
pub fn periodic_values_at<A: Air>(air: &A, z: Ext3) -> Vec<Ext3> {
    let n = air.trace_length();
    periodic_polynomials(air)
        .iter()
        .map(|poly| eval_base_poly_at(poly, ext3::pow(z, (n / poly.len()) as u64)))
        .collect()
}

/// A polynomial with base coefficients at an E point (Horner).
pub fn eval_base_poly_at(coeffs: &[u64], x: Ext3) -> Ext3 {
    let mut acc = ext3::ZERO;
    for &c in coeffs.iter().rev() {
        acc = ext3::add(ext3::mul(acc, x), ext3::from_base(c));
    }
    acc
}

/// A polynomial with E coefficients at an E point (Horner).
pub fn eval_ext_poly_at(coeffs: &[Ext3], x: Ext3) -> Ext3 {
    let mut acc = ext3::ZERO;
    for &c in coeffs.iter().rev() {
        acc = ext3::add(ext3::mul(acc, x), c);
    }
    acc
}

/// C(D[i]) for every i from the trace LDE columns (`composition_on_domain`).
pub fn composition_on_domain<A: Air>(
    air: &A,
    trace_lde: &[Vec<u64>],
    blowup: usize,
    alphas: &[Ext3],
) -> Vec<Ext3> {
    composition_on_subdomain(air, trace_lde, blowup, alphas, 1)
}

/// C at D[i·stride] for i < B·N/stride: C on the sub-coset 7·⟨ω_{BN/stride}⟩ of D (`stride`
/// divides B). A polynomial of degree < K·N is determined by its values on any coset of
/// K'·N ≥ K·N points, so the prover needs only the stride B/K' (K' the power of two ≥ K):
/// the same C, B/K' times fewer evaluations.
pub fn composition_on_subdomain<A: Air>(
    air: &A,
    trace_lde: &[Vec<u64>],
    blowup: usize,
    alphas: &[Ext3],
    stride: usize,
) -> Vec<Ext3> {
    let n = air.trace_length();
    let size = n * blowup;
    assert!(
        stride >= 1 && blowup % stride == 0,
        "the stride divides the blowup"
    );
    let m = size / stride;
    let next_step = blowup / stride;
    let degrees = air.transition_degrees();
    let assertions = air.assertions();
    assert_eq!(alphas.len(), degrees.len() + assertions.len());
    // sub[i] = D[i·stride] = 7·ω_m^i
    let sub = coset_points(m);
    let omega_n = ntt::root_of_unity(n.trailing_zeros());
    let last_row_point = gl::pow(omega_n, (n - 1) as u64);
    // 1/(x^N − 1): x^N = 7^N·ω_B^j for D index j, so B values indexed by j mod B.
    let omega_b = ntt::root_of_unity(blowup.trailing_zeros());
    let g_n = gl::pow(GENERATOR, n as u64);
    let xn: Vec<u64> = (0..blowup)
        .map(|j| gl::sub(gl::mul(g_n, gl::pow(omega_b, j as u64)), 1))
        .collect();
    let inv_vanishing = batch_inv_base(&xn).expect("7^N is not an N-th root of unity");
    // distinct asserted rows, each with its 1/(x − ω_N^row) over the sub-coset
    let mut rows: Vec<usize> = assertions.iter().map(|a| a.row).collect();
    rows.sort_unstable();
    rows.dedup();
    let inv_boundary: Vec<Vec<u64>> = rows
        .iter()
        .map(|&r| {
            let point = gl::pow(omega_n, r as u64);
            let diffs: Vec<u64> = sub.par_iter().map(|&x| gl::sub(x, point)).collect();
            par_batch_inv_base(&diffs)
        })
        .collect();
    let row_slot: Vec<usize> = assertions
        .iter()
        .map(|a| rows.binary_search(&a.row).expect("listed"))
        .collect();
    let periodic = periodic_on_domain(air, blowup);
    let t_alphas = &alphas[..degrees.len()];
    let b_alphas = &alphas[degrees.len()..];
    let width = air.width();
    let num_t = degrees.len();
    const CHUNK: usize = 1 << 10;
    let mut out = vec![ext3::ZERO; m];
    out.par_chunks_mut(CHUNK)
        .enumerate()
        .for_each(|(c, chunk)| {
            let mut cur = vec![0u64; width];
            let mut nxt = vec![0u64; width];
            let mut per = vec![0u64; periodic.len()];
            let mut tv = vec![0u64; num_t];
            for (o, slot) in chunk.iter_mut().enumerate() {
                let i = c * CHUNK + o;
                let d = i * stride;
                let dn = ((i + next_step) % m) * stride;
                for col in 0..width {
                    cur[col] = trace_lde[col][d];
                    nxt[col] = trace_lde[col][dn];
                }
                for (p, vals) in per.iter_mut().zip(&periodic) {
                    *p = vals[d % vals.len()];
                }
                air.evaluate_transition(&cur, &nxt, &per, &mut tv);
                let mut t_acc = ext3::ZERO;
                for (alpha, &t) in t_alphas.iter().zip(&tv) {
                    t_acc = ext3::add(t_acc, ext3::mul_base(*alpha, t));
                }
                let inv_zt = gl::mul(gl::sub(sub[i], last_row_point), inv_vanishing[d % blowup]);
                let mut acc = ext3::mul_base(t_acc, inv_zt);
                for ((alpha, a), &s) in b_alphas.iter().zip(&assertions).zip(&row_slot) {
                    let q = gl::mul(gl::sub(cur[a.column], a.value), inv_boundary[s][i]);
                    acc = ext3::add(acc, ext3::mul_base(*alpha, q));
                }
                *slot = acc;
            }
        });
    out
}

/// The chunks H_0 … H_{K−1} (N coefficients each) of C given its values on D.
pub fn split_composition(
    values: &[Ext3],
    trace_length: usize,
    chunks: usize,
) -> Result<Vec<Vec<Ext3>>, CompositionError> {
    let coeffs = ntt::coset_intt(values, GENERATOR).map_err(|e| CompositionError(e.to_string()))?;
    let n = trace_length;
    if coeffs.len() < chunks * n {
        return Err(CompositionError(format!(
            "the blowup is too small for {chunks} composition chunks"
        )));
    }
    if coeffs[chunks * n..].iter().any(|c| *c != ext3::ZERO) {
        return Err(CompositionError(
            "the composition polynomial has degree ≥ K·N: the trace does not satisfy the AIR \
             or a declared transition degree is too small"
                .into(),
        ));
    }
    Ok((0..chunks)
        .map(|k| coeffs[k * n..(k + 1) * n].to_vec())
        .collect())
}

/// Each chunk evaluated on D (B·N values, natural order).
pub fn chunk_ldes(chunks: &[Vec<Ext3>], blowup: usize) -> Vec<Vec<Ext3>> {
    chunks
        .par_iter()
        .map(|c| ntt::evaluate_on_coset(c, GENERATOR, blowup * c.len()).expect("power of two"))
        .collect()
}

/// C(z) from the trace frame at z and z·ω_N (`composition_at`). `None` if a denominator is zero
/// (z in H or on an asserted row; the OOD draw excludes it).
pub fn composition_at<A: Air>(
    air: &A,
    z: Ext3,
    frame_z: &[Ext3],
    frame_zw: &[Ext3],
    alphas: &[Ext3],
) -> Option<Ext3> {
    let n = air.trace_length();
    let degrees = air.transition_degrees();
    let assertions = air.assertions();
    let omega_n = ntt::root_of_unity(n.trailing_zeros());
    let periodic = periodic_values_at(air, z);
    let mut tv = vec![ext3::ZERO; degrees.len()];
    air.evaluate_transition(frame_z, frame_zw, &periodic, &mut tv);
    let zn_minus_1 = ext3::sub(ext3::pow(z, n as u64), ext3::ONE);
    let inv_zt = ext3::mul(
        ext3::sub(z, ext3::from_base(gl::pow(omega_n, (n - 1) as u64))),
        ext3::inv(zn_minus_1)?,
    );
    let mut acc = ext3::ZERO;
    for (alpha, t) in alphas[..degrees.len()].iter().zip(&tv) {
        acc = ext3::add(acc, ext3::mul(*alpha, ext3::mul(*t, inv_zt)));
    }
    for (alpha, a) in alphas[degrees.len()..].iter().zip(&assertions) {
        let num = ext3::sub(frame_z[a.column], ext3::from_base(a.value));
        let den = ext3::sub(z, ext3::from_base(gl::pow(omega_n, a.row as u64)));
        acc = ext3::add(acc, ext3::mul(*alpha, ext3::mul(num, ext3::inv(den)?)));
    }
    Some(acc)
}

/// Σ_k z^{kN}·H_k(z).
pub fn chunks_at(chunk_values: &[Ext3], z: Ext3, trace_length: usize) -> Ext3 {
    let zn = ext3::pow(z, trace_length as u64);
    let mut acc = ext3::ZERO;
    let mut power = ext3::ONE;
    for &h in chunk_values {
        acc = ext3::add(acc, ext3::mul(power, h));
        power = ext3::mul(power, zn);
    }
    acc
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::air::{fib_trace, FibAir};

    #[test]
    fn fib_composition_is_low_degree_and_matches_at_a_point() {
        let n = 16;
        let t = fib_trace(n);
        let air = FibAir::new(n, &[t[1][n - 1]]).unwrap();
        let lde = ntt::lde_columns(&t, 4).unwrap();
        let alphas: Vec<Ext3> = (0..5).map(|i| [i + 3, 2 * i + 1, 7]).collect();
        let c = composition_on_domain(&air, &lde, 4, &alphas);
        let chunks = split_composition(&c, n, 1).unwrap();
        // C at a random E point equals the chunk sum computed from the trace polynomials
        let z: Ext3 = [5, 11, 13];
        let omega = ntt::root_of_unity(n.trailing_zeros());
        let polys: Vec<Vec<u64>> = t.iter().map(|c| ntt::intt(c).unwrap()).collect();
        let fz: Vec<Ext3> = polys.iter().map(|p| eval_base_poly_at(p, z)).collect();
        let zw = ext3::mul_base(z, omega);
        let fzw: Vec<Ext3> = polys.iter().map(|p| eval_base_poly_at(p, zw)).collect();
        let hz: Vec<Ext3> = chunks.iter().map(|h| eval_ext_poly_at(h, z)).collect();
        assert_eq!(
            composition_at(&air, z, &fz, &fzw, &alphas).unwrap(),
            chunks_at(&hz, z, n)
        );
        // the sub-coset gives the same chunks
        let sub = composition_on_subdomain(&air, &lde, 4, &alphas, 4);
        assert_eq!(split_composition(&sub, n, 1).unwrap(), chunks);
        let sub2 = composition_on_subdomain(&air, &lde, 4, &alphas, 2);
        assert_eq!(split_composition(&sub2, n, 1).unwrap(), chunks);
        // a wrong trace breaks the degree bound
        let mut bad = t.clone();
        bad[0][5] = gl::add(bad[0][5], 1);
        let lde_bad = ntt::lde_columns(&bad, 4).unwrap();
        let c_bad = composition_on_domain(&air, &lde_bad, 4, &alphas);
        assert!(split_composition(&c_bad, n, 1).is_err());
    }
}
