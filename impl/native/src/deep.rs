//! The DEEP composition (mirrors `spec/stark/deep.py`; contract §Protocol step 4).
//!
//! DEEP(x) = Σ_i γ_i (t_i(x) − t_i(z))/(x − z) + Σ_i γ'_i (t_i(x) − t_i(zω))/(x − zω)
//!         + Σ_k γ''_k (H_k(x) − H_k(z))/(x − z),
//! with the coefficients drawn in the order trace at z (W), trace at zω (W), chunks at z (K). The
//! terms sharing a denominator are summed first (exact field arithmetic: same value). The verifier
//! recomputes DEEP(D[i]) from the opened rows with [`deep_value`], the prover's own function.

use rayon::prelude::*;

use crate::ext3::{self, Ext3};

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

/// DEEP(x) from the trace row (base) and chunk row (E) at x and 1/(x − z), 1/(x − zω).
pub fn deep_value(
    trace_row: &[u64],
    chunk_row: &[Ext3],
    inv_x_minus_z: Ext3,
    inv_x_minus_zw: Ext3,
    ood: &OodFrame,
    gammas: &DeepCoefficients,
) -> Ext3 {
    let mut at_z = ext3::ZERO;
    let mut at_zw = ext3::ZERO;
    for (i, &t) in trace_row.iter().enumerate() {
        let tx = ext3::from_base(t);
        at_z = ext3::add(
            at_z,
            ext3::mul(gammas.trace_z[i], ext3::sub(tx, ood.trace_z[i])),
        );
        at_zw = ext3::add(
            at_zw,
            ext3::mul(gammas.trace_zw[i], ext3::sub(tx, ood.trace_zw[i])),
        );
    }
    for (k, &h) in chunk_row.iter().enumerate() {
        at_z = ext3::add(
            at_z,
            ext3::mul(gammas.chunks_z[k], ext3::sub(h, ood.chunks_z[k])),
        );
    }
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

/// DEEP(D[i]) for every i (the FRI input), with batched inversions.
pub fn deep_on_domain(
    domain: &[u64],
    trace_lde: &[Vec<u64>],
    chunk_lde: &[Vec<Ext3>],
    z: Ext3,
    zw: Ext3,
    ood: &OodFrame,
    gammas: &DeepCoefficients,
) -> Vec<Ext3> {
    let dz: Vec<Ext3> = domain
        .par_iter()
        .map(|&x| ext3::sub(ext3::from_base(x), z))
        .collect();
    let dzw: Vec<Ext3> = domain
        .par_iter()
        .map(|&x| ext3::sub(ext3::from_base(x), zw))
        .collect();
    let inv_z = par_batch_inv(&dz);
    let inv_zw = par_batch_inv(&dzw);
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
                deep_value(tr, ch, inv_z[i], inv_zw[i], ood, gammas)
            },
        )
        .collect()
}
