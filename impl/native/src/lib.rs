//! PyO3 bindings of the l2spec native core, imported in Python as `l2spec.impl._native`.
//!
//! This file holds bindings only; the arithmetic lives in its own modules.

use pyo3::exceptions::{PyValueError, PyZeroDivisionError};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

pub mod air;
pub mod composition;
pub mod deep;
pub mod ext3;
pub mod fri;
pub mod goldilocks;
pub mod hash;
pub mod merkle;
pub mod ntt;
pub mod poseidon;
pub mod proof;
pub mod prover;
pub mod transcript;
pub mod verifier;

fn field_element(x: u64, name: &str) -> PyResult<u64> {
    if x >= goldilocks::P {
        return Err(PyValueError::new_err(format!(
            "{name}={x} is not a canonical Goldilocks element (must be < 2^64 - 2^32 + 1)"
        )));
    }
    Ok(x)
}

/// The Goldilocks prime p = 2^64 - 2^32 + 1.
#[pyfunction]
fn goldilocks_modulus() -> u64 {
    goldilocks::P
}

/// (a * b) mod p for canonical field elements a, b.
#[pyfunction]
fn goldilocks_mul(a: u64, b: u64) -> PyResult<u64> {
    Ok(goldilocks::mul(
        field_element(a, "a")?,
        field_element(b, "b")?,
    ))
}

/// (a + b) mod p for canonical field elements a, b.
#[pyfunction]
fn goldilocks_add(a: u64, b: u64) -> PyResult<u64> {
    Ok(goldilocks::add(
        field_element(a, "a")?,
        field_element(b, "b")?,
    ))
}

/// (a - b) mod p for canonical field elements a, b.
#[pyfunction]
fn goldilocks_sub(a: u64, b: u64) -> PyResult<u64> {
    Ok(goldilocks::sub(
        field_element(a, "a")?,
        field_element(b, "b")?,
    ))
}

/// Reduce any integer in [0, 2^128) modulo p with the 2^64 ≡ 2^32 - 1 identity.
#[pyfunction]
fn goldilocks_reduce128(x: u128) -> u64 {
    goldilocks::reduce128(x)
}

/// a^e mod p.
#[pyfunction]
fn goldilocks_pow(a: u64, e: u64) -> PyResult<u64> {
    Ok(goldilocks::pow(field_element(a, "a")?, e))
}

/// The multiplicative inverse of a nonzero field element.
#[pyfunction]
fn goldilocks_inv(a: u64) -> PyResult<u64> {
    goldilocks::inv(field_element(a, "a")?)
        .ok_or_else(|| PyZeroDivisionError::new_err("0 has no inverse in the Goldilocks field"))
}

/// Element-wise product of two equal-length vectors (the batch form the prover will use).
#[pyfunction]
fn goldilocks_mul_vec(a: Vec<u64>, b: Vec<u64>) -> PyResult<Vec<u64>> {
    if a.len() != b.len() {
        return Err(PyValueError::new_err(format!(
            "vectors differ in length: {} != {}",
            a.len(),
            b.len()
        )));
    }
    a.iter()
        .zip(b.iter())
        .map(|(&x, &y)| {
            Ok(goldilocks::mul(
                field_element(x, "a[i]")?,
                field_element(y, "b[i]")?,
            ))
        })
        .collect()
}

// --- STARK primitives: the cubic extension -------------------------------------------------------

fn ext_element(a: [u64; 3], name: &str) -> PyResult<ext3::Ext3> {
    for (i, &c) in a.iter().enumerate() {
        field_element(c, &format!("{name}[{i}]"))?;
    }
    Ok(a)
}

fn ext_vec(values: Vec<[u64; 3]>, name: &str) -> PyResult<Vec<ext3::Ext3>> {
    values.into_iter().map(|v| ext_element(v, name)).collect()
}

fn base_vec(values: &[u64], name: &str) -> PyResult<()> {
    match values.iter().position(|&x| x >= goldilocks::P) {
        Some(i) => Err(PyValueError::new_err(format!(
            "{name}[{i}]={} is not a canonical Goldilocks element",
            values[i]
        ))),
        None => Ok(()),
    }
}

type ExtTuple = (u64, u64, u64);

fn ext_tuple(a: ext3::Ext3) -> ExtTuple {
    (a[0], a[1], a[2])
}

/// a + b in E = F[x]/(x^3 − x − 1).
#[pyfunction]
fn ext3_add(a: [u64; 3], b: [u64; 3]) -> PyResult<ExtTuple> {
    Ok(ext_tuple(ext3::add(
        ext_element(a, "a")?,
        ext_element(b, "b")?,
    )))
}

/// a − b in E.
#[pyfunction]
fn ext3_sub(a: [u64; 3], b: [u64; 3]) -> PyResult<ExtTuple> {
    Ok(ext_tuple(ext3::sub(
        ext_element(a, "a")?,
        ext_element(b, "b")?,
    )))
}

/// a · b in E.
#[pyfunction]
fn ext3_mul(a: [u64; 3], b: [u64; 3]) -> PyResult<ExtTuple> {
    Ok(ext_tuple(ext3::mul(
        ext_element(a, "a")?,
        ext_element(b, "b")?,
    )))
}

/// a^e in E.
#[pyfunction]
fn ext3_pow(a: [u64; 3], e: u64) -> PyResult<ExtTuple> {
    Ok(ext_tuple(ext3::pow(ext_element(a, "a")?, e)))
}

/// a⁻¹ in E (ZeroDivisionError for zero).
#[pyfunction]
fn ext3_inv(a: [u64; 3]) -> PyResult<ExtTuple> {
    ext3::inv(ext_element(a, "a")?)
        .map(ext_tuple)
        .ok_or_else(|| PyZeroDivisionError::new_err("0 has no inverse in the cubic extension"))
}

/// The inverses of many elements of E (ZeroDivisionError if any is zero).
#[pyfunction]
fn ext3_batch_inv(values: Vec<[u64; 3]>) -> PyResult<Vec<ExtTuple>> {
    let v = ext_vec(values, "values")?;
    ext3::batch_inv(&v)
        .map(|out| out.into_iter().map(ext_tuple).collect())
        .ok_or_else(|| PyZeroDivisionError::new_err("0 has no inverse in the cubic extension"))
}

// --- NTT and LDE ---------------------------------------------------------------------------------

fn ntt_result<T>(r: Result<T, ntt::NttError>) -> PyResult<T> {
    r.map_err(|e| PyValueError::new_err(e.to_string()))
}

/// ω_n = 7^((p − 1)/n) for a power of two n ≤ 2^32.
#[pyfunction]
fn stark_root_of_unity(n: usize) -> PyResult<u64> {
    Ok(ntt::root_of_unity(ntt_result(ntt::log2_checked(n))?))
}

/// The values on ⟨ω_n⟩ of the polynomial with these n coefficients (natural order).
#[pyfunction]
fn ntt_forward(py: Python<'_>, coeffs: Vec<u64>) -> PyResult<Vec<u64>> {
    base_vec(&coeffs, "coeffs")?;
    ntt_result(py.allow_threads(|| ntt::ntt(&coeffs)))
}

/// The coefficients of the polynomial of degree < n with these values on ⟨ω_n⟩.
#[pyfunction]
fn ntt_inverse(py: Python<'_>, values: Vec<u64>) -> PyResult<Vec<u64>> {
    base_vec(&values, "values")?;
    ntt_result(py.allow_threads(|| ntt::intt(&values)))
}

/// The values on offset·⟨ω_n⟩ of the polynomial with these (at most n) coefficients.
#[pyfunction]
fn ntt_evaluate_on_coset(
    py: Python<'_>,
    coeffs: Vec<u64>,
    offset: u64,
    n: usize,
) -> PyResult<Vec<u64>> {
    base_vec(&coeffs, "coeffs")?;
    field_element(offset, "offset")?;
    ntt_result(py.allow_threads(|| ntt::evaluate_on_coset(&coeffs, offset, n)))
}

/// The coefficients of the polynomial of degree < n with these values on offset·⟨ω_n⟩.
#[pyfunction]
fn ntt_interpolate_coset(py: Python<'_>, values: Vec<u64>, offset: u64) -> PyResult<Vec<u64>> {
    base_vec(&values, "values")?;
    field_element(offset, "offset")?;
    ntt_result(py.allow_threads(|| ntt::coset_intt(&values, offset)))
}

/// The LDE of a column given by its values on ⟨ω_N⟩, onto 7·⟨ω_{BN}⟩ (natural order).
#[pyfunction]
fn ntt_lde(py: Python<'_>, column: Vec<u64>, blowup: usize) -> PyResult<Vec<u64>> {
    base_vec(&column, "column")?;
    ntt_result(py.allow_threads(|| ntt::lde(&column, blowup)))
}

/// The LDEs of several columns (computed in parallel).
#[pyfunction]
fn ntt_lde_columns(
    py: Python<'_>,
    columns: Vec<Vec<u64>>,
    blowup: usize,
) -> PyResult<Vec<Vec<u64>>> {
    for c in &columns {
        base_vec(c, "column")?;
    }
    ntt_result(py.allow_threads(|| ntt::lde_columns(&columns, blowup)))
}

/// `ntt_forward` for E coefficients.
#[pyfunction]
fn ntt_forward_ext(py: Python<'_>, coeffs: Vec<[u64; 3]>) -> PyResult<Vec<ExtTuple>> {
    let c = ext_vec(coeffs, "coeffs")?;
    Ok(ntt_result(py.allow_threads(|| ntt::ntt(&c)))?
        .into_iter()
        .map(ext_tuple)
        .collect())
}

/// `ntt_inverse` for E values.
#[pyfunction]
fn ntt_inverse_ext(py: Python<'_>, values: Vec<[u64; 3]>) -> PyResult<Vec<ExtTuple>> {
    let v = ext_vec(values, "values")?;
    Ok(ntt_result(py.allow_threads(|| ntt::intt(&v)))?
        .into_iter()
        .map(ext_tuple)
        .collect())
}

/// `ntt_evaluate_on_coset` for E coefficients.
#[pyfunction]
fn ntt_evaluate_on_coset_ext(
    py: Python<'_>,
    coeffs: Vec<[u64; 3]>,
    offset: u64,
    n: usize,
) -> PyResult<Vec<ExtTuple>> {
    let c = ext_vec(coeffs, "coeffs")?;
    field_element(offset, "offset")?;
    let out = ntt_result(py.allow_threads(|| ntt::evaluate_on_coset(&c, offset, n)))?;
    Ok(out.into_iter().map(ext_tuple).collect())
}

/// `ntt_interpolate_coset` for E values.
#[pyfunction]
fn ntt_interpolate_coset_ext(
    py: Python<'_>,
    values: Vec<[u64; 3]>,
    offset: u64,
) -> PyResult<Vec<ExtTuple>> {
    let v = ext_vec(values, "values")?;
    field_element(offset, "offset")?;
    let out = ntt_result(py.allow_threads(|| ntt::coset_intt(&v, offset)))?;
    Ok(out.into_iter().map(ext_tuple).collect())
}

/// `ntt_lde` for an E column.
#[pyfunction]
fn ntt_lde_ext(py: Python<'_>, column: Vec<[u64; 3]>, blowup: usize) -> PyResult<Vec<ExtTuple>> {
    let c = ext_vec(column, "column")?;
    Ok(ntt_result(py.allow_threads(|| ntt::lde(&c, blowup)))?
        .into_iter()
        .map(ext_tuple)
        .collect())
}

/// The values permuted into bit-reversed index order (the length must be a power of two).
#[pyfunction]
fn bit_reverse(mut values: Vec<u64>) -> PyResult<Vec<u64>> {
    ntt_result(ntt::log2_checked(values.len()))?;
    ntt::bit_reverse_permute(&mut values);
    Ok(values)
}

// --- Poseidon and the hashers --------------------------------------------------------------------

fn poseidon_state(state: Vec<u64>) -> PyResult<poseidon::State> {
    state.try_into().map_err(|s: Vec<u64>| {
        PyValueError::new_err(format!("the Poseidon state has 12 lanes, got {}", s.len()))
    })
}

/// The Poseidon permutation (sparse partial rounds); lanes are taken mod p.
#[pyfunction]
fn poseidon_permute(state: Vec<u64>) -> PyResult<Vec<u64>> {
    Ok(poseidon::permute(&poseidon_state(state)?).to_vec())
}

/// The Poseidon permutation computed round by round as specified (for cross-checks).
#[pyfunction]
fn poseidon_permute_reference(state: Vec<u64>) -> PyResult<Vec<u64>> {
    Ok(poseidon::permute_reference(&poseidon_state(state)?).to_vec())
}

/// Polygon's H(in[8], cap[4]) → 4 elements (inputs taken mod p).
#[pyfunction]
fn poseidon_hash(inputs: [u64; 8], capacity: [u64; 4]) -> (u64, u64, u64, u64) {
    let h = poseidon::hash(&inputs, &capacity);
    (h[0], h[1], h[2], h[3])
}

fn hasher_of(name: &str) -> PyResult<hash::Hasher> {
    hash::Hasher::from_name(name)
        .ok_or_else(|| PyValueError::new_err(format!("unknown hash {name:?} (blake3 or poseidon)")))
}

fn digest_of<'py>(
    hasher: hash::Hasher,
    d: &Bound<'py, PyBytes>,
    name: &str,
) -> PyResult<hash::Digest> {
    let b = d.as_bytes();
    let digest: hash::Digest = b.try_into().map_err(|_| {
        PyValueError::new_err(format!("{name}: a digest is 32 bytes, got {}", b.len()))
    })?;
    if !hasher.is_valid_digest(&digest) {
        return Err(PyValueError::new_err(format!(
            "{name}: not a valid {} digest",
            hasher.name()
        )));
    }
    Ok(digest)
}

/// The digest of a row of canonical base elements (a Merkle leaf).
#[pyfunction]
fn stark_hash_elements<'py>(
    py: Python<'py>,
    hasher: &str,
    elements: Vec<u64>,
) -> PyResult<Bound<'py, PyBytes>> {
    let h = hasher_of(hasher)?;
    base_vec(&elements, "elements")?;
    Ok(PyBytes::new(py, &h.hash_elements(&elements)))
}

/// A Merkle node over two valid 32-byte digests.
#[pyfunction]
fn stark_merge<'py>(
    py: Python<'py>,
    hasher: &str,
    left: &Bound<'py, PyBytes>,
    right: &Bound<'py, PyBytes>,
) -> PyResult<Bound<'py, PyBytes>> {
    let h = hasher_of(hasher)?;
    let l = digest_of(h, left, "left")?;
    let r = digest_of(h, right, "right")?;
    Ok(PyBytes::new(py, &h.merge(&l, &r)))
}

/// The transcript hash of a byte string.
#[pyfunction]
fn stark_hash_bytes<'py>(
    py: Python<'py>,
    hasher: &str,
    data: &[u8],
) -> PyResult<Bound<'py, PyBytes>> {
    Ok(PyBytes::new(py, &hasher_of(hasher)?.hash_bytes(data)))
}

/// Bytes as base elements (append 0x01, zero-pad to a multiple of 7, 7-byte LE chunks).
#[pyfunction]
fn stark_bytes_to_elements(data: &[u8]) -> Vec<u64> {
    hash::bytes_to_elements(data)
}

/// pil-stark's LinearHash of canonical base elements (4 elements).
#[pyfunction]
fn stark_linear_hash(elements: Vec<u64>) -> PyResult<(u64, u64, u64, u64)> {
    base_vec(&elements, "elements")?;
    let h = hash::linear_hash(&elements);
    Ok((h[0], h[1], h[2], h[3]))
}

// --- Merkle trees --------------------------------------------------------------------------------

fn merkle_result<T>(r: Result<T, merkle::MerkleError>) -> PyResult<T> {
    r.map_err(|e| PyValueError::new_err(e.to_string()))
}

/// A committed Merkle tree over rows of base elements.
#[pyclass(frozen, module = "l2spec.impl._native")]
struct NativeMerkleTree {
    tree: merkle::MerkleTree,
}

#[pymethods]
impl NativeMerkleTree {
    /// The tree over `rows` (a power-of-two number of equal-width rows of canonical elements).
    #[new]
    fn new(py: Python<'_>, hasher: &str, rows: Vec<Vec<u64>>) -> PyResult<Self> {
        let h = hasher_of(hasher)?;
        for r in &rows {
            base_vec(r, "row")?;
        }
        let tree = merkle_result(py.allow_threads(|| merkle::MerkleTree::from_rows(h, &rows)))?;
        Ok(NativeMerkleTree { tree })
    }

    /// The 32-byte root.
    fn root<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.tree.root())
    }

    /// The number of leaves.
    fn num_leaves(&self) -> usize {
        self.tree.leaf_count()
    }

    /// The opening of leaf `index`: sibling digests from the leaf level up.
    fn open<'py>(&self, py: Python<'py>, index: usize) -> PyResult<Vec<Bound<'py, PyBytes>>> {
        let path = merkle_result(self.tree.open(index))?;
        Ok(path.iter().map(|d| PyBytes::new(py, d)).collect())
    }
}

/// Whether `path` opens `row` at `index` to `root` (any malformed input is a false verdict).
#[pyfunction]
fn merkle_verify(
    hasher: &str,
    root: &[u8],
    index: u64,
    row: Vec<u64>,
    path: Vec<Vec<u8>>,
) -> PyResult<bool> {
    let h = hasher_of(hasher)?;
    let Ok(root) = <hash::Digest>::try_from(root) else {
        return Ok(false);
    };
    let mut digests = Vec::with_capacity(path.len());
    for d in &path {
        match <hash::Digest>::try_from(d.as_slice()) {
            Ok(x) => digests.push(x),
            Err(_) => return Ok(false),
        }
    }
    Ok(merkle::verify_row(h, &root, index, &row, &digests))
}

// --- the Fiat–Shamir transcript ------------------------------------------------------------------

/// The STARK's Fiat–Shamir transcript (a 32-byte state and a draw counter).
#[pyclass(module = "l2spec.impl._native")]
#[derive(Clone)]
struct NativeTranscript {
    t: transcript::Transcript,
}

#[pymethods]
impl NativeTranscript {
    /// state = hash_bytes(b"l2spec-stark-v1"), counter = 0.
    #[new]
    fn new(hasher: &str) -> PyResult<Self> {
        Ok(NativeTranscript {
            t: transcript::Transcript::new(hasher_of(hasher)?),
        })
    }

    /// An independent transcript in the same state.
    fn copy(&self) -> Self {
        self.clone()
    }

    /// The 32-byte state.
    #[getter]
    fn state<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.t.state())
    }

    /// Draws since the last absorb.
    #[getter]
    fn counter(&self) -> u64 {
        self.t.counter()
    }

    /// state = hash_bytes(state ‖ data); counter = 0.
    fn absorb(&mut self, data: &[u8]) {
        self.t.absorb(data);
    }

    /// The next u64.
    fn draw_u64(&mut self) -> u64 {
        self.t.draw_u64()
    }

    /// A base element (rejection sampling below p).
    fn draw_felt(&mut self) -> u64 {
        self.t.draw_felt()
    }

    /// An E element (three base draws).
    fn draw_ext(&mut self) -> ExtTuple {
        ext_tuple(self.t.draw_ext())
    }

    /// An index in [0, domain_size) for a power-of-two domain_size < 2^64.
    fn draw_index(&mut self, domain_size: u64) -> PyResult<u64> {
        self.t
            .draw_index(domain_size)
            .ok_or_else(|| PyValueError::new_err(format!("{domain_size} is not a power of two")))
    }

    /// The smallest nonce meeting `bits` of work on the current state (no state change).
    fn find_nonce(&self, py: Python<'_>, bits: u32) -> PyResult<u64> {
        let t = self.t.clone();
        py.allow_threads(|| t.find_nonce(bits)).ok_or_else(|| {
            PyValueError::new_err(format!("grinding bits {bits} out of range [0, 64]"))
        })
    }

    /// Prover: find the smallest valid nonce, absorb it, return it.
    fn grind(&mut self, py: Python<'_>, bits: u32) -> PyResult<u64> {
        let nonce = self.find_nonce(py, bits)?;
        self.t.absorb(&nonce.to_le_bytes());
        Ok(nonce)
    }

    /// Verifier: whether `nonce` meets `bits` of work; if so it is absorbed.
    fn verify_grinding(&mut self, nonce: u64, bits: u32) -> PyResult<bool> {
        if bits > 64 {
            return Err(PyValueError::new_err(format!(
                "grinding bits {bits} out of range [0, 64]"
            )));
        }
        Ok(self.t.verify_grinding(nonce, bits))
    }
}

// --- the STARK prover and verifier ---------------------------------------------------------------

/// A typed failure for the Python wrapper: ValueError((kind, message)).
fn stark_failure(kind: &str, message: &str) -> PyErr {
    PyValueError::new_err((kind.to_string(), message.to_string()))
}

/// The proof bytes for `trace` (column-major) under the native AIR `air_id` with N rows and
/// these public inputs, with the encoded parameters `params`. Failures raise
/// ValueError((kind, message)) with kind one of AirError, ParameterError, ProofFormatError,
/// CompositionError, StarkError.
#[pyfunction]
fn stark_prove<'py>(
    py: Python<'py>,
    air_id: &str,
    trace_length: usize,
    public_inputs: Vec<u64>,
    trace: Vec<Vec<u64>>,
    params: &[u8],
) -> PyResult<Bound<'py, PyBytes>> {
    let mut reader = proof::Reader::new(params);
    let p = proof::read_params_from(&mut reader)
        .and_then(|p| reader.finish().map(|_| p))
        .map_err(|e| stark_failure("ParameterError", &e.0))?;
    let statement = air::NativeAir::build(air_id, trace_length, &public_inputs)
        .map_err(|e| stark_failure("AirError", &e.0))?;
    let result = py.allow_threads(|| match &statement {
        air::NativeAir::Fib(a) => prover::prove(a, &trace, &p),
        air::NativeAir::PoseidonChain(a) => prover::prove(a.as_ref(), &trace, &p),
    });
    match result {
        Ok(bytes) => Ok(PyBytes::new(py, &bytes)),
        Err(e) => {
            let kind = match e {
                prover::ProveError::Air(_) => "AirError",
                prover::ProveError::Parameter(_) => "ParameterError",
                prover::ProveError::Domain(_) => "ProofFormatError",
                prover::ProveError::Composition(_) => "CompositionError",
                prover::ProveError::Stark(_) => "StarkError",
            };
            Err(stark_failure(kind, &e.to_string()))
        }
    }
}

/// Verify proof bytes for the native AIR family `air_id`: None when valid, else (kind, reason)
/// with kind one of ProofFormatError, AirError, ProofRejected.
#[pyfunction]
#[pyo3(signature = (air_id, proof_bytes, allow_insecure=false, public_inputs=None))]
fn stark_verify(
    py: Python<'_>,
    air_id: &str,
    proof_bytes: &[u8],
    allow_insecure: bool,
    public_inputs: Option<Vec<u64>>,
) -> Option<(String, String)> {
    let data = proof_bytes.to_vec();
    py.allow_threads(|| {
        verifier::verify(air_id, &data, allow_insecure, public_inputs.as_deref())
            .err()
            .map(|e| (e.kind().to_string(), e.message().to_string()))
    })
}

/// The ids of the natively implemented AIRs.
#[pyfunction]
fn stark_native_airs() -> Vec<&'static str> {
    vec![air::FIB_AIR_ID, air::POSEIDON_CHAIN_AIR_ID]
}

/// The fib-small trace of n rows (column-major), computed natively.
#[pyfunction]
fn stark_fib_trace(n: usize) -> Vec<Vec<u64>> {
    air::fib_trace(n)
}

/// The poseidon-chain trace of `hashes` hashes from x (column-major), computed natively.
#[pyfunction]
fn stark_chain_trace(x: [u64; 4], hashes: usize) -> PyResult<Vec<Vec<u64>>> {
    if x.iter().any(|&v| v >= goldilocks::P) {
        return Err(stark_failure("AirError", "x is 4 canonical field elements"));
    }
    Ok(air::chain_trace(&x, hashes))
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(goldilocks_modulus, m)?)?;
    m.add_function(wrap_pyfunction!(goldilocks_mul, m)?)?;
    m.add_function(wrap_pyfunction!(goldilocks_add, m)?)?;
    m.add_function(wrap_pyfunction!(goldilocks_sub, m)?)?;
    m.add_function(wrap_pyfunction!(goldilocks_reduce128, m)?)?;
    m.add_function(wrap_pyfunction!(goldilocks_pow, m)?)?;
    m.add_function(wrap_pyfunction!(goldilocks_inv, m)?)?;
    m.add_function(wrap_pyfunction!(goldilocks_mul_vec, m)?)?;
    m.add_function(wrap_pyfunction!(ext3_add, m)?)?;
    m.add_function(wrap_pyfunction!(ext3_sub, m)?)?;
    m.add_function(wrap_pyfunction!(ext3_mul, m)?)?;
    m.add_function(wrap_pyfunction!(ext3_pow, m)?)?;
    m.add_function(wrap_pyfunction!(ext3_inv, m)?)?;
    m.add_function(wrap_pyfunction!(ext3_batch_inv, m)?)?;
    m.add_function(wrap_pyfunction!(stark_root_of_unity, m)?)?;
    m.add_function(wrap_pyfunction!(ntt_forward, m)?)?;
    m.add_function(wrap_pyfunction!(ntt_inverse, m)?)?;
    m.add_function(wrap_pyfunction!(ntt_evaluate_on_coset, m)?)?;
    m.add_function(wrap_pyfunction!(ntt_interpolate_coset, m)?)?;
    m.add_function(wrap_pyfunction!(ntt_lde, m)?)?;
    m.add_function(wrap_pyfunction!(ntt_lde_columns, m)?)?;
    m.add_function(wrap_pyfunction!(ntt_forward_ext, m)?)?;
    m.add_function(wrap_pyfunction!(ntt_inverse_ext, m)?)?;
    m.add_function(wrap_pyfunction!(ntt_evaluate_on_coset_ext, m)?)?;
    m.add_function(wrap_pyfunction!(ntt_interpolate_coset_ext, m)?)?;
    m.add_function(wrap_pyfunction!(ntt_lde_ext, m)?)?;
    m.add_function(wrap_pyfunction!(bit_reverse, m)?)?;
    m.add_function(wrap_pyfunction!(poseidon_permute, m)?)?;
    m.add_function(wrap_pyfunction!(poseidon_permute_reference, m)?)?;
    m.add_function(wrap_pyfunction!(poseidon_hash, m)?)?;
    m.add_function(wrap_pyfunction!(stark_hash_elements, m)?)?;
    m.add_function(wrap_pyfunction!(stark_merge, m)?)?;
    m.add_function(wrap_pyfunction!(stark_hash_bytes, m)?)?;
    m.add_function(wrap_pyfunction!(stark_bytes_to_elements, m)?)?;
    m.add_function(wrap_pyfunction!(stark_linear_hash, m)?)?;
    m.add_function(wrap_pyfunction!(merkle_verify, m)?)?;
    m.add_function(wrap_pyfunction!(stark_prove, m)?)?;
    m.add_function(wrap_pyfunction!(stark_verify, m)?)?;
    m.add_function(wrap_pyfunction!(stark_native_airs, m)?)?;
    m.add_function(wrap_pyfunction!(stark_fib_trace, m)?)?;
    m.add_function(wrap_pyfunction!(stark_chain_trace, m)?)?;
    m.add_class::<NativeMerkleTree>()?;
    m.add_class::<NativeTranscript>()?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
