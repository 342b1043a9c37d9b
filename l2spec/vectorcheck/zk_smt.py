"""Checkers of the Polygon zkEVM hash and state-tree vectors.

Files (upstream paths with ``/`` → ``_``):

- ``poseidon_goldilocks.json``: Plonky2's Poseidon permutation vectors (``permutation_vectors``:
  12 inputs → 12 outputs, hex), checked with :func:`~l2spec.spec.zk.poseidon.permute`;
- ``merkle-tree/smt-hash-bytecode.json``: ``{bytecode, expectedHash}``, the linear Poseidon code
  hash (:func:`~l2spec.spec.zk.bytecode_hash.hash_contract_bytecode_hex`);
- ``merkle-tree/smt-key-eth-balance.json``, ``smt-key-eth-nonce.json``,
  ``smt-key-contract-code.json``: ``{leafType, ethAddr, expectedKey}`` with the key as the decimal
  of ``h4toScalar`` (the ``arity`` field of old files does not change the key);
- ``merkle-tree/smt-raw.json``: ``{keys, values, expectedRoot}``: set each decimal key (as
  ``scalar2h4``) to its value in order, compare the root's hex;
- ``merkle-tree/smt-genesis.json``: ``{addresses: [{address, balance, nonce}], expectedRoot}``,
  the root (decimal ``h4toScalar``) of the accounts set in order (``setGenesisBlock``).

Also ready for three files of the same upstream folder that the shared vectors do not hold yet:
``smt-key-contract-length.json``, ``smt-key-contract-storage.json`` (``storagePosition``) and
``smt-full-genesis.json`` (accounts with ``bytecode`` and ``storage``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from l2spec.errors import L2SpecError
from l2spec.spec.common.types import Address, address
from l2spec.spec.zk.bytecode_hash import hash_contract_bytecode_hex
from l2spec.spec.zk.goldilocks import H4, h4_to_scalar, scalar_to_h4
from l2spec.spec.zk.poseidon import permute
from l2spec.spec.zk.smt import (
    SMT_KEY_BALANCE,
    SMT_KEY_NONCE,
    SMT_KEY_SC_CODE,
    SMT_KEY_SC_LENGTH,
    SMT_KEY_SC_STORAGE,
    Smt,
    ZkAccount,
    account_leaves,
    key_balance,
    key_contract_code,
    key_contract_length,
    key_contract_storage,
    key_nonce,
)

Result = tuple[bool, str]

_MALFORMED = (KeyError, TypeError, ValueError, IndexError, L2SpecError)


def _int(value: Any) -> int:
    """A vector integer: a JSON number, a decimal string or a 0x-hex string."""
    if isinstance(value, bool):
        raise ValueError("a boolean is not an integer")
    if isinstance(value, int):
        return value
    text = str(value)
    return int(text, 16) if text[:2] in ("0x", "0X") else int(text, 10)


def _hex_bytes(text: str) -> bytes:
    """Hex with or without ``0x``; an odd digit count gets a leading zero (as upstream does)."""
    s = text[2:] if text[:2] in ("0x", "0X") else text
    return bytes.fromhex("0" * (len(s) % 2) + s)


class _Mismatch(Exception):
    """A case that is well formed but does not describe what its file promises (a wrong leaf
    type): reported as a failed case with this message."""


def _each_case(
    cases: Any, got_and_want: Callable[[Any], tuple[Any, Any]], what: str = ""
) -> list[Result]:
    """One result per case of a JSON list: ``got == want`` for ``got_and_want(case)``. A malformed
    case (missing field, bad number) or a :class:`_Mismatch` is a failed case, never an exception."""
    if not isinstance(cases, list):
        return [(False, "expected a JSON list of cases")]
    results: list[Result] = []
    for i, case in enumerate(cases):
        try:
            got, want = got_and_want(case)
        except _Mismatch as exc:
            results.append((False, f"case {i}: {exc}"))
            continue
        except _MALFORMED as exc:
            results.append((False, f"case {i}: malformed case: {exc!r}"))
            continue
        ok = got == want
        results.append((ok, "" if ok else f"case {i}: got {what}{got}, expected {want}"))
    return results


def check_poseidon_goldilocks(doc: Any) -> list[Result]:
    """One result per permutation vector: ``permute(input) == output``."""
    if not isinstance(doc, dict) or not isinstance(doc.get("permutation_vectors"), list):
        return [(False, "no permutation_vectors list in the file")]
    return _each_case(
        doc["permutation_vectors"],
        lambda case: (
            tuple(permute([_int(x) for x in case["input"]])),
            tuple(_int(x) for x in case["output"]),
        ),
    )


def check_smt_hash_bytecode(doc: Any) -> list[Result]:
    """One result per case: ``hashContractBytecode(bytecode) == expectedHash``."""
    return _each_case(
        doc,
        lambda case: (
            hash_contract_bytecode_hex(_hex_bytes(case["bytecode"])),
            str(case["expectedHash"]).lower(),
        ),
    )


def _leaf_type(case: Any, leaf_type: int) -> None:
    if _int(case["leafType"]) != leaf_type:
        raise _Mismatch(f"leafType {case['leafType']} != {leaf_type}")


def _check_keys(doc: Any, leaf_type: int, key_of: Callable[[Address], H4]) -> list[Result]:
    def got_and_want(case: Any) -> tuple[int, int]:
        _leaf_type(case, leaf_type)
        return h4_to_scalar(key_of(address(case["ethAddr"]))), _int(case["expectedKey"])

    return _each_case(doc, got_and_want, "key ")


def check_smt_key_eth_balance(doc: Any) -> list[Result]:
    """One result per case: the balance key (``keyEthAddrBalance``)."""
    return _check_keys(doc, SMT_KEY_BALANCE, key_balance)


def check_smt_key_eth_nonce(doc: Any) -> list[Result]:
    """One result per case: the nonce key (``keyEthAddrNonce``)."""
    return _check_keys(doc, SMT_KEY_NONCE, key_nonce)


def check_smt_key_contract_code(doc: Any) -> list[Result]:
    """One result per case: the code-hash key (``keyContractCode``)."""
    return _check_keys(doc, SMT_KEY_SC_CODE, key_contract_code)


def check_smt_key_contract_length(doc: Any) -> list[Result]:
    """One result per case: the code-length key (``keyContractLength``)."""
    return _check_keys(doc, SMT_KEY_SC_LENGTH, key_contract_length)


def check_smt_key_contract_storage(doc: Any) -> list[Result]:
    """One result per case: the storage key of ``storagePosition`` (``keyContractStorage``)."""

    def got_and_want(case: Any) -> tuple[int, int]:
        _leaf_type(case, SMT_KEY_SC_STORAGE)
        key = key_contract_storage(address(case["ethAddr"]), _int(case["storagePosition"]))
        return h4_to_scalar(key), _int(case["expectedKey"])

    return _each_case(doc, got_and_want, "key ")


def check_smt_raw(doc: Any) -> list[Result]:
    """One result per case: the root after setting ``keys[i] → values[i]`` in order."""

    def got_and_want(case: Any) -> tuple[str, str]:
        keys = [scalar_to_h4(_int(k)) for k in case["keys"]]
        values = [_int(v) for v in case["values"]]
        if len(keys) != len(values):
            raise ValueError("keys and values differ in length")
        got = Smt().set_many(zip(keys, values, strict=True)).root_hex
        return got, str(case["expectedRoot"]).lower()

    return _each_case(doc, got_and_want)


def genesis_tree(addresses: Any) -> Smt:
    """The tree after applying each ``{address, balance, nonce, bytecode?, storage?}`` in order,
    as ``setGenesisBlock`` / the full-genesis test do (a later entry overwrites an earlier one
    field by field)."""
    tree = Smt()
    for entry in addresses:
        account = ZkAccount(
            balance=_int(entry["balance"]),
            nonce=_int(entry["nonce"]),
            code=_hex_bytes(entry.get("bytecode", "")),
            storage={_int(k): _int(v) for k, v in entry.get("storage", {}).items()},
        )
        tree = tree.set_many(account_leaves(address(entry["address"]), account))
    return tree


def check_smt_genesis(doc: Any) -> list[Result]:
    """One result per case: the genesis root (decimal ``h4toScalar``) of the listed accounts."""
    return _each_case(
        doc,
        lambda case: (
            h4_to_scalar(genesis_tree(case["addresses"]).root),
            _int(case["expectedRoot"]),
        ),
        "root ",
    )


FAMILIES: dict[str, Callable[[Any], list[Result]]] = {
    "poseidon_goldilocks.json": check_poseidon_goldilocks,
    "merkle-tree_smt-hash-bytecode.json": check_smt_hash_bytecode,
    "merkle-tree_smt-key-eth-balance.json": check_smt_key_eth_balance,
    "merkle-tree_smt-key-eth-nonce.json": check_smt_key_eth_nonce,
    "merkle-tree_smt-key-contract-code.json": check_smt_key_contract_code,
    "merkle-tree_smt-raw.json": check_smt_raw,
    "merkle-tree_smt-genesis.json": check_smt_genesis,
    # Not (yet) in the shared vectors; same formats, zkevm-commonjs bb0e77e9:
    "merkle-tree_smt-key-contract-length.json": check_smt_key_contract_length,
    "merkle-tree_smt-key-contract-storage.json": check_smt_key_contract_storage,
    "merkle-tree_smt-full-genesis.json": check_smt_genesis,
}
"""Upstream vector file name → its checker."""
