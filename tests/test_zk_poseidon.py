"""Goldilocks field, Poseidon permutation and the linear Poseidon bytecode hash.

Known answers:
- ``polygon/poseidon_goldilocks.json``: Plonky2's permutation test vectors (the same constants and
  outputs as zkevm-commonjs ``test/poseidon.test.js``);
- ``polygon/merkle-tree_smt-hash-bytecode.json``: zkevm-commonjs
  ``test/helpers/test-vectors/merkle-tree/smt-hash-bytecode.json`` (``hashContractBytecode``);
- the ``H(in, cap)`` digests below: zkevm-commonjs ``test/poseidon.test.js`` (quoted in
  /work/shared/design/polygon-zkevm.md §1).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from l2spec.errors import DecodingError, L2SpecError
from l2spec.paths import vectors_dir
from l2spec.spec.zk import goldilocks as gl
from l2spec.spec.zk.bytecode_hash import (
    BYTES_PER_ELEMENT,
    CHUNK_BYTES,
    bytecode_elements,
    hash_contract_bytecode,
    hash_contract_bytecode_hex,
)
from l2spec.spec.zk.poseidon import HASH_ZERO, MDS_MATRIX, ROUND_CONSTANTS, permute, poseidon

P = 2**64 - 2**32 + 1
field = st.integers(min_value=0, max_value=P - 1)
nonzero = st.integers(min_value=1, max_value=P - 1)


def load(name: str) -> Any:
    path = vectors_dir() / "polygon" / name
    with path.open(encoding="utf-8") as f:  # a missing file fails the test, never skips it
        return json.load(f)


# --- field -------------------------------------------------------------------------------------


def test_prime() -> None:
    assert gl.P == 0xFFFFFFFF00000001 == 18446744069414584321


@given(field, field, field)
def test_field_ring_laws(a: int, b: int, c: int) -> None:
    assert gl.add(a, b) == (a + b) % P
    assert gl.sub(gl.add(a, b), b) == a
    assert gl.mul(a, gl.add(b, c)) == gl.add(gl.mul(a, b), gl.mul(a, c))
    assert gl.add(a, gl.neg(a)) == 0


@given(nonzero)
def test_inverse(a: int) -> None:
    assert gl.mul(a, gl.inv(a)) == 1
    assert gl.pow_(a, P - 1) == 1


def test_inverse_of_zero_is_an_error() -> None:
    with pytest.raises(gl.FieldArithmeticError):
        gl.inv(0)
    with pytest.raises(gl.FieldArithmeticError):
        gl.pow_(2, -1)


def test_scalar2fea_address_example() -> None:
    # polygon-zkevm.md §2 Encodings (zkevm-commonjs smt-utils scalar2fea).
    addr = 0x617B3A3528F9CDD6630FD3301B9C8911F7BF063D
    assert gl.scalar2fea(addr) == (
        0xF7BF063D,
        0x1B9C8911,
        0x630FD330,
        0x28F9CDD6,
        0x617B3A35,
        0,
        0,
        0,
    )


@given(st.integers(min_value=0, max_value=2**256 - 1))
def test_scalar2fea_roundtrip(x: int) -> None:
    limbs = gl.scalar2fea(x)
    assert len(limbs) == 8 and all(0 <= limb < 2**32 for limb in limbs)
    assert gl.fea2scalar(limbs) == x


def test_limb_encodings_reject_bad_input() -> None:
    with pytest.raises(DecodingError):
        gl.scalar2fea(2**256)
    with pytest.raises(DecodingError):
        gl.scalar2fea(-1)
    with pytest.raises(DecodingError):
        gl.fea2scalar([0] * 7)
    with pytest.raises(DecodingError):
        gl.fea2scalar([2**32] + [0] * 7)


@given(st.tuples(field, field, field, field))
def test_h4_forms_roundtrip(h: gl.H4) -> None:
    raw = gl.h4_to_bytes32(h)
    assert len(raw) == 32
    # The 32-byte form reads h3 ‖ h2 ‖ h1 ‖ h0 (h4toString).
    assert raw == b"".join(limb.to_bytes(8, "big") for limb in reversed(h))
    assert gl.bytes32_to_h4(raw) == h
    assert gl.hex_to_h4(gl.h4_to_hex(h)) == h
    assert gl.scalar_to_h4(gl.h4_to_scalar(h)) == h


@given(st.integers(min_value=0, max_value=3), st.integers(min_value=P, max_value=2**64 - 1))
def test_limb_not_below_p_is_rejected(position: int, bad: int) -> None:
    # checkStateRootInsidePrime: every 64-bit limb of a root must be < p.
    limbs = [0, 1, 2, 3]
    limbs[position] = bad
    raw = b"".join(limb.to_bytes(8, "big") for limb in reversed(limbs))
    with pytest.raises(gl.NonCanonicalError):
        gl.bytes32_to_h4(raw)
    with pytest.raises(gl.NonCanonicalError):
        gl.hex_to_h4(raw.hex())
    with pytest.raises(gl.NonCanonicalError):
        gl.h4(limbs)


@pytest.mark.parametrize("length", [0, 31, 33])
def test_wrong_length_root_is_rejected(length: int) -> None:
    with pytest.raises(DecodingError):
        gl.bytes32_to_h4(b"\x00" * length)
    with pytest.raises(DecodingError):
        gl.hex_to_h4("0x" + "00" * length)


def test_non_hex_root_is_rejected() -> None:
    with pytest.raises(DecodingError):
        gl.hex_to_h4("0x" + "zz" * 32)


# --- Poseidon ----------------------------------------------------------------------------------


def test_packaged_constants_equal_upstream_file() -> None:
    doc = load("poseidon_goldilocks.json")
    assert tuple(int(c, 16) for c in doc["round_constants"]) == ROUND_CONSTANTS
    circ = [int(c) for c in doc["mds_circ"]]
    diag = [int(c) for c in doc["mds_diag"]]
    for i in range(12):
        for j in range(12):
            assert MDS_MATRIX[i][j] == circ[(j - i) % 12] + (diag[i] if i == j else 0)
    # Pitfall: only M[0][0] carries the extra diagonal 8.
    assert MDS_MATRIX[0][0] == 25 and MDS_MATRIX[1][1] == 17


def test_permutation_vectors() -> None:
    vectors = load("poseidon_goldilocks.json")["permutation_vectors"]
    assert len(vectors) == 4
    for case in vectors:
        state = [int(x, 16) for x in case["input"]]
        assert permute(state) == tuple(int(x, 16) for x in case["output"])


def test_hash_zero_constant() -> None:
    # HASH_POSEIDON_ALL_ZEROES, zkevm-commonjs src/constants.js.
    assert HASH_ZERO == (
        0x3C18A9786CB0B359,
        0xC4055E3364A246C3,
        0x7953DB0AB48808F4,
        0xC71603F33A1144CA,
    )
    assert (
        gl.h4_to_hex(HASH_ZERO)
        == "0xc71603f33a1144ca7953db0ab48808f4c4055e3364a246c33c18a9786cb0b359"
    )


def test_poseidon_hash_vectors() -> None:
    # zkevm-commonjs test/poseidon.test.js
    assert poseidon(list(range(8)), [8, 9, 10, 11]) == (
        0xD64E1E3EFC5B8E9E,
        0x53666633020AAA47,
        0xD40285597C6A8825,
        0x613A4F81E81231D2,
    )
    # Inputs are taken mod p: -1 is p - 1.
    expected = (0xBE0085CFC57A8357, 0xD95AF71847D05C09, 0xCF55A13D33C1C953, 0x95803A74F4530E82)
    assert poseidon([P - 1] * 8, [P - 1] * 4) == expected
    assert poseidon([-1] * 8, [-1] * 4) == expected


def test_poseidon_arity_is_checked() -> None:
    with pytest.raises(DecodingError):
        poseidon([0] * 7)
    with pytest.raises(DecodingError):
        poseidon([0] * 8, [0] * 3)
    with pytest.raises(DecodingError):
        permute([0] * 11)


@given(st.lists(field, min_size=12, max_size=12), st.integers(min_value=0, max_value=11))
def test_permutation_is_sensitive_to_every_lane(state: list[int], lane: int) -> None:
    other = list(state)
    other[lane] = (other[lane] + 1) % P
    out = permute(state)
    assert all(0 <= x < P for x in out)
    assert out != permute(other)


# --- linear Poseidon (hashContractBytecode) ----------------------------------------------------


def test_bytecode_hash_vectors() -> None:
    cases = load("merkle-tree_smt-hash-bytecode.json")
    assert len(cases) == 13
    for case in cases:
        code = bytes.fromhex(case["bytecode"].removeprefix("0x"))
        assert hash_contract_bytecode_hex(code) == case["expectedHash"], case["bytecode"]


def test_bytecode_hash_known_examples() -> None:
    # polygon-zkevm.md §1 Linear Poseidon, from smt-hash-bytecode.json.
    assert (
        gl.h4_to_hex(hash_contract_bytecode(bytes.fromhex("dead")))
        == "0x2549d1fb0dc984e3098f235473637bd9e40aab1692c87e0afaf58720d2fbb8cd"
    )


@given(st.binary(max_size=200))
def test_bytecode_padding_shape(code: bytes) -> None:
    elements = bytecode_elements(code)
    n_chunks = len(code) // CHUNK_BYTES + 1  # the 0x01 pad byte always fits a new byte
    assert len(elements) == n_chunks * 8
    assert all(0 <= e < 2 ** (8 * BYTES_PER_ELEMENT) for e in elements)
    # The 0x01 pad sits right after the code; 0x80 is or-ed into the last byte of the buffer.
    buffer = b"".join(e.to_bytes(BYTES_PER_ELEMENT, "little") for e in elements)
    assert buffer[: len(code)] == code
    assert buffer[-1] & 0x80
    pad_index = len(code)
    assert buffer[pad_index] & 0x01
    assert all(b == 0 for b in buffer[pad_index + 1 : -1])


def test_bytecode_hash_rejects_non_bytes() -> None:
    with pytest.raises(L2SpecError):
        hash_contract_bytecode("dead")  # type: ignore[arg-type]
