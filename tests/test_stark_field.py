"""The STARK's base field helpers and the cubic extension ``F[x]/(x^3 − x − 1)``.

Known answers are independent of our code: ``p``, the generator 7 and the 2-adicity 32 are
Goldilocks facts (Winterfell ``math/src/field/f64/mod.rs``; Plonky2 ``goldilocks_field.rs``), checked
here from first principles (orders of the roots); the extension is checked against the defining
relation ``x^3 = x + 1``, the field axioms, and an independent inverse ``a^(p^3 − 2)``.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from l2spec.errors import DecodingError, L2SpecError
from l2spec.spec.stark.errors import ProofFormatError, StarkError
from l2spec.spec.stark.extension import (
    EXT_ONE,
    EXT_X,
    EXT_ZERO,
    Ext,
    ext_add,
    ext_batch_inverse,
    ext_decode,
    ext_embed,
    ext_encode,
    ext_flatten,
    ext_inv,
    ext_mul,
    ext_neg,
    ext_pow,
    ext_scale,
    ext_square,
    ext_sub,
    ext_unflatten,
)
from l2spec.spec.stark.field import (
    FieldArithmeticError,
    P,
    batch_inverse,
    coset,
    decode_felt,
    encode_felt,
    log2_exact,
    root_of_unity,
    subgroup,
)

felts = st.integers(min_value=0, max_value=P - 1)
exts = st.tuples(felts, felts, felts)
nonzero_exts = exts.filter(lambda a: a != (0, 0, 0))


def test_modulus_and_two_adicity() -> None:
    assert P == 0xFFFFFFFF00000001
    assert (P - 1) % 2**32 == 0 and ((P - 1) // 2**32) % 2 == 1


def test_seven_generates_the_multiplicative_group() -> None:
    # p − 1 = 2^32 · 3 · 5 · 17 · 257 · 65537; 7 is a generator iff 7^((p−1)/q) ≠ 1 for each q.
    factors = [2, 3, 5, 17, 257, 65537]
    prod = 2**32
    for q in factors[1:]:
        prod *= q
    assert prod == P - 1
    for q in factors:
        assert pow(7, (P - 1) // q, P) != 1


@pytest.mark.parametrize("k", [0, 1, 2, 3, 5, 16, 31, 32])
def test_root_of_unity_has_exact_order(k: int) -> None:
    w = root_of_unity(2**k)
    assert pow(w, 2**k, P) == 1
    if k:
        assert pow(w, 2 ** (k - 1), P) == P - 1
    assert w == pow(7, (P - 1) >> k, P)


def test_root_of_unity_refusals() -> None:
    with pytest.raises(StarkError):
        root_of_unity(2**33)
    with pytest.raises(StarkError):
        root_of_unity(12)
    with pytest.raises(StarkError):
        log2_exact(0)
    assert log2_exact(1) == 0 and log2_exact(1024) == 10


def test_domains() -> None:
    h = subgroup(8)
    assert len(set(h)) == 8 and all(pow(x, 8, P) == 1 for x in h)
    assert h[1] == root_of_unity(8)
    d = coset(7, 16)
    assert d[0] == 7 and d[3] == 7 * pow(root_of_unity(16), 3, P) % P
    assert not set(d) & set(subgroup(16))


@given(st.lists(felts.filter(bool), max_size=20))
def test_batch_inverse(values: list[int]) -> None:
    inverses = batch_inverse(values)
    assert all(v * w % P == 1 for v, w in zip(values, inverses, strict=True))


def test_batch_inverse_of_zero_is_refused() -> None:
    with pytest.raises(FieldArithmeticError):
        batch_inverse([3, 0, 5])


def test_felt_bytes() -> None:
    assert encode_felt(1) == bytes([1]) + bytes(7)
    assert decode_felt((P - 1).to_bytes(8, "little")) == P - 1
    with pytest.raises(ProofFormatError):
        decode_felt(P.to_bytes(8, "little"))
    with pytest.raises(ProofFormatError):
        decode_felt(bytes(7))
    with pytest.raises(StarkError):
        encode_felt(P)
    assert issubclass(ProofFormatError, DecodingError) and issubclass(StarkError, L2SpecError)


# --- the cubic extension --------------------------------------------------------------------


def test_x_cubed_is_x_plus_one() -> None:
    assert ext_pow(EXT_X, 3) == (1, 1, 0)
    assert ext_mul(EXT_X, ext_square(EXT_X)) == (1, 1, 0)
    # x^4 = x^2 + x
    assert ext_pow(EXT_X, 4) == (0, 1, 1)


def _poly_gcd_degree(f: list[int], g: list[int]) -> int:
    """Degree of gcd(f, g) over F (coefficients lowest first), by the Euclidean algorithm."""

    def trim(a: list[int]) -> list[int]:
        while a and a[-1] == 0:
            a = a[:-1]
        return a

    a, b = trim(f), trim(g)
    while b:
        while len(a) >= len(b):
            factor = a[-1] * pow(b[-1], P - 2, P) % P
            shift = len(a) - len(b)
            a = trim(
                [(x - factor * (b[i - shift] if i >= shift else 0)) % P for i, x in enumerate(a)]
            )
            if not a:
                break
        a, b = b, a
    return len(a) - 1


def test_the_modulus_is_irreducible() -> None:
    # Rabin's test for a cubic f = x^3 − x − 1: irreducible iff x^(p^3) ≡ x (mod f) and
    # gcd(x^p − x, f) = 1. x^p mod f is ext_pow(x, p) because E is F[x]/(f) as a ring.
    xp = ext_pow(EXT_X, P)
    assert ext_pow(EXT_X, P**3) == EXT_X
    g = [(xp[0]) % P, (xp[1] - 1) % P, xp[2]]
    assert _poly_gcd_degree([P - 1, P - 1, 0, 1], g) == 0


@given(exts, exts, exts)
def test_ring_axioms(a: Ext, b: Ext, c: Ext) -> None:
    assert ext_add(a, b) == ext_add(b, a)
    assert ext_mul(a, b) == ext_mul(b, a)
    assert ext_mul(ext_mul(a, b), c) == ext_mul(a, ext_mul(b, c))
    assert ext_add(ext_add(a, b), c) == ext_add(a, ext_add(b, c))
    assert ext_mul(a, ext_add(b, c)) == ext_add(ext_mul(a, b), ext_mul(a, c))
    assert ext_add(a, EXT_ZERO) == a and ext_mul(a, EXT_ONE) == a
    assert ext_add(a, ext_neg(a)) == EXT_ZERO
    assert ext_sub(a, b) == ext_add(a, ext_neg(b))
    assert ext_square(a) == ext_mul(a, a)


@given(exts, felts)
def test_embedding_is_a_homomorphism(a: Ext, k: int) -> None:
    assert ext_scale(a, k) == ext_mul(a, ext_embed(k))
    assert ext_mul(ext_embed(k), ext_embed(5)) == ext_embed(k * 5 % P)


@given(nonzero_exts)
def test_inverse(a: Ext) -> None:
    b = ext_inv(a)
    assert ext_mul(a, b) == EXT_ONE
    assert b == ext_pow(a, P**3 - 2)  # Fermat in a field of p^3 elements


def test_inverse_of_zero_is_refused() -> None:
    with pytest.raises(FieldArithmeticError):
        ext_inv(EXT_ZERO)


@given(st.lists(nonzero_exts, max_size=8))
def test_ext_batch_inverse(values: list[Ext]) -> None:
    assert ext_batch_inverse(values) == [ext_inv(v) for v in values]


@given(exts, st.integers(min_value=0, max_value=300))
def test_pow_matches_repeated_multiplication(a: Ext, e: int) -> None:
    expected = EXT_ONE
    for _ in range(e % 20):
        expected = ext_mul(expected, a)
    assert ext_pow(a, e % 20) == expected


@given(exts)
def test_encoding_round_trip(a: Ext) -> None:
    data = ext_encode(a)
    assert len(data) == 24 and data[:8] == a[0].to_bytes(8, "little")
    assert ext_decode(data) == a
    assert ext_unflatten(ext_flatten([a, a])) == [a, a]


def test_decoding_refusals() -> None:
    good = ext_encode((1, 2, 3))
    with pytest.raises(ProofFormatError):
        ext_decode(good[:23])
    with pytest.raises(ProofFormatError):
        ext_decode(good[:16] + P.to_bytes(8, "little"))
    with pytest.raises(StarkError):
        ext_unflatten([1, 2])
