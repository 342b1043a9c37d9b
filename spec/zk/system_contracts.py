"""The storage the Etrog processor writes by itself: the system contract and the L2 GER manager.

Besides running transactions, the zkEVM ROM writes a few storage slots directly into the state tree
at every new L2 block (zkevm-rom ``main/process-change-l2-block.zkasm``, ``main/block-info.zkasm``;
zkevm-commonjs ``src/processor.js`` ``_processChangeL2BlockTx`` / ``consolidateBlock``; slot numbers
from ``src/constants.js``). No contract code is run for these writes.

System contract ``ADDRESS_SYSTEM = 0x000000000000000000000000000000005ca1ab1e`` (it has no code):

- slot 0 ``LAST_BLOCK_STORAGE_POS``: the number of the last L2 block;
- ``keccak256(uint256 blockNumber ‖ uint256 1)`` (``STATE_ROOT_STORAGE_POS`` = 1, a Solidity
  ``mapping(uint256 => bytes32)`` at slot 1): the state root *when block* ``blockNumber + 1``
  *started*, i.e. the "hash" of block ``blockNumber`` (written by the next block; block 0 is the
  state before the first L2 block). ``BLOCKHASH`` reads it;
- slot 2 ``TIMESTAMP_STORAGE_POS``: the timestamp of the last block;
- slot 3 ``BLOCK_INFO_ROOT_STORAGE_POS``: the block info root of the last block
  (:mod:`~l2spec.spec.zk.block_info`).

L2 global exit root manager ``ADDRESS_GLOBAL_EXIT_ROOT_MANAGER_L2 =
0xa40D5f56745a118D0906a34E69aeC8C0Db1cB8fA`` (``PolygonZkEVMGlobalExitRootL2``):

- ``globalExitRootMap`` (a ``mapping(bytes32 => uint256)`` at slot 0): the ROM stores
  ``globalExitRootMap[GER] = L1 block hash`` when a block imports a global exit root, unless that
  GER is zero or already has a non-zero entry;
- slot 1 ``lastRollupExitRoot``: the local exit root, written by the L2 bridge; the ROM reads it
  at the end of the batch as ``newLocalExitRoot``.

Values are stored as 256-bit numbers; a state root (an h4) is stored as ``h4toScalar`` (its 32-byte
form read big-endian). The state is an account set (address → :class:`~l2spec.spec.zk.smt.ZkAccount`)
and every function here is pure: it returns a new mapping.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from l2spec.errors import L2SpecError
from l2spec.spec.common.keccak import keccak256
from l2spec.spec.common.types import Address, Hash32, address, hash32, uint256_to_bytes
from l2spec.spec.zk.goldilocks import H4, h4_to_scalar, scalar_to_h4
from l2spec.spec.zk.smt import ZkAccount

Accounts = Mapping[Address, ZkAccount]
"""The zkEVM state as an account set (zero fields and absent accounts have no leaves)."""

ADDRESS_SYSTEM: Address = address("0x000000000000000000000000000000005ca1ab1e")
ADDRESS_GLOBAL_EXIT_ROOT_MANAGER_L2: Address = address("0xa40D5f56745a118D0906a34E69aeC8C0Db1cB8fA")

LAST_BLOCK_STORAGE_POS = 0
STATE_ROOT_STORAGE_POS = 1
TIMESTAMP_STORAGE_POS = 2
BLOCK_INFO_ROOT_STORAGE_POS = 3

GLOBAL_EXIT_ROOT_STORAGE_POS = 0
LOCAL_EXIT_ROOT_STORAGE_POS = 1


# --- slots -----------------------------------------------------------------------------------------


def state_root_slot(block_number: int) -> int:
    """``keccak256(uint256 blockNumber ‖ uint256 STATE_ROOT_STORAGE_POS)``: where the state root
    at the start of block ``blockNumber + 1`` is kept."""
    return int.from_bytes(
        keccak256(uint256_to_bytes(block_number) + uint256_to_bytes(STATE_ROOT_STORAGE_POS)), "big"
    )


def global_exit_root_slot(global_exit_root: Hash32) -> int:
    """``keccak256(GER ‖ uint256 GLOBAL_EXIT_ROOT_STORAGE_POS)``: ``globalExitRootMap[GER]``."""
    ger = hash32(global_exit_root)
    return int.from_bytes(
        keccak256(bytes(ger) + uint256_to_bytes(GLOBAL_EXIT_ROOT_STORAGE_POS)), "big"
    )


# --- generic storage access ---------------------------------------------------------------------------


def get_storage(accounts: Accounts, who: Address, slot: int) -> int:
    """The value of ``slot`` of ``who`` (0 when absent)."""
    account = accounts.get(who)
    return 0 if account is None else account.storage.get(slot, 0)


def set_storage(accounts: Accounts, who: Address, writes: Mapping[int, int]) -> Accounts:
    """``accounts`` with each ``slot → value`` of ``writes`` stored in ``who`` (``setContractStorage``;
    value 0 deletes the slot). An account left with nothing is dropped, as it has no leaves."""
    for slot, value in writes.items():
        if not (0 <= slot < 2**256 and 0 <= value < 2**256):
            raise L2SpecError(f"storage slot and value are 256-bit numbers, got {slot}, {value}")
    old = accounts.get(who, ZkAccount())
    storage = dict(old.storage)
    for slot, value in writes.items():
        if value:
            storage[slot] = value
        else:
            storage.pop(slot, None)
    new = ZkAccount(old.balance, old.nonce, old.code, storage)
    result = dict(accounts)
    if new.balance or new.nonce or new.code or new.storage:
        result[who] = new
    else:
        result.pop(who, None)
    return MappingProxyType(result)


# --- system contract ---------------------------------------------------------------------------------


def last_block_number(accounts: Accounts) -> int:
    """Slot 0 of the system contract: the last L2 block number (0 before the first block)."""
    return get_storage(accounts, ADDRESS_SYSTEM, LAST_BLOCK_STORAGE_POS)


def last_timestamp(accounts: Accounts) -> int:
    """Slot 2 of the system contract: the timestamp of the last L2 block."""
    return get_storage(accounts, ADDRESS_SYSTEM, TIMESTAMP_STORAGE_POS)


def block_hash(accounts: Accounts, block_number: int) -> Hash32:
    """The stored "hash" of L2 block ``block_number`` (the state root when the next block began),
    as 32 bytes; zero when not (yet) written. This is what ``BLOCKHASH`` returns on the zkEVM."""
    return Hash32(
        get_storage(accounts, ADDRESS_SYSTEM, state_root_slot(block_number)).to_bytes(32, "big")
    )


def stored_block_info_root(accounts: Accounts) -> H4:
    """Slot 3 of the system contract: the block info root of the last closed block."""
    return scalar_to_h4(get_storage(accounts, ADDRESS_SYSTEM, BLOCK_INFO_ROOT_STORAGE_POS))


def start_block(accounts: Accounts, current_state_root: H4) -> tuple[Accounts, int]:
    """The first writes of a new L2 block (``processChangeL2Block``): store the current state root
    under the old block number, then bump the block number. Returns the state and the new number."""
    old_number = last_block_number(accounts)
    new_number = old_number + 1
    accounts = set_storage(
        accounts,
        ADDRESS_SYSTEM,
        {
            state_root_slot(old_number): h4_to_scalar(current_state_root),
            LAST_BLOCK_STORAGE_POS: new_number,
        },
    )
    return accounts, new_number


def set_timestamp(accounts: Accounts, timestamp: int) -> Accounts:
    """Write the new block's timestamp into slot 2."""
    return set_storage(accounts, ADDRESS_SYSTEM, {TIMESTAMP_STORAGE_POS: timestamp})


def set_block_info_root(accounts: Accounts, root: H4) -> Accounts:
    """Write a closed block's info root into slot 3 (``consolidateBlock``)."""
    return set_storage(accounts, ADDRESS_SYSTEM, {BLOCK_INFO_ROOT_STORAGE_POS: h4_to_scalar(root)})


# --- L2 global exit root manager -------------------------------------------------------------------------


def global_exit_root_entry(accounts: Accounts, global_exit_root: Hash32) -> int:
    """``globalExitRootMap[GER]`` of the L2 GER manager (the L1 block hash as a number; 0 if unset)."""
    return get_storage(
        accounts, ADDRESS_GLOBAL_EXIT_ROOT_MANAGER_L2, global_exit_root_slot(global_exit_root)
    )


def import_global_exit_root(
    accounts: Accounts, global_exit_root: Hash32, block_hash_l1: Hash32
) -> Accounts:
    """``globalExitRootMap[GER] = blockHashL1`` — skipped when ``GER`` is zero or its entry is
    already non-zero (zkevm-rom ``process-change-l2-block.zkasm`` ``setGERL1InfoTree``: "Do not set
    if zero", "skip overwrite blockHashL1 if it is different than 0").

    (zkevm-commonjs ``_processChangeL2BlockTx`` means to apply the same "already set" rule through
    ``_shouldWriteL1Info``, but calls it without ``await`` so it always writes; the ROM, which is
    what is proven, is followed here.)
    """
    ger = hash32(global_exit_root)
    if not any(ger) or global_exit_root_entry(accounts, ger) != 0:
        return accounts
    return set_storage(
        accounts,
        ADDRESS_GLOBAL_EXIT_ROOT_MANAGER_L2,
        {global_exit_root_slot(ger): int.from_bytes(hash32(block_hash_l1), "big")},
    )


def local_exit_root(accounts: Accounts) -> Hash32:
    """``newLocalExitRoot``: slot 1 of the L2 GER manager, as 32 bytes (zkevm-rom ``main.zkasm``
    §get newLocalExitRoot; commonjs ``_readLocalExitRoot``)."""
    value = get_storage(accounts, ADDRESS_GLOBAL_EXIT_ROOT_MANAGER_L2, LOCAL_EXIT_ROOT_STORAGE_POS)
    return Hash32(value.to_bytes(32, "big"))
