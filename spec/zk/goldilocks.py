"""The Goldilocks prime field and the limb encodings Polygon zkEVM builds on it.

Every hash of the zkEVM state (Poseidon, the state SMT) works over the prime field

    p = 2^64 − 2^32 + 1 = 0xFFFFFFFF00000001

(zkevm-commonjs ``src/constants.js``, the ``FrSTARK`` field; zkevm-contracts ``PolygonZkEVM.sol``
``_GOLDILOCKS_PRIME_FIELD``). A field element is a Python ``int`` in ``[0, p)``.

Two limb encodings carry 256-bit values into the field (zkevm-commonjs ``src/smt-utils.js``):

- ``scalar2fea``: a 256-bit number as **eight 32-bit limbs, little-endian** (the first limb is the
  least significant). Values, addresses and storage slots are split this way.
- an "h4" (a hash, key or root): **four 64-bit field elements** ``(h0, h1, h2, h3)``. Its number is
  ``h0 + h1·2^64 + h2·2^128 + h3·2^192`` (``h4toScalar``) and its 32-byte / hex form is that number
  big-endian (``h4toString``), so the hex text reads ``h3 ‖ h2 ‖ h1 ‖ h0``.

An h4 that comes from outside (a state root posted to L1, a hex string) must have every limb below
``p``: the L1 contracts reject a new state root otherwise (``PolygonRollupManager``
``_checkStateRootInsidePrime``; ``final.circom`` ``LessThanGoldilocks``). Here that is
:class:`NonCanonicalError`.
"""

from __future__ import annotations

from collections.abc import Sequence

from l2spec.errors import DecodingError, L2SpecError

P = 2**64 - 2**32 + 1
"""The Goldilocks prime ``0xFFFFFFFF00000001``."""

H4 = tuple[int, int, int, int]
"""Four field elements ``(h0, h1, h2, h3)``: a Poseidon digest, an SMT key, node hash or root."""

ZERO_H4: H4 = (0, 0, 0, 0)
"""The all-zero h4: the root of the empty tree and the hash of an empty subtree."""

U32_MASK = 2**32 - 1
U64_MASK = 2**64 - 1


class NonCanonicalError(DecodingError):
    """A value that should be a field element (or h4 limb) but is not below ``p``.

    The rule is ``checkStateRootInsidePrime`` (zkevm-contracts ``PolygonRollupManager``): each
    64-bit limb of a state root must be ``< p``.
    """


class FieldArithmeticError(L2SpecError):
    """An arithmetic request with no answer in the field (the inverse of zero, a negative power)."""


# --- field arithmetic ------------------------------------------------------------------------


def is_canonical(x: int) -> bool:
    """Whether ``x`` is a field element in canonical form, ``0 <= x < p``."""
    return 0 <= x < P


def check_canonical(x: int) -> int:
    """Return ``x`` if it is a canonical field element, else raise :class:`NonCanonicalError`."""
    if not is_canonical(x):
        raise NonCanonicalError(f"{x} is not a Goldilocks field element (must be 0 <= x < p)")
    return x


def reduce(x: int) -> int:
    """The field element congruent to the integer ``x`` (so ``-1`` becomes ``p − 1``)."""
    return x % P


def add(a: int, b: int) -> int:
    """``a + b mod p``."""
    return (a + b) % P


def sub(a: int, b: int) -> int:
    """``a − b mod p``."""
    return (a - b) % P


def neg(a: int) -> int:
    """``−a mod p``."""
    return (-a) % P


def mul(a: int, b: int) -> int:
    """``a · b mod p``."""
    return (a * b) % P


def pow_(a: int, e: int) -> int:
    """``a^e mod p`` for ``e >= 0``."""
    if e < 0:
        raise FieldArithmeticError("negative exponent: use inv() first")
    return pow(a, e, P)


def inv(a: int) -> int:
    """The multiplicative inverse ``a^(p−2) mod p`` (Fermat); zero has none."""
    if a % P == 0:
        raise FieldArithmeticError("zero has no inverse in the Goldilocks field")
    return pow(a, P - 2, P)


# --- 256-bit numbers as eight 32-bit limbs -----------------------------------------------------


def scalar2fea(value: int) -> tuple[int, ...]:
    """A number below ``2^256`` as eight 32-bit limbs, least significant first.

    zkevm-commonjs ``src/smt-utils.js`` ``scalar2fea``. For example the address
    ``0x617b3a35…f7bf063d`` gives ``[0xf7bf063d, 0x1b9c8911, 0x630fd330, 0x28f9cdd6, 0x617b3a35,
    0, 0, 0]``.
    """
    if not 0 <= value < 2**256:
        raise DecodingError(f"scalar2fea takes a 256-bit unsigned value, got {value}")
    return tuple((value >> (32 * i)) & U32_MASK for i in range(8))


def fea2scalar(limbs: Sequence[int]) -> int:
    """The number of eight 32-bit little-endian limbs (``fea2scalar``); each limb must be < 2^32."""
    if len(limbs) != 8:
        raise DecodingError(f"fea2scalar takes 8 limbs, got {len(limbs)}")
    result = 0
    for i, limb in enumerate(limbs):
        if not 0 <= limb <= U32_MASK:
            raise DecodingError(f"limb {i} = {limb} is not a 32-bit value")
        result |= limb << (32 * i)
    return result


# --- h4: four 64-bit field elements -------------------------------------------------------------


def h4(limbs: Sequence[int]) -> H4:
    """A checked :data:`H4` from four canonical field elements."""
    if len(limbs) != 4:
        raise DecodingError(f"an h4 has 4 field elements, got {len(limbs)}")
    return (
        check_canonical(limbs[0]),
        check_canonical(limbs[1]),
        check_canonical(limbs[2]),
        check_canonical(limbs[3]),
    )


def h4_to_scalar(value: H4) -> int:
    """``h0 + h1·2^64 + h2·2^128 + h3·2^192`` (``h4toScalar``)."""
    h0, h1, h2, h3 = value
    return h0 | (h1 << 64) | (h2 << 128) | (h3 << 192)


def scalar_to_h4(value: int) -> H4:
    """The four 64-bit little-endian limbs of a number below ``2^256`` (``scalar2h4``).

    Each limb is checked to be a field element (a limb in ``[p, 2^64)`` raises
    :class:`NonCanonicalError`), so the result is a valid :data:`H4`.
    """
    if not 0 <= value < 2**256:
        raise DecodingError(f"an h4 holds a 256-bit unsigned value, got {value}")
    return h4([(value >> (64 * i)) & U64_MASK for i in range(4)])


def h4_to_bytes32(value: H4) -> bytes:
    """The 32-byte big-endian form of an h4, i.e. ``h3 ‖ h2 ‖ h1 ‖ h0`` (``h4toString``)."""
    return h4_to_scalar(value).to_bytes(32, "big")


def bytes32_to_h4(data: bytes) -> H4:
    """The h4 of a 32-byte big-endian value (``stringToH4``), checking every limb is ``< p``.

    A wrong length raises :class:`~l2spec.errors.DecodingError`; a limb ``>= p`` raises
    :class:`NonCanonicalError` (``checkStateRootInsidePrime``).
    """
    if len(data) != 32:
        raise DecodingError(f"an h4 is 32 bytes, got {len(data)}")
    return scalar_to_h4(int.from_bytes(data, "big"))


def h4_to_hex(value: H4) -> str:
    """``0x`` + 64 lower-case hex digits of :func:`h4_to_bytes32`."""
    return "0x" + h4_to_bytes32(value).hex()


def hex_to_h4(text: str) -> H4:
    """The h4 of ``0x``-prefixed (or bare) hex of exactly 32 bytes; limbs must be ``< p``."""
    s = text[2:] if text[:2] in ("0x", "0X") else text
    if len(s) != 64:
        raise DecodingError(f"an h4 is 64 hex digits, got {len(s)}: {text!r}")
    try:
        raw = bytes.fromhex(s)
    except ValueError as exc:
        raise DecodingError(f"not a hex string: {text!r}") from exc
    return bytes32_to_h4(raw)
