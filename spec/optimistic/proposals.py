"""Output proposals on L1: where the portal finds the output roots it proves withdrawals against.

``specs/protocol/proposals.md`` §L2 Output Root Proposals and the ``L2OutputOracle`` contract
(``src/L1/L2OutputOracle.sol``): a permissioned proposer appends ``(outputRoot, l2BlockNumber,
timestamp)`` to an append-only list, one every ``submissionInterval`` L2 blocks; a challenger may
delete not-yet-finalized proposals from an index onwards; a proposal is final once
``finalizationPeriodSeconds`` have passed since it was made.

The portal reads proposals only through :class:`ProposalSource`, so that the fault dispute game
(``specs/fault-proof/stage-one``) can later stand in for the oracle. Every outcome is a value:
:func:`propose` and :func:`delete_outputs` return a :class:`ProposalResult` whose ``reason`` is the
contract's revert message when refused. Time is always an argument (``now`` is ``block.timestamp``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from l2spec.spec.common.types import ZERO_HASH, Address, Hash32


@dataclass(frozen=True)
class Proposal:
    """One output proposal (``Types.OutputProposal``): the root, the L2 block it commits to, and
    the L1 time it was proposed."""

    output_root: Hash32
    l2_block_number: int
    timestamp: int


class ProposalSource(Protocol):
    """What the portal needs from whatever holds output proposals."""

    def get(self, index: int) -> Proposal | None:
        """The proposal at ``index``, or ``None`` if there is none (never proposed or deleted)."""
        ...

    def is_finalized(self, index: int, now: int) -> bool:
        """Whether the proposal at ``index`` may be relied on at time ``now``."""
        ...


@dataclass(frozen=True)
class OracleConfig:
    """The ``L2OutputOracle``'s parameters (its ``initialize`` arguments)."""

    submission_interval: int
    l2_block_time: int
    starting_block_number: int
    starting_timestamp: int
    proposer: Address
    challenger: Address
    finalization_period_seconds: int


@dataclass(frozen=True)
class OutputOracle:
    """The ``L2OutputOracle``'s state: its configuration and the list ``l2Outputs``."""

    config: OracleConfig
    outputs: tuple[Proposal, ...] = ()

    def get(self, index: int) -> Proposal | None:
        """``getL2Output(index)`` (which reverts past the end: here ``None``)."""
        return self.outputs[index] if 0 <= index < len(self.outputs) else None

    def is_finalized(self, index: int, now: int) -> bool:
        """The portal's ``_isFinalizationPeriodElapsed(proposal.timestamp)``:
        ``now > timestamp + finalizationPeriodSeconds``."""
        proposal = self.get(index)
        return (
            proposal is not None
            and now > proposal.timestamp + self.config.finalization_period_seconds
        )

    @property
    def latest_block_number(self) -> int:
        """``latestBlockNumber()``: the last proposal's L2 block, else the starting block."""
        if not self.outputs:
            return self.config.starting_block_number
        return self.outputs[-1].l2_block_number

    @property
    def next_block_number(self) -> int:
        """``nextBlockNumber()``: the only L2 block number the next proposal may commit to."""
        return self.latest_block_number + self.config.submission_interval

    @property
    def next_output_index(self) -> int:
        """``nextOutputIndex()``."""
        return len(self.outputs)

    def compute_l2_timestamp(self, l2_block_number: int) -> int:
        """``computeL2Timestamp``: the L2 time of a block counted from the starting block."""
        return self.config.starting_timestamp + (
            (l2_block_number - self.config.starting_block_number) * self.config.l2_block_time
        )


@dataclass(frozen=True)
class ProposalResult:
    """The oracle after an action, whether it was accepted, and the revert reason if not."""

    oracle: OutputOracle
    ok: bool
    reason: str | None = None


ONLY_PROPOSER = "L2OutputOracle: only the proposer address can propose new outputs"
WRONG_BLOCK_NUMBER = "L2OutputOracle: block number must be equal to next expected block number"
FUTURE_OUTPUT = "L2OutputOracle: cannot propose L2 output in the future"
ZERO_OUTPUT = "L2OutputOracle: L2 output proposal cannot be the zero hash"
L1_BLOCK_HASH_MISMATCH = "L2OutputOracle: block hash does not match the hash at the expected height"
ONLY_CHALLENGER = "L2OutputOracle: only the challenger address can delete outputs"
DELETE_PAST_END = "L2OutputOracle: cannot delete outputs after the latest output index"
DELETE_FINALIZED = "L2OutputOracle: cannot delete outputs that have already been finalized"


def new_output_oracle(config: OracleConfig) -> OutputOracle:
    """An oracle with no proposals yet."""
    return OutputOracle(config)


def propose(
    oracle: OutputOracle,
    sender: Address,
    output_root: Hash32,
    l2_block_number: int,
    now: int,
    l1_block_hash: Hash32 = ZERO_HASH,
    l1_block_hash_at_height: Hash32 | None = None,
) -> ProposalResult:
    """``proposeL2Output(outputRoot, l2BlockNumber, l1BlockHash, l1BlockNumber)``, its checks in
    the contract's order:

    1. only the proposer;
    2. ``l2BlockNumber == nextBlockNumber()`` (monotone, one per submission interval);
    3. ``computeL2Timestamp(l2BlockNumber) < now`` (no output from the future);
    4. the output root is not zero;
    5. if ``l1BlockHash`` is given, it is ``blockhash(l1BlockNumber)`` — the caller supplies what
       L1's ``blockhash`` returns for that height as ``l1_block_hash_at_height`` (zero if unknown).

    Accepted, the proposal is appended with ``timestamp = now``.
    """
    if sender != oracle.config.proposer:
        return ProposalResult(oracle, False, ONLY_PROPOSER)
    if l2_block_number != oracle.next_block_number:
        return ProposalResult(oracle, False, WRONG_BLOCK_NUMBER)
    if not oracle.compute_l2_timestamp(l2_block_number) < now:
        return ProposalResult(oracle, False, FUTURE_OUTPUT)
    if output_root == ZERO_HASH:
        return ProposalResult(oracle, False, ZERO_OUTPUT)
    if l1_block_hash != ZERO_HASH and l1_block_hash != (l1_block_hash_at_height or ZERO_HASH):
        return ProposalResult(oracle, False, L1_BLOCK_HASH_MISMATCH)
    proposal = Proposal(output_root, l2_block_number, now)
    return ProposalResult(OutputOracle(oracle.config, (*oracle.outputs, proposal)), True)


def delete_outputs(oracle: OutputOracle, sender: Address, index: int, now: int) -> ProposalResult:
    """``deleteL2Outputs(index)``: the challenger cuts the list back to ``index`` proposals.

    Checks in order: only the challenger; ``index < len(l2Outputs)``; the proposal at ``index`` is
    not finalized (``now - timestamp < finalizationPeriodSeconds``; note the contract's bound
    differs by one second from the portal's ``>`` finality test, and is kept as written).
    """
    if sender != oracle.config.challenger:
        return ProposalResult(oracle, False, ONLY_CHALLENGER)
    if not 0 <= index < len(oracle.outputs):
        return ProposalResult(oracle, False, DELETE_PAST_END)
    if not now - oracle.outputs[index].timestamp < oracle.config.finalization_period_seconds:
        return ProposalResult(oracle, False, DELETE_FINALIZED)
    return ProposalResult(OutputOracle(oracle.config, oracle.outputs[:index]), True)
