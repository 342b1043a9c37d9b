"""Payload attributes: the inputs of one L2 block, from its L1 origin and its batch.

OP spec ``specs/protocol/derivation.md`` §Deriving Payload Attributes (§Deriving the Transaction
List, §Building Individual Payload Attributes) and §Payload Attributes Derivation; checked against
``op-node/rollup/derive/attributes.go`` (``PreparePayloadAttributes``) and
``attributes_queue.go`` (``createNextAttributes``).

The same template serves the verifier (with the batch's transactions appended) and the sequencer
(with its own transactions appended).
"""

from __future__ import annotations

from dataclasses import replace

from l2spec.errors import ConfigError, L2SpecError
from l2spec.spec.common.l1 import L1Block, L1Chain
from l2spec.spec.common.types import Hash32
from l2spec.spec.optimistic.batches import SingularBatch
from l2spec.spec.optimistic.blocks import L2BlockRef
from l2spec.spec.optimistic.config import BlockID, RollupConfig, SystemConfig
from l2spec.spec.optimistic.deposits import encode_deposit_tx, user_deposits
from l2spec.spec.optimistic.engine import PayloadAttributes
from l2spec.spec.optimistic.l1_info import l1_info_deposit
from l2spec.spec.optimistic.predeploys import SEQUENCER_FEE_VAULT


class AttributesError(L2SpecError):
    """The requested L2 block cannot have this L1 origin on this parent: op-node answers with a
    pipeline reset. Derivation only asks for origins the batch queue has checked, so this signals
    inconsistent inputs."""


def is_activation_block(fork_time: int | None, config: RollupConfig, l2_timestamp: int) -> bool:
    """The first L2 block of a fork after genesis (``Config.IsEcotoneActivationBlock``)."""
    return (
        fork_time is not None
        and l2_timestamp >= fork_time
        and l2_timestamp >= config.block_time
        and l2_timestamp - config.block_time < fork_time
    )


def prepare_payload_attributes(
    config: RollupConfig,
    l1_chain: L1Chain,
    system_config: SystemConfig,
    l2_parent: L2BlockRef,
    epoch: BlockID,
) -> PayloadAttributes:
    """The deposit-only attributes of the L2 block after ``l2_parent`` with L1 origin ``epoch``
    (``PreparePayloadAttributes``).

    Transactions, in this order (§Deriving the Transaction List): the L1 attributes deposit; then,
    in the first block of an epoch (its origin differs from the parent's), the user deposits of the
    L1 origin's receipts. Then (§Building Individual Payload Attributes): ``timestamp`` is the
    parent's plus the block time; ``prevRandao`` the origin's ``mixHash``; the fee recipient the
    Sequencer Fee Vault; ``noTxPool`` true; ``gasLimit`` the system configuration's; from Ecotone
    the parent beacon block root is the L1 origin's.
    """
    origin = l1_chain.block_by_hash(epoch.hash)
    if origin is None or origin.number != epoch.number:
        raise AttributesError(f"L1 origin {epoch.number} is not in the L1 chain")
    next_l2_time = l2_parent.timestamp + config.block_time
    deposits: tuple[bytes, ...] = ()
    if l2_parent.l1_origin.number != epoch.number:
        # First block of the epoch: the origin must be the child of the parent's origin.
        if l2_parent.l1_origin.hash != origin.parent_hash:
            raise AttributesError("new L1 origin does not build on the parent's L1 origin")
        deposits = tuple(
            encode_deposit_tx(tx) for tx in user_deposits(origin, config.deposit_contract_address)
        )
        seq_number = 0
    else:
        if l2_parent.l1_origin.hash != epoch.hash:
            raise AttributesError("L1 origin conflicts with the parent's L1 origin")
        seq_number = l2_parent.sequence_number + 1
    # Sanity check of the time invariant: the L2 block is not before its L1 origin.
    if next_l2_time < origin.timestamp:
        raise AttributesError("L2 block would be older than its L1 origin")
    if is_activation_block(config.ecotone_time, config, next_l2_time) or is_activation_block(
        config.fjord_time, config, next_l2_time
    ):
        raise ConfigError("network upgrade transactions of a fork after genesis are not modeled")
    l1_info = l1_info_deposit(config, system_config, seq_number, origin, next_l2_time)
    return PayloadAttributes(
        timestamp=next_l2_time,
        prev_randao=origin.mix_hash,
        suggested_fee_recipient=SEQUENCER_FEE_VAULT,
        transactions=(encode_deposit_tx(l1_info), *deposits),
        no_tx_pool=True,
        gas_limit=system_config.gas_limit,
        parent_beacon_block_root=_beacon_root(config, origin, next_l2_time),
    )


def _beacon_root(config: RollupConfig, origin: L1Block, l2_timestamp: int) -> Hash32 | None:
    """From Ecotone, the L1 origin's parent beacon block root; before, none."""
    return origin.parent_beacon_root if config.is_ecotone(l2_timestamp) else None


def attributes_for_batch(
    config: RollupConfig,
    l1_chain: L1Chain,
    system_config: SystemConfig,
    l2_safe_head: L2BlockRef,
    batch: SingularBatch,
) -> PayloadAttributes:
    """The attributes of the block a batch describes (``createNextAttributes``): the deposit-only
    template for the batch's epoch, with the batch's transactions appended after the deposits.

    The batch queue guarantees the batch builds on the safe head at the next timestamp; anything
    else is inconsistent input.
    """
    if batch.parent_hash != l2_safe_head.hash:
        raise AttributesError("valid batch has a parent hash other than the safe head's")
    if batch.timestamp != l2_safe_head.timestamp + config.block_time:
        raise AttributesError("valid batch has a timestamp other than the next L2 timestamp")
    template = prepare_payload_attributes(
        config, l1_chain, system_config, l2_safe_head, BlockID(batch.epoch_num, batch.epoch_hash)
    )
    return with_transactions(template, batch.transactions)


def with_transactions(
    attrs: PayloadAttributes, transactions: tuple[bytes, ...]
) -> PayloadAttributes:
    """``attrs`` with ``transactions`` appended after its deposits."""
    return replace(attrs, transactions=(*attrs.transactions, *transactions))
