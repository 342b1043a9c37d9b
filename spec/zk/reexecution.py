"""The spec's default re-executor: the reference verifier of a batch proof.

On L1, ``PolygonRollupManager._verifyAndRewardBatches`` (zkevm-contracts ``v4.0.0-fork.7``) accepts
a verification only if ``rollupVerifier.verifyProof(proof, [inputSnark])`` holds: the fflonk proof
(wrapping the eSTARK of the zkEVM ROM's execution) attests that running the sequenced batches
from ``oldStateRoot`` yields ``newStateRoot`` and ``newLocalExitRoot``. In this issue (2/6) the
reference verifier is **re-execution by the spec**: :func:`~l2spec.spec.zk.rollup.verify_batch_proof`
checks that the proof is about exactly the sequenced batches (their accInputHash chain) and asks a
re-executor for the two roots; :func:`spec_reexecutor` is that re-executor, built on
:func:`~l2spec.spec.zk.executor.execute_batch`. The STARK arrives later and plugs in at the same
place with the same public inputs (:func:`~l2spec.spec.zk.rollup.publics_snark_input`).

What the prover hands over besides the batches is a :class:`ReexecutionWitness`: the whole
pre-state as an account set (in place of the executor input's ``db`` of SMT nodes and its
``contractsBytecode``), and for each batch the L1 info leaves its changeL2Blocks reference, each
with its Merkle proof against the batch's ``l1InfoRoot`` (the executor input's ``l1InfoTree``
field). Nothing in the witness is trusted: the pre-state must hash to ``oldStateRoot`` and every
L1 info leaf must verify against the ``l1InfoRoot`` the batch was sequenced with, or the claim is
not accepted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from l2spec.errors import ConfigError
from l2spec.spec.common.types import Address, Hash32
from l2spec.spec.zk.executor import BatchContext, L1InfoLeaf, execute_batch
from l2spec.spec.zk.exit_roots import merkle_proof
from l2spec.spec.zk.goldilocks import h4_to_bytes32
from l2spec.spec.zk.rollup import ReexecutionRequest
from l2spec.spec.zk.smt import ZkAccount, state_root
from l2spec.spec.zk.system_contracts import local_exit_root


@dataclass(frozen=True)
class ReexecutionWitness:
    """What the re-executor needs besides the batches (the executor inputs minus the batches).

    ``accounts`` is the state at ``oldStateRoot`` (address → account). ``l1_info`` has one entry
    per batch, in order: the L1 info leaves (index → leaf with its proof against that batch's
    ``l1InfoRoot``) the batch's changeL2Blocks import; an empty tuple means no batch imports
    any."""

    accounts: Mapping[Address, ZkAccount]
    l1_info: tuple[Mapping[int, L1InfoLeaf], ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "accounts", MappingProxyType(dict(self.accounts)))
        object.__setattr__(
            self, "l1_info", tuple(MappingProxyType(dict(leaves)) for leaves in self.l1_info)
        )


@dataclass(frozen=True)
class L1InfoData:
    """The data of one L1 info leaf as ``PolygonZkEVMGlobalExitRootV2.updateExitRoot`` emitted it
    (``UpdateL1InfoTree``): the global exit root, ``blockhash(block.number - 1)`` and the block
    timestamp. Its leaf is :func:`~l2spec.spec.zk.exit_roots.l1_info_leaf` of the three."""

    global_exit_root: Hash32
    block_hash: Hash32
    timestamp: int


def l1_info_for_batch(
    leaves: Sequence[Hash32], data: Mapping[int, L1InfoData], indices: Sequence[int] = ()
) -> Mapping[int, L1InfoLeaf]:
    """The executor-input ``l1InfoTree`` of one batch: for each index the batch references, the
    leaf data and its proof against the root of ``leaves`` (the L1 info tree as it stood when the
    batch was sequenced; zkevm-commonjs ``src/mt-bridge.js`` ``getProofTreeByIndex``). ``indices``
    defaults to every index of ``data``."""
    wanted = tuple(indices) or tuple(sorted(data))
    out: dict[int, L1InfoLeaf] = {}
    for index in wanted:
        item = data[index]
        out[index] = L1InfoLeaf(
            item.global_exit_root, item.block_hash, item.timestamp, merkle_proof(leaves, index)
        )
    return MappingProxyType(out)


@dataclass(frozen=True)
class ReexecutionTrace:
    """The outcome of re-executing a request: the roots after each batch (``None`` where the
    witness was refused, with the reason)."""

    state_roots: tuple[Hash32, ...] = ()
    local_exit_roots: tuple[Hash32, ...] = ()
    accounts: Mapping[Address, ZkAccount] = field(default_factory=dict)
    refused: str | None = None


def reexecute(request: ReexecutionRequest) -> ReexecutionTrace:
    """Run the request's batches one after the other from the witness's pre-state
    (``execute_batch`` per batch, the account set threaded through), each with the context the
    batch was sequenced with (``SequencedBatchInput``: ``l1InfoRoot``, ``timestampLimit``, the
    sequencer as coinbase, ``forcedBlockHashL1``) and the rollup's chain id and fork id.

    Refuses (``refused`` set, no roots) when the witness is not a :class:`ReexecutionWitness`,
    when its accounts do not hash to ``old_state_root``, when it has L1 info for a different
    number of batches, or when an L1 info leaf does not verify against its batch's
    ``l1InfoRoot`` (the ROM's assert: no proof exists for that input). An *invalid batch* is not a
    refusal: the ROM proves it as a no-op, and so the state goes on unchanged."""
    witness = request.witness
    if not isinstance(witness, ReexecutionWitness):
        return ReexecutionTrace(refused="the witness is not a ReexecutionWitness")
    accounts: Mapping[Address, ZkAccount] = witness.accounts
    if h4_to_bytes32(state_root(accounts)) != bytes(request.old_state_root):
        return ReexecutionTrace(refused="the witness's accounts do not hash to oldStateRoot")
    if witness.l1_info and len(witness.l1_info) != len(request.batches):
        return ReexecutionTrace(
            refused=f"L1 info for {len(witness.l1_info)} batches, {len(request.batches)} given"
        )
    roots: list[Hash32] = []
    exits: list[Hash32] = []
    for i, batch in enumerate(request.batches):
        context = BatchContext(
            chain_id=request.chain_id,
            fork_id=request.fork_id,
            sequencer=batch.sequencer,
            timestamp_limit=batch.timestamp_limit,
            l1_info_root=batch.l1_info_root,
            forced_block_hash_l1=batch.forced_block_hash_l1,
            l1_info=witness.l1_info[i] if witness.l1_info else MappingProxyType({}),
        )
        try:
            result = execute_batch(accounts, batch.transactions, context)
        except ConfigError as exc:
            return ReexecutionTrace(refused=f"batch {request.init_num_batch + i + 1}: {exc}")
        accounts = result.accounts
        roots.append(Hash32(h4_to_bytes32(result.new_state_root)))
        exits.append(result.new_local_exit_root)
    return ReexecutionTrace(tuple(roots), tuple(exits), accounts)


def spec_reexecutor(request: ReexecutionRequest) -> tuple[Hash32, Hash32] | None:
    """The spec's default :data:`~l2spec.spec.zk.rollup.Reexecutor`: ``(newStateRoot,
    newLocalExitRoot)`` after the last batch of the request (:func:`reexecute`), or ``None`` when
    the witness is refused. This is the reference verifier of issue 2/6 — the batches are
    re-executed by the spec instead of checking a STARK/fflonk proof, which arrives later.

    With no batches the roots are the old state root and the local exit root read from the
    pre-state (slot 1 of the L2 global exit root manager), as the ROM would leave them."""
    trace = reexecute(request)
    if trace.refused is not None:
        return None
    if not trace.state_roots:
        witness = request.witness
        assert isinstance(witness, ReexecutionWitness)  # checked by reexecute
        return request.old_state_root, local_exit_root(witness.accounts)
    return trace.state_roots[-1], trace.local_exit_roots[-1]
