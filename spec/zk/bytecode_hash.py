"""The contract code hash: linear Poseidon over 7-byte elements.

Polygon zkEVM does not store a contract's code under its keccak hash in the state tree: the
``SC_CODE`` leaf holds a Poseidon "linear hash" of the bytecode (zkevm-commonjs
``src/smt-utils.js`` ``hashContractBytecode``, also exported as ``linearPoseidon``; the ROM does
the same padding in its ``PaddingPG`` state machine). The rule:

1. append one byte ``0x01`` to the bytecode;
2. append zero bytes up to a multiple of ``56`` bytes (8 elements × 7 bytes; at least one chunk);
3. set the top bit of the last byte of that buffer (``|= 0x80``);
4. split each 56-byte chunk into 8 elements of 7 bytes, each read **little-endian** (its first
   byte is the least significant), and absorb the chunks in order:
   ``h = H(elements[8], h)`` starting from ``h = [0, 0, 0, 0]``;
5. the result is ``h``; its 32-byte / hex form is ``h4toString`` (``h3 ‖ h2 ‖ h1 ‖ h0``).

Seven bytes (56 bits) always fit below the Goldilocks prime, so no element is ever reduced.
"""

from __future__ import annotations

from l2spec.errors import L2SpecError
from l2spec.spec.zk.goldilocks import H4, ZERO_H4, h4_to_hex, h4_to_scalar
from l2spec.spec.zk.poseidon import RATE, poseidon

BYTES_PER_ELEMENT = 7
"""``BYTECODE_BYTES_ELEMENT``: bytes per field element."""

CHUNK_BYTES = RATE * BYTES_PER_ELEMENT
"""``56``: bytes absorbed per Poseidon call (``BYTECODE_ELEMENTS_HASH`` × 7)."""

PAD_START = 0x01
"""The byte appended right after the bytecode."""

PAD_END = 0x80
"""The bit or-ed into the last byte of the padded buffer."""


def pad_bytecode(bytecode: bytes) -> bytes:
    """Steps 1–3: ``bytecode ‖ 0x01 ‖ 0x00…`` to a multiple of 56 bytes, last byte ``|= 0x80``."""
    if not isinstance(bytecode, bytes | bytearray):
        raise L2SpecError(f"bytecode must be bytes, got {type(bytecode).__name__}")
    buffer = bytearray(bytecode)
    buffer.append(PAD_START)
    buffer.extend(b"\x00" * (-len(buffer) % CHUNK_BYTES))
    buffer[-1] |= PAD_END
    return bytes(buffer)


def bytecode_elements(bytecode: bytes) -> tuple[int, ...]:
    """The field elements of the padded bytecode: 7-byte little-endian groups, in order."""
    buffer = pad_bytecode(bytecode)
    return tuple(
        int.from_bytes(buffer[i : i + BYTES_PER_ELEMENT], "little")
        for i in range(0, len(buffer), BYTES_PER_ELEMENT)
    )


def hash_contract_bytecode(bytecode: bytes) -> H4:
    """``hashContractBytecode``: absorb 8 elements per Poseidon call, chaining the capacity."""
    elements = bytecode_elements(bytecode)
    h = ZERO_H4
    for i in range(0, len(elements), RATE):
        h = poseidon(elements[i : i + RATE], h)
    return h


def hash_contract_bytecode_hex(bytecode: bytes) -> str:
    """The code hash as ``0x`` + 64 hex digits (``h4toString``), as upstream vectors print it."""
    return h4_to_hex(hash_contract_bytecode(bytecode))


def hash_contract_bytecode_scalar(bytecode: bytes) -> int:
    """The code hash as the 256-bit number stored in the ``SC_CODE`` leaf (``h4toScalar``)."""
    return h4_to_scalar(hash_contract_bytecode(bytecode))
