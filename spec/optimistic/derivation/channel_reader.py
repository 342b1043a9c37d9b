"""Channel reader: the batches of a channel read from the channel bank.

OP spec ``specs/protocol/derivation.md`` §Channel Reader (Batch Decoding), §Channel Format and
§Batch Format, ``specs/protocol/delta/span-batches.md`` §Channel Reader; checked against
``op-node/rollup/derive/channel_in_reader.go``.

The channel is decompressed and its batches decoded with the limits in force at the current L1
block (``MAX_RLP_BYTES_PER_CHANNEL``; brotli from Fjord). Batches are then handed on one at a
time. A batch that fails to decode ends the channel (the batches before it stand); a span batch
read in an L1 block before Delta, or one whose transactions do not rebuild, is skipped. op-node decodes lazily, one batch per step, but
since nothing it depends on changes while the channel is being read, decoding up front gives the
same batches.
"""

from __future__ import annotations

from dataclasses import dataclass

from l2spec.spec.optimistic.batches import Batch
from l2spec.spec.optimistic.blocks import L1BlockRef
from l2spec.spec.optimistic.channels import read_batches
from l2spec.spec.optimistic.config import RollupConfig


@dataclass(frozen=True)
class ChannelReader:
    """Batches of the channel being read, not yet handed to the batch queue."""

    pending: tuple[Batch, ...] = ()


@dataclass(frozen=True)
class ChannelBatchesRead:
    """The batches of one channel, and what was left out and why."""

    batches: tuple[Batch, ...]
    notes: tuple[str, ...]


def decode_channel(config: RollupConfig, data: bytes, current: L1BlockRef) -> ChannelBatchesRead:
    """The batches of channel ``data`` read in L1 block ``current`` (``WriteChannel`` and
    ``NextBatch``; the decoding rules are :func:`~l2spec.spec.optimistic.channels.read_batches`,
    which also skips span batches read before Delta)."""
    read = read_batches(data, config, current.timestamp)
    notes = tuple(f"batch skipped: {reason}" for reason in read.dropped)
    if read.error is not None:
        notes = (*notes, f"channel read stopped: {read.error}")
    return ChannelBatchesRead(read.batches, notes)


def load_channel(reader: ChannelReader, batches: tuple[Batch, ...]) -> ChannelReader:
    """Start reading a new channel's batches."""
    return ChannelReader(pending=(*reader.pending, *batches))


def next_batch(reader: ChannelReader) -> tuple[ChannelReader, Batch | None]:
    """Hand on the next batch of the channel, if any."""
    if not reader.pending:
        return reader, None
    return ChannelReader(reader.pending[1:]), reader.pending[0]
