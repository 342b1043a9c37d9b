"""The two hash options of the STARK: ``"blake3"`` and ``"poseidon"`` (contract §Hashes).

A :class:`Hasher` has a 32-byte digest and three operations:

- ``hash_elements(elements)``: a Merkle leaf (one committed row of base elements);
- ``merge(left, right)``: a Merkle node from its two children;
- ``hash_bytes(data)``: the Fiat–Shamir transcript's hash (:mod:`l2spec.spec.stark.transcript`).

**blake3** (BLAKE3-256, the ``blake3`` package): ``hash_elements`` hashes the concatenated 8-byte
little-endian encodings, ``merge`` hashes ``left ‖ right``, ``hash_bytes`` hashes the bytes. This is
the shape of Winterfell's ``Blake3_256`` hasher (``crypto/src/hash/blake``).

**poseidon** (Polygon's Poseidon over Goldilocks, :mod:`l2spec.spec.zk.poseidon`), following
pil-stark's ``LinearHash`` and ``MerkleTreeGL`` (``src/linearhash.js``, ``src/merkle_gl.js``):

- ``hash_elements``: if there are at most 4 elements the digest *is* the elements, zero-padded to 4
  (no permutation); otherwise the state starts as ``[0, 0, 0, 0]`` and for each chunk of 8 (the last
  one zero-padded to 8) ``state = poseidon(chunk, capacity=state)``; the digest is the state.
- ``merge``: ``poseidon(left4 ‖ right4, capacity=[0, 0, 0, 0])``.
- ``hash_bytes``: ``hash_elements(bytes_to_elements(data))`` (:func:`bytes_to_elements`).

A poseidon digest is its 4 elements, 8 bytes little-endian each (32 bytes). Only digests whose four
limbs are canonical are valid (:meth:`Hasher.is_valid_digest`); ``merge`` refuses any other with a
:class:`~l2spec.spec.stark.errors.ProofFormatError`, so that a digest has exactly one byte form.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import blake3

from l2spec.spec.stark.errors import ParameterError, ProofFormatError
from l2spec.spec.stark.field import P, encode_felt
from l2spec.spec.zk.poseidon import RATE, poseidon

DIGEST_BYTES = 32
"""Every hasher's digest is 32 bytes."""

BYTES_PER_ELEMENT = 7
""":func:`bytes_to_elements` packs 7 bytes per element (``< 2^56 < p``)."""


class Hasher(Protocol):
    """A hash option of the STARK (contract §Hashes)."""

    @property
    def name(self) -> str:
        """``"blake3"`` or ``"poseidon"``."""
        ...

    @property
    def hash_id(self) -> int:
        """The parameter byte of this option (0 blake3, 1 poseidon)."""
        ...

    def hash_elements(self, elements: Sequence[int]) -> bytes:
        """The 32-byte digest of a list of base elements (a Merkle leaf)."""
        ...

    def merge(self, left: bytes, right: bytes) -> bytes:
        """The 32-byte Merkle node over two 32-byte children."""
        ...

    def hash_bytes(self, data: bytes) -> bytes:
        """The 32-byte digest of a byte string (the transcript's hash)."""
        ...

    def is_valid_digest(self, digest: bytes) -> bool:
        """Whether ``digest`` is a digest this hasher can produce the byte form of."""
        ...


def _encode_elements(elements: Sequence[int]) -> bytes:
    """The concatenated 8-byte little-endian encodings (each element must be canonical)."""
    return b"".join(encode_felt(e) for e in elements)


def _check_digest(digest: bytes) -> None:
    """Refuse anything but 32 bytes."""
    if len(digest) != DIGEST_BYTES:
        raise ProofFormatError(f"a digest is {DIGEST_BYTES} bytes, got {len(digest)}")


@dataclass(frozen=True)
class Blake3Hasher:
    """The ``"blake3"`` option: BLAKE3-256 everywhere (contract §Hashes)."""

    name: str = "blake3"
    hash_id: int = 0

    def hash_elements(self, elements: Sequence[int]) -> bytes:
        """BLAKE3-256 of the concatenated 8-byte little-endian encodings."""
        return blake3.blake3(_encode_elements(elements)).digest()

    def merge(self, left: bytes, right: bytes) -> bytes:
        """BLAKE3-256 of ``left ‖ right``."""
        _check_digest(left)
        _check_digest(right)
        return blake3.blake3(left + right).digest()

    def hash_bytes(self, data: bytes) -> bytes:
        """BLAKE3-256 of ``data``."""
        return blake3.blake3(data).digest()

    def is_valid_digest(self, digest: bytes) -> bool:
        """Any 32 bytes."""
        return len(digest) == DIGEST_BYTES


def bytes_to_elements(data: bytes) -> list[int]:
    """Bytes as base elements for the poseidon transcript (contract §Hashes).

    Append the byte ``0x01`` (so that trailing zero bytes still count), zero-pad to a multiple of 7
    and read each 7-byte chunk as a little-endian integer (``< 2^56``, always canonical).
    """
    padded = data + b"\x01"
    padded += bytes(-len(padded) % BYTES_PER_ELEMENT)
    return [
        int.from_bytes(padded[i : i + BYTES_PER_ELEMENT], "little")
        for i in range(0, len(padded), BYTES_PER_ELEMENT)
    ]


def digest_to_elements(digest: bytes) -> tuple[int, int, int, int]:
    """The four limbs (8 bytes little-endian each) of a poseidon digest; each must be ``< p``."""
    _check_digest(digest)
    limbs = tuple(int.from_bytes(digest[8 * i : 8 * i + 8], "little") for i in range(4))
    if any(x >= P for x in limbs):
        raise ProofFormatError("a poseidon digest limb is not a canonical field element")
    return (limbs[0], limbs[1], limbs[2], limbs[3])


def elements_to_digest(limbs: Sequence[int]) -> bytes:
    """The 32-byte form of four elements (8 bytes little-endian each)."""
    return _encode_elements(limbs)


def linear_hash(elements: Sequence[int]) -> tuple[int, int, int, int]:
    """pil-stark's ``LinearHash`` over Goldilocks with Polygon's Poseidon (contract §Hashes).

    At most 4 elements: the elements themselves, zero-padded to 4. More: absorb chunks of 8 (the
    last zero-padded) with ``state = poseidon(chunk, capacity=state)`` from ``state = [0]*4``.
    """
    for e in elements:
        encode_felt(e)  # refuses a non-canonical element
    if len(elements) <= 4:
        padded = [*elements, 0, 0, 0, 0][:4]
        return (padded[0], padded[1], padded[2], padded[3])
    state = (0, 0, 0, 0)
    for start in range(0, len(elements), RATE):
        chunk = list(elements[start : start + RATE])
        chunk += [0] * (RATE - len(chunk))
        state = poseidon(chunk, capacity=state)
    return state


@dataclass(frozen=True)
class PoseidonHasher:
    """The ``"poseidon"`` option: pil-stark's linear hash and Merkle node (contract §Hashes)."""

    name: str = "poseidon"
    hash_id: int = 1

    def hash_elements(self, elements: Sequence[int]) -> bytes:
        """:func:`linear_hash` as 32 bytes."""
        return elements_to_digest(linear_hash(elements))

    def merge(self, left: bytes, right: bytes) -> bytes:
        """``poseidon(left4 ‖ right4, capacity=[0, 0, 0, 0])`` as 32 bytes."""
        inputs = [*digest_to_elements(left), *digest_to_elements(right)]
        return elements_to_digest(poseidon(inputs, capacity=(0, 0, 0, 0)))

    def hash_bytes(self, data: bytes) -> bytes:
        """``hash_elements(bytes_to_elements(data))``."""
        return self.hash_elements(bytes_to_elements(data))

    def is_valid_digest(self, digest: bytes) -> bool:
        """32 bytes whose four 8-byte little-endian limbs are all ``< p``."""
        return len(digest) == DIGEST_BYTES and all(
            int.from_bytes(digest[i : i + 8], "little") < P for i in range(0, DIGEST_BYTES, 8)
        )


BLAKE3 = Blake3Hasher()
"""The ``"blake3"`` hasher (hash id 0)."""

POSEIDON = PoseidonHasher()
"""The ``"poseidon"`` hasher (hash id 1)."""

HASHERS: dict[str, Hasher] = {"blake3": BLAKE3, "poseidon": POSEIDON}
"""Hashers by name."""

HASH_IDS: dict[int, str] = {0: "blake3", 1: "poseidon"}
"""Hash names by their parameter byte (contract §Parameters)."""


def get_hasher(name: str) -> Hasher:
    """The hasher named ``"blake3"`` or ``"poseidon"``; another name is a ``ParameterError``."""
    try:
        return HASHERS[name]
    except KeyError:
        raise ParameterError(f"unknown hash {name!r} (blake3 or poseidon)") from None
