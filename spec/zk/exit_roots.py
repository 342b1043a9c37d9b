"""Exit trees, the global exit root and the L1 info tree of Polygon zkEVM (Etrog).

Upstream rules (zkevm-contracts tag ``v4.0.0-fork.7``):

- ``contracts/v2/lib/DepositContractBase.sol``: the depth-32 append-only keccak Merkle tree
  (``_addLeaf``, ``getRoot``, ``verifyMerkleProof``, ``calculateRoot``), the design of the eth2
  deposit contract. The same tree serves as a bridge's *local exit tree* and as the *L1 info tree*.
- ``contracts/lib/GlobalExitRootLib.sol`` ``calculateGlobalExitRoot``:
  ``globalExitRoot = keccak256(mainnetExitRoot ‖ rollupExitRoot)``.
- ``contracts/v2/PolygonZkEVMGlobalExitRootV2.sol`` (the L1 manager): ``updateExitRoot`` records a
  new global exit root with ``blockhash(block.number - 1)`` and appends the L1 info leaf
  ``keccak256(globalExitRoot ‖ blockHash ‖ uint64 timestamp)``
  (``getLeafValue``; zkevm-commonjs ``src/l1-info-tree-utils.js`` ``getL1InfoTreeValue``).
- ``contracts/PolygonZkEVMGlobalExitRootL2.sol`` (the L2 manager, predeployed at
  0xa40D5f56745a118D0906a34E69aeC8C0Db1cB8fA): ``lastRollupExitRoot`` set by the L2 bridge;
  ``globalExitRootMap`` written only by the zkROM (``changeL2Block``).

Trees are values: appending returns a new :class:`ExitTree`. Proofs are built from the list of
leaves (the contracts keep only the branch; the off-chain tooling, zkevm-commonjs
``src/mt-bridge.js``, keeps every leaf to build proofs).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from l2spec.errors import L2SpecError
from l2spec.spec.common.keccak import keccak256
from l2spec.spec.common.types import ZERO_HASH, Address, Hash32, uint_to_bytes

TREE_DEPTH = 32
"""``_DEPOSIT_CONTRACT_TREE_DEPTH``."""

MAX_DEPOSIT_COUNT: int = 2**TREE_DEPTH - 1
"""``_MAX_DEPOSIT_COUNT``: a tree holds at most 2^32 − 1 leaves (then ``MerkleTreeFull``)."""

ONLY_ALLOWED_CONTRACTS = "OnlyAllowedContracts"
"""Custom error of both global exit root managers when a stranger calls ``updateExitRoot``."""

MERKLE_TREE_FULL = "MerkleTreeFull"
"""Custom error of ``DepositContractBase._addLeaf``."""


class ExitTreeError(L2SpecError):
    """The exit-tree API was misused (a proof of the wrong length, a leaf added to a full tree…)."""


def _hash_pair(left: bytes, right: bytes) -> Hash32:
    return keccak256(left + right)


def _zero_hashes() -> tuple[Hash32, ...]:
    zeros = [ZERO_HASH]
    for _ in range(TREE_DEPTH):
        zeros.append(_hash_pair(zeros[-1], zeros[-1]))
    return tuple(zeros)


ZERO_HASHES: tuple[Hash32, ...] = _zero_hashes()
"""``z_0 = 0^32``, ``z_{h+1} = keccak(z_h ‖ z_h)``: the root of an empty subtree of height h
(``getRoot``'s ``currentZeroHashHeight``). ``ZERO_HASHES[32]`` is the empty tree's root."""

EMPTY_ROOT: Hash32 = ZERO_HASHES[TREE_DEPTH]
"""Root of the empty depth-32 tree: 0x27ae5ba0…d757."""


@dataclass(frozen=True)
class ExitTree:
    """The state ``DepositContractBase`` keeps: the branch (one node per height) and the count.

    ``branch[h]`` is the root of the last complete left subtree of height h; only the nodes whose
    bit is set in ``deposit_count`` are meaningful."""

    branch: tuple[Hash32, ...] = (ZERO_HASH,) * TREE_DEPTH
    deposit_count: int = 0


EMPTY_TREE = ExitTree()
"""A tree with no leaves."""


def tree_is_full(tree: ExitTree) -> bool:
    """True when ``_addLeaf`` would revert with ``MerkleTreeFull`` (``depositCount >=
    _MAX_DEPOSIT_COUNT``)."""
    return tree.deposit_count >= MAX_DEPOSIT_COUNT


def add_leaf(tree: ExitTree, leaf: Hash32) -> ExitTree:
    """``DepositContractBase._addLeaf``: count the leaf, then climb from height 0 hashing the
    stored left siblings into it until the first height whose bit of the new count is 1, and
    store the node there. Callers check :func:`tree_is_full` first (the contract's
    ``MerkleTreeFull``); adding to a full tree is misuse here."""
    if tree_is_full(tree):
        raise ExitTreeError("the exit tree is full (MerkleTreeFull)")
    size = tree.deposit_count + 1
    node = leaf
    branch = list(tree.branch)
    for height in range(TREE_DEPTH):
        if (size >> height) & 1:
            branch[height] = node
            return ExitTree(tuple(branch), size)
        node = _hash_pair(branch[height], node)
    raise AssertionError("unreachable: size < 2^32 has a set bit below height 32")


def tree_root(tree: ExitTree) -> Hash32:
    """``DepositContractBase.getRoot``: at each height take the stored left sibling if the bit of
    ``depositCount`` is 1, else pair the node with the zero hash of that height."""
    node = ZERO_HASH
    for height in range(TREE_DEPTH):
        if (tree.deposit_count >> height) & 1:
            node = _hash_pair(tree.branch[height], node)
        else:
            node = _hash_pair(node, ZERO_HASHES[height])
    return node


def tree_from_leaves(leaves: Sequence[Hash32]) -> ExitTree:
    """The tree after appending ``leaves`` in order."""
    tree = ExitTree()
    for leaf in leaves:
        tree = add_leaf(tree, leaf)
    return tree


def calculate_root(leaf: Hash32, proof: Sequence[Hash32], index: int) -> Hash32:
    """``DepositContractBase.calculateRoot``: climb from the leaf, the sibling on the left when
    bit h of ``index`` is 1. ``index`` is a ``uint32``."""
    if len(proof) != TREE_DEPTH:
        raise ExitTreeError(f"a proof has {TREE_DEPTH} siblings, got {len(proof)}")
    if not 0 <= index < 2**32:
        raise ExitTreeError(f"a leaf index is a uint32, got {index}")
    node = leaf
    for height in range(TREE_DEPTH):
        if (index >> height) & 1:
            node = _hash_pair(proof[height], node)
        else:
            node = _hash_pair(node, proof[height])
    return node


def verify_merkle_proof(leaf: Hash32, proof: Sequence[Hash32], index: int, root: Hash32) -> bool:
    """``DepositContractBase.verifyMerkleProof``: ``calculateRoot(leaf, proof, index) == root``."""
    return calculate_root(leaf, proof, index) == root


def merkle_proof(leaves: Sequence[Hash32], index: int) -> tuple[Hash32, ...]:
    """The 32 siblings proving ``leaves[index]`` against the root of the tree of ``leaves``
    (zkevm-commonjs ``src/mt-bridge.js`` ``getProofTreeByIndex``): level by level, missing nodes
    are the zero hash of their height."""
    if not 0 <= index < len(leaves):
        raise ExitTreeError(f"no leaf at index {index} in a tree of {len(leaves)}")
    level = list(leaves)
    proof: list[Hash32] = []
    position = index
    for height in range(TREE_DEPTH):
        sibling = position ^ 1
        proof.append(level[sibling] if sibling < len(level) else ZERO_HASHES[height])
        if len(level) % 2:
            level.append(ZERO_HASHES[height])
        level = [_hash_pair(level[i], level[i + 1]) for i in range(0, len(level), 2)]
        position >>= 1
    return tuple(proof)


def global_exit_root(mainnet_exit_root: Hash32, rollup_exit_root: Hash32) -> Hash32:
    """``GlobalExitRootLib.calculateGlobalExitRoot``: ``keccak256(mainnetExitRoot ‖
    rollupExitRoot)``."""
    return keccak256(mainnet_exit_root + rollup_exit_root)


def l1_info_leaf(global_exit_root_: Hash32, block_hash: Hash32, timestamp: int) -> Hash32:
    """``PolygonZkEVMGlobalExitRootV2.getLeafValue`` / commonjs ``getL1InfoTreeValue``:
    ``keccak256(globalExitRoot(32) ‖ blockHash(32) ‖ uint64 timestamp(8 BE))``, 72 bytes."""
    return keccak256(global_exit_root_ + block_hash + uint_to_bytes(timestamp, 8))


L1_INFO_DATA_ZERO: Hash32 = l1_info_leaf(ZERO_HASH, ZERO_HASH, 0)
"""The L1 info leaf of all-zero data (0x3cac3179…e301)."""


@dataclass(frozen=True)
class L1Block:
    """What an L1 call sees of its block: ``block.number``, ``block.timestamp`` and
    ``blockhash(block.number - 1)``."""

    number: int
    timestamp: int
    parent_hash: Hash32


@dataclass(frozen=True)
class GlobalExitRootManager:
    """State of ``PolygonZkEVMGlobalExitRootV2`` on L1.

    ``global_exit_root_map`` maps a global exit root to the (parent) block hash at which it was
    first recorded (non-zero means "exists"). Its dict is never mutated: each update builds a new
    one."""

    bridge_address: Address
    rollup_manager_address: Address
    last_mainnet_exit_root: Hash32 = ZERO_HASH
    last_rollup_exit_root: Hash32 = ZERO_HASH
    global_exit_root_map: Mapping[Hash32, int] = field(default_factory=dict)
    l1_info_tree: ExitTree = EMPTY_TREE
    l1_info_leaves: tuple[Hash32, ...] = ()
    """Every L1 info leaf appended so far (emitted as ``UpdateL1InfoTree``; kept for proofs)."""


@dataclass(frozen=True)
class ExitRootUpdate:
    """A manager after ``updateExitRoot``; ``reason`` is the custom error when refused."""

    manager: GlobalExitRootManager
    ok: bool
    reason: str | None = None
    new_leaf: Hash32 | None = None


def last_global_exit_root(manager: GlobalExitRootManager) -> Hash32:
    """``getLastGlobalExitRoot``: the global exit root of the last mainnet and rollup roots."""
    return global_exit_root(manager.last_mainnet_exit_root, manager.last_rollup_exit_root)


def l1_info_root(manager: GlobalExitRootManager) -> Hash32:
    """``getRoot``: the root of the L1 info tree (what a sequenced batch commits to)."""
    return tree_root(manager.l1_info_tree)


def update_exit_root(
    manager: GlobalExitRootManager, sender: Address, new_root: Hash32, block: L1Block
) -> ExitRootUpdate:
    """``PolygonZkEVMGlobalExitRootV2.updateExitRoot``.

    The bridge sets the mainnet exit root, the rollup manager the rollup exit root; anyone else is
    refused with ``OnlyAllowedContracts``. If the resulting global exit root is new, it is recorded
    with ``blockhash(block.number - 1)`` and the leaf ``(GER, blockhash, uint64 timestamp)`` is
    appended to the L1 info tree; an already known global exit root changes nothing else."""
    if sender == manager.bridge_address:
        manager = replace(manager, last_mainnet_exit_root=new_root)
    elif sender == manager.rollup_manager_address:
        manager = replace(manager, last_rollup_exit_root=new_root)
    else:
        return ExitRootUpdate(manager, False, ONLY_ALLOWED_CONTRACTS)
    ger = last_global_exit_root(manager)
    if manager.global_exit_root_map.get(ger, 0) != 0:
        return ExitRootUpdate(manager, True)
    if tree_is_full(manager.l1_info_tree):
        return ExitRootUpdate(manager, False, MERKLE_TREE_FULL)
    block_hash = block.parent_hash
    leaf = l1_info_leaf(ger, block_hash, block.timestamp)
    manager = replace(
        manager,
        global_exit_root_map={**manager.global_exit_root_map, ger: int.from_bytes(block_hash)},
        l1_info_tree=add_leaf(manager.l1_info_tree, leaf),
        l1_info_leaves=(*manager.l1_info_leaves, leaf),
    )
    return ExitRootUpdate(manager, True, None, leaf)


@dataclass(frozen=True)
class GlobalExitRootManagerL2:
    """State of ``PolygonZkEVMGlobalExitRootL2``: the global exit roots the zkROM inserted
    (Etrog: GER → L1 block hash) and the L2 bridge's local exit root (``lastRollupExitRoot``,
    storage slot 1, read by the zkROM as ``newLocalExitRoot``)."""

    bridge_address: Address
    global_exit_root_map: Mapping[Hash32, int] = field(default_factory=dict)
    last_rollup_exit_root: Hash32 = ZERO_HASH


@dataclass(frozen=True)
class ExitRootUpdateL2:
    """The L2 manager after ``updateExitRoot``; ``reason`` is the custom error when refused."""

    manager: GlobalExitRootManagerL2
    ok: bool
    reason: str | None = None


def update_exit_root_l2(
    manager: GlobalExitRootManagerL2, sender: Address, new_root: Hash32
) -> ExitRootUpdateL2:
    """``PolygonZkEVMGlobalExitRootL2.updateExitRoot``: only the L2 bridge may set
    ``lastRollupExitRoot`` (else ``OnlyAllowedContracts``)."""
    if sender != manager.bridge_address:
        return ExitRootUpdateL2(manager, False, ONLY_ALLOWED_CONTRACTS)
    return ExitRootUpdateL2(replace(manager, last_rollup_exit_root=new_root), True)


def insert_global_exit_root_l2(
    manager: GlobalExitRootManagerL2, global_exit_root_: Hash32, block_hash_l1: Hash32
) -> GlobalExitRootManagerL2:
    """What the zkROM's ``changeL2Block`` writes (commonjs ``src/processor.js``
    ``_processChangeL2BlockTx``): ``globalExitRootMap[GER] = blockHashL1`` when the map has no
    entry for that root yet."""
    if manager.global_exit_root_map.get(global_exit_root_, 0) != 0:
        return manager
    new_map = {**manager.global_exit_root_map, global_exit_root_: int.from_bytes(block_hash_l1)}
    return replace(manager, global_exit_root_map=new_map)
