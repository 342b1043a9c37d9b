"""Batches: singular (v0) and span (v1) encodings (``specs/protocol/derivation.md`` §Batch Format,
``specs/protocol/delta/span-batches.md``).

Independent references used here, never our own output:
- signed L2 transactions are made and encoded by py-evm (``LondonTransactionBuilder``) and signed
  with eth-keys; a span batch must rebuild exactly those bytes;
- expected span batch bytes are laid out by a minimal encoder written below from the spec's table;
- varint known answers are the protobuf encoding guide's examples (150 -> ``96 01``), which the
  span batch spec names as its ``uvarint``.
"""

from __future__ import annotations

import contextlib

import pytest
import rlp as pyrlp
from eth.vm.forks.london.transactions import LondonTransactionBuilder as Builder
from eth_keys import keys
from hypothesis import given, settings
from hypothesis import strategies as st

from l2spec.errors import DecodingError
from l2spec.spec.common.types import ZERO_HASH, Hash32, address
from l2spec.spec.optimistic.batches import (
    SingularBatch,
    SpanBatch,
    SpanBatchDeriveError,
    SpanBatchElement,
    decode_batch,
    decode_raw_span_batch,
    encode_batch,
    encode_bitlist,
    encode_uvarint,
    read_bitlist,
    read_uvarint,
    singular_batches_to_span,
    span_to_singular_batches,
)
from l2spec.spec.optimistic.blocks import L1BlockRef, L2BlockRef
from l2spec.spec.optimistic.config import BlockID, Genesis, SystemConfig, devnet_parameters
from l2spec.spec.optimistic.frames import EncodingError

GENESIS = Genesis(
    BlockID(0, ZERO_HASH),
    BlockID(0, ZERO_HASH),
    1_000,
    SystemConfig(address("0x" + "11" * 20), 0, 0, 30_000_000),
)
CONFIG = devnet_parameters(GENESIS)  # l2_chain_id 901, block_time 2
KEY = keys.PrivateKey(b"\x01" * 32)
TO = b"\x22" * 20


def legacy_tx(nonce: int, protected: bool = True, to: bytes = TO) -> bytes:
    unsigned = Builder.create_unsigned_transaction(
        nonce=nonce, gas_price=7, gas=21_000, to=to, value=nonce * 3, data=b"\x60\x00"
    )
    signed = unsigned.as_signed_transaction(KEY, chain_id=901 if protected else None)
    return bytes(signed.encode())


def dynamic_fee_tx(nonce: int, chain_id: int = 901, to: bytes = TO) -> bytes:
    unsigned = Builder.new_unsigned_dynamic_fee_transaction(
        chain_id=chain_id,
        nonce=nonce,
        max_priority_fee_per_gas=1,
        max_fee_per_gas=10**9,
        gas=50_000,
        to=to,
        value=5,
        data=b"hi",
        access_list=[(b"\x33" * 20, [5, 6])],
    )
    return bytes(unsigned.as_signed_transaction(KEY).encode())


def access_list_tx(nonce: int) -> bytes:
    unsigned = Builder.new_unsigned_access_list_transaction(
        chain_id=901, nonce=nonce, gas_price=3, gas=30_000, to=TO, value=0, data=b"", access_list=[]
    )
    return bytes(unsigned.as_signed_transaction(KEY).encode())


# --- singular batches ---------------------------------------------------------------------------

SINGULAR = SingularBatch(Hash32(b"\x01" * 32), 5, Hash32(b"\x02" * 32), 1_002, (b"\x02\xc0", b"ab"))


def test_singular_batch_encoding_is_version_byte_and_rlp_list() -> None:
    expected = b"\x00" + pyrlp.encode([b"\x01" * 32, 5, b"\x02" * 32, 1_002, [b"\x02\xc0", b"ab"]])
    assert encode_batch(SINGULAR, CONFIG) == expected
    assert decode_batch(expected, CONFIG) == SINGULAR
    # extra bytes after the batch's RLP list are ignored (§Batch Format note)
    assert decode_batch(expected + b"\x99", CONFIG) == SINGULAR


def test_singular_batch_decoding_is_strict() -> None:
    bad = {
        "four fields": [b"\x01" * 32, 5, b"\x02" * 32, 1_002],
        "six fields": [b"\x01" * 32, 5, b"\x02" * 32, 1_002, [], b""],
        "short hash": [b"\x01" * 31, 5, b"\x02" * 32, 1_002, []],
        "epoch over uint64": [b"\x01" * 32, 2**64, b"\x02" * 32, 1_002, []],
        "tx list item is a list": [b"\x01" * 32, 5, b"\x02" * 32, 1_002, [[b"a"]]],
    }
    for name, fields in bad.items():
        with pytest.raises(DecodingError):
            decode_batch(b"\x00" + pyrlp.encode(fields), CONFIG)
        assert name
    # integer with a leading zero byte (non-canonical): 0x82 0x00 0x05 for epoch 5
    good = pyrlp.encode([b"\x01" * 32, 5, b"\x02" * 32, 1_002, []])
    non_canonical = good.replace(b"\x05\xa0", b"\x82\x00\x05\xa0", 1)
    non_canonical = bytes([non_canonical[0], non_canonical[1] + 2]) + non_canonical[2:]
    with pytest.raises(DecodingError):
        decode_batch(b"\x00" + non_canonical, CONFIG)
    for data in (b"", b"\x02", b"\x00"):
        with pytest.raises(DecodingError):
            decode_batch(data, CONFIG)


# --- uvarints and bitlists ------------------------------------------------------------------


def test_uvarint_protobuf_examples_and_go_semantics() -> None:
    assert encode_uvarint(1) == b"\x01"
    assert encode_uvarint(150) == b"\x96\x01"  # protobuf encoding guide
    assert encode_uvarint(2**64 - 1) == b"\xff" * 9 + b"\x01"
    assert read_uvarint(b"\x96\x01\xff", 0) == (150, 2)
    assert read_uvarint(b"\xff" * 9 + b"\x01", 0) == (2**64 - 1, 10)
    assert read_uvarint(b"\x80\x00", 0) == (0, 2)  # Go's ReadUvarint accepts padding
    for bad in (b"", b"\x80", b"\xff" * 9 + b"\x02", b"\xff" * 10 + b"\x01"):
        with pytest.raises(DecodingError):
            read_uvarint(bad, 0)


def test_bitlist_is_big_endian_left_padded() -> None:
    bits = [True] + [False] * 7 + [True]  # bits 0 and 8 set: integer 0x0101
    assert encode_bitlist(bits) == b"\x01\x01"
    assert read_bitlist(b"\x01\x01", 0, 9) == (tuple(bits), 2)
    assert encode_bitlist([False, True, True]) == b"\x06"
    with pytest.raises(DecodingError):
        read_bitlist(b"\x02", 0, 1)  # a set bit in the padding
    with pytest.raises(DecodingError):
        read_bitlist(b"\x01", 0, 9)  # truncated


# --- span batches: a layout written from the spec table -------------------------------------


def spec_uvarint(n: int) -> bytes:
    out = b""
    while n >= 0x80:
        out += bytes([n & 0x7F | 0x80])
        n >>= 7
    return out + bytes([n])


def spec_bits(bits: list[int]) -> bytes:
    return sum(b << i for i, b in enumerate(bits)).to_bytes((len(bits) + 7) // 8, "big")


def spec_span_batch(
    blocks: list[tuple[int, int, list[bytes]]], parent: bytes, origin: bytes
) -> bytes:
    """``0x01 ‖ prefix ‖ payload`` for blocks ``(timestamp, epoch, raw txs)`` as the spec's table
    says, reading each transaction's fields with pyrlp; the first origin bit is set."""
    txs = [
        pyrlp.decode(t) if t[0] >= 0xC0 else (t[0], pyrlp.decode(t[1:]))
        for b in blocks
        for t in b[2]
    ]
    creation, parity, sigs, tos, datas, nonces, gases, protected = (
        [],
        [],
        b"",
        b"",
        b"",
        b"",
        b"",
        [],
    )
    for tx in txs:
        if isinstance(tx, tuple):
            kind, f = tx
            if kind == 1:  # chainId nonce gasPrice gas to value data accessList y r s
                to, y, r, s = f[4], f[8], f[9], f[10]
                datas += b"\x01" + pyrlp.encode([f[5], f[2], f[6], f[7]])
                nonce, gas = f[1], f[3]
            else:  # chainId nonce tip feeCap gas to value data accessList y r s
                to, y, r, s = f[5], f[9], f[10], f[11]
                datas += b"\x02" + pyrlp.encode([f[6], f[2], f[3], f[7], f[8]])
                nonce, gas = f[1], f[4]
            parity.append(int.from_bytes(y, "big"))
        else:  # nonce gasPrice gas to value data v r s
            f = tx
            to, r, s, nonce, gas = f[3], f[7], f[8], f[0], f[2]
            v = int.from_bytes(f[6], "big")
            protected.append(0 if v in (27, 28) else 1)
            parity.append((v - 27) if v in (27, 28) else (v - 35) % 2)
            datas += pyrlp.encode([f[4], f[1], f[5]])
        creation.append(1 if to == b"" else 0)
        tos += to
        sigs += r.rjust(32, b"\x00") + s.rjust(32, b"\x00")
        nonces += spec_uvarint(int.from_bytes(nonce, "big"))
        gases += spec_uvarint(int.from_bytes(gas, "big"))
    origin_bits = [1] + [int(blocks[i][1] != blocks[i - 1][1]) for i in range(1, len(blocks))]
    prefix = spec_uvarint(blocks[0][0] - GENESIS.l2_time) + spec_uvarint(blocks[-1][1])
    prefix += parent[:20] + origin[:20]
    payload = spec_uvarint(len(blocks)) + spec_bits(origin_bits)
    payload += b"".join(spec_uvarint(len(b[2])) for b in blocks)
    payload += spec_bits(creation) + spec_bits(parity) + sigs + tos + datas + nonces + gases
    payload += spec_bits(protected)
    return b"\x01" + prefix + payload


def singulars(blocks: list[tuple[int, int, list[bytes]]]) -> list[SingularBatch]:
    return [
        SingularBatch(
            Hash32(bytes([i]) * 32), epoch, Hash32(epoch.to_bytes(32, "big")), ts, tuple(txs)
        )
        for i, (ts, epoch, txs) in enumerate(blocks)
    ]


BLOCKS = [
    (1_010, 3, [legacy_tx(0), dynamic_fee_tx(1)]),
    (1_012, 3, []),
    (1_014, 4, [legacy_tx(2, protected=False), access_list_tx(3), dynamic_fee_tx(4, to=b"")]),
    (1_016, 5, [legacy_tx(5, to=b"")]),
]


def test_span_batch_bytes_match_the_spec_layout() -> None:
    span = singular_batches_to_span(singulars(BLOCKS), CONFIG, first_sequence_number=0)
    expected = spec_span_batch(BLOCKS, b"\x00" * 32, (5).to_bytes(32, "big"))
    assert encode_batch(span, CONFIG) == expected


def test_span_batch_rebuilds_py_evm_transactions_exactly() -> None:
    span = singular_batches_to_span(singulars(BLOCKS), CONFIG)
    decoded = decode_batch(encode_batch(span, CONFIG), CONFIG)
    assert isinstance(decoded, SpanBatch)
    assert decoded == span
    assert [b.transactions for b in decoded.blocks] == [tuple(b[2]) for b in BLOCKS]
    assert [b.epoch_num for b in decoded.blocks] == [3, 3, 4, 5]
    assert [b.timestamp for b in decoded.blocks] == [1_010, 1_012, 1_014, 1_016]
    assert decoded.parent_check == b"\x00" * 20
    assert decoded.l1_origin_check == (5).to_bytes(32, "big")[:20]


def test_first_origin_bit_follows_sequence_number_and_is_ignored_by_derivation() -> None:
    with_bit = encode_batch(singular_batches_to_span(singulars(BLOCKS), CONFIG, 0), CONFIG)
    without = encode_batch(singular_batches_to_span(singulars(BLOCKS), CONFIG, 3), CONFIG)
    assert with_bit != without
    a, b = decode_batch(with_bit, CONFIG), decode_batch(without, CONFIG)
    assert isinstance(a, SpanBatch) and isinstance(b, SpanBatch)
    assert a.blocks == b.blocks


def test_span_batch_of_transactions_it_cannot_carry() -> None:
    for txs in ([dynamic_fee_tx(0, chain_id=10)], [b"\x7e\xc0"], [b"\x03\xc0"]):
        with pytest.raises(EncodingError):
            singular_batches_to_span(singulars([(1_010, 3, txs)]), CONFIG)
    gap = [(1_010, 3, []), (1_014, 3, [])]  # not block_time apart
    with pytest.raises(EncodingError):
        singular_batches_to_span(singulars(gap), CONFIG)
    jump = [(1_010, 3, []), (1_012, 5, [])]  # epoch advances by two
    with pytest.raises(EncodingError):
        singular_batches_to_span(singulars(jump), CONFIG)


EMPTY_BLOCK_SPAN = b"\x01" + bytes([2, 7]) + b"\xaa" * 20 + b"\xbb" * 20 + bytes([1, 1, 0])
"""One block, no transactions: rel_timestamp 2, l1_origin_num 7, checks, block_count 1, origin
bits 0x01, block_tx_counts [0]; the empty bitlists take no bytes."""


def test_hand_built_minimal_span_batch() -> None:
    span = decode_batch(EMPTY_BLOCK_SPAN, CONFIG)
    assert span == SpanBatch(
        b"\xaa" * 20, b"\xbb" * 20, (SpanBatchElement(7, GENESIS.l2_time + 2, ()),), True
    )
    assert encode_batch(span, CONFIG) == EMPTY_BLOCK_SPAN


def test_span_batch_limits_and_malformations() -> None:
    head = bytes([2, 7]) + b"\xaa" * 20 + b"\xbb" * 20
    bad = {
        "empty span": head + b"\x00",
        "too many blocks": head + encode_uvarint(10_000_001),
        "too many txs in a block": head + b"\x01\x01" + encode_uvarint(10_000_001),
        "padding bit set": head + b"\x01\x03\x00",
        "truncated prefix": head[:30],
        "truncated sigs": head + b"\x01\x01\x01\x00\x00" + b"\x11" * 63,
    }
    for name, content in bad.items():
        with pytest.raises(DecodingError):
            decode_raw_span_batch(content)
        assert name
    # 5.000.001 + 5.000.000 transactions: each block passes, the total does not
    too_many = head + b"\x02\x00" + encode_uvarint(5_000_001) + encode_uvarint(5_000_000)
    with pytest.raises(DecodingError, match="total"):
        decode_raw_span_batch(too_many)


def test_unknown_tx_type_fails_only_at_derivation() -> None:
    # one block with one tx whose data is type 3 followed by an empty RLP list
    head = bytes([2, 7]) + b"\xaa" * 20 + b"\xbb" * 20 + b"\x01\x01\x01"
    txs = b"\x00" + b"\x00" + b"\x11" * 64 + TO + b"\x03\xc0" + b"\x00" + b"\x01"
    raw = decode_raw_span_batch(head + txs)  # the wire layout is fine
    assert raw.tx_datas == (b"\x03\xc0",)
    with pytest.raises(SpanBatchDeriveError):
        decode_batch(b"\x01" + head + txs, CONFIG)


def test_span_to_singular_batches() -> None:
    span = singular_batches_to_span(singulars(BLOCKS), CONFIG)
    origins = [L1BlockRef(Hash32(n.to_bytes(32, "big")), n, ZERO_HASH, 12 * n) for n in (3, 4, 5)]
    safe = L2BlockRef(ZERO_HASH, 5, ZERO_HASH, 1_012, BlockID(3, ZERO_HASH), 1)
    out = span_to_singular_batches(span, origins, safe)
    assert [(b.timestamp, b.epoch_num, b.epoch_hash) for b in out] == [
        (1_014, 4, origins[1].hash),
        (1_016, 5, origins[2].hash),
    ]
    assert out[0].transactions == tuple(BLOCKS[2][2])


# --- properties ---------------------------------------------------------------------------------

TX_POOL = [legacy_tx(9), legacy_tx(10, protected=False), dynamic_fee_tx(11), access_list_tx(12)]


@settings(max_examples=25)
@given(
    st.lists(
        st.tuples(st.booleans(), st.lists(st.sampled_from(TX_POOL), max_size=3)),
        min_size=1,
        max_size=6,
    ),
    st.integers(0, 1000),
    st.integers(0, 2**32),
    st.integers(0, 5),
)
def test_span_round_trip(
    shape: list[tuple[bool, list[bytes]]], start: int, epoch0: int, seq: int
) -> None:
    blocks, epoch = [], epoch0
    for i, (advance, txs) in enumerate(shape):
        epoch += int(advance and i > 0)
        blocks.append((GENESIS.l2_time + 2 * (start + i), epoch, txs))
    span = singular_batches_to_span(singulars(blocks), CONFIG, seq)
    encoded = encode_batch(span, CONFIG)
    decoded = decode_batch(encoded, CONFIG)
    assert decoded == span
    assert encode_batch(decoded, CONFIG) == encoded
    if seq == 0:
        assert encoded == spec_span_batch(blocks, b"\x00" * 32, epoch.to_bytes(32, "big"))


@given(st.binary(max_size=300), st.sampled_from([b"\x00", b"\x01", b""]))
def test_arbitrary_bytes_only_raise_decoding_error(data: bytes, version: bytes) -> None:
    with contextlib.suppress(DecodingError):
        decode_batch(version + data, CONFIG)


@given(st.binary(min_size=1, max_size=200), st.integers(0, 300))
def test_mutated_span_batches_only_raise_decoding_error(patch: bytes, at: int) -> None:
    good = encode_batch(singular_batches_to_span(singulars(BLOCKS), CONFIG), CONFIG)
    at = at % len(good)
    mutated = good[:at] + patch + good[at + len(patch) :]
    try:
        decoded = decode_batch(mutated, CONFIG)
    except DecodingError:
        return
    assert isinstance(decoded, SpanBatch | SingularBatch)
    # whatever decodes and can be re-encoded decodes back to the same value
    try:
        again = encode_batch(decoded, CONFIG)
    except EncodingError:
        return
    assert decode_batch(again, CONFIG) == decoded
