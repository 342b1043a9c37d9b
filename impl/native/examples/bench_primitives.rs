//! Rough timings of the STARK primitives: `cargo run --release --example bench_primitives`
//! (RAYON_NUM_THREADS sets the thread count). Not a test; numbers are for orientation only.

use std::time::Instant;

use l2spec_native::{
    goldilocks as gl, hash::Hasher, merkle::MerkleTree, ntt, poseidon, transcript::Transcript,
};

fn time<T>(label: &str, reps: u32, mut f: impl FnMut() -> T) -> T {
    let mut out = f();
    let start = Instant::now();
    for _ in 0..reps {
        out = f();
    }
    let per = start.elapsed() / reps;
    println!("{label:<44} {per:>12.3?}");
    out
}

fn main() {
    println!("threads: {}", rayon::current_num_threads());
    let n = 1usize << 20;
    let col: Vec<u64> = (0..n as u64)
        .map(|i| gl::canonical(i.wrapping_mul(0x9e37_79b9_7f4a_7c15)))
        .collect();
    time("ntt 2^20 (base)", 5, || ntt::ntt(&col).unwrap());
    let small: Vec<u64> = col[..1 << 17].to_vec();
    time("lde 2^17 x B=8 (base)", 5, || ntt::lde(&small, 8).unwrap());
    let mut s = [1u64; 12];
    let per = 100_000;
    time("poseidon permute (sparse) x 100k", 1, || {
        for _ in 0..per {
            s = poseidon::permute(&s);
        }
    });
    time("poseidon permute (reference) x 100k", 1, || {
        for _ in 0..per {
            s = poseidon::permute_reference(&s);
        }
    });
    let rows: Vec<Vec<u64>> = (0..1u64 << 16)
        .map(|i| (0..8).map(|j| i * 8 + j).collect())
        .collect();
    time("merkle blake3 2^16 rows x 8", 3, || {
        MerkleTree::from_rows(Hasher::Blake3, &rows).unwrap().root()
    });
    time("merkle poseidon 2^16 rows x 8", 1, || {
        MerkleTree::from_rows(Hasher::Poseidon, &rows)
            .unwrap()
            .root()
    });
    let t = Transcript::new(Hasher::Blake3);
    time("grinding 16 bits blake3", 1, || t.find_nonce(16));
}
