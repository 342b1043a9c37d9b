"""Frames: the chunks of a channel carried in batcher transactions.

OP spec ``specs/protocol/derivation.md`` §Batcher Transaction Format and §Frame Format; the
reference implementation is ``op-node/rollup/derive/frame.go`` (``Frame.MarshalBinary``,
``Frame.UnmarshalBinary``, ``ParseFrames``).

A batcher transaction's data is ``version_byte ‖ rollup_payload``. Only version ``0`` is defined
for calldata and blobs: its payload is one or more frames, concatenated. A frame is::

    frame = channel_id ‖ frame_number ‖ frame_data_length ‖ frame_data ‖ is_last

    channel_id        = bytes16
    frame_number      = uint16  (big-endian)
    frame_data_length = uint32  (big-endian), at most MAX_FRAME_LEN
    frame_data        = bytes
    is_last           = one byte, 0 or 1

so every frame carries ``FRAME_OVERHEAD = 23`` bytes besides its data.

Parsing is all-or-nothing per transaction: "All frames in a batcher transaction must be parseable.
If any one frame fails to parse, the all frames in the transaction are rejected." A rejected
transaction is a protocol outcome, so :func:`parse_frames` returns it as a value
(:class:`ParsedFrames` with an ``error``) and never raises.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from l2spec.errors import L2SpecError
from l2spec.spec.optimistic.config import MAX_FRAME_LEN

CHANNEL_ID_LENGTH = 16
"""A channel id is 16 opaque bytes."""

DERIVATION_VERSION_0 = 0
"""The first byte of batcher transaction data (``DerivationVersion0``)."""

FRAME_NUMBER_LENGTH = 2
"""``frame_number`` is a big-endian ``uint16``."""

FRAME_DATA_LENGTH_LENGTH = 4
"""``frame_data_length`` is a big-endian ``uint32``."""

FRAME_OVERHEAD = CHANNEL_ID_LENGTH + FRAME_NUMBER_LENGTH + FRAME_DATA_LENGTH_LENGTH + 1
"""``16 + 2 + 4 + 1 = 23`` bytes of fixed frame metadata (§Frame Format; ``FrameV0OverHeadSize``)."""

MAX_FRAME_NUMBER = 2**16 - 1
"""The largest ``frame_number`` a ``uint16`` holds."""


class EncodingError(L2SpecError):
    """A value that the OP wire formats (frames, channels, batches) cannot encode.

    Raised only for API misuse, e.g. a channel id that is not 16 bytes or a frame larger than
    ``MAX_FRAME_LEN``; protocol outcomes are never exceptions.
    """


@dataclass(frozen=True)
class Frame:
    """``channel_id ‖ frame_number (uint16) ‖ frame_data_length (uint32) ‖ frame_data ‖ is_last``."""

    channel_id: bytes
    frame_number: int
    data: bytes
    is_last: bool


@dataclass(frozen=True)
class ParsedFrames:
    """The outcome of reading one batcher transaction's data (``ParseFrames``).

    Either ``frames`` holds every frame of the transaction, in order, and ``error`` is ``None``, or
    the transaction is rejected as a whole: ``frames`` is empty and ``error`` says why.
    """

    frames: tuple[Frame, ...]
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def encode_frame(frame: Frame) -> bytes:
    """The wire encoding of one frame (§Frame Format; ``Frame.MarshalBinary``).

    Raises :class:`EncodingError` for a frame that no honest batcher could post: a channel id that
    is not 16 bytes, a frame number outside ``uint16``, or more than ``MAX_FRAME_LEN`` data bytes
    (such a frame would be rejected by every rollup node).
    """
    if len(frame.channel_id) != CHANNEL_ID_LENGTH:
        raise EncodingError(
            f"a channel id is {CHANNEL_ID_LENGTH} bytes, got {len(frame.channel_id)}"
        )
    if not 0 <= frame.frame_number <= MAX_FRAME_NUMBER:
        raise EncodingError(f"frame number {frame.frame_number} does not fit in a uint16")
    if len(frame.data) > MAX_FRAME_LEN:
        raise EncodingError(f"frame data of {len(frame.data)} bytes exceeds MAX_FRAME_LEN")
    return (
        bytes(frame.channel_id)
        + frame.frame_number.to_bytes(FRAME_NUMBER_LENGTH, "big")
        + len(frame.data).to_bytes(FRAME_DATA_LENGTH_LENGTH, "big")
        + bytes(frame.data)
        + (b"\x01" if frame.is_last else b"\x00")
    )


def batcher_tx_data(frames: Sequence[Frame]) -> bytes:
    """Batcher transaction data carrying ``frames``: ``DERIVATION_VERSION_0 ‖ frame ‖ frame …``
    (§Batcher Transaction Format). At least one frame is required, since a transaction without
    frames is rejected by :func:`parse_frames`."""
    if not frames:
        raise EncodingError("a batcher transaction carries at least one frame")
    return bytes([DERIVATION_VERSION_0]) + b"".join(encode_frame(f) for f in frames)


def _read_frame(data: bytes, pos: int) -> tuple[Frame, int] | str:
    """Read the frame starting at ``data[pos]``: the frame and the offset after it, or the reason
    it does not parse (``Frame.UnmarshalBinary``)."""
    end_of_header = pos + CHANNEL_ID_LENGTH + FRAME_NUMBER_LENGTH + FRAME_DATA_LENGTH_LENGTH
    if end_of_header > len(data):
        return "frame header is truncated"
    channel_id = data[pos : pos + CHANNEL_ID_LENGTH]
    pos += CHANNEL_ID_LENGTH
    frame_number = int.from_bytes(data[pos : pos + FRAME_NUMBER_LENGTH], "big")
    pos += FRAME_NUMBER_LENGTH
    length = int.from_bytes(data[pos : pos + FRAME_DATA_LENGTH_LENGTH], "big")
    pos += FRAME_DATA_LENGTH_LENGTH
    if length > MAX_FRAME_LEN:
        return f"frame_data_length {length} exceeds MAX_FRAME_LEN ({MAX_FRAME_LEN})"
    if pos + length > len(data):
        return "frame_data is truncated"
    frame_data = data[pos : pos + length]
    pos += length
    if pos >= len(data):
        return "is_last byte is missing"
    is_last_byte = data[pos]
    if is_last_byte not in (0, 1):
        return f"is_last byte is {is_last_byte}, not 0 or 1"
    return Frame(bytes(channel_id), frame_number, bytes(frame_data), is_last_byte == 1), pos + 1


def parse_frames(data: bytes) -> ParsedFrames:
    """Read the frames of one batcher transaction (§Batcher Transaction Format; ``ParseFrames``).

    The transaction is rejected as a whole (no frames, with the reason) when its data is empty,
    its version byte is not ``0``, any frame fails to parse, or it holds no frame at all.
    """
    if len(data) == 0:
        return ParsedFrames((), "batcher transaction data is empty")
    if data[0] != DERIVATION_VERSION_0:
        return ParsedFrames((), f"unknown derivation version byte {data[0]}")
    frames: list[Frame] = []
    pos = 1
    while pos < len(data):
        result = _read_frame(data, pos)
        if isinstance(result, str):
            return ParsedFrames((), f"frame {len(frames)}: {result}")
        frame, pos = result
        frames.append(frame)
    if not frames:
        return ParsedFrames((), "batcher transaction holds no frames")
    return ParsedFrames(tuple(frames))
