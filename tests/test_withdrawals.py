"""Withdrawal hashing, the message passer's storage slot and event, and withdrawal proofs.

Known answers: /work/shared/vectors/opstack/withdrawal-hash.json (optimism
op-chain-ops/crossdomain/withdrawal_test.go). Independent check: the REAL ``L2ToL1MessagePasser``
deployed bytecode from @eth-optimism/contracts-bedrock run on py-evm (Cancun), whose storage, event
and state trie we read back through our own functions.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import eth_abi
import pytest
from eth.chains.base import MiningChain
from eth.db.atomic import AtomicDB
from eth.vm.forks.cancun import CancunVM
from eth_keys import keys

from l2spec.errors import DecodingError
from l2spec.paths import node_modules_dir, vectors_dir
from l2spec.spec.common.keccak import keccak256
from l2spec.spec.common.l1 import Log
from l2spec.spec.common.trie import prove_account, prove_storage, verify_storage_proof
from l2spec.spec.common.types import Hash32, address, hash32, hex_to_bytes
from l2spec.spec.optimistic.outputs import (
    L2_TO_L1_MESSAGE_PASSER,
    output_root,
    output_root_proof_from_state,
)
from l2spec.spec.optimistic.withdrawals import (
    MESSAGE_PASSED_TOPIC,
    MESSAGE_VERSION,
    Withdrawal,
    WithdrawalProof,
    decode_message_passed_log,
    decode_versioned_nonce,
    encode_versioned_nonce,
    encode_withdrawal,
    message_passed_log,
    prove_withdrawal,
    sent_messages_slot,
    verify_withdrawal_proof,
    withdrawal_hash,
)


def _vector_cases() -> list[dict[str, str]]:
    path = vectors_dir() / "opstack" / "withdrawal-hash.json"
    assert path.is_file(), f"missing upstream vector file {path}"
    doc = json.loads(path.read_text())
    assert doc["kind"] == "withdrawal_hash"
    cases: list[dict[str, str]] = doc["cases"]
    assert cases
    return cases


def _withdrawal(case: dict[str, str]) -> Withdrawal:
    return Withdrawal(
        nonce=int(case["nonce"]),
        sender=address(case["sender"]),
        target=address(case["target"]),
        value=int(case["value"]),
        gas_limit=int(case["gas_limit"]),
        data=hex_to_bytes(case["data"]),
    )


def test_upstream_withdrawal_vectors() -> None:
    for case in _vector_cases():
        w = _withdrawal(case)
        assert withdrawal_hash(w) == hash32(case["expected_hash"])
        slot = sent_messages_slot(withdrawal_hash(w))
        assert slot.to_bytes(32, "big") == hash32(case["expected_slot"])


def test_abi_encoding_matches_eth_abi() -> None:
    for case in _vector_cases():
        w = _withdrawal(case)
        expected = eth_abi.encode(
            ["uint256", "address", "address", "uint256", "uint256", "bytes"],
            [w.nonce, w.sender, w.target, w.value, w.gas_limit, w.data],
        )
        assert encode_withdrawal(w) == expected


def test_message_passed_topic_is_the_abi_event() -> None:
    art = _artifact("L2ToL1MessagePasser")
    (event,) = [e for e in art["abi"] if e["type"] == "event" and e["name"] == "MessagePassed"]
    signature = f"MessagePassed({','.join(i['type'] for i in event['inputs'])})"
    assert keccak256(signature.encode()) == MESSAGE_PASSED_TOPIC
    assert [i["indexed"] for i in event["inputs"]] == [True, True, True] + [False] * 4
    # sentMessages is at slot 0 of the real storage layout
    (sent,) = [s for s in art["storageLayout"]["storage"] if s["label"] == "sentMessages"]
    assert sent["slot"] == "0"


def test_versioned_nonce() -> None:
    assert encode_versioned_nonce(5, 1) == (1 << 240) + 5
    assert decode_versioned_nonce((1 << 240) + 5) == (5, 1)
    assert decode_versioned_nonce(encode_versioned_nonce(2**240 - 1, 2**16 - 1)) == (
        2**240 - 1,
        2**16 - 1,
    )
    with pytest.raises(DecodingError):
        encode_versioned_nonce(2**240, 1)
    with pytest.raises(DecodingError):
        encode_versioned_nonce(0, 2**16)


def _artifact(name: str) -> dict[str, Any]:
    path: Path = (
        node_modules_dir()
        / "@eth-optimism"
        / "contracts-bedrock"
        / "forge-artifacts"
        / f"{name}.sol"
        / f"{name}.json"
    )
    assert path.is_file(), f"missing contract artifact {path}"
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def _run_message_passer(
    calls: list[tuple[bytes, int, bytes, int]],
) -> tuple[AtomicDB, Hash32, bytes, list[Any]]:
    """Deploy the real L2ToL1MessagePasser at its predeploy address on py-evm and send one
    ``initiateWithdrawal(target, gasLimit, data)`` transaction per call (with ``value``).
    Returns the node db, the persisted state root, the sender and each receipt's logs."""
    code = hex_to_bytes(_artifact("L2ToL1MessagePasser")["deployedBytecode"]["object"])
    key = keys.PrivateKey(b"\x01" * 32)
    sender = key.public_key.to_canonical_address()
    chain_class = MiningChain.configure(
        __name__="MessagePasserChain", vm_configuration=((0, CancunVM),), chain_id=901
    )
    genesis_params = {
        "difficulty": 0,
        "gas_limit": 30_000_000,
        "timestamp": 1,
        "coinbase": b"\0" * 20,
        "extra_data": b"",
        "nonce": b"\0" * 8,
        "mix_hash": b"\0" * 32,
        "base_fee_per_gas": 1,
    }
    genesis_state = {
        sender: {"balance": 10**21, "nonce": 0, "code": b"", "storage": {}},
        L2_TO_L1_MESSAGE_PASSER: {"balance": 0, "nonce": 0, "code": code, "storage": {}},
    }
    db = AtomicDB()
    chain = chain_class.from_genesis(db, genesis_params, genesis_state)
    vm = chain.get_vm()
    selector = keccak256(b"initiateWithdrawal(address,uint256,bytes)")[:4]
    logs = []
    for nonce, (target, gas_limit, data, value) in enumerate(calls):
        calldata = selector + eth_abi.encode(
            ["address", "uint256", "bytes"], [target, gas_limit, data]
        )
        tx = vm.create_unsigned_transaction(
            nonce=nonce,
            gas_price=10,
            gas=1_000_000,
            to=L2_TO_L1_MESSAGE_PASSER,
            value=value,
            data=calldata,
        ).as_signed_transaction(key)
        receipt, computation = vm.apply_transaction(vm.get_header(), tx)
        assert computation.is_success
        logs.append(receipt.logs)
    vm.state.persist()
    return db, Hash32(vm.state.state_root), sender, logs


def _to_log(evm_log: Any) -> Log:
    return Log(
        address(evm_log.address),
        tuple(Hash32(t.to_bytes(32, "big")) for t in evm_log.topics),
        bytes(evm_log.data),
    )


CALLS = [
    (b"\x33" * 20, 100_000, b"", 123),
    (b"\x44" * 20, 21_000, bytes(range(70)), 0),
    (b"\x55" * 20, 2**200, b"\xff" * 32, 10**18),
]


def test_real_message_passer_agrees_with_our_hash_slot_and_proofs() -> None:
    db, state_root, sender, logs = _run_message_passer(CALLS)
    account_proof = prove_account(db, state_root, L2_TO_L1_MESSAGE_PASSER)
    assert account_proof.account is not None
    storage_root = account_proof.account.storage_root
    assert account_proof.account.balance == sum(value for *_, value in CALLS)
    output = output_root_proof_from_state(db, state_root, hash32(b"\x09" * 32))
    assert output.message_passer_storage_root == storage_root

    for index, ((target, gas_limit, data, value), receipt_logs) in enumerate(
        zip(CALLS, logs, strict=True)
    ):
        (evm_log,) = receipt_logs
        log = _to_log(evm_log)
        ours = Withdrawal(
            nonce=encode_versioned_nonce(index, MESSAGE_VERSION),
            sender=address(sender),
            target=address(target),
            value=value,
            gas_limit=gas_limit,
            data=data,
        )
        w_hash = withdrawal_hash(ours)
        # the event: its withdrawalHash field is ours, and it decodes to our withdrawal
        assert log.topics[0] == MESSAGE_PASSED_TOPIC
        assert log.data[96:128] == w_hash
        assert decode_message_passed_log(log) == ours
        assert message_passed_log(ours) == log
        # storage: sentMessages[hash] at the slot we name holds 1
        slot = sent_messages_slot(w_hash)
        storage_proof = prove_storage(db, storage_root, slot)
        assert storage_proof.value == 1
        assert verify_storage_proof(output.message_passer_storage_root, slot, storage_proof) == 1
        # the withdrawal proof verifies; for another hash it does not
        proof = prove_withdrawal(db, storage_root, w_hash)
        assert verify_withdrawal_proof(storage_root, w_hash, proof)
        other = withdrawal_hash(
            Withdrawal(ours.nonce, ours.sender, ours.target, value + 1, gas_limit, data)
        )
        assert not verify_withdrawal_proof(
            storage_root, other, prove_withdrawal(db, storage_root, other)
        )
        assert not verify_withdrawal_proof(storage_root, other, proof)
        assert not verify_withdrawal_proof(output_root(output), w_hash, proof)
    # msgNonce (slot 1) counts the withdrawals
    assert prove_storage(db, storage_root, 1).value == len(CALLS)


def test_tampered_withdrawal_proofs_fail() -> None:
    db, state_root, _sender, logs = _run_message_passer(CALLS)
    account = prove_account(db, state_root, L2_TO_L1_MESSAGE_PASSER).account
    assert account is not None
    w = decode_message_passed_log(_to_log(logs[0][0]))
    proof = prove_withdrawal(db, account.storage_root, withdrawal_hash(w))
    assert verify_withdrawal_proof(account.storage_root, withdrawal_hash(w), proof)
    for i, node in enumerate(proof.nodes):
        dropped = WithdrawalProof(proof.nodes[:i] + proof.nodes[i + 1 :])
        assert not verify_withdrawal_proof(account.storage_root, withdrawal_hash(w), dropped)
        for j in range(0, len(node), 7):
            changed = bytearray(node)
            changed[j] ^= 0x80
            bad = WithdrawalProof((*proof.nodes[:i], bytes(changed), *proof.nodes[i + 1 :]))
            assert not verify_withdrawal_proof(account.storage_root, withdrawal_hash(w), bad)


def test_malformed_message_passed_logs_are_decoding_errors() -> None:
    w = Withdrawal(
        encode_versioned_nonce(3, 1), address(b"\x01" * 20), address(b"\x02" * 20), 5, 7, b"hey"
    )
    good = message_passed_log(w)
    assert decode_message_passed_log(good) == w
    bad_logs = [
        Log(address(b"\x00" * 20), good.topics, good.data),  # wrong emitter
        Log(good.address, good.topics[:3], good.data),  # missing topic
        Log(good.address, (keccak256(b"x"), *good.topics[1:]), good.data),  # wrong event
        Log(good.address, (*good.topics[:2], Hash32(b"\x01" * 32), good.topics[3]), good.data),
        Log(good.address, good.topics, good.data[:-1]),  # truncated
        Log(good.address, good.topics, good.data + bytes(32)),  # trailing word
        Log(good.address, good.topics, good.data[:-1] + b"\x01"),  # non-zero padding
        Log(good.address, good.topics, good.data[:96] + bytes(32) + good.data[128:]),  # hash
        Log(good.address, good.topics, good.data[:64] + (160).to_bytes(32, "big") + good.data[96:]),
        Log(good.address, good.topics, b""),
    ]
    for log in bad_logs:
        with pytest.raises(DecodingError):
            decode_message_passed_log(log)
