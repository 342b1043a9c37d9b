"""The OptimismPortal's withdrawal rules, as a pure state machine.

``specs/protocol/withdrawals.md`` §Withdrawal Verification and Finalization and
``specs/fault-proof/stage-one/optimism-portal.md``; the contracts ``src/L1/OptimismPortal.sol``
(``proveWithdrawalTransaction``, ``finalizeWithdrawalTransaction``) and ``OptimismPortal2.sol``
(``PROOF_MATURITY_DELAY_SECONDS``). A withdrawal leaves L2 in two L1 steps:

1. **prove**: show that an output root the portal trusts commits to a message passer storage root
   in which ``sentMessages[withdrawal_hash]`` is 1. The portal records who proved it, when, and
   against which proposal.
2. **finalize**: after the proof has matured and the proposal is final, release the withdrawal
   (send ``value`` ETH with ``data`` to ``target``) exactly once.

Checks come in the contracts' order and each refusal's ``reason`` is the contract's revert message.
Proposals are read through :class:`~l2spec.spec.optimistic.proposals.ProposalSource`. The record is
keyed by withdrawal hash as in ``OptimismPortal`` (OptimismPortal2 keys it by hash *and* prover; the
re-proving rule below is OptimismPortal's). The maturity of a proof is ``PortalConfig
.proof_maturity_delay`` (OptimismPortal2's ``PROOF_MATURITY_DELAY_SECONDS``; OptimismPortal uses the
oracle's finalization period there). ``OptimismPortal``'s sanity check "proven timestamp >= the
oracle's starting timestamp" is not modelled (it cannot fail for proofs made through this model).

No EVM runs on L1 in this model: the call to ``target`` succeeds unless ``target_call_succeeds`` is
false or the portal holds less ETH than ``value``. As in the contract, a failed call does **not**
undo finalization (the withdrawal is spent; ``WithdrawalFinalized(hash, false)``), so "enough ETH"
is an outcome of finalization, not a refusal.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from l2spec.errors import L2SpecError
from l2spec.spec.common.types import Address, Hash32
from l2spec.spec.optimistic.outputs import OutputRootProof, output_root
from l2spec.spec.optimistic.proposals import ProposalSource
from l2spec.spec.optimistic.withdrawals import (
    Withdrawal,
    WithdrawalProof,
    verify_withdrawal_proof,
    withdrawal_hash,
)

# Revert messages of OptimismPortal / OptimismPortal2 (v0.17.3), in the order checked.
PAUSED = "CallPaused()"  # custom error of whenNotPaused
BAD_TARGET = "OptimismPortal: you cannot send messages to the portal contract"
NO_PROPOSAL = "L2OutputOracle: no output at this index"  # ours: the contract panics (array index)
INVALID_OUTPUT_ROOT_PROOF = "OptimismPortal: invalid output root proof"
ALREADY_PROVEN = "OptimismPortal: withdrawal hash has already been proven"
INVALID_INCLUSION_PROOF = "OptimismPortal: invalid withdrawal inclusion proof"
NOT_PROVEN = "OptimismPortal: withdrawal has not been proven yet"
NOT_MATURED = "OptimismPortal: proven withdrawal has not matured yet"
OUTPUT_ROOT_CHANGED = "OptimismPortal: output root proven is not the same as current output root"
PROPOSAL_NOT_FINALIZED = "OptimismPortal: output proposal finalization period has not elapsed"
ALREADY_FINALIZED = "OptimismPortal: withdrawal has already been finalized"


class PortalError(L2SpecError):
    """The portal model was misused (not a refusal: refusals are :class:`PortalResult` values)."""


@dataclass(frozen=True)
class PortalConfig:
    """The portal's address (a withdrawal may not target it) and its proof maturity delay."""

    address: Address
    proof_maturity_delay: int


@dataclass(frozen=True)
class ProvenWithdrawal:
    """What the portal records when a withdrawal is proven (``ProvenWithdrawal``, plus the prover
    that OptimismPortal2 keeps)."""

    output_root: Hash32
    proposal_index: int
    timestamp: int
    prover: Address


@dataclass(frozen=True)
class PortalState:
    """The portal's withdrawal state: proven and finalized withdrawals and the ETH it holds."""

    config: PortalConfig
    proven: dict[Hash32, ProvenWithdrawal] = field(default_factory=dict)
    finalized: frozenset[Hash32] = frozenset()
    eth_balance: int = 0
    paused: bool = False

    def __hash__(self) -> int:  # ``proven`` is never mutated: each action builds a new dict
        proven = tuple(sorted(self.proven.items()))
        return hash((self.config, proven, self.finalized, self.eth_balance, self.paused))


@dataclass(frozen=True)
class PortalResult:
    """The portal after an action; ``ok`` and the revert ``reason`` if refused.

    For an accepted finalization, ``call_success`` says whether the call to the target (and the
    ETH transfer) went through."""

    state: PortalState
    ok: bool
    reason: str | None = None
    withdrawal_hash: Hash32 | None = None
    call_success: bool | None = None


def new_portal(config: PortalConfig) -> PortalState:
    """A portal holding no ETH and knowing no withdrawals."""
    return PortalState(config)


def deposit_eth(state: PortalState, value: int) -> PortalState:
    """ETH sent along a deposit (``depositTransaction`` with ``msg.value``) stays in the portal,
    backing the ETH minted on L2 (``specs/protocol/deposits.md``)."""
    if value < 0:
        raise PortalError("a deposit cannot carry negative ETH")
    return replace(state, eth_balance=state.eth_balance + value)


def set_paused(state: PortalState, paused: bool) -> PortalState:
    """The guardian's pause (``SuperchainConfig``): while paused, prove and finalize refuse."""
    return replace(state, paused=paused)


def prove_withdrawal(
    state: PortalState,
    proposals: ProposalSource,
    withdrawal: Withdrawal,
    proposal_index: int,
    output_root_proof: OutputRootProof,
    withdrawal_proof: WithdrawalProof,
    now: int,
    prover: Address | None = None,
) -> PortalResult:
    """``proveWithdrawalTransaction``; checks in order:

    1. ``whenNotPaused``;
    2. the target is not the portal itself;
    3. there is a proposal at ``proposal_index`` (``getL2Output`` reverts otherwise);
    4. ``hashOutputRootProof(output_root_proof)`` is that proposal's output root;
    5. re-proving: allowed only if never proven, or if the proposal the earlier proof used now
       holds a different output root (it was deleted and re-proposed; if nothing is there now the
       contract's ``getL2Output`` reverts, so it is refused);
    6. the storage proof shows ``sentMessages[hash] == 1`` under the proof's message passer
       storage root.

    Accepted, the withdrawal is recorded as proven at ``now`` by ``prover`` (default: the sender).
    """
    w_hash = withdrawal_hash(withdrawal)

    def refuse(reason: str) -> PortalResult:
        return PortalResult(state, False, reason, w_hash)

    if state.paused:
        return refuse(PAUSED)
    if withdrawal.target == state.config.address:
        return refuse(BAD_TARGET)
    proposal = proposals.get(proposal_index)
    if proposal is None:
        return refuse(NO_PROPOSAL)
    if proposal.output_root != output_root(output_root_proof):
        return refuse(INVALID_OUTPUT_ROOT_PROOF)
    earlier = state.proven.get(w_hash)
    if earlier is not None:
        earlier_proposal = proposals.get(earlier.proposal_index)
        if earlier_proposal is None:
            return refuse(NO_PROPOSAL)
        if earlier_proposal.output_root == earlier.output_root:
            return refuse(ALREADY_PROVEN)
    if not verify_withdrawal_proof(
        output_root_proof.message_passer_storage_root, w_hash, withdrawal_proof
    ):
        return refuse(INVALID_INCLUSION_PROOF)
    record = ProvenWithdrawal(
        output_root=proposal.output_root,
        proposal_index=proposal_index,
        timestamp=now,
        prover=prover if prover is not None else withdrawal.sender,
    )
    proven = {**state.proven, w_hash: record}
    return PortalResult(replace(state, proven=proven), True, None, w_hash)


def finalize_withdrawal(
    state: PortalState,
    proposals: ProposalSource,
    withdrawal: Withdrawal,
    now: int,
    target_call_succeeds: bool = True,
) -> PortalResult:
    """``finalizeWithdrawalTransaction``; checks in order:

    1. ``whenNotPaused``;
    2. the withdrawal has been proven;
    3. the proof has matured: ``now - proven.timestamp > proof_maturity_delay``;
    4. the proposal it was proven against still exists and still holds the proven output root;
    5. that proposal is finalized (``ProposalSource.is_finalized``);
    6. the withdrawal has not been finalized already (replay protection).

    Accepted, the withdrawal is marked finalized, then ``value`` ETH is sent to the target: the call
    succeeds iff ``target_call_succeeds`` and the portal holds at least ``value``; only a successful
    call moves the ETH out. A failed call still leaves the withdrawal finalized.
    """
    w_hash = withdrawal_hash(withdrawal)

    def refuse(reason: str) -> PortalResult:
        return PortalResult(state, False, reason, w_hash)

    if state.paused:
        return refuse(PAUSED)
    proven = state.proven.get(w_hash)
    if proven is None:
        return refuse(NOT_PROVEN)
    if not now - proven.timestamp > state.config.proof_maturity_delay:
        return refuse(NOT_MATURED)
    proposal = proposals.get(proven.proposal_index)
    if proposal is None:
        return refuse(NO_PROPOSAL)
    if proposal.output_root != proven.output_root:
        return refuse(OUTPUT_ROOT_CHANGED)
    if not proposals.is_finalized(proven.proposal_index, now):
        return refuse(PROPOSAL_NOT_FINALIZED)
    if w_hash in state.finalized:
        return refuse(ALREADY_FINALIZED)
    success = target_call_succeeds and state.eth_balance >= withdrawal.value
    after = replace(
        state,
        finalized=state.finalized | {w_hash},
        eth_balance=state.eth_balance - withdrawal.value if success else state.eth_balance,
    )
    return PortalResult(after, True, None, w_hash, success)
