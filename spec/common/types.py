"""Byte and number types of the specification.

Conventions used throughout ``l2spec.spec``:

- Byte strings are ``bytes``. Fixed-size byte strings have a ``NewType`` (``Address``,
  ``Hash32``, from eth-typing) and a checked constructor (:func:`address`, :func:`hash32`) that raises
  :class:`~l2spec.errors.DecodingError` on a wrong length, so a value of that type always has the
  right size.
- Integers are Python ``int``; the width a rule uses is stated by the function that encodes it
  (e.g. :func:`uint256_to_bytes`), which rejects out-of-range values.
- Hex text is only accepted at the edges (vectors, CLI, scenario files) through :func:`hex_to_bytes`.
"""

from __future__ import annotations

from eth_typing import Address as Address
from eth_typing import Hash32 as Hash32

from l2spec.errors import DecodingError

# ``Address`` (20 bytes) and ``Hash32`` (32 bytes) are eth-typing's ``NewType``s over ``bytes``, so
# values pass to py-evm and trie unchanged and the type checker sees one type on both sides.

U64_MAX = 2**64 - 1
U256_MAX = 2**256 - 1

ZERO_ADDRESS = Address(b"\x00" * 20)
ZERO_HASH = Hash32(b"\x00" * 32)


def hex_to_bytes(text: str) -> bytes:
    """Decode ``0x``-prefixed (or bare) hex text; an odd length or a non-hex digit is an error."""
    s = text[2:] if text[:2] in ("0x", "0X") else text
    if len(s) % 2:
        raise DecodingError(f"hex string has an odd number of digits: {text!r}")
    try:
        return bytes.fromhex(s)
    except ValueError as exc:
        raise DecodingError(f"not a hex string: {text!r}") from exc


def to_hex(data: bytes) -> str:
    """``0x``-prefixed lower-case hex of ``data``."""
    return "0x" + data.hex()


def address(value: str | bytes) -> Address:
    """A checked :data:`Address` from 20 bytes or their hex text."""
    raw = hex_to_bytes(value) if isinstance(value, str) else bytes(value)
    if len(raw) != 20:
        raise DecodingError(f"an address is 20 bytes, got {len(raw)}")
    return Address(raw)


def hash32(value: str | bytes) -> Hash32:
    """A checked :data:`Hash32` from 32 bytes or their hex text."""
    raw = hex_to_bytes(value) if isinstance(value, str) else bytes(value)
    if len(raw) != 32:
        raise DecodingError(f"a hash is 32 bytes, got {len(raw)}")
    return Hash32(raw)


def uint_to_bytes(value: int, size: int) -> bytes:
    """Big-endian encoding of ``value`` in exactly ``size`` bytes; out of range is an error."""
    if value < 0 or value >= 1 << (8 * size):
        raise DecodingError(f"{value} does not fit in {size} bytes")
    return value.to_bytes(size, "big")


def uint256_to_bytes(value: int) -> bytes:
    """The 32-byte big-endian word of ``value`` (Solidity ``uint256``/``abi.encode`` word)."""
    return uint_to_bytes(value, 32)


def bytes_to_uint(data: bytes) -> int:
    """Big-endian unsigned integer of ``data``."""
    return int.from_bytes(data, "big")
