"""Checkers of the Polygon zkEVM L1-side vector families (exit trees, bridge).

- ``l1-info-tree_l1-info-tree.json`` (zkevm-commonjs ``test/helpers/test-vectors/l1-info-tree``):
  L1 info leaves and the root of the tree holding them.
- ``mt-bridge_leaf-vectors.json`` (zkevm-testvectors ``mt-bridge``): deposit leaf hashes.
- ``merkle-tree-bridge_global-index.json`` (zkevm-commonjs ``merkle-tree-bridge``): global
  indexes.

Each checker returns one ``(ok, detail)`` per case; a malformed case is a failed case, never an
exception.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from l2spec.errors import L2SpecError
from l2spec.spec.common.keccak import keccak256
from l2spec.spec.common.types import address, hash32, hex_to_bytes, to_hex
from l2spec.spec.zk.bridge import compute_global_index, deposit_leaf
from l2spec.spec.zk.exit_roots import (
    l1_info_leaf,
    merkle_proof,
    tree_from_leaves,
    tree_root,
    verify_merkle_proof,
)

Result = list[tuple[bool, str]]


def _int(value: Any) -> int:
    """A vector integer: a JSON number, decimal text or 0x-hex text."""
    if isinstance(value, bool):
        raise ValueError("a boolean is not an integer")
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        return int(value, 0) if value[:2] in ("0x", "0X") else int(value, 10)
    raise ValueError(f"not an integer: {value!r}")


def _guard(label: str, check: Callable[[Any], str], case: Any) -> tuple[bool, str]:
    try:
        detail = check(case)
    except (L2SpecError, ValueError, KeyError, TypeError, IndexError, AttributeError) as exc:
        return False, f"{label}: malformed case ({type(exc).__name__}: {exc})"
    return (detail == "", f"{label}: {detail}" if detail else "")


def check_l1_info_tree(doc: Any) -> Result:
    """Each case: every ``leafData`` hashes to its ``expectedLeafValue``, the tree of the leaves
    has ``expectedRoot``, and every leaf's proof verifies against it."""

    def one(case: Any) -> str:
        leaves = []
        for i, item in enumerate(case["leafs"]):
            data = item["leafData"]
            leaf = l1_info_leaf(
                hash32(data["ger"]), hash32(data["blockHash"]), _int(data["timestamp"])
            )
            if to_hex(leaf) != item["expectedLeafValue"].lower():
                return f"leaf {i} is {to_hex(leaf)}, expected {item['expectedLeafValue']}"
            leaves.append(leaf)
        root = tree_root(tree_from_leaves(leaves))
        if to_hex(root) != case["expectedRoot"].lower():
            return f"root is {to_hex(root)}, expected {case['expectedRoot']}"
        for i, leaf in enumerate(leaves):
            if not verify_merkle_proof(leaf, merkle_proof(leaves, i), i, root):
                return f"the proof of leaf {i} does not verify"
        return ""

    if not isinstance(doc, list):
        return [(False, "the file is not a list of cases")]
    return [
        _guard(str(c.get("description", i)) if isinstance(c, dict) else f"case {i}", one, c)
        for i, c in enumerate(doc)
    ]


def check_leaf_vectors(doc: Any) -> Result:
    """Each case: ``getLeafValue(leafType, originNetwork, tokenAddress, destinationNetwork,
    destinationAddress, amount, keccak(metadata)) == leafValue``."""

    def one(case: Any) -> str:
        leaf = deposit_leaf(
            _int(case["leafType"]),
            _int(case["originNetwork"]),
            address(case["tokenAddress"]),
            _int(case["destinationNetwork"]),
            address(case["destinationAddress"]),
            _int(case["amount"]),
            keccak256(hex_to_bytes(case["metadata"])),
        )
        if to_hex(leaf) != case["leafValue"].lower():
            return f"leaf is {to_hex(leaf)}, expected {case['leafValue']}"
        return ""

    if not isinstance(doc, list):
        return [(False, "the file is not a list of cases")]
    return [_guard(f"case {i}", one, c) for i, c in enumerate(doc)]


def check_global_index(doc: Any) -> Result:
    """Each case: ``computeGlobalIndex(indexLocal, indexRollup, isMainnet) ==
    expectedGlobalIndex``."""

    def one(case: Any) -> str:
        if not isinstance(case["isMainnet"], bool):
            raise ValueError("isMainnet is not a boolean")
        got = compute_global_index(
            _int(case["indexLocal"]), _int(case["indexRollup"]), case["isMainnet"]
        )
        expected = _int(case["expectedGlobalIndex"])
        return "" if got == expected else f"global index is {got}, expected {expected}"

    if not isinstance(doc, list):
        return [(False, "the file is not a list of cases")]
    return [_guard(f"case {i}", one, c) for i, c in enumerate(doc)]


FAMILIES: dict[str, Callable[[Any], Result]] = {
    "l1-info-tree_l1-info-tree.json": check_l1_info_tree,
    "mt-bridge_leaf-vectors.json": check_leaf_vectors,
    "merkle-tree-bridge_global-index.json": check_global_index,
}
