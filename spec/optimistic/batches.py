"""Batches: the sequencer's compact record of L2 blocks posted to L1.

OP spec ``specs/protocol/derivation.md`` §Batch Format (singular batches, version 0) and
``specs/protocol/delta/span-batches.md`` (span batches, version 1).

Only the record types are fixed here so far; the encodings arrive next in this module.
"""

from __future__ import annotations

from dataclasses import dataclass

from l2spec.spec.common.types import Hash32

SINGULAR_BATCH_TYPE = 0
"""``batch_version`` byte of a singular batch (``SingularBatchType``)."""

SPAN_BATCH_TYPE = 1
"""``batch_version`` byte of a span batch (``SpanBatchType``, from Delta)."""


@dataclass(frozen=True)
class SingularBatch:
    """One L2 block's batch (``derivation.md`` §Batch Format, version 0):
    ``rlp([parent_hash, epoch_number, epoch_hash, timestamp, transaction_list])``.

    ``transactions`` are EIP-2718 encoded L2 transactions (no deposits).
    """

    parent_hash: Hash32
    epoch_num: int
    epoch_hash: Hash32
    timestamp: int
    transactions: tuple[bytes, ...]


@dataclass(frozen=True)
class SpanBatchElement:
    """One L2 block inside a span batch, after decoding (``SpanBatchElement`` in op-node)."""

    epoch_num: int
    timestamp: int
    transactions: tuple[bytes, ...]


@dataclass(frozen=True)
class SpanBatch:
    """A span of consecutive L2 blocks (``specs/protocol/delta/span-batches.md``).

    ``parent_check`` and ``l1_origin_check`` are the first 20 bytes of the parent L2 block hash and
    of the last block's L1 origin hash. ``blocks`` are the decoded elements in order; each element's
    timestamp is ``genesis_time + rel_timestamp + block_time * i`` and its epoch number follows the
    origin bits.
    """

    parent_check: bytes
    l1_origin_check: bytes
    blocks: tuple[SpanBatchElement, ...]


Batch = SingularBatch | SpanBatch
"""Either kind of batch, as the channel reader hands it to the batch queue."""
