"""A tiny EVM harness for running real contract bytecode: deploy, call, static call.

This is a *peer*, not part of the spec: it imports nothing from ``l2spec.spec``, so a value it
computes by running the OP Stack's own Solidity (compiled by solc, ``tools/compile_contracts.py``,
or shipped in ``@eth-optimism/contracts-bedrock``'s ``forge-artifacts``) is independent evidence
for the spec's Python.

Execution is py-evm's Cancun state machine driven at the message level (no transactions, no
signatures, no fees, gas price 0), one :class:`EvmRunner` holding one in-memory world state. A
call's outcome is a value (:class:`CallResult`: success, return or revert data, logs, gas used);
only misuse raises (:class:`~l2spec.errors.ExecutionError`, e.g. a failed deployment).

Bytecode comes from:

- :func:`load_export`: a crytic-compile ``standard`` export (``*_export.json``), such as the
  committed ``corpus/contracts/export/harness_export.json`` (:func:`harness_export_path`). It is
  read with crytic-compile's ``Standard`` platform when crytic-compile is installed (no compiler
  is needed to reload an export), else straight from the export's JSON;
- :func:`forge_artifact`: a contracts-bedrock ``forge-artifacts/<File>.sol/<Name>[.<solc>].json``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eth._utils.address import generate_contract_address
from eth.db.atomic import AtomicDB
from eth.vm.execution_context import ExecutionContext
from eth.vm.forks.cancun.computation import CancunComputation
from eth.vm.forks.cancun.state import CancunState
from eth.vm.forks.cancun.transaction_context import CancunTransactionContext
from eth.vm.message import Message
from eth_abi.abi import decode as abi_decode
from eth_abi.abi import encode as abi_encode
from eth_hash.auto import keccak
from eth_typing import Address as EvmAddress
from eth_typing import BlockNumber, Hash32

from l2spec.errors import ArtifactError, ExecutionError
from l2spec.paths import SOURCE_ROOT, node_modules_dir

DEFAULT_SENDER = bytes.fromhex("00000000000000000000000000000000000a11ce")
"""The account that deploys and calls unless told otherwise (funded at start)."""

DEFAULT_GAS = 30_000_000
"""Gas given to each deployment or call."""

_BLANK_ROOT = Hash32(keccak(b"\x80"))
_CHAIN_ID = 900


HARNESS_EXPORT = Path("corpus") / "contracts" / "export" / "harness_export.json"
"""Where the committed export of our harness contracts lives in a checkout."""


def harness_export_path() -> Path:
    """The committed crytic-compile export of our harness contracts (``corpus/contracts/``).

    ``$L2SPEC_HARNESS_EXPORT`` if set; else the first ``corpus/contracts/export/harness_export.json``
    above the current directory or above this package's source root (a wheel install run from a
    checkout, as under tox, finds the checkout's file).
    """
    env = os.environ.get("L2SPEC_HARNESS_EXPORT")
    if env:
        return Path(env)
    for base in (Path.cwd().resolve(), SOURCE_ROOT):
        for folder in (base, *base.parents):
            candidate = folder / HARNESS_EXPORT
            if candidate.is_file():
                return candidate
    return SOURCE_ROOT / HARNESS_EXPORT


# Artifacts
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContractArtifact:
    """A compiled contract: its ABI, creation code and runtime code."""

    name: str
    abi: tuple[Mapping[str, Any], ...]
    init_code: bytes
    runtime_code: bytes


def selector(signature: str) -> bytes:
    """The 4-byte function selector: the first bytes of keccak256 of the canonical signature
    (Solidity ABI specification, §Function Selector)."""
    digest: bytes = keccak(signature.encode("ascii"))
    return digest[:4]


def encode_call(signature: str, args: Sequence[Any]) -> bytes:
    """Calldata for ``signature`` (``name(type,...)``) with ``args`` ABI-encoded."""
    open_at = signature.index("(")
    types_text = signature[open_at + 1 : -1]
    types = _split_types(types_text)
    encoded: bytes = abi_encode(types, list(args))
    return selector(signature) + encoded


def _split_types(text: str) -> list[str]:
    """Split a comma-separated ABI type list at top level (tuples keep their commas)."""
    types: list[str] = []
    depth = 0
    current = ""
    for ch in text:
        if ch == "," and depth == 0:
            types.append(current)
            current = ""
            continue
        depth += ch == "("
        depth -= ch == ")"
        current += ch
    if current:
        types.append(current)
    return types


def _hex(text: str) -> bytes:
    stripped = text[2:] if text.startswith("0x") else text
    if "__" in stripped:
        raise ArtifactError("bytecode has unlinked library placeholders")
    return bytes.fromhex(stripped)


def _from_crytic(path: Path) -> dict[str, ContractArtifact]:
    from crytic_compile import CryticCompile
    from crytic_compile.platform.standard import Standard

    compilation = CryticCompile(Standard(str(path)))
    found: dict[str, ContractArtifact] = {}
    for unit in compilation.compilation_units.values():
        for source in unit.source_units.values():
            for name in source.contracts_names:
                found[name] = ContractArtifact(
                    name,
                    tuple(source.abi(name)),
                    _hex(source.bytecode_init(name)),
                    _hex(source.bytecode_runtime(name)),
                )
    return found


def _from_json(path: Path) -> dict[str, ContractArtifact]:
    export = json.loads(path.read_text())
    found: dict[str, ContractArtifact] = {}
    for unit in export["compilation_units"].values():
        for source in unit["source_units"].values():
            for name, contract in source["contracts"].items():
                found[name] = ContractArtifact(
                    name,
                    tuple(contract["abi"]),
                    _hex(contract["bin"]),
                    _hex(contract["bin-runtime"]),
                )
    return found


def load_export(
    path: Path | None = None, *, use_crytic: bool | None = None
) -> dict[str, ContractArtifact]:
    """Every contract in a crytic-compile ``standard`` export, by contract name.

    ``use_crytic``: ``True`` reads through crytic-compile's ``Standard`` platform, ``False`` reads
    the JSON directly, ``None`` (default) uses crytic-compile when it is installed.
    """
    export = path if path is not None else harness_export_path()
    if not export.is_file():
        raise ArtifactError(f"no crytic-compile export at {export}")
    if use_crytic is None:
        try:
            import crytic_compile  # noqa: F401
        except ImportError:
            use_crytic = False
        else:
            use_crytic = True
    try:
        return _from_crytic(export) if use_crytic else _from_json(export)
    except (KeyError, TypeError, ValueError) as exc:
        raise ArtifactError(f"malformed crytic-compile export {export}: {exc}") from exc


def forge_artifact(source: str, name: str | None = None, solc: str = "0.8.15") -> ContractArtifact:
    """A contract from contracts-bedrock's ``forge-artifacts/<source>.sol/``.

    ``source`` is the file name without ``.sol``; ``name`` the contract (default: ``source``).
    Where the package holds builds by several compilers (``<Name>.<solc>.json``), the ``solc``
    one is taken; otherwise the single ``<Name>.json``.
    """
    contract = name or source
    folder = node_modules_dir() / "@eth-optimism" / "contracts-bedrock" / "forge-artifacts"
    folder = folder / f"{source}.sol"
    for candidate in (folder / f"{contract}.{solc}.json", folder / f"{contract}.json"):
        if candidate.is_file():
            data = json.loads(candidate.read_text())
            return ContractArtifact(
                contract,
                tuple(data["abi"]),
                _hex(data["bytecode"]["object"]),
                _hex(data["deployedBytecode"]["object"]),
            )
    raise ArtifactError(f"no forge artifact for {contract} in {folder}")


# Execution
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EvmLog:
    """One log entry: the emitting contract, its topics (32 bytes each) and its data."""

    address: bytes
    topics: tuple[bytes, ...]
    data: bytes


@dataclass(frozen=True)
class CallResult:
    """The outcome of one message call.

    ``output`` is the return data on success and the revert data on a revert (empty for other
    failures, e.g. out of gas or an invalid opcode; ``error`` then names the failure).
    """

    success: bool
    output: bytes
    logs: tuple[EvmLog, ...] = ()
    gas_used: int = 0
    error: str | None = None

    @property
    def revert_data(self) -> bytes:
        """The revert data of a failed call (empty on success)."""
        return b"" if self.success else self.output

    def decode(self, types: Sequence[str]) -> tuple[Any, ...]:
        """The return data ABI-decoded as ``types``; misuse on a failed call."""
        if not self.success:
            raise ExecutionError(f"call failed ({self.error}); revert data {self.output.hex()}")
        decoded: tuple[Any, ...] = abi_decode(list(types), self.output)
        return decoded


@dataclass
class EvmRunner:
    """One in-memory Cancun world state with contracts deployed into it."""

    timestamp: int = 1
    block_number: int = 1
    funded: Mapping[bytes, int] = field(default_factory=lambda: {DEFAULT_SENDER: 10**24})
    _state: CancunState = field(init=False, repr=False)

    def __post_init__(self) -> None:
        context = ExecutionContext(
            coinbase=EvmAddress(bytes(20)),
            timestamp=self.timestamp,
            block_number=BlockNumber(self.block_number),
            difficulty=0,
            mix_hash=Hash32(bytes(32)),
            gas_limit=DEFAULT_GAS * 2,
            prev_hashes=(),
            chain_id=_CHAIN_ID,
            base_fee_per_gas=0,
            excess_blob_gas=0,
        )
        self._state = CancunState(AtomicDB(), context, _BLANK_ROOT)
        for who, balance in self.funded.items():
            self._state.set_balance(EvmAddress(bytes(who)), balance)

    # --- reading state

    def code(self, who: bytes) -> bytes:
        code: bytes = self._state.get_code(EvmAddress(bytes(who)))
        return code

    def storage(self, who: bytes, slot: int) -> int:
        value: int = self._state.get_storage(EvmAddress(bytes(who)), slot)
        return value

    def balance(self, who: bytes) -> int:
        value: int = self._state.get_balance(EvmAddress(bytes(who)))
        return value

    # --- running code

    def _run(
        self,
        sender: bytes,
        to: bytes,
        data: bytes,
        value: int,
        gas: int,
        *,
        create: bool,
        is_static: bool,
    ) -> tuple[CallResult, bytes]:
        state = self._state
        origin = EvmAddress(bytes(sender))
        state.clear_transient_storage()
        context = CancunTransactionContext(gas_price=0, origin=origin)
        if create:
            nonce = state.get_nonce(origin)
            target = EvmAddress(generate_contract_address(origin, nonce))
            state.increment_nonce(origin)
            message = Message(
                gas=gas,
                to=EvmAddress(b""),
                sender=origin,
                value=value,
                data=b"",
                code=data,
                create_address=target,
            )
        else:
            target = EvmAddress(bytes(to))
            message = Message(
                gas=gas,
                to=target,
                sender=origin,
                value=value,
                data=data,
                code=state.get_code(target),
                is_static=is_static,
            )
        snapshot = state.snapshot() if is_static else None
        if create:
            computation = CancunComputation.apply_create_message(state, message, context)
        else:
            computation = CancunComputation.apply_message(state, message, context)
        if snapshot is not None:
            state.revert(snapshot)
        logs = tuple(
            EvmLog(bytes(addr), tuple(t.to_bytes(32, "big") for t in topics), bytes(body))
            for addr, topics, body in computation.get_log_entries()
        )
        gas_used = gas - computation.get_gas_remaining()
        if computation.is_success:
            return CallResult(True, bytes(computation.output), logs, gas_used), bytes(target)
        error = computation.error
        output = bytes(computation.output) if type(error).__name__ == "Revert" else b""
        return CallResult(False, output, (), gas_used, repr(error)), bytes(target)

    def deploy(
        self,
        init_code: bytes,
        constructor_args: bytes = b"",
        *,
        sender: bytes = DEFAULT_SENDER,
        value: int = 0,
        gas: int = DEFAULT_GAS,
    ) -> bytes:
        """Run ``init_code ‖ constructor_args`` as a creation from ``sender``; the new address.

        A failed creation is misuse of the harness (:class:`ExecutionError`).
        """
        result, created = self._run(
            sender, b"", init_code + constructor_args, value, gas, create=True, is_static=False
        )
        if not result.success:
            raise ExecutionError(f"deployment failed: {result.error} {result.output.hex()}")
        return created

    def deploy_artifact(self, artifact: ContractArtifact, constructor_args: bytes = b"") -> bytes:
        """Deploy a :class:`ContractArtifact`; the new address."""
        return self.deploy(artifact.init_code, constructor_args)

    def call(
        self,
        to: bytes,
        data: bytes,
        *,
        sender: bytes = DEFAULT_SENDER,
        value: int = 0,
        gas: int = DEFAULT_GAS,
    ) -> CallResult:
        """A message call that keeps its state changes when it succeeds."""
        result, _ = self._run(sender, to, data, value, gas, create=False, is_static=False)
        return result

    def static_call(
        self, to: bytes, data: bytes, *, sender: bytes = DEFAULT_SENDER, gas: int = DEFAULT_GAS
    ) -> CallResult:
        """A ``STATICCALL``-style call: state writes fail, and nothing it did is kept."""
        result, _ = self._run(sender, to, data, 0, gas, create=False, is_static=True)
        return result

    def call_function(
        self, to: bytes, signature: str, args: Sequence[Any], returns: Sequence[str]
    ) -> tuple[Any, ...]:
        """Static-call ``signature`` with ``args`` and ABI-decode the result as ``returns``."""
        return self.static_call(to, encode_call(signature, args)).decode(returns)
