"""Channel bank: buffering frames into channels until a channel is ready to be read.

OP spec ``specs/protocol/derivation.md`` §Channel Bank (§Pruning, §Timeouts, §Reading,
§Loading frames); checked against ``op-node/rollup/derive/channel_bank.go`` (``IngestFrame``,
``prune``, ``Read``, ``tryReadChannelAtIndex``).

Channels are kept in FIFO order of opening (the *channel queue*). A channel is opened, tagged with
the current L1 block, by the first frame that names it; it times out when the current L1 block is
more than ``channel_timeout`` blocks after the one it was opened in. Everything a frame or a
channel can suffer (ignored, timed out, pruned) is reported as a value.
"""

from __future__ import annotations

from dataclasses import dataclass

from l2spec.spec.optimistic.blocks import L1BlockRef
from l2spec.spec.optimistic.channels import Channel, add_frame, channel_data, is_ready, new_channel
from l2spec.spec.optimistic.channels import is_timed_out as channel_timed_out
from l2spec.spec.optimistic.config import RollupConfig
from l2spec.spec.optimistic.frames import Frame


@dataclass(frozen=True)
class ChannelBank:
    """The channel queue: open channels, oldest first (channel ids are unique in it)."""

    channels: tuple[Channel, ...] = ()


@dataclass(frozen=True)
class BankEvent:
    """Something the channel bank did that the log of derivation records: a frame ignored, a
    channel timed out or pruned, a channel read."""

    kind: str
    channel_id: bytes
    detail: str = ""


def is_timed_out(config: RollupConfig, channel: Channel, current: L1BlockRef) -> bool:
    """§Timeouts: ``current_l1_block.number > channel.open_l1_block.number + CHANNEL_TIMEOUT``."""
    timed_out: bool = channel_timed_out(channel, current.number, config)
    return timed_out


def bank_size(bank: ChannelBank) -> int:
    """§Pruning: ``total_size``, the sum of the channels' sizes (buffered frame data plus a
    200-byte overhead per frame)."""
    return sum(channel.size for channel in bank.channels)


def prune(
    bank: ChannelBank, config: RollupConfig, current: L1BlockRef
) -> tuple[ChannelBank, tuple[BankEvent, ...]]:
    """§Pruning: drop channels in FIFO order until ``total_size <= MAX_CHANNEL_BANK_SIZE`` (the
    limit in force at the current L1 block's time)."""
    limit = config.max_channel_bank_size(current.timestamp)
    channels = list(bank.channels)
    total = bank_size(bank)
    events: list[BankEvent] = []
    while total > limit and channels:
        dropped = channels.pop(0)
        total -= dropped.size
        events.append(
            BankEvent("channel pruned", dropped.channel_id, "channel bank over its size limit")
        )
    return ChannelBank(tuple(channels)), tuple(events)


def ingest_frame(
    bank: ChannelBank, config: RollupConfig, frame: Frame, current: L1BlockRef
) -> tuple[ChannelBank, tuple[BankEvent, ...]]:
    """§Loading frames: add ``frame``, read in L1 block ``current``, to its channel.

    A frame naming an unknown channel opens one, tagged with ``current``, at the end of the queue.
    A frame for a timed-out channel is dropped; so are duplicate frame numbers and duplicate
    closes (the channel's own rules, :func:`~l2spec.spec.optimistic.channels.add_frame`). After a
    frame is inserted the bank is pruned.
    """
    channels = list(bank.channels)
    index = next((i for i, ch in enumerate(channels) if ch.channel_id == frame.channel_id), None)
    if index is None:
        channels.append(new_channel(frame.channel_id, current))
        index = len(channels) - 1
    channel = channels[index]
    if is_timed_out(config, channel, current):
        event = BankEvent("frame dropped", frame.channel_id, "channel timed out")
        return ChannelBank(tuple(channels)), (event,)
    updated, reason = add_frame(channel, frame, current)
    if reason is not None:
        event = BankEvent("frame dropped", frame.channel_id, reason)
        return ChannelBank(tuple(channels)), (event,)
    channels[index] = updated
    return prune(ChannelBank(tuple(channels)), config, current)


@dataclass(frozen=True)
class ChannelRead:
    """The outcome of one read of the bank: the data of a ready channel (``data``), or a timed-out
    first channel removed (``timed_out``), or nothing ready (both ``None``)."""

    data: bytes | None = None
    timed_out: Channel | None = None


def read_channel(
    bank: ChannelBank, config: RollupConfig, current: L1BlockRef
) -> tuple[ChannelBank, ChannelRead]:
    """§Reading: one step of reading the bank at L1 block ``current`` (``ChannelBank.Read``).

    - While the first opened channel is timed out, remove it (one per step).
    - Before Canyon, only the first channel may be read, once it is ready; from Canyon (at the
      current L1 block's time), the first ready, not timed-out channel in FIFO order is read.
    - A channel read is removed from the bank.
    """
    if not bank.channels:
        return bank, ChannelRead()
    first = bank.channels[0]
    if is_timed_out(config, first, current):
        return ChannelBank(bank.channels[1:]), ChannelRead(timed_out=first)
    candidates = range(len(bank.channels)) if config.is_canyon(current.timestamp) else range(1)
    for i in candidates:
        channel = bank.channels[i]
        if not is_timed_out(config, channel, current) and is_ready(channel):
            rest = bank.channels[:i] + bank.channels[i + 1 :]
            return ChannelBank(rest), ChannelRead(data=channel_data(channel))
    return bank, ChannelRead()
