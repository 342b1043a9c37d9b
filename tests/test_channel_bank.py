"""Frame queue, channel bank and channel reader (``derivation.md`` §Frame Queue, §Channel Bank,
§Channel Reader).

The ordering tests are ported from op-node's ``channel_bank_test.go`` (ethereum-optimism/optimism
@ d317e96): ``TestChannelBankSimple``, ``TestChannelBankInterleavedPreCanyon``,
``TestChannelBankInterleaved`` and ``TestChannelBankDuplicates``, with their frame notation
``"<channel>:<number>:<data>[!]"`` (``!`` marks the closing frame) and the channel contents they
expect. Timeouts and pruning are checked at the exact boundaries of the spec's rules.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

from hypothesis import given
from hypothesis import strategies as st

from l2spec.spec.common.types import Hash32, address
from l2spec.spec.optimistic.batches import SingularBatch
from l2spec.spec.optimistic.blocks import L1BlockRef
from l2spec.spec.optimistic.channels import CompressionAlgo, channel_bytes_for
from l2spec.spec.optimistic.config import BlockID, Genesis, RollupConfig, SystemConfig
from l2spec.spec.optimistic.derivation.channel_bank import (
    ChannelBank,
    bank_size,
    ingest_frame,
    read_channel,
)
from l2spec.spec.optimistic.derivation.channel_reader import (
    ChannelReader,
    decode_channel,
    load_channel,
    next_batch,
)
from l2spec.spec.optimistic.derivation.frame_queue import FrameQueue, load_frames, next_frame
from l2spec.spec.optimistic.frames import Frame, batcher_tx_data


def h(name: str) -> Hash32:
    return Hash32(hashlib.sha256(name.encode()).digest())


def make_config(canyon_time: int | None = 0, channel_timeout: int = 10) -> RollupConfig:
    genesis = Genesis(
        BlockID(0, h("l1")),
        BlockID(0, h("l2")),
        0,
        SystemConfig(address("0x" + "11" * 20), 0, 0, 30_000_000),
    )
    return RollupConfig(
        genesis=genesis,
        block_time=2,
        max_sequencer_drift=600,
        seq_window_size=10,
        channel_timeout=channel_timeout,
        l1_chain_id=900,
        l2_chain_id=901,
        batch_inbox_address=address("0x" + "ff" * 20),
        deposit_contract_address=address("0x" + "22" * 20),
        l1_system_config_address=address("0x" + "33" * 20),
        canyon_time=canyon_time,
    )


@dataclass(frozen=True)
class SmallBankConfig(RollupConfig):
    """A configuration whose channel bank holds only ``bank_limit`` bytes (to reach pruning)."""

    bank_limit: int = 0

    def max_channel_bank_size(self, timestamp: int) -> int:
        return self.bank_limit


def block(number: int) -> L1BlockRef:
    return L1BlockRef(h(f"l1 {number}"), number, h(f"l1 {number - 1}"), 1000 + 12 * number)


def cid(name: str) -> bytes:
    return name.encode().ljust(16, b"\x00")


def tf(text: str) -> Frame:
    """op-node's ``testFrame``: ``"a:0:first"``, ``"a:2:third!"``."""
    channel, number, content = text.split(":")
    return Frame(cid(channel), int(number), content.rstrip("!").encode(), content.endswith("!"))


def next_data(
    bank: ChannelBank, frames: list[Frame], config: RollupConfig, origin: L1BlockRef
) -> tuple[ChannelBank, bytes | str]:
    """``ChannelBank.NextData`` against a list of input frames: channel data, ``"not enough
    data"`` after ingesting one frame, or ``"eof"``."""
    bank, read = read_channel(bank, config, origin)
    if read.data is not None:
        return bank, read.data
    if read.timed_out is not None:
        return bank, "not enough data"
    if not frames:
        return bank, "eof"
    bank, _ = ingest_frame(bank, config, frames.pop(0), origin)
    return bank, "not enough data"


def run(frames: list[str], config: RollupConfig) -> Iterator[bytes | str]:
    bank, pending = ChannelBank(), [tf(f) for f in frames]
    while True:
        bank, out = next_data(bank, pending, config, block(5))
        yield out
        if out == "eof":
            return


NED = "not enough data"


def test_channel_bank_simple() -> None:
    out = list(run(["a:0:first", "a:2:third!", "a:1:second"], make_config()))
    assert out == [NED, NED, NED, b"firstsecondthird", "eof"]


def test_channel_bank_interleaved_pre_canyon() -> None:
    frames = ["a:0:first", "b:2:trois!", "b:1:deux", "a:2:third!", "b:0:premiere", "a:1:second"]
    out = list(run(frames, make_config(canyon_time=None)))
    assert out == [NED] * 6 + [b"firstsecondthird", b"premieredeuxtrois", "eof"]


def test_channel_bank_interleaved_canyon() -> None:
    frames = ["a:0:first", "b:2:trois!", "b:1:deux", "a:2:third!", "b:0:premiere", "a:1:second"]
    out = list(run(frames, make_config(canyon_time=0)))
    assert out == [NED] * 5 + [b"premieredeuxtrois", NED, b"firstsecondthird", "eof"]


def test_channel_bank_duplicates() -> None:
    frames = ["a:0:first", "a:2:third!", "a:0:altfirst", "a:2:altthird!", "a:1:second"]
    out = list(run(frames, make_config()))
    assert out == [NED] * 5 + [b"firstsecondthird", "eof"]


def test_duplicate_frames_are_reported() -> None:
    config = make_config()
    bank, _ = ingest_frame(ChannelBank(), config, tf("a:0:first"), block(1))
    bank, events = ingest_frame(bank, config, tf("a:0:altfirst"), block(1))
    assert [e.kind for e in events] == ["frame dropped"]
    bank, _ = ingest_frame(bank, config, tf("a:1:x!"), block(1))
    _, events = ingest_frame(bank, config, tf("a:3:y!"), block(1))
    assert [e.kind for e in events] == ["frame dropped"]  # duplicate close


def test_closing_frame_removes_higher_frames() -> None:
    """§Loading frames: "If a frame is closing any existing higher-numbered frames are removed"."""
    config = make_config()
    bank = ChannelBank()
    for text in ("a:0:zero", "a:3:three", "a:1:one!"):
        bank, _ = ingest_frame(bank, config, tf(text), block(1))
    _, read = read_channel(bank, config, block(1))
    assert read.data == b"zeroone"


def test_channel_timeout_boundary() -> None:
    """§Timeouts: timed out iff `current.number > open.number + CHANNEL_TIMEOUT`."""
    config = make_config(channel_timeout=4)
    bank, _ = ingest_frame(ChannelBank(), config, tf("a:0:first"), block(10))
    # At 10 + 4 the channel still takes frames and is read once complete.
    at_edge, events = ingest_frame(bank, config, tf("a:1:second!"), block(14))
    assert events == ()
    _, read = read_channel(at_edge, config, block(14))
    assert read.data == b"firstsecond"
    # At 10 + 5 a new frame is dropped and a read removes the channel.
    late, events = ingest_frame(bank, config, tf("a:1:second!"), block(15))
    assert [(e.kind, e.detail) for e in events] == [("frame dropped", "channel timed out")]
    emptied, read = read_channel(late, config, block(15))
    assert read.timed_out is not None and emptied.channels == ()
    # A complete channel that timed out is not read either.
    _, read = read_channel(at_edge, config, block(15))
    assert read.data is None and read.timed_out is not None


def test_timed_out_channel_id_can_be_reused() -> None:
    config = make_config(channel_timeout=1)
    bank, _ = ingest_frame(ChannelBank(), config, tf("a:0:old"), block(1))
    bank, read = read_channel(bank, config, block(3))
    assert read.timed_out is not None
    bank, _ = ingest_frame(bank, config, tf("a:0:new!"), block(3))
    _, read = read_channel(bank, config, block(3))
    assert read.data == b"new"


def test_pruning_drops_oldest_channels_until_under_the_limit() -> None:
    """§Pruning: each frame counts its data plus 200 bytes; drop FIFO while over the limit."""
    base = make_config()
    config = SmallBankConfig(
        **{f: getattr(base, f) for f in base.__dataclass_fields__}, bank_limit=3 * 201
    )
    bank = ChannelBank()
    for text in ("a:0:x", "b:0:y", "c:0:z"):
        bank, events = ingest_frame(bank, config, tf(text), block(1))
        assert events == ()
    assert bank_size(bank) == 3 * 201  # at the limit: kept
    bank, events = ingest_frame(bank, config, tf("d:0:w"), block(1))
    assert [e.channel_id for e in events] == [cid("a")]
    assert [ch.channel_id for ch in bank.channels] == [cid("b"), cid("c"), cid("d")]


def test_frame_queue_rejects_a_bad_transaction_whole() -> None:
    good = batcher_tx_data([tf("a:0:first"), tf("a:1:second!")])
    queue, error = load_frames(FrameQueue(), good)
    assert error is None and len(queue.frames) == 2
    queue2, error = load_frames(queue, good[:-1])  # truncated last frame
    assert error is not None and queue2 == queue
    queue, frame = next_frame(queue)
    assert frame == tf("a:0:first") and len(queue.frames) == 1


def test_channel_reader_hands_on_batches_in_order() -> None:
    config = make_config()
    batches = tuple(SingularBatch(h("p"), 1, h("e"), 2 * i, (bytes([2, i]),)) for i in range(3))
    data = channel_bytes_for(list(batches), config, CompressionAlgo.ZLIB)
    decoded = decode_channel(config, data, block(1))
    assert decoded.batches == batches and decoded.notes == ()
    reader = load_channel(ChannelReader(), decoded.batches)
    out = []
    while True:
        reader, batch = next_batch(reader)
        if batch is None:
            break
        out.append(batch)
    assert tuple(out) == batches
    bad = decode_channel(config, data[:-3], block(1))
    assert bad.notes  # the reason is reported, nothing raised


frame_texts = st.builds(
    lambda c, n, d, last: f"{c}:{n}:{d}{'!' if last else ''}",
    st.sampled_from("abc"),
    st.integers(0, 3),
    st.sampled_from(["p", "q", "rr"]),
    st.booleans(),
)


@given(st.lists(frame_texts, max_size=12), st.booleans())
def test_channel_bank_reads_only_complete_channels(texts: list[str], canyon: bool) -> None:
    """Whatever frames arrive, the bank never raises and only hands on data of closed, complete
    channels (here every frame carries data, so such a channel is never empty)."""
    config = make_config(canyon_time=0 if canyon else None)
    for out in run(texts, config):
        if isinstance(out, bytes):
            assert out  # data of frames 0..end, each non-empty here
