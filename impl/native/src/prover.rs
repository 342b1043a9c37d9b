//! The native prover (mirrors `spec/stark/prover.py` step by step; contract §Protocol). For the
//! same AIR, trace and parameters its proof bytes equal the spec prover's: every transcript
//! absorb/draw is the same, in the same order, and every committed or sent value is the same
//! field element (only the arithmetic's grouping and parallel split differ).
//!
//! 1. absorb the header; commit the trace LDE rows on D = 7·⟨ω_{BN}⟩; absorb the root;
//! 2. draw α (transitions, then assertions); C on D, split into K chunks, commit their LDE rows;
//! 3. draw z ∉ H ∪ D; absorb the frame at z, zω and the chunks at z (one absorb);
//! 4. draw 2W + K DEEP coefficients; DEEP on D;
//! 5. FRI; 6. grinding, q query indices; 7. openings; encode.

use rayon::prelude::*;

use crate::air::{check_trace, Air, AirError};
use crate::composition::{
    chunk_ldes, composition_on_subdomain, coset_points, eval_base_poly_at, eval_ext_poly_at,
    split_composition,
};
use crate::deep::{deep_on_domain, DeepCoefficients, OodFrame};
use crate::ext3::{self, Ext3};
use crate::fri::{encode_ext_values, flatten, fri_open, fri_prove};
use crate::goldilocks as gl;
use crate::merkle::MerkleTree;
use crate::ntt::{self, GENERATOR};
use crate::proof::{
    absorb_header, check_domain, check_verifier_params, encode_proof, proof_layout, Proof,
    ProofHeader, ProofParams, QueryOpening,
};
use crate::transcript::Transcript;

/// Phase timings on stderr when `L2SPEC_STARK_TIMINGS` is set (diagnostics only; no effect on
/// the proof).
struct PhaseClock {
    on: bool,
    last: std::time::Instant,
}

impl PhaseClock {
    fn new() -> PhaseClock {
        PhaseClock {
            on: std::env::var_os("L2SPEC_STARK_TIMINGS").is_some(),
            last: std::time::Instant::now(),
        }
    }
    fn lap(&mut self, phase: &str) {
        if self.on {
            let now = std::time::Instant::now();
            eprintln!(
                "stark prove: {phase:<12} {:>9.3} ms",
                (now - self.last).as_secs_f64() * 1e3
            );
            self.last = now;
        }
    }
}

/// Why no proof was produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProveError {
    /// The trace does not satisfy the AIR, or has the wrong shape (the spec's `AirError`).
    Air(String),
    /// Parameters refused (the spec's `ParameterError`).
    Parameter(String),
    /// The parameters do not fit this trace length (the spec's `ProofFormatError`/`StarkError`).
    Domain(String),
    /// C is not of degree < K·N (the spec's `CompositionError`).
    Composition(String),
    /// Anything else the spec raises as `StarkError` (FRI shape or degree failures).
    Stark(String),
}

impl std::fmt::Display for ProveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProveError::Air(m)
            | ProveError::Parameter(m)
            | ProveError::Domain(m)
            | ProveError::Composition(m)
            | ProveError::Stark(m) => f.write_str(m),
        }
    }
}

impl From<AirError> for ProveError {
    fn from(e: AirError) -> Self {
        ProveError::Air(e.0)
    }
}

/// `draw_ood_point`: z ∈ E, drawn again while z ∈ H (z^N = 1) or z ∈ D ((z/7)^{BN} = 1).
pub fn draw_ood_point(t: &mut Transcript, trace_length: usize, lde_size: usize) -> Ext3 {
    loop {
        let z = t.draw_ext();
        if z[1] != 0 || z[2] != 0 {
            return z;
        }
        if gl::pow(z[0], trace_length as u64) == 1 {
            continue;
        }
        if z[0] != 0 {
            let g_inv = gl::inv(GENERATOR).expect("nonzero");
            if gl::pow(gl::mul(z[0], g_inv), lde_size as u64) == 1 {
                continue;
            }
        }
        return z;
    }
}

/// The proof record for `trace` (column-major) under `air`.
pub fn prove_proof<A: Air>(
    air: &A,
    trace: &[Vec<u64>],
    params: &ProofParams,
) -> Result<Proof, ProveError> {
    let mut clock = PhaseClock::new();
    check_trace(air, trace)?;
    clock.lap("check trace");
    let n = air.trace_length();
    params.check_ranges().map_err(ProveError::Parameter)?;
    check_domain(params, n as u64).map_err(|e| ProveError::Domain(e.0))?;
    if let Some(refusal) = check_verifier_params(params, air.max_degree(), true) {
        return Err(ProveError::Parameter(refusal));
    }
    let k = air.num_chunks();
    if k > 255 {
        return Err(ProveError::Stark("more than 255 composition chunks".into()));
    }
    let blowup = params.blowup();
    let size = n * blowup;
    let hasher = params.hasher;
    let layout = proof_layout(params, n).map_err(ProveError::Stark)?;
    let mut transcript = Transcript::new(hasher);
    let header = ProofHeader {
        air_id: air.air_id().to_string(),
        params: params.clone(),
        trace_length: n as u64,
        public_inputs: air.public_inputs().to_vec(),
    };
    absorb_header(&mut transcript, &header);

    // 1. trace LDE, committed row by row
    let trace_polys: Vec<Vec<u64>> = trace
        .par_iter()
        .map(|c| ntt::intt(c).expect("N is a power of two"))
        .collect();
    let trace_lde: Vec<Vec<u64>> = trace_polys
        .par_iter()
        .map(|p| ntt::evaluate_on_coset(p, GENERATOR, size).expect("power of two"))
        .collect();
    clock.lap("trace lde");
    let trace_tree = MerkleTree::from_columns(hasher, &trace_lde).expect("power of two");
    transcript.absorb(&trace_tree.root());
    clock.lap("trace commit");

    // 2. composition, split into K chunks, chunk LDE rows committed
    let alphas: Vec<Ext3> = (0..air.num_constraints())
        .map(|_| transcript.draw_ext())
        .collect();
    // C has degree < K·N: its values on the sub-coset 7·⟨ω_{K'N}⟩ of D (K' = the power of two
    // ≥ K; K' ≤ B as B > d − 1 = K) determine it; the trace was checked, so C is a polynomial.
    let stride = (blowup / k.next_power_of_two()).max(1);
    let composition = composition_on_subdomain(air, &trace_lde, blowup, &alphas, stride);
    let chunks = split_composition(&composition, n, k).map_err(|e| ProveError::Composition(e.0))?;
    drop(composition);
    clock.lap("composition");
    let chunk_lde = chunk_ldes(&chunks, blowup);
    let chunk_tree = MerkleTree::from_row_fn(hasher, size, |i, buf| {
        for col in &chunk_lde {
            buf.extend_from_slice(&col[i]);
        }
    })
    .expect("power of two");
    transcript.absorb(&chunk_tree.root());
    clock.lap("chunk commit");

    // 3. out-of-domain frame
    let z = draw_ood_point(&mut transcript, n, size);
    let zw = ext3::mul_base(z, ntt::root_of_unity(n.trailing_zeros()));
    let ood = OodFrame {
        trace_z: trace_polys
            .par_iter()
            .map(|p| eval_base_poly_at(p, z))
            .collect(),
        trace_zw: trace_polys
            .par_iter()
            .map(|p| eval_base_poly_at(p, zw))
            .collect(),
        chunks_z: chunks.iter().map(|c| eval_ext_poly_at(c, z)).collect(),
    };
    transcript.absorb(&encode_ext_values(&ood.values()));

    // 4. DEEP codeword
    let width = air.width();
    let draws: Vec<Ext3> = (0..2 * width + k).map(|_| transcript.draw_ext()).collect();
    let gammas = DeepCoefficients::from_draws(&draws, width);
    let domain = coset_points(size);
    let codeword = deep_on_domain(&domain, &trace_lde, &chunk_lde, z, zw, &ood, &gammas);
    drop(domain);
    clock.lap("ood + deep");

    // 5. FRI
    let fri = fri_prove(&mut transcript, hasher, codeword, &layout).map_err(ProveError::Stark)?;
    clock.lap("fri");

    // 6. grinding, then the query indices
    let nonce = transcript
        .grind(u32::from(params.grinding_bits))
        .ok_or_else(|| ProveError::Parameter("grinding bits out of range".into()))?;
    let indices: Vec<u64> = (0..params.num_queries)
        .map(|_| transcript.draw_index(size as u64).expect("power of two"))
        .collect();

    // 7. openings
    let queries = indices
        .iter()
        .map(|&i| {
            let iu = i as usize;
            let chunk_row: Vec<Ext3> = chunk_lde.iter().map(|c| c[iu]).collect();
            QueryOpening {
                index: i,
                trace_row: trace_lde.iter().map(|c| c[iu]).collect(),
                trace_path: trace_tree.open(iu).expect("in range"),
                chunk_row: flatten(&chunk_row),
                chunk_path: chunk_tree.open(iu).expect("in range"),
                fri: fri_open(&fri, iu),
            }
        })
        .collect();
    clock.lap("grind+open");
    Ok(Proof {
        header,
        trace_root: trace_tree.root(),
        num_chunks: k as u8,
        chunk_root: chunk_tree.root(),
        ood_values: ood.values(),
        fri_roots: fri.trees.iter().map(|t| t.root()).collect(),
        remainder: fri.remainder,
        nonce,
        queries,
    })
}

/// The canonical proof bytes that `trace` satisfies `air`.
pub fn prove<A: Air>(
    air: &A,
    trace: &[Vec<u64>],
    params: &ProofParams,
) -> Result<Vec<u8>, ProveError> {
    Ok(encode_proof(&prove_proof(air, trace, params)?))
}
