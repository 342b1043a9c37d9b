//! BLAKE3-256 of eight equal-length messages at once (one message per SIMD lane).
//!
//! The same function as `blake3::hash` for messages of at most one chunk (1024 bytes), written
//! from the BLAKE3 specification (the paper "BLAKE3: one function, fast everywhere", §2.1–2.3):
//! a single-chunk message is split into 64-byte blocks (the last zero-padded; an empty message is
//! one empty block); the chaining value starts as the IV; block b is compressed with counter 0,
//! block length = its byte count, flags CHUNK_START on the first block, CHUNK_END | ROOT on the
//! last; the digest is the last compression's first eight output words (little-endian bytes).
//!
//! The Merkle commitments hash millions of short rows and node pairs; the `blake3` crate
//! compresses one short message at a time, so here the compression runs on eight messages with
//! each state word an array of eight lanes, which the compiler turns into vector instructions
//! (AVX2 where the CPU has it, chosen at run time; SSE2 otherwise). Only the speed differs: the
//! tests compare every length up to 1024 bytes with `blake3::hash`.

use crate::hash::Digest;

/// Lanes per call.
pub const LANES: usize = 8;
/// The largest message length (one chunk).
pub const MAX_LEN: usize = 1024;

const IV: [u32; 8] = [
    0x6A09_E667,
    0xBB67_AE85,
    0x3C6E_F372,
    0xA54F_F53A,
    0x510E_527F,
    0x9B05_688C,
    0x1F83_D9AB,
    0x5BE0_CD19,
];
const CHUNK_START: u32 = 1;
const CHUNK_END: u32 = 2;
const ROOT: u32 = 8;
/// The message word permutation applied between rounds.
const PERMUTATION: [usize; 16] = [2, 6, 3, 10, 7, 0, 4, 13, 1, 11, 12, 5, 9, 14, 15, 8];

type Lanes = [u32; LANES];

#[inline(always)]
fn add(a: Lanes, b: Lanes) -> Lanes {
    std::array::from_fn(|l| a[l].wrapping_add(b[l]))
}

#[inline(always)]
fn xor_rotr(a: Lanes, b: Lanes, r: u32) -> Lanes {
    std::array::from_fn(|l| (a[l] ^ b[l]).rotate_right(r))
}

/// The quarter-round G on state words a, b, c, d with message words x, y.
#[inline(always)]
fn g(v: &mut [Lanes; 16], a: usize, b: usize, c: usize, d: usize, x: Lanes, y: Lanes) {
    v[a] = add(add(v[a], v[b]), x);
    v[d] = xor_rotr(v[d], v[a], 16);
    v[c] = add(v[c], v[d]);
    v[b] = xor_rotr(v[b], v[c], 12);
    v[a] = add(add(v[a], v[b]), y);
    v[d] = xor_rotr(v[d], v[a], 8);
    v[c] = add(v[c], v[d]);
    v[b] = xor_rotr(v[b], v[c], 7);
}

/// The compression function on eight lanes (counter 0): the new chaining value (first 8 output
/// words).
#[inline(always)]
fn compress(cv: &[Lanes; 8], block: &[Lanes; 16], block_len: u32, flags: u32) -> [Lanes; 8] {
    let mut v: [Lanes; 16] = [[0; LANES]; 16];
    v[..8].copy_from_slice(cv);
    for i in 0..4 {
        v[8 + i] = [IV[i]; LANES];
    }
    // v[12], v[13]: the counter 0; v[14]: block length; v[15]: flags
    v[14] = [block_len; LANES];
    v[15] = [flags; LANES];
    let mut m = *block;
    for round in 0..7 {
        g(&mut v, 0, 4, 8, 12, m[0], m[1]);
        g(&mut v, 1, 5, 9, 13, m[2], m[3]);
        g(&mut v, 2, 6, 10, 14, m[4], m[5]);
        g(&mut v, 3, 7, 11, 15, m[6], m[7]);
        g(&mut v, 0, 5, 10, 15, m[8], m[9]);
        g(&mut v, 1, 6, 11, 12, m[10], m[11]);
        g(&mut v, 2, 7, 8, 13, m[12], m[13]);
        g(&mut v, 3, 4, 9, 14, m[14], m[15]);
        if round < 6 {
            m = std::array::from_fn(|i| m[PERMUTATION[i]]);
        }
    }
    std::array::from_fn(|i| std::array::from_fn(|l| v[i][l] ^ v[i + 8][l]))
}

#[inline(always)]
fn hash8_body(messages: &[&[u8]; LANES]) -> [Digest; LANES] {
    let len = messages[0].len();
    let blocks = len.div_ceil(64).max(1);
    let mut cv: [Lanes; 8] = std::array::from_fn(|i| [IV[i]; LANES]);
    for b in 0..blocks {
        let start = 64 * b;
        let block_len = (len - start).min(64);
        let mut words: [Lanes; 16] = [[0; LANES]; 16];
        for (l, msg) in messages.iter().enumerate() {
            let mut bytes = [0u8; 64];
            bytes[..block_len].copy_from_slice(&msg[start..start + block_len]);
            for (i, w) in words.iter_mut().enumerate() {
                w[l] = u32::from_le_bytes([
                    bytes[4 * i],
                    bytes[4 * i + 1],
                    bytes[4 * i + 2],
                    bytes[4 * i + 3],
                ]);
            }
        }
        let mut flags = 0;
        if b == 0 {
            flags |= CHUNK_START;
        }
        if b == blocks - 1 {
            flags |= CHUNK_END | ROOT;
        }
        cv = compress(&cv, &words, block_len as u32, flags);
    }
    std::array::from_fn(|l| {
        let mut d = [0u8; 32];
        for (i, w) in cv.iter().enumerate() {
            d[4 * i..4 * i + 4].copy_from_slice(&w[l].to_le_bytes());
        }
        d
    })
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn hash8_avx2(messages: &[&[u8]; LANES]) -> [Digest; LANES] {
    hash8_body(messages)
}

fn hash8_generic(messages: &[&[u8]; LANES]) -> [Digest; LANES] {
    hash8_body(messages)
}

/// BLAKE3-256 of each of eight messages of one common length ≤ [`MAX_LEN`] bytes.
///
/// Panics if the lengths differ or exceed one chunk (callers pass equal-width rows or node
/// pairs).
pub fn hash8(messages: &[&[u8]; LANES]) -> [Digest; LANES] {
    let len = messages[0].len();
    assert!(
        len <= MAX_LEN && messages.iter().all(|m| m.len() == len),
        "hash8 takes eight messages of one length ≤ 1024 bytes"
    );
    #[cfg(target_arch = "x86_64")]
    {
        if std::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2 (checked just above).
            return unsafe { hash8_avx2(messages) };
        }
    }
    hash8_generic(messages)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equals_blake3_for_every_single_chunk_length() {
        let data: Vec<u8> = (0..8 * MAX_LEN)
            .map(|i| (i as u32).wrapping_mul(2_654_435_761).to_le_bytes()[3])
            .collect();
        for len in 0..=MAX_LEN {
            let msgs: [&[u8]; LANES] =
                std::array::from_fn(|l| &data[l * MAX_LEN..l * MAX_LEN + len]);
            let fast = hash8(&msgs);
            let generic = hash8_generic(&msgs);
            for l in 0..LANES {
                assert_eq!(
                    fast[l],
                    *blake3::hash(msgs[l]).as_bytes(),
                    "len {len} lane {l}"
                );
                assert_eq!(generic[l], fast[l]);
            }
        }
    }

    #[test]
    #[should_panic]
    fn unequal_lengths_are_refused() {
        let a = [0u8; 16];
        let b = [0u8; 8];
        let mut msgs: [&[u8]; LANES] = [&a; LANES];
        msgs[3] = &b;
        let _ = hash8(&msgs);
    }
}
