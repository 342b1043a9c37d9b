"""Output roots (``specs/protocol/proposals.md`` §L2 Output Commitment Construction).

Independent checks: the 128-byte preimage equals ``eth_abi.encode`` of four ``bytes32`` (what
``Hashing.hashOutputRootProof`` hashes), and the message passer storage root is read from a state
trie built by the ``trie`` package. The portal tests add the real-contract check of the whole
proof path."""

from __future__ import annotations

import eth_abi
import pytest
from trie.hexary import HexaryTrie

from l2spec.errors import DecodingError
from l2spec.spec.common.keccak import keccak256
from l2spec.spec.common.trie import EMPTY_TRIE_ROOT, Account, encode_account
from l2spec.spec.common.types import ZERO_HASH, Hash32, hash32
from l2spec.spec.optimistic.outputs import (
    L2_TO_L1_MESSAGE_PASSER,
    OUTPUT_VERSION_V0,
    OutputRootProof,
    decode_output_root_proof,
    encode_output_root_proof,
    output_root,
    output_root_proof_from_state,
    output_root_proof_v0,
)

STATE = hash32(b"\x11" * 32)
STORAGE = hash32(b"\x22" * 32)
BLOCK = hash32(b"\x33" * 32)


def test_version_zero_and_preimage() -> None:
    proof = output_root_proof_v0(STATE, STORAGE, BLOCK)
    assert proof.version == OUTPUT_VERSION_V0 == ZERO_HASH
    preimage = eth_abi.encode(["bytes32"] * 4, [ZERO_HASH, STATE, STORAGE, BLOCK])
    assert encode_output_root_proof(proof) == preimage
    assert output_root(proof) == keccak256(preimage)
    assert decode_output_root_proof(preimage) == proof


def test_every_field_is_committed() -> None:
    base = output_root_proof_v0(STATE, STORAGE, BLOCK)
    other = hash32(b"\x44" * 32)
    variants = [
        OutputRootProof(other, STATE, STORAGE, BLOCK),
        OutputRootProof(ZERO_HASH, other, STORAGE, BLOCK),
        OutputRootProof(ZERO_HASH, STATE, other, BLOCK),
        OutputRootProof(ZERO_HASH, STATE, STORAGE, other),
    ]
    assert len({output_root(v) for v in variants} | {output_root(base)}) == 5


def test_malformed_proofs() -> None:
    with pytest.raises(DecodingError):
        decode_output_root_proof(bytes(127))
    with pytest.raises(DecodingError):
        encode_output_root_proof(OutputRootProof(ZERO_HASH, Hash32(b"\x01"), STORAGE, BLOCK))


def test_output_root_proof_from_state() -> None:
    db: dict[bytes, bytes] = {}
    state = HexaryTrie(db)
    passer = Account(nonce=0, balance=0, storage_root=STORAGE)
    state[keccak256(L2_TO_L1_MESSAGE_PASSER)] = encode_account(passer)
    state[keccak256(b"\x01" * 20)] = encode_account(Account(nonce=1, balance=5))
    root = Hash32(state.root_hash)
    proof = output_root_proof_from_state(db, root, BLOCK)
    assert proof == OutputRootProof(ZERO_HASH, root, STORAGE, BLOCK)
    # without a message passer account its storage root is that of the empty trie
    db2: dict[bytes, bytes] = {}
    state2 = HexaryTrie(db2)
    state2[keccak256(b"\x01" * 20)] = encode_account(Account(nonce=1, balance=5))
    proof2 = output_root_proof_from_state(db2, Hash32(state2.root_hash), BLOCK)
    assert proof2.message_passer_storage_root == EMPTY_TRIE_ROOT
