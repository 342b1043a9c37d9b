"""The world-state layer on py-evm: genesis, signed transactions, deposits, reads and proofs."""

from __future__ import annotations

from typing import Any

import pytest
from eth.vm.forks.cancun import CancunVM
from eth_keys import keys

from l2spec.errors import DecodingError
from l2spec.spec.common import evm, trie
from l2spec.spec.common.keccak import keccak256
from l2spec.spec.common.types import Address, Hash32

CHAIN_ID = 901
KEY = keys.PrivateKey(b"\x01" * 32)
ALICE = Address(KEY.public_key.to_canonical_address())
BOB = Address(b"\xb0" * 20)
VAULT = Address(b"\x19" * 20)
COINBASE = Address(b"\x11" * 20)

ENV = evm.BlockEnv(
    number=1,
    timestamp=1000,
    coinbase=COINBASE,
    gas_limit=30_000_000,
    base_fee=7,
    prev_randao=Hash32(b"\x05" * 32),
    chain_id=CHAIN_ID,
)


def sign_1559(
    nonce: int,
    to: Address | None,
    value: int = 0,
    data: bytes = b"",
    gas: int = 21_000,
    max_fee: int = 10,
    tip: int = 2,
    chain_id: int = CHAIN_ID,
    key: Any = KEY,
) -> bytes:
    builder = CancunVM.get_transaction_builder()
    unsigned = builder.new_unsigned_dynamic_fee_transaction(
        chain_id=chain_id,
        nonce=nonce,
        max_priority_fee_per_gas=tip,
        max_fee_per_gas=max_fee,
        gas=gas,
        to=b"" if to is None else to,
        value=value,
        data=data,
        access_list=(),
    )
    return bytes(unsigned.as_signed_transaction(key).encode())


def sign_legacy(nonce: int, to: Address, value: int, gas_price: int = 10) -> bytes:
    builder = CancunVM.get_transaction_builder()
    unsigned = builder.create_unsigned_transaction(
        nonce=nonce, gas_price=gas_price, gas=21_000, to=to, value=value, data=b""
    )
    return bytes(unsigned.as_signed_transaction(KEY, chain_id=CHAIN_ID).encode())


def genesis(balance: int = 10**18) -> evm.WorldState:
    return evm.genesis_state({ALICE: evm.AllocAccount(balance=balance)})


def applied(result: evm.TxApplied | evm.TxInvalid) -> evm.TxApplied:
    assert isinstance(result, evm.TxApplied), result
    return result


def test_empty_state_root() -> None:
    # keccak256(rlp(b"")) is the root of the empty trie (Yellow Paper Appendix D).
    assert evm.genesis_state({}).root == keccak256(b"\x80")


def test_genesis_root_matches_independent_trie() -> None:
    # The state root computed by py-evm equals the one computed by spec/common/trie.py from the
    # account leaves (Yellow Paper §4.1: secure trie of rlp([nonce, balance, storageRoot, codeHash])).
    code = b"\x60\x00\x60\x00\xf3"
    alloc = {
        ALICE: evm.AllocAccount(balance=5, nonce=3),
        BOB: evm.AllocAccount(code=code, storage={1: 2, 7: 9}),
    }
    world = evm.genesis_state(alloc)
    leaves = {
        ALICE: trie.encode_account(trie.Account(3, 5)),
        BOB: trie.encode_account(
            trie.Account(0, 0, trie.storage_root({1: 2, 7: 9}), keccak256(code))
        ),
    }
    assert world.root == trie.secure_trie_root(leaves)
    assert evm.get_storage(world, BOB, 7) == 9
    assert evm.get_code(world, BOB) == code
    assert evm.storage_root(world, BOB) == trie.storage_root({1: 2, 7: 9})


def test_proofs_verify() -> None:
    world = evm.genesis_state(
        {ALICE: evm.AllocAccount(balance=5), BOB: evm.AllocAccount(code=b"\x00", storage={3: 4})}
    )
    account = trie.verify_account_proof(world.root, BOB, evm.prove_account(world, BOB))
    assert account is not None and account.code_hash == keccak256(b"\x00")
    assert trie.verify_storage_proof(account.storage_root, 3, evm.prove_storage(world, BOB, 3)) == 4
    absent = Address(b"\x77" * 20)
    assert trie.verify_account_proof(world.root, absent, evm.prove_account(world, absent)) is None


def test_signed_transfer_balances_and_fees() -> None:
    world = genesis()
    tx = evm.decode_signed_transaction(sign_1559(0, BOB, value=1000))
    assert tx.sender == ALICE and tx.chain_id == CHAIN_ID
    res = applied(evm.apply_transaction(world, ENV, tx))
    assert res.receipt.status == 1 and res.receipt.gas_used == 21_000
    # EIP-1559: effective price min(maxFee, baseFee + tip) = 9; tip 2 to the coinbase; base fee burned.
    assert evm.get_balance(res.state, ALICE) == 10**18 - 1000 - 21_000 * 9
    assert evm.get_balance(res.state, BOB) == 1000
    assert evm.get_balance(res.state, COINBASE) == 21_000 * 2
    assert evm.get_nonce(res.state, ALICE) == 1
    # the old state is untouched
    assert evm.get_balance(world, ALICE) == 10**18


def test_fee_rules_route_base_fee_and_extra_fee() -> None:
    world = genesis()
    tx = evm.decode_signed_transaction(sign_1559(0, BOB, value=1))
    rules = evm.FeeRules(base_fee_recipient=VAULT, extra_fee=555, extra_fee_recipient=BOB)
    res = applied(evm.apply_transaction(world, ENV, tx, fee_rules=rules))
    assert evm.get_balance(res.state, VAULT) == 21_000 * 7
    assert evm.get_balance(res.state, BOB) == 1 + 555
    assert evm.get_balance(res.state, ALICE) == 10**18 - 1 - 21_000 * 9 - 555


def test_legacy_transaction() -> None:
    tx = evm.decode_signed_transaction(sign_legacy(0, BOB, 5))
    assert tx.tx_type == 0 and tx.chain_id == CHAIN_ID
    res = applied(evm.apply_transaction(genesis(), ENV, tx))
    assert evm.get_balance(res.state, BOB) == 5


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        (sign_1559(1, BOB), "nonce too high"),
        (sign_1559(0, BOB, chain_id=5), "chain id"),
        (sign_1559(0, BOB, max_fee=6, tip=1), "below base fee"),
        (sign_1559(0, BOB, max_fee=10, tip=11), "priority fee"),
        (sign_1559(0, BOB, value=10**18), "insufficient funds"),
        (sign_1559(0, BOB, gas=20_000), "intrinsic gas"),
        (sign_1559(0, BOB, gas=30_000_001), "gas limit reached"),
    ],
)
def test_invalid_transactions_are_values(raw: bytes, fragment: str) -> None:
    world = genesis()
    result = evm.apply_transaction(world, ENV, evm.decode_signed_transaction(raw))
    assert isinstance(result, evm.TxInvalid)
    assert fragment in result.reason


def test_decode_rejects_garbage_and_blobs() -> None:
    for raw in (b"", b"\x03\xc0", b"\x02\xc0", b"\xc0", b"\x7e\xc0", sign_1559(0, BOB)[:-1]):
        with pytest.raises(DecodingError):
            evm.decode_signed_transaction(raw)


def test_contract_creation_and_logs() -> None:
    # init code returning runtime code that emits LOG1(topic=0x2a) with no data:
    # runtime: PUSH1 0x2a PUSH1 0 PUSH1 0 LOG1 STOP = 60 2a 60 00 60 00 a1 00
    runtime = bytes.fromhex("602a60006000a100")
    init = bytes.fromhex("6008600c60003960086000f3") + runtime
    res = applied(
        evm.apply_transaction(
            genesis(),
            ENV,
            evm.decode_signed_transaction(sign_1559(0, None, data=init, gas=100_000)),
        )
    )
    created = res.receipt.contract_address
    # CREATE address = keccak(rlp([sender, nonce]))[12:] (Yellow Paper §7)
    assert created == keccak256(b"\xd6\x94" + ALICE + b"\x80")[12:]
    assert evm.get_code(res.state, created) == runtime
    call = applied(
        evm.apply_transaction(
            res.state, ENV, evm.decode_signed_transaction(sign_1559(1, created, gas=50_000))
        )
    )
    assert call.receipt.logs[0].address == created
    assert call.receipt.logs[0].topics == (Hash32((0x2A).to_bytes(32, "big")),)


def test_deposit_mints_without_fees() -> None:
    world = genesis()
    fresh = Address(b"\xf0" * 20)
    res = evm.apply_deposit(
        world, ENV, sender=fresh, to=BOB, mint=100, value=40, gas=50_000, data=b""
    )
    assert res.receipt.status == 1 and res.receipt.gas_used == 21_000
    assert res.receipt.deposit_nonce == 0
    assert evm.get_balance(res.state, fresh) == 60
    assert evm.get_balance(res.state, BOB) == 40
    assert evm.get_nonce(res.state, fresh) == 1
    assert evm.get_balance(res.state, COINBASE) == 0


def test_failed_deposit_keeps_mint_and_bumps_nonce() -> None:
    # value above balance (after mint) is a non-EVM error: rolled back to after the mint, nonce + 1,
    # all gas used (deposits.md §Execution).
    fresh = Address(b"\xf1" * 20)
    res = evm.apply_deposit(
        genesis(), ENV, sender=fresh, to=BOB, mint=10, value=11, gas=60_000, data=b""
    )
    assert res.receipt.status == 0 and res.receipt.gas_used == 60_000
    assert evm.get_balance(res.state, fresh) == 10
    assert evm.get_balance(res.state, BOB) == 0
    assert evm.get_nonce(res.state, fresh) == 1
    # too little gas for the intrinsic cost: same treatment
    low = evm.apply_deposit(
        res.state, ENV, sender=fresh, to=BOB, mint=1, value=0, gas=20_000, data=b""
    )
    assert low.receipt.status == 0 and low.receipt.gas_used == 20_000
    assert low.receipt.deposit_nonce == 1
    assert evm.get_nonce(low.state, fresh) == 2 and evm.get_balance(low.state, fresh) == 11


def test_reverting_deposit_keeps_mint() -> None:
    reverter = Address(b"\xee" * 20)
    world = evm.genesis_state({reverter: evm.AllocAccount(code=bytes.fromhex("60006000fd"))})
    fresh = Address(b"\xf2" * 20)
    res = evm.apply_deposit(
        world, ENV, sender=fresh, to=reverter, mint=9, value=5, gas=40_000, data=b""
    )
    assert res.receipt.status == 0
    assert 21_000 < res.receipt.gas_used < 40_000
    assert evm.get_balance(res.state, fresh) == 9
    assert evm.get_balance(res.state, reverter) == 0
    assert evm.get_nonce(res.state, fresh) == 1


def test_logs_bloom_matches_eth_bloom() -> None:
    # Independent implementation: the eth-bloom package that py-evm uses for its headers.
    from eth_bloom import BloomFilter

    from l2spec.spec.common.l1 import Log

    logs = [Log(BOB, (Hash32(b"\x01" * 32), Hash32(b"\x02" * 32)), b"x"), Log(ALICE, (), b"")]
    expected = BloomFilter()
    for log in logs:
        expected.add(log.address)
        for topic in log.topics:
            expected.add(topic)
    assert evm.logs_bloom(logs) == int(expected).to_bytes(256, "big")
    assert evm.logs_bloom([]) == b"\x00" * 256
