"""The output oracle (proposals) and the portal's prove/finalize rules.

Each refusal is checked with the revert message of the real contracts (L2OutputOracle.sol,
OptimismPortal.sol/OptimismPortal2.sol in @eth-optimism/contracts-bedrock v0.17.3); the message
passer storage is built with the ``trie`` package (the real message passer is exercised in
test_withdrawals.py).
"""

from __future__ import annotations

from dataclasses import replace

from trie.hexary import HexaryTrie

from l2spec.spec.common import rlp
from l2spec.spec.common.keccak import keccak256
from l2spec.spec.common.types import ZERO_HASH, Hash32, address, hash32, uint256_to_bytes
from l2spec.spec.optimistic import portal, proposals
from l2spec.spec.optimistic.outputs import output_root, output_root_proof_v0
from l2spec.spec.optimistic.portal import (
    PortalConfig,
    PortalState,
    deposit_eth,
    finalize_withdrawal,
    new_portal,
    prove_withdrawal,
    set_paused,
)
from l2spec.spec.optimistic.proposals import (
    OracleConfig,
    OutputOracle,
    delete_outputs,
    new_output_oracle,
    propose,
)
from l2spec.spec.optimistic.withdrawals import (
    Withdrawal,
    WithdrawalProof,
    encode_versioned_nonce,
    sent_messages_slot,
    withdrawal_hash,
)
from l2spec.spec.optimistic.withdrawals import (
    prove_withdrawal as make_withdrawal_proof,
)

PORTAL = address("0x" + "0b" * 20)
PROPOSER = address("0x" + "0c" * 20)
CHALLENGER = address("0x" + "0d" * 20)
ALICE = address("0x" + "a1" * 20)
MATURITY = 100
FINALIZATION = 500

ORACLE_CONFIG = OracleConfig(
    submission_interval=10,
    l2_block_time=2,
    starting_block_number=0,
    starting_timestamp=1_000,
    proposer=PROPOSER,
    challenger=CHALLENGER,
    finalization_period_seconds=FINALIZATION,
)

W = Withdrawal(
    nonce=encode_versioned_nonce(0, 1),
    sender=ALICE,
    target=address("0x" + "7a" * 20),
    value=5,
    gas_limit=100_000,
    data=b"hello",
)
OTHER = replace(W, nonce=encode_versioned_nonce(1, 1))  # never initiated on L2


def _message_passer_storage(
    withdrawals: list[Withdrawal],
) -> tuple[dict[bytes, bytes], Hash32]:
    db: dict[bytes, bytes] = {}
    t = HexaryTrie(db)
    for w in withdrawals:
        t[keccak256(uint256_to_bytes(sent_messages_slot(withdrawal_hash(w))))] = rlp.encode(1)
    t[keccak256(uint256_to_bytes(1))] = rlp.encode(len(withdrawals))  # msgNonce
    return db, Hash32(t.root_hash)


DB, STORAGE_ROOT = _message_passer_storage([W, replace(W, value=6)])
OUTPUT = output_root_proof_v0(hash32(b"\x51" * 32), STORAGE_ROOT, hash32(b"\x52" * 32))
PROOF = make_withdrawal_proof(DB, STORAGE_ROOT, withdrawal_hash(W))


ROOT = output_root(OUTPUT)


def _oracle_with_output(root: Hash32 = ROOT, now: int = 2_000) -> OutputOracle:
    result = propose(new_output_oracle(ORACLE_CONFIG), PROPOSER, root, 10, now)
    assert result.ok, result.reason
    return result.oracle


def _portal(eth: int = 10) -> PortalState:
    return deposit_eth(new_portal(PortalConfig(PORTAL, MATURITY)), eth)


# --- proposals ------------------------------------------------------------------------------


def test_propose_rules() -> None:
    oracle = new_output_oracle(ORACLE_CONFIG)
    root = output_root(OUTPUT)
    assert oracle.next_block_number == 10
    assert propose(oracle, ALICE, root, 10, 2_000).reason == proposals.ONLY_PROPOSER
    assert propose(oracle, PROPOSER, root, 20, 2_000).reason == proposals.WRONG_BLOCK_NUMBER
    # block 10 has L2 time 1000 + 10 * 2 = 1020; it must be strictly in the past
    assert propose(oracle, PROPOSER, root, 10, 1_020).reason == proposals.FUTURE_OUTPUT
    assert propose(oracle, PROPOSER, root, 10, 1_021).ok
    assert propose(oracle, PROPOSER, ZERO_HASH, 10, 2_000).reason == proposals.ZERO_OUTPUT
    l1_hash = hash32(b"\x99" * 32)
    refused = propose(oracle, PROPOSER, root, 10, 2_000, l1_hash, hash32(b"\x98" * 32))
    assert refused.reason == proposals.L1_BLOCK_HASH_MISMATCH
    assert propose(oracle, PROPOSER, root, 10, 2_000, l1_hash, l1_hash).ok
    accepted = propose(oracle, PROPOSER, root, 10, 2_000)
    assert accepted.ok and accepted.oracle.get(0) == proposals.Proposal(root, 10, 2_000)
    assert accepted.oracle.next_block_number == 20 and accepted.oracle.next_output_index == 1
    # refused actions leave the oracle as it was
    assert propose(oracle, ALICE, root, 10, 2_000).oracle is oracle


def test_finality_and_deletion() -> None:
    oracle = _oracle_with_output()
    assert not oracle.is_finalized(0, 2_000 + FINALIZATION)
    assert oracle.is_finalized(0, 2_000 + FINALIZATION + 1)
    assert not oracle.is_finalized(1, 10**9)
    assert delete_outputs(oracle, ALICE, 0, 2_100).reason == proposals.ONLY_CHALLENGER
    assert delete_outputs(oracle, CHALLENGER, 1, 2_100).reason == proposals.DELETE_PAST_END
    late = delete_outputs(oracle, CHALLENGER, 0, 2_000 + FINALIZATION)
    assert late.reason == proposals.DELETE_FINALIZED
    deleted = delete_outputs(oracle, CHALLENGER, 0, 2_000 + FINALIZATION - 1)
    assert deleted.ok and deleted.oracle.get(0) is None and deleted.oracle.next_block_number == 10


# --- portal: the happy path and its timing ---------------------------------------------------


def test_refused_before_the_delay_finalized_after_refused_again() -> None:
    oracle = _oracle_with_output(now=2_000)
    proven = prove_withdrawal(_portal(), oracle, W, 0, OUTPUT, PROOF, now=2_000)
    assert proven.ok and proven.withdrawal_hash == withdrawal_hash(W)
    record = proven.state.proven[withdrawal_hash(W)]
    assert (record.output_root, record.proposal_index, record.timestamp, record.prover) == (
        output_root(OUTPUT),
        0,
        2_000,
        ALICE,
    )
    state = proven.state
    # the proof matures strictly after MATURITY seconds
    assert finalize_withdrawal(state, oracle, W, 2_000 + MATURITY).reason == portal.NOT_MATURED
    # matured, but the proposal is final only after FINALIZATION seconds
    early = finalize_withdrawal(state, oracle, W, 2_000 + MATURITY + 1)
    assert early.reason == portal.PROPOSAL_NOT_FINALIZED and early.state is state
    done = finalize_withdrawal(state, oracle, W, 2_000 + FINALIZATION + 1)
    assert done.ok and done.call_success
    assert done.state.eth_balance == 10 - W.value
    assert withdrawal_hash(W) in done.state.finalized
    again = finalize_withdrawal(done.state, oracle, W, 2_000 + FINALIZATION + 2)
    assert again.reason == portal.ALREADY_FINALIZED
    assert again.state.eth_balance == 10 - W.value


# --- portal: every refusal of prove ---------------------------------------------------------


def test_prove_refusals() -> None:
    oracle = _oracle_with_output()
    state = _portal()
    paused = prove_withdrawal(set_paused(state, True), oracle, W, 0, OUTPUT, PROOF, 2_000)
    assert paused.reason == portal.PAUSED
    to_portal = replace(W, target=PORTAL)
    assert (
        prove_withdrawal(state, oracle, to_portal, 0, OUTPUT, PROOF, 2_000).reason
        == portal.BAD_TARGET
    )
    assert prove_withdrawal(state, oracle, W, 1, OUTPUT, PROOF, 2_000).reason == portal.NO_PROPOSAL
    wrong_output = replace(OUTPUT, state_root=hash32(b"\x00" * 31 + b"\x01"))
    assert (
        prove_withdrawal(state, oracle, W, 0, wrong_output, PROOF, 2_000).reason
        == portal.INVALID_OUTPUT_ROOT_PROOF
    )
    # a withdrawal that was never sent on L2: its slot is absent from the storage trie
    other_proof = make_withdrawal_proof(DB, STORAGE_ROOT, withdrawal_hash(OTHER))
    assert (
        prove_withdrawal(state, oracle, OTHER, 0, OUTPUT, other_proof, 2_000).reason
        == portal.INVALID_INCLUSION_PROOF
    )
    # W's proof offered for OTHER, and a tampered or empty proof for W
    for bad_w, bad_proof in [
        (OTHER, PROOF),
        (W, WithdrawalProof(PROOF.nodes[:-1])),
        (W, WithdrawalProof(())),
        (W, WithdrawalProof((*PROOF.nodes[:-1], PROOF.nodes[-1][:-1] + b"\x02"))),
    ]:
        refused = prove_withdrawal(state, oracle, bad_w, 0, OUTPUT, bad_proof, 2_000)
        assert refused.reason == portal.INVALID_INCLUSION_PROOF and refused.state is state
    proven = prove_withdrawal(state, oracle, W, 0, OUTPUT, PROOF, 2_000)
    assert proven.ok
    again = prove_withdrawal(proven.state, oracle, W, 0, OUTPUT, PROOF, 2_050)
    assert again.reason == portal.ALREADY_PROVEN
    assert again.state.proven[withdrawal_hash(W)].timestamp == 2_000  # no griefing by re-proving


def test_reprove_after_the_output_was_replaced() -> None:
    oracle = _oracle_with_output(now=2_000)
    proven = prove_withdrawal(_portal(), oracle, W, 0, OUTPUT, PROOF, 2_000).state
    # the challenger deletes the output; nothing at index 0: both prove and finalize refuse
    deleted = delete_outputs(oracle, CHALLENGER, 0, 2_100).oracle
    assert (
        prove_withdrawal(proven, deleted, W, 0, OUTPUT, PROOF, 2_200).reason == portal.NO_PROPOSAL
    )
    assert finalize_withdrawal(proven, deleted, W, 3_000).reason == portal.NO_PROPOSAL
    # a different output is proposed at index 0 (another block hash in the same state)
    output2 = replace(OUTPUT, latest_block_hash=hash32(b"\x53" * 32))
    replaced = propose(deleted, PROPOSER, output_root(output2), 10, 2_200).oracle
    assert finalize_withdrawal(proven, replaced, W, 3_000).reason == portal.OUTPUT_ROOT_CHANGED
    reproven = prove_withdrawal(proven, replaced, W, 0, output2, PROOF, 2_300)
    assert reproven.ok
    assert reproven.state.proven[withdrawal_hash(W)].output_root == output_root(output2)
    assert reproven.state.proven[withdrawal_hash(W)].timestamp == 2_300
    # the clock restarted: finality of the new proposal (2200 + 500) and maturity (2300 + 100)
    assert (
        finalize_withdrawal(reproven.state, replaced, W, 2_700).reason
        == portal.PROPOSAL_NOT_FINALIZED
    )
    assert finalize_withdrawal(reproven.state, replaced, W, 2_701).ok


# --- portal: every refusal of finalize, and the ETH outcome ---------------------------------


def test_finalize_refusals_and_eth() -> None:
    oracle = _oracle_with_output(now=2_000)
    state = prove_withdrawal(_portal(), oracle, W, 0, OUTPUT, PROOF, 2_000).state
    late = 2_000 + FINALIZATION + 1
    assert finalize_withdrawal(_portal(), oracle, W, late).reason == portal.NOT_PROVEN
    assert finalize_withdrawal(state, oracle, OTHER, late).reason == portal.NOT_PROVEN
    paused = finalize_withdrawal(set_paused(state, True), oracle, W, late)
    assert paused.reason == portal.PAUSED
    # the portal holds less ETH than the withdrawal: the call fails, the withdrawal is spent
    poor = replace(state, eth_balance=W.value - 1)
    spent = finalize_withdrawal(poor, oracle, W, late)
    assert spent.ok and spent.call_success is False
    assert spent.state.eth_balance == W.value - 1
    assert finalize_withdrawal(spent.state, oracle, W, late + 1).reason == portal.ALREADY_FINALIZED
    # the target reverts: same outcome, no ETH leaves
    reverted = finalize_withdrawal(state, oracle, W, late, target_call_succeeds=False)
    assert reverted.ok and reverted.call_success is False and reverted.state.eth_balance == 10
    # proven by someone else than the sender: recorded as such
    by_bob = prove_withdrawal(_portal(), oracle, W, 0, OUTPUT, PROOF, 2_000, prover=PROPOSER)
    assert by_bob.state.proven[withdrawal_hash(W)].prover == PROPOSER


def test_deposits_accumulate() -> None:
    state = deposit_eth(deposit_eth(new_portal(PortalConfig(PORTAL, MATURITY)), 3), 4)
    assert state.eth_balance == 7
