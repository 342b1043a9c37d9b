"""The Merkle Patricia Trie: roots, accounts, and Merkle proofs of accounts and storage slots.

Yellow Paper Appendix D (modified Merkle Patricia Trie) and §4.1 (world state): the world state
maps ``keccak256(address)`` to the RLP of the account ``[nonce, balance, storageRoot, codeHash]``;
an account's storage maps ``keccak256(slot as a 32-byte word)`` to the RLP of the slot's non-zero
value. Transaction and receipt roots key each item by ``rlp(index)`` (§4.3).

Roots and proofs are *built* with the ``trie`` package's ``HexaryTrie``. Proofs are *verified* by
this module's own walk (:func:`verify_proof`), written from Appendix D and go-ethereum's
``trie.VerifyProof`` (``trie/proof.go``), because a verifier of untrusted proofs must refuse every
malformed proof with one typed error, :class:`InvalidProofError`. A proof is the list of RLP-encoded
trie nodes on the path from the root to the key, in the form of ``eth_getProof`` (EIP-1186): nodes
that are embedded in their parent (encodings shorter than 32 bytes) are not listed separately.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from trie.exceptions import MissingTrieNode
from trie.hexary import HexaryTrie

from l2spec.errors import DecodingError, L2SpecError
from l2spec.spec.common import rlp
from l2spec.spec.common.keccak import KECCAK_EMPTY, keccak256
from l2spec.spec.common.types import U256_MAX, Address, Hash32, hash32, uint256_to_bytes

EMPTY_TRIE_ROOT = Hash32(
    bytes.fromhex("56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421")
)
"""Root of the empty trie, ``keccak256(rlp(b""))`` (Yellow Paper Appendix D)."""


class InvalidProofError(DecodingError):
    """A Merkle proof that does not prove anything about the given root: a missing or malformed
    node, or a path that does not lead where the key says."""


class MissingNodeError(L2SpecError):
    """The node database given to a prover does not hold the trie under the given root."""


# ---------------------------------------------------------------------------------------------
# Roots
# ---------------------------------------------------------------------------------------------


def trie_root(items: Mapping[bytes, bytes]) -> Hash32:
    """The root of the trie holding ``items`` (keys are used as given; empty values are absent)."""
    trie = HexaryTrie({})
    for key, value in items.items():
        if value:
            trie[bytes(key)] = bytes(value)
    return Hash32(bytes(trie.root_hash))


def ordered_trie_root(values: Sequence[bytes]) -> Hash32:
    """The root of the trie that maps ``rlp(i)`` to ``values[i]``: the transactions root and the
    receipts root of a block header (Yellow Paper §4.3, equations 33-34)."""
    return trie_root({rlp.encode(index): value for index, value in enumerate(values)})


def secure_trie_root(items: Mapping[bytes, bytes]) -> Hash32:
    """The root of a *secure* trie, whose keys are hashed: ``keccak256(key) -> value``."""
    return trie_root({keccak256(key): value for key, value in items.items()})


def storage_key(slot: int) -> Hash32:
    """The key of storage slot ``slot`` in an account's storage trie: keccak of the 32-byte word."""
    return keccak256(uint256_to_bytes(slot))


def encode_storage_value(value: int) -> bytes:
    """How a non-zero storage value is held in the storage trie: ``rlp(value)`` (zero is absent)."""
    if not 0 <= value <= U256_MAX:
        raise rlp.EncodingError(f"storage value out of uint256 range: {value}")
    return rlp.encode(value) if value else b""


def storage_root(storage: Mapping[int, int]) -> Hash32:
    """The storage root of an account holding ``storage`` (slot -> value)."""
    return trie_root({storage_key(slot): encode_storage_value(v) for slot, v in storage.items()})


# ---------------------------------------------------------------------------------------------
# Accounts
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Account:
    """An account of the world state (Yellow Paper §4.1)."""

    nonce: int
    balance: int
    storage_root: Hash32 = EMPTY_TRIE_ROOT
    code_hash: Hash32 = KECCAK_EMPTY


def encode_account(account: Account) -> bytes:
    """``rlp([nonce, balance, storageRoot, codeHash])``: the account's leaf in the state trie."""
    fields: list[int | bytes] = [
        account.nonce,
        account.balance,
        account.storage_root,
        account.code_hash,
    ]
    encoded: bytes = rlp.encode(fields)
    return encoded


def decode_account(data: bytes) -> Account:
    """Inverse of :func:`encode_account`; anything else is a :class:`DecodingError`."""
    fields = rlp.decode_list(rlp.decode(data), 4)
    return Account(
        nonce=rlp.decode_uint_max(fields[0], 64),
        balance=rlp.decode_uint_max(fields[1], 256),
        storage_root=hash32(rlp.decode_bytes(fields[2], 32)),
        code_hash=hash32(rlp.decode_bytes(fields[3], 32)),
    )


# ---------------------------------------------------------------------------------------------
# Proofs
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountProof:
    """A Merkle proof of one account (or of its absence) in a state trie (EIP-1186 ``accountProof``)."""

    address: Address
    account: Account | None
    nodes: tuple[bytes, ...]


@dataclass(frozen=True)
class StorageProof:
    """A Merkle proof of one storage slot's value in a storage trie (EIP-1186 ``storageProof``)."""

    slot: int
    value: int
    nodes: tuple[bytes, ...]


def prove_key(
    db: Mapping[bytes, bytes], root: Hash32, key: bytes
) -> tuple[tuple[bytes, ...], bytes]:
    """The encoded proof nodes and the value (``b""`` if absent) of ``key`` under ``root``."""
    if root == EMPTY_TRIE_ROOT:
        return (), b""
    trie = HexaryTrie(db, root_hash=root)
    try:
        decoded_nodes = trie.get_proof(key)  # type: ignore[no-untyped-call]
        value = bytes(trie.get(key))
    except MissingTrieNode as exc:
        raise MissingNodeError(f"the node database lacks a node of trie {root.hex()}") from exc
    encoded = [rlp.encode(node) for node in decoded_nodes]
    # Embedded nodes (shorter than 32 bytes) are inside their parent's encoding already.
    nodes = tuple(node for i, node in enumerate(encoded) if i == 0 or len(node) >= 32)
    return nodes, value


def prove_account(db: Mapping[bytes, bytes], state_root: Hash32, address: Address) -> AccountProof:
    """The proof of ``address``'s account in the state trie ``state_root`` held in ``db``."""
    nodes, value = prove_key(db, state_root, keccak256(address))
    return AccountProof(address, decode_account(value) if value else None, nodes)


def prove_storage(db: Mapping[bytes, bytes], storage_root: Hash32, slot: int) -> StorageProof:
    """The proof of storage slot ``slot`` in the storage trie ``storage_root`` held in ``db``."""
    nodes, value = prove_key(db, storage_root, storage_key(slot))
    return StorageProof(slot, _decode_storage_value(value) if value else 0, nodes)


def _nibbles(key: bytes) -> tuple[int, ...]:
    return tuple(n for byte in key for n in (byte >> 4, byte & 0x0F))


def _decode_hex_prefix(encoded: rlp.Decoded) -> tuple[tuple[int, ...], bool]:
    """Hex-prefix decoding (Yellow Paper Appendix C): ``(nibbles, is_leaf)``."""
    if not isinstance(encoded, bytes) or not encoded:
        raise InvalidProofError("trie node: bad hex-prefix path")
    flag = encoded[0] >> 4
    if flag > 3 or (flag in (0, 2) and encoded[0] & 0x0F):
        raise InvalidProofError("trie node: bad hex-prefix flag")
    path = _nibbles(encoded)[1 if flag & 1 else 2 :]
    return path, bool(flag & 2)


def verify_proof(root: Hash32, key: bytes, nodes: Sequence[bytes]) -> bytes | None:
    """The value that ``nodes`` prove for ``key`` in the trie ``root``, or ``None`` if they prove
    that ``key`` is absent. Raises :class:`InvalidProofError` on any proof that proves neither.

    Walk from the root: a reference is a 32-byte hash (look the node up among the proof nodes by
    its keccak), an embedded node (a list, in place), or the empty string (nothing there). A branch
    node has 16 children and a value; an extension or leaf node has a hex-prefix path and a child
    or value (Appendix D).
    """
    by_hash: dict[bytes, bytes] = {}
    for proof_node in nodes:
        if not isinstance(proof_node, bytes):
            raise InvalidProofError("proof nodes are byte strings")
        by_hash[keccak256(proof_node)] = proof_node
    path = _nibbles(bytes(key))
    reference: rlp.Decoded = bytes(root)
    while True:
        node: rlp.Decoded
        if isinstance(reference, list):
            node = reference
        elif reference == b"":
            return None
        elif len(reference) == 32:
            if reference == EMPTY_TRIE_ROOT:
                return None
            encoded = by_hash.get(reference)
            if encoded is None:
                raise InvalidProofError(f"proof lacks trie node {reference.hex()}")
            try:
                node = rlp.decode(encoded)
            except DecodingError as exc:
                raise InvalidProofError(f"proof node is not RLP: {exc}") from exc
        else:
            raise InvalidProofError("trie node reference is neither a hash nor an embedded node")
        if not isinstance(node, list):
            raise InvalidProofError("trie node is not a list")
        if len(node) == 17:
            if not path:
                value = node[16]
                if not isinstance(value, bytes):
                    raise InvalidProofError("branch node value is not a byte string")
                return value or None
            reference, path = node[path[0]], path[1:]
        elif len(node) == 2:
            node_path, is_leaf = _decode_hex_prefix(node[0])
            if is_leaf:
                if path != node_path:
                    return None
                if not isinstance(node[1], bytes) or not node[1]:
                    raise InvalidProofError("leaf node value is not a non-empty byte string")
                return node[1]
            if not node_path:
                raise InvalidProofError("extension node with an empty path")
            if path[: len(node_path)] != node_path:
                return None
            reference, path = node[1], path[len(node_path) :]
        else:
            raise InvalidProofError(f"trie node has {len(node)} items, not 2 or 17")


def _decode_storage_value(value: bytes) -> int:
    number: int = rlp.decode_uint_max(rlp.decode(value), 256)
    if number == 0:
        raise DecodingError("storage trie holds a zero value")
    return number


def verify_account_proof(
    state_root: Hash32, address: Address, proof: AccountProof | Sequence[bytes]
) -> Account | None:
    """The account that ``proof`` proves for ``address`` under ``state_root`` (``None``: absent).

    An :class:`AccountProof` whose stated ``account`` differs from what its nodes prove, or whose
    address is another, is an :class:`InvalidProofError`.
    """
    nodes = proof.nodes if isinstance(proof, AccountProof) else tuple(proof)
    value = verify_proof(state_root, keccak256(address), nodes)
    try:
        account = decode_account(value) if value is not None else None
    except DecodingError as exc:
        raise InvalidProofError(f"proven account is malformed: {exc}") from exc
    if isinstance(proof, AccountProof) and (proof.account != account or proof.address != address):
        raise InvalidProofError("account proof states another account than its nodes prove")
    return account


def verify_storage_proof(
    storage_root: Hash32, slot: int, proof: StorageProof | Sequence[bytes]
) -> int:
    """The value that ``proof`` proves for storage slot ``slot`` under ``storage_root`` (0: absent).

    A :class:`StorageProof` whose stated slot or value differs from what its nodes prove is an
    :class:`InvalidProofError`.
    """
    nodes = proof.nodes if isinstance(proof, StorageProof) else tuple(proof)
    raw = verify_proof(storage_root, storage_key(slot), nodes)
    try:
        value = _decode_storage_value(raw) if raw is not None else 0
    except DecodingError as exc:
        raise InvalidProofError(f"proven storage value is malformed: {exc}") from exc
    if isinstance(proof, StorageProof) and (proof.value != value or proof.slot != slot):
        raise InvalidProofError("storage proof states another value than its nodes prove")
    return value
