"""The unified bridge of Polygon zkEVM (``PolygonZkEVMBridgeV2``), as a pure state machine.

Upstream rules: zkevm-contracts tag ``v4.0.0-fork.7`` ``contracts/v2/PolygonZkEVMBridgeV2.sol``
(``bridgeAsset``, ``bridgeMessage``, ``claimAsset``, ``claimMessage``, ``_verifyLeaf``,
``_setAndCheckClaimed``, ``updateGlobalExitRoot``) and ``contracts/v2/lib/DepositContractV2.sol``
(``getLeafValue``); zkevm-commonjs ``src/mt-bridge-utils.js`` (``getLeafValue``) and the
``computeGlobalIndex`` helper of the contracts' tests, with vectors
``mt-bridge/leaf-vectors.json`` and ``merkle-tree-bridge/global-index.json``.

One bridge contract lives on every network (L1 = network 0, rollup ``i`` = network ``i``). A
bridge appends one *deposit leaf* per ``bridgeAsset``/``bridgeMessage`` to its local exit tree
(:mod:`~l2spec.spec.zk.exit_roots`); a claim on another network proves the leaf against a global
exit root that network's exit-root manager has recorded, and sets a nullifier bit.

Scope of this model: the network's gas token is ETH (``gasTokenAddress == 0``, no ``WETHToken``);
the gas-token branches, ``bridgeMessageWETH`` and ``permit`` are not modelled. ERC20 tokens are a
ledger: tokens native to this network are *locked* in the bridge (the token contract itself is
outside the model: its ``transferFrom`` is taken to succeed, and ``leafAmount`` is ``amount``, i.e.
no fee-on-transfer tokens); tokens from other networks are *wrapped* tokens minted and burned by the
bridge, identified by ``(originNetwork, originTokenAddress)`` (the contract's CREATE2 address is not
computed). No EVM runs: an ETH transfer or message call to the destination succeeds unless
``call_succeeds`` is false or the bridge holds too little ETH. Refusals are values named after the
contract's custom errors; a refused call changes nothing (the whole transaction reverts).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from eth_abi.abi import encode as abi_encode

from l2spec.errors import L2SpecError
from l2spec.spec.common.keccak import keccak256
from l2spec.spec.common.types import ZERO_ADDRESS, Address, Hash32, uint_to_bytes
from l2spec.spec.zk.exit_roots import (
    EMPTY_TREE,
    MERKLE_TREE_FULL,
    ExitTree,
    GlobalExitRootManager,
    GlobalExitRootManagerL2,
    L1Block,
    add_leaf,
    calculate_root,
    global_exit_root,
    tree_is_full,
    tree_root,
    update_exit_root,
    update_exit_root_l2,
    verify_merkle_proof,
)

LEAF_TYPE_ASSET = 0
"""``_LEAF_TYPE_ASSET``."""
LEAF_TYPE_MESSAGE = 1
"""``_LEAF_TYPE_MESSAGE``."""
MAINNET_NETWORK_ID = 0
"""``_MAINNET_NETWORK_ID``: Ethereum L1."""
ZKEVM_NETWORK_ID = 1
"""``_ZKEVM_NETWORK_ID``: the first rollup (the zkEVM), whose L1 nullifiers keep the v1 layout."""
MAX_LEAFS_PER_NETWORK = 2**32
"""``_MAX_LEAFS_PER_NETWORK``."""
GLOBAL_INDEX_MAINNET_FLAG = 2**64
"""``_GLOBAL_INDEX_MAINNET_FLAG``: bit 64 of a global index says "the leaf is in the L1 tree"."""

# Custom errors (IPolygonZkEVMBridgeV2, EmergencyManager, DepositContractBase), in check order.
ONLY_NOT_EMERGENCY_STATE = "OnlyNotEmergencyState"
DESTINATION_NETWORK_INVALID = "DestinationNetworkInvalid"
AMOUNT_DOES_NOT_MATCH_MSG_VALUE = "AmountDoesNotMatchMsgValue"
MSG_VALUE_NOT_ZERO = "MsgValueNotZero"
GLOBAL_EXIT_ROOT_INVALID = "GlobalExitRootInvalid"
INVALID_SMT_PROOF = "InvalidSmtProof"
ALREADY_CLAIMED = "AlreadyClaimed"
ETHER_TRANSFER_FAILED = "EtherTransferFailed"
MESSAGE_FAILED = "MessageFailed"
ONLY_ALLOWED_CONTRACTS = "OnlyAllowedContracts"
ARITHMETIC_PANIC = "Panic(0x11)"
"""Solidity's checked-arithmetic panic (``indexRollup + 1`` overflowing ``uint32``)."""
ERC20_TRANSFER_FAILED = "ERC20: transfer amount exceeds balance"
"""Not a bridge error: the revert of the locked token's ``transfer`` (OpenZeppelin ERC20) when the
bridge would send more than it holds; the model's ledger cannot hold less in normal use."""
ERC20_BURN_EXCEEDS_BALANCE = "ERC20: burn amount exceeds balance"
"""The revert of ``TokenWrapped.burn`` (OpenZeppelin ERC20 ``_burn``)."""


class BridgeError(L2SpecError):
    """The bridge model was misused (out-of-range integers, a proof of the wrong length…)."""


ExitRootManager = GlobalExitRootManager | GlobalExitRootManagerL2
"""The exit-root manager a bridge talks to: ``PolygonZkEVMGlobalExitRootV2`` on L1,
``PolygonZkEVMGlobalExitRootL2`` on a rollup."""


def _check_uint(value: int, bits: int, name: str) -> None:
    if not 0 <= value < 2**bits:
        raise BridgeError(f"{name} is a uint{bits}, got {value}")


def deposit_leaf(
    leaf_type: int,
    origin_network: int,
    origin_address: Address,
    destination_network: int,
    destination_address: Address,
    amount: int,
    metadata_hash: Hash32,
) -> Hash32:
    """``DepositContractV2.getLeafValue``: ``keccak256(abi.encodePacked(uint8 leafType, uint32
    originNetwork, address originAddress, uint32 destinationNetwork, address destinationAddress,
    uint256 amount, bytes32 metadataHash))``, a 113-byte preimage."""
    return keccak256(
        uint_to_bytes(leaf_type, 1)
        + uint_to_bytes(origin_network, 4)
        + bytes(origin_address)
        + uint_to_bytes(destination_network, 4)
        + bytes(destination_address)
        + uint_to_bytes(amount, 32)
        + bytes(metadata_hash)
    )


def token_metadata(name: str, symbol: str, decimals: int) -> bytes:
    """``getTokenMetadata``: ``abi.encode(string name, string symbol, uint8 decimals)`` of a
    token native to the bridging network (its hash goes into the leaf; a wrapped token is created
    with it on the destination)."""
    _check_uint(decimals, 8, "decimals")
    return abi_encode(["string", "string", "uint8"], [name, symbol, decimals])


def compute_global_index(index_local: int, index_rollup: int, is_mainnet: bool) -> int:
    """The global index a claimer passes (``computeGlobalIndex`` of the contracts' tests and
    zkevm-commonjs vectors ``merkle-tree-bridge/global-index.json``): ``2^64 + indexLocal`` for a
    leaf of the L1 tree, else ``indexLocal + indexRollup·2^32``.

    This is plain arithmetic, as upstream: for in-range inputs (both uint32) it is the bit layout
    ``| mainnetFlag (bit 64) | rollupIndex (bits 32..63) | leafIndex (bits 0..31) |`` that
    :func:`decode_global_index` reads; larger inputs carry into the higher fields exactly as the
    upstream helper does."""
    if index_local < 0 or index_rollup < 0:
        raise BridgeError("indices are unsigned")
    if is_mainnet:
        return index_local + GLOBAL_INDEX_MAINNET_FLAG
    return index_local + index_rollup * MAX_LEAFS_PER_NETWORK


@dataclass(frozen=True)
class GlobalIndex:
    """A global index as ``_verifyLeaf`` reads it."""

    mainnet: bool
    """``globalIndex & 2^64 != 0``."""
    rollup_index: int
    """``uint32(globalIndex >> 32)``; ignored when ``mainnet``."""
    leaf_index: int
    """``uint32(globalIndex)``."""


def decode_global_index(global_index: int) -> GlobalIndex:
    """``_verifyLeaf``'s reading of a ``uint256`` global index: the mainnet flag is bit 64, the
    leaf index the low 32 bits, the rollup index the next 32 (higher bits are ignored)."""
    _check_uint(global_index, 256, "globalIndex")
    return GlobalIndex(
        mainnet=global_index & GLOBAL_INDEX_MAINNET_FLAG != 0,
        rollup_index=(global_index >> 32) & 0xFFFFFFFF,
        leaf_index=global_index & 0xFFFFFFFF,
    )


def source_network(index: GlobalIndex) -> int:
    """The network whose exit tree holds the leaf (``sourceBridgeNetwork``): 0 for mainnet, else
    ``rollupIndex + 1``. May be 2^32 for rollup index 2^32 − 1, where the contract's checked
    ``uint32`` addition panics (:func:`verify_leaf` refuses it with :data:`ARITHMETIC_PANIC`)."""
    return 0 if index.mainnet else index.rollup_index + 1


def nullifier_index(network_id: int, leaf_index: int, source_network_: int) -> int:
    """``_setAndCheckClaimed``'s bitmap position: ``leafIndex + sourceNetwork·2^32``, except on
    mainnet for leaves from the zkEVM (network 1), whose nullifier is ``leafIndex`` alone so that
    claims made under v1 stay claimed."""
    if network_id == MAINNET_NETWORK_ID and source_network_ == ZKEVM_NETWORK_ID:
        return leaf_index
    return leaf_index + source_network_ * MAX_LEAFS_PER_NETWORK


WrappedKey = tuple[int, Address, Address]
"""``(originNetwork, originTokenAddress, holder)``: a balance of a wrapped token."""


@dataclass(frozen=True)
class BridgeState:
    """A ``PolygonZkEVMBridgeV2`` on one network. Dicts and sets are never mutated."""

    address: Address
    """The bridge's own address (the ``msg.sender`` its exit-root manager accepts)."""
    network_id: int
    deposit_tree: ExitTree = EMPTY_TREE
    deposit_leaves: tuple[Hash32, ...] = ()
    """Every leaf appended (the ``BridgeEvent`` log; kept to build claim proofs)."""
    last_updated_deposit_count: int = 0
    claimed: frozenset[int] = frozenset()
    """Set bits of ``claimedBitMap`` (bit ``i`` is word ``i >> 8``, bit ``i & 0xff``)."""
    eth_balance: int = 0
    locked_tokens: Mapping[Address, int] = field(default_factory=dict)
    """Native ERC20 tokens held by the bridge, per token."""
    wrapped_balances: Mapping[WrappedKey, int] = field(default_factory=dict)
    """Balances of the wrapped tokens this bridge minted."""
    emergency: bool = False
    """``isEmergencyState`` (set by the rollup manager on L1)."""


@dataclass(frozen=True)
class BridgeResult:
    """A bridge (and its exit-root manager) after a call; ``reason`` is the custom error when
    refused, in which case both are unchanged."""

    bridge: BridgeState
    manager: ExitRootManager
    ok: bool
    reason: str | None = None
    leaf: Hash32 | None = None
    """The appended deposit leaf (bridge calls) or the claimed leaf (claims)."""
    deposit_count: int | None = None
    """``BridgeEvent.depositCount``: the index of the appended leaf."""
    paid_eth: int = 0
    """ETH sent to the destination by a claim."""


def _refuse(bridge: BridgeState, manager: ExitRootManager, reason: str) -> BridgeResult:
    return BridgeResult(bridge, manager, False, reason)


def local_exit_root(bridge: BridgeState) -> Hash32:
    """``getRoot``: the root of the bridge's local exit tree."""
    return tree_root(bridge.deposit_tree)


def _push_exit_root(
    bridge: BridgeState, manager: ExitRootManager, block: L1Block
) -> tuple[BridgeState, ExitRootManager] | str:
    """``_updateGlobalExitRoot``: remember the deposit count and send the local exit root to the
    exit-root manager (``updateExitRoot``). Returns the manager's refusal if any."""
    root = local_exit_root(bridge)
    new_manager: ExitRootManager
    if isinstance(manager, GlobalExitRootManager):
        update = update_exit_root(manager, bridge.address, root, block)
        if not update.ok:
            return update.reason or ONLY_ALLOWED_CONTRACTS
        new_manager = update.manager
    else:
        update_l2 = update_exit_root_l2(manager, bridge.address, root)
        if not update_l2.ok:
            return update_l2.reason or ONLY_ALLOWED_CONTRACTS
        new_manager = update_l2.manager
    return replace(
        bridge, last_updated_deposit_count=bridge.deposit_tree.deposit_count
    ), new_manager


def update_global_exit_root(
    bridge: BridgeState, manager: ExitRootManager, block: L1Block
) -> BridgeResult:
    """``updateGlobalExitRoot`` (anyone; ``sequenceBatches`` calls it): push the local exit root
    to the manager only if leaves were added since the last push."""
    if bridge.last_updated_deposit_count >= bridge.deposit_tree.deposit_count:
        return BridgeResult(bridge, manager, True)
    pushed = _push_exit_root(bridge, manager, block)
    if isinstance(pushed, str):
        return _refuse(bridge, manager, pushed)
    return BridgeResult(pushed[0], pushed[1], True)


def _append(
    bridge: BridgeState,
    manager: ExitRootManager,
    leaf: Hash32,
    force_update: bool,
    block: L1Block,
    **changes: object,
) -> BridgeResult:
    if tree_is_full(bridge.deposit_tree):
        return _refuse(bridge, manager, MERKLE_TREE_FULL)
    index = bridge.deposit_tree.deposit_count
    new_bridge = replace(
        bridge,
        deposit_tree=add_leaf(bridge.deposit_tree, leaf),
        deposit_leaves=(*bridge.deposit_leaves, leaf),
        **changes,  # type: ignore[arg-type]
    )
    new_manager = manager
    if force_update:
        pushed = _push_exit_root(new_bridge, manager, block)
        if isinstance(pushed, str):
            return _refuse(bridge, manager, pushed)
        new_bridge, new_manager = pushed
    return BridgeResult(new_bridge, new_manager, True, None, leaf, index)


@dataclass(frozen=True)
class AssetDeposit:
    """The arguments of ``bridgeAsset`` and the kind of ``token``.

    ``token == 0`` bridges ETH (``msg_value`` must equal ``amount``). Otherwise ``wrapped_origin``
    is the ``(originNetwork, originTokenAddress)`` of a wrapped token this bridge minted (it is
    burned from ``sender``), or ``None`` for a token native to this network, which is locked in the
    bridge; its ``metadata`` is :func:`token_metadata` of the token (``getTokenMetadata``)."""

    sender: Address
    destination_network: int
    destination_address: Address
    amount: int
    token: Address = ZERO_ADDRESS
    msg_value: int = 0
    force_update_global_exit_root: bool = True
    wrapped_origin: tuple[int, Address] | None = None
    metadata: bytes = b""


def bridge_asset(
    bridge: BridgeState, manager: ExitRootManager, deposit: AssetDeposit, block: L1Block
) -> BridgeResult:
    """``bridgeAsset``: checks in the contract's order (emergency, destination ≠ this network,
    ``msg.value``), then take the asset (ETH received, wrapped token burned, native token locked),
    append the asset leaf and, if asked, push the new local exit root to the manager.

    The leaf of ETH is ``(0, 0, 0x0, dest, destAddr, amount, keccak(""))`` (``gasTokenNetwork``,
    ``gasTokenAddress`` and ``gasTokenMetadata`` are all empty on an ETH network)."""
    _check_uint(deposit.destination_network, 32, "destinationNetwork")
    _check_uint(deposit.amount, 256, "amount")
    if bridge.emergency:
        return _refuse(bridge, manager, ONLY_NOT_EMERGENCY_STATE)
    if deposit.destination_network == bridge.network_id:
        return _refuse(bridge, manager, DESTINATION_NETWORK_INVALID)
    changes: dict[str, object] = {}
    if deposit.token == ZERO_ADDRESS:
        if deposit.msg_value != deposit.amount:
            return _refuse(bridge, manager, AMOUNT_DOES_NOT_MATCH_MSG_VALUE)
        origin_network, origin_address, metadata = 0, ZERO_ADDRESS, b""
        changes["eth_balance"] = bridge.eth_balance + deposit.amount
    else:
        if deposit.msg_value != 0:
            return _refuse(bridge, manager, MSG_VALUE_NOT_ZERO)
        metadata = deposit.metadata
        if deposit.wrapped_origin is not None:
            origin_network, origin_address = deposit.wrapped_origin
            key = (origin_network, origin_address, deposit.sender)
            held = bridge.wrapped_balances.get(key, 0)
            if held < deposit.amount:
                return _refuse(bridge, manager, ERC20_BURN_EXCEEDS_BALANCE)
            changes["wrapped_balances"] = {**bridge.wrapped_balances, key: held - deposit.amount}
        else:
            origin_network, origin_address = bridge.network_id, deposit.token
            locked = bridge.locked_tokens.get(deposit.token, 0)
            changes["locked_tokens"] = {
                **bridge.locked_tokens,
                deposit.token: locked + deposit.amount,
            }
    leaf = deposit_leaf(
        LEAF_TYPE_ASSET,
        origin_network,
        origin_address,
        deposit.destination_network,
        deposit.destination_address,
        deposit.amount,
        keccak256(metadata),
    )
    return _append(bridge, manager, leaf, deposit.force_update_global_exit_root, block, **changes)


def bridge_message(
    bridge: BridgeState,
    manager: ExitRootManager,
    sender: Address,
    destination_network: int,
    destination_address: Address,
    msg_value: int,
    metadata: bytes,
    block: L1Block,
    force_update_global_exit_root: bool = True,
) -> BridgeResult:
    """``bridgeMessage`` → ``_bridgeMessage``: the message leaf is ``(1, networkID, msg.sender,
    dest, destAddr, msg.value, keccak(metadata))``; the ETH sent along stays in the bridge."""
    _check_uint(destination_network, 32, "destinationNetwork")
    _check_uint(msg_value, 256, "msg.value")
    if bridge.emergency:
        return _refuse(bridge, manager, ONLY_NOT_EMERGENCY_STATE)
    if destination_network == bridge.network_id:
        return _refuse(bridge, manager, DESTINATION_NETWORK_INVALID)
    leaf = deposit_leaf(
        LEAF_TYPE_MESSAGE,
        bridge.network_id,
        sender,
        destination_network,
        destination_address,
        msg_value,
        keccak256(metadata),
    )
    return _append(
        bridge,
        manager,
        leaf,
        force_update_global_exit_root,
        block,
        eth_balance=bridge.eth_balance + msg_value,
    )


@dataclass(frozen=True)
class Claim:
    """The arguments shared by ``claimAsset`` and ``claimMessage``.

    ``origin_address`` is ``originTokenAddress`` for an asset and the message sender for a
    message. ``smt_proof_local`` proves the leaf in its network's local exit tree (the mainnet
    exit tree when the global index has the mainnet flag); ``smt_proof_rollup`` proves that local
    exit root in the rollup exit tree at ``rollupIndex`` (unused for mainnet leaves)."""

    smt_proof_local: Sequence[Hash32]
    smt_proof_rollup: Sequence[Hash32]
    global_index: int
    mainnet_exit_root: Hash32
    rollup_exit_root: Hash32
    origin_network: int
    origin_address: Address
    destination_network: int
    destination_address: Address
    amount: int
    metadata: bytes


def verify_leaf(
    bridge: BridgeState,
    exit_root_map: Mapping[Hash32, int],
    claim: Claim,
    leaf: Hash32,
) -> str | int:
    """``_verifyLeaf`` without its write: the global exit root ``keccak(MER ‖ RER)`` must be
    recorded in the manager (else ``GlobalExitRootInvalid``); the leaf must verify against the
    mainnet exit root at ``leafIndex``, or, for a rollup leaf, the root computed from the leaf and
    ``smt_proof_local`` must verify against the rollup exit root at ``rollupIndex`` (else
    ``InvalidSmtProof``); the nullifier must be unset (else ``AlreadyClaimed``). Returns the
    refusal or the nullifier index to set."""
    if len(claim.smt_proof_local) != 32 or len(claim.smt_proof_rollup) != 32:
        raise BridgeError("claim proofs have 32 siblings")
    ger = global_exit_root(claim.mainnet_exit_root, claim.rollup_exit_root)
    if exit_root_map.get(ger, 0) == 0:
        return GLOBAL_EXIT_ROOT_INVALID
    index = decode_global_index(claim.global_index)
    if source_network(index) >= 2**32:
        return ARITHMETIC_PANIC
    if index.mainnet:
        valid = verify_merkle_proof(
            leaf, claim.smt_proof_local, index.leaf_index, claim.mainnet_exit_root
        )
    else:
        local_root = calculate_root(leaf, claim.smt_proof_local, index.leaf_index)
        valid = verify_merkle_proof(
            local_root, claim.smt_proof_rollup, index.rollup_index, claim.rollup_exit_root
        )
    if not valid:
        return INVALID_SMT_PROOF
    nullifier = nullifier_index(bridge.network_id, index.leaf_index, source_network(index))
    if nullifier in bridge.claimed:
        return ALREADY_CLAIMED
    return nullifier


def is_claimed(bridge: BridgeState, leaf_index: int, source_bridge_network: int) -> bool:
    """``isClaimed(leafIndex, sourceBridgeNetwork)``."""
    _check_uint(leaf_index, 32, "leafIndex")
    _check_uint(source_bridge_network, 32, "sourceBridgeNetwork")
    return nullifier_index(bridge.network_id, leaf_index, source_bridge_network) in bridge.claimed


def _check_claim_args(claim: Claim) -> None:
    _check_uint(claim.origin_network, 32, "originNetwork")
    _check_uint(claim.destination_network, 32, "destinationNetwork")
    _check_uint(claim.amount, 256, "amount")
    _check_uint(claim.global_index, 256, "globalIndex")


def claim_asset(
    bridge: BridgeState,
    manager: ExitRootManager,
    claim: Claim,
    call_succeeds: bool = True,
) -> BridgeResult:
    """``claimAsset``: emergency check, ``destinationNetwork == networkID`` (else
    ``DestinationNetworkInvalid``), :func:`verify_leaf` on the asset leaf, set the nullifier, then
    pay: ETH (``originTokenAddress == 0``) is sent from the bridge's balance (a failed call is
    ``EtherTransferFailed``); a token native to this network is released from the locked ledger;
    any other token is minted as its wrapped token."""
    _check_claim_args(claim)
    if bridge.emergency:
        return _refuse(bridge, manager, ONLY_NOT_EMERGENCY_STATE)
    if claim.destination_network != bridge.network_id:
        return _refuse(bridge, manager, DESTINATION_NETWORK_INVALID)
    leaf = deposit_leaf(
        LEAF_TYPE_ASSET,
        claim.origin_network,
        claim.origin_address,
        claim.destination_network,
        claim.destination_address,
        claim.amount,
        keccak256(claim.metadata),
    )
    checked = verify_leaf(bridge, manager.global_exit_root_map, claim, leaf)
    if isinstance(checked, str):
        return _refuse(bridge, manager, checked)
    claimed = replace(bridge, claimed=bridge.claimed | {checked})
    paid = 0
    if claim.origin_address == ZERO_ADDRESS:
        if not call_succeeds or bridge.eth_balance < claim.amount:
            return _refuse(bridge, manager, ETHER_TRANSFER_FAILED)
        claimed = replace(claimed, eth_balance=bridge.eth_balance - claim.amount)
        paid = claim.amount
    elif claim.origin_network == bridge.network_id:
        locked = bridge.locked_tokens.get(claim.origin_address, 0)
        if locked < claim.amount:
            return _refuse(bridge, manager, ERC20_TRANSFER_FAILED)
        claimed = replace(
            claimed,
            locked_tokens={**bridge.locked_tokens, claim.origin_address: locked - claim.amount},
        )
    else:
        key = (claim.origin_network, claim.origin_address, claim.destination_address)
        balances = {
            **bridge.wrapped_balances,
            key: bridge.wrapped_balances.get(key, 0) + claim.amount,
        }
        claimed = replace(claimed, wrapped_balances=balances)
    return BridgeResult(claimed, manager, True, None, leaf, None, paid)


def claim_message(
    bridge: BridgeState,
    manager: ExitRootManager,
    claim: Claim,
    call_succeeds: bool = True,
) -> BridgeResult:
    """``claimMessage``: the same checks as :func:`claim_asset` on the message leaf, then call
    ``onMessageReceived(originAddress, originNetwork, metadata)`` on the destination with
    ``amount`` ETH; if that call fails (or the bridge lacks the ETH) the claim is refused with
    ``MessageFailed`` and the nullifier stays unset."""
    _check_claim_args(claim)
    if bridge.emergency:
        return _refuse(bridge, manager, ONLY_NOT_EMERGENCY_STATE)
    if claim.destination_network != bridge.network_id:
        return _refuse(bridge, manager, DESTINATION_NETWORK_INVALID)
    leaf = deposit_leaf(
        LEAF_TYPE_MESSAGE,
        claim.origin_network,
        claim.origin_address,
        claim.destination_network,
        claim.destination_address,
        claim.amount,
        keccak256(claim.metadata),
    )
    checked = verify_leaf(bridge, manager.global_exit_root_map, claim, leaf)
    if isinstance(checked, str):
        return _refuse(bridge, manager, checked)
    if not call_succeeds or bridge.eth_balance < claim.amount:
        return _refuse(bridge, manager, MESSAGE_FAILED)
    new_bridge = replace(
        bridge, claimed=bridge.claimed | {checked}, eth_balance=bridge.eth_balance - claim.amount
    )
    return BridgeResult(new_bridge, manager, True, None, leaf, None, claim.amount)


def set_emergency_state(bridge: BridgeState, active: bool) -> BridgeState:
    """``activateEmergencyState`` / ``deactivateEmergencyState`` (only the rollup manager calls
    them; the manager's own checks live in :mod:`~l2spec.spec.zk.rollup`)."""
    return replace(bridge, emergency=active)
