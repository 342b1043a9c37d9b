//! Poseidon over Goldilocks (Plonky2's `PoseidonGoldilocks`, used unchanged by Polygon zkEVM).
//!
//! Mirrors `spec/zk/poseidon.py`: width 12 (8 rate + 4 capacity lanes), S-box x^7, 4 full rounds,
//! 22 partial rounds, 4 full rounds. Round r adds RC[12r + i] to every lane, applies the S-box to
//! every lane (full) or lane 0 (partial), then mixes with M[i][j] = CIRC[(j − i) mod 12] + DIAG[i]·[i
//! = j] (DIAG = [8, 0, …]): out[i] = Σ_k CIRC[k]·s[(i + k) mod 12] + DIAG[i]·s[i].
//!
//! The constants are the package data file `spec/zk/data/poseidon_goldilocks.json` (Plonky2's
//! `ALL_ROUND_CONSTANTS`, `MDS_MATRIX_CIRC`, `MDS_MATRIX_DIAG`), embedded at compile time and parsed
//! once. [`permute_reference`] is the straightforward permutation; [`permute`] is the same map with
//! the partial rounds rewritten (constants moved to lane 0, the dense MDS factored into sparse
//! matrices, see [`FastPartial`]). Both are checked against each other and the Plonky2 vectors.

use std::sync::OnceLock;

use crate::goldilocks as gl;

/// State width t.
pub const WIDTH: usize = 12;
/// Input (rate) lanes of the hash H(in[8], cap[4]).
pub const RATE: usize = 8;
/// Capacity lanes.
pub const CAPACITY: usize = 4;
/// R_F, split 4 + 4.
pub const FULL_ROUNDS: usize = 8;
/// R_P.
pub const PARTIAL_ROUNDS: usize = 22;
const HALF_FULL: usize = FULL_ROUNDS / 2;
const ROUNDS: usize = FULL_ROUNDS + PARTIAL_ROUNDS;

/// A Poseidon state.
pub type State = [u64; WIDTH];

const DATA: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../spec/zk/data/poseidon_goldilocks.json"
));

/// The permutation's parameters as data.
pub struct Params {
    /// RC[12r + i] (360 values).
    pub round_constants: Vec<u64>,
    /// The MDS circulant's first row.
    pub circ: [u64; WIDTH],
    /// The MDS diagonal addend.
    pub diag: [u64; WIDTH],
}

/// The list of JSON values after `"key": [` up to the matching `]` (flat lists only).
fn json_list<'a>(text: &'a str, key: &str) -> Vec<&'a str> {
    let quoted = format!("\"{key}\"");
    let start = text
        .find(&quoted)
        .unwrap_or_else(|| panic!("poseidon data lacks {key}"));
    let rest = &text[start + quoted.len()..];
    let open = rest.find('[').expect("a list follows the key");
    let close = rest[open..].find(']').expect("the list is closed") + open;
    rest[open + 1..close]
        .split(',')
        .map(|s| s.trim().trim_matches('"'))
        .collect()
}

fn parse_u64(s: &str) -> u64 {
    match s.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).expect("hex constant"),
        None => s.parse().expect("decimal constant"),
    }
}

fn load() -> Params {
    assert!(
        DATA.contains("\"p\": \"0xffffffff00000001\""),
        "poseidon data is for Goldilocks"
    );
    let round_constants: Vec<u64> = json_list(DATA, "round_constants")
        .into_iter()
        .map(parse_u64)
        .collect();
    assert_eq!(round_constants.len(), WIDTH * ROUNDS, "360 round constants");
    assert!(
        round_constants.iter().all(|&c| c < gl::P),
        "round constants are field elements"
    );
    let circ: Vec<u64> = json_list(DATA, "mds_circ")
        .into_iter()
        .map(parse_u64)
        .collect();
    let diag: Vec<u64> = json_list(DATA, "mds_diag")
        .into_iter()
        .map(parse_u64)
        .collect();
    Params {
        round_constants,
        circ: circ.try_into().expect("12 circulant entries"),
        diag: diag.try_into().expect("12 diagonal entries"),
    }
}

/// The parameters (parsed on first use).
pub fn params() -> &'static Params {
    static PARAMS: OnceLock<Params> = OnceLock::new();
    PARAMS.get_or_init(load)
}

/// x^7.
#[inline]
pub fn sbox(x: u64) -> u64 {
    let x2 = gl::mul(x, x);
    let x3 = gl::mul(x2, x);
    let x4 = gl::mul(x2, x2);
    gl::mul(x3, x4)
}

/// The MDS layer. The circulant entries are small (< 2^7), so each output is one u128 sum of 13
/// products (< 2^75) and one reduction.
#[inline]
pub fn mds(s: &State, pr: &Params) -> State {
    // s twice in a row, so that s[(i + k) mod 12] = doubled[i + k] without a division.
    let mut doubled = [0u64; 2 * WIDTH];
    doubled[..WIDTH].copy_from_slice(s);
    doubled[WIDTH..].copy_from_slice(s);
    let mut out = [0u64; WIDTH];
    for (i, o) in out.iter_mut().enumerate() {
        let mut acc: u128 = (pr.diag[i] as u128) * (s[i] as u128);
        for (k, &c) in pr.circ.iter().enumerate() {
            acc += (c as u128) * (doubled[i + k] as u128);
        }
        *o = gl::reduce128(acc);
    }
    out
}

/// The MDS matrix as rows, M[i][j].
fn mds_matrix(pr: &Params) -> Vec<Vec<u64>> {
    (0..WIDTH)
        .map(|i| {
            (0..WIDTH)
                .map(|j| {
                    let d = if i == j { pr.diag[i] } else { 0 };
                    gl::add(pr.circ[(j + WIDTH - i) % WIDTH], d)
                })
                .collect()
        })
        .collect()
}

fn full_round(s: &mut State, r: usize, pr: &Params) {
    for i in 0..WIDTH {
        s[i] = sbox(gl::add(s[i], pr.round_constants[WIDTH * r + i]));
    }
    *s = mds(s, pr);
}

/// The permutation exactly as specified, round by round (inputs taken mod p).
pub fn permute_reference(state: &State) -> State {
    let pr = params();
    let mut s = state.map(gl::canonical);
    for r in 0..ROUNDS {
        if r < HALF_FULL || r >= HALF_FULL + PARTIAL_ROUNDS {
            full_round(&mut s, r, pr);
        } else {
            s[0] = gl::add(s[0], pr.round_constants[WIDTH * r]);
            for i in 1..WIDTH {
                s[i] = gl::add(s[i], pr.round_constants[WIDTH * r + i]);
            }
            s[0] = sbox(s[0]);
            s = mds(&s, pr);
        }
    }
    s
}

// --- the sparse partial rounds -------------------------------------------------------------------
//
// Write a partial round i (i = 0 … R_P − 1) as s ← M·S(s + c_i), S = the S-box on lane 0 only.
//
// 1. Constants to lane 0. For any vector w, M·x + w = M·(x + M⁻¹w), and a vector u with u[0] = 0
//    commutes with S: S(y) + u = S(y + u). So the constant c_{i+1} of round i + 1 moves back through
//    round i's M as w = M⁻¹·acc: its lane-0 part w[0] stays as a scalar k_i added to lane 0 right
//    after round i's S-box, the rest (0, w[1..]) joins c_i. Backwards from acc = c_{R_P−1}:
//        w = M⁻¹·acc;  k_i = w[0];  acc = c_i + (0, w[1..])      for i = R_P − 2 … 0,
//    leaving one full vector acc_0 added before the first partial round and rounds
//        s[0] ← S-box(s[0]) (+ k_i if i < R_P − 1);  s ← M·s.
//
// 2. Sparse matrices. Split a 12×12 matrix C as [[c00, r],[c, Ĉ]] (r a row of 11, c a column of 11,
//    Ĉ 11×11). Then C = Sp·D with D = [[1, 0],[0, Ĉ]] and Sp = [[c00, r·Ĉ⁻¹],[c, I]]:
//    Sp·D = [[c00, r·Ĉ⁻¹·Ĉ],[c, Ĉ]] = C. D leaves lane 0 alone and lanes 1..11 do not read lane 0,
//    so D commutes with the lane-0 S-box and the lane-0 constant k; it moves into the previous
//    round's matrix. Backwards from C_{R_P−1} = M:
//        (Sp_i, D_i) = split(C_i);  C_{i−1} = D_i·M                     for i = R_P − 1 … 0,
//    and D_0 is applied once, right after acc_0 is added. Each Sp_i costs 23 products instead of 144:
//        out[0] = c00·s[0] + Σ_{j≥1} (r·Ĉ⁻¹)[j]·s[j];   out[j] = c[j]·s[0] + s[j]  (j ≥ 1).
//    (Plonky2 publishes tables of this kind, FAST_PARTIAL_*; these are derived here from M alone.)

/// The precomputed tables of the rewritten partial rounds.
pub struct FastPartial {
    /// acc_0: the full constant vector added before the first partial round.
    pub first_constants: State,
    /// D_0's 11×11 block Ĉ (rows), applied to lanes 1..11 after acc_0.
    pub initial_matrix: Vec<Vec<u64>>,
    /// k_i for i < R_P − 1 (the last partial round has none).
    pub lane0_constants: Vec<u64>,
    /// Sp_i's c00 (= M[0][0] in every round).
    pub m00: Vec<u64>,
    /// Sp_i's first row after c00: r·Ĉ⁻¹ (11 values per round).
    pub row: Vec<[u64; WIDTH - 1]>,
    /// Sp_i's first column below c00: c (11 values per round).
    pub col: Vec<[u64; WIDTH - 1]>,
}

type Matrix = Vec<Vec<u64>>;

fn mat_mul(a: &Matrix, b: &Matrix) -> Matrix {
    let (n, m, k) = (a.len(), b[0].len(), b.len());
    (0..n)
        .map(|i| {
            (0..m)
                .map(|j| (0..k).fold(0, |acc, t| gl::add(acc, gl::mul(a[i][t], b[t][j]))))
                .collect()
        })
        .collect()
}

fn mat_vec(a: &Matrix, v: &[u64]) -> Vec<u64> {
    a.iter()
        .map(|row| {
            row.iter()
                .zip(v)
                .fold(0, |acc, (&x, &y)| gl::add(acc, gl::mul(x, y)))
        })
        .collect()
}

/// The inverse of a square matrix over F by Gauss–Jordan elimination (panics if singular: MDS
/// matrices and their square submatrices are invertible by definition).
fn mat_inv(a: &Matrix) -> Matrix {
    let n = a.len();
    let mut aug: Matrix = a
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let mut r = row.clone();
            r.extend((0..n).map(|j| u64::from(i == j)));
            r
        })
        .collect();
    for col in 0..n {
        let pivot = (col..n)
            .find(|&r| aug[r][col] != 0)
            .expect("MDS submatrices are invertible");
        aug.swap(col, pivot);
        let inv = gl::inv(aug[col][col]).expect("nonzero pivot");
        for x in aug[col].iter_mut() {
            *x = gl::mul(*x, inv);
        }
        for r in 0..n {
            if r != col && aug[r][col] != 0 {
                let f = aug[r][col];
                for c in 0..2 * n {
                    let v = gl::mul(f, aug[col][c]);
                    aug[r][c] = gl::sub(aug[r][c], v);
                }
            }
        }
    }
    aug.into_iter().map(|r| r[n..].to_vec()).collect()
}

fn compute_fast_partial(pr: &Params) -> FastPartial {
    let m = mds_matrix(pr);
    let m_inv = mat_inv(&m);
    let rc = |round: usize| -> Vec<u64> {
        let r = HALF_FULL + round;
        pr.round_constants[WIDTH * r..WIDTH * (r + 1)].to_vec()
    };

    // 1. constants
    let mut acc = rc(PARTIAL_ROUNDS - 1);
    let mut lane0_constants = vec![0u64; PARTIAL_ROUNDS - 1];
    for i in (0..PARTIAL_ROUNDS - 1).rev() {
        let w = mat_vec(&m_inv, &acc);
        lane0_constants[i] = w[0];
        let c = rc(i);
        acc = (0..WIDTH)
            .map(|j| if j == 0 { c[0] } else { gl::add(c[j], w[j]) })
            .collect();
    }
    let first_constants: State = acc.try_into().expect("12 lanes");

    // 2. matrices
    let mut m00 = vec![0u64; PARTIAL_ROUNDS];
    let mut row = vec![[0u64; WIDTH - 1]; PARTIAL_ROUNDS];
    let mut col = vec![[0u64; WIDTH - 1]; PARTIAL_ROUNDS];
    let mut cur = m.clone();
    let mut hat: Matrix = Vec::new();
    for i in (0..PARTIAL_ROUNDS).rev() {
        hat = cur[1..].iter().map(|r| r[1..].to_vec()).collect();
        let hat_inv = mat_inv(&hat);
        let r: Matrix = vec![cur[0][1..].to_vec()];
        let r_hat = mat_mul(&r, &hat_inv);
        m00[i] = cur[0][0];
        row[i].copy_from_slice(&r_hat[0]);
        for j in 1..WIDTH {
            col[i][j - 1] = cur[j][0];
        }
        // C_{i−1} = D_i·M with D_i = diag(1, Ĉ).
        let mut d: Matrix = vec![vec![0u64; WIDTH]; WIDTH];
        d[0][0] = 1;
        for a in 1..WIDTH {
            d[a][1..].copy_from_slice(&hat[a - 1]);
        }
        cur = mat_mul(&d, &m);
    }
    FastPartial {
        first_constants,
        initial_matrix: hat,
        lane0_constants,
        m00,
        row,
        col,
    }
}

/// The partial-round tables (computed on first use).
pub fn fast_partial() -> &'static FastPartial {
    static FAST: OnceLock<FastPartial> = OnceLock::new();
    FAST.get_or_init(|| compute_fast_partial(params()))
}

/// The permutation with sparse partial rounds; the same map as [`permute_reference`].
pub fn permute(state: &State) -> State {
    let pr = params();
    let fp = fast_partial();
    let mut s = state.map(gl::canonical);
    for r in 0..HALF_FULL {
        full_round(&mut s, r, pr);
    }
    for (x, &c) in s.iter_mut().zip(fp.first_constants.iter()) {
        *x = gl::add(*x, c);
    }
    let mut tail = [0u64; WIDTH - 1];
    for (t, row) in tail.iter_mut().zip(fp.initial_matrix.iter()) {
        *t = row
            .iter()
            .zip(&s[1..])
            .fold(0, |acc, (&a, &b)| gl::add(acc, gl::mul(a, b)));
    }
    s[1..].copy_from_slice(&tail);
    for i in 0..PARTIAL_ROUNDS {
        s[0] = sbox(s[0]);
        if i < PARTIAL_ROUNDS - 1 {
            s[0] = gl::add(s[0], fp.lane0_constants[i]);
        }
        // Sp_i·s: 12 reduced products (each < 2^64) sum in a u128 without overflow.
        let s0 = s[0];
        let mut out0 = gl::mul(fp.m00[i], s0) as u128;
        for j in 1..WIDTH {
            out0 += gl::mul(fp.row[i][j - 1], s[j]) as u128;
            s[j] = gl::add(s[j], gl::mul(fp.col[i][j - 1], s0));
        }
        s[0] = gl::reduce128(out0);
    }
    for r in HALF_FULL + PARTIAL_ROUNDS..ROUNDS {
        full_round(&mut s, r, pr);
    }
    s
}

/// Polygon's H(in[8], cap[4]): permute in ‖ cap and return lanes 0..3.
pub fn hash(inputs: &[u64; RATE], capacity: &[u64; CAPACITY]) -> [u64; 4] {
    let mut s = [0u64; WIDTH];
    s[..RATE].copy_from_slice(inputs);
    s[RATE..].copy_from_slice(capacity);
    let out = permute(&s);
    [out[0], out[1], out[2], out[3]]
}

#[cfg(test)]
mod tests {
    use super::*;

    // Plonky2 `poseidon_goldilocks.rs` test vectors (also /work/shared/vectors/polygon).
    const VECTORS: [(State, State); 3] = [
        (
            [0; 12],
            [
                0x3c18a9786cb0b359,
                0xc4055e3364a246c3,
                0x7953db0ab48808f4,
                0xc71603f33a1144ca,
                0xd7709673896996dc,
                0x46a84e87642f44ed,
                0xd032648251ee0b3c,
                0x1c687363b207df62,
                0xdf8565563e8045fe,
                0x40f5b37ff4254dae,
                0xd070f637b431067c,
                0x1792b1c4342109d7,
            ],
        ),
        (
            [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
            [
                0xd64e1e3efc5b8e9e,
                0x53666633020aaa47,
                0xd40285597c6a8825,
                0x613a4f81e81231d2,
                0x414754bfebd051f0,
                0xcb1f8980294a023f,
                0x6eb2a9e4d54a9d0f,
                0x1902bc3af467e056,
                0xf045d5eafdc6021f,
                0xe4150f77caaa3be5,
                0xc9bfd01d39b50cce,
                0x5c0a27fcb0e1459b,
            ],
        ),
        (
            [gl::P - 1; 12],
            [
                0xbe0085cfc57a8357,
                0xd95af71847d05c09,
                0xcf55a13d33c1c953,
                0x95803a74f4530e82,
                0xfcd99eb30a135df1,
                0xe095905e913a3029,
                0xde0392461b42919b,
                0x7d3260e24e81d031,
                0x10d3d0465d9deaa0,
                0xa87571083dfc2a47,
                0xe18263681e9958f8,
                0xe28e96f1ae5e60d3,
            ],
        ),
    ];

    #[test]
    fn reference_and_fast_match_plonky2_vectors() {
        for (input, output) in VECTORS {
            assert_eq!(permute_reference(&input), output);
            assert_eq!(permute(&input), output);
        }
    }

    #[test]
    fn fast_matches_reference_on_random_states() {
        let mut seed = 0x1234u64;
        for _ in 0..200 {
            let mut s = [0u64; WIDTH];
            for x in s.iter_mut() {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                *x = seed;
            }
            assert_eq!(permute(&s), permute_reference(&s));
        }
    }

    #[test]
    fn mds_inverse_is_an_inverse() {
        let m = mds_matrix(params());
        let prod = mat_mul(&m, &mat_inv(&m));
        for (i, row) in prod.iter().enumerate() {
            for (j, &x) in row.iter().enumerate() {
                assert_eq!(x, u64::from(i == j));
            }
        }
    }

    #[test]
    fn hash_zero_is_polygon_constant() {
        // zkevm-commonjs constants.js HASH_POSEIDON_ALL_ZEROES, as h0..h3.
        assert_eq!(
            hash(&[0; 8], &[0; 4]),
            [
                0x3c18a9786cb0b359,
                0xc4055e3364a246c3,
                0x7953db0ab48808f4,
                0xc71603f33a1144ca
            ]
        );
    }
}
