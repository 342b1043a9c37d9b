"""An honest sequencer: L1 origin selection, L2 block building, and the batches it posts.

OP spec ``specs/protocol/derivation.md`` §Overview (the L2 timestamp and L1 origin constraints:
``block.timestamp = prev_l2_timestamp + l2_block_time`` and ``l1_origin.timestamp <=
block.timestamp <= max_l2_timestamp``), §Batch Submission (one batch per L2 block) and
§Deriving Payload Attributes (the sequencer builds from the same template as the verifier);
checked against ``op-node/rollup/sequencing/origin_selector.go`` (``FindL1Origin``),
``sequencing/sequencer.go`` (no transactions past the max sequencer drift) and
``op-node/rollup/derive/batch.go``/``channel_out.go`` (``BlockToSingularBatch``).

The sequencer is deterministic: given the L1 chain it sees, the L2 chain so far and the user
transactions for the next block, it builds exactly one block.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from l2spec.spec.common.l1 import L1Chain
from l2spec.spec.optimistic.batches import SingularBatch
from l2spec.spec.optimistic.blocks import L1BlockRef, L2BlockRef
from l2spec.spec.optimistic.config import RollupConfig, SystemConfig
from l2spec.spec.optimistic.deposits import DEPOSIT_TX_TYPE
from l2spec.spec.optimistic.derivation.attributes import (
    prepare_payload_attributes,
    with_transactions,
)
from l2spec.spec.optimistic.engine import EngineState, L2Block, build_block


def select_l1_origin(
    config: RollupConfig,
    l2_head: L2BlockRef,
    current_origin: L1BlockRef,
    next_origin: L1BlockRef | None,
) -> L1BlockRef | None:
    """The L1 origin of the block after ``l2_head`` (``L1OriginSelector.FindL1Origin``).

    ``current_origin`` is ``l2_head``'s origin and ``next_origin`` the L1 block after it, if the
    sequencer knows it. The origin either stays or advances by one block:

    - advance as soon as the next L2 timestamp reaches the next origin's timestamp;
    - otherwise stay, unless the next L2 timestamp is more than ``max_sequencer_drift`` past the
      current origin: then the next origin is needed. If it is unknown, no block can be built
      (``None``); if it is still later than the next L2 timestamp, stay (the block may only have
      deposits, see :func:`past_sequencer_drift`) to keep ``L2 time >= L1 time``.
    """
    next_l2_time = l2_head.timestamp + config.block_time
    if next_origin is not None and next_l2_time >= next_origin.timestamp:
        return next_origin
    drift = config.sequencer_drift(current_origin.timestamp)
    if next_l2_time - current_origin.timestamp <= drift:
        return current_origin
    if next_origin is None:
        return None
    if next_l2_time < next_origin.timestamp:
        return current_origin
    return next_origin


def past_sequencer_drift(config: RollupConfig, l2_timestamp: int, origin: L1BlockRef) -> bool:
    """A block past ``origin.time + max_sequencer_drift`` may carry no sequenced transactions
    (``derivation.md`` §Overview: "the sequencer enforces `len(batch.transactions) == 0` while
    `max_sequencer_drift` is exceeded"; op-node sets ``NoTxPool``)."""
    past: bool = l2_timestamp > origin.timestamp + config.sequencer_drift(origin.timestamp)
    return past


def block_to_batch(block: L2Block) -> SingularBatch:
    """The batch of an L2 block (``BlockToSingularBatch``): its parent hash, epoch, timestamp and
    its transactions without the deposits (those are derived from L1)."""
    ref = block.ref
    return SingularBatch(
        parent_hash=ref.parent_hash,
        epoch_num=ref.l1_origin.number,
        epoch_hash=ref.l1_origin.hash,
        timestamp=ref.timestamp,
        transactions=tuple(
            tx for tx in block.transactions if not (tx and tx[0] == DEPOSIT_TX_TYPE)
        ),
    )


@dataclass(frozen=True)
class SequencedBlock:
    """The outcome of asking the sequencer for one block: the new L2 chain state and block, or
    why there is no block (``reason``; the state is then unchanged)."""

    state: EngineState
    block: L2Block | None
    batch: SingularBatch | None
    reason: str | None = None


def sequence_block(
    config: RollupConfig,
    l1_chain: L1Chain,
    system_config: SystemConfig,
    state: EngineState,
    transactions: Sequence[bytes] = (),
) -> SequencedBlock:
    """Build the next L2 block on ``state.head`` with ``transactions`` (EIP-2718 encoded user
    transactions), choosing its L1 origin from ``l1_chain`` (the L1 blocks the sequencer sees).

    Past the sequencer drift the transactions are left out. If the engine rejects the payload (an
    invalid transaction), that is the outcome, as a value.
    """
    head: L2BlockRef = state.head.ref
    current = l1_chain.block_by_number(head.l1_origin.number)
    if current is None or current.hash != head.l1_origin.hash:
        return SequencedBlock(state, None, None, "the L2 head's L1 origin is not in the L1 chain")
    nxt = l1_chain.block_by_number(current.number + 1)
    origin = select_l1_origin(config, head, current.ref, nxt.ref if nxt is not None else None)
    if origin is None:
        return SequencedBlock(
            state, None, None, "past the sequencer drift and the next L1 origin is unknown"
        )
    attrs = prepare_payload_attributes(config, l1_chain, system_config, head, origin.id)
    if not past_sequencer_drift(config, attrs.timestamp, origin):
        attrs = with_transactions(attrs, tuple(transactions))
    result = build_block(state, attrs)
    if not result.valid or result.block is None:
        return SequencedBlock(state, None, None, result.reason or "payload rejected by the engine")
    return SequencedBlock(result.state, result.block, block_to_batch(result.block))


def sequence_blocks(
    config: RollupConfig,
    l1_chain: L1Chain,
    system_config: SystemConfig,
    state: EngineState,
    transactions_per_block: Sequence[Sequence[bytes]],
) -> tuple[EngineState, tuple[SingularBatch, ...]]:
    """Build one block per entry of ``transactions_per_block``, in order; returns the final
    chain state and the batches of the new blocks. A block the sequencer cannot build stops the
    run (the blocks built so far are kept)."""
    batches: list[SingularBatch] = []
    for txs in transactions_per_block:
        out = sequence_block(config, l1_chain, system_config, state, txs)
        if out.batch is None:
            break
        state = out.state
        batches.append(out.batch)
    return state, tuple(batches)
