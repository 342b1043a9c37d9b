"""Frame queue: the frames of one batcher transaction at a time.

OP spec ``specs/protocol/derivation.md`` §Frame Queue ("buffers one data-transaction at a time,
decoded into channel frames"), with the frame rules of §Batcher Transaction Format and §Frame
Format; checked against ``op-node/rollup/derive/frame_queue.go`` (before Holocene: no pruning of
the queued frames).

A batcher transaction whose data does not parse contributes no frame at all; that is a value
(``error``), never an exception.
"""

from __future__ import annotations

from dataclasses import dataclass

from l2spec.spec.optimistic.frames import Frame, parse_frames


@dataclass(frozen=True)
class FrameQueue:
    """Frames read but not yet handed to the channel bank, in order."""

    frames: tuple[Frame, ...] = ()


def load_frames(queue: FrameQueue, data: bytes) -> tuple[FrameQueue, str | None]:
    """Append the frames of one batcher transaction's data (``loadNextFrames``): all of them, or
    none together with the reason the transaction is rejected."""
    parsed = parse_frames(data)
    if parsed.error is not None:
        return queue, parsed.error
    return FrameQueue((*queue.frames, *parsed.frames)), None


def next_frame(queue: FrameQueue) -> tuple[FrameQueue, Frame | None]:
    """Take the first queued frame, if any."""
    if not queue.frames:
        return queue, None
    return FrameQueue(queue.frames[1:]), queue.frames[0]
