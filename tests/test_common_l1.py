"""The minimal L1 chain model: linkage, lookups, determinism, and that content changes the hash."""

from __future__ import annotations

import pytest

from l2spec.spec.common.l1 import (
    ChainError,
    L1Block,
    L1Chain,
    L1Receipt,
    L1Transaction,
    Log,
    append_block,
    genesis_l1_chain,
    rewind,
)
from l2spec.spec.common.types import ZERO_HASH, address, hash32

ALICE = address("0x" + "aa" * 20)
INBOX = address("0x" + "ff" * 20)
PORTAL = address("0x" + "42" * 20)


def _tx(nonce: int, data: bytes = b"batch") -> L1Transaction:
    return L1Transaction(sender=ALICE, to=INBOX, value=0, data=data, nonce=nonce)


def _receipt(data: bytes = b"") -> L1Receipt:
    return L1Receipt(1, (Log(PORTAL, (hash32(b"\x01" * 32),), data),))


def _chain(data: bytes = b"batch") -> L1Chain:
    chain = genesis_l1_chain(1_000)
    for n in range(1, 6):
        chain = append_block(chain, 1_000 + 12 * n, [(_tx(n, data), _receipt())])
    return chain


def test_chain_links_and_lookups() -> None:
    chain = _chain()
    assert chain.genesis.number == 0 and chain.genesis.parent_hash == ZERO_HASH
    assert chain.head.number == 5 and chain.head.timestamp == 1_060
    for parent, child in zip(chain.blocks, chain.blocks[1:], strict=False):
        assert child.parent_hash == parent.hash
        assert child.number == parent.number + 1
        assert child.ref.parent_hash == parent.ref.hash
    for block in chain.blocks:
        assert chain.block_by_number(block.number) is block
        assert chain.block_by_hash(block.hash) is block
        assert block.ref.id.hash == block.hash and block.ref.id.number == block.number
    assert chain.block_by_number(6) is None
    assert chain.block_by_number(-1) is None
    assert chain.block_by_hash(ZERO_HASH) is None
    assert len({b.hash for b in chain.blocks}) == 6
    assert len({b.mix_hash for b in chain.blocks}) == 6
    assert len({b.parent_beacon_root for b in chain.blocks}) == 6


def test_deterministic() -> None:
    assert _chain().head.hash == _chain().head.hash
    assert _tx(1).hash == _tx(1).hash


def test_content_changes_the_hash() -> None:
    chain = _chain()
    head = chain.head
    assert _chain(b"other").head.hash != head.hash  # a tx in every block differs
    base = dict(
        number=head.number,
        parent_hash=head.parent_hash,
        timestamp=head.timestamp,
        base_fee=head.base_fee,
        blob_base_fee=head.blob_base_fee,
        mix_hash=head.mix_hash,
        parent_beacon_root=head.parent_beacon_root,
        transactions=head.transactions,
        receipts=head.receipts,
    )
    assert L1Block(**base).hash == head.hash  # type: ignore[arg-type]
    changes = {
        "number": 99,
        "parent_hash": hash32(b"\x01" * 32),
        "timestamp": head.timestamp + 1,
        "base_fee": head.base_fee + 1,
        "blob_base_fee": head.blob_base_fee + 1,
        "mix_hash": hash32(b"\x02" * 32),
        "parent_beacon_root": hash32(b"\x03" * 32),
        "transactions": (_tx(99),),
        "receipts": (_receipt(b"different log data"),),
    }
    for field, value in changes.items():
        assert L1Block(**{**base, field: value}).hash != head.hash, field  # type: ignore[arg-type]
    assert L1Receipt(0, _receipt().logs) != _receipt()
    failed = L1Block(**{**base, "receipts": (L1Receipt(0, _receipt().logs),)})  # type: ignore[arg-type]
    assert failed.hash != head.hash


def test_fees_inherit_and_override() -> None:
    chain = genesis_l1_chain(0, base_fee=7, blob_base_fee=3)
    chain = append_block(chain, 12)
    assert (chain.head.base_fee, chain.head.blob_base_fee) == (7, 3)
    chain = append_block(chain, 24, base_fee=9, mix_hash=hash32(b"\x05" * 32))
    assert chain.head.base_fee == 9 and chain.head.mix_hash == b"\x05" * 32


def test_misuse_is_a_typed_error() -> None:
    chain = _chain()
    with pytest.raises(ChainError):
        append_block(chain, chain.head.timestamp)  # time must move forward
    with pytest.raises(ChainError):
        L1Block(1, ZERO_HASH, 1, 1, 1, ZERO_HASH, ZERO_HASH, (_tx(1),), ())
    with pytest.raises(ChainError):
        L1Chain(())
    with pytest.raises(ChainError):
        rewind(chain, 17)


def test_rewind_and_fork() -> None:
    chain = _chain()
    short = rewind(chain, 3)
    assert short.head == chain.block_by_number(3)
    fork = append_block(short, short.head.timestamp + 1)
    assert fork.head.number == 4 and fork.head.hash != chain.block_by_number(4).hash  # type: ignore[union-attr]
    assert fork.head.parent_hash == chain.block_by_number(3).hash  # type: ignore[union-attr]
