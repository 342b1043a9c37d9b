"""References to L1 and L2 blocks as the rollup node sees them.

Mirrors ``eth.L1BlockRef`` and ``eth.L2BlockRef`` of op-node (``op-service/eth/id.go``): the
derivation pipeline and the sequencer reason about blocks only through these small records.
"""

from __future__ import annotations

from dataclasses import dataclass

from l2spec.spec.common.types import Hash32
from l2spec.spec.optimistic.config import BlockID


@dataclass(frozen=True)
class L1BlockRef:
    """An L1 block as seen by the rollup node (``eth.L1BlockRef``)."""

    hash: Hash32
    number: int
    parent_hash: Hash32
    timestamp: int

    @property
    def id(self) -> BlockID:
        return BlockID(self.number, self.hash)


@dataclass(frozen=True)
class L2BlockRef:
    """An L2 block as seen by the rollup node (``eth.L2BlockRef``).

    ``l1_origin`` is the L1 block the L2 block's epoch refers to; ``sequence_number`` counts the L2
    blocks since the first block of that epoch (0 for the first).
    """

    hash: Hash32
    number: int
    parent_hash: Hash32
    timestamp: int
    l1_origin: BlockID
    sequence_number: int

    @property
    def id(self) -> BlockID:
        return BlockID(self.number, self.hash)
