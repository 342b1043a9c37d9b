"""Rollup configuration: the chain parameters every OP Stack node agrees on.

Mirrors ``rollup.Config`` of op-node (``op-node/rollup/types.go``) and the values described in
``specs/protocol/derivation.md`` (§Protocol Parameters), ``specs/protocol/configurability.md`` and
the fork pages (``ecotone``, ``fjord``). Every number is a value of this dataclass, never a literal in
a rule; :func:`op_mainnet_parameters` gives the published OP Mainnet values and
:func:`devnet_parameters` small ones that make stories and tests short.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from l2spec.spec.common.types import Address, Hash32, address

# Protocol constants (specs/protocol/derivation.md §Protocol Parameters).
MAX_FRAME_LEN = 1_000_000
"""Largest frame (bytes) a batcher may post; larger frames are invalid."""

MAX_RLP_BYTES_PER_CHANNEL_BEDROCK = 10_000_000
"""Bedrock-Ecotone limit on decompressed channel size (``MAX_RLP_BYTES_PER_CHANNEL``)."""

MAX_RLP_BYTES_PER_CHANNEL_FJORD = 100_000_000
"""Fjord raised the limit (``specs/protocol/fjord/derivation.md``)."""

MAX_CHANNEL_BANK_SIZE_BEDROCK = 100_000_000
"""Channel bank size limit before Fjord (``MAX_CHANNEL_BANK_SIZE``)."""

MAX_CHANNEL_BANK_SIZE_FJORD = 1_000_000_000
"""Channel bank size limit since Fjord."""

MAX_SPAN_BATCH_ELEMENT_COUNT = 10_000_000
"""Bound on span-batch element counts (``specs/protocol/delta/span-batches.md``; Fjord value)."""

MAX_SEQUENCER_DRIFT_FJORD = 1800
"""Fjord made the sequencer drift a constant of 1800 s (``specs/protocol/fjord/derivation.md``)."""


@dataclass(frozen=True)
class BlockID:
    """A block by number and hash (``eth.BlockID``)."""

    number: int
    hash: Hash32


@dataclass(frozen=True)
class SystemConfig:
    """The L1 SystemConfig values that derivation reads (``eth.SystemConfig``).

    ``batcher_hash`` is the batcher address left-padded to 32 bytes; ``scalar`` is the Ecotone
    packed scalar word (version byte 1, blobBaseFeeScalar, baseFeeScalar).
    """

    batcher_address: Address
    overhead: int
    scalar: int
    gas_limit: int

    @property
    def batcher_hash(self) -> Hash32:
        return Hash32(b"\x00" * 12 + self.batcher_address)

    @property
    def base_fee_scalar(self) -> int:
        """Ecotone base fee scalar: the low 4 bytes of the scalar word (ecotone/l1-attributes)."""
        return self.scalar & 0xFFFFFFFF

    @property
    def blob_base_fee_scalar(self) -> int:
        """Ecotone blob base fee scalar: bytes 24..28 of the scalar word."""
        return (self.scalar >> 32) & 0xFFFFFFFF


@dataclass(frozen=True)
class Genesis:
    """Where the L2 chain starts: the L1 anchor block and the L2 genesis block (``rollup.Genesis``)."""

    l1: BlockID
    l2: BlockID
    l2_time: int
    system_config: SystemConfig


@dataclass(frozen=True)
class RollupConfig:
    """The rollup's parameters (``rollup.Config``).

    Fork activation times are L2 timestamps; ``None`` means never active, ``0`` active at genesis.
    """

    genesis: Genesis
    block_time: int
    max_sequencer_drift: int
    seq_window_size: int
    channel_timeout: int
    l1_chain_id: int
    l2_chain_id: int
    batch_inbox_address: Address
    deposit_contract_address: Address
    l1_system_config_address: Address
    regolith_time: int | None = 0
    canyon_time: int | None = 0
    delta_time: int | None = 0
    ecotone_time: int | None = 0
    fjord_time: int | None = None

    # Fork predicates (``rollup.Config.IsRegolith`` …): active at ``timestamp`` iff set and reached.
    def is_regolith(self, timestamp: int) -> bool:
        return self.regolith_time is not None and timestamp >= self.regolith_time

    def is_canyon(self, timestamp: int) -> bool:
        return self.canyon_time is not None and timestamp >= self.canyon_time

    def is_delta(self, timestamp: int) -> bool:
        """Span batches are accepted from Delta on (``specs/protocol/delta/span-batches.md``)."""
        return self.delta_time is not None and timestamp >= self.delta_time

    def is_ecotone(self, timestamp: int) -> bool:
        return self.ecotone_time is not None and timestamp >= self.ecotone_time

    def is_fjord(self, timestamp: int) -> bool:
        """Brotli channels, larger limits, constant drift (``specs/protocol/fjord/derivation.md``)."""
        return self.fjord_time is not None and timestamp >= self.fjord_time

    def max_rlp_bytes_per_channel(self, timestamp: int) -> int:
        return (
            MAX_RLP_BYTES_PER_CHANNEL_FJORD
            if self.is_fjord(timestamp)
            else MAX_RLP_BYTES_PER_CHANNEL_BEDROCK
        )

    def max_channel_bank_size(self, timestamp: int) -> int:
        return (
            MAX_CHANNEL_BANK_SIZE_FJORD
            if self.is_fjord(timestamp)
            else MAX_CHANNEL_BANK_SIZE_BEDROCK
        )

    def sequencer_drift(self, timestamp: int) -> int:
        """Max sequencer drift in seconds at an L2 timestamp (constant 1800 from Fjord on)."""
        return MAX_SEQUENCER_DRIFT_FJORD if self.is_fjord(timestamp) else self.max_sequencer_drift

    def target_block_number(self, timestamp: int) -> int:
        """The L2 block number whose timestamp is ``timestamp`` (``rollup.Config.TargetBlockNumber``)."""
        return self.genesis.l2.number + (timestamp - self.genesis.l2_time) // self.block_time

    def with_genesis(self, genesis: Genesis) -> RollupConfig:
        return replace(self, genesis=genesis)


# Well-known addresses used by default (the OP Mainnet batch inbox convention 0xff00…<chain id>).
DEFAULT_BATCHER = address("0x6887246668a3b87f54deb3b94ba47a6f63f32985")
DEFAULT_BATCH_INBOX = address("0xff00000000000000000000000000000000000010")
DEFAULT_PORTAL = address("0xbEb5Fc579115071764c7423A4f12eDde41f106Ed")
DEFAULT_SYSTEM_CONFIG = address("0x229047fed2591dbec1eF1118d64F7aF3dB9EB290")


def op_mainnet_parameters(genesis: Genesis) -> RollupConfig:
    """OP Mainnet's published parameters (superchain registry): 2 s blocks, 3600-block sequencing
    window, 300-block channel timeout, 600 s max sequencer drift."""
    return RollupConfig(
        genesis=genesis,
        block_time=2,
        max_sequencer_drift=600,
        seq_window_size=3600,
        channel_timeout=300,
        l1_chain_id=1,
        l2_chain_id=10,
        batch_inbox_address=DEFAULT_BATCH_INBOX,
        deposit_contract_address=DEFAULT_PORTAL,
        l1_system_config_address=DEFAULT_SYSTEM_CONFIG,
    )


def devnet_parameters(genesis: Genesis) -> RollupConfig:
    """Small windows so that a story or a test crosses every boundary in a few blocks:
    2 s L2 blocks, 12 s L1 blocks assumed, sequencing window 8, channel timeout 4, drift 60 s."""
    return RollupConfig(
        genesis=genesis,
        block_time=2,
        max_sequencer_drift=60,
        seq_window_size=8,
        channel_timeout=4,
        l1_chain_id=900,
        l2_chain_id=901,
        batch_inbox_address=DEFAULT_BATCH_INBOX,
        deposit_contract_address=DEFAULT_PORTAL,
        l1_system_config_address=DEFAULT_SYSTEM_CONFIG,
    )
