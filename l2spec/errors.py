"""Typed errors for misuse of the API.

Protocol outcomes (a dropped frame, an invalid batch, a refused withdrawal) are *values*, never
exceptions. These exceptions are for malformed inputs and misuse: they say what to fix.
"""


class L2SpecError(Exception):
    """Base class of every error l2spec raises on purpose."""


class DecodingError(L2SpecError):
    """Bytes that do not decode under the encoding rule named in the message."""


class ConfigError(L2SpecError):
    """A configuration value that is missing or out of its allowed range."""


class VectorError(L2SpecError):
    """A known-answer vector file that is missing, malformed or of an unknown kind."""


class ArtifactError(L2SpecError):
    """A contract artifact (e.g. from @eth-optimism/contracts-bedrock) that cannot be found."""


class ExecutionError(L2SpecError):
    """The L2 execution engine was asked to do something impossible (not a protocol outcome)."""
