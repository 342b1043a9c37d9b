//! The Fiat–Shamir transcript.
//!
//! Protocol contract §Transcript (mirrors `spec/stark/transcript.py`); the state is a 32-byte
//! digest of the chosen hasher:
//!
//! - init: state = hash_bytes(b"l2spec-stark-v1"), counter = 0;
//! - absorb(data): state = hash_bytes(state ‖ data), counter = 0;
//! - draw_u64(): out = hash_bytes(state ‖ counter as u64 LE), counter += 1; the value is the first
//!   8 bytes of out as a u64 LE;
//! - draw_felt(): draw_u64() until the value is < p; draw_ext(): three draw_felt() as (a0, a1, a2);
//! - draw_index(2^k): draw_u64() & (2^k − 1);
//! - grinding with g bits: the SMALLEST nonce ≥ 0 such that the u64 LE of the first 8 bytes of
//!   hash_bytes(state ‖ nonce as u64 LE), shifted right by 64 − g, is zero (g = 0: nonce 0); then
//!   absorb(nonce as u64 LE).
//!
//! The nonce search is split over rayon's pool in batches of consecutive nonces; in each batch
//! `find_first` returns the least valid nonce, and batches are scanned in increasing order, so the
//! result is the smallest valid nonce whatever the thread count (it matches the sequential spec).

use rayon::prelude::*;

use crate::ext3::Ext3;
use crate::goldilocks as gl;
use crate::hash::{Digest, Hasher};

/// The transcript's domain separator.
pub const SEED: &[u8] = b"l2spec-stark-v1";

/// Nonces per parallel batch of the grinding search.
const GRIND_BATCH: u64 = 1 << 14;

/// A Fiat–Shamir transcript.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transcript {
    hasher: Hasher,
    state: Digest,
    counter: u64,
}

/// Whether a digest's first 8 bytes (u64 LE) have `bits` leading zero bits.
fn has_leading_zeros(out: &Digest, bits: u32) -> bool {
    if bits == 0 {
        return true;
    }
    if bits > 64 {
        return false;
    }
    let mut w = [0u8; 8];
    w.copy_from_slice(&out[..8]);
    u64::from_le_bytes(w) >> (64 - bits) == 0
}

impl Transcript {
    /// A fresh transcript: state = hash_bytes(b"l2spec-stark-v1").
    pub fn new(hasher: Hasher) -> Transcript {
        Transcript {
            hasher,
            state: hasher.hash_bytes(SEED),
            counter: 0,
        }
    }

    /// The hasher.
    pub fn hasher(&self) -> Hasher {
        self.hasher
    }

    /// The current state digest.
    pub fn state(&self) -> Digest {
        self.state
    }

    /// The number of draws since the last absorb.
    pub fn counter(&self) -> u64 {
        self.counter
    }

    fn hash_state_with(&self, suffix: &[u8]) -> Digest {
        let mut buf = Vec::with_capacity(32 + suffix.len());
        buf.extend_from_slice(&self.state);
        buf.extend_from_slice(suffix);
        self.hasher.hash_bytes(&buf)
    }

    /// state = hash_bytes(state ‖ data); the draw counter restarts at 0.
    pub fn absorb(&mut self, data: &[u8]) {
        self.state = self.hash_state_with(data);
        self.counter = 0;
    }

    /// The next pseudo-random u64.
    pub fn draw_u64(&mut self) -> u64 {
        let out = self.hash_state_with(&self.counter.to_le_bytes());
        self.counter += 1;
        let mut w = [0u8; 8];
        w.copy_from_slice(&out[..8]);
        u64::from_le_bytes(w)
    }

    /// A uniformly drawn base element (rejection sampling below p).
    pub fn draw_felt(&mut self) -> u64 {
        loop {
            let v = self.draw_u64();
            if v < gl::P {
                return v;
            }
        }
    }

    /// A drawn E element: three base draws (a0, a1, a2).
    pub fn draw_ext(&mut self) -> Ext3 {
        let a0 = self.draw_felt();
        let a1 = self.draw_felt();
        let a2 = self.draw_felt();
        [a0, a1, a2]
    }

    /// An index in [0, domain_size) for a power-of-two domain size; None otherwise.
    pub fn draw_index(&mut self, domain_size: u64) -> Option<u64> {
        if domain_size == 0 || !domain_size.is_power_of_two() {
            return None;
        }
        Some(self.draw_u64() & (domain_size - 1))
    }

    /// Whether `nonce` meets a `bits`-bit grinding target on the current state (no state change).
    pub fn check_grinding(&self, nonce: u64, bits: u32) -> bool {
        bits == 0 || has_leading_zeros(&self.hash_state_with(&nonce.to_le_bytes()), bits)
    }

    /// The smallest nonce meeting the target (None if `bits` > 64 or no u64 nonce does).
    pub fn find_nonce(&self, bits: u32) -> Option<u64> {
        if bits == 0 {
            return Some(0);
        }
        if bits > 64 {
            return None;
        }
        if bits <= 8 {
            return (0..=u64::MAX).find(|&n| self.check_grinding(n, bits));
        }
        let mut start = 0u64;
        loop {
            let end = start.saturating_add(GRIND_BATCH);
            if let Some(n) = (start..end)
                .into_par_iter()
                .find_first(|&n| self.check_grinding(n, bits))
            {
                return Some(n);
            }
            if end == u64::MAX {
                return self.check_grinding(u64::MAX, bits).then_some(u64::MAX);
            }
            start = end;
        }
    }

    /// Verifier: if `nonce` meets the target, absorb it (as the prover did) and answer true;
    /// otherwise leave the transcript unchanged and answer false. Any valid nonce is accepted.
    pub fn verify_grinding(&mut self, nonce: u64, bits: u32) -> bool {
        if bits > 64 || !self.check_grinding(nonce, bits) {
            return false;
        }
        self.absorb(&nonce.to_le_bytes());
        true
    }

    /// Grinding: find the smallest valid nonce, absorb it, and return it.
    pub fn grind(&mut self, bits: u32) -> Option<u64> {
        let nonce = self.find_nonce(bits)?;
        self.absorb(&nonce.to_le_bytes());
        Some(nonce)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_and_absorb_follow_the_contract() {
        let t = Transcript::new(Hasher::Blake3);
        assert_eq!(t.state(), *blake3::hash(b"l2spec-stark-v1").as_bytes());
        let mut t2 = t.clone();
        t2.absorb(b"abc");
        let mut buf = t.state().to_vec();
        buf.extend_from_slice(b"abc");
        assert_eq!(t2.state(), *blake3::hash(&buf).as_bytes());
    }

    #[test]
    fn draws_count_and_reset() {
        for h in [Hasher::Blake3, Hasher::Poseidon] {
            let mut t = Transcript::new(h);
            let a = t.draw_u64();
            let b = t.draw_u64();
            assert_ne!(a, b);
            assert_eq!(t.counter(), 2);
            let mut buf = t.state().to_vec();
            buf.extend_from_slice(&0u64.to_le_bytes());
            let out = h.hash_bytes(&buf);
            assert_eq!(a, u64::from_le_bytes(out[..8].try_into().unwrap()));
            t.absorb(b"");
            assert_eq!(t.counter(), 0);
            let e = t.draw_ext();
            assert!(e.iter().all(|&x| x < gl::P));
            assert!(t.draw_index(64).unwrap() < 64);
            assert_eq!(t.draw_index(48), None);
        }
    }

    #[test]
    fn grinding_finds_the_smallest_nonce() {
        for h in [Hasher::Blake3, Hasher::Poseidon] {
            for bits in [0u32, 3, 9] {
                let t = Transcript::new(h);
                let n = t.find_nonce(bits).unwrap();
                assert!(t.check_grinding(n, bits));
                assert!(
                    (0..n).all(|m| !t.check_grinding(m, bits)),
                    "nonce {n} is not the smallest"
                );
                let mut t2 = t.clone();
                assert_eq!(t2.grind(bits), Some(n));
                let mut t3 = t.clone();
                t3.absorb(&n.to_le_bytes());
                assert_eq!(t2, t3);
            }
        }
    }
}
