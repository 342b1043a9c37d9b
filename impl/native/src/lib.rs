//! PyO3 bindings of the l2spec native core, imported in Python as `l2spec.impl._native`.
//!
//! This file holds bindings only; the arithmetic lives in its own modules.

use pyo3::exceptions::{PyValueError, PyZeroDivisionError};
use pyo3::prelude::*;

pub mod ext3;
pub mod goldilocks;
pub mod hash;
pub mod merkle;
pub mod ntt;
pub mod poseidon;
pub mod transcript;

fn field_element(x: u64, name: &str) -> PyResult<u64> {
    if x >= goldilocks::P {
        return Err(PyValueError::new_err(format!(
            "{name}={x} is not a canonical Goldilocks element (must be < 2^64 - 2^32 + 1)"
        )));
    }
    Ok(x)
}

/// The Goldilocks prime p = 2^64 - 2^32 + 1.
#[pyfunction]
fn goldilocks_modulus() -> u64 {
    goldilocks::P
}

/// (a * b) mod p for canonical field elements a, b.
#[pyfunction]
fn goldilocks_mul(a: u64, b: u64) -> PyResult<u64> {
    Ok(goldilocks::mul(
        field_element(a, "a")?,
        field_element(b, "b")?,
    ))
}

/// (a + b) mod p for canonical field elements a, b.
#[pyfunction]
fn goldilocks_add(a: u64, b: u64) -> PyResult<u64> {
    Ok(goldilocks::add(
        field_element(a, "a")?,
        field_element(b, "b")?,
    ))
}

/// (a - b) mod p for canonical field elements a, b.
#[pyfunction]
fn goldilocks_sub(a: u64, b: u64) -> PyResult<u64> {
    Ok(goldilocks::sub(
        field_element(a, "a")?,
        field_element(b, "b")?,
    ))
}

/// Reduce any integer in [0, 2^128) modulo p with the 2^64 ≡ 2^32 - 1 identity.
#[pyfunction]
fn goldilocks_reduce128(x: u128) -> u64 {
    goldilocks::reduce128(x)
}

/// a^e mod p.
#[pyfunction]
fn goldilocks_pow(a: u64, e: u64) -> PyResult<u64> {
    Ok(goldilocks::pow(field_element(a, "a")?, e))
}

/// The multiplicative inverse of a nonzero field element.
#[pyfunction]
fn goldilocks_inv(a: u64) -> PyResult<u64> {
    goldilocks::inv(field_element(a, "a")?)
        .ok_or_else(|| PyZeroDivisionError::new_err("0 has no inverse in the Goldilocks field"))
}

/// Element-wise product of two equal-length vectors (the batch form the prover will use).
#[pyfunction]
fn goldilocks_mul_vec(a: Vec<u64>, b: Vec<u64>) -> PyResult<Vec<u64>> {
    if a.len() != b.len() {
        return Err(PyValueError::new_err(format!(
            "vectors differ in length: {} != {}",
            a.len(),
            b.len()
        )));
    }
    a.iter()
        .zip(b.iter())
        .map(|(&x, &y)| {
            Ok(goldilocks::mul(
                field_element(x, "a[i]")?,
                field_element(y, "b[i]")?,
            ))
        })
        .collect()
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(goldilocks_modulus, m)?)?;
    m.add_function(wrap_pyfunction!(goldilocks_mul, m)?)?;
    m.add_function(wrap_pyfunction!(goldilocks_add, m)?)?;
    m.add_function(wrap_pyfunction!(goldilocks_sub, m)?)?;
    m.add_function(wrap_pyfunction!(goldilocks_reduce128, m)?)?;
    m.add_function(wrap_pyfunction!(goldilocks_pow, m)?)?;
    m.add_function(wrap_pyfunction!(goldilocks_inv, m)?)?;
    m.add_function(wrap_pyfunction!(goldilocks_mul_vec, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
