"""The native build path: l2spec.impl._native is built by `pip install` and computes correctly."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from l2spec.impl import _native

P = 2**64 - 2**32 + 1
felts = st.integers(min_value=0, max_value=P - 1)


def test_modulus() -> None:
    assert _native.goldilocks_modulus() == P


@given(felts, felts)
def test_mul_add_sub_match_python_modular_arithmetic(a: int, b: int) -> None:
    assert _native.goldilocks_mul(a, b) == a * b % P
    assert _native.goldilocks_add(a, b) == (a + b) % P
    assert _native.goldilocks_sub(a, b) == (a - b) % P


@given(st.integers(min_value=0, max_value=2**128 - 1))
def test_reduce128_matches_python(x: int) -> None:
    assert _native.goldilocks_reduce128(x) == x % P


@given(felts.filter(lambda a: a != 0))
def test_inverse(a: int) -> None:
    assert _native.goldilocks_inv(a) * a % P == 1
    assert _native.goldilocks_inv(a) == pow(a, -1, P)


@pytest.mark.parametrize("a", [0, 1, P - 1, 2**32 - 1, 2**32, 2**63])
def test_edges_and_pow(a: int) -> None:
    assert _native.goldilocks_pow(a, 12345) == pow(a, 12345, P)
    assert _native.goldilocks_mul(a, a) == a * a % P


def test_non_canonical_input_is_a_typed_error() -> None:
    with pytest.raises(ValueError, match="canonical"):
        _native.goldilocks_mul(P, 1)
    with pytest.raises(ZeroDivisionError):
        _native.goldilocks_inv(0)
    with pytest.raises(ValueError, match="length"):
        _native.goldilocks_mul_vec([1, 2], [3])


def test_mul_vec() -> None:
    a = [P - 1, 5, 2**40]
    b = [P - 1, 7, 2**40]
    assert _native.goldilocks_mul_vec(a, b) == [x * y % P for x, y in zip(a, b, strict=True)]
