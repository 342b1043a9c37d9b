"""`l2spec demo zk`: the Polygon zkEVM story runs on the spec and every step is as expected.

Expected values are the protocol's rules, not the demo's output: the verified state root must be
the SMT root of the L2 state the executor produced; the L1 bridge pays exactly the exit amount and
keeps the rest of the deposit; a second claim is ``AlreadyClaimed`` and a forged one
``InvalidSmtProof`` (zkevm-contracts ``PolygonZkEVMBridgeV2`` custom errors); a wrong state root is
``InvalidProof`` (``PolygonRollupManager``). The hand-assembled L2 contracts are checked by running
them on the executor (py-evm) against the rule they implement
(``PolygonZkEVMGlobalExitRootL2.updateExitRoot``: only the bridge sets ``lastRollupExitRoot``,
slot 1, which the ROM reads as ``newLocalExitRoot``).
"""

from __future__ import annotations

import json
import re
from types import MappingProxyType

import pytest

from l2spec.cli import main
from l2spec.demos import zk as Z
from l2spec.spec.common.keccak import keccak256
from l2spec.spec.common.types import ZERO_HASH, Address, to_hex
from l2spec.spec.zk import bridge as B
from l2spec.spec.zk import rollup as R
from l2spec.spec.zk import system_contracts as S
from l2spec.spec.zk.executor import BatchContext, BatchResult, execute_batch
from l2spec.spec.zk.goldilocks import h4_to_bytes32
from l2spec.spec.zk.smt import ZkAccount, state_root
from l2spec.spec.zk.tx_encoding import BatchTx, ChangeL2Block, encode_batch_l2_data, sign_l2_tx


def test_demo_json_reports_every_step_as_expected(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "zk", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["model"] == "zk"
    assert report["success"] is True
    assert report["steps"] and all(step["as_expected"] for step in report["steps"])
    facts = report["facts"]
    assert facts["chain_id"] == 1101
    assert facts["verified_batch"] == 5
    assert facts["verified_state_root"] == facts["executor_state_root"]
    assert facts["l1_payout"] == facts["exit_amount"] > 0
    assert facts["double_claim"] == B.ALREADY_CLAIMED == "AlreadyClaimed"
    assert facts["forged_exit"] == B.INVALID_SMT_PROOF == "InvalidSmtProof"
    assert facts["forged_proof"] == "InvalidSmtProof"
    assert facts["counter"] == 2
    # three L1 info leaves: batch 1's rollup exit root, alice's deposit, batch 5's exit
    assert facts["l1_info_leaves"] == 3
    # the refusals are steps expected to be refused, named by the contracts' errors
    refused = [s["outcome"] for s in report["steps"] if not s["expected_ok"]]
    assert refused == [
        f"refused: {R.INVALID_PROOF}",
        "refused: AlreadyClaimed",
        "refused: InvalidSmtProof",
        "refused: InvalidSmtProof",
    ]


def test_demo_story_against_the_rules() -> None:
    deposit, payment, exit_amount = 2 * Z.ETHER, Z.ETHER // 5, Z.ETHER // 2
    story = Z.run_zk_demo(deposit=deposit, payment=payment, exit_amount=exit_amount)
    assert story.success
    assert story.l1 is not None
    rollup = story.l1.manager.rollups[0]
    # the verified state root is the SMT root of the L2 state the executor computed
    root = h4_to_bytes32(state_root(story.l2_accounts))
    assert rollup.last_verified_batch == 5
    assert rollup.batch_num_to_state_root[5] == root
    assert story.facts["verified_state_root"] == to_hex(root)
    # the verified local exit root is what the L2 GER manager's slot 1 holds
    assert rollup.last_local_exit_root == S.local_exit_root(story.l2_accounts) != ZERO_HASH
    # L1: the bridge paid exactly the exit and keeps the rest of the deposit
    assert story.facts["l1_payout"] == exit_amount
    assert story.l1.bridge.eth_balance == deposit - exit_amount
    # L2: bob got the payment; alice paid deposit − payment − exit − gas (gas > 0, small)
    accounts = story.l2_accounts
    assert accounts[Z.BOB].balance == payment
    spent_on_gas = deposit - payment - exit_amount - accounts[Z.ALICE].balance
    assert 0 < spent_on_gas < 10**15
    assert accounts[Z.ALICE].nonce == 4
    # the bridge account's L2 ETH = premint − claim + exit (its transactions cost no gas)
    assert accounts[Z.L2_BRIDGE].balance == Z.L2_BRIDGE_PREMINT - deposit + exit_amount


def test_demo_refuses_amounts_alice_cannot_afford() -> None:
    with pytest.raises(Z.DemoError, match="could not build"):
        Z.run_zk_demo(deposit=Z.ETHER, exit_amount=2 * Z.ETHER)


def test_demo_help_exits_zero() -> None:
    with pytest.raises(SystemExit) as exc:
        main(["demo", "zk", "--help"])
    assert exc.value.code == 0


def test_demo_op_choice_still_listed(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["demo", "--help"])
    assert re.search(r"\{op,zk\}", capsys.readouterr().out)


# --- the hand-assembled contracts, run on the executor -----------------------------------------

ALICE_FUNDS = 10 * Z.ETHER


def _run(items: list[BatchTx]) -> BatchResult:
    genesis = dict(Z.l2_genesis())
    genesis[Z.ALICE] = ZkAccount(balance=ALICE_FUNDS)
    context = BatchContext(
        chain_id=Z.CHAIN_ID,
        fork_id=Z.FORK_ID,
        sequencer=Z.SEQUENCER,
        timestamp_limit=10**9,
        l1_info_root=ZERO_HASH,
    )
    data = encode_batch_l2_data([ChangeL2Block(100, 0), *items])
    result = execute_batch(MappingProxyType(genesis), data, context)
    assert result.invalid_reason is None
    return result


def _call(key: bytes, nonce: int, to: Address, data: bytes) -> BatchTx:
    return sign_l2_tx(
        key, nonce=nonce, gas_price=0, gas_limit=100_000, to=to, value=0, data=data, chain_id=1101
    )


def test_listings_document_their_offsets() -> None:
    for listing in (Z._GER_MANAGER_LISTING, Z._COUNTER_LISTING):
        offset = 0
        for code, comment in listing:
            assert int(comment.split()[0], 16) == offset, comment
            offset += len(code)
    assert bytes.fromhex("33d6247d") == Z.UPDATE_EXIT_ROOT_SELECTOR


def test_ger_manager_only_the_bridge_sets_the_local_exit_root() -> None:
    root = keccak256(b"a local exit root")
    ger = S.ADDRESS_GLOBAL_EXIT_ROOT_MANAGER_L2
    call = Z.UPDATE_EXIT_ROOT_SELECTOR + root
    ok = _run([_call(Z.L2_BRIDGE_KEY, 0, ger, call)])
    assert [t.status for t in ok.txs] == [1]
    assert ok.new_local_exit_root == root
    assert S.get_storage(ok.accounts, ger, S.LOCAL_EXIT_ROOT_STORAGE_POS) == int.from_bytes(root)
    # anyone else: reverted (status 0), the exit root stays zero
    stranger = _run([_call(Z.ALICE_KEY, 0, ger, call)])
    assert [t.status for t in stranger.txs] == [0]
    assert stranger.new_local_exit_root == ZERO_HASH
    # the bridge with another selector: reverted too
    wrong = _run([_call(Z.L2_BRIDGE_KEY, 0, ger, b"\x00\x00\x00\x00" + root)])
    assert [t.status for t in wrong.txs] == [0]
    assert wrong.new_local_exit_root == ZERO_HASH


def test_counter_counts_calls() -> None:
    result = _run([_call(Z.ALICE_KEY, n, Z.COUNTER, b"") for n in range(3)])
    assert [t.status for t in result.txs] == [1, 1, 1]
    assert S.get_storage(result.accounts, Z.COUNTER, 0) == 3
