"""Frames and batcher transaction data (``specs/protocol/derivation.md`` §Batcher Transaction Format,
§Frame Format).

Known answers: the batcher transaction data in ``TestForceCloseTxData``
(ethereum-optimism/optimism ``op-node/rollup/derive/channel_out_test.go``), produced by op-node's
``Frame.MarshalBinary``; and frames laid out by hand from the spec's table with ``struct``.
"""

from __future__ import annotations

import struct

from hypothesis import given
from hypothesis import strategies as st

from l2spec.spec.optimistic.config import MAX_FRAME_LEN
from l2spec.spec.optimistic.frames import (
    FRAME_OVERHEAD,
    Frame,
    batcher_tx_data,
    encode_frame,
    parse_frames,
)

DEADBEEF_ID = bytes.fromhex("deadbeef" * 4)


def spec_frame(channel_id: bytes, number: int, data: bytes, is_last_byte: int) -> bytes:
    """A frame laid out from the spec's table: bytes16, uint16 BE, uint32 BE, data, one byte."""
    return channel_id + struct.pack(">HI", number, len(data)) + data + bytes([is_last_byte])


# --- known answers from op-node's TestForceCloseTxData --------------------------------------


def test_op_node_vector_single_frame_is_last() -> None:
    # `{ID: id, FrameNumber: 0, IsLast: false}` case: the output is one empty closing frame 0.
    data = bytes.fromhex("00deadbeefdeadbeefdeadbeefdeadbeef00000000000001")
    parsed = parse_frames(data)
    assert parsed.error is None
    assert parsed.frames == (Frame(DEADBEEF_ID, 0, b"", True),)
    assert batcher_tx_data(parsed.frames) == data


def test_op_node_vector_two_filler_frames() -> None:
    # `{ID: id, FrameNumber: 2, IsLast: true}` case: empty non-closing frames 0 and 1.
    data = bytes.fromhex(
        "00deadbeefdeadbeefdeadbeefdeadbeef00000000000000"
        "deadbeefdeadbeefdeadbeefdeadbeef00010000000000"
    )
    parsed = parse_frames(data)
    assert parsed.frames == (Frame(DEADBEEF_ID, 0, b"", False), Frame(DEADBEEF_ID, 1, b"", False))
    assert batcher_tx_data(parsed.frames) == data


def test_op_node_vector_version_byte_alone_has_no_frames() -> None:
    # `{ID: id, FrameNumber: 0, IsLast: true}` gives "00": ParseFrames rejects it (no frames).
    parsed = parse_frames(bytes.fromhex("00"))
    assert parsed.frames == ()
    assert parsed.error is not None


# --- layout from the spec table ----------------------------------------------------------------


def test_encode_frame_matches_spec_layout() -> None:
    frame = Frame(bytes(range(16)), 0x0102, b"hello", True)
    assert encode_frame(frame) == spec_frame(bytes(range(16)), 0x0102, b"hello", 1)
    assert len(encode_frame(frame)) == FRAME_OVERHEAD + 5 == 28


def test_parse_several_frames_of_several_channels() -> None:
    a, b = b"\xaa" * 16, b"\xbb" * 16
    data = (
        b"\x00"
        + spec_frame(a, 7, b"x" * 3, 0)
        + spec_frame(b, 0, b"", 1)
        + spec_frame(a, 8, b"y", 1)
    )
    parsed = parse_frames(data)
    assert parsed.ok
    assert parsed.frames == (
        Frame(a, 7, b"xxx", False),
        Frame(b, 0, b"", True),
        Frame(a, 8, b"y", True),
    )


def test_frame_of_max_frame_len_is_accepted_and_one_more_byte_is_not() -> None:
    ok = b"\x00" + spec_frame(DEADBEEF_ID, 0, b"\x01" * MAX_FRAME_LEN, 1)
    assert parse_frames(ok).frames[0].data == b"\x01" * MAX_FRAME_LEN
    too_long = b"\x00" + spec_frame(DEADBEEF_ID, 0, b"\x01" * (MAX_FRAME_LEN + 1), 1)
    assert parse_frames(too_long).frames == ()
    assert "MAX_FRAME_LEN" in (parse_frames(too_long).error or "")


# --- rejection: any bad frame rejects the whole transaction -----------------------------------


GOOD = spec_frame(DEADBEEF_ID, 0, b"abc", 0)


def test_rejections() -> None:
    cases = {
        "empty": b"",
        "unknown version": b"\x01" + GOOD,
        "alt-da version": b"\x01",
        "is_last 2": b"\x00" + GOOD + spec_frame(DEADBEEF_ID, 1, b"", 2),
        "truncated header": b"\x00" + GOOD + DEADBEEF_ID + b"\x00",
        "truncated data": b"\x00" + GOOD[:-3],
        "missing is_last": b"\x00" + GOOD[:-1],
        "trailing garbage": b"\x00" + GOOD + b"\x00",
        "length too large": b"\x00" + DEADBEEF_ID + struct.pack(">HI", 0, 0xFFFFFFFF),
    }
    for name, data in cases.items():
        parsed = parse_frames(data)
        assert parsed.frames == (), name
        assert parsed.error, name


# --- properties ---------------------------------------------------------------------------------

frames_strategy = st.builds(
    Frame,
    channel_id=st.binary(min_size=16, max_size=16),
    frame_number=st.integers(0, 2**16 - 1),
    data=st.binary(max_size=300),
    is_last=st.booleans(),
)


@given(st.lists(frames_strategy, min_size=1, max_size=6))
def test_round_trip(frames: list[Frame]) -> None:
    data = batcher_tx_data(frames)
    assert data[0] == 0
    parsed = parse_frames(data)
    assert parsed.error is None
    assert parsed.frames == tuple(frames)


@given(st.binary(max_size=400))
def test_arbitrary_bytes_give_a_value(data: bytes) -> None:
    parsed = parse_frames(data)
    assert (parsed.error is None) == (len(parsed.frames) > 0)
    if parsed.ok:
        assert batcher_tx_data(parsed.frames) == data


@given(st.lists(frames_strategy, min_size=1, max_size=3), st.data())
def test_any_corrupted_is_last_rejects_all_frames(frames: list[Frame], data: st.DataObject) -> None:
    encoded = bytearray(batcher_tx_data(frames))
    # the is_last byte of the last frame is the last byte of the transaction
    encoded[-1] = data.draw(st.integers(2, 255))
    parsed = parse_frames(bytes(encoded))
    assert parsed.frames == ()
