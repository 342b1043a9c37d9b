"""Exit trees, global exit root and L1 info tree against upstream vectors and independent values.

Known answers:
- ``l1-info-tree_l1-info-tree.json`` (zkevm-commonjs test vectors): every case;
- zero hashes and the empty root of the eth2-deposit-contract tree, and the
  ``mt-bridge/claim-vectors.json`` root and proof siblings of zkevm-testvectors (as quoted, with
  source, in /work/shared/design/polygon-zkevm.md §5);
- a naive full-tree root (every leaf of the 2^32-leaf tree, zero-padded level by level) written
  here independently of the incremental branch algorithm.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from l2spec.paths import vectors_dir
from l2spec.spec.common.keccak import keccak256
from l2spec.spec.common.types import ZERO_HASH, Hash32, address, hash32, to_hex
from l2spec.spec.zk.bridge import deposit_leaf
from l2spec.spec.zk.exit_roots import (
    EMPTY_ROOT,
    L1_INFO_DATA_ZERO,
    MAX_DEPOSIT_COUNT,
    ONLY_ALLOWED_CONTRACTS,
    ZERO_HASHES,
    ExitTree,
    ExitTreeError,
    GlobalExitRootManager,
    GlobalExitRootManagerL2,
    L1Block,
    add_leaf,
    calculate_root,
    global_exit_root,
    insert_global_exit_root_l2,
    l1_info_leaf,
    l1_info_root,
    last_global_exit_root,
    merkle_proof,
    tree_from_leaves,
    tree_is_full,
    tree_root,
    update_exit_root,
    update_exit_root_l2,
    verify_merkle_proof,
)


def _load(name: str) -> Any:
    path = vectors_dir() / "polygon" / name
    assert path.is_file(), f"missing upstream vector file {path}"
    return json.loads(path.read_text())


L1_INFO_CASES = _load("l1-info-tree_l1-info-tree.json")


@pytest.mark.parametrize("case", L1_INFO_CASES, ids=[c["description"] for c in L1_INFO_CASES])
def test_l1_info_tree_vectors(case: Any) -> None:
    leaves = []
    for item in case["leafs"]:
        data = item["leafData"]
        leaf = l1_info_leaf(
            hash32(data["ger"]), hash32(data["blockHash"]), int(data["timestamp"], 0)
        )
        assert to_hex(leaf) == item["expectedLeafValue"]
        leaves.append(leaf)
    root = tree_root(tree_from_leaves(leaves))
    assert to_hex(root) == case["expectedRoot"]
    for i, leaf in enumerate(leaves):
        assert verify_merkle_proof(leaf, merkle_proof(leaves, i), i, root)


def test_vector_file_has_all_cases() -> None:
    assert len(L1_INFO_CASES) == 4


def test_zero_hashes_and_empty_root() -> None:
    # polygon-zkevm.md §5 (recomputed there; same as the eth2 deposit contract's zero hashes)
    assert ZERO_HASHES[0] == ZERO_HASH
    assert to_hex(ZERO_HASHES[1]) == (
        "0xad3228b676f7d3cd4284a5443f17f1962b36e491b30a40b2405849e597ba5fb5"
    )
    assert to_hex(ZERO_HASHES[2]) == (
        "0xb4c11951957c6f8f642c4af61cd6b24640fec6dc7fc607ee8206a99e92410d30"
    )
    assert to_hex(ZERO_HASHES[31]) == (
        "0x8448818bb4ae4562849e949e17ac16e0be16688e156b5cf15e098c627c0056a9"
    )
    assert to_hex(EMPTY_ROOT) == (
        "0x27ae5ba08d7291c96c8cbddcc148bf48a6d68c7974b94356f53754ef6171d757"
    )
    assert tree_root(ExitTree()) == EMPTY_ROOT
    assert global_exit_root(ZERO_HASH, ZERO_HASH) == ZERO_HASHES[1]
    assert to_hex(L1_INFO_DATA_ZERO) == (
        "0x3cac317908c699fe873a7f6ee4e8cd63fbe9918b2315c97be91585590168e301"
    )


DEST = address("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266")
DAI = address("0x6B175474E89094C44Da98b954EedeAC495271d0F")
ZERO_ADDR = address("0x" + "00" * 20)


CLAIM_METADATA_3 = bytes.fromhex(
    "f39Fd6e51aad88F6F4ce6aB8827279cffFb922661234e51aad88F6F4ce6aB8827279cffFb92266"
)


def _claim_vector_leaves() -> list[Hash32]:
    amount = 0x8AC7230489E80000
    return [
        deposit_leaf(0, 0, DAI, 1, DEST, amount, keccak256(b"")),
        deposit_leaf(0, 1, DAI, 0, DEST, amount, keccak256(bytes.fromhex("12345670"))),
        deposit_leaf(0, 0, ZERO_ADDR, 1, DEST, amount, keccak256(bytes.fromhex("12345678"))),
        deposit_leaf(0, 10, ZERO_ADDR, 4, ZERO_ADDR, 1, keccak256(CLAIM_METADATA_3)),
    ]


def test_claim_vector_root_and_proofs() -> None:
    """zkevm-testvectors ``mt-bridge/claim-vectors.json`` as quoted in polygon-zkevm.md §5."""
    leaves = _claim_vector_leaves()
    assert to_hex(leaves[3]) == (
        "0xe6585bdf74b6a46b9ede8b1b877e1232fb79ee93106c4db8ffd49cf1685bf242"
    )
    root = tree_root(tree_from_leaves(leaves))
    assert to_hex(root) == "0x42d3339fe8eb57770953423f20a029e778a707e8d58aaf110b40d5eb4dd25721"
    proof0 = merkle_proof(leaves, 0)
    assert proof0[0] == leaves[1]
    assert to_hex(proof0[1]) == (
        "0xb48c8301099f75206bc93b1512c7b3855b60b4f8cbaedf8679a184d1d450a4f1"
    )
    assert proof0[2:] == ZERO_HASHES[2:32]
    proof2 = merkle_proof(leaves, 2)
    assert proof2[0] == leaves[3]
    assert to_hex(proof2[1]) == (
        "0x653142d4a4d6f7985a3f33cad31e011dbee8909846b34c38c7b235ca08828521"
    )
    assert verify_merkle_proof(leaves[2], proof2, 2, root)
    assert not verify_merkle_proof(leaves[2], proof2, 3, root)
    assert not verify_merkle_proof(leaves[1], proof2, 2, root)


def _naive_root(leaves: list[Hash32]) -> Hash32:
    """Independent: pad each level with the zero hash of its height and hash pairs, 32 times."""
    level = list(leaves) or [ZERO_HASH]
    zero = ZERO_HASH
    for _ in range(32):
        if len(level) % 2:
            level.append(zero)
        level = [keccak256(level[i] + level[i + 1]) for i in range(0, len(level), 2)]
        zero = keccak256(zero + zero)
    return level[0]


hashes = st.binary(min_size=32, max_size=32).map(Hash32)


@given(st.lists(hashes, max_size=40))
def test_incremental_root_equals_naive_root(leaves: list[Hash32]) -> None:
    assert tree_root(tree_from_leaves(leaves)) == _naive_root(leaves)


@given(st.lists(hashes, min_size=1, max_size=20), st.data())
def test_every_leaf_has_a_proof_and_forgeries_fail(leaves: list[Hash32], data: Any) -> None:
    root = tree_root(tree_from_leaves(leaves))
    index = data.draw(st.integers(0, len(leaves) - 1))
    proof = merkle_proof(leaves, index)
    assert calculate_root(leaves[index], proof, index) == root
    forged = data.draw(hashes)
    if forged != leaves[index]:
        assert not verify_merkle_proof(forged, proof, index, root)
    other = data.draw(st.integers(0, 2**32 - 1))
    if other != index:
        assert not verify_merkle_proof(leaves[index], proof, other, root)


def test_full_tree_and_bad_proofs_are_misuse() -> None:
    full = ExitTree(deposit_count=MAX_DEPOSIT_COUNT)
    assert tree_is_full(full)
    assert not tree_is_full(ExitTree(deposit_count=MAX_DEPOSIT_COUNT - 1))
    with pytest.raises(ExitTreeError):
        add_leaf(full, ZERO_HASH)
    with pytest.raises(ExitTreeError):
        calculate_root(ZERO_HASH, [ZERO_HASH] * 31, 0)
    with pytest.raises(ExitTreeError):
        calculate_root(ZERO_HASH, [ZERO_HASH] * 32, 2**32)
    with pytest.raises(ExitTreeError):
        merkle_proof([], 0)


BRIDGE = address("0x" + "11" * 20)
MANAGER = address("0x" + "22" * 20)
STRANGER = address("0x" + "33" * 20)
BLOCK = L1Block(100, 1_700_000_000, hash32("0x" + "ab" * 32))


def test_ger_manager_records_new_roots_once_and_appends_l1_info_leaves() -> None:
    ger = GlobalExitRootManager(BRIDGE, MANAGER)
    mer = hash32("0x" + "01" * 32)
    upd = update_exit_root(ger, BRIDGE, mer, BLOCK)
    assert upd.ok
    m = upd.manager
    assert m.last_mainnet_exit_root == mer
    expected_ger = keccak256(mer + ZERO_HASH)
    assert last_global_exit_root(m) == expected_ger
    assert m.global_exit_root_map[expected_ger] == int.from_bytes(BLOCK.parent_hash)
    leaf = keccak256(expected_ger + BLOCK.parent_hash + BLOCK.timestamp.to_bytes(8, "big"))
    assert upd.new_leaf == leaf
    assert l1_info_root(m) == _naive_root([leaf])

    rer = hash32("0x" + "02" * 32)
    m2 = update_exit_root(m, MANAGER, rer, BLOCK).manager
    assert m2.last_rollup_exit_root == rer and m2.last_mainnet_exit_root == mer
    assert m2.l1_info_tree.deposit_count == 2

    # the same global exit root again: nothing new is recorded
    later = L1Block(200, BLOCK.timestamp + 10, hash32("0x" + "cd" * 32))
    m3 = update_exit_root(m2, MANAGER, rer, later)
    assert m3.ok and m3.new_leaf is None
    assert m3.manager.l1_info_tree == m2.l1_info_tree
    assert m3.manager.global_exit_root_map == m2.global_exit_root_map

    refused = update_exit_root(m2, STRANGER, rer, BLOCK)
    assert not refused.ok and refused.reason == ONLY_ALLOWED_CONTRACTS
    assert refused.manager == m2


def test_l2_ger_manager() -> None:
    l2 = GlobalExitRootManagerL2(BRIDGE)
    root = hash32("0x" + "05" * 32)
    assert update_exit_root_l2(l2, BRIDGE, root).manager.last_rollup_exit_root == root
    refused = update_exit_root_l2(l2, STRANGER, root)
    assert not refused.ok and refused.reason == ONLY_ALLOWED_CONTRACTS
    ger = hash32("0x" + "06" * 32)
    first = insert_global_exit_root_l2(l2, ger, hash32("0x" + "07" * 32))
    assert first.global_exit_root_map[ger] == int.from_bytes(bytes([7] * 32))
    again = insert_global_exit_root_l2(first, ger, hash32("0x" + "08" * 32))
    assert again.global_exit_root_map[ger] == int.from_bytes(bytes([7] * 32))
