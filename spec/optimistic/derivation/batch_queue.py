"""Batch queue: batch validity and the choice of the next batch for the safe head.

OP spec ``specs/protocol/derivation.md`` §Batch Queue (singular batches) and
``specs/protocol/delta/span-batches.md`` §Batch Queue (span batches); checked against
``op-node/rollup/derive/batches.go`` (``CheckBatch``, ``checkSingularBatch``, ``checkSpanBatch``)
and ``batch_queue.go`` (``NextBatch``, ``deriveNextBatch``, ``deriveNextEmptyBatch``).

These are the rules before Holocene (the configuration has no Holocene fork): a batch is one of
``drop`` / ``accept`` / ``undecided`` / ``future``, batches are tried in L1 inclusion order, and
when the sequencing window of the current epoch has passed without an acceptable batch, empty
batches are derived.

Every outcome is a value (:class:`BatchCheck`): the checks never raise, whatever the batch holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import Enum

from l2spec.spec.optimistic.batches import Batch, SingularBatch, SpanBatch
from l2spec.spec.optimistic.blocks import L1BlockRef, L2BlockRef
from l2spec.spec.optimistic.config import RollupConfig

DEPOSIT_TX_TYPE = 0x7E
"""EIP-2718 type byte of a deposited transaction (``specs/protocol/deposits.md``)."""

SET_CODE_TX_TYPE = 0x04
"""EIP-7702 ``SetCode`` transaction type, only valid in batches from Isthmus on (not configured
here, so always refused)."""


class BatchValidity(Enum):
    """The four forms of batch validity (``derivation.md`` §Batch Queue)."""

    DROP = "drop"
    """Invalid, and will stay invalid unless L1 reorgs: remove it from the buffer."""
    ACCEPT = "accept"
    """Valid: process it now."""
    UNDECIDED = "undecided"
    """Lacking L1 information (the next L1 origin) to decide: wait for more L1 blocks."""
    FUTURE = "future"
    """Possibly valid later, but not the next batch: keep it and check again later."""


@dataclass(frozen=True)
class BatchCheck:
    """The outcome of checking a batch, with the rule that decided it in words."""

    validity: BatchValidity
    reason: str


@dataclass(frozen=True)
class SafeBlock:
    """A block of the safe L2 chain as the span-batch overlap checks need it: its reference and its
    EIP-2718 encoded transactions (deposits included, as in the execution payload)."""

    ref: L2BlockRef
    transactions: tuple[bytes, ...]


@dataclass(frozen=True)
class BatchWithInclusion:
    """A batch together with the L1 block in which it was fully derived (``inclusion_block``)."""

    batch: Batch
    l1_inclusion_block: L1BlockRef


def _drop(reason: str) -> BatchCheck:
    return BatchCheck(BatchValidity.DROP, reason)


def _undecided(reason: str) -> BatchCheck:
    return BatchCheck(BatchValidity.UNDECIDED, reason)


ACCEPTED = BatchCheck(BatchValidity.ACCEPT, "valid batch")


def check_batch_transactions(transactions: Sequence[bytes]) -> str | None:
    """The transaction rules of a batch (``derivation.md`` §Batch Queue, last bullet): ``None`` if
    every transaction may appear in a batch, else why the batch is dropped.

    - any transaction that is empty (zero length byte string) -> ``drop``;
    - any deposited transaction (type byte ``0x7E``) -> ``drop``: deposits are derived from L1 only;
    - a ``SetCode`` transaction (type 4) before Isthmus -> ``drop``.

    The spec text also lists "any transaction of a future type > 2" (added with Isthmus in
    specs#587). op-node (``checkSingularBatch``) and kona check only the three cases above and leave
    other undecodable or unsupported transactions to the engine, whose rejection of the payload
    also drops the batch (§Engine Queue); we follow the implementations, as their test vectors
    (``TestValidBatch``, non-typed bytes accepted) require.
    """
    for index, tx in enumerate(transactions):
        if len(tx) == 0:
            return f"transaction {index} is empty"
        if tx[0] == DEPOSIT_TX_TYPE:
            return f"transaction {index} is a deposit; sequencers may not embed deposits"
        if tx[0] == SET_CODE_TX_TYPE:
            return f"transaction {index} is a SetCode transaction, not valid before Isthmus"
    return None


def check_batch(
    config: RollupConfig,
    l1_blocks: Sequence[L1BlockRef],
    l2_safe_head: L2BlockRef,
    batch: Batch,
    l1_inclusion_block: L1BlockRef,
    safe_chain: Sequence[SafeBlock] = (),
) -> BatchCheck:
    """Validity of ``batch`` on top of ``l2_safe_head`` (``CheckBatch``).

    ``l1_blocks`` are consecutive L1 blocks starting at the safe head's L1 origin (``epoch``); the
    second, if present, is ``next_epoch``. ``l1_inclusion_block`` is the L1 block in which the batch
    was fully derived. ``safe_chain`` is the safe L2 chain in block-number order (needed only by
    span batches that overlap it).
    """
    if isinstance(batch, SingularBatch):
        return check_singular_batch(config, l1_blocks, l2_safe_head, batch, l1_inclusion_block)
    return check_span_batch(config, l1_blocks, l2_safe_head, batch, l1_inclusion_block, safe_chain)


def check_singular_batch(
    config: RollupConfig,
    l1_blocks: Sequence[L1BlockRef],
    l2_safe_head: L2BlockRef,
    batch: SingularBatch,
    l1_inclusion_block: L1BlockRef,
) -> BatchCheck:
    """The singular-batch rules of ``derivation.md`` §Batch Queue, in validation order."""
    if len(l1_blocks) == 0:
        return _undecided("no L1 block known for the safe head's epoch")
    epoch = l1_blocks[0]
    next_timestamp = l2_safe_head.timestamp + config.block_time

    # `batch.timestamp > next_timestamp` -> `future`: the batch must be ready to process.
    if batch.timestamp > next_timestamp:
        return BatchCheck(BatchValidity.FUTURE, "batch is for a later L2 timestamp")
    # `batch.timestamp < next_timestamp` -> `drop`: the batch must not be too old.
    if batch.timestamp < next_timestamp:
        return _drop("batch timestamp is older than the next L2 timestamp")
    # `batch.parent_hash != safe_l2_head.hash` -> `drop`.
    if batch.parent_hash != l2_safe_head.hash:
        return _drop("parent hash is not the safe head's hash")
    # `batch.epoch_num + sequence_window_size < inclusion_block_number` -> `drop`: included timely.
    if batch.epoch_num + config.seq_window_size < l1_inclusion_block.number:
        return _drop("batch included after its sequencing window")

    # The batch origin is `epoch` or `next_epoch`.
    if batch.epoch_num < epoch.number:
        return _drop("batch epoch is older than the safe head's epoch")
    if batch.epoch_num == epoch.number:
        batch_origin = epoch
    elif batch.epoch_num == epoch.number + 1:
        if len(l1_blocks) < 2:
            return _undecided("batch advances the epoch but the next L1 block is not known yet")
        batch_origin = l1_blocks[1]
    else:
        return _drop("batch epoch advances by more than one L1 block")

    # `batch.epoch_hash != batch_origin.hash` -> `drop`: reference a canonical L1 origin.
    if batch.epoch_hash != batch_origin.hash:
        return _drop("epoch hash does not match the canonical L1 origin")
    # `batch.timestamp < batch_origin.time` -> `drop`: the min L2 timestamp rule.
    if batch.timestamp < batch_origin.timestamp:
        return _drop("batch timestamp is before its L1 origin's timestamp")

    # `batch.timestamp > batch_origin.time + max_sequencer_drift`: the drift rule, with exceptions.
    # The drift in force is the one at the origin's time (``ChainSpec.MaxSequencerDrift``).
    drift = config.sequencer_drift(batch_origin.timestamp)
    if batch.timestamp > batch_origin.timestamp + drift:
        if len(batch.transactions) > 0:
            return _drop("batch with transactions exceeds the max sequencer drift")
        if epoch.number == batch_origin.number:
            # An empty batch that keeps the epoch is only valid if the next origin could not be
            # adopted without breaking `L2 time >= L1 time`.
            if len(l1_blocks) < 2:
                return _undecided("empty batch past the drift; next L1 origin not known yet")
            if batch.timestamp >= l1_blocks[1].timestamp:
                return _drop("empty batch past the drift could have adopted the next L1 origin")

    reason = check_batch_transactions(batch.transactions)
    if reason is not None:
        return _drop(reason)
    return ACCEPTED


def _find_l2_block(safe_chain: Sequence[SafeBlock], number: int) -> SafeBlock | None:
    """The safe block with ``number`` in ``safe_chain`` (block-number order), if there is one."""
    if len(safe_chain) == 0:
        return None
    index = number - safe_chain[0].ref.number
    if index < 0 or index >= len(safe_chain):
        return None
    block = safe_chain[index]
    return block if block.ref.number == number else None


def check_span_batch(
    config: RollupConfig,
    l1_blocks: Sequence[L1BlockRef],
    l2_safe_head: L2BlockRef,
    batch: SpanBatch,
    l1_inclusion_block: L1BlockRef,
    safe_chain: Sequence[SafeBlock] = (),
) -> BatchCheck:
    """The span-batch rules of ``specs/protocol/delta/span-batches.md`` §Batch Queue, in order
    (``checkSpanBatchPrefix`` then ``checkSpanBatch`` in op-node)."""
    if len(l1_blocks) == 0:
        return _undecided("no L1 block known for the safe head's epoch")
    if len(batch.blocks) == 0:
        return _drop("span batch has no blocks")
    epoch = l1_blocks[0]
    start = batch.blocks[0]
    end = batch.blocks[-1]
    start_epoch_num = start.epoch_num
    end_epoch_num = end.epoch_num

    # `batch_origin` is determined like with singular batches.
    batch_origin = epoch
    if start_epoch_num == epoch.number + 1:
        if len(l1_blocks) < 2:
            return _undecided("span batch advances the epoch but the next L1 block is not known")
        batch_origin = l1_blocks[1]
    # `batch_origin.timestamp < span_batch_upgrade_timestamp` -> `drop` (activation rule).
    if not config.is_delta(batch_origin.timestamp):
        return _drop("span batch with an L1 origin before the Delta upgrade")

    next_timestamp = l2_safe_head.timestamp + config.block_time
    # `span_start.timestamp > next_timestamp` -> `future`.
    if start.timestamp > next_timestamp:
        return BatchCheck(BatchValidity.FUTURE, "span batch starts at a later L2 timestamp")
    # `span_end.timestamp < next_timestamp` -> `drop`: at least one new block.
    if end.timestamp < next_timestamp:
        return _drop("span batch has no block after the safe head")

    # `prev_l2_block`: the safe block at `span_start.timestamp - l2_block_time`.
    parent = l2_safe_head
    if start.timestamp < next_timestamp:
        if start.timestamp > l2_safe_head.timestamp:
            return _drop("span batch timestamp is not aligned to the block time")
        if (l2_safe_head.timestamp - start.timestamp) % config.block_time != 0:
            return _drop("span batch timestamp is not aligned to the block time")
        parent_number = (
            l2_safe_head.number
            - (l2_safe_head.timestamp - start.timestamp) // config.block_time
            - 1
        )
        found = _find_l2_block(safe_chain, parent_number)
        # If there's no `prev_l2_block` in the current safe chain -> `drop`.
        if found is None:
            return _drop("span batch's parent block is not in the safe chain")
        parent = found.ref
    # `batch.parent_check != prev_l2_block.hash[:20]` -> `drop`.
    if batch.parent_check != parent.hash[:20]:
        return _drop("parent check does not match the parent block's hash")

    # Sequencing-window checks, for the batch as a whole.
    # `start_epoch_num + sequence_window_size < inclusion_block_number` -> `drop`.
    if start_epoch_num + config.seq_window_size < l1_inclusion_block.number:
        return _drop("span batch included after its sequencing window")
    # `start_epoch_num > prev_l2_block.l1_origin.number + 1` -> `drop`.
    if start_epoch_num > parent.l1_origin.number + 1:
        return _drop("span batch epoch advances by more than one L1 block")
    # `batch.l1_origin_check` must match the canonical L1 chain at `end_epoch_num`.
    end_origin = next((b for b in l1_blocks if b.number == end_epoch_num), None)
    if end_origin is None:
        return _undecided("L1 origin of the span's last block is not known yet")
    if batch.l1_origin_check != end_origin.hash[:20]:
        return _drop("L1 origin check does not match the canonical L1 chain")
    # `start_epoch_num < prev_l2_block.l1_origin.number` -> `drop`.
    if start_epoch_num < parent.l1_origin.number:
        return _drop("span batch epoch is older than its parent's epoch")

    # Max sequencer time-drift & other L1 origin checks, for each block after the safe head.
    origin_index = 0
    for i, block in enumerate(batch.blocks):
        if block.timestamp <= l2_safe_head.timestamp:
            continue
        # `block_input.l1_origin.number < safe_head.l1_origin.number` -> `drop`.
        if block.epoch_num < l2_safe_head.l1_origin.number:
            return _drop(f"block {i} has an L1 origin older than the safe head's")
        found_index = next(
            (
                j
                for j in range(origin_index, len(l1_blocks))
                if l1_blocks[j].number == block.epoch_num
            ),
            None,
        )
        if found_index is None:
            return _drop(f"block {i} has an L1 origin outside the known L1 blocks")
        origin_index = found_index
        origin = l1_blocks[origin_index]
        if i == 0:
            origin_advanced = start_epoch_num == parent.l1_origin.number + 1
        else:
            origin_advanced = block.epoch_num > batch.blocks[i - 1].epoch_num
        # `block_input.timestamp < block_input.origin.time` -> `drop`.
        if block.timestamp < origin.timestamp:
            return _drop(f"block {i} timestamp is before its L1 origin's timestamp")
        # `block_input.timestamp > block_input.origin.time + max_sequencer_drift`.
        if block.timestamp > origin.timestamp + config.sequencer_drift(origin.timestamp):
            if len(block.transactions) > 0:
                return _drop(f"block {i} with transactions exceeds the max sequencer drift")
            if not origin_advanced:
                if origin_index + 1 >= len(l1_blocks):
                    return _undecided(f"block {i} past the drift; next L1 origin not known yet")
                if block.timestamp >= l1_blocks[origin_index + 1].timestamp:
                    return _drop(f"block {i} past the drift could have adopted the next L1 origin")
        reason = check_batch_transactions(block.transactions)
        if reason is not None:
            return _drop(f"block {i}: {reason}")

    # Overlapped blocks checks: each block before `next_timestamp` must equal the safe block.
    if start.timestamp < next_timestamp:
        for i in range(l2_safe_head.number - parent.number):
            safe = _find_l2_block(safe_chain, parent.number + i + 1)
            if safe is None or i >= len(batch.blocks):
                return _drop("overlapped safe block is not in the safe chain")
            user_txs = tuple(tx for tx in safe.transactions if tx[:1] != bytes([DEPOSIT_TX_TYPE]))
            if user_txs != batch.blocks[i].transactions:
                return _drop(f"overlapped block {i} transactions differ from the safe chain")
            if safe.ref.l1_origin.number != batch.blocks[i].epoch_num:
                return _drop(f"overlapped block {i} L1 origin differs from the safe chain")
    return ACCEPTED


# ---------------------------------------------------------------------------------------------
# The stage: buffered batches, the L1 blocks of the current window, and a span being emitted.
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchQueue:
    """State of the batch queue stage (``BatchQueue`` in op-node).

    ``origin`` is the L1 block the stage has read up to; ``l1_blocks`` the L1 blocks from the
    safe head's epoch up to ``origin``; ``batches`` the buffered batches in L1 inclusion order;
    ``next_span`` the remaining blocks of an accepted span batch.
    """

    origin: L1BlockRef
    l1_blocks: tuple[L1BlockRef, ...]
    batches: tuple[BatchWithInclusion, ...] = ()
    next_span: tuple[SingularBatch, ...] = ()


def reset_batch_queue(base: L1BlockRef) -> BatchQueue:
    """The stage after a pipeline reset at L1 block ``base`` (``derivation.md`` §Resetting
    derivation stages: "empty the batch queue, use `base` as initial L1 point of reference")."""
    return BatchQueue(origin=base, l1_blocks=(base,))


def next_from_span(
    bq: BatchQueue, config: RollupConfig, parent: L2BlockRef
) -> tuple[BatchQueue, SingularBatch | None, bool]:
    """Pop the next block of an accepted span batch if it follows ``parent``
    (``nextFromSpanBatch``). Returns the new stage, the batch (with its parent hash set) and
    whether it is the last of the span. If the next block does not follow ``parent`` (a block of
    the span was rejected by the engine), the rest of the span is dropped."""
    if not bq.next_span:
        return bq, None, False
    head = bq.next_span[0]
    if head.timestamp != parent.timestamp + config.block_time:
        return replace(bq, next_span=()), None, False
    batch = replace(head, parent_hash=parent.hash)
    rest = bq.next_span[1:]
    return replace(bq, next_span=rest), batch, len(rest) == 0


def origin_behind(bq_prev_origin: L1BlockRef, parent: L2BlockRef) -> bool:
    """The stage's L1 origin is behind the safe head's origin (only after a reset)."""
    behind: bool = bq_prev_origin.number < parent.l1_origin.number
    return behind


def update_origins(bq: BatchQueue, parent: L2BlockRef, stage_origin: L1BlockRef) -> BatchQueue:
    """Follow the previous stage's L1 origin and the safe head's epoch (``updateOrigins``).

    A new L1 origin is appended to ``l1_blocks``; once the safe head has moved to a later epoch,
    the L1 blocks before it are forgotten.
    """
    behind = origin_behind(stage_origin, parent)
    if bq.origin != stage_origin:
        l1_blocks = (*bq.l1_blocks, stage_origin) if not behind else ()
        bq = replace(bq, origin=stage_origin, l1_blocks=l1_blocks)
    if bq.l1_blocks and parent.l1_origin.number > bq.l1_blocks[0].number:
        for i, block in enumerate(bq.l1_blocks):
            if block.number == parent.l1_origin.number:
                bq = replace(bq, l1_blocks=bq.l1_blocks[i:])
                break
    return bq


def add_batch(
    bq: BatchQueue,
    config: RollupConfig,
    batch: Batch,
    parent: L2BlockRef,
    safe_chain: Sequence[SafeBlock] = (),
) -> tuple[BatchQueue, BatchCheck]:
    """Buffer a batch read in the stage's current L1 block (``AddBatch``): a batch that is
    ``drop`` right away is not kept."""
    entry = BatchWithInclusion(batch, bq.origin)
    check = check_batch(config, bq.l1_blocks, parent, batch, bq.origin, safe_chain)
    if check.validity is BatchValidity.DROP:
        return bq, check
    return replace(bq, batches=(*bq.batches, entry)), check


@dataclass(frozen=True)
class DroppedBatch:
    """A buffered batch dropped while looking for the next batch, with the rule that dropped it."""

    batch: Batch
    l1_inclusion_block: L1BlockRef
    reason: str


def derive_next_batch(
    bq: BatchQueue,
    config: RollupConfig,
    out_of_data: bool,
    parent: L2BlockRef,
    safe_chain: Sequence[SafeBlock] = (),
) -> tuple[BatchQueue, Batch | None, tuple[DroppedBatch, ...]]:
    """The next batch for ``parent`` from the buffer, or an empty batch once the window expired
    (``deriveNextBatch``). ``None`` means: not enough data yet.

    The buffer is scanned in inclusion order: ``future`` batches are kept, ``drop`` ones removed,
    the first ``accept`` one is returned, and an ``undecided`` one stops the scan (it and all later
    batches are kept until more L1 data arrives).
    """
    remaining: list[BatchWithInclusion] = []
    dropped: list[DroppedBatch] = []
    for i, entry in enumerate(bq.batches):
        check = check_batch(
            config, bq.l1_blocks, parent, entry.batch, entry.l1_inclusion_block, safe_chain
        )
        if check.validity is BatchValidity.FUTURE:
            remaining.append(entry)
        elif check.validity is BatchValidity.DROP:
            dropped.append(DroppedBatch(entry.batch, entry.l1_inclusion_block, check.reason))
        elif check.validity is BatchValidity.ACCEPT:
            remaining.extend(bq.batches[i + 1 :])
            return replace(bq, batches=tuple(remaining)), entry.batch, tuple(dropped)
        else:  # UNDECIDED
            remaining.extend(bq.batches[i:])
            return replace(bq, batches=tuple(remaining)), None, tuple(dropped)
    bq = replace(bq, batches=tuple(remaining))
    bq, empty = derive_next_empty_batch(bq, config, out_of_data, parent)
    return bq, empty, tuple(dropped)


def derive_next_empty_batch(
    bq: BatchQueue, config: RollupConfig, out_of_data: bool, parent: L2BlockRef
) -> tuple[BatchQueue, SingularBatch | None]:
    """An empty batch once the sequencing window of the current epoch is over
    (``derivation.md`` §Batch Queue, last paragraph; ``deriveNextEmptyBatch``).

    The window of ``epoch`` closes when every batch readable from L1 block
    ``epoch.number + sequence_window_size`` has been buffered. Then, with ``next_epoch`` known:
    the empty batch keeps ``epoch`` while ``next_timestamp < next_epoch.time`` or if it is the
    first batch of the epoch; otherwise the stage moves on to ``next_epoch`` (and the next call
    derives the batch there).
    """
    if not bq.l1_blocks:
        return bq, None
    epoch = bq.l1_blocks[0]
    expiry_epoch = epoch.number + config.seq_window_size
    force_empty = (expiry_epoch == bq.origin.number and out_of_data) or (
        expiry_epoch < bq.origin.number
    )
    if not force_empty or len(bq.l1_blocks) < 2:
        return bq, None
    next_epoch = bq.l1_blocks[1]
    next_timestamp = parent.timestamp + config.block_time
    first_of_epoch = epoch.number == parent.l1_origin.number + 1
    if next_timestamp < next_epoch.timestamp or first_of_epoch:
        return bq, SingularBatch(
            parent_hash=parent.hash,
            epoch_num=epoch.number,
            epoch_hash=epoch.hash,
            timestamp=next_timestamp,
            transactions=(),
        )
    return replace(bq, l1_blocks=bq.l1_blocks[1:]), None
