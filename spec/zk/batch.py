"""Batches on L1: length limits, ``batchHashData``, the accumulated input hash and the SNARK input.

A sequencer posts each batch's ``batchL2Data`` (see :mod:`.tx_encoding`) to the rollup contract,
which does not execute it but folds it into a hash chain, the *accumulated input hash*
(``accInputHash``). The prover later proves the transition from ``(oldStateRoot, oldAccInputHash)``
to ``(newStateRoot, newAccInputHash)`` and the verifier contract checks one BN254 field element
built from these values (:func:`snark_input`).

Upstream rules:

- limits: zkevm-contracts ``contracts/PolygonZkEVM.sol`` and ``contracts/v2/lib/
  PolygonRollupBaseEtrog.sol`` (``_MAX_TRANSACTIONS_BYTE_LENGTH``, ``_MAX_FORCE_BATCH_BYTE_LENGTH``,
  ``TIMESTAMP_RANGE``);
- ``batchHashData = keccak256(batchL2Data)`` (``currentTransactionsHash`` in ``sequenceBatches``;
  zkevm-commonjs ``src/contract-utils.js`` ``calculateBatchHashData``);
- Etrog ``accInputHash``: ``PolygonRollupBaseEtrog.sequenceBatches`` / ``sequenceForceBatches``
  (commonjs HEAD ``calculateAccInputHash``), 156 bytes of preimage;
- v1 (fork ≤ 6) ``accInputHash``: ``PolygonZkEVM.sequenceBatches`` (commonjs v3.0.0-fork.6), 124
  bytes of preimage;
- SNARK input: ``PolygonZkEVM.getInputSnarkBytes`` and ``v2/PolygonRollupManager._getInputSnarkBytes``
  then ``uint256(sha256(bytes)) % _RFIELD`` (commonjs ``calculateSnarkInput``).
"""

from __future__ import annotations

import hashlib

from l2spec.errors import L2SpecError
from l2spec.spec.common.keccak import keccak256
from l2spec.spec.common.types import ZERO_HASH, Address, Hash32, uint_to_bytes

MAX_TRANSACTIONS_BYTE_LENGTH = 120_000
"""Longest ``batchL2Data`` ``sequenceBatches`` accepts (``_MAX_TRANSACTIONS_BYTE_LENGTH``;
``TransactionsLengthAboveMax``)."""

MAX_FORCE_BATCH_BYTE_LENGTH = 5_000
"""Longest ``batchL2Data`` ``forceBatch`` accepts (``_MAX_FORCE_BATCH_BYTE_LENGTH``)."""

TIMESTAMP_RANGE = 36
"""From fork 8 (Elderberry) on: ``maxSequenceTimestamp`` may be at most ``block.timestamp +
TIMESTAMP_RANGE``. Etrog itself (fork 7, zkevm-contracts ``v4.0.0-fork.7``) has no such parameter:
its ``timestampLimit`` is ``uint64(block.timestamp)`` of the sequencing transaction."""

BN254_SCALAR_FIELD = 21888242871839275222246405745257275088548364400416034343698204186575808495617
"""``r``, the order of BN254's scalar field (``_RFIELD``): the SNARK's public input lives below it."""

SNARK_INPUT_BYTES_LENGTH = 20 + 32 + 32 + 8 + 8 + 8 + 32 + 32 + 32 + 8
"""212: the length of the SNARK-input preimage."""


class BatchInputError(L2SpecError):
    """A value that does not fit the field the contracts pack it into (API misuse)."""


def batch_length_ok(batch_l2_data: bytes, *, forced: bool = False) -> bool:
    """Whether the contracts accept ``batchL2Data`` of this length (forced batches have the lower
    ``_MAX_FORCE_BATCH_BYTE_LENGTH``). A refusal is a reverted L1 call, returned here as ``False``."""
    limit = MAX_FORCE_BATCH_BYTE_LENGTH if forced else MAX_TRANSACTIONS_BYTE_LENGTH
    return len(batch_l2_data) <= limit


def batch_hash_data(batch_l2_data: bytes) -> Hash32:
    """``batchHashData = keccak256(batchL2Data)``, the same in every fork up to Etrog (and banana)."""
    return keccak256(batch_l2_data)


def _word(value: bytes, size: int, name: str) -> bytes:
    raw = bytes(value)
    if len(raw) != size:
        raise BatchInputError(f"{name} must be {size} bytes, got {len(raw)}")
    return raw


def _uint64(value: int, name: str) -> bytes:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**64:
        raise BatchInputError(f"{name} must be a uint64, got {value!r}")
    return uint_to_bytes(value, 8)


def acc_input_hash_preimage_etrog(
    old_acc_input_hash: Hash32,
    batch_hash: Hash32,
    l1_info_root: Hash32,
    timestamp_limit: int,
    sequencer: Address,
    forced_block_hash_l1: Hash32 = ZERO_HASH,
) -> bytes:
    """``abi.encodePacked(oldAcc, batchHashData, l1InfoRoot, uint64 timestampLimit, address
    sequencer, forcedBlockHashL1)``: 32 + 32 + 32 + 8 + 20 + 32 = 156 bytes.

    For a sequenced (non-forced) batch ``l1InfoRoot`` is the L1-info-tree root, ``timestampLimit``
    is ``uint64(block.timestamp)`` of the sequencing transaction in Etrog (``maxSequenceTimestamp``
    from fork 8 on; the formula is the same) and ``forcedBlockHashL1`` is zero; for a forced batch the same
    positions carry ``forcedGlobalExitRoot``, ``forcedTimestamp`` and ``forcedBlockHashL1``
    (``PolygonRollupBaseEtrog.sequenceBatches``).
    """
    return (
        _word(old_acc_input_hash, 32, "oldAccInputHash")
        + _word(batch_hash, 32, "batchHashData")
        + _word(l1_info_root, 32, "l1InfoRoot")
        + _uint64(timestamp_limit, "timestampLimit")
        + _word(sequencer, 20, "sequencer")
        + _word(forced_block_hash_l1, 32, "forcedBlockHashL1")
    )


def acc_input_hash_etrog(
    old_acc_input_hash: Hash32,
    batch_hash: Hash32,
    l1_info_root: Hash32,
    timestamp_limit: int,
    sequencer: Address,
    forced_block_hash_l1: Hash32 = ZERO_HASH,
) -> Hash32:
    """Etrog (fork 7+) ``newAccInputHash = keccak256`` of :func:`acc_input_hash_preimage_etrog`."""
    return keccak256(
        acc_input_hash_preimage_etrog(
            old_acc_input_hash,
            batch_hash,
            l1_info_root,
            timestamp_limit,
            sequencer,
            forced_block_hash_l1,
        )
    )


def acc_input_hash_v1(
    old_acc_input_hash: Hash32,
    batch_hash: Hash32,
    global_exit_root: Hash32,
    timestamp: int,
    sequencer: Address,
) -> Hash32:
    """v1 (fork ≤ 6, ``PolygonZkEVM.sequenceBatches``): ``keccak256(abi.encodePacked(oldAcc,
    batchHashData, globalExitRoot, uint64 timestamp, address sequencer))``, 124 bytes."""
    return keccak256(
        _word(old_acc_input_hash, 32, "oldAccInputHash")
        + _word(batch_hash, 32, "batchHashData")
        + _word(global_exit_root, 32, "globalExitRoot")
        + _uint64(timestamp, "timestamp")
        + _word(sequencer, 20, "sequencer")
    )


def snark_input_bytes(
    aggregator: Address,
    old_state_root: Hash32,
    old_acc_input_hash: Hash32,
    init_num_batch: int,
    chain_id: int,
    fork_id: int,
    new_state_root: Hash32,
    new_acc_input_hash: Hash32,
    new_local_exit_root: Hash32,
    final_new_batch: int,
) -> bytes:
    """The 212-byte preimage ``abi.encodePacked(msg.sender, oldStateRoot, oldAccInputHash, uint64
    initNumBatch, uint64 chainID, uint64 forkID, newStateRoot, newAccInputHash, newLocalExitRoot,
    uint64 finalNewBatch)``. ``aggregator`` is the ``msg.sender`` of the verify call, and comes
    first (``_getInputSnarkBytes``)."""
    return (
        _word(aggregator, 20, "aggregator")
        + _word(old_state_root, 32, "oldStateRoot")
        + _word(old_acc_input_hash, 32, "oldAccInputHash")
        + _uint64(init_num_batch, "initNumBatch")
        + _uint64(chain_id, "chainID")
        + _uint64(fork_id, "forkID")
        + _word(new_state_root, 32, "newStateRoot")
        + _word(new_acc_input_hash, 32, "newAccInputHash")
        + _word(new_local_exit_root, 32, "newLocalExitRoot")
        + _uint64(final_new_batch, "finalNewBatch")
    )


def snark_input(
    aggregator: Address,
    old_state_root: Hash32,
    old_acc_input_hash: Hash32,
    init_num_batch: int,
    chain_id: int,
    fork_id: int,
    new_state_root: Hash32,
    new_acc_input_hash: Hash32,
    new_local_exit_root: Hash32,
    final_new_batch: int,
) -> int:
    """``uint256(sha256(snark_input_bytes(...))) % r``: the single public input of the final
    fflonk proof (``PolygonRollupManager._verifyAndRewardBatches``)."""
    preimage = snark_input_bytes(
        aggregator,
        old_state_root,
        old_acc_input_hash,
        init_num_batch,
        chain_id,
        fork_id,
        new_state_root,
        new_acc_input_hash,
        new_local_exit_root,
        final_new_batch,
    )
    return int.from_bytes(hashlib.sha256(preimage).digest(), "big") % BN254_SCALAR_FIELD
