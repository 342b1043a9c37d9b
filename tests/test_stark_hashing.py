"""The STARK's two hashers (contract §Hashes).

Known answers:
- BLAKE3: the official test vectors of the BLAKE3 team (``BLAKE3-team/BLAKE3``
  ``test_vectors/test_vectors.json``, input ``i mod 251`` for ``i < input_len``): input_len 0 →
  ``af1349b9…3262``, input_len 1 → ``2d3adedf…e213``; and BLAKE3("abc") = ``6437b3ac…9d85`` (the
  widely published value, e.g. in the Python ``blake3`` package's tests).
- Poseidon: ``H([0]*8, [0]*4)`` is zkevm-commonjs ``HASH_POSEIDON_ALL_ZEROES`` =
  ``0xc71603f3…b359`` (``src/constants.js``; its hex is ``h3‖h2‖h1‖h0`` big-endian, so our
  little-endian limb bytes are the reverse); other cases are computed by hand with
  :func:`l2spec.spec.zk.poseidon.poseidon`, following the contract's LinearHash rule.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from l2spec.spec.stark.errors import ParameterError, ProofFormatError, StarkError
from l2spec.spec.stark.field import P
from l2spec.spec.stark.hashing import (
    BLAKE3,
    POSEIDON,
    bytes_to_elements,
    digest_to_elements,
    get_hasher,
    linear_hash,
)
from l2spec.spec.zk.poseidon import poseidon

felts = st.integers(min_value=0, max_value=P - 1)


def le(limbs: tuple[int, ...] | list[int]) -> bytes:
    return b"".join(x.to_bytes(8, "little") for x in limbs)


# --- blake3 -------------------------------------------------------------------------------------


def test_blake3_official_vectors() -> None:
    empty = "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262"
    one_zero = "2d3adedff11b61f14c886e35afa036736dcd87a74d27b5c1510225d0f592e213"
    abc = "6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85"
    assert BLAKE3.hash_bytes(b"").hex() == empty
    assert BLAKE3.hash_bytes(b"\x00").hex() == one_zero
    assert BLAKE3.hash_bytes(b"abc").hex() == abc
    # no elements = the empty input
    assert BLAKE3.hash_elements([]).hex() == empty


def test_blake3_elements_are_8_byte_little_endian() -> None:
    # [0x0706050403020100] encodes as the bytes 00 01 … 07; 0x636261 as "abc" + five zero bytes
    assert BLAKE3.hash_elements([0x0706050403020100]) == BLAKE3.hash_bytes(bytes(range(8)))
    assert BLAKE3.hash_elements([0x636261, 1]) == BLAKE3.hash_bytes(
        b"abc" + bytes(5) + b"\x01" + bytes(7)
    )
    left, right = BLAKE3.hash_bytes(b"l"), BLAKE3.hash_bytes(b"r")
    assert BLAKE3.merge(left, right) == BLAKE3.hash_bytes(left + right)
    assert BLAKE3.merge(left, right) != BLAKE3.merge(right, left)


def test_blake3_refusals() -> None:
    with pytest.raises(StarkError):
        BLAKE3.hash_elements([P])
    with pytest.raises(ProofFormatError):
        BLAKE3.merge(bytes(31), bytes(32))
    assert BLAKE3.is_valid_digest(b"\xff" * 32) and not BLAKE3.is_valid_digest(bytes(33))


# --- poseidon -----------------------------------------------------------------------------------


def test_poseidon_all_zeroes_known_answer() -> None:
    hz = bytes.fromhex("c71603f33a1144ca7953db0ab48808f4c4055e3364a246c33c18a9786cb0b359")
    # five zeros: one chunk of 8 after padding, capacity 0 -> H([0]*8, [0]*4)
    assert POSEIDON.hash_elements([0] * 5) == hz[::-1]
    assert POSEIDON.hash_elements([0] * 8) == hz[::-1]
    # merge of two zero digests is the same permutation
    assert POSEIDON.merge(bytes(32), bytes(32)) == hz[::-1]


@given(st.lists(felts, max_size=4))
def test_poseidon_at_most_four_elements_is_the_padded_elements(elements: list[int]) -> None:
    expected = [*elements, 0, 0, 0, 0][:4]
    assert POSEIDON.hash_elements(elements) == le(expected)


def test_poseidon_more_than_four_elements_by_hand() -> None:
    elements = list(range(1, 14))  # 13 elements: chunks [1..8] and [9..13, 0, 0, 0]
    st1 = poseidon([1, 2, 3, 4, 5, 6, 7, 8], capacity=(0, 0, 0, 0))
    st2 = poseidon([9, 10, 11, 12, 13, 0, 0, 0], capacity=st1)
    assert linear_hash(elements) == st2
    assert POSEIDON.hash_elements(elements) == le(st2)
    assert POSEIDON.hash_elements([P - 1] * 5) == le(poseidon([P - 1] * 5 + [0] * 3))


def test_poseidon_merge_by_hand() -> None:
    a, b = le([1, 2, 3, 4]), le([5, 6, 7, P - 1])
    assert POSEIDON.merge(a, b) == le(poseidon([1, 2, 3, 4, 5, 6, 7, P - 1]))
    assert digest_to_elements(b) == (5, 6, 7, P - 1)


def test_poseidon_hash_bytes_by_hand() -> None:
    # b"abc" + 0x01 -> one 7-byte chunk 61 62 63 01 00 00 00 -> [0x01636261]
    assert bytes_to_elements(b"abc") == [0x01636261]
    assert POSEIDON.hash_bytes(b"abc") == le([0x01636261, 0, 0, 0])
    data = bytes(range(40))  # 41 bytes with the marker -> 6 elements (42 bytes) -> permutation
    elements = bytes_to_elements(data)
    assert len(elements) == 6
    assert elements[0] == int.from_bytes(bytes(range(7)), "little")
    assert elements[5] == int.from_bytes(bytes(range(35, 40)) + b"\x01\x00", "little")
    assert POSEIDON.hash_bytes(data) == le(poseidon([*elements, 0, 0], capacity=(0, 0, 0, 0)))


@given(st.binary(max_size=40), st.binary(max_size=40))
def test_bytes_to_elements_is_injective_and_canonical(a: bytes, b: bytes) -> None:
    ea, eb = bytes_to_elements(a), bytes_to_elements(b)
    assert all(0 <= x < 2**56 for x in ea)
    assert len(ea) == (len(a) + 1 + 6) // 7
    assert (ea == eb) == (a == b)


def test_poseidon_refusals() -> None:
    bad = le([0, 0, 0]) + P.to_bytes(8, "little")
    assert not POSEIDON.is_valid_digest(bad) and POSEIDON.is_valid_digest(bytes(32))
    with pytest.raises(ProofFormatError):
        POSEIDON.merge(bad, bytes(32))
    with pytest.raises(ProofFormatError):
        POSEIDON.merge(bytes(32), bytes(30))
    with pytest.raises(StarkError):
        POSEIDON.hash_elements([1, 2, 3, 4, 5, P])


def test_hasher_registry() -> None:
    assert get_hasher("blake3") is BLAKE3 and BLAKE3.hash_id == 0
    assert get_hasher("poseidon") is POSEIDON and POSEIDON.hash_id == 1
    with pytest.raises(ParameterError):
        get_hasher("sha256")
