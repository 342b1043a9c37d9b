"""RLP and keccak: known answers from the Ethereum wiki / Yellow Paper examples and ethereum/tests,
strictness on the invalid forms of ethereum/tests ``RLPTests/invalidRLPTest.json``, and a
differential check of our decoder against pyrlp's on random bytes."""

from __future__ import annotations

import pytest
import rlp as pyrlp
from hypothesis import given
from hypothesis import strategies as st

from l2spec.errors import DecodingError
from l2spec.spec.common import rlp
from l2spec.spec.common.keccak import KECCAK_EMPTY, keccak256


def test_keccak_known_answers() -> None:
    # keccak256("") is the code hash of an empty account (Yellow Paper §4.1); keccak256("abc") is
    # the Keccak team's KAT (differs from NIST SHA3-256's 3a985da7...).
    assert keccak256(b"") == KECCAK_EMPTY
    assert (
        keccak256(b"abc").hex()
        == "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"
    )


# The examples of the Ethereum wiki's RLP page / ethereum/tests RLPTests/rlptest.json.
KNOWN = [
    (b"dog", "83646f67"),
    ([b"cat", b"dog"], "c88363617483646f67"),
    (b"", "80"),
    ([], "c0"),
    (0, "80"),
    (b"\x00", "00"),
    (15, "0f"),
    (1024, "820400"),
    ([[], [[]], [[], [[]]]], "c7c0c1c0c3c0c1c0"),
    (
        b"Lorem ipsum dolor sit amet, consectetur adipisicing elit",
        "b8384c6f72656d20697073756d20646f6c6f722073697420616d65742c20636f6e7365637465747572206164697069736963696e6720656c6974",
    ),
    (2**64, "89010000000000000000"),
]


@pytest.mark.parametrize(("item", "expected"), KNOWN)
def test_encode_known_answers(item: rlp.Encodable, expected: str) -> None:
    assert rlp.encode(item).hex() == expected


@pytest.mark.parametrize(("item", "expected"), KNOWN)
def test_decode_known_answers(item: rlp.Encodable, expected: str) -> None:
    decoded = rlp.decode(bytes.fromhex(expected))
    if isinstance(item, int):
        assert rlp.decode_uint(decoded) == item
    else:
        assert decoded == item


# Named after ethereum/tests RLPTests/invalidRLPTest.json cases (and go-ethereum rlp errors).
INVALID = {
    "emptyEncoding": "",
    "bytesShouldBeSingleByte00": "8100",
    "bytesShouldBeSingleByte7F": "817f",
    "shortStringTooShort": "83646f",
    "wrongSizeList": "f80180",
    "lessThanShortLengthArray1": "b80100",
    "lessThanShortLengthList": "f80100",
    "leadingZerosInLongLengthArray1": "b900400102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f",
    "leadingZerosInLongLengthList": "f9004001",
    "longStringLengthPastInput": "bf0fffffffffffffff",
    "trailingBytes": "8001",
    "listItemOverrunsList": "c28300",
    "nonOptimalLengthList": "f800",
}


@pytest.mark.parametrize("name", sorted(INVALID))
def test_decode_rejects_invalid(name: str) -> None:
    with pytest.raises(DecodingError):
        rlp.decode(bytes.fromhex(INVALID[name]))


def test_decode_uint_is_canonical() -> None:
    assert rlp.decode_uint(b"") == 0
    assert rlp.decode_uint(b"\x01\x00") == 256
    with pytest.raises(DecodingError):
        rlp.decode_uint(b"\x00")
    with pytest.raises(DecodingError):
        rlp.decode_uint(b"\x00\x01")
    with pytest.raises(DecodingError):
        rlp.decode_uint([])
    with pytest.raises(DecodingError):
        rlp.decode_uint_max(b"\x01" + b"\x00" * 8, 64)


def test_encode_rejects_what_rlp_cannot_hold() -> None:
    for bad in (-1, "text", 1.5, None):
        with pytest.raises(rlp.EncodingError):
            rlp.encode(bad)  # type: ignore[arg-type]


def test_deep_nesting_is_a_value_error_free_decode() -> None:
    # 100k nested lists: pyrlp's recursive decoder overflows the stack; ours walks a stack.
    depth = 100_000
    item: bytes = b"\xc0"
    for _ in range(depth):
        n = len(item)
        if n < 56:
            item = bytes([0xC0 + n]) + item
        else:
            size = (n.bit_length() + 7) // 8
            item = bytes([0xF7 + size]) + n.to_bytes(size, "big") + item
    decoded = rlp.decode(item)
    level = 0
    while isinstance(decoded, list) and decoded:
        decoded = decoded[0]
        level += 1
    assert level == depth
    # and a truncated deep input is a DecodingError, not a RecursionError
    with pytest.raises(DecodingError):
        rlp.decode(item[:-1])


def test_size_guard() -> None:
    data = rlp.encode(b"x" * 1000)
    with pytest.raises(DecodingError):
        rlp.decode(data, max_size=999)
    assert rlp.decode(data, max_size=len(data)) == b"x" * 1000


def test_decode_item_reads_a_stream() -> None:
    stream = rlp.encode(b"dog") + rlp.encode([b"cat"]) + rlp.encode(7)
    first, pos = rlp.decode_item(stream)
    second, pos = rlp.decode_item(stream, pos)
    third, pos = rlp.decode_item(stream, pos)
    assert (first, second, rlp.decode_uint(third), pos) == (b"dog", [b"cat"], 7, len(stream))


items = st.recursive(
    st.binary(max_size=80) | st.integers(min_value=0, max_value=2**300),
    lambda children: st.lists(children, max_size=6),
    max_leaves=30,
)


def _normal(item: object) -> object:
    if isinstance(item, int):
        return rlp.encode_uint(item)
    if isinstance(item, list):
        return [_normal(x) for x in item]
    return item


@given(items)
def test_roundtrip(item: rlp.Encodable) -> None:
    encoded = rlp.encode(item)
    assert rlp.decode(encoded) == _normal(item)
    # pyrlp, an independent decoder, reads our encoding the same way.
    assert pyrlp.decode(encoded) == _normal(item)


@given(st.binary(max_size=200))
def test_decode_agrees_with_pyrlp_on_random_bytes(data: bytes) -> None:
    try:
        ours: object = rlp.decode(data)
    except DecodingError:
        ours = DecodingError
    try:
        theirs: object = pyrlp.decode(data, strict=True)
    except pyrlp.exceptions.DecodingError:
        theirs = DecodingError
    assert ours == theirs


@given(items, st.data())
def test_mutated_encodings_decode_canonically_or_raise_decoding_error(
    item: rlp.Encodable, data: st.DataObject
) -> None:
    """Whatever decodes re-encodes to the same bytes (one encoding per item); anything else is a
    DecodingError, never another exception."""
    encoded = bytearray(rlp.encode(item))
    position = data.draw(st.integers(0, len(encoded) - 1))
    encoded[position] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(0, len(encoded)))
    mutated = bytes(encoded[:cut])
    try:
        decoded = rlp.decode(mutated)
    except DecodingError:
        return
    assert rlp.encode(decoded) == mutated
