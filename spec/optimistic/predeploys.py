"""L2 predeploys: fixed-address contracts present from L2 genesis, and the L2 genesis allocation.

Upstream rules: ``specs/protocol/predeploys.md`` (addresses and roles),
``specs/protocol/preinstalls.md`` (the EIP-4788 beacon block roots contract),
``packages/contracts-bedrock/src/libraries/Predeploys.sol``. The contract code is the *real* compiled
code from ``@eth-optimism/contracts-bedrock`` (``forge-artifacts/<Name>.sol/<Name>.json``,
``deployedBytecode.object``), read through :func:`l2spec.paths.node_modules_dir`.

**Proxies.** On a real OP chain every predeploy address holds a ``Proxy`` whose EIP-1967
implementation slot points at the implementation, deployed in the ``0xc0d3c0d3…`` code namespace.
The genesis built here places the *implementation* code directly at the predeploy address. The
behaviour the protocol relies on is the same: the storage layout of ``L1Block`` and
``L2ToL1MessagePasser`` is the implementation's (the proxy keeps its admin and implementation
in EIP-1967 slots that never collide), and neither contract's logic depends on being behind a
proxy. What differs is gas (no ``DELEGATECALL`` hop) and the genesis state root, which cannot
equal any real chain's anyway. Only the contracts the rollup protocol itself exercises are placed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from typing import Any

from l2spec.errors import ArtifactError
from l2spec.paths import node_modules_dir
from l2spec.spec.common.evm import AllocAccount
from l2spec.spec.common.types import Address, address, hex_to_bytes

# Addresses (predeploys.md; Predeploys.sol).
L2_CROSS_DOMAIN_MESSENGER = address("0x4200000000000000000000000000000000000007")
GAS_PRICE_ORACLE = address("0x420000000000000000000000000000000000000F")
L2_STANDARD_BRIDGE = address("0x4200000000000000000000000000000000000010")
SEQUENCER_FEE_VAULT = address("0x4200000000000000000000000000000000000011")
L1_BLOCK = address("0x4200000000000000000000000000000000000015")
"""``L1Block``: the L1 attributes of the current epoch (written by the L1 info deposit)."""
L2_TO_L1_MESSAGE_PASSER = address("0x4200000000000000000000000000000000000016")
"""``L2ToL1MessagePasser``: where withdrawals start (``sentMessages`` mapping at slot 0)."""
PROXY_ADMIN = address("0x4200000000000000000000000000000000000018")
BASE_FEE_VAULT = address("0x4200000000000000000000000000000000000019")
L1_FEE_VAULT = address("0x420000000000000000000000000000000000001A")

L1_ATTRIBUTES_DEPOSITOR = address("0xDeaDDEaDDeAdDeAdDEAdDEaddeAddEAdDEAd0001")
"""The account with no key that sends the L1 attributes deposit (``deposits.md`` §L1 Attributes
Depositor Account)."""

BEACON_BLOCK_ROOTS = address("0x000F3df6D732807Ef1319fB7B8bB8522d0Beac02")
"""EIP-4788 contract, a preinstall on OP chains (``preinstalls.md``); Ecotone writes the L1
origin's parent beacon block root into it at the start of every block."""

BEACON_BLOCK_ROOTS_CODE = hex_to_bytes(
    "0x3373fffffffffffffffffffffffffffffffffffffffe14604d57602036146024575f5ffd5b5f35801560495762"
    "001fff810690815414603c575f5ffd5b62001fff01545f5260205ff35b5f5ffd5b62001fff42064281555f3590"
    "62001fff015500"
)
"""The runtime code of the EIP-4788 beacon roots contract, as given in EIP-4788."""


@cache
def load_forge_artifact(contract_name: str) -> Mapping[str, Any]:
    """The forge artifact JSON of a contracts-bedrock contract (cached).

    Reads ``node_modules/@eth-optimism/contracts-bedrock/forge-artifacts/<Name>.sol/<Name>.json``;
    a missing package or file is an :class:`~l2spec.errors.ArtifactError` saying what to install.
    """
    base = node_modules_dir() / "@eth-optimism" / "contracts-bedrock" / "forge-artifacts"
    path = base / f"{contract_name}.sol" / f"{contract_name}.json"
    if not path.is_file():
        raise ArtifactError(f"no forge artifact for {contract_name!r} at {path}")
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise ArtifactError(f"cannot read forge artifact {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise ArtifactError(f"forge artifact {path} is not a JSON object")
    return data


def deployed_bytecode(contract_name: str) -> bytes:
    """The runtime code of a contracts-bedrock contract (``deployedBytecode.object``).

    Code with unresolved library links or immutables cannot be placed as is: an ArtifactError.
    """
    artifact = load_forge_artifact(contract_name)
    deployed = artifact.get("deployedBytecode")
    if not isinstance(deployed, dict) or not isinstance(deployed.get("object"), str):
        raise ArtifactError(f"artifact of {contract_name} has no deployedBytecode.object")
    if deployed.get("linkReferences") or deployed.get("immutableReferences"):
        raise ArtifactError(f"{contract_name} needs links or immutables; cannot place it directly")
    code: bytes = hex_to_bytes(deployed["object"])
    return code


def storage_slot(contract_name: str, label: str) -> tuple[int, int]:
    """``(slot, byte offset)`` of a state variable, from the artifact's ``storageLayout``."""
    layout = load_forge_artifact(contract_name).get("storageLayout", {})
    for entry in layout.get("storage", ()):
        if entry.get("label") == label:
            return int(entry["slot"]), int(entry["offset"])
    raise ArtifactError(f"{contract_name} has no state variable {label!r}")


def l2_genesis_alloc(
    funded: Mapping[Address, int] | None = None,
    *,
    include_beacon_roots: bool = True,
) -> dict[Address, AllocAccount]:
    """The L2 genesis allocation the spec runs on.

    - ``L1Block`` and ``L2ToL1MessagePasser`` implementation code at their predeploy addresses
      (see the module docstring on proxies), empty storage;
    - the EIP-4788 beacon roots contract (a preinstall) unless ``include_beacon_roots`` is false;
    - each address in ``funded`` with that balance (test accounts, faucets).
    """
    alloc: dict[Address, AllocAccount] = {
        L1_BLOCK: AllocAccount(code=deployed_bytecode("L1Block")),
        L2_TO_L1_MESSAGE_PASSER: AllocAccount(code=deployed_bytecode("L2ToL1MessagePasser")),
    }
    if include_beacon_roots:
        alloc[BEACON_BLOCK_ROOTS] = AllocAccount(code=BEACON_BLOCK_ROOTS_CODE)
    for who, balance in (funded or {}).items():
        previous = alloc.get(who, AllocAccount())
        alloc[who] = AllocAccount(
            balance=balance, nonce=previous.nonce, code=previous.code, storage=previous.storage
        )
    return alloc
