"""Keccak-256, the hash of Ethereum and of every OP Stack commitment.

This is the original Keccak with 256-bit output (as in the Yellow Paper, Appendix E, and Solidity's
``keccak256``), **not** the NIST SHA3-256 variant, whose padding differs.
"""

from __future__ import annotations

from eth_hash.auto import keccak as _keccak

from l2spec.spec.common.types import Hash32

KECCAK_EMPTY = Hash32(
    bytes.fromhex("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")
)
"""``keccak256(b"")``: e.g. the code hash of an account without code (Yellow Paper §4.1)."""


def keccak256(data: bytes) -> Hash32:
    """The 32-byte Keccak-256 digest of ``data``."""
    return Hash32(_keccak(bytes(data)))
