"""Checker of the Etrog processor vectors (zkevm-commonjs
``test/helpers/test-vectors/processor/state-transition-etrog.json``).

Each case gives a genesis account set, ``batchL2Data`` and the batch context; the spec's
:func:`~l2spec.spec.zk.executor.execute_batch` must reproduce ``expectedOldRoot``,
``expectedNewRoot``, every account of ``expectedNewLeafs`` (balance, nonce, storage, code hash and
length — and no other account), ``newLocalExitRoot``, ``batchHashData`` and
``expectedNewAccInputHash``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from l2spec.spec.common.types import Address, address, hash32, hex_to_bytes, to_hex
from l2spec.spec.zk.bytecode_hash import hash_contract_bytecode_hex
from l2spec.spec.zk.executor import BatchContext, BatchResult, L1InfoLeaf, execute_batch
from l2spec.spec.zk.goldilocks import h4_to_hex
from l2spec.spec.zk.smt import ZkAccount

ZERO_HEX32 = "0x" + "00" * 32


def genesis_accounts(genesis: list[Mapping[str, Any]]) -> dict[Address, ZkAccount]:
    """The pre-state of a processor vector (``genesis``: address, balance, nonce, bytecode, storage)."""
    accounts: dict[Address, ZkAccount] = {}
    for entry in genesis:
        storage = entry.get("storage") or {}
        accounts[address(entry["address"])] = ZkAccount(
            balance=int(entry["balance"]),
            nonce=int(entry["nonce"]),
            code=hex_to_bytes(entry.get("bytecode") or "0x"),
            storage={int(k, 16): int(v, 16) for k, v in storage.items() if int(v, 16)},
        )
    return accounts


def batch_context(case: Mapping[str, Any]) -> BatchContext:
    """The executor context of a processor vector; the L1 info leaves come from its
    changeL2Block entries (``l1Info`` with ``smtProof``)."""
    leaves: dict[int, L1InfoLeaf] = {}
    for tx in case["txs"]:
        info = tx.get("l1Info")
        if tx.get("type") == 11 and info is not None and int(tx["indexL1InfoTree"]) != 0:
            leaves[int(tx["indexL1InfoTree"])] = L1InfoLeaf(
                global_exit_root=hash32(info["globalExitRoot"]),
                block_hash=hash32(info["blockHash"]),
                timestamp=int(info["timestamp"]),
                smt_proof=tuple(hash32(p) for p in info["smtProof"]),
            )
    return BatchContext(
        chain_id=int(case["chainID"]),
        fork_id=int(case["forkID"]),
        sequencer=address(case["sequencerAddress"]),
        timestamp_limit=int(case["timestampLimit"]),
        l1_info_root=hash32(case["l1InfoRoot"]),
        forced_block_hash_l1=hash32(case.get("forcedBlockHashL1") or ZERO_HEX32),
        l1_info=leaves,
        old_acc_input_hash=hash32(case["oldAccInputHash"]),
    )


def run_case(case: Mapping[str, Any]) -> BatchResult:
    """Execute one processor vector with the spec."""
    return execute_batch(
        genesis_accounts(case["genesis"]), hex_to_bytes(case["batchL2Data"]), batch_context(case)
    )


def leaf_differences(result: BatchResult, expected: Mapping[str, Any]) -> list[str]:
    """What differs between the result's accounts and ``expectedNewLeafs``."""
    problems: list[str] = []
    want = {address(k): v for k, v in expected.items()}
    got = dict(result.accounts)
    extra = sorted(set(got) - set(want))
    if extra:
        problems.append("unexpected accounts " + ", ".join(to_hex(a) for a in extra))
    for who, leaf in want.items():
        account = got.get(who, ZkAccount())
        name = to_hex(who)
        if account.balance != int(leaf["balance"]):
            problems.append(f"{name} balance {account.balance} != {leaf['balance']}")
        if account.nonce != int(leaf["nonce"]):
            problems.append(f"{name} nonce {account.nonce} != {leaf['nonce']}")
        if "storage" in leaf:
            storage = {int(k, 16): int(v, 16) for k, v in (leaf["storage"] or {}).items()}
            storage = {k: v for k, v in storage.items() if v}
            if dict(account.storage) != storage:
                shown = {hex(k): hex(v) for k, v in account.storage.items()}
                problems.append(f"{name} storage {shown} differs from {leaf['storage']}")
        if "hashBytecode" in leaf:
            code_hash = hash_contract_bytecode_hex(account.code) if account.code else ZERO_HEX32
            if code_hash != leaf["hashBytecode"].lower():
                problems.append(f"{name} code hash {code_hash} != {leaf['hashBytecode']}")
        if "bytecodeLength" in leaf and len(account.code) != int(leaf["bytecodeLength"]):
            problems.append(f"{name} code length {len(account.code)} != {leaf['bytecodeLength']}")
    return problems


def check_case(case: Mapping[str, Any]) -> list[str]:
    """Every field of one processor vector that the spec does not reproduce (empty: all match)."""
    result = run_case(case)
    problems: list[str] = []
    pairs = (
        ("expectedOldRoot", h4_to_hex(result.old_state_root), case["expectedOldRoot"]),
        ("expectedNewRoot", h4_to_hex(result.new_state_root), case["expectedNewRoot"]),
        ("newLocalExitRoot", to_hex(result.new_local_exit_root), case["newLocalExitRoot"]),
        ("batchHashData", to_hex(result.batch_hash_data), case["batchHashData"]),
        (
            "expectedNewAccInputHash",
            to_hex(result.new_acc_input_hash),
            case["expectedNewAccInputHash"],
        ),
    )
    for name, got, want in pairs:
        if got != want.lower():
            problems.append(f"{name}: expected {want}, got {got}")
    problems.extend(leaf_differences(result, case["expectedNewLeafs"]))
    return problems


def check_state_transition_etrog(doc: Any) -> list[tuple[bool, str]]:
    """One ``(ok, detail)`` per case of ``processor_state-transition-etrog.json``."""
    results: list[tuple[bool, str]] = []
    for case in doc:
        problems = check_case(case)
        results.append((not problems, "; ".join(problems)))
    return results


FAMILIES: dict[str, Callable[[Any], list[tuple[bool, str]]]] = {
    "processor_state-transition-etrog.json": check_state_transition_etrog,
}
