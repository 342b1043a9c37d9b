"""The Fiat–Shamir transcript (contract §Transcript).

Expected values are recomputed in the test from the contract's formulas with the ``blake3``
package and :func:`l2spec.spec.zk.poseidon.poseidon` directly, not from the transcript module.
"""

from __future__ import annotations

from collections.abc import Sequence

import blake3
import pytest
from hypothesis import given
from hypothesis import strategies as st

from l2spec.spec.stark.errors import StarkError
from l2spec.spec.stark.field import P
from l2spec.spec.stark.hashing import BLAKE3, POSEIDON, Hasher
from l2spec.spec.stark.transcript import Transcript, grinding_ok

hashers = pytest.mark.parametrize("hasher", [BLAKE3, POSEIDON], ids=lambda h: h.name)


def b3(data: bytes) -> bytes:
    return blake3.blake3(data).digest()


def test_blake3_transcript_by_hand() -> None:
    t = Transcript(BLAKE3)
    s0 = b3(b"l2spec-stark-v1")
    assert t.state == s0
    u0 = int.from_bytes(b3(s0 + (0).to_bytes(8, "little"))[:8], "little")
    u1 = int.from_bytes(b3(s0 + (1).to_bytes(8, "little"))[:8], "little")
    assert t.draw_u64() == u0 and t.draw_u64() == u1
    t.absorb(b"xyz")
    s1 = b3(s0 + b"xyz")
    assert t.state == s1
    # the counter restarts at 0 after an absorb
    expected = int.from_bytes(b3(s1 + bytes(8))[:8], "little") & 1023
    assert t.draw_index(1024) == expected


def test_poseidon_transcript_by_hand() -> None:
    t = Transcript(POSEIDON)
    assert t.state == POSEIDON.hash_elements(
        [int.from_bytes(c, "little") for c in (b"l2spec-", b"stark-v", b"1\x01" + bytes(5))]
    )
    s0 = t.state
    out = POSEIDON.hash_bytes(s0 + bytes(8))
    assert t.draw_u64() == int.from_bytes(out[:8], "little")


@hashers
def test_determinism_and_sensitivity(hasher: Hasher) -> None:
    def run(data: bytes) -> tuple[int, tuple[int, int, int], int]:
        t = Transcript(hasher)
        t.absorb(data)
        return t.draw_felt(), t.draw_ext(), t.draw_index(2**20)

    assert run(b"abc") == run(b"abc")
    assert run(b"abc") != run(b"abd")
    assert run(b"abc") != run(b"abc\x00")
    t = Transcript(hasher)
    draws = [t.draw_u64() for _ in range(4)]
    assert len(set(draws)) == 4  # successive draws differ


@given(st.binary(max_size=64))
def test_draws_are_in_range(data: bytes) -> None:
    t = Transcript(BLAKE3)
    t.absorb(data)
    assert 0 <= t.draw_felt() < P
    assert all(0 <= c < P for c in t.draw_ext())
    assert 0 <= t.draw_index(8) < 8
    assert t.draw_index(1) == 0


class _ScriptedHasher:
    """A stand-in hasher whose draws are scripted: hash_bytes(state ‖ counter) returns the
    counter-th scripted u64 (to reach the ~2^-32-likely rejection branch of draw_felt)."""

    name = "scripted"
    hash_id = 99

    def __init__(self, script: list[int]) -> None:
        self.script = script

    def hash_bytes(self, data: bytes) -> bytes:
        if len(data) == 40:  # state (32) ‖ counter (8)
            return self.script[int.from_bytes(data[32:], "little")].to_bytes(8, "little") * 4
        return bytes(32)

    def hash_elements(self, elements: Sequence[int]) -> bytes:
        return bytes(32)

    def merge(self, left: bytes, right: bytes) -> bytes:
        return bytes(32)

    def is_valid_digest(self, digest: bytes) -> bool:
        return True


def test_draw_felt_rejects_values_at_least_p() -> None:
    t = Transcript(_ScriptedHasher([2**64 - 1, P, P - 1, 5, 6, 7]))
    assert t.draw_felt() == P - 1  # 2^64 − 1 and p are skipped
    assert t.counter == 3
    assert t.draw_ext() == (5, 6, 7)
    t = Transcript(_ScriptedHasher([2**64 - 1, 2**64 - 2]))
    assert t.draw_index(4) == 3 and t.draw_index(2**64) == 2**64 - 2


def test_copy_is_independent() -> None:
    t = Transcript(BLAKE3)
    c = t.copy()
    c.absorb(b"x")
    assert c.state != t.state and t.draw_u64() != c.draw_u64()


@hashers
def test_grinding(hasher: Hasher) -> None:
    bits = 8 if hasher is BLAKE3 else 3
    prover = Transcript(hasher)
    prover.absorb(b"grind me")
    verifier = prover.copy()
    state = prover.state
    nonce = prover.grind(bits)
    # the nonce is the smallest that works, and the work meets the bound
    work = int.from_bytes(hasher.hash_bytes(state + nonce.to_bytes(8, "little"))[:8], "little")
    assert work >> (64 - bits) == 0
    for smaller in range(nonce):
        w = int.from_bytes(hasher.hash_bytes(state + smaller.to_bytes(8, "little"))[:8], "little")
        assert w >> (64 - bits) != 0
    # the prover absorbed the nonce
    assert prover.state == hasher.hash_bytes(state + nonce.to_bytes(8, "little"))
    # a wrong nonce fails and leaves the verifier's transcript unchanged
    wrong = next(
        n for n in range(nonce + 1, nonce + 10_000) if not grinding_ok(hasher, state, n, bits)
    )
    assert not verifier.verify_grinding(wrong, bits)
    assert verifier.state == state
    assert not verifier.verify_grinding(2**64, bits)
    assert verifier.verify_grinding(nonce, bits)
    assert verifier.state == prover.state
    assert verifier.draw_u64() == prover.draw_u64()


def test_zero_grinding_bits() -> None:
    t = Transcript(BLAKE3)
    s = t.state
    assert t.grind(0) == 0
    assert t.state == b3(s + bytes(8))
    assert grinding_ok(BLAKE3, s, 12345, 0)


def test_refusals() -> None:
    t = Transcript(BLAKE3)
    with pytest.raises(StarkError):
        t.draw_index(12)
    with pytest.raises(StarkError):
        grinding_ok(BLAKE3, t.state, 0, 65)
