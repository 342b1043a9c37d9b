"""The native STARK prover emits the spec prover's bytes; the two verifiers agree.

The independent implementation is the spec (``spec/stark/prover.py``, ``verifier.py``): for the
same AIR, trace and parameters, ``l2spec.impl.stark.prove`` must return exactly the bytes of
``spec.stark.prover.prove`` (contract §Proof bytes), or fail with the same error class; the spec
verifier must accept native proofs and the native verifier (``l2spec.impl.stark.verify``) must
give the spec verifier's verdict on spec proofs, tampered proofs and garbage.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from l2spec.impl import stark as native
from l2spec.spec.stark import hashing, merkle, prover, verifier
from l2spec.spec.stark.air import Air, AirError
from l2spec.spec.stark.airs.fib import FIB, FibAir, fib_air, fib_trace
from l2spec.spec.stark.airs.poseidon_chain import (
    POSEIDON_CHAIN,
    chain_trace,
    poseidon_chain_air,
)
from l2spec.spec.stark.errors import StarkError
from l2spec.spec.stark.field import P
from l2spec.spec.stark.params import ProofParams, preset

felts = st.integers(0, P - 1)


def outcome(fn: object, *args: object) -> bytes | type[BaseException]:
    """The proof bytes, or the class of the error raised."""
    try:
        result = fn(*args)  # type: ignore[operator]
    except StarkError as exc:
        return type(exc)
    assert isinstance(result, bytes)
    return result


def assert_same_proof(air: Air, trace: list[list[int]], params: ProofParams) -> bytes:
    """Native bytes == spec bytes (or the same error class); returns the proof."""
    expected = outcome(prover.prove, air, trace, params)
    got = outcome(native.prove, air, trace, params)
    assert got == expected
    return got if isinstance(got, bytes) else b""


# Parameters: every structural choice the format allows on small traces (the security minimum is
# not a prover concern). remainder_max and the arities decide the FRI shape; some combinations
# do not fit N and must fail alike.
params_strategy = st.builds(
    ProofParams,
    log_blowup=st.integers(1, 3),
    num_queries=st.integers(1, 6),
    grinding_bits=st.integers(0, 4),
    hash_name=st.sampled_from(["blake3", "poseidon"]),
    remainder_max_size=st.sampled_from([1, 2, 8, 16, 64]),
    folding_log_arities=st.lists(st.integers(1, 3), min_size=1, max_size=3).map(tuple),
)


# --- byte identity ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["test", "S-100", "S-fast"])
@pytest.mark.parametrize("rows", [8, 32])
def test_fib_presets_byte_identical(name: str, rows: int) -> None:
    proof = assert_same_proof(fib_air(rows), fib_trace(rows), preset(name))
    assert proof.startswith(b"L2SK\x01")


@settings(max_examples=12)
@given(st.integers(3, 5), params_strategy)
def test_fib_byte_identical_over_parameters(log_rows: int, params: ProofParams) -> None:
    rows = 1 << log_rows
    assert_same_proof(fib_air(rows), fib_trace(rows), params)


@settings(max_examples=3)
@given(st.lists(felts, min_size=4, max_size=4), st.sampled_from(["blake3", "poseidon"]))
def test_poseidon_chain_byte_identical(x: list[int], hash_name: str) -> None:
    # K = 7 chunks (degree 8) needs B = 8; few queries keep the spec's poseidon hashing short.
    params = ProofParams(3, 3, 1, hash_name, 64, (3,))
    proof = assert_same_proof(poseidon_chain_air(x, 1), chain_trace(x, 1), params)
    assert verifier.verify(POSEIDON_CHAIN, proof, allow_insecure=True).ok


def test_poseidon_chain_test_preset_byte_identical() -> None:
    x = [1, 2, 3, 4]
    assert_same_proof(poseidon_chain_air(x, 1), chain_trace(x, 1), preset("test"))


def test_poseidon_chain_two_hashes_s100() -> None:
    x = [P - 1, 0, 12345, 2**40]
    proof = assert_same_proof(poseidon_chain_air(x, 2), chain_trace(x, 2), preset("S-100"))
    assert verifier.verify(POSEIDON_CHAIN, proof).ok


# --- the same errors as the spec prover ---------------------------------------------------------


def test_false_statement_is_an_air_error_in_both() -> None:
    trace = fib_trace(16)
    air = FibAir(16, [(trace[1][-1] + 1) % P])
    with pytest.raises(AirError):
        prover.prove(air, trace, preset("test"))
    with pytest.raises(AirError):
        native.prove(air, trace, preset("test"))
    broken = [list(c) for c in trace]
    broken[1][7] = (broken[1][7] + 1) % P
    with pytest.raises(AirError):
        native.prove(fib_air(16), broken, preset("test"))


@pytest.mark.parametrize(
    "trace",
    [
        [[1] * 8],  # one column
        [[1] * 8, [1] * 7],  # ragged
        [[1] * 8, [P] * 8],  # not canonical
        [[1] * 8, [-1] * 8],  # negative
        [[1] * 8, [2**64] * 8],  # beyond u64
    ],
)
def test_malformed_trace_is_an_air_error(trace: list[list[int]]) -> None:
    with pytest.raises(AirError):
        prover.prove(fib_air(8), trace, preset("test"))
    with pytest.raises(AirError):
        native.prove(fib_air(8), trace, preset("test"))


def test_parameter_misfits_fail_alike() -> None:
    # blowup 1 (refused), B too small for 7 chunks, FRI too deep for N = 8
    cases = [
        (fib_air(8), fib_trace(8), ProofParams(0, 4, 0, "blake3", 16, (2,))),
        (poseidon_chain_air([1, 2, 3, 4], 1), chain_trace([1, 2, 3, 4], 1), preset("S-fast")),
        (fib_air(8), fib_trace(8), ProofParams(1, 4, 0, "blake3", 1, (3,))),
    ]
    for air, trace, params in cases:
        expected = outcome(prover.prove, air, trace, params)
        assert isinstance(expected, type)
        assert outcome(native.prove, air, trace, params) is expected


def test_an_air_without_a_native_twin_is_refused() -> None:
    class OtherFib(FibAir):
        pass

    with pytest.raises(StarkError, match="no native AIR"):
        native.prove(OtherFib(8, [fib_trace(8)[1][-1]]), fib_trace(8), preset("test"))


# --- verifiers ----------------------------------------------------------------------------------


def test_native_traces_equal_spec_traces() -> None:
    assert native.fib_trace(64) == fib_trace(64)
    assert native.chain_trace([9, 8, 7, 6], 2) == chain_trace([9, 8, 7, 6], 2)


def test_spec_verifier_accepts_larger_native_proofs() -> None:
    rows = 1 << 12
    proof = native.prove(fib_air(rows), native.fib_trace(rows), preset("S-100"))
    verdict = verifier.verify(FIB, proof)
    assert verdict.ok, verdict.reason
    assert native.verify(FIB, proof).ok
    x = [3, 1, 4, 1]
    chain = native.prove(poseidon_chain_air(x, 8), native.chain_trace(x, 8), preset("S-100"))
    assert verifier.verify(POSEIDON_CHAIN, chain).ok
    assert native.verify(POSEIDON_CHAIN, chain).ok


@pytest.fixture(scope="module")
def spec_proofs() -> dict[str, bytes]:
    x = [5, 6, 7, 8]
    return {
        "fib-test": prover.prove(fib_air(16), fib_trace(16), preset("test")),
        "fib-S-100": prover.prove(fib_air(8), fib_trace(8), preset("S-100")),
        "chain": prover.prove(
            poseidon_chain_air(x, 1), chain_trace(x, 1), ProofParams(3, 4, 2, "blake3", 16, (2,))
        ),
    }


def test_native_verifier_accepts_spec_proofs(spec_proofs: dict[str, bytes]) -> None:
    fib_test = native.verify(FIB, spec_proofs["fib-test"], allow_insecure=True)
    assert fib_test.ok
    assert fib_test.header == verifier.verify(FIB, spec_proofs["fib-test"], True).header
    assert native.verify(FIB, spec_proofs["fib-S-100"]).ok
    assert native.verify(POSEIDON_CHAIN, spec_proofs["chain"], allow_insecure=True).ok


def test_native_verifier_refuses_what_the_spec_refuses(spec_proofs: dict[str, bytes]) -> None:
    proof = spec_proofs["fib-test"]
    refused = native.verify(FIB, proof)  # "test" is below the security minimum
    assert not refused.ok and refused.reason.startswith("ProofRejected")
    other_air = native.verify(POSEIDON_CHAIN, proof, allow_insecure=True)
    assert not other_air.ok and other_air.reason.startswith("ProofFormatError")
    result = verifier.verify(FIB, proof, True).header
    assert result is not None
    stated = list(result.public_inputs)
    assert native.verify(FIB, proof, True, stated).ok
    wrong = native.verify(FIB, proof, True, [(stated[0] + 1) % P])
    assert not wrong.ok and not verifier.verify(FIB, proof, True, [(stated[0] + 1) % P]).ok
    assert not native.verify(FIB, proof, True, [-1]).ok
    assert not native.verify(FIB, "not bytes", True).ok  # type: ignore[arg-type]


def test_every_sampled_byte_flip_is_rejected_by_both(spec_proofs: dict[str, bytes]) -> None:
    for key, air_def in (("fib-test", FIB), ("chain", POSEIDON_CHAIN)):
        proof = spec_proofs[key]
        step = max(1, len(proof) // 200)
        for number, pos in enumerate(range(0, len(proof), step)):
            bad = bytearray(proof)
            bad[pos] ^= 0x01 << (pos % 8)
            nat = native.verify(air_def, bytes(bad), allow_insecure=True)
            assert not nat.ok, f"{key}: flip at byte {pos} accepted natively"
            assert nat.reason.split(":")[0] in {"ProofFormatError", "ProofRejected", "AirError"}
            if number % 8 == 0:  # the spec verifier (slow with poseidon) on a subsample
                ref = verifier.verify(air_def, bytes(bad), allow_insecure=True)
                assert not ref.ok
                assert nat.reason.split(":")[0] == ref.reason.split(":")[0]


@settings(max_examples=30)
@given(st.data())
def test_verdicts_agree_on_mutations(spec_proofs: dict[str, bytes], data: st.DataObject) -> None:
    proof = bytearray(spec_proofs["fib-S-100"])
    kind = data.draw(st.sampled_from(["set", "truncate", "append", "insert"]))
    pos = data.draw(st.integers(0, len(proof) - 1))
    if kind == "set":
        proof[pos] = data.draw(st.integers(0, 255))
    elif kind == "truncate":
        del proof[pos:]
    elif kind == "append":
        proof += data.draw(st.binary(min_size=1, max_size=40))
    else:
        proof[pos:pos] = data.draw(st.binary(min_size=1, max_size=8))
    nat = native.verify(FIB, bytes(proof))
    ref = verifier.verify(FIB, bytes(proof))
    assert nat.ok == ref.ok
    if not nat.ok:
        assert nat.reason.split(":")[0] == ref.reason.split(":")[0]


@settings(max_examples=30)
@given(st.binary(max_size=300))
def test_garbage_is_a_verdict(data: bytes) -> None:
    for candidate in (data, b"L2SK\x01" + data):
        nat = native.verify(FIB, candidate)
        assert not nat.ok
        assert nat.reason.split(":")[0] in {"ProofFormatError", "ProofRejected", "AirError"}


def test_merkle_verify_opens_and_refuses() -> None:
    rows = [[i, i + 1] for i in range(8)]
    tree = native.commit(native.BLAKE3, rows)
    path = tree.open(3)
    assert native.merkle_verify(native.BLAKE3, tree.root, 3, rows[3], path, tree.depth)
    assert native.merkle_verify(native.BLAKE3, tree.root, 3, rows[3], path)
    assert not native.merkle_verify(native.BLAKE3, tree.root, 4, rows[3], path)


def test_a_second_byte_form_of_a_path_digest_does_not_open() -> None:
    # rows of at most 4 elements are their own poseidon digest, so leaf [5] is (5, 0, 0, 0); the
    # limb 5 has a second 8-byte form 5 + p that poseidon would reduce to the same node
    rows = [[5], [6], [7], [8]]
    tree = native.commit(native.POSEIDON, rows)
    path = list(tree.open(1))
    assert path[0][:8] == (5).to_bytes(8, "little")
    path[0] = (5 + P).to_bytes(8, "little") + path[0][8:]
    assert not merkle.verify(hashing.POSEIDON, tree.root, 1, rows[1], path, 2)
    assert not native.merkle_verify(native.POSEIDON, tree.root, 1, rows[1], path, 2)


@settings(max_examples=40)
@given(st.data())
def test_header_mutations_get_the_spec_verdict(
    spec_proofs: dict[str, bytes], data: st.DataObject
) -> None:
    # the header (AIR id, parameters, N, public inputs) steers every allocation and loop of the
    # verifier: any value there must give a verdict, the spec's, never a panic
    key = data.draw(st.sampled_from(["fib-S-100", "chain"]))
    air_def = FIB if key == "fib-S-100" else POSEIDON_CHAIN
    proof = bytearray(spec_proofs[key])
    header_end = 4 + 1 + 4 + len(air_def.air_id) + 10 + 8 + 4 + 8 * (1 if key == "fib-S-100" else 8)
    for _ in range(data.draw(st.integers(1, 3))):
        pos = data.draw(st.integers(0, header_end - 1))
        proof[pos] = data.draw(st.integers(0, 255))
    nat = native.verify(air_def, bytes(proof), allow_insecure=True)
    ref = verifier.verify(air_def, bytes(proof), allow_insecure=True)
    assert nat.ok == ref.ok
    if not nat.ok:
        assert nat.reason.split(":")[0] == ref.reason.split(":")[0]


@pytest.mark.parametrize("air", ["fib", "poseidon-chain"])
def test_cli_native_backend_writes_the_spec_proof(tmp_path: Path, air: str) -> None:
    # ``l2spec prove --backend native`` calls ``l2spec.impl.stark.prove``: same file as the spec
    import argparse

    from l2spec.commands import prove as prove_command

    files = {}
    for backend in ("spec", "native"):
        out = tmp_path / f"{backend}.proof"
        parser = argparse.ArgumentParser()
        prove_command.add_arguments(parser)
        argv = ["--air", air, "--log-rows", "5", "--backend", backend, "--out", str(out)]
        assert prove_command.run(parser.parse_args(argv)) == 0
        files[backend] = out.read_bytes()
    assert files["native"] == files["spec"]
