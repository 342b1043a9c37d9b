"""Frames: the chunks of a channel carried in batcher transactions.

OP spec ``specs/protocol/derivation.md`` §Frame Format and §Batcher Transaction Format.

Only the record type is fixed here so far; the encodings arrive next in this module.
"""

from __future__ import annotations

from dataclasses import dataclass

CHANNEL_ID_LENGTH = 16
"""A channel id is 16 opaque bytes."""

DERIVATION_VERSION_0 = 0
"""The first byte of batcher transaction data (``DerivationVersion0``)."""


@dataclass(frozen=True)
class Frame:
    """``channel_id ‖ frame_number (uint16) ‖ frame_data_length (uint32) ‖ frame_data ‖ is_last``."""

    channel_id: bytes
    frame_number: int
    data: bytes
    is_last: bool
