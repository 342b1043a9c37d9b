"""The Fiat–Shamir transcript of the STARK (contract §Transcript).

The state is a 32-byte digest of the chosen :class:`~l2spec.spec.stark.hashing.Hasher`:

- init: ``state = hash_bytes(b"l2spec-stark-v1")``;
- ``absorb(data)``: ``state = hash_bytes(state ‖ data)``, and the draw counter is reset to 0;
- ``draw_u64()``: ``out = hash_bytes(state ‖ counter as u64 LE)``, then ``counter += 1``; the value
  is the first 8 bytes of ``out`` as a little-endian u64 (the state itself does not change);
- ``draw_felt()``: repeat ``draw_u64()`` until the value is ``< p``;
- ``draw_ext()``: three ``draw_felt()`` → ``(a0, a1, a2)``;
- ``draw_index(2^k)``: ``draw_u64() & (2^k − 1)``;
- grinding with ``g`` bits: the smallest nonce ``n >= 0`` such that the first 8 bytes of
  ``hash_bytes(state ‖ n as u64 LE)``, read as a u64 LE, shifted right by ``64 − g`` are zero
  (``g = 0``: nonce 0), then ``absorb(n as u64 LE)``.

The prover and the verifier run the same sequence of calls; the protocol modules decide what is
absorbed (contract §Transcript, "What is absorbed").
"""

from __future__ import annotations

from l2spec.spec.stark.errors import StarkError
from l2spec.spec.stark.extension import Ext
from l2spec.spec.stark.field import P, log2_exact
from l2spec.spec.stark.hashing import Hasher

DOMAIN_SEPARATOR = b"l2spec-stark-v1"
"""The bytes hashed into the initial state."""

U64_MASK = 2**64 - 1
MAX_GRINDING_BITS = 64
"""Grinding bits beyond 64 have no meaning (the work value is a u64)."""


def u64_le(value: int) -> bytes:
    """``value`` as 8 bytes little-endian (``0 <= value < 2^64``)."""
    if not 0 <= value <= U64_MASK:
        raise StarkError(f"{value} is not a u64")
    return value.to_bytes(8, "little")


def grinding_ok(hasher: Hasher, state: bytes, nonce: int, bits: int) -> bool:
    """Whether ``nonce`` meets ``bits`` of proof of work on ``state`` (contract §Transcript).

    The top ``bits`` bits of ``u64_LE(first 8 bytes of hash_bytes(state ‖ nonce u64 LE))`` are zero.
    """
    if not 0 <= bits <= MAX_GRINDING_BITS:
        raise StarkError(f"grinding bits {bits} out of range [0, 64]")
    if not 0 <= nonce <= U64_MASK:
        return False
    if bits == 0:
        return True
    work = int.from_bytes(hasher.hash_bytes(state + u64_le(nonce))[:8], "little")
    return work >> (64 - bits) == 0


class Transcript:
    """A Fiat–Shamir transcript: a 32-byte state and a draw counter (mutable)."""

    def __init__(self, hasher: Hasher) -> None:
        """Start from ``hash_bytes(b"l2spec-stark-v1")`` with the counter at 0."""
        self.hasher = hasher
        self.state = hasher.hash_bytes(DOMAIN_SEPARATOR)
        self.counter = 0

    def copy(self) -> Transcript:
        """An independent transcript in the same state."""
        other = Transcript(self.hasher)
        other.state = self.state
        other.counter = self.counter
        return other

    def absorb(self, data: bytes) -> None:
        """``state = hash_bytes(state ‖ data)``; the draw counter restarts at 0."""
        self.state = self.hasher.hash_bytes(self.state + bytes(data))
        self.counter = 0

    def draw_u64(self) -> int:
        """The next u64: the first 8 bytes (LE) of ``hash_bytes(state ‖ counter u64 LE)``."""
        out = self.hasher.hash_bytes(self.state + u64_le(self.counter))
        self.counter += 1
        return int.from_bytes(out[:8], "little")

    def draw_felt(self) -> int:
        """A base element: :meth:`draw_u64` until the value is ``< p`` (rejection sampling)."""
        while True:
            value = self.draw_u64()
            if value < P:
                return value

    def draw_ext(self) -> Ext:
        """An extension element: three :meth:`draw_felt` as ``(a0, a1, a2)``."""
        a0 = self.draw_felt()
        a1 = self.draw_felt()
        a2 = self.draw_felt()
        return (a0, a1, a2)

    def draw_index(self, domain_size: int) -> int:
        """An index in ``[0, domain_size)`` for ``domain_size = 2^k <= 2^64``: the low ``k`` bits
        of :meth:`draw_u64`."""
        if log2_exact(domain_size) > 64:
            raise StarkError(f"domain size {domain_size} exceeds 2^64")
        return self.draw_u64() & (domain_size - 1)

    def grind(self, bits: int) -> int:
        """Prover: find the smallest nonce meeting ``bits`` of work, absorb it, return it."""
        nonce = 0
        while not grinding_ok(self.hasher, self.state, nonce, bits):
            nonce += 1
        self.absorb(u64_le(nonce))
        return nonce

    def verify_grinding(self, nonce: int, bits: int) -> bool:
        """Verifier: whether ``nonce`` meets ``bits`` of work; if so it is absorbed (as the prover
        did), otherwise the transcript is left unchanged and the answer is ``False``.

        Any nonce that meets the work is accepted (the verifier does not insist on the smallest).
        """
        if not grinding_ok(self.hasher, self.state, nonce, bits):
            return False
        self.absorb(u64_le(nonce))
        return True
