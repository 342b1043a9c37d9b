//! FRI on the DEEP codeword (mirrors `spec/stark/fri.py`; contract §Protocol steps 5 and 7).
//!
//! Layer ℓ: n_ℓ E values on o_ℓ·⟨ω_{n_ℓ}⟩ (n_0 = B·N, o_0 = 7). While n_ℓ > remainder_max: commit
//! n_ℓ/f rows, row k = the values at k + j·n_ℓ/f (j < f, the points s·ω_f^j with s = o_ℓ·ω_{n_ℓ}^k);
//! absorb the root; draw β; the next layer's value at k is the polynomial of degree < f through
//! the row, evaluated at β. The last layer is sent as its first n_last/B coefficients.
//!
//! Folding a row: with q the interpolant of the row on ⟨ω_f⟩ (an inverse DFT of size f), the
//! interpolant on s·⟨ω_f⟩ is P(y) = q(y/s), so the folded value is q(β·s⁻¹) — the spec's value
//! (it interpolates on the coset and evaluates at β; interpolation is unique).

use rayon::prelude::*;

use crate::ext3::{self, Ext3};
use crate::goldilocks as gl;
use crate::hash::{Digest, Hasher};
use crate::merkle::{self, MerkleTree};
use crate::ntt::{self, GENERATOR};
use crate::transcript::Transcript;

/// The shape of FRI for a codeword of n_0 values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FriLayout {
    /// n_ℓ for every committed layer.
    pub sizes: Vec<usize>,
    /// o_ℓ for every committed layer.
    pub offsets: Vec<u64>,
    /// f_ℓ for every committed layer.
    pub arities: Vec<usize>,
    /// n_last.
    pub last_size: usize,
    /// o_last.
    pub last_offset: u64,
    /// n_last / B.
    pub remainder_length: usize,
    /// B.
    pub blowup: usize,
}

impl FriLayout {
    /// The number of committed layers.
    pub fn num_layers(&self) -> usize {
        self.sizes.len()
    }
    /// n_ℓ / f_ℓ, the rows of layer ℓ.
    pub fn row_count(&self, layer: usize) -> usize {
        self.sizes[layer] / self.arities[layer]
    }
}

/// The layers for n_0 = `domain_size` (`fri_layout`): the last arity repeats; each fold must
/// leave at least B values. Arities are powers of two ≥ 2.
pub fn fri_layout(
    domain_size: usize,
    blowup: usize,
    arities: &[usize],
    remainder_max: usize,
) -> Result<FriLayout, String> {
    if arities.is_empty() {
        return Err("at least one folding arity is needed".into());
    }
    for &f in arities {
        if f < 2 || !f.is_power_of_two() {
            return Err(format!(
                "a folding arity must be a power of two ≥ 2, got {f}"
            ));
        }
    }
    let (mut sizes, mut offsets, mut used) = (Vec::new(), Vec::new(), Vec::new());
    let (mut n, mut offset) = (domain_size, GENERATOR);
    while n > remainder_max {
        let f = arities[sizes.len().min(arities.len() - 1)];
        if n / f < blowup {
            return Err(format!(
                "folding {n} values by {f} leaves fewer than the blowup {blowup}: \
                 the trace is too short for these FRI parameters"
            ));
        }
        sizes.push(n);
        offsets.push(offset);
        used.push(f);
        n /= f;
        offset = gl::pow(offset, f as u64);
    }
    Ok(FriLayout {
        sizes,
        offsets,
        arities: used,
        last_size: n,
        last_offset: offset,
        remainder_length: n / blowup,
        blowup,
    })
}

/// Precomputed inverse DFT of one arity: folds rows of f values.
pub struct Folder {
    f: usize,
    /// ω_f^{−k} for k < f/2.
    inv_twiddles: Vec<u64>,
    /// 1/f.
    f_inv: u64,
}

impl Folder {
    /// The folder of arity f (a power of two ≥ 2).
    pub fn new(f: usize) -> Folder {
        let w_inv = gl::inv(ntt::root_of_unity(f.trailing_zeros())).expect("nonzero");
        Folder {
            f,
            inv_twiddles: ntt::powers(w_inv, f / 2),
            f_inv: gl::inv(f as u64).expect("f < p"),
        }
    }

    /// f·q: the row's interpolant on ⟨ω_f⟩ (coefficients, times f), in place.
    fn scaled_interpolant(&self, a: &mut [Ext3]) {
        let f = self.f;
        ntt::bit_reverse_permute(a);
        let mut len = 2;
        while len <= f {
            let half = len / 2;
            let step = f / len;
            for start in (0..f).step_by(len) {
                for k in 0..half {
                    let u = a[start + k];
                    let v = ext3::mul_base(a[start + k + half], self.inv_twiddles[k * step]);
                    a[start + k] = ext3::add(u, v);
                    a[start + k + half] = ext3::sub(u, v);
                }
            }
            len *= 2;
        }
    }

    /// The polynomial of degree < f with row[j] at s·ω_f^j, at β, given s⁻¹.
    pub fn fold(&self, row: &[Ext3], s_inv: u64, beta: Ext3, buf: &mut Vec<Ext3>) -> Ext3 {
        buf.clear();
        buf.extend_from_slice(row);
        self.scaled_interpolant(buf);
        let y = ext3::mul_base(beta, s_inv);
        let mut acc = ext3::ZERO;
        for &c in buf.iter().rev() {
            acc = ext3::add(ext3::mul(acc, y), c);
        }
        ext3::mul_base(acc, self.f_inv)
    }
}

/// s = o_ℓ·ω_{n_ℓ}^k.
pub fn row_point(layer_size: usize, layer_offset: u64, k: usize) -> u64 {
    gl::mul(
        layer_offset,
        gl::pow(ntt::root_of_unity(layer_size.trailing_zeros()), k as u64),
    )
}

/// The next layer: every row folded at β.
pub fn fold_layer(values: &[Ext3], offset: u64, arity: usize, beta: Ext3) -> Vec<Ext3> {
    let n = values.len();
    let rows = n / arity;
    let folder = Folder::new(arity);
    // s_k⁻¹ = o⁻¹·ω_n^{−k}
    let w_inv = gl::inv(ntt::root_of_unity(n.trailing_zeros())).expect("nonzero");
    let o_inv = gl::inv(offset).expect("offsets are powers of 7");
    const CHUNK: usize = 1 << 10;
    let mut out = vec![ext3::ZERO; rows];
    out.par_chunks_mut(CHUNK)
        .enumerate()
        .for_each(|(c, chunk)| {
            let mut s_inv = gl::mul(o_inv, gl::pow(w_inv, (c * CHUNK) as u64));
            let mut row = vec![ext3::ZERO; arity];
            let mut buf = Vec::with_capacity(arity);
            for (o, slot) in chunk.iter_mut().enumerate() {
                let k = c * CHUNK + o;
                for (j, r) in row.iter_mut().enumerate() {
                    *r = values[k + j * rows];
                }
                *slot = folder.fold(&row, s_inv, beta, &mut buf);
                s_inv = gl::mul(s_inv, w_inv);
            }
        });
    out
}

/// The first n_last/B coefficients of the last layer (the rest must be zero).
pub fn remainder_coefficients(
    values: &[Ext3],
    offset: u64,
    blowup: usize,
) -> Result<Vec<Ext3>, String> {
    let coeffs = ntt::coset_intt(values, offset).map_err(|e| e.to_string())?;
    let keep = values.len() / blowup;
    if coeffs[keep..].iter().any(|c| *c != ext3::ZERO) {
        return Err("the FRI remainder is not of degree < n_last / B".into());
    }
    Ok(coeffs[..keep].to_vec())
}

/// 24 bytes per E value (a0, a1, a2, 8 bytes LE each).
pub fn encode_ext_values(values: &[Ext3]) -> Vec<u8> {
    let mut out = Vec::with_capacity(24 * values.len());
    for v in values {
        for c in v {
            out.extend_from_slice(&c.to_le_bytes());
        }
    }
    out
}

/// What the FRI prover keeps.
pub struct FriCommitment {
    pub layout: FriLayout,
    pub layers: Vec<Vec<Ext3>>,
    pub trees: Vec<MerkleTree>,
    pub remainder: Vec<Ext3>,
}

/// The Merkle tree of a layer's rows (each row's f values flattened to 3f coordinates).
pub fn commit_rows(hasher: Hasher, values: &[Ext3], arity: usize) -> MerkleTree {
    let rows = values.len() / arity;
    MerkleTree::from_row_fn(hasher, rows, |k, buf| {
        for j in 0..arity {
            buf.extend_from_slice(&values[k + j * rows]);
        }
    })
    .expect("row counts are powers of two")
}

/// Commit phase: per layer commit, absorb the root, draw β, fold; then absorb the remainder.
pub fn fri_prove(
    transcript: &mut Transcript,
    hasher: Hasher,
    codeword: Vec<Ext3>,
    layout: &FriLayout,
) -> Result<FriCommitment, String> {
    let mut values = codeword;
    let mut layers = Vec::new();
    let mut trees = Vec::new();
    for layer in 0..layout.num_layers() {
        let arity = layout.arities[layer];
        let tree = commit_rows(hasher, &values, arity);
        transcript.absorb(&tree.root());
        let beta = transcript.draw_ext();
        let next = fold_layer(&values, layout.offsets[layer], arity, beta);
        layers.push(values);
        trees.push(tree);
        values = next;
    }
    let remainder = remainder_coefficients(&values, layout.last_offset, layout.blowup)?;
    transcript.absorb(&encode_ext_values(&remainder));
    Ok(FriCommitment {
        layout: layout.clone(),
        layers,
        trees,
        remainder,
    })
}

/// One layer's part of a query: the row and its Merkle opening.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FriLayerOpening {
    pub row: Vec<Ext3>,
    pub path: Vec<Digest>,
}

/// Query phase: every layer's opened row for the query at `index`.
pub fn fri_open(c: &FriCommitment, index: usize) -> Vec<FriLayerOpening> {
    let mut i = index;
    (0..c.layout.num_layers())
        .map(|layer| {
            let rows = c.layout.row_count(layer);
            let k = i % rows;
            let values = &c.layers[layer];
            let row = (0..c.layout.arities[layer])
                .map(|j| values[k + j * rows])
                .collect();
            let path = c.trees[layer].open(k).expect("k < rows");
            i = k;
            FriLayerOpening { row, path }
        })
        .collect()
}

/// Flatten E values into base coordinates.
pub fn flatten(values: &[Ext3]) -> Vec<u64> {
    values.iter().flat_map(|v| v.iter().copied()).collect()
}

/// Check one query whose layer-0 value at `index` is `value`; `Err(reason)` on the first failure.
#[allow(clippy::too_many_arguments)]
pub fn fri_verify_query(
    hasher: Hasher,
    layout: &FriLayout,
    roots: &[Digest],
    betas: &[Ext3],
    remainder: &[Ext3],
    index: usize,
    mut value: Ext3,
    openings: &[FriLayerOpening],
) -> Result<(), String> {
    if openings.len() != layout.num_layers()
        || remainder.len() != layout.remainder_length
        || roots.len() != layout.num_layers()
        || betas.len() != layout.num_layers()
    {
        return Err("FRI opening has the wrong number of layers or remainder coefficients".into());
    }
    let mut i = index;
    let mut buf = Vec::new();
    for (layer, opening) in openings.iter().enumerate() {
        let rows = layout.row_count(layer);
        let (k, j) = (i % rows, i / rows);
        let arity = layout.arities[layer];
        if opening.row.len() != arity {
            return Err(format!(
                "FRI layer {layer}: the row has {} values, not {arity}",
                opening.row.len()
            ));
        }
        if opening.path.len() != rows.trailing_zeros() as usize
            || !opening.path.iter().all(|d| hasher.is_valid_digest(d))
            || !merkle::verify_row(
                hasher,
                &roots[layer],
                k as u64,
                &flatten(&opening.row),
                &opening.path,
            )
        {
            return Err(format!(
                "FRI layer {layer}: Merkle opening of row {k} fails"
            ));
        }
        if opening.row[j] != value {
            return Err(format!(
                "FRI layer {layer}: value at position {i} does not match the previous fold"
            ));
        }
        let s = row_point(layout.sizes[layer], layout.offsets[layer], k);
        let s_inv = gl::inv(s).expect("row points are nonzero");
        value = Folder::new(arity).fold(&opening.row, s_inv, betas[layer], &mut buf);
        i = k;
    }
    let x = ext3::from_base(row_point(layout.last_size, layout.last_offset, i));
    let mut acc = ext3::ZERO;
    for &c in remainder.iter().rev() {
        acc = ext3::add(ext3::mul(acc, x), c);
    }
    if acc != value {
        return Err("FRI: the last folded value disagrees with the remainder polynomial".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_matches_coset_interpolation() {
        let row: Vec<Ext3> = (0..8u64).map(|i| [i * 7 + 1, i * i, 3]).collect();
        let s = gl::pow(GENERATOR, 5);
        let beta: Ext3 = [9, 8, 7];
        let coeffs = ntt::coset_intt(&row, s).unwrap();
        let mut expect = ext3::ZERO;
        for &c in coeffs.iter().rev() {
            expect = ext3::add(ext3::mul(expect, beta), c);
        }
        let got = Folder::new(8).fold(&row, gl::inv(s).unwrap(), beta, &mut Vec::new());
        assert_eq!(got, expect);
    }

    #[test]
    fn low_degree_codeword_folds_to_a_short_remainder() {
        // a degree < 16 polynomial on 7·⟨ω_128⟩, B = 8
        let coeffs: Vec<Ext3> = (0..16u64).map(|i| [i + 1, 2 * i, 5]).collect();
        let code = ntt::evaluate_on_coset(&coeffs, GENERATOR, 128).unwrap();
        let layout = fri_layout(128, 8, &[4], 16).unwrap();
        let mut t = Transcript::new(Hasher::Blake3);
        let c = fri_prove(&mut t, Hasher::Blake3, code.clone(), &layout).unwrap();
        assert_eq!(c.remainder.len(), layout.remainder_length);
        let roots: Vec<Digest> = c.trees.iter().map(|t| t.root()).collect();
        // replay the betas
        let mut t2 = Transcript::new(Hasher::Blake3);
        let betas: Vec<Ext3> = roots
            .iter()
            .map(|r| {
                t2.absorb(r);
                t2.draw_ext()
            })
            .collect();
        for i in [0usize, 5, 77, 127] {
            let op = fri_open(&c, i);
            fri_verify_query(
                Hasher::Blake3,
                &layout,
                &roots,
                &betas,
                &c.remainder,
                i,
                code[i],
                &op,
            )
            .unwrap();
            let bad = ext3::add(code[i], ext3::ONE);
            assert!(fri_verify_query(
                Hasher::Blake3,
                &layout,
                &roots,
                &betas,
                &c.remainder,
                i,
                bad,
                &op
            )
            .is_err());
        }
    }
}
