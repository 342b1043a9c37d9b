"""L1 traversal and L1 retrieval: the outermost stages of the derivation pipeline.

OP spec ``specs/protocol/derivation.md`` §L1 Traversal and §L1 Retrieval; checked against
``op-node/rollup/derive/l1_traversal.go``, ``l1_retrieval.go`` and ``calldata_source.go``
(``DataFromEVMTransactions``, ``isValidBatchTx``).

L1 traversal reads the next L1 block of the canonical chain; L1 retrieval hands on, in block
order, the calldata of the block's batcher transactions. The system configuration (and so the
authorized batcher address) is the one in force at the traversed block; this model of L1 has no
``SystemConfig`` update events, so it stays the genesis system configuration.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from l2spec.spec.common.l1 import ChainError, L1Block, L1Chain
from l2spec.spec.optimistic.config import RollupConfig, SystemConfig


@dataclass(frozen=True)
class L1Traversal:
    """State of L1 traversal (``L1Traversal``): the current L1 block, whether it has been handed
    to L1 retrieval already, and the system configuration as of that block."""

    block: L1Block
    done: bool
    system_config: SystemConfig


def reset_l1_traversal(base: L1Block, system_config: SystemConfig) -> L1Traversal:
    """Start at L1 block ``base`` (§Resetting derivation stages: "start at L1 `base` as first
    block to be pulled by next stage")."""
    return L1Traversal(block=base, done=False, system_config=system_config)


def next_l1_block(traversal: L1Traversal) -> tuple[L1Traversal, L1Block | None]:
    """Hand the current block to L1 retrieval once; ``None`` afterwards until it advances."""
    if traversal.done:
        return traversal, None
    return replace(traversal, done=True), traversal.block


def advance_l1_block(traversal: L1Traversal, chain: L1Chain) -> L1Traversal | None:
    """Move to the next L1 block of ``chain`` (``AdvanceL1Block``); ``None`` if there is none yet.

    A next block that does not build on the current one would be an L1 reorg, which needs a
    pipeline reset; a chain given as one canonical sequence has none, so it is an error of the
    input here.
    """
    nxt = chain.block_by_number(traversal.block.number + 1)
    if nxt is None:
        return None
    if nxt.parent_hash != traversal.block.hash:
        raise ChainError(f"L1 block {nxt.number} does not build on the traversed block (a reorg)")
    return L1Traversal(block=nxt, done=False, system_config=traversal.system_config)


def is_batcher_transaction(
    config: RollupConfig, system_config: SystemConfig, index: int, block: L1Block
) -> bool:
    """A batcher transaction (§L1 Retrieval): sent to the batch inbox address by the batcher
    address of the system configuration in force at this L1 block.

    The receipt status does not matter (op-node's calldata source reads reverted transactions
    too); the transaction-type rule is moot because this L1 model has typeless transactions.
    """
    tx = block.transactions[index]
    to_inbox: bool = tx.to == config.batch_inbox_address
    return to_inbox and tx.sender == system_config.batcher_address


def batcher_data(
    config: RollupConfig, system_config: SystemConfig, block: L1Block
) -> tuple[bytes, ...]:
    """The calldata of each batcher transaction of ``block``, in block order (L1 retrieval)."""
    return tuple(
        tx.data
        for index, tx in enumerate(block.transactions)
        if is_batcher_transaction(config, system_config, index, block)
    )
