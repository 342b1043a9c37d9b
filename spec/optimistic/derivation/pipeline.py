"""The derivation pipeline: the L2 chain derived from L1 alone.

OP spec ``specs/protocol/derivation.md`` §L2 Chain Derivation Pipeline and §Engine Queue
(§L1-sync: payload attributes processing); checked against ``op-node/rollup/derive/pipeline.go``
(``Step``), the stages' ``Next*`` functions and ``batch_queue.go`` (``NextBatch``).

The stages are pulled from the innermost one: each step asks the payload-attributes stage for
the next block's attributes; it asks the batch queue for the next batch, which asks the channel
reader for a batch, which asks the channel bank for a channel, which asks the frame queue for a
frame, which asks L1 retrieval for the next batcher transaction of the current L1 block. A stage
that gets nothing new ends the step ("not enough data": the next step tries again); when every
stage has used up the current L1 block, L1 traversal moves to the next one. Each stage's state is
an immutable record; a step returns the new records.

Payload attributes are executed by the engine at once. If the engine rejects a payload (an
invalid transaction), the batch is dropped and the safe head stays: the batch queue will offer
another batch for that timestamp or, once the sequencing window has passed, an empty one
(§L1-sync). A rejected deposit-only payload would be a critical error; it cannot happen for
valid deposits.

Two simplifications, both without effect on the derived chain: the pipeline starts from the
rollup genesis (no reset from an existing L2 chain: op-node then reads the base block's data twice,
which only yields duplicates), and the L1 chain is given as one canonical chain (no reorgs).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from l2spec.errors import ConfigError, ExecutionError
from l2spec.spec.common.l1 import L1Chain
from l2spec.spec.optimistic.batches import Batch, SingularBatch, SpanBatch, span_to_singular_batches
from l2spec.spec.optimistic.blocks import L2BlockRef
from l2spec.spec.optimistic.config import RollupConfig
from l2spec.spec.optimistic.derivation.attributes import attributes_for_batch
from l2spec.spec.optimistic.derivation.batch_queue import (
    BatchQueue,
    BatchValidity,
    SafeBlock,
    add_batch,
    derive_next_batch,
    next_from_span,
    origin_behind,
    reset_batch_queue,
    update_origins,
)
from l2spec.spec.optimistic.derivation.channel_bank import (
    ChannelBank,
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
from l2spec.spec.optimistic.derivation.l1_traversal import (
    L1Traversal,
    advance_l1_block,
    batcher_data,
    next_l1_block,
    reset_l1_traversal,
)
from l2spec.spec.optimistic.engine import EngineState, L2Block, build_block


@dataclass(frozen=True)
class DerivationEvent:
    """One entry of the derivation log: at L1 block ``l1_block``, ``stage`` did ``kind``."""

    l1_block: int
    stage: str
    kind: str
    detail: str = ""


@dataclass(frozen=True)
class PipelineState:
    """Every stage's state, the L2 chain and the log, between two steps.

    ``retrieval`` holds the batcher data of the current L1 block not yet read (``None`` before the
    block is opened); ``safe_head`` is the last block derived (op-node's pending safe head) and
    ``span_safe_head`` the last one that completed its span batch (op-node's safe head).
    """

    traversal: L1Traversal
    retrieval: tuple[bytes, ...] | None
    frames: FrameQueue
    bank: ChannelBank
    reader: ChannelReader
    batch_queue: BatchQueue
    engine: EngineState
    safe_head: L2BlockRef
    span_safe_head: L2BlockRef
    safe_chain: tuple[SafeBlock, ...]
    derived: tuple[L2Block, ...]
    events: tuple[DerivationEvent, ...]
    halted: str | None = None


@dataclass(frozen=True)
class DerivationResult:
    """The L2 chain derived from L1: the engine state, the derived blocks after genesis, the safe
    head, and the log of stage outcomes (dropped frames, timed-out channels, dropped batches …).

    ``halted`` is set when derivation met a critical error and stopped, as op-node halts: a
    deposit-only payload the engine rejects (only possible with deposits the real
    ``OptimismPortal`` could not emit, e.g. more gas than a block has)."""

    engine: EngineState
    blocks: tuple[L2Block, ...]
    safe_head: L2BlockRef
    events: tuple[DerivationEvent, ...]
    halted: str | None = None


def _log(state: PipelineState, stage: str, kind: str, detail: str = "") -> PipelineState:
    event = DerivationEvent(state.traversal.block.number, stage, kind, detail)
    return replace(state, events=(*state.events, event))


def initial_state(
    config: RollupConfig, l1_chain: L1Chain, l2_genesis: EngineState
) -> PipelineState:
    """The pipeline at the rollup genesis: every stage empty, L1 traversal at the genesis L1
    block, the safe head the L2 genesis block (§Resetting derivation stages)."""
    base = l1_chain.block_by_number(config.genesis.l1.number)
    if base is None or base.hash != config.genesis.l1.hash:
        raise ExecutionError("the rollup's genesis L1 block is not in the L1 chain")
    head = l2_genesis.head
    return PipelineState(
        traversal=reset_l1_traversal(base, config.genesis.system_config),
        retrieval=None,
        frames=FrameQueue(),
        bank=ChannelBank(),
        reader=ChannelReader(),
        batch_queue=reset_batch_queue(base.ref),
        engine=l2_genesis,
        safe_head=head.ref,
        span_safe_head=head.ref,
        safe_chain=(SafeBlock(head.ref, tuple(head.transactions)),),
        derived=(),
        events=(),
    )


# --- Pulling data: L1 retrieval -> frame queue -> channel bank -> channel reader ----------------
# Each puller returns the new state and what it got; ``None`` means "nothing this step", and the
# flag ``exhausted`` tells the batch queue that the current L1 block has been fully read (io.EOF).


def _next_data(config: RollupConfig, state: PipelineState) -> tuple[PipelineState, bytes | None]:
    """L1 retrieval (``L1Retrieval.NextData``): the next batcher transaction's data of the current
    L1 block; ``None`` once the block is used up (until traversal advances)."""
    if state.retrieval is None:
        traversal, block = next_l1_block(state.traversal)
        if block is None:
            return state, None
        data = batcher_data(config, traversal.system_config, block)
        state = replace(state, traversal=traversal, retrieval=data)
    assert state.retrieval is not None
    if not state.retrieval:
        return replace(state, retrieval=None), None
    return replace(state, retrieval=state.retrieval[1:]), state.retrieval[0]


def _pull_frame(config: RollupConfig, state: PipelineState) -> tuple[PipelineState, bool]:
    """Frame queue then channel bank ingestion (``ChannelBank.NextData`` when nothing is ready).

    Returns whether the L1 block is used up (EOF); otherwise a frame was ingested or a batcher
    transaction was read (and maybe rejected), and the step ends.
    """
    if not state.frames.frames:
        state, data = _next_data(config, state)
        if data is None:
            return state, True
        frames, error = load_frames(state.frames, data)
        state = replace(state, frames=frames)
        if error is not None:
            state = _log(state, "frame queue", "batcher transaction rejected", error)
        if not frames.frames:
            return state, False
    frames, frame = next_frame(state.frames)
    assert frame is not None
    origin = state.traversal.block.ref
    bank, bank_events = ingest_frame(state.bank, config, frame, origin)
    state = replace(state, frames=frames, bank=bank)
    for event in bank_events:
        state = _log(state, "channel bank", event.kind, f"{event.channel_id.hex()} {event.detail}")
    return state, False


def _pull_batch(
    config: RollupConfig, state: PipelineState
) -> tuple[PipelineState, Batch | None, bool]:
    """Channel reader (``ChannelInReader.NextBatch``): the next batch, or none this step; the flag
    is true when every earlier stage is out of data for this L1 block."""
    reader, batch = next_batch(state.reader)
    if batch is not None:
        return replace(state, reader=reader), batch, False
    origin = state.traversal.block.ref
    bank, read = read_channel(state.bank, config, origin)
    state = replace(state, bank=bank)
    if read.timed_out is not None:
        state = _log(state, "channel bank", "channel timed out", read.timed_out.channel_id.hex())
        return state, None, False
    if read.data is None:
        state, exhausted = _pull_frame(config, state)
        return state, None, exhausted
    decoded = decode_channel(config, read.data, origin)
    for note in decoded.notes:
        state = _log(state, "channel reader", "batches left out", note)
    state = replace(state, reader=load_channel(state.reader, decoded.batches))
    reader, batch = next_batch(state.reader)
    return replace(state, reader=reader), batch, False


# --- Batch queue and engine --------------------------------------------------------------------


def _next_singular_batch(
    config: RollupConfig, state: PipelineState
) -> tuple[PipelineState, SingularBatch | None, bool, bool]:
    """The batch queue (``BatchQueue.NextBatch``): the next batch for the safe head.

    Returns the state, the batch (or ``None``), whether it is the last of its span, and whether
    the pipeline is out of data for the current L1 block (io.EOF).
    """
    parent = state.safe_head
    bq, batch, last = next_from_span(state.batch_queue, config, parent)
    state = replace(state, batch_queue=bq)
    if batch is not None:
        return state, batch, last, False
    origin = state.traversal.block.ref
    state = replace(state, batch_queue=update_origins(state.batch_queue, parent, origin))
    behind = origin_behind(origin, parent)
    state, read, out_of_data = _pull_batch(config, state)
    if read is None and not out_of_data:
        return state, None, False, False  # an earlier stage made progress: step again
    if read is not None and not behind:
        bq, check = add_batch(state.batch_queue, config, read, parent, state.safe_chain)
        state = replace(state, batch_queue=bq)
        if check.validity is BatchValidity.DROP:
            state = _log(state, "batch queue", "batch dropped", check.reason)
    if behind:
        return state, None, False, out_of_data
    bq, chosen, dropped = derive_next_batch(
        state.batch_queue, config, out_of_data, parent, state.safe_chain
    )
    state = replace(state, batch_queue=bq)
    for item in dropped:
        state = _log(state, "batch queue", "batch dropped", item.reason)
    if chosen is None:
        return state, None, False, out_of_data
    if isinstance(chosen, SpanBatch):
        # The batch queue accepted the span, so every origin it names is in bq.l1_blocks.
        singles = span_to_singular_batches(chosen, bq.l1_blocks, parent)
        if not singles:
            raise ExecutionError("accepted span batch has no block after the safe head")
        state = replace(state, batch_queue=replace(bq, next_span=singles))
        state, first, last = _pop_span(config, state, parent)
        return state, first, last, False
    return state, chosen, True, False


def _pop_span(
    config: RollupConfig, state: PipelineState, parent: L2BlockRef
) -> tuple[PipelineState, SingularBatch, bool]:
    bq, batch, last = next_from_span(state.batch_queue, config, parent)
    assert batch is not None
    return replace(state, batch_queue=bq), batch, last


def _apply_batch(
    config: RollupConfig,
    l1_chain: L1Chain,
    state: PipelineState,
    batch: SingularBatch,
    last_in_span: bool,
) -> PipelineState:
    """Payload attributes derivation and the engine queue (§L1-sync): build the block; on a
    payload the engine rejects, drop the batch and keep the safe head."""
    system_config = state.traversal.system_config
    attrs = attributes_for_batch(config, l1_chain, system_config, state.safe_head, batch)
    result = build_block(state.engine, attrs)
    if not result.valid or result.block is None:
        if not batch.transactions:
            # op-node: "a critical derivation error": the node halts.
            reason = f"deposit-only payload rejected by the engine: {result.reason}"
            return replace(_log(state, "engine queue", "halted", reason), halted=reason)
        return _log(state, "engine queue", "payload rejected, batch dropped", result.reason or "")
    block = result.block
    ref = block.ref
    return replace(
        state,
        engine=result.state,
        safe_head=ref,
        span_safe_head=ref if last_in_span else state.span_safe_head,
        safe_chain=(*state.safe_chain, SafeBlock(ref, tuple(block.transactions))),
        derived=(*state.derived, block),
    )


def step(config: RollupConfig, l1_chain: L1Chain, state: PipelineState) -> PipelineState | None:
    """One pipeline step (``DerivationPipeline.Step`` plus executing the attributes it yields).

    Returns the new state, or ``None`` when every stage is out of data and the L1 chain has no
    next block (derivation has caught up with L1), or when derivation has halted.
    """
    if state.halted is not None:
        return None
    state, batch, last, out_of_data = _next_singular_batch(config, state)
    if batch is not None:
        return _apply_batch(config, l1_chain, state, batch, last)
    if not out_of_data:
        return state
    traversal = advance_l1_block(state.traversal, l1_chain)
    if traversal is None:
        return None
    return replace(state, traversal=traversal)


def derive(config: RollupConfig, l1_chain: L1Chain, l2_genesis: EngineState) -> DerivationResult:
    """Derive the L2 chain from ``l1_chain`` alone, starting from the L2 genesis state.

    Runs :func:`step` until derivation has used every L1 block. The safe head is the last block
    whose span batch (if any) was fully applied. ``config`` must be the engine's (whose
    ``genesis.l2`` is the L2 genesis block).
    """
    if config != l2_genesis.config:
        raise ConfigError("derive needs the engine's rollup config (genesis.l2 set by l2_genesis)")
    state = initial_state(config, l1_chain, l2_genesis)
    while True:
        nxt = step(config, l1_chain, state)
        if nxt is None:
            break
        state = nxt
    return DerivationResult(
        engine=state.engine,
        blocks=state.derived,
        safe_head=state.span_safe_head,
        events=state.events,
        halted=state.halted,
    )
