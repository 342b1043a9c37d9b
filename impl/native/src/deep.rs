//! The DEEP composition (mirrors `spec/stark/deep.py`; contract §Protocol step 4).
//!
//! DEEP(x) = Σ_i γ_i (t_i(x) − t_i(z))/(x − z) + Σ_i γ'_i (t_i(x) − t_i(zω))/(x − zω)
//!         + Σ_k γ''_k (H_k(x) − H_k(z))/(x − z),
//! with the coefficients drawn in the order trace at z (W), trace at zω (W), chunks at z (K). The
//! terms sharing a denominator are summed first (exact field arithmetic: same value). The verifier
//! recomputes DEEP(D[i]) from the opened rows with [`deep_value`], the prover's own function.

use rayon::prelude::*;

use crate::ext3::{self, Ext3};
use crate::goldilocks as gl;

/// The sent out-of-domain values, in sending order.
#[derive(Debug, Clone)]
pub struct OodFrame {
    /// t_i(z) (W).
    pub trace_z: Vec<Ext3>,
    /// t_i(z·ω_N) (W).
    pub trace_zw: Vec<Ext3>,
    /// H_k(z) (K).
    pub chunks_z: Vec<Ext3>,
}

impl OodFrame {
    /// All 2W + K values in sending order.
    pub fn values(&self) -> Vec<Ext3> {
        let mut v = self.trace_z.clone();
        v.extend_from_slice(&self.trace_zw);
        v.extend_from_slice(&self.chunks_z);
        v
    }
}

/// γ (W), γ' (W), γ'' (K).
#[derive(Debug, Clone)]
pub struct DeepCoefficients {
    pub trace_z: Vec<Ext3>,
    pub trace_zw: Vec<Ext3>,
    pub chunks_z: Vec<Ext3>,
}

impl DeepCoefficients {
    /// Split 2W + K draws in the contract's order.
    pub fn from_draws(draws: &[Ext3], width: usize) -> DeepCoefficients {
        DeepCoefficients {
            trace_z: draws[..width].to_vec(),
            trace_zw: draws[width..2 * width].to_vec(),
            chunks_z: draws[2 * width..].to_vec(),
        }
    }
}

/// The constant parts of the numerators: (Σ γ_i t_i(z) + Σ γ''_k H_k(z), Σ γ'_i t_i(zω)).
pub fn deep_constants(ood: &OodFrame, gammas: &DeepCoefficients) -> (Ext3, Ext3) {
    let dot = |g: &[Ext3], v: &[Ext3]| {
        g.iter()
            .zip(v)
            .fold(ext3::ZERO, |acc, (a, b)| ext3::add(acc, ext3::mul(*a, *b)))
    };
    (
        ext3::add(
            dot(&gammas.trace_z, &ood.trace_z),
            dot(&gammas.chunks_z, &ood.chunks_z),
        ),
        dot(&gammas.trace_zw, &ood.trace_zw),
    )
}

/// The numerators at x: (Σ γ_i (t_i(x) − t_i(z)) + Σ γ''_k (H_k(x) − H_k(z)),
/// Σ γ'_i (t_i(x) − t_i(zω))), computed as Σ γ·value(x) − constant (trace values are base
/// elements, so those products are E × F).
pub fn deep_numerators(
    trace_row: &[u64],
    chunk_row: &[Ext3],
    gammas: &DeepCoefficients,
    constants: (Ext3, Ext3),
) -> (Ext3, Ext3) {
    let mut at_z = ext3::ZERO;
    let mut at_zw = ext3::ZERO;
    for ((&t, g), g2) in trace_row.iter().zip(&gammas.trace_z).zip(&gammas.trace_zw) {
        at_z = ext3::add(at_z, ext3::mul_base(*g, t));
        at_zw = ext3::add(at_zw, ext3::mul_base(*g2, t));
    }
    for (&h, g) in chunk_row.iter().zip(&gammas.chunks_z) {
        at_z = ext3::add(at_z, ext3::mul(*g, h));
    }
    (ext3::sub(at_z, constants.0), ext3::sub(at_zw, constants.1))
}

/// DEEP(x) from the trace row (base) and chunk row (E) at x and 1/(x − z), 1/(x − zω) (the
/// verifier's per-query value; the same field element as the contract's term-by-term sum).
pub fn deep_value(
    trace_row: &[u64],
    chunk_row: &[Ext3],
    inv_x_minus_z: Ext3,
    inv_x_minus_zw: Ext3,
    ood: &OodFrame,
    gammas: &DeepCoefficients,
) -> Ext3 {
    let (at_z, at_zw) = deep_numerators(trace_row, chunk_row, gammas, deep_constants(ood, gammas));
    ext3::add(
        ext3::mul(at_z, inv_x_minus_z),
        ext3::mul(at_zw, inv_x_minus_zw),
    )
}

fn par_batch_inv(values: &[Ext3]) -> Vec<Ext3> {
    values
        .par_chunks(1 << 12)
        .flat_map_iter(|c| ext3::batch_inv(c).expect("z and zω are not in D"))
        .collect()
}

/// DEEP(D[i]) for every i (the FRI input): with π(x) = (x − z)(x − zω) = x² − x(z + zω) + z·zω
/// (cheap for base x), DEEP(x) = (A(x)·(x − zω) + B(x)·(x − z)) / π(x) for the numerators A
/// (over x − z) and B (over x − zω); one batch inversion of π over D.
pub fn deep_on_domain(
    domain: &[u64],
    trace_lde: &[Vec<u64>],
    chunk_lde: &[Vec<Ext3>],
    z: Ext3,
    zw: Ext3,
    ood: &OodFrame,
    gammas: &DeepCoefficients,
) -> Vec<Ext3> {
    let sum = ext3::add(z, zw);
    let prod = ext3::mul(z, zw);
    let products: Vec<Ext3> = domain
        .par_iter()
        .map(|&x| {
            let x2 = ext3::from_base(gl::mul(x, x));
            ext3::add(ext3::sub(x2, ext3::mul_base(sum, x)), prod)
        })
        .collect();
    let inv_products = par_batch_inv(&products);
    drop(products);
    let constants = deep_constants(ood, gammas);
    let w = trace_lde.len();
    let k = chunk_lde.len();
    (0..domain.len())
        .into_par_iter()
        .map_init(
            || (vec![0u64; w], vec![ext3::ZERO; k]),
            |(tr, ch), i| {
                for (c, col) in trace_lde.iter().enumerate() {
                    tr[c] = col[i];
                }
                for (c, col) in chunk_lde.iter().enumerate() {
                    ch[c] = col[i];
                }
                let (a, b) = deep_numerators(tr, ch, gammas, constants);
                let x = domain[i];
                let num_a = ext3::sub(ext3::mul_base(a, x), ext3::mul(a, zw));
                let num_b = ext3::sub(ext3::mul_base(b, x), ext3::mul(b, z));
                ext3::mul(ext3::add(num_a, num_b), inv_products[i])
            },
        )
        .collect()
}
