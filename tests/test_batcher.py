"""The batcher: channels cut into frames and batcher transactions, read back by the derivation
rules (``specs/protocol/derivation.md`` §Batch Submission Wire Format).

Known answers: every case of ``TestForceCloseTxData`` in ethereum-optimism/optimism
``op-node/rollup/derive/channel_out_test.go``.
"""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from l2spec.errors import ConfigError
from l2spec.spec.common.keccak import keccak256
from l2spec.spec.common.types import ZERO_HASH, Hash32, address
from l2spec.spec.optimistic.batcher import (
    batcher_transactions,
    build_channel_frames,
    channel_id_for,
    default_compression,
    force_close_tx_data,
    split_into_frames,
)
from l2spec.spec.optimistic.batches import SingularBatch
from l2spec.spec.optimistic.blocks import L1BlockRef
from l2spec.spec.optimistic.channels import (
    CompressionAlgo,
    add_frame,
    channel_data,
    is_ready,
    new_channel,
    read_batches,
)
from l2spec.spec.optimistic.config import BlockID, Genesis, SystemConfig, devnet_parameters
from l2spec.spec.optimistic.frames import EncodingError, Frame, parse_frames

GENESIS = Genesis(
    BlockID(0, ZERO_HASH),
    BlockID(0, ZERO_HASH),
    1_000,
    SystemConfig(address("0x" + "11" * 20), 0, 0, 30_000_000),
)
CONFIG = devnet_parameters(GENESIS)
FJORD = replace(CONFIG, fjord_time=0)
ID = bytes.fromhex("deadbeef" * 4)
BLOCK = L1BlockRef(ZERO_HASH, 1, ZERO_HASH, 12)


def test_op_node_force_close_vectors() -> None:
    def f(n: int, last: bool) -> Frame:
        return Frame(ID, n, b"", last)

    prefix = "00deadbeefdeadbeefdeadbeefdeadbeef"
    cases = [
        ([f(0, False)], prefix + "00000000000001"),
        ([f(0, True)], "00"),
        ([f(1, False)], prefix + "00000000000001"),
        ([f(1, True)], prefix + "00000000000000"),
        ([f(2, True)], prefix + "00000000000000deadbeefdeadbeefdeadbeefdeadbeef00010000000000"),
        (
            [f(1, False), f(3, True)],
            prefix + "00000000000000deadbeefdeadbeefdeadbeefdeadbeef00020000000000",
        ),
        (
            [f(1, False), f(3, True), f(5, True)],
            prefix + "00000000000000deadbeefdeadbeefdeadbeefdeadbeef00020000000000",
        ),
    ]
    for frames, expected in cases:
        assert force_close_tx_data(frames) == bytes.fromhex(expected)
    with pytest.raises(EncodingError):
        force_close_tx_data([])
    with pytest.raises(EncodingError):  # a frame of another channel (zero id) first
        force_close_tx_data([Frame(bytes(16), 0, b"", False), f(1, True)])


def test_channel_id_is_deterministic() -> None:
    a = channel_id_for(b"seed", 0)
    assert a == bytes(keccak256(b"seed" + bytes(8)))[:16]
    assert len(a) == 16 and a == channel_id_for(b"seed", 0)
    assert a != channel_id_for(b"seed", 1)


def test_split_into_frames() -> None:
    frames = split_into_frames(ID, bytes(range(10)), 4)
    assert [f.data for f in frames] == [bytes(range(4)), bytes(range(4, 8)), bytes([8, 9])]
    assert [f.frame_number for f in frames] == [0, 1, 2]
    assert [f.is_last for f in frames] == [False, False, True]
    exact = split_into_frames(ID, b"abcdef", 3)  # no empty closing frame when it divides evenly
    assert [(f.data, f.is_last) for f in exact] == [(b"abc", False), (b"def", True)]
    for bad in (0, 1_000_001):
        with pytest.raises(ConfigError):
            split_into_frames(ID, b"abc", bad)
    with pytest.raises(EncodingError):
        split_into_frames(ID, b"x" * 70_000, 1)  # more frames than a uint16 numbers


def test_default_compression_follows_fjord() -> None:
    assert default_compression(CONFIG, 10**9) is CompressionAlgo.ZLIB
    assert default_compression(FJORD, 0) is CompressionAlgo.BROTLI


def test_frames_out_of_order_across_transactions_still_read_back() -> None:
    batches = [
        SingularBatch(
            Hash32(bytes([i]) * 32), 3, Hash32(b"\x03" * 32), 1_000 + 2 * i, (b"\x01" * 50,)
        )
        for i in range(1, 4)
    ]
    frames = build_channel_frames(batches, CONFIG, ID, 16, CompressionAlgo.ZLIB)
    assert len(frames) > 2
    txs = batcher_transactions(list(reversed(frames)), frames_per_tx=2)
    ch = new_channel(ID, BLOCK)
    for tx in txs:
        parsed = parse_frames(tx)
        assert parsed.ok
        for frame in parsed.frames:
            ch, reason = add_frame(ch, frame, BLOCK)
            assert reason is None
    assert is_ready(ch)
    assert read_batches(channel_data(ch), CONFIG, BLOCK.timestamp).batches == tuple(batches)


batch_strategy = st.builds(
    SingularBatch,
    parent_hash=st.binary(min_size=32, max_size=32).map(Hash32),
    epoch_num=st.integers(0, 2**40),
    epoch_hash=st.binary(min_size=32, max_size=32).map(Hash32),
    timestamp=st.integers(0, 2**40),
    transactions=st.lists(st.binary(min_size=1, max_size=80), max_size=4).map(tuple),
)


@settings(max_examples=30)
@given(
    st.lists(batch_strategy, min_size=1, max_size=5),
    st.integers(1, 200),
    st.sampled_from([CompressionAlgo.ZLIB, CompressionAlgo.BROTLI]),
    st.integers(1, 3),
    st.randoms(use_true_random=False),
)
def test_batches_channel_frames_txs_round_trip(
    batches: list[SingularBatch],
    max_frame_size: int,
    algo: CompressionAlgo,
    frames_per_tx: int,
    rng: random.Random,
) -> None:
    frames = build_channel_frames(batches, FJORD, channel_id_for(b"t", 1), max_frame_size, algo)
    assert all(len(f.data) <= max_frame_size for f in frames)
    assert [f.is_last for f in frames] == [False] * (len(frames) - 1) + [True]
    txs = list(batcher_transactions(frames, frames_per_tx))
    rng.shuffle(txs)
    ch = new_channel(frames[0].channel_id, BLOCK)
    for tx in txs:
        for frame in parse_frames(tx).frames:
            ch, reason = add_frame(ch, frame, BLOCK)
            assert reason is None
    assert is_ready(ch)
    result = read_batches(channel_data(ch), FJORD, BLOCK.timestamp)
    assert result.error is None
    assert result.batches == tuple(batches)
