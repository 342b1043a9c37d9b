"""Recursive Length Prefix (RLP) serialization, Yellow Paper Appendix B.

RLP encodes two kinds of item: a byte string, and a list of items. Integers are encoded as the
big-endian byte string of the value with no leading zero bytes (zero is the empty string).

- A single byte below ``0x80`` is its own encoding.
- A string of 0..55 bytes is ``0x80 + len`` followed by the bytes.
- A longer string is ``0xb7 + len(len)``, then ``len`` big-endian with no leading zeros, then the bytes.
- A list whose concatenated item encodings (its *payload*) are 0..55 bytes long is ``0xc0 + len``
  followed by the payload; a longer list is ``0xf7 + len(len)``, ``len``, payload.

Decoding is strict, as in go-ethereum's ``rlp`` package (``rlp/decode.go``: ``ErrCanonSize``,
``ErrCanonInt``, ``ErrValueTooLarge``, ``ErrMoreThanOneValue``): every encoding has exactly one
accepted form, so a non-canonical prefix (a single byte below ``0x80`` wrapped as a string, a long
form for a short length, a length with leading zero bytes), a length that runs past the input, and
bytes after the item are all :class:`~l2spec.errors.DecodingError`. Decoding untrusted bytes never
raises anything else, never recurses on the input's nesting depth, and never allocates more than a
small multiple of the input's size (which is capped by ``max_size``).

Encoding is delegated to the ``rlp`` package (pyrlp) after the item has been normalised to bytes and
lists; decoding is this module's own, because pyrlp's recursive decoder lets ``RecursionError`` escape
on deeply nested input.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeAlias

import rlp as _pyrlp

from l2spec.errors import DecodingError, L2SpecError

Encodable: TypeAlias = "bytes | bytearray | int | Sequence[Encodable]"
"""What :func:`encode` accepts: byte strings, non-negative integers, and (nested) sequences."""

Decoded: TypeAlias = "bytes | list[Decoded]"
"""What :func:`decode` returns: a byte string or a (nested) list."""

MAX_DECODE_SIZE = 1 << 27
"""Default cap (128 MiB) on the input to :func:`decode`; above OP's largest channel (100 MB, Fjord)."""

_SHORT_STRING = 0x80
_LONG_STRING = 0xB7
_SHORT_LIST = 0xC0
_LONG_LIST = 0xF7


class EncodingError(L2SpecError):
    """A value that RLP cannot encode (a negative integer, a string, an unknown type)."""


# ---------------------------------------------------------------------------------------------
# Encoding
# ---------------------------------------------------------------------------------------------


def encode_uint(value: int) -> bytes:
    """The RLP *string* form of a non-negative integer: big-endian, no leading zero bytes."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise EncodingError(f"not an integer: {value!r}")
    if value < 0:
        raise EncodingError(f"RLP has no negative integers: {value}")
    return value.to_bytes((value.bit_length() + 7) // 8, "big")


def _normalise(item: Encodable) -> bytes | list[object]:
    """Turn integers into their byte strings and sequences into lists, checking every type."""
    if isinstance(item, bytes | bytearray):
        return bytes(item)
    if isinstance(item, int):
        return encode_uint(item)
    if isinstance(item, str) or not isinstance(item, Sequence):
        raise EncodingError(f"RLP cannot encode a value of type {type(item).__name__}")
    return [_normalise(sub) for sub in item]


def encode(item: Encodable) -> bytes:
    """The RLP encoding of ``item`` (Yellow Paper Appendix B, equations 180-188)."""
    normalised = _normalise(item)
    try:
        return bytes(_pyrlp.encode(normalised))
    except _pyrlp.exceptions.EncodingError as exc:  # only "item too big" can remain here
        raise EncodingError(str(exc)) from exc


# ---------------------------------------------------------------------------------------------
# Decoding
# ---------------------------------------------------------------------------------------------


def _read_header(data: bytes, pos: int, end: int) -> tuple[bool, int, int]:
    """Read the prefix of the item starting at ``data[pos]``, which must end by ``end``.

    Returns ``(is_list, payload_start, payload_end)``. Rejects every non-canonical prefix.
    """
    if pos >= end:
        raise DecodingError("RLP: input ends where an item was expected")
    first = data[pos]
    if first < _SHORT_STRING:
        return False, pos, pos + 1
    if first <= _LONG_STRING:
        is_list, length, start = False, first - _SHORT_STRING, pos + 1
        if length == 1 and start < end and data[start] < _SHORT_STRING:
            raise DecodingError("RLP: a single byte below 0x80 must be encoded as itself")
    elif first < _SHORT_LIST:
        is_list, (length, start) = False, _read_long_length(data, pos, end, first - _LONG_STRING)
    elif first <= _LONG_LIST:
        is_list, length, start = True, first - _SHORT_LIST, pos + 1
    else:
        is_list, (length, start) = True, _read_long_length(data, pos, end, first - _LONG_LIST)
    if length > end - start:
        raise DecodingError(f"RLP: item of {length} bytes runs past the end of its container")
    return is_list, start, start + length


def _read_long_length(data: bytes, pos: int, end: int, size: int) -> tuple[int, int]:
    """Read the ``size``-byte big-endian length of a long string or list; it must be canonical."""
    start = pos + 1
    if size > end - start:
        raise DecodingError("RLP: length of a long item runs past the end of the input")
    raw = data[start : start + size]
    if raw[0] == 0:
        raise DecodingError("RLP: length of a long item has a leading zero byte")
    length = int.from_bytes(raw, "big")
    if length < 56:
        raise DecodingError("RLP: long form used for an item shorter than 56 bytes")
    return length, start + size


def decode_item(data: bytes, pos: int = 0, end: int | None = None) -> tuple[Decoded, int]:
    """Decode the one item that starts at ``data[pos]`` and return it with the offset after it.

    Items that follow are left alone, so a caller can read a *stream* of RLP items (as the channel
    reader does with batches, ``specs/protocol/derivation.md`` §Channel Format). The nesting is
    walked with an explicit stack, not by recursion.
    """
    limit = len(data) if end is None else end
    is_list, start, stop = _read_header(data, pos, limit)
    if not is_list:
        return bytes(data[start:stop]), stop
    root: list[Decoded] = []
    # Each frame of the stack: (the list being filled, where its next item starts, where it ends).
    stack: list[tuple[list[Decoded], int, int]] = [(root, start, stop)]
    while stack:
        current, cursor, current_end = stack[-1]
        if cursor == current_end:
            stack.pop()
            continue
        is_list, item_start, item_stop = _read_header(data, cursor, current_end)
        stack[-1] = (current, item_stop, current_end)
        if is_list:
            child: list[Decoded] = []
            current.append(child)
            stack.append((child, item_start, item_stop))
        else:
            current.append(bytes(data[item_start:item_stop]))
    return root, stop


def decode(data: bytes, max_size: int = MAX_DECODE_SIZE) -> Decoded:
    """Decode ``data``, which must hold exactly one canonical RLP item and nothing after it."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise DecodingError(f"RLP: can only decode bytes, not {type(data).__name__}")
    raw = bytes(data)
    if len(raw) > max_size:
        raise DecodingError(f"RLP: input of {len(raw)} bytes is over the {max_size}-byte limit")
    item, end = decode_item(raw)
    if end != len(raw):
        raise DecodingError(f"RLP: {len(raw) - end} bytes after the item")
    return item


def decode_uint(b: Decoded) -> int:
    """The integer of an RLP integer string: big-endian with no leading zero byte (``ErrCanonInt``)."""
    if not isinstance(b, bytes):
        raise DecodingError("RLP: an integer is a byte string, got a list")
    if b[:1] == b"\x00":
        raise DecodingError("RLP: integer with a leading zero byte")
    return int.from_bytes(b, "big")


def decode_uint_max(b: Decoded, bits: int) -> int:
    """:func:`decode_uint` that also rejects a value of more than ``bits`` bits (e.g. uint64)."""
    if not isinstance(b, bytes):
        raise DecodingError("RLP: an integer is a byte string, got a list")
    value = decode_uint(b)
    if value.bit_length() > bits:
        raise DecodingError(f"RLP: integer does not fit in {bits} bits")
    return value


def decode_bytes(item: Decoded, size: int | None = None) -> bytes:
    """Check that a decoded item is a byte string (of exactly ``size`` bytes if given)."""
    if not isinstance(item, bytes):
        raise DecodingError("RLP: expected a byte string, got a list")
    if size is not None and len(item) != size:
        raise DecodingError(f"RLP: expected {size} bytes, got {len(item)}")
    return item


def decode_list(item: Decoded, length: int | None = None) -> list[Decoded]:
    """Check that a decoded item is a list (of exactly ``length`` items if given)."""
    if not isinstance(item, list):
        raise DecodingError("RLP: expected a list, got a byte string")
    if length is not None and len(item) != length:
        raise DecodingError(f"RLP: expected a list of {length} items, got {len(item)}")
    return item
