"""Checkers of the Polygon zkEVM batch-data vectors (zkevm-commonjs ``test/helpers/test-vectors``).

- ``effective-gas-price/effective-gas-price.json``: a list of ``{gasPrice, effectivePercentage,
  expectedOutput}`` (hex); each case checks :func:`~l2spec.spec.zk.effective_gas_price.
  effective_gas_price`.
- ``inputs-executor/input_executor.json``: one executor input (or a list of them). What is checked
  here is the batch-data part: ``batchL2Data`` parses as a valid batch under the ROM rules and
  re-encodes to the same bytes, every L2 transaction's signature recovers, ``batchHashData`` is
  ``keccak256(batchL2Data)``, and ``newAccInputHash`` is the Etrog accInputHash of
  ``(oldAccInputHash, batchHashData, l1InfoRoot, timestampLimit, sequencerAddr,
  forcedBlockHashL1)``. The state roots are not re-executed here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from l2spec.errors import L2SpecError
from l2spec.spec.common.types import ZERO_HASH, address, hash32, hex_to_bytes, to_hex
from l2spec.spec.zk.batch import acc_input_hash_etrog, batch_hash_data
from l2spec.spec.zk.effective_gas_price import effective_gas_price
from l2spec.spec.zk.tx_encoding import L2Tx, decode_batch_l2_data, encode_batch_l2_data


def _int(value: Any) -> int:
    """A vector integer: a JSON number, a decimal string or a 0x-hex string."""
    if isinstance(value, bool):
        raise ValueError("a boolean is not an integer")
    if isinstance(value, int):
        return value
    text = str(value)
    return int(text, 16) if text[:2] in ("0x", "0X") else int(text, 10)


def check_effective_gas_price(doc: Any) -> list[tuple[bool, str]]:
    """One result per case: ``effectiveGasPrice(gasPrice, effectivePercentage) == expectedOutput``."""
    results: list[tuple[bool, str]] = []
    for i, case in enumerate(doc):
        try:
            got = effective_gas_price(_int(case["gasPrice"]), _int(case["effectivePercentage"]))
            want = _int(case["expectedOutput"])
        except (KeyError, TypeError, ValueError, L2SpecError) as exc:
            results.append((False, f"case {i}: malformed case: {exc!r}"))
            continue
        ok = got == want
        results.append((ok, "" if ok else f"case {i}: got {got:#x}, expected {want:#x}"))
    return results


def _check_executor_input(case: Any) -> str:
    """The batch-data checks of one executor input; returns "" when all pass."""
    raw = hex_to_bytes(case["batchL2Data"])
    forced_block_hash = hash32(case.get("forcedBlockHashL1", to_hex(ZERO_HASH)))
    problems: list[str] = []
    decoded = decode_batch_l2_data(
        raw, is_forced=forced_block_hash != ZERO_HASH, fork_id=_int(case["forkID"])
    )
    if not decoded.is_valid:
        problems.append(f"batchL2Data does not parse: {decoded.invalid_reason} ({decoded.detail})")
    else:
        if encode_batch_l2_data(decoded.txs, fork_id=_int(case["forkID"])) != raw:
            problems.append("batchL2Data does not re-encode to the same bytes")
        unsigned = [
            i for i, tx in enumerate(decoded.txs) if isinstance(tx, L2Tx) and tx.sender is None
        ]
        if unsigned:
            problems.append(f"signatures of items {unsigned} do not recover")
    bhd = batch_hash_data(raw)
    if "batchHashData" in case and bhd != hash32(case["batchHashData"]):
        problems.append(f"batchHashData {to_hex(bhd)} != {case['batchHashData']}")
    acc = acc_input_hash_etrog(
        hash32(case["oldAccInputHash"]),
        bhd,
        hash32(case["l1InfoRoot"]),
        _int(case["timestampLimit"]),
        address(case["sequencerAddr"]),
        forced_block_hash,
    )
    if acc != hash32(case["newAccInputHash"]):
        problems.append(f"newAccInputHash {to_hex(acc)} != {case['newAccInputHash']}")
    return "; ".join(problems)


def check_input_executor(doc: Any) -> list[tuple[bool, str]]:
    """One result per executor input (the file holds one object; a list is accepted too)."""
    cases = doc if isinstance(doc, list) else [doc]
    results: list[tuple[bool, str]] = []
    for i, case in enumerate(cases):
        try:
            problem = _check_executor_input(case)
        except (KeyError, TypeError, ValueError, L2SpecError) as exc:
            problem = f"malformed executor input: {exc!r}"
        results.append((not problem, f"input {i}: {problem}" if problem else ""))
    return results


FAMILIES: dict[str, Callable[[Any], list[tuple[bool, str]]]] = {
    "effective-gas-price_effective-gas-price.json": check_effective_gas_price,
    "inputs-executor_input_executor.json": check_input_executor,
}
"""Upstream vector file name (``/`` → ``_``) → its checker."""
