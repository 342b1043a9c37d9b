"""A small strict byte reader and writer for the STARK proof format (contract §Proof bytes).

Every integer is little-endian: ``u8``, ``u32``, ``u64``. A base element is 8 bytes and must be
canonical (``< p``); an extension element is its three coordinates (24 bytes); a digest is 32 raw
bytes; a string is a u32 length followed by that many UTF-8 bytes.

The :class:`Reader` never reads past the end, checks a count against the bytes left *before*
building a list (so a huge declared count cannot exhaust memory), and :meth:`Reader.finish` insists
that every byte was consumed. Anything else is a
:class:`~l2spec.spec.stark.errors.ProofFormatError` — never an ``IndexError`` or ``ValueError``.
"""

from __future__ import annotations

from collections.abc import Iterable

from l2spec.spec.stark.errors import ProofFormatError, StarkError
from l2spec.spec.stark.extension import EXT_BYTES, Ext, ext_decode, ext_encode
from l2spec.spec.stark.field import FELT_BYTES, decode_felt, encode_felt
from l2spec.spec.stark.hashing import DIGEST_BYTES


class Writer:
    """Appends encoded values to a growing byte string (:meth:`to_bytes` returns it)."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def _uint(self, value: int, size: int) -> None:
        if not 0 <= value < 1 << (8 * size):
            raise StarkError(f"{value} does not fit an unsigned {8 * size}-bit field")
        self._parts.append(value.to_bytes(size, "little"))

    def u8(self, value: int) -> None:
        """One byte."""
        self._uint(value, 1)

    def u32(self, value: int) -> None:
        """Four bytes little-endian."""
        self._uint(value, 4)

    def u64(self, value: int) -> None:
        """Eight bytes little-endian."""
        self._uint(value, 8)

    def raw(self, data: bytes) -> None:
        """Bytes as they are."""
        self._parts.append(bytes(data))

    def felt(self, value: int) -> None:
        """A canonical base element (8 bytes LE)."""
        self._parts.append(encode_felt(value))

    def felts(self, values: Iterable[int]) -> None:
        """Base elements one after the other (no count)."""
        for v in values:
            self.felt(v)

    def ext(self, value: Ext) -> None:
        """An extension element (24 bytes)."""
        self._parts.append(ext_encode(value))

    def exts(self, values: Iterable[Ext]) -> None:
        """Extension elements one after the other (no count)."""
        for v in values:
            self.ext(v)

    def digest(self, value: bytes) -> None:
        """A 32-byte digest."""
        if len(value) != DIGEST_BYTES:
            raise StarkError(f"a digest is {DIGEST_BYTES} bytes, got {len(value)}")
        self._parts.append(bytes(value))

    def digests(self, values: Iterable[bytes]) -> None:
        """Digests one after the other (no count)."""
        for v in values:
            self.digest(v)

    def string(self, text: str) -> None:
        """A u32 byte length, then the UTF-8 bytes."""
        data = text.encode("utf-8")
        self.u32(len(data))
        self._parts.append(data)

    def to_bytes(self) -> bytes:
        """Everything written so far."""
        return b"".join(self._parts)


class Reader:
    """Reads encoded values from ``data`` front to back; every failure is a ProofFormatError."""

    def __init__(self, data: bytes) -> None:
        if not isinstance(data, bytes | bytearray | memoryview):
            raise ProofFormatError(f"expected bytes, got {type(data).__name__}")
        self._data = bytes(data)
        self._pos = 0

    @property
    def position(self) -> int:
        """Bytes consumed so far."""
        return self._pos

    @property
    def remaining(self) -> int:
        """Bytes not yet consumed."""
        return len(self._data) - self._pos

    def raw(self, size: int, what: str = "bytes") -> bytes:
        """The next ``size`` bytes (too few left is a ProofFormatError naming ``what``)."""
        if size < 0 or size > self.remaining:
            raise ProofFormatError(
                f"truncated: {what} needs {size} bytes at offset {self._pos}, {self.remaining} left"
            )
        out = self._data[self._pos : self._pos + size]
        self._pos += size
        return out

    def u8(self, what: str = "u8") -> int:
        """One byte."""
        return self.raw(1, what)[0]

    def u32(self, what: str = "u32") -> int:
        """Four bytes little-endian."""
        return int.from_bytes(self.raw(4, what), "little")

    def u64(self, what: str = "u64") -> int:
        """Eight bytes little-endian."""
        return int.from_bytes(self.raw(8, what), "little")

    def _check_count(self, count: int, item_size: int, what: str) -> None:
        if count < 0 or count * item_size > self.remaining:
            raise ProofFormatError(
                f"truncated: {count} × {what} ({item_size} bytes each) at offset {self._pos}, "
                f"{self.remaining} bytes left"
            )

    def felt(self, what: str = "field element") -> int:
        """A canonical base element (8 bytes LE)."""
        return decode_felt(self.raw(FELT_BYTES, what))

    def felts(self, count: int, what: str = "field element") -> list[int]:
        """``count`` base elements."""
        self._check_count(count, FELT_BYTES, what)
        return [self.felt(what) for _ in range(count)]

    def ext(self, what: str = "extension element") -> Ext:
        """An extension element (24 bytes, each coordinate canonical)."""
        return ext_decode(self.raw(EXT_BYTES, what))

    def exts(self, count: int, what: str = "extension element") -> list[Ext]:
        """``count`` extension elements."""
        self._check_count(count, EXT_BYTES, what)
        return [self.ext(what) for _ in range(count)]

    def digest(self, what: str = "digest") -> bytes:
        """A 32-byte digest (raw; the hasher decides whether it is valid)."""
        return self.raw(DIGEST_BYTES, what)

    def digests(self, count: int, what: str = "digest") -> list[bytes]:
        """``count`` digests."""
        self._check_count(count, DIGEST_BYTES, what)
        return [self.digest(what) for _ in range(count)]

    def string(self, what: str = "string") -> str:
        """A u32 byte length, then that many bytes of UTF-8."""
        size = self.u32(what + " length")
        data = self.raw(size, what)
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ProofFormatError(f"{what} is not valid UTF-8") from exc

    def finish(self) -> None:
        """Insist that every byte was consumed (trailing bytes are a ProofFormatError)."""
        if self.remaining:
            raise ProofFormatError(f"{self.remaining} trailing bytes after offset {self._pos}")
