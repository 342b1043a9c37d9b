"""Channels: compressed streams of batches, reassembled from frames.

OP spec ``specs/protocol/derivation.md`` §Channel Format, §Channel Bank (§Loading frames, §Reading)
and §Channel Reader (Batch Decoding); ``specs/protocol/fjord/derivation.md`` §Brotli Channel
Compression and the Fjord limits. The reference implementation is ``op-node/rollup/derive/
channel.go`` (``Channel``, ``BatchReader``) and ``channel_in_reader.go``.

Channel data is ``compress(rlp_batches)``, where ``rlp_batches`` is the concatenation of one RLP
*string* per batch, holding that batch's ``batch_version ‖ content`` (``BatchData.EncodeRLP``):

- Bedrock: ``compress`` is zlib (RFC 1950) without a dictionary; the stream's first byte has
  compression method 8 in its low four bits;
- Fjord: a versioned format ``channel_version_byte ‖ compress(rlp_batches)``, recognised because a
  version byte never has the low bits ``8`` or ``15`` that a zlib header byte has; the only
  version is ``1``, brotli (RFC 7932) without a custom dictionary.

Decompression stops at ``MAX_RLP_BYTES_PER_CHANNEL`` bytes of output (10 MB; 100 MB from Fjord), so
a zip bomb costs no more than that: "things proceed as though the channel contained only the first
``MAX_RLP_BYTES_PER_CHANNEL`` decompressed bytes", and a batch is read only if its whole RLP item
lies within them.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, replace
from enum import Enum

import brotli

from l2spec.errors import DecodingError, L2SpecError
from l2spec.spec.common import rlp
from l2spec.spec.optimistic.batches import (
    Batch,
    RawSpanBatch,
    SpanBatchDeriveError,
    decode_typed_batch,
    derive_span_batch,
    encode_batch,
)
from l2spec.spec.optimistic.blocks import L1BlockRef
from l2spec.spec.optimistic.config import RollupConfig
from l2spec.spec.optimistic.frames import EncodingError, Frame

FRAME_SIZE_OVERHEAD = 200
"""Each buffered frame counts its data length plus 200 bytes towards a channel's size
(§Channel Bank §Pruning; ``frameOverhead``)."""

ZLIB_CM8 = 8
"""Low four bits of a zlib header byte for the deflate method (RFC 1950 ``CM = 8``)."""

ZLIB_CM15 = 15
"""Low four bits reserved by RFC 1950 (``CM = 15``); also never a channel version byte."""

CHANNEL_VERSION_BROTLI = 1
"""``channel_version_byte`` of a brotli-compressed channel (Fjord; ``ChannelVersionBrotli``)."""


class CompressionAlgo(Enum):
    """How a batcher compresses channel data."""

    ZLIB = "zlib"
    BROTLI = "brotli"


# ---------------------------------------------------------------------------------------------
# The channel record and frame insertion (channel.go)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Channel:
    """A channel being reassembled in the channel bank (``Channel`` in op-node).

    ``frames`` holds the buffered frames sorted by frame number. ``is_closed`` says whether the
    closing frame (``is_last``) has been seen and ``end_frame_number`` is its number.
    ``highest_frame_number`` is the highest frame number buffered; ``highest_inclusion_block`` the
    highest L1 block a frame of the channel was included in. ``open_block`` is the L1 block in which
    the channel's first frame was seen; the channel times out relative to it.
    """

    channel_id: bytes
    open_block: L1BlockRef
    frames: tuple[Frame, ...] = ()
    is_closed: bool = False
    end_frame_number: int = 0
    highest_frame_number: int = 0
    highest_inclusion_block: L1BlockRef | None = None

    @property
    def size(self) -> int:
        """The channel's size for the channel bank's pruning: the sum over its buffered frames of
        their data length plus ``FRAME_SIZE_OVERHEAD`` (§Channel Bank §Pruning).

        op-node keeps a running total instead, which, when a closing frame prunes frames above
        it, subtracts the size of *every* buffered frame (``Channel.AddFrame``); we follow the
        spec's definition.
        """
        return sum(len(f.data) + FRAME_SIZE_OVERHEAD for f in self.frames)

    def frame(self, number: int) -> Frame | None:
        """The buffered frame with this number, if any."""
        for f in self.frames:
            if f.frame_number == number:
                return f
        return None


def new_channel(channel_id: bytes, open_block: L1BlockRef) -> Channel:
    """A new, empty channel opened at L1 block ``open_block`` (§Loading frames: "a new channel is
    opened, tagged with the current L1 block")."""
    return Channel(channel_id=bytes(channel_id), open_block=open_block)


def add_frame(ch: Channel, frame: Frame, inclusion: L1BlockRef) -> tuple[Channel, str | None]:
    """Insert a frame included in L1 block ``inclusion`` (§Loading frames; ``Channel.AddFrame``).

    Returns the new channel and ``None``, or the unchanged channel and the reason the frame is
    ignored:

    - the frame belongs to another channel;
    - it is a second closing frame ("duplicate closes … are dropped");
    - a frame with its number is already buffered ("duplicate frames … are dropped");
    - the channel is closed and the frame's number is beyond the closing frame's.

    A closing frame removes every buffered frame with a higher number.
    """
    if frame.channel_id != ch.channel_id:
        return ch, "frame belongs to another channel"
    if frame.is_last and ch.is_closed:
        return ch, "channel is already closed: duplicate closing frame"
    if ch.frame(frame.frame_number) is not None:
        return ch, f"duplicate frame number {frame.frame_number}"
    if ch.is_closed and frame.frame_number >= ch.end_frame_number:
        return ch, (
            f"frame number {frame.frame_number} is beyond the closing frame {ch.end_frame_number}"
        )

    frames = ch.frames
    is_closed, end_frame_number, highest = (
        ch.is_closed,
        ch.end_frame_number,
        ch.highest_frame_number,
    )
    if frame.is_last:
        is_closed, end_frame_number = True, frame.frame_number
        if end_frame_number < highest:
            frames = tuple(f for f in frames if f.frame_number < end_frame_number)
            highest = end_frame_number
    highest = max(highest, frame.frame_number)
    inclusion_block = ch.highest_inclusion_block
    if inclusion_block is None or inclusion_block.number < inclusion.number:
        inclusion_block = inclusion
    frames = tuple(sorted((*frames, frame), key=lambda f: f.frame_number))
    return (
        replace(
            ch,
            frames=frames,
            is_closed=is_closed,
            end_frame_number=end_frame_number,
            highest_frame_number=highest,
            highest_inclusion_block=inclusion_block,
        ),
        None,
    )


def is_ready(ch: Channel) -> bool:
    """A channel is ready when it is closed and holds every frame from 0 to the closing frame
    (§Reading; ``Channel.IsReady``)."""
    if not ch.is_closed:
        return False
    numbers = [f.frame_number for f in ch.frames]
    return numbers == list(range(ch.end_frame_number + 1))


def is_timed_out(ch: Channel, current_l1_number: int, config: RollupConfig) -> bool:
    """``current_l1_block.number > channel.open_l1_block.number + CHANNEL_TIMEOUT`` (§Timeouts)."""
    return bool(current_l1_number > ch.open_block.number + config.channel_timeout)


class ChannelNotReadyError(L2SpecError):
    """:func:`channel_data` was asked for a channel that is not ready."""


def channel_data(ch: Channel) -> bytes:
    """The channel's data: its frames' data in frame-number order (``Channel.Reader``).
    Only a ready channel has data; asking earlier is a caller's mistake."""
    if not is_ready(ch):
        raise ChannelNotReadyError("channel is not ready: closed with every frame up to the end")
    return b"".join(f.data for f in ch.frames)


# ---------------------------------------------------------------------------------------------
# Compression (derivation.md §Channel Format; fjord/derivation.md §Brotli Channel Compression)
# ---------------------------------------------------------------------------------------------


def encode_rlp_batches(batches: tuple[Batch, ...] | list[Batch], config: RollupConfig) -> bytes:
    """``rlp_batches``: one RLP string per batch holding ``batch_version ‖ content``, concatenated
    (``BatchData.EncodeRLP``, as op-batcher writes them into the compressor)."""
    return b"".join(rlp.encode(encode_batch(b, config)) for b in batches)


def compress_channel(rlp_batches: bytes, algo: CompressionAlgo) -> bytes:
    """Channel data for ``rlp_batches``: a zlib stream, or ``0x01 ‖ brotli stream``.

    Compressed bytes are not consensus data (any valid stream decodes to the same batches); we use
    zlib level 9 and brotli quality 10 with a 2^22-byte window, close to op-batcher's defaults.
    """
    if algo is CompressionAlgo.ZLIB:
        return zlib.compress(rlp_batches, 9)
    return bytes([CHANNEL_VERSION_BROTLI]) + bytes(
        brotli.compress(rlp_batches, quality=10, lgwin=22)
    )


@dataclass(frozen=True)
class Decompressed:
    """At most ``limit`` bytes of a channel's decompressed data, and why decompression stopped
    early (``None`` when the stream ended cleanly or the limit was reached)."""

    data: bytes
    error: str | None


def _decompress_all(data: bytes, algo: CompressionAlgo, limit: int) -> Decompressed:
    """Decompress ``data`` (the stream, without a version byte) until it ends or ``limit`` bytes
    are out. A corrupt stream gives the error and no data."""
    try:
        if algo is CompressionAlgo.ZLIB:
            inflater = zlib.decompressobj()
            out = inflater.decompress(data, limit)
            finished = inflater.eof or len(out) >= limit
        else:
            decoder = brotli.Decompressor()
            buf = bytearray(decoder.process(data, output_buffer_limit=limit))
            while (
                len(buf) < limit
                and not decoder.is_finished()
                and not decoder.can_accept_more_data()
            ):
                buf += decoder.process(b"", output_buffer_limit=limit - len(buf))
            out = bytes(buf[:limit])
            finished = decoder.is_finished() or len(out) >= limit
    except (zlib.error, brotli.error) as exc:
        return Decompressed(b"", f"corrupt {algo.value} stream: {exc}")
    return Decompressed(out, None if finished else f"{algo.value} stream is truncated")


def decompress(data: bytes, algo: CompressionAlgo, limit: int) -> Decompressed:
    """The first ``limit`` decompressed bytes of a zlib or brotli stream.

    A stream that is corrupt part-way still yields what was decoded before the fault, as Go's
    streaming readers hand it to the RLP reader before they report the error: we find the longest
    prefix of the input that the decompressor accepts (a prefix of an accepted input is accepted,
    so a binary search finds it) and keep its output. Bytes after the end of the stream are ignored.
    """
    whole = _decompress_all(data, algo, limit)
    if not _is_corrupt(whole):
        return whole
    good, bad = 0, len(data)  # the prefix of length `good` is accepted, of length `bad` is not
    while bad - good > 1:
        middle = (good + bad) // 2
        if _is_corrupt(_decompress_all(data[:middle], algo, limit)):
            bad = middle
        else:
            good = middle
    return Decompressed(_decompress_all(data[:good], algo, limit).data, whole.error)


def _is_corrupt(result: Decompressed) -> bool:
    return result.error is not None and result.error.startswith("corrupt")


@dataclass(frozen=True)
class ChannelReadSetup:
    """Which decompressor a channel needs, or why it cannot be read at all."""

    algo: CompressionAlgo | None
    stream: bytes
    error: str | None


def channel_compression(data: bytes, is_fjord: bool) -> ChannelReadSetup:
    """Tell the compression of channel data from its first byte (``BatchReader``): zlib when the
    low four bits are 8 or 15, brotli when it is version byte 1 (only from Fjord; the byte is then
    dropped), and anything else is unreadable."""
    if len(data) == 0:
        return ChannelReadSetup(None, b"", "channel data is empty")
    first = data[0]
    if first & 0x0F in (ZLIB_CM8, ZLIB_CM15):
        return ChannelReadSetup(CompressionAlgo.ZLIB, data, None)
    if first == CHANNEL_VERSION_BROTLI:
        if not is_fjord:
            return ChannelReadSetup(None, b"", "brotli channel before Fjord")
        return ChannelReadSetup(CompressionAlgo.BROTLI, data[1:], None)
    return ChannelReadSetup(None, b"", f"unknown channel compression byte {first:#04x}")


def decompress_channel(data: bytes, limit: int, is_fjord: bool) -> Decompressed:
    """The first ``limit`` bytes of ``rlp_batches`` in channel data (see :func:`decompress`)."""
    setup = channel_compression(data, is_fjord)
    if setup.algo is None:
        return Decompressed(b"", setup.error)
    return decompress(setup.stream, setup.algo, limit)


# ---------------------------------------------------------------------------------------------
# Reading batches from a channel (channel_in_reader.go)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChannelBatches:
    """The batches read from one channel, in order.

    ``error`` says why reading stopped before the end of the channel data (``None`` when every
    batch was read); the rest of the channel is then dropped. ``dropped`` gives, in order, the
    reasons for batches skipped one by one while reading went on (a span batch before Delta, or
    one whose transactions do not rebuild).
    """

    batches: tuple[Batch, ...]
    error: str | None = None
    dropped: tuple[str, ...] = ()


def read_batches(data: bytes, config: RollupConfig, l1_timestamp: int) -> ChannelBatches:
    """Read the batches of a ready channel's data while the pipeline's L1 origin has timestamp
    ``l1_timestamp`` (§Channel Reader; ``ChannelInReader.NextBatch``).

    The fork rules use that L1 timestamp: brotli and the larger ``MAX_RLP_BYTES_PER_CHANNEL``
    from Fjord, span batches from Delta. Batches are RLP strings read one after another from the
    decompressed data; reading stops, dropping the rest of the channel, at the first item that is
    not a complete RLP string within the first ``MAX_RLP_BYTES_PER_CHANNEL`` bytes or whose batch
    does not decode. A well-formed span batch before Delta, or one whose transactions cannot be
    rebuilt (``DeriveSpanBatch`` failing), is skipped alone and reading goes on.
    """
    limit = config.max_rlp_bytes_per_channel(l1_timestamp)
    decompressed = decompress_channel(data, limit, config.is_fjord(l1_timestamp))
    stream = decompressed.data
    batches: list[Batch] = []
    dropped: list[str] = []
    pos = 0
    while pos < len(stream):
        try:
            item, pos = rlp.decode_item(stream, pos)
            if not isinstance(item, bytes):
                raise DecodingError("a batch is an RLP string, not a list")
            typed = decode_typed_batch(item)
        except DecodingError as exc:
            reason = f"item {len(batches) + len(dropped)}: {exc}"
            if decompressed.error is not None:
                reason += f" ({decompressed.error})"
            return ChannelBatches(tuple(batches), reason, tuple(dropped))
        if not isinstance(typed, RawSpanBatch):
            batches.append(typed)
            continue
        if not config.is_delta(l1_timestamp):
            dropped.append(f"span batch in L1 block at time {l1_timestamp}, before Delta")
            continue
        try:
            batches.append(derive_span_batch(typed, config))
        except SpanBatchDeriveError as exc:
            dropped.append(f"span batch does not derive: {exc}")
    return ChannelBatches(tuple(batches), decompressed.error, tuple(dropped))


def channel_bytes_for(
    batches: tuple[Batch, ...] | list[Batch], config: RollupConfig, algo: CompressionAlgo
) -> bytes:
    """Channel data carrying ``batches``: ``compress(rlp_batches)`` (§Channel Format)."""
    if not batches:
        raise EncodingError("a channel carries at least one batch")
    return compress_channel(encode_rlp_batches(batches, config), algo)
