"""The state tree: a binary sparse Merkle tree of Poseidon hashes over Goldilocks.

Polygon zkEVM keeps the whole L2 state in one tree (zkevm-commonjs ``src/smt.js``,
``src/smt-utils.js``, ``src/state-utils.js``; the ROM's storage state machine walks the same tree).
Every account field and every storage slot is one leaf, found under its own **key**, a Poseidon
digest of the address, the leaf type and (for storage) the slot:

    key = H([a0, a1, a2, a3, a4, a5, type, 0], cap)

where ``a = scalar2fea(address)`` (``a5 = 0``, an address has 160 bits) and ``cap`` is
``HASH_ZERO = H([0]*8)`` for the account leaves, or ``H(scalar2fea(slot), [0,0,0,0])`` for a
storage slot (``smt-utils.js`` ``keyEthAddrBalance``, ``keyEthAddrNonce``, ``keyContractCode``,
``keyContractLength``, ``keyContractStorage``).

Nodes are 4-element digests (:data:`~l2spec.spec.zk.goldilocks.H4`):

- an empty subtree is ``[0, 0, 0, 0]``;
- a **leaf** at depth ``d`` holding ``value`` is ``H([rk0..rk3, vH0..vH3], [1, 0, 0, 0])``, where
  ``vH = H(scalar2fea(value), [0, 0, 0, 0])`` and ``rk`` is the key with its first ``d`` path bits
  removed (``smt.js`` ``_set``, ``hashSave``; ``smt-utils.js`` ``removeKeyBits``);
- a **branch** is ``H([L0..L3, R0..R3], [0, 0, 0, 0])``.

The path does not read the key's bits in order: the bit used at depth ``d`` is bit ``d // 4`` of
limb ``d mod 4`` (``smt.js`` ``splitKey``): depth 0 reads bit 0 of ``k0``, depth 1 bit 0 of ``k1``,
…, depth 4 bit 1 of ``k0``. Bit 0 goes left.

The tree is kept **canonical** ("compact"): a leaf sits at the shallowest depth at which no other
key shares its path prefix, and value ``0`` means "absent", so setting a leaf to 0 deletes it and
collapses its sibling upward (``smt.js`` ``set`` modes insertFound / insertNotFound / update /
deleteFound / deleteNotFound / zeroToZero). Hence the root depends only on the final set of
non-zero (key, value) pairs, which is how :class:`Smt` is written here: an immutable mapping whose
:attr:`Smt.root` is computed recursively from the pairs.

Proofs (``smt.js`` ``get``: ``siblings``, ``insKey``, ``insValue``, ``isOld0``) are the siblings
along the key's path down to where the walk stops, plus the leaf found there if any
(:class:`SmtProof`, :func:`verify_proof`).

The state root of a set of accounts (:func:`state_root`) puts, for each account, its balance,
nonce, code hash (linear Poseidon, :mod:`~l2spec.spec.zk.bytecode_hash`), code length in bytes and
storage slots into one tree; zero-valued fields are absent, so an account with no code has no code
leaf (``state-utils.js`` ``setAccountState``, ``setContractBytecode``, ``setContractStorage``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from types import MappingProxyType

from l2spec.errors import DecodingError
from l2spec.spec.common.types import Address
from l2spec.spec.zk.bytecode_hash import hash_contract_bytecode_scalar
from l2spec.spec.zk.goldilocks import (
    H4,
    ZERO_H4,
    h4,
    h4_to_bytes32,
    h4_to_hex,
    scalar2fea,
)
from l2spec.spec.zk.poseidon import HASH_ZERO, poseidon

# --- leaf types (zkevm-commonjs src/constants.js) ------------------------------------------------

SMT_KEY_BALANCE = 0
"""Leaf type of an account's balance (``SMT_KEY_BALANCE``)."""

SMT_KEY_NONCE = 1
"""Leaf type of an account's nonce (``SMT_KEY_NONCE``)."""

SMT_KEY_SC_CODE = 2
"""Leaf type of a contract's code hash (``SMT_KEY_SC_CODE``)."""

SMT_KEY_SC_STORAGE = 3
"""Leaf type of a contract storage slot (``SMT_KEY_SC_STORAGE``)."""

SMT_KEY_SC_LENGTH = 4
"""Leaf type of a contract's code length in bytes (``SMT_KEY_SC_LENGTH``)."""

ACCOUNT_LEAF_TYPES = (SMT_KEY_BALANCE, SMT_KEY_NONCE, SMT_KEY_SC_CODE, SMT_KEY_SC_LENGTH)
"""The leaf types keyed by the address alone (capacity :data:`HASH_ZERO`)."""

LEAF_CAPACITY: H4 = (1, 0, 0, 0)
"""Capacity of a leaf node hash: it separates leaves from branches."""

BRANCH_CAPACITY: H4 = ZERO_H4
"""Capacity of a branch node hash and of a value hash."""

MAX_DEPTH = 256
"""Four 64-bit limbs give 256 path bits; two distinct keys differ within them."""

VALUE_LIMIT = 2**256
"""Leaf values are 256-bit unsigned numbers (split by ``scalar2fea``)."""


# --- keys ---------------------------------------------------------------------------------------


def _address_limbs(address: Address) -> tuple[int, ...]:
    if not isinstance(address, bytes | bytearray) or len(address) != 20:
        raise DecodingError("an address is 20 bytes")
    return scalar2fea(int.from_bytes(address, "big"))


def key_eth_addr(address: Address, leaf_type: int, capacity: H4 = HASH_ZERO) -> H4:
    """``H([a0..a5, leaf_type, 0], capacity)`` with ``a = scalar2fea(address)``.

    zkevm-commonjs ``smt-utils.js`` ``keyEthAddr`` (the common part of every key function).
    """
    a = _address_limbs(address)
    return _key_hash(a, leaf_type, capacity)


@lru_cache(maxsize=4096)
def _key_hash(a: tuple[int, ...], leaf_type: int, capacity: H4) -> H4:
    return poseidon([a[0], a[1], a[2], a[3], a[4], a[5], leaf_type, 0], capacity)


def key_balance(address: Address) -> H4:
    """The key of an account's balance (``keyEthAddrBalance``)."""
    return key_eth_addr(address, SMT_KEY_BALANCE)


def key_nonce(address: Address) -> H4:
    """The key of an account's nonce (``keyEthAddrNonce``)."""
    return key_eth_addr(address, SMT_KEY_NONCE)


def key_contract_code(address: Address) -> H4:
    """The key of a contract's code hash (``keyContractCode``)."""
    return key_eth_addr(address, SMT_KEY_SC_CODE)


def key_contract_length(address: Address) -> H4:
    """The key of a contract's code length (``keyContractLength``)."""
    return key_eth_addr(address, SMT_KEY_SC_LENGTH)


@lru_cache(maxsize=4096)
def storage_capacity(slot: int) -> H4:
    """``H(scalar2fea(slot), [0,0,0,0])``: the capacity that binds a storage key to its slot."""
    return poseidon(scalar2fea(slot), ZERO_H4)


def key_contract_storage(address: Address, slot: int) -> H4:
    """The key of storage ``slot`` of a contract (``keyContractStorage``)."""
    return key_eth_addr(address, SMT_KEY_SC_STORAGE, storage_capacity(slot))


# --- node hashing -------------------------------------------------------------------------------
# The three node hashes are pure functions of small tuples, so they are memoised: recomputing a
# root after a few changes only re-hashes the nodes on the changed paths.

_HASH_CACHE_SIZE = 1 << 16


@lru_cache(maxsize=_HASH_CACHE_SIZE)
def hash_value(value: int) -> H4:
    """``vH = H(scalar2fea(value), [0,0,0,0])``, the hash stored under a leaf (``hashSave``)."""
    return poseidon(scalar2fea(value), ZERO_H4)


@lru_cache(maxsize=_HASH_CACHE_SIZE)
def hash_leaf(remaining_key: H4, value_hash: H4) -> H4:
    """A leaf node: ``H([rk0..rk3, vH0..vH3], [1,0,0,0])``."""
    return poseidon([*remaining_key, *value_hash], LEAF_CAPACITY)


@lru_cache(maxsize=_HASH_CACHE_SIZE)
def hash_branch(left: H4, right: H4) -> H4:
    """A branch node: ``H([L0..L3, R0..R3], [0,0,0,0])``."""
    return poseidon([*left, *right], BRANCH_CAPACITY)


# --- key paths ----------------------------------------------------------------------------------


def key_bit(key: H4, depth: int) -> int:
    """The path bit at ``depth``: bit ``depth // 4`` of limb ``depth mod 4`` (``splitKey``)."""
    if not 0 <= depth < MAX_DEPTH:
        raise DecodingError(f"an SMT path has depths 0..{MAX_DEPTH - 1}, got {depth}")
    return (key[depth % 4] >> (depth // 4)) & 1


def path_bits(key: H4, depth: int) -> tuple[int, ...]:
    """The first ``depth`` path bits of ``key``, root first."""
    return tuple(key_bit(key, d) for d in range(depth))


def remaining_key(key: H4, depth: int) -> H4:
    """The key with its first ``depth`` path bits removed (``removeKeyBits``).

    Limb ``i`` has lost ``depth // 4`` bits, plus one more if ``i < depth mod 4``.
    """
    if not 0 <= depth <= MAX_DEPTH:
        raise DecodingError(f"an SMT path has depths 0..{MAX_DEPTH}, got {depth}")
    q, r = divmod(depth, 4)
    return (
        key[0] >> (q + (1 if r > 0 else 0)),
        key[1] >> (q + (1 if r > 1 else 0)),
        key[2] >> (q + (1 if r > 2 else 0)),
        key[3] >> q,
    )


def _check_value(value: int) -> int:
    if not isinstance(value, int) or not 0 <= value < VALUE_LIMIT:
        raise DecodingError(f"an SMT value is a 256-bit unsigned number, got {value!r}")
    return value


NodeDb = dict[H4, tuple[int, ...]]
"""Node hash → hash preimage: 12 elements for a branch or leaf (8 inputs ‖ 4 capacity), 8 limbs
(``scalar2fea(value)``) for a value hash. The ``db`` of an executor input has this shape."""


def _subtree_root(leaves: Sequence[tuple[H4, int]], depth: int, db: NodeDb | None = None) -> H4:
    """The root of the canonical subtree at ``depth`` holding ``leaves`` (all share the prefix).

    When ``db`` is given, every node hashed on the way is recorded in it with its preimage.
    """
    if not leaves:
        return ZERO_H4
    if len(leaves) == 1:
        key, value = leaves[0]
        rkey, value_hash = remaining_key(key, depth), hash_value(value)
        node = hash_leaf(rkey, value_hash)
        if db is not None:
            db[value_hash] = scalar2fea(value)
            db[node] = (*rkey, *value_hash, *LEAF_CAPACITY)
        return node
    left = _subtree_root([kv for kv in leaves if key_bit(kv[0], depth) == 0], depth + 1, db)
    right = _subtree_root([kv for kv in leaves if key_bit(kv[0], depth) == 1], depth + 1, db)
    node = hash_branch(left, right)
    if db is not None:
        db[node] = (*left, *right, *BRANCH_CAPACITY)
    return node


# --- the tree -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SmtLeaf:
    """A leaf met at the end of a proof's path: its full key and its (non-zero) value."""

    key: H4
    value: int

    def __post_init__(self) -> None:
        h4(self.key)
        if _check_value(self.value) == 0:
            raise DecodingError("a leaf holds a non-zero value (0 means absent)")


@dataclass(frozen=True)
class SmtProof:
    """The evidence that ``key`` holds ``value`` (``0``: absent) under some root.

    ``siblings[d]`` is the sibling of the path node at depth ``d + 1``, i.e. the other child of the
    path's branch at depth ``d``; the walk stops at depth ``len(siblings)``, where it meets either
    an empty subtree (``leaf`` is ``None``) or one leaf. For an inclusion proof that leaf is
    ``(key, value)``; for an exclusion proof it is absent or has another key with the same path
    prefix (``smt.js`` ``get``: ``siblings``, ``insKey``/``insValue``, ``isOld0``).
    """

    key: H4
    value: int
    siblings: tuple[H4, ...]
    leaf: SmtLeaf | None

    def __post_init__(self) -> None:
        h4(self.key)
        _check_value(self.value)
        if len(self.siblings) > MAX_DEPTH:
            raise DecodingError(f"an SMT proof has at most {MAX_DEPTH} siblings")
        for sibling in self.siblings:
            h4(sibling)


@dataclass(frozen=True)
class Smt:
    """An immutable canonical state tree: the set of its non-zero ``key → value`` leaves.

    :meth:`set` returns a new tree (value ``0`` deletes); :attr:`root` is a pure function of the
    leaves. Keys must be canonical h4s and values 256-bit unsigned numbers.
    """

    leaves: Mapping[H4, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        clean: dict[H4, int] = {}
        for key, value in self.leaves.items():
            if _check_value(value) != 0:
                clean[h4(key)] = value
        object.__setattr__(self, "leaves", MappingProxyType(clean))

    @classmethod
    def from_items(cls, items: Iterable[tuple[H4, int]]) -> Smt:
        """The tree after setting each ``(key, value)`` in order (later ones win)."""
        leaves: dict[H4, int] = {}
        for key, value in items:
            leaves[h4(key)] = _check_value(value)
        return cls(leaves)

    def get(self, key: H4) -> int:
        """The value under ``key``; ``0`` when absent."""
        return self.leaves.get(h4(key), 0)

    def set(self, key: H4, value: int) -> Smt:
        """A new tree with ``key`` set to ``value`` (``0`` deletes the leaf)."""
        leaves = dict(self.leaves)
        leaves[h4(key)] = _check_value(value)
        return Smt(leaves)

    def set_many(self, items: Iterable[tuple[H4, int]]) -> Smt:
        """A new tree with each ``(key, value)`` set in order."""
        leaves = dict(self.leaves)
        for key, value in items:
            leaves[h4(key)] = _check_value(value)
        return Smt(leaves)

    @cached_property
    def root(self) -> H4:
        """The root hash (``[0,0,0,0]`` for the empty tree)."""
        return _subtree_root(sorted(self.leaves.items()), 0)

    @property
    def root_bytes(self) -> bytes:
        """The root as 32 bytes, ``h3 ‖ h2 ‖ h1 ‖ h0`` big-endian (``h4toString``)."""
        return h4_to_bytes32(self.root)

    @property
    def root_hex(self) -> str:
        """The root as ``0x`` + 64 hex digits (``h4toString``)."""
        return h4_to_hex(self.root)

    def node_db(self) -> NodeDb:
        """Every node of the tree with its hash preimage (branches, leaves and value hashes).

        This is the ``db`` an executor input carries for its pre-state (zkevm-commonjs
        ``MemDB``; ``smt.js`` ``hashSave`` stores each node under its hash).
        """
        db: NodeDb = {}
        _subtree_root(sorted(self.leaves.items()), 0, db)
        return db

    def node_db_hex(self) -> dict[str, list[str]]:
        """:meth:`node_db` in the executor input's JSON form: ``h4toString`` keys, and each
        element as 16 lower-case hex digits."""
        return {
            h4_to_hex(node): [f"{element:016x}" for element in preimage]
            for node, preimage in self.node_db().items()
        }

    def prove(self, key: H4) -> SmtProof:
        """The siblings along ``key``'s path and the leaf (if any) where the path ends."""
        key = h4(key)
        group = sorted(self.leaves.items())
        siblings: list[H4] = []
        depth = 0
        while len(group) > 1:
            bit = key_bit(key, depth)
            same = [kv for kv in group if key_bit(kv[0], depth) == bit]
            other = [kv for kv in group if key_bit(kv[0], depth) != bit]
            siblings.append(_subtree_root(other, depth + 1))
            group = same
            depth += 1
        leaf = SmtLeaf(group[0][0], group[0][1]) if group else None
        return SmtProof(key, self.get(key), tuple(siblings), leaf)


def verify_proof(root: H4, proof: SmtProof) -> bool:
    """Whether ``proof`` shows ``proof.key → proof.value`` (``0``: absent) under ``root``.

    The node at the end of the path is recomputed (the leaf, or the empty subtree), then hashed up
    with the siblings, going right where the key's path bit is 1. The leaf must lie on the key's
    path; for an inclusion it must be ``(key, value)``, for an exclusion it must be absent or have
    another key. Malformed roots raise :class:`~l2spec.errors.DecodingError`.
    """
    root = h4(root)
    depth = len(proof.siblings)
    leaf = proof.leaf
    if leaf is None:
        if proof.value != 0:
            return False
        node = ZERO_H4
    else:
        if path_bits(leaf.key, depth) != path_bits(proof.key, depth):
            return False
        if proof.value != 0 and (leaf.key != proof.key or leaf.value != proof.value):
            return False
        if proof.value == 0 and leaf.key == proof.key:
            return False
        node = hash_leaf(remaining_key(leaf.key, depth), hash_value(leaf.value))
    for d in reversed(range(depth)):
        sibling = proof.siblings[d]
        node = hash_branch(sibling, node) if key_bit(proof.key, d) else hash_branch(node, sibling)
    return node == root


# --- accounts -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ZkAccount:
    """What the state tree holds for one address; zero / empty fields have no leaf."""

    balance: int = 0
    nonce: int = 0
    code: bytes = b""
    storage: Mapping[int, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _check_value(self.balance)
        _check_value(self.nonce)
        if not isinstance(self.code, bytes | bytearray):
            raise DecodingError("account code must be bytes")
        for slot, value in self.storage.items():
            _check_value(slot)
            _check_value(value)
        object.__setattr__(self, "storage", MappingProxyType(dict(self.storage)))


def account_leaves(address: Address, account: ZkAccount) -> list[tuple[H4, int]]:
    """The ``(key, value)`` pairs of one account, zero values included (setting them deletes).

    Balance and nonce (``state-utils.js`` ``setAccountState``); for non-empty code the code hash
    as a number (``h4toScalar(hashContractBytecode(code))``) and the code length in bytes
    (``setContractBytecode``); one leaf per storage slot (``setContractStorage``).
    """
    items = [
        (key_balance(address), account.balance),
        (key_nonce(address), account.nonce),
    ]
    if account.code:
        items.append((key_contract_code(address), hash_contract_bytecode_scalar(account.code)))
        items.append((key_contract_length(address), len(account.code)))
    for slot, value in sorted(account.storage.items()):
        items.append((key_contract_storage(address, slot), value))
    return items


def state_tree(accounts: Mapping[Address, ZkAccount]) -> Smt:
    """The state tree holding every account of ``accounts``."""
    items: list[tuple[H4, int]] = []
    for address_, account in accounts.items():
        items.extend(account_leaves(address_, account))
    return Smt.from_items(items)


def state_root(accounts: Mapping[Address, ZkAccount]) -> H4:
    """The state root of an account set (the genesis root, ``setGenesisBlock``)."""
    return state_tree(accounts).root
