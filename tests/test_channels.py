"""Channels: frame insertion, readiness, compression and batch reading
(``specs/protocol/derivation.md`` §Channel Format, §Channel Bank, §Channel Reader;
``specs/protocol/fjord/derivation.md`` §Brotli Channel Compression).

Known answers: the frame validity cases of ``TestFrameValidity`` in ethereum-optimism/optimism
``op-node/rollup/derive/channel_test.go`` (which frames are refused and the channel size after each).
Channel data in the reading tests is built by an independent minimal encoder written here from the
spec text (pyrlp + the zlib/brotli libraries directly), never by the module under test.
"""

from __future__ import annotations

import zlib
from dataclasses import replace

import brotli
import rlp as pyrlp
from hypothesis import given
from hypothesis import strategies as st

from l2spec.spec.common.types import ZERO_HASH, Hash32, address
from l2spec.spec.optimistic.batches import SingularBatch
from l2spec.spec.optimistic.blocks import L1BlockRef
from l2spec.spec.optimistic.channels import (
    CompressionAlgo,
    add_frame,
    channel_bytes_for,
    channel_data,
    decompress_channel,
    is_ready,
    is_timed_out,
    new_channel,
    read_batches,
)
from l2spec.spec.optimistic.config import (
    MAX_RLP_BYTES_PER_CHANNEL_BEDROCK,
    BlockID,
    Genesis,
    RollupConfig,
    SystemConfig,
    devnet_parameters,
)
from l2spec.spec.optimistic.frames import Frame

GENESIS = Genesis(
    BlockID(0, ZERO_HASH),
    BlockID(0, ZERO_HASH),
    1_000,
    SystemConfig(address("0x" + "11" * 20), 0, 0, 30_000_000),
)
DELTA = devnet_parameters(GENESIS)  # Regolith..Ecotone at genesis, no Fjord
BEDROCK = replace(DELTA, delta_time=None, ecotone_time=None)
FJORD = replace(DELTA, fjord_time=0)

ID = bytes([0xFF]) + bytes(15)
BLOCK = L1BlockRef(ZERO_HASH, 0, ZERO_HASH, 0)


def l1(number: int) -> L1BlockRef:
    return L1BlockRef(Hash32(number.to_bytes(32, "big")), number, ZERO_HASH, 12 * number)


# --- op-node TestFrameValidity (the non-Holocene cases) -----------------------------------------


def run_validity_case(frames: list[Frame], should_err: list[bool], sizes: list[int]) -> None:
    ch = new_channel(ID, BLOCK)
    for frame, err, size in zip(frames, should_err, sizes, strict=True):
        ch, reason = add_frame(ch, frame, BLOCK)
        assert (reason is not None) == err, reason
        assert ch.size == size


def test_op_node_frame_validity_cases() -> None:
    def f(n: int, data: bytes = b"", last: bool = False, cid: bytes = ID) -> Frame:
        return Frame(cid, n, data, last)

    # wrong channel
    run_validity_case([f(0, cid=bytes([0xEE]) + bytes(15))], [True], [0])
    # double close
    run_validity_case([f(2, b"four", True), f(1, last=True)], [False, True], [204, 204])
    # duplicate frame
    run_validity_case([f(2, b"four"), f(2, b"seven__")], [False, True], [204, 204])
    # duplicate closing frames
    run_validity_case([f(2, b"four", True), f(2, b"seven__", True)], [False, True], [204, 204])
    # frame past closing
    run_validity_case([f(2, b"four", True), f(10, b"seven__")], [False, True], [204, 204])
    # prune after close frame
    run_validity_case([f(10, b"seven__"), f(2, b"four", True)], [False, False], [207, 204])
    # multiple valid frames
    run_validity_case([f(10, b"seven__"), f(2, b"four")], [False, False], [207, 411])


def test_closing_frame_prunes_higher_frames_and_channel_becomes_ready() -> None:
    ch = new_channel(ID, l1(5))
    for frame in (Frame(ID, 3, b"D", False), Frame(ID, 0, b"A", False), Frame(ID, 1, b"B", False)):
        ch, reason = add_frame(ch, frame, l1(6))
        assert reason is None
    assert not is_ready(ch)
    ch, reason = add_frame(ch, Frame(ID, 2, b"C", True), l1(7))
    assert reason is None
    assert [f.frame_number for f in ch.frames] == [0, 1, 2]
    assert ch.highest_frame_number == 2
    assert ch.end_frame_number == 2 and ch.is_closed
    assert is_ready(ch)
    assert channel_data(ch) == b"ABC"
    assert ch.highest_inclusion_block == l1(7)
    assert ch.open_block == l1(5)


def test_not_ready_with_a_gap() -> None:
    ch = new_channel(ID, BLOCK)
    ch, _ = add_frame(ch, Frame(ID, 0, b"A", False), BLOCK)
    ch, _ = add_frame(ch, Frame(ID, 2, b"C", True), BLOCK)
    assert not is_ready(ch)


def test_timeout_rule() -> None:
    ch = new_channel(ID, l1(10))
    assert not is_timed_out(ch, 10 + DELTA.channel_timeout, DELTA)
    assert is_timed_out(ch, 11 + DELTA.channel_timeout, DELTA)


# --- an independent channel encoder, from the spec text ----------------------------------------


def spec_singular(batch: SingularBatch) -> bytes:
    """``0x00 ‖ rlp([parent_hash, epoch_number, epoch_hash, timestamp, transaction_list])``."""
    return b"\x00" + pyrlp.encode(
        [
            batch.parent_hash,
            batch.epoch_num,
            batch.epoch_hash,
            batch.timestamp,
            list(batch.transactions),
        ]
    )


def spec_rlp_batches(encoded_batches: list[bytes]) -> bytes:
    """Each batch as an RLP string, concatenated (op-node ``BatchData.EncodeRLP``)."""
    return b"".join(pyrlp.encode(b) for b in encoded_batches)


def batch(i: int, txs: tuple[bytes, ...] = (b"\x02\xc0",)) -> SingularBatch:
    return SingularBatch(Hash32(bytes([i]) * 32), 7, Hash32(b"\x07" * 32), 1_000 + 2 * i, txs)


def test_reads_zlib_channel_made_by_independent_encoder() -> None:
    batches = [batch(1), batch(2, ()), batch(3, (b"\x01" * 100, b"\x02\xc3\x01\x02\x03"))]
    data = zlib.compress(spec_rlp_batches([spec_singular(b) for b in batches]))
    result = read_batches(data, BEDROCK, 0)
    assert result.error is None and result.dropped == ()
    assert result.batches == tuple(batches)


def test_brotli_channel_only_from_fjord() -> None:
    batches = [batch(1), batch(2)]
    data = b"\x01" + brotli.compress(spec_rlp_batches([spec_singular(b) for b in batches]))
    assert read_batches(data, FJORD, 0).batches == tuple(batches)
    before = read_batches(data, DELTA, 0)
    assert before.batches == ()
    assert before.error is not None and "Fjord" in before.error


def test_version_bytes_other_than_zlib_and_brotli_are_unreadable() -> None:
    payload = brotli.compress(spec_rlp_batches([spec_singular(batch(1))]))
    for first in (0x00, 0x02, 0x11, 0xFF):
        if first & 0x0F in (8, 15):
            continue
        result = read_batches(bytes([first]) + payload, FJORD, 0)
        assert result.batches == () and result.error is not None
    # low bits 15 select zlib, whose header then fails
    assert read_batches(b"\x0f" + payload, FJORD, 0).batches == ()
    assert read_batches(b"", FJORD, 0).error is not None


def test_reading_stops_at_first_undecodable_batch() -> None:
    good = [spec_singular(batch(1)), spec_singular(batch(2))]
    bad = b"\x05" + b"whatever"  # unknown batch version
    data = zlib.compress(spec_rlp_batches([good[0], bad, good[1]]))
    result = read_batches(data, DELTA, 0)
    assert result.batches == (batch(1),)
    assert result.error is not None


def test_list_item_instead_of_string_stops_reading() -> None:
    data = zlib.compress(pyrlp.encode(spec_singular(batch(1))) + pyrlp.encode([b"\x00"]))
    result = read_batches(data, DELTA, 0)
    assert result.batches == (batch(1),) and result.error is not None


def test_trailing_bytes_inside_a_batch_string_are_ignored() -> None:
    # derivation.md §Batch Format: extra content after the RLP batch may be ignored.
    data = zlib.compress(pyrlp.encode(spec_singular(batch(1)) + b"\x00\x01"))
    assert read_batches(data, DELTA, 0).batches == (batch(1),)


def test_span_batch_before_delta_is_dropped_alone() -> None:
    # A minimal well-formed span batch (one block, no transactions), laid out by hand:
    # rel_timestamp=2, l1_origin_num=7, parent_check, l1_origin_check, block_count=1,
    # origin_bits=0x01, block_tx_counts=[0], no tx fields, protected_bits of 0 bits.
    span = b"\x01" + bytes([2, 7]) + b"\xaa" * 20 + b"\xbb" * 20 + bytes([1, 1, 0])
    data = zlib.compress(spec_rlp_batches([span, spec_singular(batch(4))]))
    pre = read_batches(data, BEDROCK, 0)
    assert pre.batches == (batch(4),)
    assert len(pre.dropped) == 1 and pre.error is None
    post = read_batches(data, DELTA, 0)
    assert len(post.batches) == 2 and post.batches[1] == batch(4)
    assert post.batches[0].blocks[0].timestamp == GENESIS.l2_time + 2  # type: ignore[union-attr]


def test_truncated_and_corrupt_streams_keep_the_batches_before_the_fault() -> None:
    batches = [batch(i, (bytes([i]) * 3000,)) for i in range(1, 6)]
    raw = spec_rlp_batches([spec_singular(b) for b in batches])
    compressed = zlib.compress(raw)
    half = read_batches(compressed[: len(compressed) // 2], DELTA, 0)
    assert 0 < len(half.batches) < 5
    assert half.batches == tuple(batches[: len(half.batches)])
    assert half.error is not None
    # A bad adler32 checksum only fails after every byte of output was delivered.
    bad_checksum = compressed[:-1] + bytes([compressed[-1] ^ 0xFF])
    checked = read_batches(bad_checksum, DELTA, 0)
    assert checked.batches == tuple(batches)
    assert checked.error is not None


def test_decompression_stops_at_the_channel_limit() -> None:
    limit = MAX_RLP_BYTES_PER_CHANNEL_BEDROCK
    first = pyrlp.encode(spec_singular(batch(1)))

    # A second batch whose RLP string ends exactly at the limit, then one byte more.
    def second_of_total(total: int) -> bytes:
        tx_len = total - len(first) - 200
        while True:
            b = spec_singular(batch(2, (b"\x00" * tx_len,)))
            item = pyrlp.encode(b)
            if len(first) + len(item) == total:
                return item
            tx_len += total - len(first) - len(item)

    exact = zlib.compress(first + second_of_total(limit))
    assert len(read_batches(exact, BEDROCK, 0).batches) == 2
    over = zlib.compress(first + second_of_total(limit + 1))
    result = read_batches(over, BEDROCK, 0)
    assert result.batches == (batch(1),)
    assert result.error is not None


def test_zip_bomb_is_bounded() -> None:
    bomb = zlib.compress(b"\x00" * (4 * MAX_RLP_BYTES_PER_CHANNEL_BEDROCK), 9)
    out = decompress_channel(bomb, MAX_RLP_BYTES_PER_CHANNEL_BEDROCK, False)
    assert len(out.data) == MAX_RLP_BYTES_PER_CHANNEL_BEDROCK
    result = read_batches(bomb, BEDROCK, 0)
    assert result.batches == () and result.error is not None


# --- properties ---------------------------------------------------------------------------------

batches_strategy = st.lists(
    st.builds(
        SingularBatch,
        parent_hash=st.binary(min_size=32, max_size=32).map(Hash32),
        epoch_num=st.integers(0, 2**64 - 1),
        epoch_hash=st.binary(min_size=32, max_size=32).map(Hash32),
        timestamp=st.integers(0, 2**64 - 1),
        transactions=st.lists(st.binary(max_size=60), max_size=3).map(tuple),
    ),
    min_size=1,
    max_size=4,
)


@given(batches_strategy, st.sampled_from([CompressionAlgo.ZLIB, CompressionAlgo.BROTLI]))
def test_channel_round_trip(batches: list[SingularBatch], algo: CompressionAlgo) -> None:
    data = channel_bytes_for(batches, FJORD, algo)
    result = read_batches(data, FJORD, 0)
    assert result.error is None
    assert result.batches == tuple(batches)
    # our encoder's uncompressed stream is the spec's
    assert decompress_channel(data, 10**7, True).data == spec_rlp_batches(
        [spec_singular(b) for b in batches]
    )


@given(st.binary(max_size=300), st.sampled_from([BEDROCK, DELTA, FJORD]))
def test_arbitrary_channel_data_gives_a_value(data: bytes, config: RollupConfig) -> None:
    result = read_batches(data, config, 0)
    assert isinstance(result.batches, tuple)


@given(st.binary(max_size=300))
def test_arbitrary_compressed_streams_give_a_value(payload: bytes) -> None:
    for data in (zlib.compress(payload), b"\x01" + brotli.compress(payload)):
        result = read_batches(data, FJORD, 0)
        assert isinstance(result.batches, tuple)


def test_brotli_bomb_is_bounded() -> None:
    limit = MAX_RLP_BYTES_PER_CHANNEL_BEDROCK
    bomb = b"\x01" + brotli.compress(b"\x00" * (3 * limit), quality=5)
    out = decompress_channel(bomb, limit, True)
    assert len(out.data) == limit and out.error is None
