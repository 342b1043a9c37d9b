"""The L1 rollup manager and the Etrog consensus contract of Polygon zkEVM, as a pure state machine.

Upstream rules: zkevm-contracts tag ``v4.0.0-fork.7`` (Etrog):
``contracts/v2/PolygonRollupManager.sol`` (``createNewRollup``, ``onSequenceBatches``,
``verifyBatches``, ``verifyBatchesTrustedAggregator``, ``_verifyAndRewardBatches``,
``_tryConsolidatePendingState``, ``consolidatePendingState``, ``_consolidatePendingState``,
``activateEmergencyState``, ``deactivateEmergencyState``, ``setTrustedAggregatorTimeout``,
``setPendingStateTimeout``, ``getRollupExitRoot``, ``_getLastVerifiedBatch``,
``_getInputSnarkBytes``, ``_checkStateRootInsidePrime``), ``contracts/v2/lib/
PolygonRollupBaseEtrog.sol`` (``initialize``, ``sequenceBatches``, ``forceBatch``,
``sequenceForceBatches``), ``contracts/v2/lib/PolygonConstantsBase.sol`` (``_MAX_VERIFY_BATCHES``,
``_HALT_AGGREGATION_TIMEOUT``).

The whole L1 side is one value, :class:`L1State`: the rollup manager with its rollups, each
rollup's consensus contract (``PolygonZkEVMEtrog``), the global exit root manager and the L1 bridge
(sequencing pushes the bridge's exit root; verification pushes the rollup exit root). Every call
returns an :class:`L1Result`; a refused call leaves the state unchanged and names the contract's
custom error.

In the Etrog contracts (fork 7) the ``timestampLimit`` of a sequenced batch is the L1
``block.timestamp`` of the sequencing call and ``l1InfoRoot`` is the L1 info root after the bridge's
exit root was pushed; a forced batch uses its forced global exit root, forced timestamp and the L1
parent block hash recorded by ``forceBatch``.

Not modelled: POL fees and rewards (``getBatchFee``, ``_updateBatchFee``, the payments of
``sequenceBatches``/``forceBatch``, ``calculateRewardPerBatch``), rollup types and upgrades
(``lastVerifiedBatchBeforeUpgrade`` stays 0), ``overridePendingState`` and
``proveNonDeterministicPendingState``, the admin roles other than those named below, and the
generation of the rollup's initialize transaction (``generateInitializeTransaction``: its bytes are
an argument of :func:`create_rollup`).

Proofs: ``rollup.verifier.verifyProof(proof, [inputSnark])`` is replaced by
:func:`verify_batch_proof`, whose reference verifier re-executes the batches (see there).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from l2spec.errors import ConfigError, L2SpecError
from l2spec.spec.common.keccak import keccak256
from l2spec.spec.common.types import ZERO_HASH, Address, Hash32, uint_to_bytes
from l2spec.spec.zk.batch import (
    MAX_FORCE_BATCH_BYTE_LENGTH,
    MAX_TRANSACTIONS_BYTE_LENGTH,
    acc_input_hash_etrog,
    batch_hash_data,
    snark_input,
)
from l2spec.spec.zk.bridge import BridgeState, set_emergency_state, update_global_exit_root
from l2spec.spec.zk.exit_roots import (
    GlobalExitRootManager,
    L1Block,
    l1_info_root,
    last_global_exit_root,
    tree_from_leaves,
    tree_root,
    update_exit_root,
)

MAX_VERIFY_BATCHES = 1000
"""``_MAX_VERIFY_BATCHES``: most batches per sequence and per verification."""
HALT_AGGREGATION_TIMEOUT = 7 * 24 * 3600
"""``_HALT_AGGREGATION_TIMEOUT`` = 1 week."""
DEFAULT_FORCE_BATCH_TIMEOUT = 5 * 24 * 3600
"""``forceBatchTimeout`` set by ``PolygonRollupBaseEtrog.initialize`` (5 days)."""
GOLDILOCKS_PRIME = 0xFFFFFFFF00000001
"""``_GOLDILOCKS_PRIME_FIELD``: each 64-bit limb of a state root must be below it."""

# Custom errors (IPolygonRollupManager, IPolygonZkEVMVEtrogErrors, EmergencyManager,
# PolygonAccessControlUpgradeable).
ONLY_TRUSTED_SEQUENCER = "OnlyTrustedSequencer"
SEQUENCE_ZERO_BATCHES = "SequenceZeroBatches"
EXCEED_MAX_VERIFY_BATCHES = "ExceedMaxVerifyBatches"
FORCED_DATA_DOES_NOT_MATCH = "ForcedDataDoesNotMatch"
TRANSACTIONS_LENGTH_ABOVE_MAX = "TransactionsLengthAboveMax"
FORCE_BATCHES_OVERFLOW = "ForceBatchesOverflow"
FORCE_BATCH_NOT_ALLOWED = "ForceBatchNotAllowed"
FORCE_BATCHES_NOT_ALLOWED_ON_EMERGENCY_STATE = "ForceBatchesNotAllowedOnEmergencyState"
HALT_TIMEOUT_NOT_EXPIRED_AFTER_EMERGENCY_STATE = "HaltTimeoutNotExpiredAfterEmergencyState"
FORCE_BATCH_TIMEOUT_NOT_EXPIRED = "ForceBatchTimeoutNotExpired"
ONLY_NOT_EMERGENCY_STATE = "OnlyNotEmergencyState"
ONLY_EMERGENCY_STATE = "OnlyEmergencyState"
SENDER_MUST_BE_ROLLUP = "SenderMustBeRollup"
CHAIN_ID_ALREADY_EXIST = "ChainIDAlreadyExist"
ADDRESS_DO_NOT_HAVE_REQUIRED_ROLE = "AddressDoNotHaveRequiredRole"
TRUSTED_AGGREGATOR_TIMEOUT_NOT_EXPIRED = "TrustedAggregatorTimeoutNotExpired"
INIT_BATCH_MUST_MATCH_CURRENT_FORK_ID = "InitBatchMustMatchCurrentForkID"
PENDING_STATE_DOES_NOT_EXIST = "PendingStateDoesNotExist"
INIT_NUM_BATCH_DOES_NOT_MATCH_PENDING_STATE = "InitNumBatchDoesNotMatchPendingState"
OLD_STATE_ROOT_DOES_NOT_EXIST = "OldStateRootDoesNotExist"
INIT_NUM_BATCH_ABOVE_LAST_VERIFIED_BATCH = "InitNumBatchAboveLastVerifiedBatch"
FINAL_NUM_BATCH_BELOW_LAST_VERIFIED_BATCH = "FinalNumBatchBelowLastVerifiedBatch"
OLD_ACC_INPUT_HASH_DOES_NOT_EXIST = "OldAccInputHashDoesNotExist"
NEW_ACC_INPUT_HASH_DOES_NOT_EXIST = "NewAccInputHashDoesNotExist"
NEW_STATE_ROOT_NOT_INSIDE_PRIME = "NewStateRootNotInsidePrime"
INVALID_PROOF = "InvalidProof"
PENDING_STATE_NOT_CONSOLIDABLE = "PendingStateNotConsolidable"
PENDING_STATE_INVALID = "PendingStateInvalid"
HALT_TIMEOUT_NOT_EXPIRED = "HaltTimeoutNotExpired"
NEW_TRUSTED_AGGREGATOR_TIMEOUT_MUST_BE_LOWER = "NewTrustedAggregatorTimeoutMustBeLower"
NEW_PENDING_STATE_TIMEOUT_MUST_BE_LOWER = "NewPendingStateTimeoutMustBeLower"
ARITHMETIC_PANIC = "Panic(0x11)"
"""Solidity's checked-arithmetic panic (e.g. ``finalNewBatch - initNumBatch`` below zero)."""


class RollupError(L2SpecError):
    """The rollup model was misused (an unknown rollup id, out-of-range integers…)."""


# ---------------------------------------------------------------------------------------------
# Proof verification


@dataclass(frozen=True)
class SequencedBatchInput:
    """One batch as the prover sees it: exactly the fields of its accInputHash step
    (``transactions`` is the batchL2Data; ``l1_info_root`` is the forced global exit root and
    ``timestamp_limit`` the forced timestamp for a forced batch)."""

    transactions: bytes
    l1_info_root: Hash32
    timestamp_limit: int
    sequencer: Address
    forced_block_hash_l1: Hash32 = ZERO_HASH
    forced: bool = False


@dataclass(frozen=True)
class BatchProofPublics:
    """What a batch proof attests (the preimage of ``_getInputSnarkBytes``)."""

    aggregator: Address
    old_state_root: Hash32
    old_acc_input_hash: Hash32
    init_num_batch: int
    chain_id: int
    fork_id: int
    new_state_root: Hash32
    new_acc_input_hash: Hash32
    new_local_exit_root: Hash32
    final_new_batch: int


def publics_snark_input(publics: BatchProofPublics) -> int:
    """``uint256(sha256(_getInputSnarkBytes(...))) % r``: the single public input the fflonk
    verifier checks (:func:`l2spec.spec.zk.batch.snark_input`)."""
    return snark_input(
        publics.aggregator,
        publics.old_state_root,
        publics.old_acc_input_hash,
        publics.init_num_batch,
        publics.chain_id,
        publics.fork_id,
        publics.new_state_root,
        publics.new_acc_input_hash,
        publics.new_local_exit_root,
        publics.final_new_batch,
    )


@dataclass(frozen=True)
class ReexecutionRequest:
    """What the re-executor gets: the state to start from and the batches to run."""

    old_state_root: Hash32
    chain_id: int
    fork_id: int
    init_num_batch: int
    batches: tuple[SequencedBatchInput, ...]
    witness: object
    """Whatever else the executor needs (the state database, the L1 info leaves…)."""


Reexecutor = Callable[[ReexecutionRequest], tuple[Hash32, Hash32] | None]
"""Runs the batches from ``old_state_root``; returns ``(newStateRoot, newLocalExitRoot)`` or
``None`` if it cannot (a missing witness)."""


@dataclass(frozen=True)
class ReexecutionProof:
    """The "proof" of the reference verifier: the batches themselves (and a witness)."""

    batches: tuple[SequencedBatchInput, ...]
    witness: object = None


def verify_batch_proof(
    publics: BatchProofPublics, proof: ReexecutionProof, reexecute: Reexecutor | None = None
) -> bool:
    """The reference verifier of a batch proof (stands in for ``IVerifierRollup.verifyProof``).

    In this issue the reference verifier is *re-execution of the batches by the spec*, a pluggable
    checker; the STARK/fflonk proof plugs in here later with the same publics
    (:func:`publics_snark_input`). The checker accepts iff

    1. ``proof.batches`` has ``final_new_batch - init_num_batch`` batches;
    2. chaining their accInputHash steps from ``old_acc_input_hash`` gives ``new_acc_input_hash``
       (so the proof is about exactly the sequenced batches);
    3. the re-executor, run from ``old_state_root`` on those batches, returns
       ``(new_state_root, new_local_exit_root)``.

    ``reexecute`` is the executor (the rollup's configured one when called by the manager);
    without one only steps 1–2 could be checked, so a missing executor is a configuration error."""
    if reexecute is None:
        raise ConfigError("verify_batch_proof needs a re-executor (the spec's batch executor)")
    if len(proof.batches) != publics.final_new_batch - publics.init_num_batch:
        return False
    acc = publics.old_acc_input_hash
    for batch in proof.batches:
        acc = acc_input_hash_etrog(
            acc,
            batch_hash_data(batch.transactions),
            batch.l1_info_root,
            batch.timestamp_limit,
            batch.sequencer,
            batch.forced_block_hash_l1,
        )
    if acc != publics.new_acc_input_hash:
        return False
    request = ReexecutionRequest(
        publics.old_state_root,
        publics.chain_id,
        publics.fork_id,
        publics.init_num_batch,
        proof.batches,
        proof.witness,
    )
    outcome = reexecute(request)
    return outcome == (publics.new_state_root, publics.new_local_exit_root)


# ---------------------------------------------------------------------------------------------
# State


@dataclass(frozen=True)
class SequencedBatchData:
    """``SequencedBatchData``: recorded at the last batch of each sequence."""

    acc_input_hash: Hash32
    sequenced_timestamp: int
    previous_last_batch_sequenced: int


@dataclass(frozen=True)
class PendingState:
    """``PendingState``: a verification waiting ``pendingStateTimeout`` before it counts."""

    timestamp: int
    last_verified_batch: int
    exit_root: Hash32
    state_root: Hash32


@dataclass(frozen=True)
class RollupData:
    """``RollupData`` of one rollup in the manager (mappings are dicts, never mutated)."""

    rollup_address: Address
    chain_id: int
    fork_id: int
    reexecute: Reexecutor | None
    """The rollup's verifier (``rollup.verifier``), here the re-executor of
    :func:`verify_batch_proof`."""
    batch_num_to_state_root: Mapping[int, Hash32] = field(default_factory=dict)
    sequenced_batches: Mapping[int, SequencedBatchData] = field(default_factory=dict)
    pending_state_transitions: Mapping[int, PendingState] = field(default_factory=dict)
    last_local_exit_root: Hash32 = ZERO_HASH
    last_batch_sequenced: int = 0
    last_verified_batch: int = 0
    last_pending_state: int = 0
    last_pending_state_consolidated: int = 0
    last_verified_batch_before_upgrade: int = 0


@dataclass(frozen=True)
class RollupManager:
    """``PolygonRollupManager``'s state; rollup ``i`` (1-based id) is ``rollups[i - 1]``."""

    address: Address
    trusted_aggregator_timeout: int
    pending_state_timeout: int
    trusted_aggregators: frozenset[Address] = frozenset()
    """Holders of ``TRUSTED_AGGREGATOR_ROLE``."""
    emergency_council: frozenset[Address] = frozenset()
    """Holders of ``EMERGENCY_COUNCIL_ROLE``."""
    stop_emergency: frozenset[Address] = frozenset()
    """Holders of ``STOP_EMERGENCY_ROLE``."""
    tweak_parameters: frozenset[Address] = frozenset()
    """Holders of ``TWEAK_PARAMETERS_ROLE``."""
    rollups: tuple[RollupData, ...] = ()
    emergency: bool = False
    last_aggregation_timestamp: int = 0
    last_deactivated_emergency_state_timestamp: int = 0
    total_sequenced_batches: int = 0
    total_verified_batches: int = 0


@dataclass(frozen=True)
class ConsensusEtrog:
    """``PolygonZkEVMEtrog`` (``PolygonRollupBaseEtrog``) state of one rollup."""

    address: Address
    trusted_sequencer: Address
    force_batch_address: Address
    force_batch_timeout: int = DEFAULT_FORCE_BATCH_TIMEOUT
    last_acc_input_hash: Hash32 = ZERO_HASH
    forced_batches: Mapping[int, Hash32] = field(default_factory=dict)
    last_force_batch: int = 0
    last_force_batch_sequenced: int = 0
    batch_inputs: tuple[SequencedBatchInput, ...] = ()
    """Every batch sequenced, in order (the initial batch, then the ``SequenceBatches`` calldata;
    kept so that provers can build a :class:`ReexecutionProof`); batch ``n`` is
    ``batch_inputs[n - 1]``. The initial batch has the shape of a forced batch: its accInputHash
    step carries (lastGlobalExitRoot, timestamp, sequencer, parent block hash)."""


@dataclass(frozen=True)
class L1State:
    """Everything on L1 this model covers; ``consensus[i]`` belongs to ``manager.rollups[i]``."""

    manager: RollupManager
    consensus: tuple[ConsensusEtrog, ...]
    ger: GlobalExitRootManager
    bridge: BridgeState


@dataclass(frozen=True)
class L1Result:
    """The L1 after a call; ``reason`` is the custom error if refused (state unchanged)."""

    state: L1State
    ok: bool
    reason: str | None = None
    last_batch: int | None = None
    """The last batch number sequenced or verified by the call."""


def _refuse(state: L1State, reason: str) -> L1Result:
    return L1Result(state, False, reason)


def _rollup(state: L1State, rollup_id: int) -> RollupData:
    if not 1 <= rollup_id <= len(state.manager.rollups):
        raise RollupError(f"no rollup with id {rollup_id}")
    return state.manager.rollups[rollup_id - 1]


def _with_rollup(
    state: L1State,
    rollup_id: int,
    rollup: RollupData,
    consensus: ConsensusEtrog | None = None,
    **manager_changes: object,
) -> L1State:
    rollups = list(state.manager.rollups)
    rollups[rollup_id - 1] = rollup
    manager = replace(state.manager, rollups=tuple(rollups), **manager_changes)  # type: ignore[arg-type]
    contracts = list(state.consensus)
    if consensus is not None:
        contracts[rollup_id - 1] = consensus
    return replace(state, manager=manager, consensus=tuple(contracts))


# ---------------------------------------------------------------------------------------------
# Views


def last_verified_batch(rollup: RollupData) -> int:
    """``_getLastVerifiedBatch``: the last pending state's batch if any, else
    ``lastVerifiedBatch``."""
    if rollup.last_pending_state > 0:
        return rollup.pending_state_transitions[rollup.last_pending_state].last_verified_batch
    return rollup.last_verified_batch


def rollup_exit_root(manager: RollupManager) -> Hash32:
    """``getRollupExitRoot``: the root of the depth-32 keccak tree whose leaf ``i`` is rollup
    ``i + 1``'s ``lastLocalExitRoot``, or zero when there is no rollup (the contract's level-by-level
    computation with zero-hash padding is the root of the append-only tree of those leaves)."""
    if not manager.rollups:
        return ZERO_HASH
    return tree_root(tree_from_leaves([r.last_local_exit_root for r in manager.rollups]))


def is_pending_state_consolidable(
    rollup: RollupData, pending_state_num: int, now: int, timeout: int
) -> bool:
    """``_isPendingStateConsolidable``: ``pending.timestamp + pendingStateTimeout <= now`` (an
    absent pending state has timestamp 0)."""
    pending = rollup.pending_state_transitions.get(pending_state_num)
    return (pending.timestamp if pending else 0) + timeout <= now


def state_root_inside_prime(state_root: Hash32) -> bool:
    """``_checkStateRootInsidePrime``: each of the four 64-bit limbs is a Goldilocks element."""
    value = int.from_bytes(state_root)
    return all((value >> (64 * i)) & (2**64 - 1) < GOLDILOCKS_PRIME for i in range(4))


# ---------------------------------------------------------------------------------------------
# Exit roots and consolidation


def _push_rollup_exit_root(state: L1State, block: L1Block) -> L1State:
    """``globalExitRootManager.updateExitRoot(getRollupExitRoot())`` from the manager."""
    update = update_exit_root(
        state.ger, state.manager.address, rollup_exit_root(state.manager), block
    )
    if not update.ok:
        raise RollupError(f"the exit-root manager refused the rollup manager: {update.reason}")
    return replace(state, ger=update.manager)


def _consolidate(
    state: L1State, rollup_id: int, pending_state_num: int, block: L1Block
) -> L1State | str:
    """``_consolidatePendingState``: ``lastPendingStateConsolidated < n <= lastPendingState``
    (else ``PendingStateInvalid``), then the pending state becomes the verified state and the
    rollup exit root is pushed."""
    rollup = _rollup(state, rollup_id)
    if not rollup.last_pending_state_consolidated < pending_state_num <= rollup.last_pending_state:
        return PENDING_STATE_INVALID
    pending = rollup.pending_state_transitions[pending_state_num]
    rollup = replace(
        rollup,
        last_verified_batch=pending.last_verified_batch,
        batch_num_to_state_root={
            **rollup.batch_num_to_state_root,
            pending.last_verified_batch: pending.state_root,
        },
        last_local_exit_root=pending.exit_root,
        last_pending_state_consolidated=pending_state_num,
    )
    return _push_rollup_exit_root(_with_rollup(state, rollup_id, rollup), block)


def _try_consolidate(state: L1State, rollup_id: int, block: L1Block) -> L1State:
    """``_tryConsolidatePendingState``: if the next pending state is consolidable, consolidate the
    middle one between it and the last (if that is consolidable too) or else the next one."""
    rollup = _rollup(state, rollup_id)
    timeout = state.manager.pending_state_timeout
    if rollup.last_pending_state <= rollup.last_pending_state_consolidated:
        return state
    next_num = rollup.last_pending_state_consolidated + 1
    if not is_pending_state_consolidable(rollup, next_num, block.timestamp, timeout):
        return state
    middle = next_num + (rollup.last_pending_state - next_num) // 2
    target = (
        middle
        if is_pending_state_consolidable(rollup, middle, block.timestamp, timeout)
        else next_num
    )
    result = _consolidate(state, rollup_id, target, block)
    assert not isinstance(result, str)  # target is in range by construction
    return result


def consolidate_pending_state(
    state: L1State, rollup_id: int, sender: Address, pending_state_num: int, block: L1Block
) -> L1Result:
    """``consolidatePendingState``: a trusted aggregator may consolidate any pending state; anyone
    else only outside the emergency state (``OnlyNotEmergencyState``) and once it is consolidable
    (``PendingStateNotConsolidable``)."""
    rollup = _rollup(state, rollup_id)
    if sender not in state.manager.trusted_aggregators:
        if state.manager.emergency:
            return _refuse(state, ONLY_NOT_EMERGENCY_STATE)
        if not is_pending_state_consolidable(
            rollup, pending_state_num, block.timestamp, state.manager.pending_state_timeout
        ):
            return _refuse(state, PENDING_STATE_NOT_CONSOLIDABLE)
    result = _consolidate(state, rollup_id, pending_state_num, block)
    if isinstance(result, str):
        return _refuse(state, result)
    return L1Result(result, True, None, _rollup(result, rollup_id).last_verified_batch)


# ---------------------------------------------------------------------------------------------
# Rollup creation and sequencing


def create_rollup(
    state: L1State,
    rollup_address: Address,
    chain_id: int,
    fork_id: int,
    genesis: Hash32,
    sequencer: Address,
    initialize_transaction: bytes,
    block: L1Block,
    reexecute: Reexecutor | None = None,
    force_batch_address: Address | None = None,
) -> L1Result:
    """``createNewRollup`` then ``PolygonRollupBaseEtrog.initialize``: a new rollup id, the
    genesis as the state root of batch 0, and the initial batch 1 sequenced with
    ``acc = keccak256(0 ‖ keccak256(initTx) ‖ lastGlobalExitRoot ‖ uint64 now ‖ sequencer ‖
    blockhash(n − 1))``. A chain id already in use is refused (``ChainIDAlreadyExist``). The
    admin becomes the force-batch address unless another one is given (the zero address lets
    anyone force batches)."""
    if any(r.chain_id == chain_id for r in state.manager.rollups):
        return _refuse(state, CHAIN_ID_ALREADY_EXIST)
    rollup = RollupData(
        rollup_address, chain_id, fork_id, reexecute, batch_num_to_state_root={0: genesis}
    )
    acc = keccak256(
        ZERO_HASH
        + keccak256(initialize_transaction)
        + last_global_exit_root(state.ger)
        + uint_to_bytes(block.timestamp, 8)
        + bytes(sequencer)
        + block.parent_hash
    )
    initial = SequencedBatchInput(
        initialize_transaction,
        last_global_exit_root(state.ger),
        block.timestamp,
        sequencer,
        block.parent_hash,
        True,
    )
    consensus = ConsensusEtrog(
        rollup_address,
        sequencer,
        sequencer if force_batch_address is None else force_batch_address,
        last_acc_input_hash=acc,
        batch_inputs=(initial,),
    )
    manager = replace(state.manager, rollups=(*state.manager.rollups, rollup))
    state = replace(state, manager=manager, consensus=(*state.consensus, consensus))
    return _on_sequence_batches(state, len(manager.rollups), 1, acc, block)


def _on_sequence_batches(
    state: L1State, rollup_id: int, count: int, acc: Hash32, block: L1Block
) -> L1Result:
    """``onSequenceBatches``: refused in the emergency state; records ``SequencedBatchData`` at
    the new last batch and tries to consolidate a pending state."""
    if state.manager.emergency:
        return _refuse(state, ONLY_NOT_EMERGENCY_STATE)
    rollup = _rollup(state, rollup_id)
    last = rollup.last_batch_sequenced + count
    rollup = replace(
        rollup,
        last_batch_sequenced=last,
        sequenced_batches={
            **rollup.sequenced_batches,
            last: SequencedBatchData(acc, block.timestamp, rollup.last_batch_sequenced),
        },
    )
    state = _with_rollup(
        state,
        rollup_id,
        rollup,
        total_sequenced_batches=state.manager.total_sequenced_batches + count,
    )
    return L1Result(_try_consolidate(state, rollup_id, block), True, None, last)


@dataclass(frozen=True)
class BatchData:
    """``BatchData``: a batch in ``sequenceBatches`` calldata; ``forced_timestamp > 0`` marks a
    forced batch, whose three forced fields must match what ``forceBatch`` recorded."""

    transactions: bytes
    forced_global_exit_root: Hash32 = ZERO_HASH
    forced_timestamp: int = 0
    forced_block_hash_l1: Hash32 = ZERO_HASH


def forced_batch_hash(batch: BatchData) -> Hash32:
    """``keccak256(keccak256(transactions) ‖ forcedGlobalExitRoot ‖ uint64 forcedTimestamp ‖
    forcedBlockHashL1)``: what ``forceBatch`` stores and sequencing must match."""
    return keccak256(
        keccak256(batch.transactions)
        + batch.forced_global_exit_root
        + uint_to_bytes(batch.forced_timestamp, 8)
        + batch.forced_block_hash_l1
    )


def sequence_batches(
    state: L1State,
    rollup_id: int,
    sender: Address,
    batches: Sequence[BatchData],
    l2_coinbase: Address,
    block: L1Block,
) -> L1Result:
    """``PolygonRollupBaseEtrog.sequenceBatches`` then ``onSequenceBatches``.

    Checks, in order: trusted sequencer, 1..1000 batches; then the bridge pushes its exit root
    (``updateGlobalExitRoot``) and ``l1InfoRoot`` is read. Each batch extends the accInputHash: a
    forced batch (``forcedTimestamp > 0``) must match the next forced batch
    (``ForcedDataDoesNotMatch``) and chains its forced fields; any other batch must be at most
    120000 bytes (``TransactionsLengthAboveMax``) and chains ``(l1InfoRoot, block.timestamp,
    l2Coinbase, 0)``. More forced batches than were forced is ``ForceBatchesOverflow``."""
    consensus = state.consensus[rollup_id - 1] if 1 <= rollup_id <= len(state.consensus) else None
    if consensus is None:
        raise RollupError(f"no rollup with id {rollup_id}")
    if sender != consensus.trusted_sequencer:
        return _refuse(state, ONLY_TRUSTED_SEQUENCER)
    if not batches:
        return _refuse(state, SEQUENCE_ZERO_BATCHES)
    if len(batches) > MAX_VERIFY_BATCHES:
        return _refuse(state, EXCEED_MAX_VERIFY_BATCHES)
    pushed = update_global_exit_root(state.bridge, state.ger, block)
    if not pushed.ok or not isinstance(pushed.manager, GlobalExitRootManager):
        raise RollupError(f"the L1 bridge could not push its exit root: {pushed.reason}")
    new_state = replace(state, bridge=pushed.bridge, ger=pushed.manager)
    info_root = l1_info_root(pushed.manager)
    acc = consensus.last_acc_input_hash
    forced_num = consensus.last_force_batch_sequenced
    forced = dict(consensus.forced_batches)
    inputs: list[SequencedBatchInput] = []
    for batch in batches:
        if batch.forced_timestamp > 0:
            forced_num += 1
            if forced_batch_hash(batch) != forced.get(forced_num, ZERO_HASH):
                return _refuse(state, FORCED_DATA_DOES_NOT_MATCH)
            item = SequencedBatchInput(
                batch.transactions,
                batch.forced_global_exit_root,
                batch.forced_timestamp,
                l2_coinbase,
                batch.forced_block_hash_l1,
                True,
            )
            del forced[forced_num]
        else:
            if len(batch.transactions) > MAX_TRANSACTIONS_BYTE_LENGTH:
                return _refuse(state, TRANSACTIONS_LENGTH_ABOVE_MAX)
            item = SequencedBatchInput(batch.transactions, info_root, block.timestamp, l2_coinbase)
        acc = acc_input_hash_etrog(
            acc,
            batch_hash_data(item.transactions),
            item.l1_info_root,
            item.timestamp_limit,
            item.sequencer,
            item.forced_block_hash_l1,
        )
        inputs.append(item)
    if forced_num > consensus.last_force_batch:
        return _refuse(state, FORCE_BATCHES_OVERFLOW)
    consensus = replace(
        consensus,
        last_acc_input_hash=acc,
        forced_batches=forced,
        last_force_batch_sequenced=forced_num,
        batch_inputs=(*consensus.batch_inputs, *inputs),
    )
    contracts = list(new_state.consensus)
    contracts[rollup_id - 1] = consensus
    new_state = replace(new_state, consensus=tuple(contracts))
    result = _on_sequence_batches(new_state, rollup_id, len(batches), acc, block)
    return result if result.ok else _refuse(state, result.reason or "")


def _may_force(consensus: ConsensusEtrog, sender: Address) -> bool:
    """``isSenderAllowedToForceBatches``: anyone when the force-batch address is zero."""
    return consensus.force_batch_address in (Address(b"\x00" * 20), sender)


def force_batch(
    state: L1State, rollup_id: int, sender: Address, transactions: bytes, block: L1Block
) -> L1Result:
    """``forceBatch``: allowed sender (``ForceBatchNotAllowed``), not in the emergency state
    (``ForceBatchesNotAllowedOnEmergencyState``), at most 5000 bytes
    (``TransactionsLengthAboveMax``); records ``forcedBatches[++lastForceBatch] =
    keccak(keccak(txs) ‖ lastGlobalExitRoot ‖ uint64 now ‖ blockhash(n − 1))``. ``last_batch`` in
    the result is the forced batch's number (``lastForceBatch``)."""
    _rollup(state, rollup_id)
    consensus = state.consensus[rollup_id - 1]
    if not _may_force(consensus, sender):
        return _refuse(state, FORCE_BATCH_NOT_ALLOWED)
    if state.manager.emergency:
        return _refuse(state, FORCE_BATCHES_NOT_ALLOWED_ON_EMERGENCY_STATE)
    if len(transactions) > MAX_FORCE_BATCH_BYTE_LENGTH:
        return _refuse(state, TRANSACTIONS_LENGTH_ABOVE_MAX)
    number = consensus.last_force_batch + 1
    record = forced_batch_hash(
        BatchData(
            transactions, last_global_exit_root(state.ger), block.timestamp, block.parent_hash
        )
    )
    consensus = replace(
        consensus,
        last_force_batch=number,
        forced_batches={**consensus.forced_batches, number: record},
    )
    contracts = list(state.consensus)
    contracts[rollup_id - 1] = consensus
    return L1Result(replace(state, consensus=tuple(contracts)), True, None, number)


def sequence_force_batches(
    state: L1State, rollup_id: int, sender: Address, batches: Sequence[BatchData], block: L1Block
) -> L1Result:
    """``sequenceForceBatches``: allowed sender; a week must have passed since the emergency state
    was last deactivated (``HaltTimeoutNotExpiredAfterEmergencyState``); 1..1000 batches, no more
    than are waiting (``ForceBatchesOverflow``); each must match its forced record
    (``ForcedDataDoesNotMatch``) and the last one must be at least ``forceBatchTimeout`` old
    (``ForceBatchTimeoutNotExpired``). The sender is the coinbase of these batches."""
    _rollup(state, rollup_id)
    consensus = state.consensus[rollup_id - 1]
    if not _may_force(consensus, sender):
        return _refuse(state, FORCE_BATCH_NOT_ALLOWED)
    if (
        state.manager.last_deactivated_emergency_state_timestamp + HALT_AGGREGATION_TIMEOUT
        > block.timestamp
    ):
        return _refuse(state, HALT_TIMEOUT_NOT_EXPIRED_AFTER_EMERGENCY_STATE)
    if not batches:
        return _refuse(state, SEQUENCE_ZERO_BATCHES)
    if len(batches) > MAX_VERIFY_BATCHES:
        return _refuse(state, EXCEED_MAX_VERIFY_BATCHES)
    if consensus.last_force_batch_sequenced + len(batches) > consensus.last_force_batch:
        return _refuse(state, FORCE_BATCHES_OVERFLOW)
    acc = consensus.last_acc_input_hash
    forced_num = consensus.last_force_batch_sequenced
    forced = dict(consensus.forced_batches)
    inputs: list[SequencedBatchInput] = []
    for i, batch in enumerate(batches):
        forced_num += 1
        if forced_batch_hash(batch) != forced.get(forced_num, ZERO_HASH):
            return _refuse(state, FORCED_DATA_DOES_NOT_MATCH)
        del forced[forced_num]
        if i == len(batches) - 1 and (
            batch.forced_timestamp + consensus.force_batch_timeout > block.timestamp
        ):
            return _refuse(state, FORCE_BATCH_TIMEOUT_NOT_EXPIRED)
        item = SequencedBatchInput(
            batch.transactions,
            batch.forced_global_exit_root,
            batch.forced_timestamp,
            sender,
            batch.forced_block_hash_l1,
            True,
        )
        acc = acc_input_hash_etrog(
            acc,
            batch_hash_data(item.transactions),
            item.l1_info_root,
            item.timestamp_limit,
            item.sequencer,
            item.forced_block_hash_l1,
        )
        inputs.append(item)
    consensus = replace(
        consensus,
        last_acc_input_hash=acc,
        forced_batches=forced,
        last_force_batch_sequenced=forced_num,
        batch_inputs=(*consensus.batch_inputs, *inputs),
    )
    contracts = list(state.consensus)
    contracts[rollup_id - 1] = consensus
    new_state = replace(state, consensus=tuple(contracts))
    result = _on_sequence_batches(new_state, rollup_id, len(batches), acc, block)
    return result if result.ok else _refuse(state, result.reason or "")


# ---------------------------------------------------------------------------------------------
# Verification


@dataclass(frozen=True)
class VerifyBatches:
    """The arguments of ``verifyBatches`` / ``verifyBatchesTrustedAggregator`` (``beneficiary``
    is dropped: rewards are not modelled)."""

    rollup_id: int
    pending_state_num: int
    init_num_batch: int
    final_new_batch: int
    new_local_exit_root: Hash32
    new_state_root: Hash32
    proof: ReexecutionProof


def _verify_and_reward(
    state: L1State, sender: Address, args: VerifyBatches, block: L1Block
) -> L1State | str:
    """``_verifyAndRewardBatches``: choose the old state root (from a pending state or a verified
    batch), require progress past the last verified batch, build the publics
    (``_getInputSnarkBytes``'s checks) and verify the proof; then count the batches and stamp
    ``lastAggregationTimestamp``."""
    rollup = _rollup(state, args.rollup_id)
    current_last = last_verified_batch(rollup)
    if args.init_num_batch < rollup.last_verified_batch_before_upgrade:
        return INIT_BATCH_MUST_MATCH_CURRENT_FORK_ID
    if args.pending_state_num != 0:
        if args.pending_state_num > rollup.last_pending_state:
            return PENDING_STATE_DOES_NOT_EXIST
        pending = rollup.pending_state_transitions[args.pending_state_num]
        old_state_root = pending.state_root
        if args.init_num_batch != pending.last_verified_batch:
            return INIT_NUM_BATCH_DOES_NOT_MATCH_PENDING_STATE
    else:
        old_state_root = rollup.batch_num_to_state_root.get(args.init_num_batch, ZERO_HASH)
        if old_state_root == ZERO_HASH:
            return OLD_STATE_ROOT_DOES_NOT_EXIST
        if args.init_num_batch > current_last:
            return INIT_NUM_BATCH_ABOVE_LAST_VERIFIED_BATCH
    if args.final_new_batch <= current_last:
        return FINAL_NUM_BATCH_BELOW_LAST_VERIFIED_BATCH
    old_seq = rollup.sequenced_batches.get(args.init_num_batch)
    new_seq = rollup.sequenced_batches.get(args.final_new_batch)
    old_acc = old_seq.acc_input_hash if old_seq else ZERO_HASH
    new_acc = new_seq.acc_input_hash if new_seq else ZERO_HASH
    if args.init_num_batch != 0 and old_acc == ZERO_HASH:
        return OLD_ACC_INPUT_HASH_DOES_NOT_EXIST
    if new_acc == ZERO_HASH:
        return NEW_ACC_INPUT_HASH_DOES_NOT_EXIST
    if not state_root_inside_prime(args.new_state_root):
        return NEW_STATE_ROOT_NOT_INSIDE_PRIME
    publics = BatchProofPublics(
        sender,
        old_state_root,
        old_acc,
        args.init_num_batch,
        rollup.chain_id,
        rollup.fork_id,
        args.new_state_root,
        new_acc,
        args.new_local_exit_root,
        args.final_new_batch,
    )
    if rollup.reexecute is None:
        raise ConfigError(f"rollup {args.rollup_id} has no verifier (re-executor)")
    if not verify_batch_proof(publics, args.proof, rollup.reexecute):
        return INVALID_PROOF
    return replace(
        state,
        manager=replace(
            state.manager,
            total_verified_batches=state.manager.total_verified_batches
            + args.final_new_batch
            - current_last,
            last_aggregation_timestamp=block.timestamp,
        ),
    )


def _consolidate_now(state: L1State, args: VerifyBatches, block: L1Block) -> L1State:
    """The immediate consolidation of a verification: the new state becomes verified, pending
    states are dropped, and the rollup exit root is pushed."""
    rollup = _rollup(state, args.rollup_id)
    rollup = replace(
        rollup,
        last_verified_batch=args.final_new_batch,
        batch_num_to_state_root={
            **rollup.batch_num_to_state_root,
            args.final_new_batch: args.new_state_root,
        },
        last_local_exit_root=args.new_local_exit_root,
    )
    if rollup.last_pending_state > 0:
        rollup = replace(rollup, last_pending_state=0, last_pending_state_consolidated=0)
    return _push_rollup_exit_root(_with_rollup(state, args.rollup_id, rollup), block)


def verify_batches_trusted_aggregator(
    state: L1State, sender: Address, args: VerifyBatches, block: L1Block
) -> L1Result:
    """``verifyBatchesTrustedAggregator``: a trusted aggregator (else
    ``AddressDoNotHaveRequiredRole``) verifies and consolidates at once, even in the emergency
    state."""
    _rollup(state, args.rollup_id)
    if sender not in state.manager.trusted_aggregators:
        return _refuse(state, ADDRESS_DO_NOT_HAVE_REQUIRED_ROLE)
    verified = _verify_and_reward(state, sender, args, block)
    if isinstance(verified, str):
        return _refuse(state, verified)
    return L1Result(_consolidate_now(verified, args, block), True, None, args.final_new_batch)


def verify_batches(
    state: L1State, sender: Address, args: VerifyBatches, block: L1Block
) -> L1Result:
    """``verifyBatches`` (anyone): not in the emergency state; the last batch must have been
    sequenced at least ``trustedAggregatorTimeout`` ago (``TrustedAggregatorTimeoutNotExpired``);
    at most 1000 batches. After verification, with ``pendingStateTimeout == 0`` the state is
    consolidated at once; otherwise a consolidable pending state is consolidated first and the new
    state is queued as the next pending state."""
    rollup = _rollup(state, args.rollup_id)
    if state.manager.emergency:
        return _refuse(state, ONLY_NOT_EMERGENCY_STATE)
    seq = rollup.sequenced_batches.get(args.final_new_batch)
    if (seq.sequenced_timestamp if seq else 0) + state.manager.trusted_aggregator_timeout > (
        block.timestamp
    ):
        return _refuse(state, TRUSTED_AGGREGATOR_TIMEOUT_NOT_EXPIRED)
    if args.final_new_batch < args.init_num_batch:
        return _refuse(state, ARITHMETIC_PANIC)
    if args.final_new_batch - args.init_num_batch > MAX_VERIFY_BATCHES:
        return _refuse(state, EXCEED_MAX_VERIFY_BATCHES)
    verified = _verify_and_reward(state, sender, args, block)
    if isinstance(verified, str):
        return _refuse(state, verified)
    if verified.manager.pending_state_timeout == 0:
        return L1Result(_consolidate_now(verified, args, block), True, None, args.final_new_batch)
    verified = _try_consolidate(verified, args.rollup_id, block)
    rollup = _rollup(verified, args.rollup_id)
    number = rollup.last_pending_state + 1
    pending = PendingState(
        block.timestamp, args.final_new_batch, args.new_local_exit_root, args.new_state_root
    )
    rollup = replace(
        rollup,
        last_pending_state=number,
        pending_state_transitions={**rollup.pending_state_transitions, number: pending},
    )
    return L1Result(
        _with_rollup(verified, args.rollup_id, rollup), True, None, args.final_new_batch
    )


# ---------------------------------------------------------------------------------------------
# Emergency state and timeouts


def activate_emergency_state(state: L1State, sender: Address, block: L1Block) -> L1Result:
    """``activateEmergencyState``: the emergency council at any time; anyone else only when no
    batch was verified for a week (``lastAggregationTimestamp`` set and a week old) and a week
    after the last deactivation (``HaltTimeoutNotExpired``). The bridge enters the emergency state
    too; activating twice is ``OnlyNotEmergencyState``."""
    manager = state.manager
    if sender not in manager.emergency_council and (
        manager.last_aggregation_timestamp == 0
        or manager.last_aggregation_timestamp + HALT_AGGREGATION_TIMEOUT > block.timestamp
        or manager.last_deactivated_emergency_state_timestamp + HALT_AGGREGATION_TIMEOUT
        > block.timestamp
    ):
        return _refuse(state, HALT_TIMEOUT_NOT_EXPIRED)
    if state.bridge.emergency or manager.emergency:
        return _refuse(state, ONLY_NOT_EMERGENCY_STATE)
    return L1Result(
        replace(
            state,
            manager=replace(manager, emergency=True),
            bridge=set_emergency_state(state.bridge, True),
        ),
        True,
    )


def deactivate_emergency_state(state: L1State, sender: Address, block: L1Block) -> L1Result:
    """``deactivateEmergencyState``: ``STOP_EMERGENCY_ROLE`` only; records the time (which starts a
    one-week halt for forced sequencing and for a new permissionless activation) and lifts the
    bridge's emergency state; refused (``OnlyEmergencyState``) outside the emergency state."""
    if sender not in state.manager.stop_emergency:
        return _refuse(state, ADDRESS_DO_NOT_HAVE_REQUIRED_ROLE)
    if not state.bridge.emergency or not state.manager.emergency:
        return _refuse(state, ONLY_EMERGENCY_STATE)
    manager = replace(
        state.manager,
        emergency=False,
        last_deactivated_emergency_state_timestamp=block.timestamp,
    )
    return L1Result(
        replace(state, manager=manager, bridge=set_emergency_state(state.bridge, False)), True
    )


def set_trusted_aggregator_timeout(state: L1State, sender: Address, timeout: int) -> L1Result:
    """``setTrustedAggregatorTimeout``: ``TWEAK_PARAMETERS_ROLE``; outside the emergency state the
    timeout may only decrease (``NewTrustedAggregatorTimeoutMustBeLower``)."""
    if sender not in state.manager.tweak_parameters:
        return _refuse(state, ADDRESS_DO_NOT_HAVE_REQUIRED_ROLE)
    if not state.manager.emergency and timeout >= state.manager.trusted_aggregator_timeout:
        return _refuse(state, NEW_TRUSTED_AGGREGATOR_TIMEOUT_MUST_BE_LOWER)
    return L1Result(
        replace(state, manager=replace(state.manager, trusted_aggregator_timeout=timeout)), True
    )


def set_pending_state_timeout(state: L1State, sender: Address, timeout: int) -> L1Result:
    """``setPendingStateTimeout``: ``TWEAK_PARAMETERS_ROLE``; outside the emergency state the
    timeout may only decrease (``NewPendingStateTimeoutMustBeLower``)."""
    if sender not in state.manager.tweak_parameters:
        return _refuse(state, ADDRESS_DO_NOT_HAVE_REQUIRED_ROLE)
    if not state.manager.emergency and timeout >= state.manager.pending_state_timeout:
        return _refuse(state, NEW_PENDING_STATE_TIMEOUT_MUST_BE_LOWER)
    return L1Result(
        replace(state, manager=replace(state.manager, pending_state_timeout=timeout)), True
    )
