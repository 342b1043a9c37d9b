"""The unified bridge: upstream leaf and global-index vectors, claims, nullifiers and refusals.

Known answers: ``mt-bridge_leaf-vectors.json`` (zkevm-testvectors) and
``merkle-tree-bridge_global-index.json`` (zkevm-commonjs), every case. Claims are checked against
proofs built by an independent naive tree (tests/test_zk_exit_roots.py checks it against upstream).
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from l2spec.paths import vectors_dir
from l2spec.spec.common.keccak import keccak256
from l2spec.spec.common.types import ZERO_ADDRESS, ZERO_HASH, address, hash32, hex_to_bytes, to_hex
from l2spec.spec.zk.bridge import (
    ALREADY_CLAIMED,
    AMOUNT_DOES_NOT_MATCH_MSG_VALUE,
    DESTINATION_NETWORK_INVALID,
    ERC20_BURN_EXCEEDS_BALANCE,
    ETHER_TRANSFER_FAILED,
    GLOBAL_EXIT_ROOT_INVALID,
    INVALID_SMT_PROOF,
    MESSAGE_FAILED,
    ONLY_NOT_EMERGENCY_STATE,
    AssetDeposit,
    BridgeState,
    Claim,
    bridge_asset,
    bridge_message,
    claim_asset,
    claim_message,
    compute_global_index,
    decode_global_index,
    deposit_leaf,
    is_claimed,
    local_exit_root,
    set_emergency_state,
)
from l2spec.spec.zk.exit_roots import (
    ZERO_HASHES,
    GlobalExitRootManager,
    GlobalExitRootManagerL2,
    L1Block,
    global_exit_root,
    insert_global_exit_root_l2,
    merkle_proof,
    tree_from_leaves,
    tree_root,
    update_exit_root,
)


def _load(name: str) -> Any:
    path = vectors_dir() / "polygon" / name
    assert path.is_file(), f"missing upstream vector file {path}"
    return json.loads(path.read_text())


LEAF_CASES = _load("mt-bridge_leaf-vectors.json")
GLOBAL_INDEX_CASES = _load("merkle-tree-bridge_global-index.json")


@pytest.mark.parametrize("case", LEAF_CASES)
def test_leaf_vectors(case: Any) -> None:
    leaf = deposit_leaf(
        case["leafType"],
        case["originNetwork"],
        address(case["tokenAddress"]),
        case["destinationNetwork"],
        address(case["destinationAddress"]),
        int(case["amount"], 16),
        keccak256(hex_to_bytes(case["metadata"])),
    )
    assert to_hex(leaf) == case["leafValue"]


@pytest.mark.parametrize("case", GLOBAL_INDEX_CASES)
def test_global_index_vectors(case: Any) -> None:
    got = compute_global_index(int(case["indexLocal"]), int(case["indexRollup"]), case["isMainnet"])
    assert got == int(case["expectedGlobalIndex"])


def test_vector_files_complete() -> None:
    assert len(LEAF_CASES) == 4 and len(GLOBAL_INDEX_CASES) == 8


@given(st.integers(0, 2**32 - 1), st.integers(0, 2**32 - 1), st.booleans())
def test_global_index_round_trip(local: int, rollup: int, mainnet: bool) -> None:
    decoded = decode_global_index(compute_global_index(local, rollup, mainnet))
    assert decoded.mainnet == mainnet and decoded.leaf_index == local
    if not mainnet:
        assert decoded.rollup_index == rollup


L1_BRIDGE = address("0x" + "b0" * 20)
L2_BRIDGE = address("0x" + "b1" * 20)
MANAGER = address("0x" + "aa" * 20)
ALICE = address("0x" + "a1" * 20)
BOB = address("0x" + "b2" * 20)
BLOCK = L1Block(10, 1_700_000_000, hash32("0x" + "42" * 32))


def _l1() -> tuple[BridgeState, GlobalExitRootManager]:
    return BridgeState(L1_BRIDGE, 0), GlobalExitRootManager(L1_BRIDGE, MANAGER)


def _l2() -> tuple[BridgeState, GlobalExitRootManagerL2]:
    return BridgeState(L2_BRIDGE, 1), GlobalExitRootManagerL2(L2_BRIDGE)


def _deposit_eth_to_l2(amount: int) -> tuple[BridgeState, GlobalExitRootManager, Claim]:
    bridge, ger = _l1()
    res = bridge_asset(bridge, ger, AssetDeposit(ALICE, 1, BOB, amount, msg_value=amount), BLOCK)
    assert res.ok and res.deposit_count == 0
    leaf = deposit_leaf(0, 0, ZERO_ADDRESS, 1, BOB, amount, keccak256(b""))
    assert res.leaf == leaf
    assert res.bridge.eth_balance == amount
    mer = tree_root(tree_from_leaves([leaf]))
    assert local_exit_root(res.bridge) == mer
    assert isinstance(res.manager, GlobalExitRootManager)
    assert res.manager.last_mainnet_exit_root == mer  # forceUpdateGlobalExitRoot
    claim = Claim(
        merkle_proof([leaf], 0),
        ZERO_HASHES[:32],
        compute_global_index(0, 0, True),
        mer,
        ZERO_HASH,
        0,
        ZERO_ADDRESS,
        1,
        BOB,
        amount,
        b"",
    )
    return res.bridge, res.manager, claim


def test_eth_deposit_claimed_on_l2_once() -> None:
    _, _, claim = _deposit_eth_to_l2(5)
    l2, l2ger = _l2()
    l2 = replace(l2, eth_balance=100)  # the L2 bridge's preminted ETH
    # before the sequencer brings the GER to L2 the claim is refused
    assert claim_asset(l2, l2ger, claim).reason == GLOBAL_EXIT_ROOT_INVALID
    l2ger = insert_global_exit_root_l2(
        l2ger, global_exit_root(claim.mainnet_exit_root, ZERO_HASH), BLOCK.parent_hash
    )
    ok = claim_asset(l2, l2ger, claim)
    assert ok.ok and ok.paid_eth == 5 and ok.bridge.eth_balance == 95
    assert is_claimed(ok.bridge, 0, 0)
    again = claim_asset(ok.bridge, l2ger, claim)
    assert not again.ok and again.reason == ALREADY_CLAIMED and again.bridge == ok.bridge


def test_forged_claims_are_refused() -> None:
    _, _, claim = _deposit_eth_to_l2(5)
    l2, l2ger = _l2()
    l2 = replace(l2, eth_balance=100)
    l2ger = insert_global_exit_root_l2(
        l2ger, global_exit_root(claim.mainnet_exit_root, ZERO_HASH), BLOCK.parent_hash
    )
    more = replace(claim, amount=6)
    assert claim_asset(l2, l2ger, more).reason == INVALID_SMT_PROOF
    wrong_index = replace(claim, global_index=compute_global_index(1, 0, True))
    assert claim_asset(l2, l2ger, wrong_index).reason == INVALID_SMT_PROOF
    bad_proof = replace(claim, smt_proof_local=(ZERO_HASHES[5], *tuple(claim.smt_proof_local[1:])))
    assert claim_asset(l2, l2ger, bad_proof).reason == INVALID_SMT_PROOF
    other_root = replace(claim, mainnet_exit_root=hash32("0x" + "99" * 32))
    assert claim_asset(l2, l2ger, other_root).reason == GLOBAL_EXIT_ROOT_INVALID
    wrong_net = replace(claim, destination_network=2)
    assert claim_asset(l2, l2ger, wrong_net).reason == DESTINATION_NETWORK_INVALID
    # the leaf says "asset": it cannot be claimed as a message
    assert claim_message(l2, l2ger, claim).reason == INVALID_SMT_PROOF
    assert claim_asset(l2, l2ger, claim, call_succeeds=False).reason == ETHER_TRANSFER_FAILED
    poor = replace(l2, eth_balance=4)
    assert claim_asset(poor, l2ger, claim).reason == ETHER_TRANSFER_FAILED
    frozen = set_emergency_state(l2, True)
    assert claim_asset(frozen, l2ger, claim).reason == ONLY_NOT_EMERGENCY_STATE
    assert not is_claimed(l2, 0, 0)


def test_bridge_refusals() -> None:
    bridge, ger = _l1()
    assert (
        bridge_asset(bridge, ger, AssetDeposit(ALICE, 0, BOB, 1, msg_value=1), BLOCK).reason
        == DESTINATION_NETWORK_INVALID
    )
    assert (
        bridge_asset(bridge, ger, AssetDeposit(ALICE, 1, BOB, 2, msg_value=1), BLOCK).reason
        == AMOUNT_DOES_NOT_MATCH_MSG_VALUE
    )
    frozen = set_emergency_state(bridge, True)
    assert (
        bridge_message(frozen, ger, ALICE, 1, BOB, 0, b"", BLOCK).reason == ONLY_NOT_EMERGENCY_STATE
    )
    lazy = bridge_asset(
        bridge,
        ger,
        AssetDeposit(ALICE, 1, BOB, 1, msg_value=1, force_update_global_exit_root=False),
        BLOCK,
    )
    assert lazy.ok and lazy.manager == ger and lazy.bridge.last_updated_deposit_count == 0


def test_message_from_rollup_claimed_on_l1_with_v1_nullifier() -> None:
    """A message from the zkEVM (network 1) to L1: LER → rollup exit tree → GER on L1."""
    l2, l2ger = _l2()
    sent = bridge_message(l2, l2ger, ALICE, 0, BOB, 3, b"hello", BLOCK)
    assert sent.ok and sent.bridge.eth_balance == 3
    leaf = deposit_leaf(1, 1, ALICE, 0, BOB, 3, keccak256(b"hello"))
    assert sent.leaf == leaf
    ler = local_exit_root(sent.bridge)
    assert isinstance(sent.manager, GlobalExitRootManagerL2)
    assert sent.manager.last_rollup_exit_root == ler
    other_rollup_ler = hash32("0x" + "77" * 32)
    rer = tree_root(tree_from_leaves([ler, other_rollup_ler]))
    l1, ger = _l1()
    ger = update_exit_root(ger, MANAGER, rer, BLOCK).manager
    l1 = replace(l1, eth_balance=10)
    claim = Claim(
        merkle_proof([leaf], 0),
        merkle_proof([ler, other_rollup_ler], 0),
        compute_global_index(0, 0, False),
        ZERO_HASH,
        rer,
        1,
        ALICE,
        0,
        BOB,
        3,
        b"hello",
    )
    assert claim_message(l1, ger, claim, call_succeeds=False).reason == MESSAGE_FAILED
    done = claim_message(l1, ger, claim)
    assert done.ok and done.bridge.eth_balance == 7
    # mainnet keeps the v1 nullifier layout for the zkEVM: bit = leaf index alone
    assert done.bridge.claimed == frozenset({0})
    assert is_claimed(done.bridge, 0, 1)
    assert claim_message(done.bridge, ger, claim).reason == ALREADY_CLAIMED
    # the same proof at the wrong rollup index does not verify
    wrong = replace(claim, global_index=compute_global_index(0, 1, False))
    assert claim_message(l1, ger, wrong).reason == INVALID_SMT_PROOF


def test_wrapped_token_minted_and_burned_on_l2() -> None:
    l1, ger = _l1()
    dai = address("0x6B175474E89094C44Da98b954EedeAC495271d0F")
    meta = b"\x01dai-metadata"
    res = bridge_asset(l1, ger, AssetDeposit(ALICE, 1, BOB, 50, token=dai, metadata=meta), BLOCK)
    assert res.ok and res.bridge.locked_tokens[dai] == 50
    leaf = deposit_leaf(0, 0, dai, 1, BOB, 50, keccak256(meta))
    assert res.leaf == leaf
    mer = local_exit_root(res.bridge)
    l2, l2ger = _l2()
    l2ger = insert_global_exit_root_l2(l2ger, global_exit_root(mer, ZERO_HASH), BLOCK.parent_hash)
    claim = Claim(
        merkle_proof([leaf], 0),
        ZERO_HASHES[:32],
        compute_global_index(0, 0, True),
        mer,
        ZERO_HASH,
        0,
        dai,
        1,
        BOB,
        50,
        meta,
    )
    minted = claim_asset(l2, l2ger, claim)
    assert minted.ok and minted.bridge.wrapped_balances[(0, dai, BOB)] == 50
    back = AssetDeposit(BOB, 0, ALICE, 20, token=address("0x" + "cc" * 20), wrapped_origin=(0, dai))
    burned = bridge_asset(minted.bridge, minted.manager, back, BLOCK)
    assert burned.ok and burned.bridge.wrapped_balances[(0, dai, BOB)] == 30
    assert burned.leaf == deposit_leaf(0, 0, dai, 0, ALICE, 20, keccak256(b""))
    too_much = replace(back, amount=31)
    assert (
        bridge_asset(burned.bridge, burned.manager, too_much, BLOCK).reason
        == ERC20_BURN_EXCEEDS_BALANCE
    )
