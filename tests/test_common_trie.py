"""Merkle Patricia Trie roots and proofs.

Known answers: go-ethereum ``trie/trie_test.go`` TestInsert (the "doe/dog/dogglesworth" and "A"
roots), parity's ``triehash`` tests (secure and ordered roots of the same data), and the proof nodes
of the Rust ``eth-trie`` crate's ``test_proof_basic`` (an independent prover). Tampering: every
single-byte change, dropped node or false claim makes verification raise ``InvalidProofError``.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from trie.hexary import HexaryTrie

from l2spec.errors import DecodingError
from l2spec.spec.common import rlp
from l2spec.spec.common.keccak import keccak256
from l2spec.spec.common.trie import (
    EMPTY_TRIE_ROOT,
    Account,
    AccountProof,
    InvalidProofError,
    StorageProof,
    decode_account,
    encode_account,
    ordered_trie_root,
    prove_account,
    prove_key,
    prove_storage,
    secure_trie_root,
    storage_key,
    storage_root,
    trie_root,
    verify_account_proof,
    verify_proof,
    verify_storage_proof,
)
from l2spec.spec.common.types import Address, Hash32, address, hash32

DOGS = {b"doe": b"reindeer", b"dog": b"puppy", b"dogglesworth": b"cat"}
DOGS_ROOT = hash32("0x8aad789dff2f538bca5d8ea56e8abe10f4c7ba3a5dea95fea4cd6e7c3a1168d3")


def test_empty_root() -> None:
    assert keccak256(rlp.encode(b"")) == EMPTY_TRIE_ROOT
    assert trie_root({}) == EMPTY_TRIE_ROOT
    assert ordered_trie_root([]) == EMPTY_TRIE_ROOT
    assert storage_root({}) == EMPTY_TRIE_ROOT
    assert storage_root({5: 0}) == EMPTY_TRIE_ROOT  # zero values are absent


def test_known_roots() -> None:
    # go-ethereum trie/trie_test.go TestInsert
    assert trie_root(DOGS) == DOGS_ROOT
    assert trie_root({b"A": b"a" * 50}) == hash32(
        "0xd23786fb4a010da3ce639d66d5e904a11dbc02746d1ce25029e53290cabf28ab"
    )
    # parity-common triehash tests: test_sec_trie_root, test_ordered_trie_root
    assert secure_trie_root(DOGS) == hash32(
        "0xd4cd937e4a4368d7931a9cf51686b7e10abb3dce38a39000fd7902a092b64585"
    )
    assert ordered_trie_root([b"doe", b"reindeer"]) == hash32(
        "0xe766d5d51b89dc39d981b41bda63248d7abce4f0225eefd023792a540bcffee3"
    )


# eth-trie (Rust) test_proof_basic: proofs in the DOGS trie, from an independent prover.
DOE_PROOF = (
    bytes.fromhex("e5831646f6a0db6ae1fda66890f6693f36560d36b4dca68b4d838f17016b151efe1d4c95c453"),
    bytes.fromhex(
        "f83b8080808080ca20887265696e6465657280a037efd11993cb04a54048c25320e9f29c50a432d28afdf01598b2978ce1ca3068808080808080808080"
    ),
)
DOGG_PROOF = (
    *DOE_PROOF,
    bytes.fromhex("e4808080808080ce89376c6573776f72746883636174808080808080808080857075707079"),
)


def test_verify_upstream_proofs() -> None:
    assert verify_proof(DOGS_ROOT, b"doe", DOE_PROOF) == b"reindeer"
    assert verify_proof(DOGS_ROOT, b"dogg", DOGG_PROOF) is None  # proof of absence
    assert verify_proof(DOGS_ROOT, b"dog", DOGG_PROOF) == b"puppy"
    assert verify_proof(DOGS_ROOT, b"dogglesworth", DOGG_PROOF) == b"cat"
    with pytest.raises(InvalidProofError):
        verify_proof(DOGS_ROOT, b"doe", [])
    with pytest.raises(InvalidProofError):
        verify_proof(DOGS_ROOT, b"doe", [b"aaa", b"ccc"])
    with pytest.raises(InvalidProofError):
        verify_proof(DOGS_ROOT, b"dogg", DOE_PROOF)  # a node on the path is missing


def test_our_prover_matches_upstream_nodes() -> None:
    db: dict[bytes, bytes] = {}
    t = HexaryTrie(db)
    for k, v in DOGS.items():
        t[k] = v

    assert prove_key(db, DOGS_ROOT, b"doe") == (DOE_PROOF, b"reindeer")
    assert prove_key(db, DOGS_ROOT, b"dogg") == (DOGG_PROOF, b"")


def _tampered(nodes: tuple[bytes, ...]) -> list[tuple[bytes, ...]]:
    """Every proof that differs from ``nodes`` by one flipped bit of one byte, or one node dropped."""
    out: list[tuple[bytes, ...]] = []
    for i, node in enumerate(nodes):
        out.append(nodes[:i] + nodes[i + 1 :])
        for j in range(len(node)):
            changed = bytearray(node)
            changed[j] ^= 0x01
            out.append((*nodes[:i], bytes(changed), *nodes[i + 1 :]))
    return out


def test_every_tampered_upstream_proof_is_rejected() -> None:
    for proof in _tampered(DOGG_PROOF):
        with pytest.raises(InvalidProofError):
            verify_proof(DOGS_ROOT, b"dogg", proof)


def _state(accounts: dict[Address, Account]) -> tuple[dict[bytes, bytes], Hash32]:
    db: dict[bytes, bytes] = {}
    t = HexaryTrie(db)
    for addr, account in accounts.items():
        t[keccak256(addr)] = encode_account(account)
    return db, Hash32(t.root_hash)


ACCOUNTS = {
    address(bytes([i]) * 20): Account(nonce=i, balance=10**18 * i, storage_root=EMPTY_TRIE_ROOT)
    for i in range(1, 40)
}


def test_account_proofs() -> None:
    db, root = _state(ACCOUNTS)
    for addr, account in list(ACCOUNTS.items())[:8]:
        proof = prove_account(db, root, addr)
        assert proof.account == account
        assert verify_account_proof(root, addr, proof) == account
        assert verify_account_proof(root, addr, proof.nodes) == account
    absent = address(b"\xee" * 20)
    proof = prove_account(db, root, absent)
    assert proof.account is None
    assert verify_account_proof(root, absent, proof) is None


def test_tampered_account_proofs_are_rejected() -> None:
    db, root = _state(ACCOUNTS)
    addr = address(b"\x07" * 20)
    proof = prove_account(db, root, addr)
    for nodes in _tampered(proof.nodes):
        with pytest.raises(InvalidProofError):
            verify_account_proof(root, addr, nodes)
    # a true proof with a false claim
    liar = AccountProof(addr, Account(nonce=7, balance=1), proof.nodes)
    with pytest.raises(InvalidProofError):
        verify_account_proof(root, addr, liar)
    # another account's proof for this address
    other = prove_account(db, root, address(b"\x08" * 20))
    with pytest.raises(InvalidProofError):
        verify_account_proof(root, addr, other)
    # against another root
    with pytest.raises(InvalidProofError):
        verify_account_proof(keccak256(b"other root"), addr, proof)


def test_storage_proofs() -> None:
    storage = {slot: slot * 1000 + 1 for slot in range(30)}
    db: dict[bytes, bytes] = {}
    t = HexaryTrie(db)
    for slot, value in storage.items():
        t[storage_key(slot)] = rlp.encode(value)
    root = Hash32(t.root_hash)
    assert root == storage_root(storage)
    for slot in (0, 7, 29, 12345):
        proof = prove_storage(db, root, slot)
        assert proof.value == storage.get(slot, 0)
        assert verify_storage_proof(root, slot, proof) == storage.get(slot, 0)
    proof = prove_storage(db, root, 7)
    for nodes in _tampered(proof.nodes):
        with pytest.raises(InvalidProofError):
            verify_storage_proof(root, 7, nodes)
    with pytest.raises(InvalidProofError):
        verify_storage_proof(root, 7, StorageProof(7, 1, proof.nodes))
    with pytest.raises(InvalidProofError):
        verify_storage_proof(root, 8, proof)
    # the empty storage trie proves every slot zero with no nodes
    assert verify_storage_proof(EMPTY_TRIE_ROOT, 3, ()) == 0


def test_account_encoding() -> None:
    account = Account(nonce=1, balance=2)
    assert decode_account(encode_account(account)) == account
    with pytest.raises(DecodingError):
        decode_account(rlp.encode([1, 2, b"\x00" * 31, b"\x00" * 32]))


@given(
    st.dictionaries(
        st.binary(min_size=1, max_size=6), st.binary(min_size=1, max_size=40), max_size=25
    ),
    st.binary(min_size=1, max_size=6),
)
def test_proofs_of_random_tries(items: dict[bytes, bytes], key: bytes) -> None:
    db: dict[bytes, bytes] = {}
    t = HexaryTrie(db)
    for k, v in items.items():
        t[k] = v
    root = Hash32(t.root_hash)
    assert root == trie_root(items)

    nodes, value = prove_key(db, root, key)
    assert value == items.get(key, b"")
    assert verify_proof(root, key, nodes) == items.get(key)


@given(st.lists(st.binary(max_size=120), max_size=8), st.binary(min_size=1, max_size=8))
def test_garbage_proofs_only_raise_invalid_proof(nodes: list[bytes], key: bytes) -> None:
    root = keccak256(nodes[0]) if nodes else DOGS_ROOT
    try:
        verify_proof(root, key, nodes)
    except InvalidProofError:
        return
    # If garbage verifies, the first node really is the root of a (tiny) trie holding the answer.
    assert nodes
