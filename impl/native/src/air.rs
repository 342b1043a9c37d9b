//! Native AIRs: the same statements as `spec/stark/airs/` with the same constraints, in the same
//! order, with the same declared degrees, periodic columns and boundary assertions.
//!
//! Mirrors `spec/stark/air.py` (an AIR = trace width W, trace length N = 2^n ≥ 8, transition
//! constraints with declared degrees, periodic columns, boundary assertions, public inputs;
//! ethSTARK eprint 2021/582 §2, winterfell `air` crate). A transition is written once over
//! [`FieldOps`], implemented for base elements (`u64`, evaluating on the LDE domain and checking the
//! trace) and for E elements (`Ext3`, the verifier's out-of-domain check at z).
//!
//! The AIRs (their Python twins are the reference):
//! - [`FibAir`] `fib-small` (`spec/stark/airs/fib.py`, winterfell `fib_small`),
//! - [`PoseidonChainAir`] `poseidon-chain` (`spec/stark/airs/poseidon_chain.py`).

use crate::ext3::{self, Ext3};
use crate::goldilocks as gl;
use crate::poseidon;

/// Contract §Domains: N = 2^n ≥ 8.
pub const MIN_TRACE_LENGTH: usize = 8;

/// The arithmetic a transition needs (the spec's `FieldOps`).
pub trait FieldOps: Copy + Send + Sync {
    /// The base constant c (canonical) as an element of this field.
    fn constant(c: u64) -> Self;
    /// a + b.
    fn fadd(self, other: Self) -> Self;
    /// a − b.
    fn fsub(self, other: Self) -> Self;
    /// a · b.
    fn fmul(self, other: Self) -> Self;
}

impl FieldOps for u64 {
    #[inline]
    fn constant(c: u64) -> Self {
        gl::canonical(c)
    }
    #[inline]
    fn fadd(self, other: Self) -> Self {
        gl::add(self, other)
    }
    #[inline]
    fn fsub(self, other: Self) -> Self {
        gl::sub(self, other)
    }
    #[inline]
    fn fmul(self, other: Self) -> Self {
        gl::mul(self, other)
    }
}

impl FieldOps for Ext3 {
    #[inline]
    fn constant(c: u64) -> Self {
        ext3::from_base(c)
    }
    #[inline]
    fn fadd(self, other: Self) -> Self {
        ext3::add(self, other)
    }
    #[inline]
    fn fsub(self, other: Self) -> Self {
        ext3::sub(self, other)
    }
    #[inline]
    fn fmul(self, other: Self) -> Self {
        ext3::mul(self, other)
    }
}

/// Boundary assertion: the trace value in `column` at `row` equals `value`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Assertion {
    pub column: usize,
    pub row: usize,
    pub value: u64,
}

/// Why an AIR cannot be built or a trace does not satisfy it (the spec's `AirError`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AirError(pub String);

impl std::fmt::Display for AirError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// One statement: an AIR with a fixed trace length and public inputs (the spec's `Air`).
pub trait Air: Sync {
    /// The AIR id written in proofs.
    fn air_id(&self) -> &'static str;
    /// W, the number of trace columns.
    fn width(&self) -> usize;
    /// N.
    fn trace_length(&self) -> usize;
    /// The public inputs (canonical base elements).
    fn public_inputs(&self) -> &[u64];
    /// The declared degree of each transition constraint, in AIR order.
    fn transition_degrees(&self) -> Vec<usize>;
    /// Each periodic column's values over one cycle (power-of-two cycle ≤ N).
    fn periodic_columns(&self) -> Vec<Vec<u64>> {
        Vec::new()
    }
    /// The boundary assertions, in AIR order.
    fn assertions(&self) -> Vec<Assertion>;
    /// Every transition constraint's value into `out` (length = number of transitions).
    fn evaluate_transition<F: FieldOps>(
        &self,
        current: &[F],
        next: &[F],
        periodic: &[F],
        out: &mut [F],
    );

    /// d: the largest declared transition degree (1 without transitions).
    fn max_degree(&self) -> usize {
        self.transition_degrees().into_iter().max().unwrap_or(1)
    }
    /// K = max(d − 1, 1).
    fn num_chunks(&self) -> usize {
        self.max_degree().saturating_sub(1).max(1)
    }
    /// Transitions plus assertions.
    fn num_constraints(&self) -> usize {
        self.transition_degrees().len() + self.assertions().len()
    }
}

fn check_common(trace_length: usize, public_inputs: &[u64]) -> Result<(), AirError> {
    if trace_length < MIN_TRACE_LENGTH {
        return Err(AirError(format!(
            "the trace has {trace_length} rows, at least {MIN_TRACE_LENGTH} are needed"
        )));
    }
    if !trace_length.is_power_of_two() {
        return Err(AirError(format!(
            "the trace length {trace_length} is not a power of two"
        )));
    }
    if let Some(x) = public_inputs.iter().find(|&&x| x >= gl::P) {
        return Err(AirError(format!(
            "public input {x} is not a canonical field element"
        )));
    }
    Ok(())
}

/// `spec/stark/air.py::check_trace`: the trace (column-major) has the AIR's shape, canonical
/// values, and satisfies every assertion and every transition (rows 0 … N − 2).
pub fn check_trace<A: Air>(air: &A, trace: &[Vec<u64>]) -> Result<(), AirError> {
    let n = air.trace_length();
    let id = air.air_id();
    if trace.len() != air.width() || trace.iter().any(|c| c.len() != n) {
        return Err(AirError(format!(
            "{id}: the trace must be {} columns of {n} rows",
            air.width()
        )));
    }
    for col in trace {
        if let Some(v) = col.iter().find(|&&v| v >= gl::P) {
            return Err(AirError(format!(
                "{id}: trace value {v} is not a canonical field element"
            )));
        }
    }
    for a in air.assertions() {
        if trace[a.column][a.row] != a.value {
            return Err(AirError(format!(
                "{id}: assertion fails: column {} row {} value {}",
                a.column, a.row, a.value
            )));
        }
    }
    let periodic = air.periodic_columns();
    let t = air.transition_degrees().len();
    let w = air.width();
    let mut cur = vec![0u64; w];
    let mut nxt = vec![0u64; w];
    let mut per = vec![0u64; periodic.len()];
    let mut out = vec![0u64; t];
    for i in 0..n - 1 {
        for c in 0..w {
            cur[c] = trace[c][i];
            nxt[c] = trace[c][i + 1];
        }
        for (p, col) in per.iter_mut().zip(&periodic) {
            *p = col[i % col.len()];
        }
        air.evaluate_transition(&cur, &nxt, &per, &mut out);
        if let Some(k) = out.iter().position(|&v| v != 0) {
            return Err(AirError(format!(
                "{id}: transition constraint {k} fails at row {i}"
            )));
        }
    }
    Ok(())
}

// --- fib-small -------------------------------------------------------------------------------

/// `fib-small` (`spec/stark/airs/fib.py`): s0' = s0 + s1, s1' = s1 + s0'; s0[0] = 1, s1[0] = 1,
/// s1[N − 1] = result (the one public input).
#[derive(Debug, Clone)]
pub struct FibAir {
    trace_length: usize,
    public_inputs: Vec<u64>,
}

/// The id of [`FibAir`].
pub const FIB_AIR_ID: &str = "fib-small";

impl FibAir {
    /// The statement for N rows and public inputs `[result]`.
    pub fn new(trace_length: usize, public_inputs: &[u64]) -> Result<FibAir, AirError> {
        check_common(trace_length, public_inputs)?;
        if public_inputs.len() != 1 {
            return Err(AirError(format!(
                "{FIB_AIR_ID} takes one public input (the result)"
            )));
        }
        Ok(FibAir {
            trace_length,
            public_inputs: public_inputs.to_vec(),
        })
    }
}

impl Air for FibAir {
    fn air_id(&self) -> &'static str {
        FIB_AIR_ID
    }
    fn width(&self) -> usize {
        2
    }
    fn trace_length(&self) -> usize {
        self.trace_length
    }
    fn public_inputs(&self) -> &[u64] {
        &self.public_inputs
    }
    fn transition_degrees(&self) -> Vec<usize> {
        vec![1, 1]
    }
    fn assertions(&self) -> Vec<Assertion> {
        vec![
            Assertion {
                column: 0,
                row: 0,
                value: 1,
            },
            Assertion {
                column: 1,
                row: 0,
                value: 1,
            },
            Assertion {
                column: 1,
                row: self.trace_length - 1,
                value: self.public_inputs[0],
            },
        ]
    }
    fn evaluate_transition<F: FieldOps>(
        &self,
        cur: &[F],
        nxt: &[F],
        _periodic: &[F],
        out: &mut [F],
    ) {
        out[0] = nxt[0].fsub(cur[0].fadd(cur[1]));
        out[1] = nxt[1].fsub(cur[1].fadd(nxt[0]));
    }
}

/// The `fib-small` trace of `n` rows (column-major [s0, s1]).
pub fn fib_trace(n: usize) -> Vec<Vec<u64>> {
    let mut s0 = vec![1u64];
    let mut s1 = vec![1u64];
    for i in 1..n {
        let a = gl::add(s0[i - 1], s1[i - 1]);
        s0.push(a);
        s1.push(gl::add(s1[i - 1], a));
    }
    vec![s0, s1]
}

// --- poseidon-chain ----------------------------------------------------------------------------

/// The id of [`PoseidonChainAir`].
pub const POSEIDON_CHAIN_AIR_ID: &str = "poseidon-chain";
/// 30 round rows and 2 padding rows per hash.
pub const ROWS_PER_HASH: usize = 32;
const ROUNDS: usize = poseidon::FULL_ROUNDS + poseidon::PARTIAL_ROUNDS;
const DIGEST: usize = 4;
const W: usize = poseidon::WIDTH;
/// g_j·u_j^7: a periodic selector times the S-box.
const TRANSITION_DEGREE: usize = 8;

fn is_full_round(r: usize) -> bool {
    let half = poseidon::FULL_ROUNDS / 2;
    r < half || r >= half + poseidon::PARTIAL_ROUNDS
}

/// `poseidon-chain` (`spec/stark/airs/poseidon_chain.py`): y = H^n(x), 12 columns (Poseidon lanes),
/// 12 transitions of degree 8, periodic columns m, f, rc_0 … rc_11 (cycle 32), 16 assertions.
#[derive(Debug, Clone)]
pub struct PoseidonChainAir {
    trace_length: usize,
    public_inputs: Vec<u64>,
    /// M[i][j] = CIRC[(j − i) mod 12] + DIAG[i]·[i = j].
    mds: [[u64; W]; W],
}

impl PoseidonChainAir {
    /// The statement for N rows and public inputs x0..x3, y0..y3.
    pub fn new(trace_length: usize, public_inputs: &[u64]) -> Result<PoseidonChainAir, AirError> {
        check_common(trace_length, public_inputs)?;
        if trace_length < ROWS_PER_HASH {
            return Err(AirError(format!(
                "{POSEIDON_CHAIN_AIR_ID} needs at least {ROWS_PER_HASH} rows (one hash)"
            )));
        }
        if public_inputs.len() != 2 * DIGEST {
            return Err(AirError(format!(
                "{POSEIDON_CHAIN_AIR_ID} takes 8 public inputs: x (4 elements), y (4 elements)"
            )));
        }
        let pr = poseidon::params();
        let mut mds = [[0u64; W]; W];
        for (i, row) in mds.iter_mut().enumerate() {
            for (j, m) in row.iter_mut().enumerate() {
                let d = if i == j { pr.diag[i] } else { 0 };
                *m = gl::add(pr.circ[(j + W - i) % W], d);
            }
        }
        Ok(PoseidonChainAir {
            trace_length,
            public_inputs: public_inputs.to_vec(),
            mds,
        })
    }
}

impl Air for PoseidonChainAir {
    fn air_id(&self) -> &'static str {
        POSEIDON_CHAIN_AIR_ID
    }
    fn width(&self) -> usize {
        W
    }
    fn trace_length(&self) -> usize {
        self.trace_length
    }
    fn public_inputs(&self) -> &[u64] {
        &self.public_inputs
    }
    fn transition_degrees(&self) -> Vec<usize> {
        vec![TRANSITION_DEGREE; W]
    }
    fn periodic_columns(&self) -> Vec<Vec<u64>> {
        let rc = &poseidon::params().round_constants;
        let m = (0..ROWS_PER_HASH).map(|r| u64::from(r < ROUNDS)).collect();
        let f = (0..ROWS_PER_HASH)
            .map(|r| u64::from(r < ROUNDS && is_full_round(r)))
            .collect();
        let mut out = vec![m, f];
        for i in 0..W {
            out.push(
                (0..ROWS_PER_HASH)
                    .map(|r| if r < ROUNDS { rc[W * r + i] } else { 0 })
                    .collect(),
            );
        }
        out
    }
    fn assertions(&self) -> Vec<Assertion> {
        let x = &self.public_inputs[..DIGEST];
        let y = &self.public_inputs[DIGEST..];
        let last = self.trace_length - 1;
        let mut out: Vec<Assertion> = (0..W)
            .map(|i| Assertion {
                column: i,
                row: 0,
                value: if i < DIGEST { x[i] } else { 0 },
            })
            .collect();
        out.extend((0..DIGEST).map(|i| Assertion {
            column: i,
            row: last,
            value: y[i],
        }));
        out
    }
    fn evaluate_transition<F: FieldOps>(
        &self,
        cur: &[F],
        nxt: &[F],
        periodic: &[F],
        out: &mut [F],
    ) {
        let m = periodic[0];
        let f = periodic[1];
        let rc = &periodic[2..];
        let mut sboxed = [F::constant(0); W];
        for j in 0..W {
            let u = cur[j].fadd(rc[j]);
            let g = if j == 0 { m } else { f };
            let u2 = u.fmul(u);
            let u3 = u2.fmul(u);
            let u4 = u2.fmul(u2);
            let u7 = u3.fmul(u4);
            sboxed[j] = m.fmul(u).fadd(g.fmul(u7.fsub(u)));
        }
        let not_m = F::constant(1).fsub(m);
        for i in 0..W {
            let mut mixed = F::constant(0);
            for j in 0..W {
                mixed = mixed.fadd(F::constant(self.mds[i][j]).fmul(sboxed[j]));
            }
            let v = nxt[i].fsub(mixed);
            out[i] = if i < DIGEST {
                v.fsub(not_m.fmul(cur[i]))
            } else {
                v
            };
        }
    }
}

/// The trace of `hashes` chained hashes from `x` (`spec`'s `chain_trace`; column-major 12 × 32n).
pub fn chain_trace(x: &[u64; 4], hashes: usize) -> Vec<Vec<u64>> {
    let rc = &poseidon::params().round_constants;
    let air = PoseidonChainAir::new(ROWS_PER_HASH.max(hashes * ROWS_PER_HASH), &[0; 8])
        .expect("valid shape");
    let mut cols: Vec<Vec<u64>> = (0..W)
        .map(|_| Vec::with_capacity(hashes * ROWS_PER_HASH))
        .collect();
    let mut h = *x;
    let mut push = |s: &[u64; W]| {
        for (c, &v) in cols.iter_mut().zip(s.iter()) {
            c.push(v);
        }
    };
    for _ in 0..hashes {
        let mut state = [0u64; W];
        state[..DIGEST].copy_from_slice(&h);
        for r in 0..ROUNDS {
            push(&state);
            let mut s = [0u64; W];
            for i in 0..W {
                let u = gl::add(state[i], rc[W * r + i]);
                s[i] = if i == 0 || is_full_round(r) {
                    poseidon::sbox(u)
                } else {
                    u
                };
            }
            for i in 0..W {
                let mut acc = 0u64;
                for j in 0..W {
                    acc = gl::add(acc, gl::mul(air.mds[i][j], s[j]));
                }
                state[i] = acc;
            }
        }
        push(&state);
        h.copy_from_slice(&state[..DIGEST]);
        let mut next = [0u64; W];
        next[..DIGEST].copy_from_slice(&h);
        push(&next);
    }
    cols
}

/// The natively known AIR built from an id, N and public inputs (the verifier's `AirDefinition`).
pub enum NativeAir {
    Fib(FibAir),
    PoseidonChain(Box<PoseidonChainAir>),
}

impl NativeAir {
    /// `build(N, public_inputs)` for the AIR family `air_id`.
    pub fn build(
        air_id: &str,
        trace_length: usize,
        public_inputs: &[u64],
    ) -> Result<NativeAir, AirError> {
        match air_id {
            FIB_AIR_ID => Ok(NativeAir::Fib(FibAir::new(trace_length, public_inputs)?)),
            POSEIDON_CHAIN_AIR_ID => Ok(NativeAir::PoseidonChain(Box::new(PoseidonChainAir::new(
                trace_length,
                public_inputs,
            )?))),
            _ => Err(AirError(format!("no native AIR with id {air_id:?}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fib_trace_satisfies_fib_air() {
        let t = fib_trace(64);
        let air = FibAir::new(64, &[t[1][63]]).unwrap();
        assert!(check_trace(&air, &t).is_ok());
        let bad = FibAir::new(64, &[gl::add(t[1][63], 1)]).unwrap();
        assert!(check_trace(&bad, &t).is_err());
    }

    #[test]
    fn chain_trace_satisfies_chain_air_and_matches_the_hash() {
        let x = [1, 2, 3, 4];
        let t = chain_trace(&x, 2);
        // y = H(H(x)) with H(h) = hash(h ‖ 0000, cap 0000)
        let mut h = x;
        for _ in 0..2 {
            let mut inp = [0u64; 8];
            inp[..4].copy_from_slice(&h);
            h = poseidon::hash(&inp, &[0; 4]);
        }
        let n = t[0].len();
        assert_eq!([t[0][n - 1], t[1][n - 1], t[2][n - 1], t[3][n - 1]], h);
        let mut pi = x.to_vec();
        pi.extend_from_slice(&h);
        let air = PoseidonChainAir::new(n, &pi).unwrap();
        assert!(check_trace(&air, &t).is_ok());
        let mut t2 = t.clone();
        t2[5][7] = gl::add(t2[5][7], 1);
        assert!(check_trace(&air, &t2).is_err());
    }
}
