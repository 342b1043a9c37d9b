"""Batches: the sequencer's compact record of L2 blocks posted to L1.

OP spec ``specs/protocol/derivation.md`` §Batch Format (singular batches, version 0) and
``specs/protocol/delta/span-batches.md`` §Span batch format (span batches, version 1). The reference
implementation is ``op-node/rollup/derive/{batch.go, singular_batch.go, span_batch.go,
span_batch_txs.go, span_batch_tx.go, span_batch_util.go}``.

A batch is encoded as ``batch_version ‖ content``:

- version 0 (:class:`SingularBatch`):
  ``rlp([parent_hash, epoch_number, epoch_hash, timestamp, transaction_list])``;
- version 1 (:class:`SpanBatch`, from Delta): ``prefix ‖ payload`` where::

    prefix  = rel_timestamp ‖ l1_origin_num ‖ parent_check ‖ l1_origin_check
    payload = block_count ‖ origin_bits ‖ block_tx_counts ‖ txs
    txs     = contract_creation_bits ‖ y_parity_bits ‖ tx_sigs ‖ tx_tos ‖ tx_datas
              ‖ tx_nonces ‖ tx_gases ‖ protected_bits

Decoding a span batch has two steps, exactly as op-node has them, because their failures are
treated differently by the channel reader (``channel_in_reader.go``): :func:`decode_typed_batch`
reads the wire layout into a :class:`RawSpanBatch` (a failure there is a malformed channel), and
:func:`derive_span_batch` turns it into full L2 blocks with EIP-2718 signed transactions, which
needs the chain's genesis time, block time and L2 chain id (a failure there drops that one batch).

"If the batch version and contents can be RLP decoded correctly but extra content exists beyond the
batch, the additional data may be ignored during parsing" (§Batch Format): op-node reads both
versions from a stream and never checks for trailing bytes, and neither do we.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from l2spec.errors import DecodingError, L2SpecError
from l2spec.spec.common import rlp
from l2spec.spec.common.types import ZERO_HASH, Address, Hash32
from l2spec.spec.optimistic.blocks import L1BlockRef, L2BlockRef
from l2spec.spec.optimistic.config import MAX_SPAN_BATCH_ELEMENT_COUNT, RollupConfig
from l2spec.spec.optimistic.frames import EncodingError

SINGULAR_BATCH_TYPE = 0
"""``batch_version`` byte of a singular batch (``SingularBatchType``)."""

SPAN_BATCH_TYPE = 1
"""``batch_version`` byte of a span batch (``SpanBatchType``, from Delta)."""

CHECK_LENGTH = 20
"""``parent_check`` and ``l1_origin_check`` keep the first 20 bytes of a hash."""

U64_LIMIT = 2**64
U256_LIMIT = 2**256

LEGACY_TX_TYPE = 0
ACCESS_LIST_TX_TYPE = 1
DYNAMIC_FEE_TX_TYPE = 2
SPAN_BATCH_TX_TYPES = (LEGACY_TX_TYPE, ACCESS_LIST_TX_TYPE, DYNAMIC_FEE_TX_TYPE)
"""The transaction types a span batch can carry (``span_batch_tx.go``): legacy, EIP-2930, EIP-1559."""


class SpanBatchDeriveError(DecodingError):
    """A span batch whose wire layout decoded but whose transactions cannot be rebuilt
    (``RawSpanBatch.derive`` failing: an unknown transaction type, a malformed ``tx_data``)."""


# ---------------------------------------------------------------------------------------------
# Records
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SingularBatch:
    """One L2 block's batch (``derivation.md`` §Batch Format, version 0):
    ``rlp([parent_hash, epoch_number, epoch_hash, timestamp, transaction_list])``.

    ``transactions`` are EIP-2718 encoded L2 transactions (no deposits).
    """

    parent_hash: Hash32
    epoch_num: int
    epoch_hash: Hash32
    timestamp: int
    transactions: tuple[bytes, ...]


@dataclass(frozen=True)
class SpanBatchElement:
    """One L2 block inside a span batch, after decoding (``SpanBatchElement`` in op-node)."""

    epoch_num: int
    timestamp: int
    transactions: tuple[bytes, ...]


@dataclass(frozen=True)
class SpanBatch:
    """A span of consecutive L2 blocks (``specs/protocol/delta/span-batches.md``).

    ``parent_check`` and ``l1_origin_check`` are the first 20 bytes of the parent L2 block hash and
    of the last block's L1 origin hash. ``blocks`` are the decoded elements in order; each element's
    timestamp is ``genesis_time + rel_timestamp + block_time * i`` and its epoch number follows the
    origin bits.

    ``origin_changed_at_start`` is the first of the ``origin_bits``. Derivation never reads it
    (``RawSpanBatch.derive`` only steps the epoch back for bits of blocks after the first); op-batcher
    sets it when the span's first block is the first of its epoch (``SpanBatch.AppendSingularBatch``
    with sequence number 0). It is kept so that decoding and re-encoding give the same bytes.
    """

    parent_check: bytes
    l1_origin_check: bytes
    blocks: tuple[SpanBatchElement, ...]
    origin_changed_at_start: bool = False


Batch = SingularBatch | SpanBatch
"""Either kind of batch, as the channel reader hands it to the batch queue."""


@dataclass(frozen=True)
class RawSpanBatch:
    """A span batch exactly as its wire layout has it (``RawSpanBatch``,
    ``span-batches.md`` §Span batch format); ``block_count`` is ``len(origin_bits)`` and the total
    transaction count is ``sum(block_tx_counts)``.

    ``tx_sigs`` holds ``(r, s)`` per transaction; ``tx_tos`` one address per transaction that is not
    a contract creation; ``tx_datas`` the per-type encodings ``rlp([value, gasPrice, data])`` (legacy),
    ``0x01 ‖ rlp([value, gasPrice, data, accessList])`` (EIP-2930) and
    ``0x02 ‖ rlp([value, maxPriorityFeePerGas, maxFeePerGas, data, accessList])`` (EIP-1559);
    ``protected_bits`` one bit per legacy transaction (EIP-155 replay protection).
    """

    rel_timestamp: int
    l1_origin_num: int
    parent_check: bytes
    l1_origin_check: bytes
    origin_bits: tuple[bool, ...]
    block_tx_counts: tuple[int, ...]
    contract_creation_bits: tuple[bool, ...]
    y_parity_bits: tuple[bool, ...]
    tx_sigs: tuple[tuple[int, int], ...]
    tx_tos: tuple[Address, ...]
    tx_datas: tuple[bytes, ...]
    tx_nonces: tuple[int, ...]
    tx_gases: tuple[int, ...]
    protected_bits: tuple[bool, ...]

    @property
    def block_count(self) -> int:
        return len(self.origin_bits)


AccessList = tuple[tuple[Address, tuple[Hash32, ...]], ...]
"""An EIP-2930 access list: ``[[address, [storage_key, …]], …]``."""


@dataclass(frozen=True)
class SignedTransaction:
    """A signed L2 transaction of one of the types a span batch carries (EIP-2718 envelope).

    - legacy (type 0): ``rlp([nonce, gasPrice, gas, to, value, data, v, r, s])`` with ``v`` the
      raw value (``27 + y`` or, EIP-155, ``2 * chain_id + 35 + y``); ``chain_id`` is ``None``;
    - EIP-2930 (type 1): ``0x01 ‖ rlp([chainId, nonce, gasPrice, gas, to, value, data, accessList,
      yParity, r, s])``;
    - EIP-1559 (type 2): ``0x02 ‖ rlp([chainId, nonce, maxPriorityFeePerGas, maxFeePerGas, gas,
      to, value, data, accessList, yParity, r, s])``.

    ``v`` is the y parity for the typed transactions. Fields a type does not have are ``0``/empty.
    """

    tx_type: int
    chain_id: int | None
    nonce: int
    gas_price: int
    max_priority_fee_per_gas: int
    max_fee_per_gas: int
    gas: int
    to: Address | None
    value: int
    data: bytes
    access_list: AccessList
    v: int
    r: int
    s: int


# ---------------------------------------------------------------------------------------------
# Primitive field encodings of span batches
# ---------------------------------------------------------------------------------------------


def encode_uvarint(value: int) -> bytes:
    """Unsigned base-128 varint (protobuf; Go ``binary.PutUvarint``) of a ``uint64``."""
    if not 0 <= value < U64_LIMIT:
        raise EncodingError(f"{value} is not a uint64")
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def read_uvarint(data: bytes, pos: int) -> tuple[int, int]:
    """Read a ``uint64`` varint at ``data[pos]`` as Go's ``binary.ReadUvarint`` does.

    At most 10 bytes, and the 10th may only be 0 or 1 (overflow otherwise). Like Go, a padded
    (non-minimal) encoding such as ``0x80 0x00`` is accepted.
    """
    value = 0
    for i in range(10):
        if pos + i >= len(data):
            raise DecodingError("uvarint is truncated")
        byte = data[pos + i]
        if byte < 0x80:
            if i == 9 and byte > 1:
                raise DecodingError("uvarint overflows 64 bits")
            return value | (byte << (7 * i)), pos + i + 1
        value |= (byte & 0x7F) << (7 * i)
    raise DecodingError("uvarint overflows 64 bits")


def encode_bitlist(bits: Sequence[bool]) -> bytes:
    """A standard span-batch bitlist: the big-endian integer whose bit ``i`` is ``bits[i]``,
    left-padded with zeroes to a whole number of bytes (``encodeSpanBatchBits``)."""
    value = sum(1 << i for i, bit in enumerate(bits) if bit)
    return value.to_bytes((len(bits) + 7) // 8, "big")


def read_bitlist(data: bytes, pos: int, count: int) -> tuple[tuple[bool, ...], int]:
    """Read a standard bitlist of ``count`` bits at ``data[pos]`` (``decodeSpanBatchBits``).

    It takes ``ceil(count / 8)`` bytes; a set bit above ``count`` (in the padding) is an error.
    """
    size = (count + 7) // 8
    if pos + size > len(data):
        raise DecodingError(f"bitlist of {count} bits is truncated")
    value = int.from_bytes(data[pos : pos + size], "big")
    if value.bit_length() > count:
        raise DecodingError(f"bitlist has {value.bit_length()} bits, expected at most {count}")
    return tuple(bool((value >> i) & 1) for i in range(count)), pos + size


def _read_fixed(data: bytes, pos: int, size: int, what: str) -> tuple[bytes, int]:
    if pos + size > len(data):
        raise DecodingError(f"{what} is truncated")
    return bytes(data[pos : pos + size]), pos + size


# ---------------------------------------------------------------------------------------------
# Singular batches (version 0)
# ---------------------------------------------------------------------------------------------


def _rlp_encode(item: rlp.Encodable) -> bytes:
    """RLP encoding (:func:`l2spec.spec.common.rlp.encode`)."""
    return bytes(rlp.encode(item))


def _check_uint64(value: int, what: str) -> None:
    if not 0 <= value < U64_LIMIT:
        raise EncodingError(f"{what} {value} is not a uint64")


def encode_singular_batch(batch: SingularBatch) -> bytes:
    """``rlp([parent_hash, epoch_number, epoch_hash, timestamp, transaction_list])`` (§Batch
    Format, version 0; the batch's content, without the version byte)."""
    if len(batch.parent_hash) != 32 or len(batch.epoch_hash) != 32:
        raise EncodingError("parent_hash and epoch_hash are 32 bytes")
    _check_uint64(batch.epoch_num, "epoch number")
    _check_uint64(batch.timestamp, "timestamp")
    return _rlp_encode(
        [
            batch.parent_hash,
            batch.epoch_num,
            batch.epoch_hash,
            batch.timestamp,
            list(batch.transactions),
        ]
    )


def decode_singular_batch(content: bytes) -> SingularBatch:
    """Decode a singular batch's content (after the version byte). The RLP list must have exactly
    the five fields, hashes of 32 bytes, canonical ``uint64`` numbers and a list of byte strings;
    bytes after the list are ignored (op-node decodes it from a stream)."""
    item, _ = rlp.decode_item(content)
    fields = rlp.decode_list(item, 5)
    tx_list = rlp.decode_list(fields[4])
    return SingularBatch(
        parent_hash=Hash32(rlp.decode_bytes(fields[0], 32)),
        epoch_num=rlp.decode_uint_max(fields[1], 64),
        epoch_hash=Hash32(rlp.decode_bytes(fields[2], 32)),
        timestamp=rlp.decode_uint_max(fields[3], 64),
        transactions=tuple(rlp.decode_bytes(tx) for tx in tx_list),
    )


# ---------------------------------------------------------------------------------------------
# Signed transactions (EIP-2718 envelopes of the three types span batches carry)
# ---------------------------------------------------------------------------------------------


def _encode_to(to: Address | None) -> bytes:
    return b"" if to is None else bytes(to)


def _encode_access_list(access_list: AccessList) -> list[rlp.Encodable]:
    return [[bytes(addr), [bytes(key) for key in keys]] for addr, keys in access_list]


def encode_signed_tx(tx: SignedTransaction) -> bytes:
    """The EIP-2718 encoding of a legacy, EIP-2930 or EIP-1559 signed transaction (the bytes a
    block and a singular batch carry; go-ethereum ``Transaction.MarshalBinary``)."""
    to = _encode_to(tx.to)
    access_list = _encode_access_list(tx.access_list)
    if tx.tx_type == LEGACY_TX_TYPE:
        return _rlp_encode(
            [tx.nonce, tx.gas_price, tx.gas, to, tx.value, tx.data, tx.v, tx.r, tx.s]
        )
    if tx.chain_id is None:
        raise EncodingError("a typed transaction has a chain id")
    if tx.tx_type == ACCESS_LIST_TX_TYPE:
        body: list[rlp.Encodable] = [
            tx.chain_id,
            tx.nonce,
            tx.gas_price,
            tx.gas,
            to,
            tx.value,
            tx.data,
            access_list,
            tx.v,
            tx.r,
            tx.s,
        ]
    elif tx.tx_type == DYNAMIC_FEE_TX_TYPE:
        body = [
            tx.chain_id,
            tx.nonce,
            tx.max_priority_fee_per_gas,
            tx.max_fee_per_gas,
            tx.gas,
            to,
            tx.value,
            tx.data,
            access_list,
            tx.v,
            tx.r,
            tx.s,
        ]
    else:
        raise EncodingError(f"transaction type {tx.tx_type} is not one a span batch carries")
    return bytes([tx.tx_type]) + _rlp_encode(body)


def _decode_to(item: rlp.Decoded) -> Address | None:
    raw = rlp.decode_bytes(item)
    if len(raw) == 0:
        return None
    if len(raw) != 20:
        raise DecodingError(f"a 'to' address is 20 bytes or empty, got {len(raw)}")
    return Address(raw)


def _decode_access_list(item: rlp.Decoded) -> AccessList:
    entries = []
    for entry in rlp.decode_list(item):
        address_item, keys_item = rlp.decode_list(entry, 2)
        keys = tuple(Hash32(rlp.decode_bytes(k, 32)) for k in rlp.decode_list(keys_item))
        entries.append((Address(rlp.decode_bytes(address_item, 20)), keys))
    return tuple(entries)


def decode_signed_tx(data: bytes) -> SignedTransaction:
    """Decode an EIP-2718 legacy, EIP-2930 or EIP-1559 signed transaction, strictly (exact field
    counts, canonical integers, ``uint64`` nonce and gas, no trailing bytes), as go-ethereum's
    ``Transaction.UnmarshalBinary`` does. Other types raise :class:`DecodingError`."""
    if len(data) == 0:
        raise DecodingError("empty transaction")
    if data[0] > 0x7F:
        f = rlp.decode_list(rlp.decode(data), 9)
        return SignedTransaction(
            tx_type=LEGACY_TX_TYPE,
            chain_id=None,
            nonce=rlp.decode_uint_max(f[0], 64),
            gas_price=rlp.decode_uint(f[1]),
            max_priority_fee_per_gas=0,
            max_fee_per_gas=0,
            gas=rlp.decode_uint_max(f[2], 64),
            to=_decode_to(f[3]),
            value=rlp.decode_uint(f[4]),
            data=rlp.decode_bytes(f[5]),
            access_list=(),
            v=rlp.decode_uint(f[6]),
            r=rlp.decode_uint(f[7]),
            s=rlp.decode_uint(f[8]),
        )
    tx_type = data[0]
    if tx_type == ACCESS_LIST_TX_TYPE:
        f = rlp.decode_list(rlp.decode(data[1:]), 11)
        return SignedTransaction(
            tx_type=tx_type,
            chain_id=rlp.decode_uint(f[0]),
            nonce=rlp.decode_uint_max(f[1], 64),
            gas_price=rlp.decode_uint(f[2]),
            max_priority_fee_per_gas=0,
            max_fee_per_gas=0,
            gas=rlp.decode_uint_max(f[3], 64),
            to=_decode_to(f[4]),
            value=rlp.decode_uint(f[5]),
            data=rlp.decode_bytes(f[6]),
            access_list=_decode_access_list(f[7]),
            v=rlp.decode_uint(f[8]),
            r=rlp.decode_uint(f[9]),
            s=rlp.decode_uint(f[10]),
        )
    if tx_type == DYNAMIC_FEE_TX_TYPE:
        f = rlp.decode_list(rlp.decode(data[1:]), 12)
        return SignedTransaction(
            tx_type=tx_type,
            chain_id=rlp.decode_uint(f[0]),
            nonce=rlp.decode_uint_max(f[1], 64),
            gas_price=0,
            max_priority_fee_per_gas=rlp.decode_uint(f[2]),
            max_fee_per_gas=rlp.decode_uint(f[3]),
            gas=rlp.decode_uint_max(f[4], 64),
            to=_decode_to(f[5]),
            value=rlp.decode_uint(f[6]),
            data=rlp.decode_bytes(f[7]),
            access_list=_decode_access_list(f[8]),
            v=rlp.decode_uint(f[9]),
            r=rlp.decode_uint(f[10]),
            s=rlp.decode_uint(f[11]),
        )
    raise DecodingError(f"transaction type {tx_type} is not supported in span batches")


# ---------------------------------------------------------------------------------------------
# Span batch transactions: full form <-> compact form (span_batch_tx.go, span_batch_txs.go)
# ---------------------------------------------------------------------------------------------


def span_tx_type(tx_data: bytes) -> int:
    """The transaction type of a ``tx_data`` entry: its first byte when that is at most ``0x7f``
    (an EIP-2718 type byte), else legacy (``ReadTxData``)."""
    return tx_data[0] if tx_data[0] <= 0x7F else LEGACY_TX_TYPE


def encode_span_tx_data(tx: SignedTransaction) -> bytes:
    """The ``tx_datas`` entry of a transaction: only its variable-length fields, RLP encoded with
    the type byte of its envelope (``span-batches.md`` ``tx_datas``; ``spanBatchTx.MarshalBinary``)."""
    if tx.tx_type == LEGACY_TX_TYPE:
        return _rlp_encode([tx.value, tx.gas_price, tx.data])
    access_list = _encode_access_list(tx.access_list)
    if tx.tx_type == ACCESS_LIST_TX_TYPE:
        return b"\x01" + _rlp_encode([tx.value, tx.gas_price, tx.data, access_list])
    if tx.tx_type == DYNAMIC_FEE_TX_TYPE:
        return b"\x02" + _rlp_encode(
            [tx.value, tx.max_priority_fee_per_gas, tx.max_fee_per_gas, tx.data, access_list]
        )
    raise EncodingError(f"transaction type {tx.tx_type} is not one a span batch carries")


@dataclass(frozen=True)
class SpanTxData:
    """The variable-length fields a ``tx_datas`` entry holds (``spanBatch*TxData``)."""

    tx_type: int
    value: int
    gas_price: int
    max_priority_fee_per_gas: int
    max_fee_per_gas: int
    data: bytes
    access_list: AccessList


def decode_span_tx_data(tx_data: bytes) -> SpanTxData:
    """Decode a ``tx_datas`` entry strictly (``spanBatchTx.UnmarshalBinary``): legacy
    ``[value, gasPrice, data]``, type 1 ``[value, gasPrice, data, accessList]``, type 2
    ``[value, maxPriorityFeePerGas, maxFeePerGas, data, accessList]``; any other type is an error."""
    if len(tx_data) > 0 and tx_data[0] > 0x7F:
        f = rlp.decode_list(rlp.decode(tx_data), 3)
        return SpanTxData(
            LEGACY_TX_TYPE,
            value=rlp.decode_uint(f[0]),
            gas_price=rlp.decode_uint(f[1]),
            max_priority_fee_per_gas=0,
            max_fee_per_gas=0,
            data=rlp.decode_bytes(f[2]),
            access_list=(),
        )
    if len(tx_data) <= 1:
        raise DecodingError("typed span batch tx data is too short")
    if tx_data[0] == ACCESS_LIST_TX_TYPE:
        f = rlp.decode_list(rlp.decode(tx_data[1:]), 4)
        return SpanTxData(
            ACCESS_LIST_TX_TYPE,
            value=rlp.decode_uint(f[0]),
            gas_price=rlp.decode_uint(f[1]),
            max_priority_fee_per_gas=0,
            max_fee_per_gas=0,
            data=rlp.decode_bytes(f[2]),
            access_list=_decode_access_list(f[3]),
        )
    if tx_data[0] == DYNAMIC_FEE_TX_TYPE:
        f = rlp.decode_list(rlp.decode(tx_data[1:]), 5)
        return SpanTxData(
            DYNAMIC_FEE_TX_TYPE,
            value=rlp.decode_uint(f[0]),
            gas_price=0,
            max_priority_fee_per_gas=rlp.decode_uint(f[1]),
            max_fee_per_gas=rlp.decode_uint(f[2]),
            data=rlp.decode_bytes(f[3]),
            access_list=_decode_access_list(f[4]),
        )
    raise DecodingError(f"transaction type {tx_data[0]} is not supported in span batches")


def recover_v(tx_type: int, y_parity: bool, protected: bool, chain_id: int) -> int:
    """The signature ``v`` of a span batch transaction (``span-batches.md`` §Store ``y_parity`` and
    ``protected_bit`` instead of ``v``; ``spanBatchTxs.recoverV``): for a legacy transaction
    ``2 * chain_id + 35 + y_parity`` if protected (EIP-155) else ``27 + y_parity``; for the typed
    ones ``y_parity`` itself."""
    if tx_type == LEGACY_TX_TYPE:
        return chain_id * 2 + 35 + int(y_parity) if protected else 27 + int(y_parity)
    if tx_type in (ACCESS_LIST_TX_TYPE, DYNAMIC_FEE_TX_TYPE):
        return int(y_parity)
    raise SpanBatchDeriveError(f"invalid span batch transaction type {tx_type}")


@dataclass(frozen=True)
class CompactTx:
    """One transaction in the span batch's column layout, before it is spread over the columns."""

    contract_creation: bool
    y_parity: bool
    r: int
    s: int
    to: Address | None
    tx_data: bytes
    nonce: int
    gas: int
    protected: bool | None
    """EIP-155 protection of a legacy transaction; ``None`` for typed ones (no protected bit)."""


def compact_tx(encoded: bytes, chain_id: int) -> CompactTx:
    """Split a signed L2 transaction into the span batch columns (``spanBatchTxs.AddTxs``).

    Raises :class:`EncodingError` for a transaction a span batch cannot carry: another type, a
    chain id other than ``chain_id`` (EIP-155 legacy and typed transactions), a legacy ``v`` that
    is neither ``27``/``28`` nor EIP-155, a typed y parity other than 0/1, or ``r``/``s`` above 256
    bits.
    """
    try:
        tx = decode_signed_tx(encoded)
    except DecodingError as exc:
        raise EncodingError(f"not a transaction a span batch can carry: {exc}") from exc
    protected: bool | None = None
    if tx.tx_type == LEGACY_TX_TYPE:
        if tx.v in (27, 28):
            protected, y_parity = False, tx.v - 27
        elif tx.v >= 35:
            protected, y_parity = True, (tx.v - 35) & 1
            if (tx.v - 35) // 2 != chain_id:
                raise EncodingError(f"protected tx has chain id {(tx.v - 35) // 2}, not {chain_id}")
        else:
            raise EncodingError(f"legacy transaction with v = {tx.v}")
    else:
        if tx.chain_id != chain_id:
            raise EncodingError(f"tx has chain id {tx.chain_id}, not {chain_id}")
        if tx.v not in (0, 1):
            raise EncodingError(f"typed transaction with y parity {tx.v}")
        y_parity = tx.v
    if tx.r >= U256_LIMIT or tx.s >= U256_LIMIT:
        raise EncodingError("signature values r and s are at most 256 bits")
    return CompactTx(
        contract_creation=tx.to is None,
        y_parity=y_parity == 1,
        r=tx.r,
        s=tx.s,
        to=tx.to,
        tx_data=encode_span_tx_data(tx),
        nonce=tx.nonce,
        gas=tx.gas,
        protected=protected,
    )


def full_tx(
    tx_data: bytes,
    nonce: int,
    gas: int,
    to: Address | None,
    v: int,
    r: int,
    s: int,
    chain_id: int,
) -> bytes:
    """Rebuild the EIP-2718 signed transaction from its span batch columns
    (``spanBatchTx.convertToFullTx`` then ``MarshalBinary``). A malformed ``tx_data`` raises
    :class:`SpanBatchDeriveError`."""
    try:
        fields = decode_span_tx_data(tx_data)
    except DecodingError as exc:
        raise SpanBatchDeriveError(f"malformed span batch tx data: {exc}") from exc
    tx = SignedTransaction(
        tx_type=fields.tx_type,
        chain_id=None if fields.tx_type == LEGACY_TX_TYPE else chain_id,
        nonce=nonce,
        gas_price=fields.gas_price,
        max_priority_fee_per_gas=fields.max_priority_fee_per_gas,
        max_fee_per_gas=fields.max_fee_per_gas,
        gas=gas,
        to=to,
        value=fields.value,
        data=fields.data,
        access_list=fields.access_list,
        v=v,
        r=r,
        s=s,
    )
    return encode_signed_tx(tx)


# ---------------------------------------------------------------------------------------------
# Span batches (version 1): wire layout
# ---------------------------------------------------------------------------------------------


def _check_element_count(count: int, what: str) -> None:
    """``MAX_SPAN_BATCH_ELEMENT_COUNT`` bounds the block count, each block's transaction count and
    the total transaction count (``span-batches.md`` §Span Batch Size Limits)."""
    if count > MAX_SPAN_BATCH_ELEMENT_COUNT:
        raise DecodingError(f"{what} {count} exceeds MAX_SPAN_BATCH_ELEMENT_COUNT")


def _read_tx_data(data: bytes, pos: int) -> tuple[bytes, int]:
    """Read one ``tx_datas`` entry (``ReadTxData``): an optional type byte (at most ``0x7f``) and
    one RLP *list*. Only the list's prefix is checked here (canonical, within the input, payload
    at most ``MAX_SPAN_BATCH_ELEMENT_COUNT`` bytes); its content is checked when the batch is
    derived, as op-node does."""
    start = pos
    if pos >= len(data):
        raise DecodingError("tx data is truncated")
    if data[pos] <= 0x7F:
        pos += 1
        if pos >= len(data):
            raise DecodingError("tx data is truncated after its type byte")
    prefix = data[pos]
    if prefix < 0xC0:
        raise DecodingError("tx data must be an RLP list")
    if prefix <= 0xF7:
        header, length = 1, prefix - 0xC0
    else:
        size = prefix - 0xF7
        if pos + 1 + size > len(data):
            raise DecodingError("tx data list length is truncated")
        raw_length = data[pos + 1 : pos + 1 + size]
        if raw_length[0] == 0:
            raise DecodingError("tx data list length has a leading zero byte")
        header, length = 1 + size, int.from_bytes(raw_length, "big")
        if length < 56:
            raise DecodingError("tx data list uses the long form for a short list")
    if length > MAX_SPAN_BATCH_ELEMENT_COUNT - header:
        raise DecodingError("tx data is larger than MAX_SPAN_BATCH_ELEMENT_COUNT bytes")
    end = pos + header + length
    if end > len(data):
        raise DecodingError("tx data runs past the end of the span batch")
    return bytes(data[start:end]), end


def decode_raw_span_batch(content: bytes) -> RawSpanBatch:
    """Read a span batch's content (after the version byte) into its fields, in wire order
    (``RawSpanBatch.decode``). Bytes after ``protected_bits`` are ignored."""
    rel_timestamp, pos = read_uvarint(content, 0)
    l1_origin_num, pos = read_uvarint(content, pos)
    parent_check, pos = _read_fixed(content, pos, CHECK_LENGTH, "parent_check")
    l1_origin_check, pos = _read_fixed(content, pos, CHECK_LENGTH, "l1_origin_check")

    block_count, pos = read_uvarint(content, pos)
    _check_element_count(block_count, "block count")
    if block_count == 0:
        raise DecodingError("span batch must not be empty")
    origin_bits, pos = read_bitlist(content, pos, block_count)
    block_tx_counts = []
    for _ in range(block_count):
        count, pos = read_uvarint(content, pos)
        _check_element_count(count, "block tx count")
        block_tx_counts.append(count)
    total = sum(block_tx_counts)
    _check_element_count(total, "total tx count")

    contract_creation_bits, pos = read_bitlist(content, pos, total)
    y_parity_bits, pos = read_bitlist(content, pos, total)
    tx_sigs = []
    for _ in range(total):
        r, pos = _read_fixed(content, pos, 32, "tx sig r")
        s, pos = _read_fixed(content, pos, 32, "tx sig s")
        tx_sigs.append((int.from_bytes(r, "big"), int.from_bytes(s, "big")))
    tx_tos = []
    for _ in range(total - sum(contract_creation_bits)):
        to, pos = _read_fixed(content, pos, 20, "tx to")
        tx_tos.append(Address(to))
    tx_datas = []
    for _ in range(total):
        tx_data, pos = _read_tx_data(content, pos)
        tx_datas.append(tx_data)
    tx_nonces = []
    for _ in range(total):
        nonce, pos = read_uvarint(content, pos)
        tx_nonces.append(nonce)
    tx_gases = []
    for _ in range(total):
        gas, pos = read_uvarint(content, pos)
        tx_gases.append(gas)
    legacy_count = sum(1 for d in tx_datas if span_tx_type(d) == LEGACY_TX_TYPE)
    protected_bits, pos = read_bitlist(content, pos, legacy_count)
    return RawSpanBatch(
        rel_timestamp=rel_timestamp,
        l1_origin_num=l1_origin_num,
        parent_check=parent_check,
        l1_origin_check=l1_origin_check,
        origin_bits=origin_bits,
        block_tx_counts=tuple(block_tx_counts),
        contract_creation_bits=contract_creation_bits,
        y_parity_bits=y_parity_bits,
        tx_sigs=tuple(tx_sigs),
        tx_tos=tuple(tx_tos),
        tx_datas=tuple(tx_datas),
        tx_nonces=tuple(tx_nonces),
        tx_gases=tuple(tx_gases),
        protected_bits=protected_bits,
    )


def encode_raw_span_batch(raw: RawSpanBatch) -> bytes:
    """The span batch content (after the version byte) of a raw span batch (``RawSpanBatch.encode``)."""
    if len(raw.parent_check) != CHECK_LENGTH or len(raw.l1_origin_check) != CHECK_LENGTH:
        raise EncodingError("parent_check and l1_origin_check are 20 bytes")
    total = sum(raw.block_tx_counts)
    columns = (raw.contract_creation_bits, raw.y_parity_bits, raw.tx_sigs, raw.tx_datas)
    if len(raw.block_tx_counts) != raw.block_count or any(len(c) != total for c in columns):
        raise EncodingError("span batch columns disagree with the block transaction counts")
    if len(raw.tx_nonces) != total or len(raw.tx_gases) != total:
        raise EncodingError("span batch columns disagree with the block transaction counts")
    out = bytearray()
    out += encode_uvarint(raw.rel_timestamp)
    out += encode_uvarint(raw.l1_origin_num)
    out += raw.parent_check
    out += raw.l1_origin_check
    out += encode_uvarint(raw.block_count)
    out += encode_bitlist(raw.origin_bits)
    for count in raw.block_tx_counts:
        out += encode_uvarint(count)
    out += encode_bitlist(raw.contract_creation_bits)
    out += encode_bitlist(raw.y_parity_bits)
    for r, s in raw.tx_sigs:
        out += r.to_bytes(32, "big") + s.to_bytes(32, "big")
    for to in raw.tx_tos:
        out += to
    for tx_data in raw.tx_datas:
        out += tx_data
    for nonce in raw.tx_nonces:
        out += encode_uvarint(nonce)
    for gas in raw.tx_gases:
        out += encode_uvarint(gas)
    out += encode_bitlist(raw.protected_bits)
    return bytes(out)


# ---------------------------------------------------------------------------------------------
# Span batches: raw <-> derived
# ---------------------------------------------------------------------------------------------


def derive_span_batch(raw: RawSpanBatch, config: RollupConfig) -> SpanBatch:
    """Turn a raw span batch into its L2 blocks (``RawSpanBatch.derive``).

    - Block ``i``'s timestamp is ``genesis.l2_time + rel_timestamp + block_time * i``.
    - Epoch numbers run backwards from ``l1_origin_num`` (the last block's): walking from the last
      block to the second, each set origin bit means the previous block is one epoch earlier.
    - Each transaction's ``v`` is recovered from its y parity and protected bit, and the signed
      EIP-2718 transaction is rebuilt with the chain's ``l2_chain_id``.

    Raises :class:`SpanBatchDeriveError` for an unknown transaction type or a malformed ``tx_data``.
    """
    if raw.block_count == 0:
        raise SpanBatchDeriveError("span batch must not be empty")
    epochs = [0] * raw.block_count
    epoch = raw.l1_origin_num
    for i in reversed(range(raw.block_count)):
        epochs[i] = epoch
        if raw.origin_bits[i] and i > 0:
            epoch = (
                epoch - 1
            ) % U64_LIMIT  # uint64 arithmetic, as op-node; the batch queue judges it

    chain_id = config.l2_chain_id
    vs = []
    protected_index = 0
    for i, tx_data in enumerate(raw.tx_datas):
        tx_type = span_tx_type(tx_data)
        protected = False
        if tx_type == LEGACY_TX_TYPE:
            protected = raw.protected_bits[protected_index]
            protected_index += 1
        vs.append(recover_v(tx_type, raw.y_parity_bits[i], protected, chain_id))

    txs = []
    to_index = 0
    for i, tx_data in enumerate(raw.tx_datas):
        to: Address | None = None
        if not raw.contract_creation_bits[i]:
            to = raw.tx_tos[to_index]
            to_index += 1
        r, s = raw.tx_sigs[i]
        txs.append(full_tx(tx_data, raw.tx_nonces[i], raw.tx_gases[i], to, vs[i], r, s, chain_id))

    blocks = []
    tx_index = 0
    for i, count in enumerate(raw.block_tx_counts):
        timestamp = (config.genesis.l2_time + raw.rel_timestamp + config.block_time * i) % U64_LIMIT
        blocks.append(
            SpanBatchElement(epochs[i], timestamp, tuple(txs[tx_index : tx_index + count]))
        )
        tx_index += count
    return SpanBatch(
        parent_check=raw.parent_check,
        l1_origin_check=raw.l1_origin_check,
        blocks=tuple(blocks),
        origin_changed_at_start=raw.origin_bits[0],
    )


def to_raw_span_batch(span: SpanBatch, config: RollupConfig) -> RawSpanBatch:
    """The wire fields of a span batch (``SpanBatch.ToRawSpanBatch`` with the columns that
    ``AppendSingularBatch`` builds).

    The blocks must be consecutive (timestamps ``block_time`` apart, from the L2 genesis time on)
    and each epoch equal to or one more than the previous, since the format can express nothing
    else; every transaction must be one a span batch carries (see :func:`compact_tx`). Anything
    else raises :class:`EncodingError`.
    """
    if not span.blocks:
        raise EncodingError("a span batch holds at least one block")
    first = span.blocks[0]
    rel_timestamp = first.timestamp - config.genesis.l2_time
    if rel_timestamp < 0:
        raise EncodingError("span batch starts before the L2 genesis")
    origin_bits = [span.origin_changed_at_start]
    for i in range(1, len(span.blocks)):
        previous, block = span.blocks[i - 1], span.blocks[i]
        if block.timestamp != first.timestamp + config.block_time * i:
            raise EncodingError("span batch blocks are not block_time apart")
        if block.epoch_num - previous.epoch_num not in (0, 1):
            raise EncodingError("span batch epochs must stay or advance by one per block")
        origin_bits.append(block.epoch_num == previous.epoch_num + 1)

    compacts = [compact_tx(tx, config.l2_chain_id) for b in span.blocks for tx in b.transactions]
    return RawSpanBatch(
        rel_timestamp=rel_timestamp,
        l1_origin_num=span.blocks[-1].epoch_num,
        parent_check=bytes(span.parent_check),
        l1_origin_check=bytes(span.l1_origin_check),
        origin_bits=tuple(origin_bits),
        block_tx_counts=tuple(len(b.transactions) for b in span.blocks),
        contract_creation_bits=tuple(c.contract_creation for c in compacts),
        y_parity_bits=tuple(c.y_parity for c in compacts),
        tx_sigs=tuple((c.r, c.s) for c in compacts),
        tx_tos=tuple(c.to for c in compacts if c.to is not None),
        tx_datas=tuple(c.tx_data for c in compacts),
        tx_nonces=tuple(c.nonce for c in compacts),
        tx_gases=tuple(c.gas for c in compacts),
        protected_bits=tuple(c.protected for c in compacts if c.protected is not None),
    )


# ---------------------------------------------------------------------------------------------
# Typed batches: batch_version ‖ content
# ---------------------------------------------------------------------------------------------


def decode_typed_batch(data: bytes) -> SingularBatch | RawSpanBatch:
    """Read ``batch_version ‖ content`` (``BatchData.decodeTyped``): a singular batch, or a span
    batch in its raw form. An empty input, an unknown version or malformed content raises
    :class:`DecodingError`."""
    if len(data) == 0:
        raise DecodingError("batch is empty")
    if data[0] == SINGULAR_BATCH_TYPE:
        return decode_singular_batch(data[1:])
    if data[0] == SPAN_BATCH_TYPE:
        return decode_raw_span_batch(data[1:])
    raise DecodingError(f"unrecognized batch type {data[0]}")


def decode_batch(data: bytes, config: RollupConfig) -> Batch:
    """Decode ``batch_version ‖ content`` into a :class:`SingularBatch` or a derived
    :class:`SpanBatch` (:class:`DecodingError`, or its subclass :class:`SpanBatchDeriveError`
    when only the span batch's transactions fail to rebuild)."""
    typed = decode_typed_batch(data)
    if isinstance(typed, RawSpanBatch):
        return derive_span_batch(typed, config)
    return typed


def encode_batch(batch: Batch, config: RollupConfig) -> bytes:
    """``batch_version ‖ content`` of a batch (``BatchData.MarshalBinary``)."""
    if isinstance(batch, SingularBatch):
        return bytes([SINGULAR_BATCH_TYPE]) + encode_singular_batch(batch)
    return bytes([SPAN_BATCH_TYPE]) + encode_raw_span_batch(to_raw_span_batch(batch, config))


# ---------------------------------------------------------------------------------------------
# Conversions between runs of singular batches and span batches
# ---------------------------------------------------------------------------------------------


def singular_batch_to_element(batch: SingularBatch) -> SpanBatchElement:
    """The span element of a singular batch: its epoch number, timestamp and transactions
    (``singularBatchToElement``)."""
    return SpanBatchElement(batch.epoch_num, batch.timestamp, batch.transactions)


def singular_batches_to_span(
    batches: Sequence[SingularBatch], config: RollupConfig, first_sequence_number: int = 0
) -> SpanBatch:
    """Gather a run of consecutive singular batches into one span batch, as op-batcher does
    (``SpanBatch.AppendSingularBatch``): ``parent_check`` from the first batch's parent hash,
    ``l1_origin_check`` from the last batch's epoch hash, and the first origin bit set when the
    first block is the first of its epoch (``first_sequence_number == 0``).

    The run must be expressible as a span batch (see :func:`to_raw_span_batch`), which is checked
    here so that a bad run fails early with :class:`EncodingError`.
    """
    if not batches:
        raise EncodingError("cannot make a span batch of no blocks")
    span = SpanBatch(
        parent_check=bytes(batches[0].parent_hash[:CHECK_LENGTH]),
        l1_origin_check=bytes(batches[-1].epoch_hash[:CHECK_LENGTH]),
        blocks=tuple(singular_batch_to_element(b) for b in batches),
        origin_changed_at_start=first_sequence_number == 0,
    )
    to_raw_span_batch(span, config)
    return span


class SpanBatchOriginError(L2SpecError):
    """A span batch element whose L1 origin is missing from the blocks the caller supplied."""


def span_to_singular_batches(
    span: SpanBatch, l1_origins: Sequence[L1BlockRef], l2_safe_head: L2BlockRef
) -> tuple[SingularBatch, ...]:
    """The singular batches of a span's blocks after the safe head (``SpanBatch.GetSingularBatches``).

    Elements at or before ``l2_safe_head.timestamp`` are skipped (they were already derived); each
    remaining element takes its epoch hash from ``l1_origins`` (searched forwards, in order). As in
    op-node, ``parent_hash`` is left zero: the span batch's checks replace the per-block ones.
    A missing origin raises :class:`SpanBatchOriginError`: the batch queue checks origins first,
    so this is a caller's mistake, not a protocol outcome.
    """
    out = []
    origin_index = 0
    for element in span.blocks:
        if element.timestamp <= l2_safe_head.timestamp:
            continue
        for i in range(origin_index, len(l1_origins)):
            if l1_origins[i].number == element.epoch_num:
                origin_index = i
                break
        else:
            raise SpanBatchOriginError(f"no L1 origin for epoch {element.epoch_num}")
        out.append(
            SingularBatch(
                parent_hash=ZERO_HASH,
                epoch_num=element.epoch_num,
                epoch_hash=l1_origins[origin_index].hash,
                timestamp=element.timestamp,
                transactions=element.transactions,
            )
        )
    return tuple(out)
