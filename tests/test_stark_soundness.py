"""Soundness of the STARK verifier against tampering (issue 4, item 5).

Every single-byte change of a small honest proof is rejected; wrong public inputs, truncated and
over-long proofs, garbage and a proof for another AIR are rejected with a typed error's message —
never an unexpected exception. The exhaustive test uses fib-small with 8 rows and a small BLAKE3
parameter set (the contract's "test" preset shape with the fast hash and fewer queries, so that
two mutations of every byte verify in a few seconds; a Poseidon proof costs about 0.3 s per
verification in pure Python); the "test" preset itself gets every header byte and a sample of the
body.
"""

from __future__ import annotations

import functools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from l2spec.spec.stark.airs.fib import FIB, fib_air, fib_trace
from l2spec.spec.stark.airs.poseidon_chain import POSEIDON_CHAIN
from l2spec.spec.stark.errors import ProofFormatError
from l2spec.spec.stark.params import ProofParams, preset
from l2spec.spec.stark.proof import decode_header
from l2spec.spec.stark.prover import prove
from l2spec.spec.stark.verifier import ProofRejected, verify, verify_strict

# B 4, q 4, g 4 bits, BLAKE3, fold 4, remainder ≤ 8: two FRI layers' worth of structure is
# replaced by one, but every part of the format (header, roots, OOD, FRI roots, remainder,
# nonce, query blocks with all three openings) is present.
SOUNDNESS_PARAMS = ProofParams(2, 4, 4, "blake3", 8, (2,))


@functools.cache
def _honest_proof() -> bytes:
    return prove(fib_air(8), fib_trace(8), SOUNDNESS_PARAMS)


@pytest.fixture(scope="module")
def small_proof() -> bytes:
    proof = _honest_proof()
    assert verify(FIB, proof, allow_insecure=True).ok
    return proof


def test_every_single_byte_change_is_rejected(small_proof: bytes) -> None:
    accepted = []
    for i in range(len(small_proof)):
        for mutate in (lambda b: b ^ 0x01, lambda b: (b + 1) % 256, lambda b: b ^ 0x80):
            data = bytearray(small_proof)
            data[i] = mutate(data[i])
            verdict = verify(FIB, bytes(data), allow_insecure=True)
            if verdict.ok:
                accepted.append(i)
            else:
                assert verdict.reason  # a typed error's name and message
    assert accepted == []
    assert len(small_proof) > 1000  # the test covered a real proof


def test_test_preset_header_and_sampled_body_changes_are_rejected() -> None:
    proof = prove(fib_air(8), fib_trace(8), preset("test"))
    assert verify(FIB, proof, allow_insecure=True).ok
    header_end = 4 + 1 + 4 + len("fib-small") + 10 + 8 + 4 + 8  # through the public input
    positions = [*range(header_end), *range(header_end, len(proof), len(proof) // 12)]
    for i in positions:
        data = bytearray(proof)
        data[i] ^= 0x04
        assert not verify(FIB, bytes(data), allow_insecure=True).ok, i


def test_wrong_public_inputs_are_rejected(small_proof: bytes) -> None:
    verdict = verify(FIB, small_proof, allow_insecure=True, public_inputs=[988])
    assert not verdict.ok and "ProofRejected" in verdict.reason
    assert verify(FIB, small_proof, allow_insecure=True, public_inputs=[987]).ok
    # the same proof with its public input replaced by another canonical value
    header = decode_header(small_proof)
    old = header.public_inputs[0].to_bytes(8, "little")
    forged = small_proof.replace(old, (988).to_bytes(8, "little"), 1)
    assert forged != small_proof
    verdict = verify(FIB, forged, allow_insecure=True)
    assert not verdict.ok


def test_truncated_and_overlong_proofs_are_format_errors(small_proof: bytes) -> None:
    for cut in [0, 1, 4, 5, 20, len(small_proof) // 2, len(small_proof) - 1]:
        verdict = verify(FIB, small_proof[:cut], allow_insecure=True)
        assert not verdict.ok and verdict.reason.startswith("ProofFormatError"), cut
    for extra in (b"\x00", b"\x01" * 32):
        verdict = verify(FIB, small_proof + extra, allow_insecure=True)
        assert not verdict.ok and verdict.reason.startswith("ProofFormatError")
        assert "trailing" in verdict.reason


def test_a_proof_for_another_air_is_refused(small_proof: bytes) -> None:
    verdict = verify(POSEIDON_CHAIN, small_proof, allow_insecure=True)
    assert not verdict.ok
    assert verdict.reason.startswith("ProofFormatError") and "fib-small" in verdict.reason


def test_strict_api_raises_typed_errors(small_proof: bytes) -> None:
    assert verify_strict(FIB, small_proof, allow_insecure=True).trace_length == 8
    with pytest.raises(ProofRejected):
        verify_strict(FIB, small_proof)  # below the minimum security
    with pytest.raises(ProofFormatError):
        verify_strict(FIB, small_proof[:-1], allow_insecure=True)
    data = bytearray(small_proof)
    data[-1] ^= 1
    with pytest.raises(ProofRejected):
        verify_strict(FIB, bytes(data), allow_insecure=True)


def test_non_canonical_element_is_a_format_error(small_proof: bytes) -> None:
    header_end = 4 + 1 + 4 + len("fib-small") + 10 + 8 + 4
    data = bytearray(small_proof)
    data[header_end : header_end + 8] = (2**64 - 1).to_bytes(8, "little")  # ≥ p
    verdict = verify(FIB, bytes(data), allow_insecure=True)
    assert not verdict.ok and verdict.reason.startswith("ProofFormatError")


@given(st.binary(max_size=300))
def test_garbage_is_rejected_without_crashing(data: bytes) -> None:
    verdict = verify(FIB, data, allow_insecure=True)
    assert not verdict.ok and verdict.reason


@given(st.integers(min_value=0), st.binary(min_size=1, max_size=4))
def test_random_splices_are_rejected(position: int, chunk: bytes) -> None:
    proof = _honest_proof()
    i = position % len(proof)
    data = proof[:i] + chunk + proof[i + len(chunk) :]
    if data != proof:
        assert not verify(FIB, data, allow_insecure=True).ok
