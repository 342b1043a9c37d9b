//! The native verifier (mirrors `spec/stark/verifier.py::verify_strict`; contract §Protocol,
//! the verifier's side). Every failure is a typed [`VerifyError`]: `Format` for bytes that are
//! not a well-formed proof (the spec's `ProofFormatError`), `Air` for a header the AIR cannot be
//! built from (`AirError`), `Rejected` for a well-formed proof that fails a check
//! (`ProofRejected`). Lengths are validated before use, so no input makes it panic.

use crate::air::{Air, NativeAir};
use crate::composition::{chunks_at, composition_at};
use crate::deep::{deep_value, DeepCoefficients, OodFrame};
use crate::ext3::{self, Ext3};
use crate::fri::{encode_ext_values, fri_verify_query};
use crate::goldilocks as gl;
use crate::hash::{Digest, Hasher};
use crate::merkle;
use crate::ntt::{self, GENERATOR};
use crate::proof::{
    absorb_header, check_verifier_params, decode_header, decode_proof, proof_layout, ProofHeader,
};
use crate::prover::draw_ood_point;
use crate::transcript::Transcript;

/// Why a proof is not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifyError {
    Format(String),
    Air(String),
    Rejected(String),
}

impl VerifyError {
    /// The spec's exception class name for this failure.
    pub fn kind(&self) -> &'static str {
        match self {
            VerifyError::Format(_) => "ProofFormatError",
            VerifyError::Air(_) => "AirError",
            VerifyError::Rejected(_) => "ProofRejected",
        }
    }
    /// The reason.
    pub fn message(&self) -> &str {
        match self {
            VerifyError::Format(m) | VerifyError::Air(m) | VerifyError::Rejected(m) => m,
        }
    }
}

/// `spec/stark/merkle.py::verify`: an opening with a digest the hasher cannot produce (for
/// poseidon, a limb ≥ p) does not open, whatever it hashes to (so that no proof has two byte
/// forms).
pub fn opens(hasher: Hasher, root: &Digest, index: u64, row: &[u64], path: &[Digest]) -> bool {
    path.iter().all(|d| hasher.is_valid_digest(d))
        && merkle::verify_row(hasher, root, index, row, path)
}

fn rejected<T>(msg: impl Into<String>) -> Result<T, VerifyError> {
    Err(VerifyError::Rejected(msg.into()))
}

/// Check `proof_bytes` as a proof for the AIR family `air_id`; the header if valid.
pub fn verify(
    air_id: &str,
    proof_bytes: &[u8],
    allow_insecure: bool,
    public_inputs: Option<&[u64]>,
) -> Result<ProofHeader, VerifyError> {
    let header = decode_header(proof_bytes).map_err(|e| VerifyError::Format(e.0))?;
    if header.air_id != air_id {
        return Err(VerifyError::Format(format!(
            "the proof is for AIR {:?}, the verifier expects {air_id:?}",
            header.air_id
        )));
    }
    if let Some(pi) = public_inputs {
        if pi != header.public_inputs.as_slice() {
            return rejected("the proof's public inputs are not the stated ones");
        }
    }
    let statement = NativeAir::build(air_id, header.trace_length as usize, &header.public_inputs)
        .map_err(|e| VerifyError::Air(e.0))?;
    match &statement {
        NativeAir::Fib(a) => verify_with(a, &header, proof_bytes, allow_insecure),
        NativeAir::PoseidonChain(a) => {
            verify_with(a.as_ref(), &header, proof_bytes, allow_insecure)
        }
    }?;
    Ok(header)
}

fn verify_with<A: Air>(
    air: &A,
    header: &ProofHeader,
    proof_bytes: &[u8],
    allow_insecure: bool,
) -> Result<(), VerifyError> {
    let params = &header.params;
    if let Some(refusal) = check_verifier_params(params, air.max_degree(), allow_insecure) {
        return rejected(format!("parameters refused: {refusal}"));
    }
    let width = air.width();
    let proof = decode_proof(proof_bytes, width).map_err(|e| VerifyError::Format(e.0))?;
    let n = air.trace_length();
    let k = air.num_chunks();
    if proof.num_chunks as usize != k {
        return Err(VerifyError::Format(format!(
            "{} composition chunks, the AIR needs {k}",
            proof.num_chunks
        )));
    }
    let hasher = params.hasher;
    let roots_ok = [&proof.trace_root, &proof.chunk_root]
        .into_iter()
        .chain(proof.fri_roots.iter())
        .all(|r| hasher.is_valid_digest(r));
    if !roots_ok {
        return Err(VerifyError::Format(
            "a commitment root is not a valid digest".into(),
        ));
    }
    let size = n * params.blowup();
    let layout = proof_layout(params, n).map_err(VerifyError::Format)?;

    // replay the transcript
    let mut t = Transcript::new(hasher);
    absorb_header(&mut t, header);
    t.absorb(&proof.trace_root);
    let alphas: Vec<Ext3> = (0..air.num_constraints()).map(|_| t.draw_ext()).collect();
    t.absorb(&proof.chunk_root);
    let z = draw_ood_point(&mut t, n, size);
    let zw = ext3::mul_base(z, ntt::root_of_unity(n.trailing_zeros()));
    let ood = OodFrame {
        trace_z: proof.ood_values[..width].to_vec(),
        trace_zw: proof.ood_values[width..2 * width].to_vec(),
        chunks_z: proof.ood_values[2 * width..].to_vec(),
    };
    t.absorb(&encode_ext_values(&proof.ood_values));

    // the out-of-domain check
    let Some(expected) = composition_at(air, z, &ood.trace_z, &ood.trace_zw, &alphas) else {
        return rejected("out-of-domain point on a divisor's root");
    };
    if expected != chunks_at(&ood.chunks_z, z, n) {
        return rejected("out-of-domain check fails: C(z) != Σ z^(kN)·H_k(z)");
    }

    // DEEP coefficients, FRI challenges, remainder, grinding, query indices
    let draws: Vec<Ext3> = (0..2 * width + k).map(|_| t.draw_ext()).collect();
    let gammas = DeepCoefficients::from_draws(&draws, width);
    let betas: Vec<Ext3> = proof
        .fri_roots
        .iter()
        .map(|r| {
            t.absorb(r);
            t.draw_ext()
        })
        .collect();
    t.absorb(&encode_ext_values(&proof.remainder));
    if !t.verify_grinding(proof.nonce, u32::from(params.grinding_bits)) {
        return rejected(format!(
            "the nonce does not meet {} bits of work",
            params.grinding_bits
        ));
    }
    for q in &proof.queries {
        let expected = t.draw_index(size as u64).expect("power of two");
        if q.index != expected {
            return rejected("the query indices are not the ones the transcript draws");
        }
    }

    // the queries
    let omega = ntt::root_of_unity(size.trailing_zeros());
    for (number, q) in proof.queries.iter().enumerate() {
        if !opens(
            hasher,
            &proof.trace_root,
            q.index,
            &q.trace_row,
            &q.trace_path,
        ) {
            return rejected(format!("query {number}: the trace row does not open"));
        }
        if !opens(
            hasher,
            &proof.chunk_root,
            q.index,
            &q.chunk_row,
            &q.chunk_path,
        ) {
            return rejected(format!("query {number}: the chunk row does not open"));
        }
        let x = ext3::from_base(gl::mul(GENERATOR, gl::pow(omega, q.index)));
        let (Some(iz), Some(izw)) = (ext3::inv(ext3::sub(x, z)), ext3::inv(ext3::sub(x, zw)))
        else {
            return rejected(format!("query {number}: z or zω on the domain"));
        };
        let chunk_row: Vec<Ext3> = q
            .chunk_row
            .chunks_exact(3)
            .map(|c| [c[0], c[1], c[2]])
            .collect();
        let value = deep_value(&q.trace_row, &chunk_row, iz, izw, &ood, &gammas);
        fri_verify_query(
            hasher,
            &layout,
            &proof.fri_roots,
            &betas,
            &proof.remainder,
            q.index as usize,
            value,
            &q.fri,
        )
        .map_err(|r| VerifyError::Rejected(format!("query {number}: {r}")))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::air::{chain_trace, fib_trace, FibAir, PoseidonChainAir};
    use crate::proof::ProofParams;
    use crate::prover::prove;

    fn test_params(hasher: Hasher) -> ProofParams {
        ProofParams {
            log_blowup: 3,
            num_queries: 8,
            grinding_bits: 2,
            hasher,
            remainder_max_size: 16,
            folding_log_arities: vec![2],
        }
    }

    #[test]
    fn fib_round_trip_and_tampering() {
        let n = 64;
        let t = fib_trace(n);
        let air = FibAir::new(n, &[t[1][n - 1]]).unwrap();
        for h in [Hasher::Blake3, Hasher::Poseidon] {
            let p = prove(&air, &t, &test_params(h)).unwrap();
            assert!(verify("fib-small", &p, true, None).is_ok());
            assert!(matches!(
                verify("fib-small", &p, false, None),
                Err(VerifyError::Rejected(_))
            ));
            assert!(matches!(
                verify("poseidon-chain", &p, true, None),
                Err(VerifyError::Format(_))
            ));
            for pos in (0..p.len()).step_by(37) {
                let mut bad = p.clone();
                bad[pos] ^= 1;
                assert!(
                    verify("fib-small", &bad, true, None).is_err(),
                    "flip at {pos}"
                );
            }
            for cut in [0, 1, 10, p.len() / 2, p.len() - 1] {
                assert!(verify("fib-small", &p[..cut], true, None).is_err());
            }
            let mut long = p.clone();
            long.push(0);
            assert!(matches!(
                verify("fib-small", &long, true, None),
                Err(VerifyError::Format(_))
            ));
        }
    }

    #[test]
    fn non_canonical_path_digests_do_not_open() {
        // a poseidon digest limb w < 2^32 − 1 has a second 8-byte form w + p; the node it hashes
        // to is the same (poseidon reduces its inputs), so only the validity check refuses it
        let rows: Vec<Vec<u64>> = (0..4u64).map(|i| vec![i, 2 * i]).collect();
        let tree = merkle::MerkleTree::from_rows(Hasher::Poseidon, &rows).unwrap();
        let mut path = tree.open(1).unwrap();
        assert!(opens(Hasher::Poseidon, &tree.root(), 1, &rows[1], &path));
        // make limb 0 of the first sibling small by choosing a sibling we control: a leaf
        // [5] hashes to the digest (5, 0, 0, 0) (rows of ≤ 4 elements are their own digest)
        let small: Vec<Vec<u64>> = vec![vec![5], vec![6], vec![7], vec![8]];
        let t2 = merkle::MerkleTree::from_rows(Hasher::Poseidon, &small).unwrap();
        let mut p2 = t2.open(1).unwrap();
        assert!(opens(Hasher::Poseidon, &t2.root(), 1, &[6], &p2));
        let limb = u64::from_le_bytes(p2[0][..8].try_into().unwrap());
        assert_eq!(limb, 5);
        p2[0][..8].copy_from_slice(&(limb + gl::P).to_le_bytes());
        // merkle::verify_row refuses it too (it checks every path digest, as the spec does)
        assert!(!merkle::verify_row(
            Hasher::Poseidon,
            &t2.root(),
            1,
            &[6],
            &p2
        ));
        assert!(!opens(Hasher::Poseidon, &t2.root(), 1, &[6], &p2));
        path[0] = [0xff; 32];
        assert!(!opens(Hasher::Poseidon, &tree.root(), 1, &rows[1], &path));
    }

    #[test]
    fn chain_round_trip() {
        let x = [1, 2, 3, 4];
        let t = chain_trace(&x, 1);
        let n = t[0].len();
        let mut pi = x.to_vec();
        pi.extend((0..4).map(|i| t[i][n - 1]));
        let air = PoseidonChainAir::new(n, &pi).unwrap();
        let p = prove(&air, &t, &test_params(Hasher::Blake3)).unwrap();
        assert!(verify("poseidon-chain", &p, true, Some(&pi)).is_ok());
        let mut other = pi.clone();
        other[7] = gl::add(other[7], 1);
        assert!(verify("poseidon-chain", &p, true, Some(&other)).is_err());
    }
}
