//! The STARK's two hashers, "blake3" and "poseidon", each with a 32-byte digest.
//!
//! Protocol contract §Hashes (mirrors `spec/stark/hashing.py`):
//!
//! - `hash_elements(row)`: blake3 = BLAKE3-256 of the elements' 8-byte little-endian encodings
//!   concatenated; poseidon = pil-stark's LinearHash: a row of ≤ 4 elements is its own digest
//!   (zero-padded to 4); otherwise st = [0; 4] and for each chunk of 8 (the last zero-padded)
//!   st = H(chunk, capacity = st); the digest is st.
//! - `merge(left, right)` (a Merkle node): blake3 = BLAKE3-256(left ‖ right); poseidon =
//!   H(left4 ‖ right4, capacity = [0; 4]) where a digest's 4 elements are its 8-byte LE words.
//! - `hash_bytes(data)` (the transcript): blake3 = BLAKE3-256(data); poseidon =
//!   hash_elements(bytes_to_elements(data)), where bytes_to_elements appends 0x01, zero-pads to a
//!   multiple of 7 and reads each 7-byte little-endian chunk as one element (< 2^56 < p).
//!
//! A Poseidon digest's bytes are its 4 elements, 8 bytes LE each. The functions here assume valid
//! inputs (canonical elements, digests passing [`Hasher::is_valid_digest`]); the prover only feeds
//! them its own values, and the boundaries that take outside data (the Python bindings, Merkle
//! verification) check first. (Were a non-canonical word to reach the permutation it would be
//! taken mod p, as `spec/zk/poseidon.permute` does.)

use crate::goldilocks as gl;
use crate::poseidon;

/// A 32-byte digest.
pub type Digest = [u8; 32];

/// The hash option of a proof (its u8 id in the encoded parameters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hasher {
    /// BLAKE3-256 (id 0).
    Blake3,
    /// Polygon's Poseidon over Goldilocks (id 1).
    Poseidon,
}

impl Hasher {
    /// The hasher of a contract name ("blake3" or "poseidon").
    pub fn from_name(name: &str) -> Option<Hasher> {
        match name {
            "blake3" => Some(Hasher::Blake3),
            "poseidon" => Some(Hasher::Poseidon),
            _ => None,
        }
    }

    /// The hasher of an encoded id (0 blake3, 1 poseidon).
    pub fn from_id(id: u8) -> Option<Hasher> {
        match id {
            0 => Some(Hasher::Blake3),
            1 => Some(Hasher::Poseidon),
            _ => None,
        }
    }

    /// The contract name.
    pub fn name(self) -> &'static str {
        match self {
            Hasher::Blake3 => "blake3",
            Hasher::Poseidon => "poseidon",
        }
    }

    /// Whether 32 bytes are a digest this hasher can produce: any bytes for blake3; for poseidon,
    /// four canonical 8-byte LE limbs (so that a digest has exactly one byte form, as
    /// `spec/stark/hashing.py` `is_valid_digest` requires).
    pub fn is_valid_digest(self, digest: &Digest) -> bool {
        match self {
            Hasher::Blake3 => true,
            Hasher::Poseidon => digest_to_words(digest).iter().all(|&w| w < gl::P),
        }
    }

    /// The digest of a row of base elements (a Merkle leaf).
    pub fn hash_elements(self, elements: &[u64]) -> Digest {
        match self {
            Hasher::Blake3 => {
                let mut h = blake3::Hasher::new();
                for &e in elements {
                    h.update(&e.to_le_bytes());
                }
                *h.finalize().as_bytes()
            }
            Hasher::Poseidon => words_to_digest(&linear_hash(elements)),
        }
    }

    /// A Merkle node from its two children.
    pub fn merge(self, left: &Digest, right: &Digest) -> Digest {
        match self {
            Hasher::Blake3 => {
                let mut h = blake3::Hasher::new();
                h.update(left);
                h.update(right);
                *h.finalize().as_bytes()
            }
            Hasher::Poseidon => {
                let mut inputs = [0u64; poseidon::RATE];
                inputs[..4].copy_from_slice(&digest_to_words(left));
                inputs[4..].copy_from_slice(&digest_to_words(right));
                words_to_digest(&poseidon::hash(&inputs, &[0; poseidon::CAPACITY]))
            }
        }
    }

    /// The digest of a byte string (the transcript's hash).
    pub fn hash_bytes(self, data: &[u8]) -> Digest {
        match self {
            Hasher::Blake3 => *blake3::hash(data).as_bytes(),
            Hasher::Poseidon => words_to_digest(&linear_hash(&bytes_to_elements(data))),
        }
    }
}

/// pil-stark LinearHash over base elements (inputs taken mod p by the permutation).
pub fn linear_hash(elements: &[u64]) -> [u64; 4] {
    if elements.len() <= 4 {
        let mut out = [0u64; 4];
        for (o, &e) in out.iter_mut().zip(elements) {
            *o = gl::canonical(e);
        }
        return out;
    }
    let mut st = [0u64; poseidon::CAPACITY];
    for chunk in elements.chunks(poseidon::RATE) {
        let mut block = [0u64; poseidon::RATE];
        block[..chunk.len()].copy_from_slice(chunk);
        st = poseidon::hash(&block, &st);
    }
    st
}

/// Bytes to base elements: append 0x01, zero-pad to a multiple of 7, one element per 7-byte
/// little-endian chunk.
pub fn bytes_to_elements(data: &[u8]) -> Vec<u64> {
    let mut padded = Vec::with_capacity(data.len() + 8);
    padded.extend_from_slice(data);
    padded.push(0x01);
    while padded.len() % 7 != 0 {
        padded.push(0);
    }
    padded
        .chunks(7)
        .map(|c| {
            let mut w = [0u8; 8];
            w[..7].copy_from_slice(c);
            u64::from_le_bytes(w)
        })
        .collect()
}

/// Four 64-bit words as 32 bytes (8 bytes LE each).
pub fn words_to_digest(words: &[u64; 4]) -> Digest {
    let mut out = [0u8; 32];
    for (i, w) in words.iter().enumerate() {
        out[8 * i..8 * i + 8].copy_from_slice(&w.to_le_bytes());
    }
    out
}

/// 32 bytes as four 64-bit LE words.
pub fn digest_to_words(d: &Digest) -> [u64; 4] {
    let mut out = [0u64; 4];
    for (i, o) in out.iter_mut().enumerate() {
        let mut w = [0u8; 8];
        w.copy_from_slice(&d[8 * i..8 * i + 8]);
        *o = u64::from_le_bytes(w);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blake3_elements_are_le_bytes() {
        let h = Hasher::Blake3.hash_elements(&[1, 2]);
        let mut bytes = 1u64.to_le_bytes().to_vec();
        bytes.extend_from_slice(&2u64.to_le_bytes());
        assert_eq!(h, *blake3::hash(&bytes).as_bytes());
        // BLAKE3("") from the BLAKE3 reference test vectors.
        assert_eq!(
            Hasher::Blake3.hash_elements(&[]).to_vec(),
            hex("af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262")
        );
    }

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn poseidon_short_rows_are_their_own_digest() {
        assert_eq!(linear_hash(&[5, 6, 7]), [5, 6, 7, 0]);
        assert_eq!(linear_hash(&[]), [0; 4]);
        let d = Hasher::Poseidon.hash_elements(&[1, 2, 3, 4]);
        assert_eq!(digest_to_words(&d), [1, 2, 3, 4]);
    }

    #[test]
    fn poseidon_long_rows_chain_capacity() {
        let row: Vec<u64> = (1..=9).collect();
        let first = poseidon::hash(&[1, 2, 3, 4, 5, 6, 7, 8], &[0; 4]);
        let second = poseidon::hash(&[9, 0, 0, 0, 0, 0, 0, 0], &first);
        assert_eq!(linear_hash(&row), second);
        assert_eq!(
            linear_hash(&row[..5]),
            poseidon::hash(&[1, 2, 3, 4, 5, 0, 0, 0], &[0; 4])
        );
    }

    #[test]
    fn bytes_to_elements_pads_with_one() {
        assert_eq!(bytes_to_elements(b""), vec![1]);
        assert_eq!(bytes_to_elements(&[0xaa; 6]), vec![0x01aa_aaaa_aaaa_aa]);
        assert_eq!(
            bytes_to_elements(&[0xff; 7]),
            vec![0x00ff_ffff_ffff_ffff, 1]
        );
    }

    #[test]
    fn merge_poseidon_is_h_of_both_digests() {
        let l = words_to_digest(&[1, 2, 3, 4]);
        let r = words_to_digest(&[5, 6, 7, 8]);
        let expect = poseidon::hash(&[1, 2, 3, 4, 5, 6, 7, 8], &[0; 4]);
        assert_eq!(digest_to_words(&Hasher::Poseidon.merge(&l, &r)), expect);
    }
}
