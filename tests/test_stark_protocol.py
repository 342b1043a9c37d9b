"""The STARK protocol (spec/stark): AIRs, composition, DEEP, FRI, prover and verifier.

Known answers: Fibonacci numbers (F(16) = 987, F(32) = 2178309: OEIS A000045) and the Poseidon
permutation of the zero state from Plonky2 ``poseidon_goldilocks.rs`` tests (also quoted in
design stark.md §5), which is H(0,0,0,0) of the chain AIR. The rest is checked against direct
computation with independent code paths (naive evaluation, spec/zk/poseidon.permute).
"""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from l2spec.spec.stark.air import BASE_OPS, AirError, check_trace
from l2spec.spec.stark.airs import AIRS, air_definition
from l2spec.spec.stark.airs.fib import FIB, FibAir, fib_air, fib_trace
from l2spec.spec.stark.airs.poseidon_chain import (
    POSEIDON_CHAIN,
    ROWS_PER_HASH,
    chain_output,
    chain_trace,
    poseidon_chain_air,
)
from l2spec.spec.stark.composition import (
    CompositionError,
    chunks_at,
    composition_at,
    composition_on_domain,
    split_composition,
)
from l2spec.spec.stark.errors import ParameterError, ProofFormatError
from l2spec.spec.stark.extension import ext_embed, ext_mul
from l2spec.spec.stark.field import P, root_of_unity
from l2spec.spec.stark.fri import fri_layout, fri_open, fri_prove, fri_verify_query
from l2spec.spec.stark.hashing import BLAKE3
from l2spec.spec.stark.ntt import evaluate_at_ext, evaluate_ext, evaluate_on_coset_ext, intt, lde
from l2spec.spec.stark.params import ProofParams, preset
from l2spec.spec.stark.proof import decode_header, decode_proof, encode_proof
from l2spec.spec.stark.prover import prove, prove_proof
from l2spec.spec.stark.transcript import Transcript
from l2spec.spec.stark.verifier import verify
from l2spec.spec.zk.poseidon import permute, poseidon

# A small blake3 parameter set (fast in tests; the verifier needs allow_insecure for it).
SMALL = ProofParams(1, 4, 4, "blake3", 4, (2,))


def _fib(n: int) -> int:
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a


# --- AIRs -------------------------------------------------------------------------------------


def test_fib_trace_holds_fibonacci_numbers() -> None:
    trace = fib_trace(8)
    assert trace[1][-1] == 987  # F(16), OEIS A000045
    assert fib_trace(16)[1][-1] == 2178309  # F(32)
    for i in range(64):
        t = fib_trace(64)
        assert (t[0][i], t[1][i]) == (_fib(2 * i + 1) % P, _fib(2 * i + 2) % P)


def test_fib_air_accepts_its_trace_and_refuses_changes() -> None:
    air = fib_air(16)
    check_trace(air, fib_trace(16))
    bad = fib_trace(16)
    bad[0][5] += 1
    with pytest.raises(AirError):
        check_trace(air, bad)
    with pytest.raises(AirError):
        check_trace(FibAir(16, [123]), fib_trace(16))
    with pytest.raises(AirError):
        FibAir(12, [1])  # not a power of two
    with pytest.raises(AirError):
        FibAir(4, [1])  # below 8 rows
    with pytest.raises(AirError):
        FibAir(8, [1, 2])  # one public input


def test_poseidon_chain_known_answer_for_zero_input() -> None:
    # Plonky2 poseidon_goldilocks.rs: permute([0; 12]) starts 3c18a9786cb0b359 c4055e3364a246c3 …
    expected = (0x3C18A9786CB0B359, 0xC4055E3364A246C3, 0x7953DB0AB48808F4, 0xC71603F33A1144CA)
    assert chain_output([0, 0, 0, 0], 1) == expected
    trace = chain_trace([0, 0, 0, 0], 1)
    assert tuple(col[ROWS_PER_HASH - 1] for col in trace[:4]) == expected


def test_poseidon_chain_trace_iterates_the_permutation() -> None:
    x = [5, 6, 7, P - 1]
    trace = chain_trace(x, 4)
    h = list(x)
    for block in range(4):
        state = permute([*h, *([0] * 8)])
        row = 32 * block + 30
        assert [col[row] for col in trace] == list(state)
        assert list(state[:4]) == list(poseidon([*h, 0, 0, 0, 0]))
        h = list(state[:4])
    air = poseidon_chain_air(x, 4)
    assert air.y == tuple(h)
    check_trace(air, trace)


def test_poseidon_chain_air_refuses_a_wrong_claim() -> None:
    x = [1, 2, 3, 4]
    trace = chain_trace(x, 2)
    good = poseidon_chain_air(x, 2)
    wrong = type(good)(64, [*x, good.y[0] ^ 1, *good.y[1:]])
    with pytest.raises(AirError):
        check_trace(wrong, trace)
    tampered = chain_trace(x, 2)
    tampered[7][40] = (tampered[7][40] + 1) % P
    with pytest.raises(AirError):
        check_trace(good, tampered)
    with pytest.raises(AirError):
        type(good)(16, [0] * 8)  # fewer rows than one hash


def test_air_registry() -> None:
    assert set(AIRS) == {"fib-small", "poseidon-chain"}
    assert air_definition("fib-small") is FIB
    with pytest.raises(AirError):
        air_definition("nope")


def test_transition_over_extension_matches_base_on_embedded_values() -> None:
    air = poseidon_chain_air([1, 2, 3, 4], 1)
    trace = chain_trace([1, 2, 3, 4], 1)
    cur = [c[3] for c in trace]
    nxt = [c[4] for c in trace]
    per = [c[3] for c in air.periodic_columns()]
    from l2spec.spec.stark.air import EXT_OPS

    base = air.evaluate_transition(BASE_OPS, cur, nxt, per)
    ext = air.evaluate_transition(
        EXT_OPS,
        [ext_embed(v) for v in cur],
        [ext_embed(v) for v in nxt],
        [ext_embed(v) for v in per],
    )
    assert base == [0] * 12
    assert ext == [ext_embed(v) for v in base]


# --- composition ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("air", "trace", "blowup"),
    [
        (fib_air(8), fib_trace(8), 8),
        (fib_air(32), fib_trace(32), 2),
        (poseidon_chain_air([1, 2, 3, 4], 1), chain_trace([1, 2, 3, 4], 1), 8),
    ],
)
def test_composition_chunks_agree_with_the_frame_at_z(air, trace, blowup) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(7)
    n = air.trace_length
    alphas = [tuple(rng.randrange(P) for _ in range(3)) for _ in range(air.num_constraints())]
    values = composition_on_domain(air, [lde(c, blowup) for c in trace], blowup, alphas)
    chunks = split_composition(values, n, air.num_chunks())
    z = tuple(rng.randrange(P) for _ in range(3))
    zw = ext_mul(z, ext_embed(root_of_unity(n)))
    polys = [intt(c) for c in trace]
    frame_z = [evaluate_at_ext(p, z) for p in polys]
    frame_zw = [evaluate_at_ext(p, zw) for p in polys]
    assert composition_at(air, z, frame_z, frame_zw, alphas) == chunks_at(
        [evaluate_ext(c, z) for c in chunks], z, n
    )
    bad = [list(c) for c in trace]
    bad[0][1] = (bad[0][1] + 1) % P
    with pytest.raises(CompositionError):
        split_composition(
            composition_on_domain(air, [lde(c, blowup) for c in bad], blowup, alphas),
            n,
            air.num_chunks(),
        )


# --- FRI --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arities", "remainder_max"), [((2,), 4), ((4,), 8), ((8, 2), 4), ((4,), 64)]
)
def test_fri_accepts_a_low_degree_codeword_at_every_index(arities, remainder_max) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(3)
    n, blowup = 16, 4
    coeffs = [tuple(rng.randrange(P) for _ in range(3)) for _ in range(n)]
    codeword = evaluate_on_coset_ext(coeffs, 7, n * blowup)
    layout = fri_layout(n * blowup, blowup, arities, remainder_max)
    commitment = fri_prove(Transcript(BLAKE3), BLAKE3, codeword, layout)
    replay = Transcript(BLAKE3)
    betas = []
    for tree in commitment.trees:
        replay.absorb(tree.root)
        betas.append(replay.draw_ext())
    roots = [t.root for t in commitment.trees]
    for i in range(n * blowup):
        opening = fri_open(commitment, i)
        assert (
            fri_verify_query(
                BLAKE3, layout, roots, betas, commitment.remainder, i, codeword[i], opening
            )
            is None
        )
        wrong = codeword[(i + 1) % (n * blowup)]
        assert (
            fri_verify_query(BLAKE3, layout, roots, betas, commitment.remainder, i, wrong, opening)
            is not None
        )


def test_fri_prover_refuses_a_high_degree_codeword() -> None:
    coeffs = [(1, 2, 3)] * 17  # degree 16 ≥ N = 16
    codeword = evaluate_on_coset_ext(coeffs, 7, 64)
    with pytest.raises(Exception, match="remainder"):
        fri_prove(Transcript(BLAKE3), BLAKE3, codeword, fri_layout(64, 4, (4,), 4))


# --- prover and verifier ----------------------------------------------------------------------


def test_fib_test_preset_round_trip() -> None:
    proof = prove(fib_air(16), fib_trace(16), preset("test"))
    assert proof[:4] == b"L2SK" and proof[4] == 1
    assert verify(FIB, proof, allow_insecure=True).ok
    refused = verify(FIB, proof)
    assert not refused.ok and "security" in refused.reason
    assert prove(fib_air(16), fib_trace(16), preset("test")) == proof  # deterministic


def test_fib_production_presets_verify() -> None:
    for name in ("S-100", "S-fast"):
        proof = prove(fib_air(64), fib_trace(64), preset(name))
        verdict = verify(FIB, proof)
        assert verdict.ok, verdict.reason
        assert verdict.header is not None and verdict.header.public_inputs == (_fib(128) % P,)


def test_poseidon_chain_round_trip() -> None:
    air = poseidon_chain_air([1, 2, 3, 4], 1)
    proof = prove(air, chain_trace([1, 2, 3, 4], 1), SMALL.__class__(3, 4, 4, "blake3", 16, (2,)))
    verdict = verify(POSEIDON_CHAIN, proof, allow_insecure=True)
    assert verdict.ok, verdict.reason
    assert verdict.header is not None and verdict.header.public_inputs[4:] == air.y


def test_prover_refuses_bad_inputs() -> None:
    with pytest.raises(AirError):
        prove(FibAir(8, [5]), fib_trace(8), SMALL)
    # B = 2 cannot hold the 7 chunks of a degree-8 AIR
    with pytest.raises(ParameterError):
        prove(poseidon_chain_air([1, 2, 3, 4], 1), chain_trace([1, 2, 3, 4], 1), preset("S-fast"))


def test_encoding_round_trip_and_header() -> None:
    record = prove_proof(fib_air(8), fib_trace(8), SMALL)
    data = encode_proof(record)
    assert decode_proof(data, 2) == record
    header = decode_header(data)
    assert (header.air_id, header.trace_length, header.public_inputs) == ("fib-small", 8, (987,))
    with pytest.raises(ProofFormatError):
        decode_proof(data, 3)  # another width reads other counts: trailing or short bytes


@given(st.integers(min_value=3, max_value=6), st.sampled_from([(1, 2), (2, 2), (1, 4), (3, 3)]))
def test_fib_round_trip_for_sizes_and_shapes(log_rows: int, shape: tuple[int, int]) -> None:
    log_blowup, log_arity = shape
    params = ProofParams(log_blowup, 3, 1, "blake3", 1 << log_blowup, (log_arity,))
    n = 1 << log_rows
    try:
        proof = prove(fib_air(n), fib_trace(n), params)
    except Exception as exc:  # a FRI shape that does not fit this N is a typed refusal
        assert "too short" in str(exc)
        return
    assert verify(FIB, proof, allow_insecure=True).ok
