"""The optimized implementation of the l2spec models and the native (Rust) core.

``l2spec.impl._native`` is the PyO3 extension built from ``impl/native``.
"""
