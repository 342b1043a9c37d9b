"""Typed errors of the l2spec STARK (``spec/stark``).

A proof that fails a check is a *verdict* (the verifier returns a rejection), not an exception.
These exceptions are for inputs that cannot even be read (malformed proof bytes) and for API misuse
(parameters out of range), as the project-wide rule in :mod:`l2spec.errors` says.
"""

from __future__ import annotations

from l2spec.errors import ConfigError, DecodingError, L2SpecError


class StarkError(L2SpecError):
    """Base class of every error the STARK modules raise on purpose."""


class ProofFormatError(StarkError, DecodingError):
    """Bytes that are not a well-formed STARK proof (or proof part) under the contract's format.

    Wrong magic or version, too short, trailing bytes, a field element that is not canonical
    (``>= p``), a count or index out of range, an unknown hash id.
    """


class ParameterError(StarkError, ConfigError):
    """Proof parameters outside their allowed range (the contract's §Parameters)."""
