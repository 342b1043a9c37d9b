"""Effective gas price: the share of its gas price an L2 transaction actually pays.

From fork 5 each custom raw transaction ends with a one-byte *effective percentage* ``pct`` chosen
by the sequencer (see :mod:`.tx_encoding`). The price the transaction pays per gas, and that is
charged to the sender and credited to the sequencer, is::

    effectiveGasPrice = floor(gasPrice · (pct + 1) / 256)

so ``pct = 0xff`` is the full ``gasPrice`` and ``pct = 0`` is 1/256 of it. Upstream rule:
zkevm-commonjs ``src/processor-utils.js`` ``computeEffectiveGasPrice``; zkevm-rom
``main/process-tx.zkasm`` ("txGasPrice = Floor((gasPrice * (effectivePercentage + 1)) / 256)",
computed with a 512-bit ARITH product, so nothing overflows). Known answers:
zkevm-commonjs ``test/helpers/test-vectors/effective-gas-price/effective-gas-price.json``.
"""

from __future__ import annotations

from l2spec.errors import L2SpecError

MAX_EFFECTIVE_PERCENTAGE = 0xFF
"""The byte's largest value: pay the full gas price."""

U256_LIMIT = 2**256


def effective_gas_price(gas_price: int, effective_percentage: int) -> int:
    """``gasPrice · (effectivePercentage + 1) // 256``.

    ``gas_price`` is a uint256 (the ROM reads at most 32 bytes) and ``effective_percentage`` a
    byte; other values are API misuse (:class:`~l2spec.errors.L2SpecError`).
    """
    if not 0 <= gas_price < U256_LIMIT:
        raise L2SpecError(f"gas price {gas_price} is not a uint256")
    if not 0 <= effective_percentage <= MAX_EFFECTIVE_PERCENTAGE:
        raise L2SpecError(f"effective percentage {effective_percentage} is not a byte")
    return gas_price * (effective_percentage + 1) // 256
