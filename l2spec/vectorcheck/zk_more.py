"""Checkers of the remaining Polygon zkEVM vector families (block info, L2 tx hash, bridge claims,
and the processor files whose fork the spec executor may not implement).

Files recognised here (upstream path with ``/`` turned into ``_``):

- ``block-info_block-info-tree.json`` (zkevm-commonjs ``test/helpers/test-vectors/block-info/``):
  a block info tree built from a header and receipts (``test/block-info.test.js`` "Compute
  blockInfoTree tests": ``initBlockHeader``, ``fillReceiptTree``, ``setBlockGasUsed``);
- ``block-info_block-info.json``: one processor vector in the ``state-transition`` layout;
- ``block-info_block-info-batches.json``: batches run one after the other on the same state
  (``test/block-info.test.js`` "Check test vectors");
- ``block-info_block-info-input.json``: an executor input (older commonjs versions; fork 1);
- ``l2-tx-hash_txs.json``: L2 transaction hashes (``src/processor-utils.js`` ``computeL2TxHash``),
  including the cases upstream refuses (``"l2TxHash": "failed"``);
- ``mt-bridge_claim-vectors.json`` (zkevm-testvectors ``mt-bridge/``): leaves, root and the proof of
  one leaf of the bridge's depth-32 keccak tree;
- ``processor_state-transition.json``: processor vectors; their fork depends on the upstream
  commit (fork ≤ 6 in 2022–2023, Etrog 7 in January 2024, 12 at ``bb0e77e9``).

The spec executor implements the Etrog rules (:mod:`l2spec.spec.zk.executor`). A case of a
pre-Etrog fork (``forkID`` < 7, or the fork ≤ 6 fields ``globalExitRoot``/``timestamp``) is
reported as **failed** with that reason — recognised but not checked is never a pass. A case of a
later fork is run with the Etrog rules and its differences are reported under that caveat.
Executor options the spec does not have (``skipFirstChangeL2Block``, ``skipWriteBlockInfoRoot``)
fail the batch that sets them, and the batches after it, which depend on its state.

Each checker returns one ``(ok, detail)`` per case; a malformed case is a failed case.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from l2spec.errors import L2SpecError
from l2spec.spec.common.keccak import keccak256
from l2spec.spec.common.types import Address, address, hash32, hex_to_bytes, to_hex
from l2spec.spec.zk import block_info
from l2spec.spec.zk.bridge import deposit_leaf
from l2spec.spec.zk.executor import BatchContext, execute_batch
from l2spec.spec.zk.exit_roots import merkle_proof, tree_from_leaves, tree_root, verify_merkle_proof
from l2spec.spec.zk.goldilocks import h4_to_hex, hex_to_h4
from l2spec.spec.zk.smt import ZkAccount
from l2spec.vectorcheck import zk_batch, zk_exec

Result = list[tuple[bool, str]]

#: The first fork whose batch rules the spec executor implements (Etrog).
ETROG_FORK_ID = 7

_MALFORMED = (L2SpecError, ValueError, KeyError, TypeError, IndexError, AttributeError)


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
    """Run one case's check; an exception from a malformed case is a failed case."""
    try:
        detail = check(case)
    except _MALFORMED as exc:
        return False, f"{label}: malformed case ({type(exc).__name__}: {exc})"
    return (detail == "", f"{label}: {detail}" if detail else "")


def _label(case: Any, index: int) -> str:
    if isinstance(case, dict) and "id" in case:
        return f"case {index} (id {case['id']})"
    return f"case {index}"


def _cases(doc: Any, check: Callable[[Any], str]) -> Result:
    if not isinstance(doc, list):
        return [(False, "the file is not a list of cases")]
    return [_guard(_label(c, i), check, c) for i, c in enumerate(doc)]


# --- processor vectors and the fork they follow ---------------------------------------------------


def pre_etrog_reason(case: Mapping[str, Any]) -> str | None:
    """Why a processor vector cannot be checked by the Etrog executor, or ``None``.

    Pre-Etrog vectors carry ``forkID`` < 7 (or none at all, before forks were numbered) and the
    fork ≤ 6 context ``globalExitRoot``/``timestamp`` instead of ``l1InfoRoot``/``timestampLimit``
    (polygon-zkevm.md §7 "Processor vectors")."""
    fork = case.get("forkID")
    if fork is None:
        return "no forkID: a pre-Etrog vector (before fork numbering)"
    if _int(fork) < ETROG_FORK_ID:
        return f"forkID {_int(fork)} is pre-Etrog"
    if "l1InfoRoot" not in case and ("globalExitRoot" in case or "timestamp" in case):
        return "the fork <= 6 context (globalExitRoot, timestamp) instead of l1InfoRoot"
    return None


def _not_checked(reason: str) -> str:
    return (
        f"not checked: {reason}; the spec executor implements the Etrog rules "
        f"(forkID >= {ETROG_FORK_ID}) only"
    )


def _later_fork_note(case: Mapping[str, Any]) -> str:
    fork = _int(case["forkID"])
    return f"forkID {fork} run with the Etrog rules: " if fork > ETROG_FORK_ID else ""


def check_processor_case(case: Any) -> str:
    """One processor vector (``state-transition`` layout): every difference, or a pre-Etrog
    refusal; empty when the spec reproduces it."""
    reason = pre_etrog_reason(case)
    if reason is not None:
        return _not_checked(reason)
    problems = zk_exec.check_case(case)
    return _later_fork_note(case) + "; ".join(problems) if problems else ""


def check_state_transition(doc: Any) -> Result:
    """``processor_state-transition.json``: each case is executed with the spec (zkevm-commonjs
    ``test/processor.test.js``: old and new root, new leaves, exit root, batchHashData,
    accInputHash), or reported failed when its fork is pre-Etrog."""
    return _cases(doc, check_processor_case)


def check_block_info(doc: Any) -> Result:
    """``block-info_block-info.json``: processor vectors calling a contract that reads the block
    context (``TIMESTAMP``, ``COINBASE``, ``NUMBER``, ``DIFFICULTY``, ``GASLIMIT``, ``CHAINID``,
    ``BLOCKHASH``); checked as :func:`check_state_transition` does."""
    return _cases(doc, check_processor_case)


# --- block-info-batches: batches threaded on one state ---------------------------------------------

_UNSUPPORTED_OPTIONS = ("skipFirstChangeL2Block", "skipWriteBlockInfoRoot")


def _batch_differences(batch: Mapping[str, Any], result: Any) -> list[str]:
    problems: list[str] = []
    pairs: list[tuple[str, str, Any]] = [
        ("expectedNewRoot", h4_to_hex(result.new_state_root), batch["expectedNewRoot"]),
        ("newLocalExitRoot", to_hex(result.new_local_exit_root), batch["newLocalExitRoot"]),
        ("batchHashData", to_hex(result.batch_hash_data), batch["batchHashData"]),
    ]
    if "inputHash" in batch:
        pairs.append(("inputHash", to_hex(result.new_acc_input_hash), batch["inputHash"]))
    for name, got, want in pairs:
        if got != str(want).lower():
            problems.append(f"{name}: expected {want}, got {got}")
    problems.extend(zk_exec.leaf_differences(result, batch["expectedNewLeafs"]))
    return problems


def _as_upstream_lists_them(
    genesis: Mapping[Address, ZkAccount],
    before: Mapping[Address, ZkAccount],
    after: dict[Address, ZkAccount],
) -> dict[Address, ZkAccount]:
    """The accounts as the vector's ``expectedNewLeafs`` show them: upstream lists an account
    the batch did not update with the balance and nonce of its **genesis** entry (and its current
    storage), not its current ones (``test/block-info.test.js``, the ``for (const leaf of
    genesis)`` loop). An account the batch left unchanged is shown that way here."""
    shown = dict(after)
    for who, first in genesis.items():
        now = after.get(who, ZkAccount())
        if before.get(who, ZkAccount()) == now:
            shown[who] = replace(now, balance=first.balance, nonce=first.nonce)
    return shown


def check_batches_case(case: Any) -> str:
    """One ``block-info-batches`` case: the batches run in order, each on the state the previous
    one left (``ZkEVMDB.buildBatch`` then ``consolidate``), the accInputHash chained; every
    batch's new root, leaves, local exit root and batchHashData must match."""
    reason = pre_etrog_reason(case)
    if reason is not None:
        return _not_checked(reason)
    genesis = zk_exec.genesis_accounts(case["genesis"])
    accounts: dict[Address, ZkAccount] = dict(genesis)
    acc_input_hash = hash32(case.get("oldAccInputHash") or zk_exec.ZERO_HEX32)
    leaves: dict[int, Any] = {}
    problems: list[str] = []
    for k, batch in enumerate(case["batches"]):
        options = [name for name in _UNSUPPORTED_OPTIONS if batch.get(name)]
        if options:
            skipped = (
                f"batch {k} and later not checked: the spec executor has no "
                f"{' / '.join(options)} option (an executor option after Etrog)"
            )
            return "; ".join([*problems, skipped])
        context = zk_exec.batch_context(
            {
                **case,
                "txs": batch["txs"],
                "timestampLimit": batch["timestampLimit"],
                "l1InfoRoot": batch["l1InfoRoot"],
                "forcedBlockHashL1": batch.get("forcedBlockHashL1"),
                "oldAccInputHash": to_hex(acc_input_hash),
            }
        )
        leaves.update(context.l1_info)  # upstream keeps every l1Info seen (extraData.l1Info)
        context = BatchContext(
            chain_id=context.chain_id,
            fork_id=context.fork_id,
            sequencer=context.sequencer,
            timestamp_limit=context.timestamp_limit,
            l1_info_root=context.l1_info_root,
            forced_block_hash_l1=context.forced_block_hash_l1,
            l1_info=dict(leaves),
            old_acc_input_hash=context.old_acc_input_hash,
        )
        result = execute_batch(accounts, hex_to_bytes(batch["batchL2Data"]), context)
        if k == 0 and h4_to_hex(result.old_state_root) != case["expectedOldRoot"].lower():
            problems.append(
                f"expectedOldRoot: expected {case['expectedOldRoot']}, "
                f"got {h4_to_hex(result.old_state_root)}"
            )
        shown = _as_upstream_lists_them(genesis, accounts, dict(result.accounts))
        problems.extend(
            f"batch {k} {p}" for p in _batch_differences(batch, replace(result, accounts=shown))
        )
        accounts = dict(result.accounts)
        acc_input_hash = result.new_acc_input_hash
    return _later_fork_note(case) + "; ".join(problems) if problems else ""


def check_block_info_batches(doc: Any) -> Result:
    """``block-info_block-info-batches.json``: one result per case (a case is several batches)."""
    return _cases(doc, check_batches_case)


def check_block_info_input(doc: Any) -> Result:
    """``block-info_block-info-input.json``: an executor input, checked as
    ``inputs-executor_input_executor.json`` is when its fork is Etrog or later."""
    inputs = doc if isinstance(doc, list) else [doc]
    results: Result = []
    for i, one in enumerate(inputs):
        try:
            reason = pre_etrog_reason(one)
        except _MALFORMED as exc:
            results.append((False, f"input {i}: malformed ({type(exc).__name__}: {exc})"))
            continue
        if reason is not None:
            results.append((False, f"input {i}: {_not_checked(reason)}"))
        else:
            results.extend(zk_batch.check_input_executor(one))
    return results


# --- block info tree ------------------------------------------------------------------------------


def _log_part(value: Any) -> bytes:
    """A topic or data item of a vector log: hex text, or (as the vectors also write topics) a
    one-element list of it — JavaScript's ``toString`` of such a list is the element itself."""
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if not isinstance(value, str):
        raise ValueError(f"a log item is hex text, got {value!r}")
    return hex_to_bytes(value)


def _tx_log(log: Any) -> block_info.TxLog:
    """A vector log ``[address, topics, data]`` (ethereumjs' log tuple; the address is not part of
    the leaf)."""
    if not isinstance(log, list) or len(log) != 3 or not isinstance(log[1], list):
        raise ValueError(f"a log is [address, topics, data], got {log!r}")
    return block_info.TxLog(_log_part(log[2]), tuple(hash32(_log_part(t)) for t in log[1]))


def check_block_info_tree_case(case: Any) -> str:
    """One ``block-info-tree`` case: header, then each tx's receipt with its logs numbered across
    the block and the cumulative gas used, then the block's gas used; the root must be
    ``finalBlockInfoRoot``."""
    tree = block_info.init_block_header(
        previous_block_hash=hex_to_h4(case["oldStateRoot"]),
        coinbase=address(case["sequencerAddress"]),
        block_number=_int(case["newBlockNumber"]),
        timestamp=_int(case["finalTimestamp"]),
        global_exit_root=hash32(case["finalGER"]),
        block_hash_l1=hash32(case["finalBlockHash"]),
        gas_limit=_int(case["blockGasLimit"]),
    )
    cumulative, log_index = 0, 0
    for index, tx in enumerate(case["txs"]):
        cumulative += _int(tx["gasUsed"])
        logs = [_tx_log(log) for log in tx["logs"]]
        tree = block_info.add_tx_receipt(
            tree,
            tx_index=index,
            l2_hash=hex_to_h4(tx["l2TxHash"]),
            status=_int(tx["status"]),
            cumulative_gas_used=cumulative,
            logs=logs,
            first_log_index=log_index,
            effective_percentage=_int(tx["effectivePercentage"]),
        )
        log_index += len(logs)
        tree = block_info.set_gas_used(tree, cumulative)
    got = h4_to_hex(block_info.block_info_root(tree))
    want = str(case["finalBlockInfoRoot"]).lower()
    return "" if got == want else f"block info root is {got}, expected {want}"


def check_block_info_tree(doc: Any) -> Result:
    """``block-info_block-info-tree.json``: one result per case."""
    return _cases(doc, check_block_info_tree_case)


# --- L2 transaction hash --------------------------------------------------------------------------

_HEX_DIGITS = re.compile(r"[0-9a-fA-F]+")

#: The fields of ``computeL2TxHash`` in the order it formats them, with their byte widths.
_L2_TX_HASH_FIELDS = (
    ("nonce", 8),
    ("gasPrice", 32),
    ("gasLimit", 8),
    ("to", 20),
    ("value", 32),
    ("data", None),
    ("chainID", 8),
    ("from", 20),
)


class InvalidTxField(L2SpecError):
    """A vector field that ``formatL2TxHashParam`` refuses (``Invalid <field> value``)."""

    def __init__(self, name: str) -> None:
        super().__init__(f"Invalid {name} value")
        self.field = name


def _tx_hash_param(name: str, value: Any, width: int | None) -> bytes:
    """A field as ``formatL2TxHashParam`` reads it (zkevm-commonjs ``src/processor-utils.js``):
    a number, or hex text with or without ``0x``; an odd number of digits gets a leading 0; any
    other text (including the empty text) is refused; the bytes are left-padded to ``width``.
    A value wider than its field is refused too (the ROM's fields have fixed widths)."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise InvalidTxField(name)
    text = format(value, "x") if isinstance(value, int) else value
    text = text[2:] if text.startswith("0x") else text
    if len(text) % 2:
        text = "0" + text
    if not _HEX_DIGITS.fullmatch(text):
        raise InvalidTxField(name)
    raw = bytes.fromhex(text)
    if width is not None:
        if len(raw) > width:
            raise InvalidTxField(name)
        raw = raw.rjust(width, b"\x00")
    return raw


def _is_deployment(to: Any) -> bool:
    return to is None or to in ("", "0x")


def l2_tx_hash_of_vector(tx: Mapping[str, Any]) -> tuple[str, bytes]:
    """The L2 tx hash and its preimage for one ``txs.json`` entry; an entry upstream refuses
    raises :class:`InvalidTxField` naming the first refused field."""
    values: dict[str, bytes] = {}
    for name, width in _L2_TX_HASH_FIELDS:
        if name == "to" and _is_deployment(tx.get("to")):
            continue
        if name == "chainID" and "chainID" not in tx:
            continue
        if name == "data":
            text = tx.get("data")
            if not isinstance(text, str):
                raise InvalidTxField(name)
            values[name] = b"" if text in ("", "0x") else _tx_hash_param(name, text, None)
            continue
        values[name] = _tx_hash_param(name, tx.get(name), width)
    chain_id = values.get("chainID")
    if chain_id is not None and not any(chain_id):
        # upstream gives such a tx the pre-EIP-155 type but still appends its chainID field
        raise L2SpecError("a chainID of 0 has no L2 tx hash layout in the spec")
    nonce = int.from_bytes(values["nonce"], "big")
    gas_price = int.from_bytes(values["gasPrice"], "big")
    gas_limit = int.from_bytes(values["gasLimit"], "big")
    to = Address(values["to"]) if "to" in values else None
    value = int.from_bytes(values["value"], "big")
    chain = None if chain_id is None else int.from_bytes(chain_id, "big")
    sender = Address(values["from"])
    preimage = block_info.l2_tx_hash_preimage(
        nonce=nonce,
        gas_price=gas_price,
        gas_limit=gas_limit,
        to=to,
        value=value,
        data=values["data"],
        chain_id=chain,
        sender=sender,
    )
    tx_hash = block_info.l2_tx_hash(
        nonce=nonce,
        gas_price=gas_price,
        gas_limit=gas_limit,
        to=to,
        value=value,
        data=values["data"],
        chain_id=chain,
        sender=sender,
    )
    return h4_to_hex(tx_hash), preimage


def check_l2_tx_hash_case(tx: Any) -> str:
    """One ``txs.json`` entry: ``l2TxHash`` (and ``encoded``, the hashed bytes, when given), or,
    for ``"l2TxHash": "failed"``, a refusal naming the field of its ``reason``."""
    expected = str(tx["l2TxHash"])
    try:
        got, preimage = l2_tx_hash_of_vector(tx)
    except InvalidTxField as exc:
        if expected != "failed":
            return f"refused ({exc}), expected {expected}"
        reason = tx.get("reason")
        if reason is not None and reason != str(exc):
            return f"refused with {str(exc)!r}, expected {reason!r}"
        return ""
    if expected == "failed":
        return f"hashed to {got}, expected a refusal ({tx.get('reason')})"
    if got != expected.lower():
        return f"l2TxHash is {got}, expected {expected}"
    encoded = tx.get("encoded")
    if encoded is not None and preimage != hex_to_bytes(encoded):
        return f"hashed bytes are {preimage.hex()}, expected {str(encoded).lower()}"
    return ""


def check_l2_tx_hashes(doc: Any) -> Result:
    """``l2-tx-hash_txs.json``: one result per transaction."""
    return _cases(doc, check_l2_tx_hash_case)


# --- bridge claim vectors -------------------------------------------------------------------------


def check_claim_case(case: Any) -> str:
    """One ``claim-vectors.json`` case: each leaf hashes to its ``leafValue`` (``getLeafValue``),
    the tree of the leaves has ``root``, the spec's proof of leaf ``index`` is ``proof``
    (``getProofTreeByIndex``), and it verifies (``verifyMerkleProof``)."""
    leaves = []
    for i, item in enumerate(case["leafs"]):
        leaf = deposit_leaf(
            _int(item["leafType"]),
            _int(item["originNetwork"]),
            address(item["tokenAddress"]),
            _int(item["destinationNetwork"]),
            address(item["destinationAddress"]),
            _int(item["amount"]),
            keccak256(hex_to_bytes(item["metadata"])),
        )
        if to_hex(leaf) != str(item["leafValue"]).lower():
            return f"leaf {i} is {to_hex(leaf)}, expected {item['leafValue']}"
        leaves.append(leaf)
    root = tree_root(tree_from_leaves(leaves))
    if to_hex(root) != str(case["root"]).lower():
        return f"root is {to_hex(root)}, expected {case['root']}"
    index = _int(case["index"])
    if not 0 <= index < len(leaves):
        return f"index {index} is not a leaf of the {len(leaves)}"
    proof = [hash32(p) for p in case["proof"]]
    ours = list(merkle_proof(leaves, index))
    if len(proof) != len(ours):
        return f"the proof has {len(proof)} siblings, expected {len(ours)}"
    for height, (mine, theirs) in enumerate(zip(ours, proof, strict=True)):
        if mine != theirs:
            return f"proof sibling {height} is {to_hex(theirs)}, the spec's is {to_hex(mine)}"
    if not verify_merkle_proof(leaves[index], proof, index, root):
        return f"the proof of leaf {index} does not verify against the root"
    return ""


def check_claim_vectors(doc: Any) -> Result:
    """``mt-bridge_claim-vectors.json``: one result per case."""
    return _cases(doc, check_claim_case)


FAMILIES: dict[str, Callable[[Any], Result]] = {
    "block-info_block-info-tree.json": check_block_info_tree,
    "block-info_block-info.json": check_block_info,
    "block-info_block-info-batches.json": check_block_info_batches,
    "block-info_block-info-input.json": check_block_info_input,
    "l2-tx-hash_txs.json": check_l2_tx_hashes,
    "mt-bridge_claim-vectors.json": check_claim_vectors,
    "processor_state-transition.json": check_state_transition,
}
