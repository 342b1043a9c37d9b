"""The batcher: turning L2 blocks' batches into channel frames and batcher transactions.

OP spec ``specs/protocol/derivation.md`` §Batch Submission (§Batch Submission Wire Format) and
``specs/protocol/batcher.md``; op-batcher's channel output is ``op-node/rollup/derive/
channel_out.go`` and ``span_channel_out.go`` (``OutputFrame``, ``createEmptyFrame``,
``ForceCloseTxData``).

The batcher is not part of consensus: any channel that the derivation rules read back is valid.
This module builds one channel at a time, deterministically:

1. encode the batches (``batch_version ‖ content``), each as an RLP string, concatenated;
2. compress them (zlib, or brotli with version byte ``0x01`` from Fjord);
3. cut the compressed bytes into frames of at most ``max_frame_size`` data bytes, numbered from 0,
   the last one marked ``is_last``;
4. each batcher transaction's data is ``0x00 ‖ frame …`` (:func:`~l2spec.spec.optimistic.frames.
   batcher_tx_data`).

The spec suggests random channel ids; the spec never reads randomness, so
:func:`channel_id_for` derives them from a caller-supplied seed and counter.
"""

from __future__ import annotations

from collections.abc import Sequence

from l2spec.errors import ConfigError
from l2spec.spec.common.keccak import keccak256
from l2spec.spec.optimistic.batches import Batch
from l2spec.spec.optimistic.channels import CompressionAlgo, channel_bytes_for
from l2spec.spec.optimistic.config import MAX_FRAME_LEN, RollupConfig
from l2spec.spec.optimistic.frames import (
    CHANNEL_ID_LENGTH,
    DERIVATION_VERSION_0,
    MAX_FRAME_NUMBER,
    EncodingError,
    Frame,
    batcher_tx_data,
    encode_frame,
)


def channel_id_for(seed: bytes, counter: int = 0) -> bytes:
    """A deterministic channel id: the first 16 bytes of ``keccak256(seed ‖ uint64(counter))``."""
    if not 0 <= counter < 2**64:
        raise ConfigError(f"channel counter {counter} is not a uint64")
    return bytes(keccak256(bytes(seed) + counter.to_bytes(8, "big"))[:CHANNEL_ID_LENGTH])


def default_compression(config: RollupConfig, l1_timestamp: int) -> CompressionAlgo:
    """Brotli once Fjord is active for data read at ``l1_timestamp`` (the L1 block the channel
    will be included in), zlib before: a brotli channel before Fjord would be unreadable."""
    return CompressionAlgo.BROTLI if config.is_fjord(l1_timestamp) else CompressionAlgo.ZLIB


def split_into_frames(channel_id: bytes, data: bytes, max_frame_size: int) -> tuple[Frame, ...]:
    """Cut channel data into frames of at most ``max_frame_size`` data bytes, numbered from 0;
    the frame that carries the last byte is the closing frame (``createEmptyFrame`` for a closed
    channel). ``max_frame_size`` counts data bytes only, not the 23-byte frame overhead."""
    if not 1 <= max_frame_size <= MAX_FRAME_LEN:
        raise ConfigError(f"max_frame_size must be 1..{MAX_FRAME_LEN}, got {max_frame_size}")
    if len(channel_id) != CHANNEL_ID_LENGTH:
        raise EncodingError(f"a channel id is {CHANNEL_ID_LENGTH} bytes")
    if not data:
        raise EncodingError("a channel carries at least one byte")
    chunks = [data[i : i + max_frame_size] for i in range(0, len(data), max_frame_size)]
    if len(chunks) > MAX_FRAME_NUMBER + 1:
        raise EncodingError(f"channel needs {len(chunks)} frames, more than a uint16 numbers")
    return tuple(
        Frame(bytes(channel_id), number, chunk, number == len(chunks) - 1)
        for number, chunk in enumerate(chunks)
    )


def build_channel_frames(
    batches: Sequence[Batch],
    config: RollupConfig,
    channel_id: bytes,
    max_frame_size: int,
    compression: CompressionAlgo,
) -> tuple[Frame, ...]:
    """The frames of one channel carrying ``batches``, in order (§Batch Submission Wire Format).

    ``compression`` must be one the chain reads where the frames land: brotli only from Fjord
    (see :func:`default_compression`).
    """
    data = channel_bytes_for(list(batches), config, compression)
    return split_into_frames(channel_id, data, max_frame_size)


def batcher_transactions(frames: Sequence[Frame], frames_per_tx: int = 1) -> tuple[bytes, ...]:
    """Batcher transaction data for ``frames``, ``frames_per_tx`` frames per transaction in
    order (op-batcher posts one frame per calldata transaction or blob by default)."""
    if frames_per_tx < 1:
        raise ConfigError("a batcher transaction carries at least one frame")
    return tuple(
        batcher_tx_data(frames[i : i + frames_per_tx]) for i in range(0, len(frames), frames_per_tx)
    )


def force_close_tx_data(frames: Sequence[Frame]) -> bytes:
    """Batcher transaction data that makes a stuck channel readable (``ForceCloseTxData``), given
    every frame of the channel posted so far, in L1 order.

    If no closing frame was posted, it is an empty closing frame number 0 (which prunes every
    higher frame, leaving a channel whose data is frame 0's); otherwise it is one empty,
    non-closing frame for every missing number below the first closing frame. The result may be
    just the version byte when nothing is missing.
    """
    if not frames:
        raise EncodingError("force-closing a channel needs at least one of its frames")
    channel_id = frames[0].channel_id
    if any(f.channel_id != channel_id for f in frames):
        raise EncodingError("frames of different channels")
    numbers = {f.frame_number for f in frames}
    closing = next((f.frame_number for f in frames if f.is_last), None)
    if closing is None:
        filler = [Frame(channel_id, 0, b"", True)]
    else:
        filler = [Frame(channel_id, n, b"", False) for n in range(closing + 1) if n not in numbers]
    return bytes([DERIVATION_VERSION_0]) + b"".join(encode_frame(f) for f in filler)
