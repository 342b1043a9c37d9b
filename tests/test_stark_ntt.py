"""NTTs, coset evaluation/interpolation and the LDE (contract §Domains, trace, LDE).

The reference is direct (naive) evaluation ``Σ c_j x^j`` computed in the test itself, on the
domain points computed from the definition ``D[i] = 7 · ω_{BN}^i``.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from l2spec.spec.stark.errors import StarkError
from l2spec.spec.stark.extension import Ext
from l2spec.spec.stark.field import P
from l2spec.spec.stark.ntt import (
    evaluate,
    evaluate_at_ext,
    evaluate_ext,
    evaluate_on_coset,
    evaluate_on_coset_ext,
    interpolate_coset,
    interpolate_coset_ext,
    intt,
    intt_ext,
    lde,
    lde_ext,
    ntt,
    ntt_ext,
)

felts = st.integers(min_value=0, max_value=P - 1)
exts = st.tuples(felts, felts, felts)
log_sizes = st.integers(min_value=0, max_value=5)


def naive(coeffs: list[int], x: int) -> int:
    return sum(c * pow(x, j, P) for j, c in enumerate(coeffs)) % P


def naive_ext(coeffs: list[Ext], z: Ext) -> Ext:
    # Independent of the module: multiply polynomials in x and reduce with x^3 = x + 1 by hand.
    def mul(a: Ext, b: Ext) -> Ext:
        prod = [0] * 5
        for i in range(3):
            for j in range(3):
                prod[i + j] += a[i] * b[j]
        for k in (4, 3):  # x^k = x^(k−2) + x^(k−3)
            prod[k - 2] += prod[k]
            prod[k - 3] += prod[k]
            prod[k] = 0
        return (prod[0] % P, prod[1] % P, prod[2] % P)

    acc: Ext = (0, 0, 0)
    power: Ext = (1, 0, 0)
    for c in coeffs:
        term = mul(c, power)
        acc = ((acc[0] + term[0]) % P, (acc[1] + term[1]) % P, (acc[2] + term[2]) % P)
        power = mul(power, z)
    return acc


def omega(n: int) -> int:
    return pow(7, (P - 1) // n, P)


@given(log_sizes.flatmap(lambda k: st.lists(felts, min_size=2**k, max_size=2**k)))
def test_ntt_agrees_with_naive_evaluation_and_round_trips(coeffs: list[int]) -> None:
    n = len(coeffs)
    values = ntt(coeffs)
    assert values == [naive(coeffs, pow(omega(n), i, P)) for i in range(n)]
    assert intt(values) == coeffs


@given(
    log_sizes.flatmap(lambda k: st.lists(felts, min_size=1, max_size=2**k)),
    st.sampled_from([1, 7, 3, 12345]),
)
def test_coset_evaluation_and_interpolation(coeffs: list[int], offset: int) -> None:
    n = 1 << (len(coeffs) - 1).bit_length()
    values = evaluate_on_coset(coeffs, offset, n)
    assert values == [naive(coeffs, offset * pow(omega(n), i, P) % P) for i in range(n)]
    assert interpolate_coset(values, offset) == coeffs + [0] * (n - len(coeffs))


@given(
    st.integers(min_value=3, max_value=5).flatmap(
        lambda k: st.lists(felts, min_size=2**k, max_size=2**k)
    ),
    st.sampled_from([2, 4, 8]),
)
def test_lde_agrees_with_direct_evaluation_on_d(column: list[int], blowup: int) -> None:
    n = len(column)
    # the interpolant (intt is checked against naive evaluation above) reproduces the column on H
    # and the LDE is that polynomial on D = 7·<ω_{BN}>.
    coeffs = intt(column)
    assert [naive(coeffs, pow(omega(n), i, P)) for i in range(n)] == column
    extended = lde(column, blowup)
    big = blowup * n
    assert len(extended) == big
    assert extended == [naive(coeffs, 7 * pow(omega(big), i, P) % P) for i in range(big)]
    # with offset 1 the domain contains H, and every B-th value is the trace row itself
    assert lde(column, blowup, offset=1)[::blowup] == column


@given(st.lists(felts, max_size=12), felts, exts)
def test_horner_evaluation(coeffs: list[int], x: int, z: Ext) -> None:
    assert evaluate(coeffs, x) == naive(coeffs, x)
    assert evaluate_at_ext(coeffs, z) == naive_ext([(c, 0, 0) for c in coeffs], z)


@given(st.lists(exts, max_size=8), exts)
def test_extension_horner(coeffs: list[Ext], z: Ext) -> None:
    assert evaluate_ext(coeffs, z) == naive_ext(coeffs, z)


@given(
    st.integers(min_value=0, max_value=4).flatmap(
        lambda k: st.lists(exts, min_size=2**k, max_size=2**k)
    )
)
def test_extension_transforms(coeffs: list[Ext]) -> None:
    n = len(coeffs)
    values = ntt_ext(coeffs)
    assert values == [naive_ext(coeffs, (pow(omega(n), i, P), 0, 0)) for i in range(n)]
    assert intt_ext(values) == coeffs
    on_coset = evaluate_on_coset_ext(coeffs, 7, 2 * n)
    assert on_coset[1] == naive_ext(coeffs, (7 * omega(2 * n) % P, 0, 0))
    assert interpolate_coset_ext(on_coset, 7) == coeffs + [(0, 0, 0)] * n
    assert lde_ext(values, 2) == on_coset


def test_refusals() -> None:
    with pytest.raises(StarkError):
        ntt([1, 2, 3])
    with pytest.raises(StarkError):
        evaluate_on_coset([1, 2, 3], 7, 2)
    with pytest.raises(StarkError):
        lde([1, 2, 3, 4], 3)
