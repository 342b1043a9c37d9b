"""Transactions inside a Polygon zkEVM batch: the custom raw-tx encoding of ``batchL2Data``.

``batchL2Data`` is the concatenation of *custom raw transactions*, with no outer list and no
separator. From Etrog (fork 7) a batch holds two kinds of item:

- an **L2 transaction** (a legacy Ethereum transaction re-laid for the prover)::

      EIP-155:     rlp([nonce, gasPrice, gasLimit, to, value, data, chainId, 0x, 0x]) ‖ r ‖ s ‖ v ‖ effPct
      pre-EIP-155: rlp([nonce, gasPrice, gasLimit, to, value, data])                  ‖ r ‖ s ‖ v ‖ effPct

  ``r`` and ``s`` are 32 bytes each, ``v`` is one byte, 27 or 28 even for an EIP-155 transaction
  (``v_eip155 - 2·chainId - 35 + 27``), and ``effPct`` is the one-byte effective-percentage
  (``0xff`` = 100 %, see :mod:`.effective_gas_price`). The RLP part is exactly the payload the
  sender signed, so the signing hash is ``keccak256`` of it (zkevm-commonjs
  ``src/processor-utils.js`` ``rawTxToCustomRawTx`` / ``customRawTxToRawTx``);
- a **changeL2Block** marker that opens a new L2 block: 9 bytes,
  ``0x0b ‖ deltaTimestamp (uint32 BE) ‖ indexL1InfoTree (uint32 BE)`` (``serializeChangeL2Block``,
  ``TX_CHANGE_L2_BLOCK = 11`` in ``src/constants.js``).

Decoding follows the zkEVM ROM, which is what the proof attests (zkevm-rom ``main/main.zkasm``
``txLoopRLP``, ``main/load-tx-rlp.zkasm``, ``main/load-change-l2-block.zkasm``): the ROM parses the
whole of ``batchL2Data`` before executing anything, and **any** parse error discards the entire
batch (no transaction is processed and the state root is unchanged). That outcome is a value here: a
:class:`DecodedBatch` whose ``invalid_reason`` names the ROM's error event. The ROM's parser is
stricter than a generic RLP decoder and than commonjs' ``decodeCustomRawTxProverMethod``:

- the transaction must start with a list prefix ``0xc1..0xfa`` (``0xc0`` and lists with a length of
  more than three bytes are refused); a long list must be at least 56 bytes long;
- ``nonce``, ``gasLimit`` and ``chainId`` are at most 8 bytes, ``gasPrice`` and ``value`` at most 32;
  every integer must be canonical (a single byte below ``0x80`` is not prefixed, no leading zeros);
- ``to`` is ``0x80`` (contract creation) or ``0x94`` followed by 20 bytes, nothing else;
- ``data`` is a byte string (not a list) whose length has at most three bytes, in canonical form;
- if the list ends right after ``data`` the transaction is pre-EIP-155; otherwise ``chainId`` and then
  exactly ``0x80 0x80`` follow; no field may run past the list's declared length and the list must
  end exactly where its header said;
- ``r ‖ s ‖ v ‖ effPct`` must all be present inside ``batchL2Data``;
- a non-forced batch must start with a changeL2Block (``invalidNotFirstTxChangeL2Block``) and a
  forced batch must contain none (``invalidDecodeChangeL2Block``).

A well-formed transaction whose signature does not recover (``ecrecover_tx``: ``r`` in ``[1, n-1]``,
``s`` in ``[1, n/2]``, ``v`` in ``{27, 28}``, ``r`` the x-coordinate of a curve point) does *not*
invalidate the batch: that one transaction is skipped when processed
(``main/process-tx.zkasm`` ``invalidIntrinsicTxSignature``). Its :attr:`L2Tx.sender` is ``None``.

Before Etrog the byte ``0x0b`` had no meaning (it is not a list prefix, so it is an RLP error) and
before fork 5 transactions carried no effective-percentage byte (commonjs v3.0.0-fork.6 has it;
the fork-3 inputs of zkevm-contracts ``test/contracts/real-prover/test-inputs/input.json`` end each
transaction at ``v``). :func:`decode_batch_l2_data` takes ``fork_id`` for those two rules only; the
rest of the parser is the Etrog ROM's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from eth_keys.datatypes import PrivateKey, Signature
from eth_keys.exceptions import BadSignature
from eth_utils.exceptions import ValidationError

from l2spec.errors import DecodingError, L2SpecError
from l2spec.spec.common import rlp
from l2spec.spec.common.keccak import keccak256
from l2spec.spec.common.types import Address, Hash32, address, uint_to_bytes

# ---------------------------------------------------------------------------------------------
# Constants
# ---------------------------------------------------------------------------------------------

TX_CHANGE_L2_BLOCK = 0x0B
"""Type byte of the changeL2Block transaction (commonjs ``Constants.TX_CHANGE_L2_BLOCK``;
zkevm-rom ``%CHANGE_L2_BLOCK_TX_TYPE``)."""

DELTA_TIMESTAMP_BYTES = 4
INDEX_L1_INFO_TREE_BYTES = 4
CHANGE_L2_BLOCK_LENGTH = 1 + DELTA_TIMESTAMP_BYTES + INDEX_L1_INFO_TREE_BYTES
"""A changeL2Block is 9 bytes: type, deltaTimestamp, indexL1InfoTree."""

SIGNATURE_BYTES = 32 + 32 + 1
"""``r ‖ s ‖ v`` after the RLP part (commonjs ``Constants.SIGNATURE_BYTES``)."""

EFFECTIVE_PERCENTAGE_BYTES = 1
DEFAULT_EFFECTIVE_PERCENTAGE = 0xFF
"""``0xff``: the transaction pays its full gas price (commonjs ``rawTxToCustomRawTx`` default)."""

FORK_ID_EFFECTIVE_PERCENTAGE = 5
"""First fork whose transactions carry the effective-percentage byte. Evidence: fork 6 inputs have
it, fork 3 inputs do not (module docstring); that it starts exactly at fork 5, not 4, is the design
notes' reading and is not checked against a fork-4 or fork-5 vector."""

FORK_ID_ETROG = 7
"""First fork with changeL2Block transactions (commonjs v4.0.0-fork.7)."""

SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
"""Order of the secp256k1 group (zkevm-rom ``%FNEC``)."""

SECP256K1_HALF_N = SECP256K1_N // 2
"""Upper bound on ``s`` of a transaction signature (``%FNEC_DIV_TWO``, EIP-2)."""

# Maximum byte length of each integer field (zkevm-rom ``load-tx-rlp.zkasm``: 64-bit nonce, gas
# limit and chain id; 256-bit gas price and value).
NONCE_MAX_BYTES = 8
GAS_PRICE_MAX_BYTES = 32
GAS_LIMIT_MAX_BYTES = 8
VALUE_MAX_BYTES = 32
CHAIN_ID_MAX_BYTES = 8
MAX_LENGTH_OF_LENGTH = 3
"""A long list or long ``data`` may give its length in at most three bytes (the ROM refuses
``0xfb..0xff`` and ``0xbb..0xbf``)."""

# Reasons a whole batch is invalid: the zkevm-rom error events (``eventLog(onError, ...)``).
INVALID_RLP = "invalidRLP"
"""A transaction's bytes break the ROM's RLP rules (``invalidTxRLP``)."""
INVALID_DECODE_CHANGE_L2_BLOCK = "invalidDecodeChangeL2Block"
"""A changeL2Block in a forced batch, or one cut short by the end of ``batchL2Data``."""
INVALID_NOT_FIRST_TX_CHANGE_L2_BLOCK = "invalidNotFirstTxChangeL2Block"
"""A non-forced batch that does not start with a changeL2Block."""

# Reasons one transaction is skipped (zkevm-rom ``main/process-tx.zkasm``).
INVALID_TX_SIGNATURE = "invalidIntrinsicTxSignature"
INVALID_TX_CHAIN_ID = "invalidIntrinsicTxChainId"


class CustomTxError(DecodingError):
    """Bytes that are not one well-formed custom raw transaction (raised only by the strict
    single-transaction APIs; :func:`decode_batch_l2_data` returns the outcome as a value)."""


# ---------------------------------------------------------------------------------------------
# Records
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChangeL2Block:
    """Opens a new L2 block: ``timestamp = previous + delta_timestamp``; ``index_l1_info_tree``
    (0 = none) selects the L1-info leaf whose global exit root the block imports
    (commonjs ``decodeChangeL2BlockTx``; zkevm-rom ``load-change-l2-block.zkasm``)."""

    delta_timestamp: int
    index_l1_info_tree: int


@dataclass(frozen=True)
class L2Tx:
    """One L2 transaction of a batch, as the ROM reads it.

    ``to`` is ``None`` for a contract creation; ``chain_id`` is ``None`` for a pre-EIP-155
    transaction. ``v`` is the custom byte (27/28 when valid, but any byte decodes).
    ``sender`` is the recovered signer, or ``None`` when the signature does not recover; it is
    derived from the other fields and is not part of the encoding or of equality.
    """

    nonce: int
    gas_price: int
    gas_limit: int
    to: Address | None
    value: int
    data: bytes
    chain_id: int | None
    r: int
    s: int
    v: int
    effective_percentage: int = DEFAULT_EFFECTIVE_PERCENTAGE
    sender: Address | None = field(default=None, compare=False)


BatchTx = ChangeL2Block | L2Tx
"""One item of ``batchL2Data``."""


@dataclass(frozen=True)
class DecodedBatch:
    """The outcome of parsing ``batchL2Data``.

    ``invalid_reason`` is ``None`` for a batch that parses; otherwise it is one of
    :data:`INVALID_RLP`, :data:`INVALID_DECODE_CHANGE_L2_BLOCK`,
    :data:`INVALID_NOT_FIRST_TX_CHANGE_L2_BLOCK`, ``txs`` is empty (the ROM processes no
    transaction of an invalid batch), and ``detail`` says where and why.
    """

    txs: tuple[BatchTx, ...]
    invalid_reason: str | None = None
    detail: str = ""

    @property
    def is_valid(self) -> bool:
        return self.invalid_reason is None


# ---------------------------------------------------------------------------------------------
# Encoding
# ---------------------------------------------------------------------------------------------


def encode_change_l2_block(block: ChangeL2Block) -> bytes:
    """``0x0b ‖ uint32 deltaTimestamp ‖ uint32 indexL1InfoTree`` (commonjs ``serializeChangeL2Block``)."""
    return (
        bytes([TX_CHANGE_L2_BLOCK])
        + uint_to_bytes(block.delta_timestamp, DELTA_TIMESTAMP_BYTES)
        + uint_to_bytes(block.index_l1_info_tree, INDEX_L1_INFO_TREE_BYTES)
    )


def signing_payload(tx: L2Tx) -> bytes:
    """The RLP list the sender signed, which is also the first part of the custom encoding:
    ``rlp([nonce, gasPrice, gasLimit, to, value, data, chainId, 0x, 0x])`` (EIP-155) or the
    6-field list (pre-EIP-155)."""
    fields: list[rlp.Encodable] = [
        tx.nonce,
        tx.gas_price,
        tx.gas_limit,
        b"" if tx.to is None else bytes(tx.to),
        tx.value,
        tx.data,
    ]
    if tx.chain_id is not None:
        fields += [tx.chain_id, b"", b""]
    return rlp.encode(fields)


def signing_hash(tx: L2Tx) -> Hash32:
    """``keccak256(signing_payload)``: the digest the ROM passes to ``ecrecover_tx``."""
    return keccak256(signing_payload(tx))


def encode_l2_tx(tx: L2Tx, *, fork_id: int = FORK_ID_ETROG) -> bytes:
    """The custom raw transaction: ``signing_payload ‖ r ‖ s ‖ v ‖ effPct`` (no ``effPct`` before
    fork 5). Raises :class:`~l2spec.errors.DecodingError` if a field is out of its range."""
    out = signing_payload(tx) + uint_to_bytes(tx.r, 32) + uint_to_bytes(tx.s, 32)
    out += uint_to_bytes(tx.v, 1)
    if fork_id >= FORK_ID_EFFECTIVE_PERCENTAGE:
        out += uint_to_bytes(tx.effective_percentage, EFFECTIVE_PERCENTAGE_BYTES)
    return out


def encode_batch_tx(item: BatchTx, *, fork_id: int = FORK_ID_ETROG) -> bytes:
    """The bytes of one item of ``batchL2Data``."""
    if isinstance(item, ChangeL2Block):
        return encode_change_l2_block(item)
    return encode_l2_tx(item, fork_id=fork_id)


def encode_batch_l2_data(items: Sequence[BatchTx], *, fork_id: int = FORK_ID_ETROG) -> bytes:
    """``batchL2Data``: the plain concatenation of the items (commonjs ``arrayToEncodedString``)."""
    return b"".join(encode_batch_tx(item, fork_id=fork_id) for item in items)


# ---------------------------------------------------------------------------------------------
# Signatures
# ---------------------------------------------------------------------------------------------


def recover_sender(tx: L2Tx) -> Address | None:
    """The signer of ``tx``, or ``None`` where the ROM's ``ecrecover_tx`` reports an error.

    zkevm-rom ``main/ecrecover/ecrecover.zkasm`` (entry ``ecrecover_tx``): error if ``r`` is 0 or
    above ``n-1``, ``s`` is 0 or above ``n/2`` (EIP-2 low-s rule for transactions), ``v`` is neither
    ``0x1b`` nor ``0x1c``, or no curve point has x-coordinate ``r``. The recovered address is the last
    20 bytes of ``keccak256`` of the public key.
    """
    if not 1 <= tx.r <= SECP256K1_N - 1:
        return None
    if not 1 <= tx.s <= SECP256K1_HALF_N:
        return None
    if tx.v not in (27, 28):
        return None
    try:
        signature = Signature(vrs=(tx.v - 27, tx.r, tx.s))
        public_key = signature.recover_public_key_from_msg_hash(signing_hash(tx))
    except (BadSignature, ValidationError):
        return None
    return address(public_key.to_canonical_address())


def with_sender(tx: L2Tx) -> L2Tx:
    """``tx`` with :attr:`L2Tx.sender` filled in by :func:`recover_sender`."""
    return L2Tx(
        tx.nonce,
        tx.gas_price,
        tx.gas_limit,
        tx.to,
        tx.value,
        tx.data,
        tx.chain_id,
        tx.r,
        tx.s,
        tx.v,
        tx.effective_percentage,
        recover_sender(tx),
    )


def sign_l2_tx(
    private_key: bytes,
    *,
    nonce: int,
    gas_price: int,
    gas_limit: int,
    to: Address | None,
    value: int,
    data: bytes = b"",
    chain_id: int | None,
    effective_percentage: int = DEFAULT_EFFECTIVE_PERCENTAGE,
) -> L2Tx:
    """Sign a transaction with a 32-byte secp256k1 key (eth-keys; the signature has low ``s``).

    ``chain_id=None`` signs the pre-EIP-155 payload. The result has ``v`` = 27/28 and its sender set.
    """
    unsigned = L2Tx(nonce, gas_price, gas_limit, to, value, data, chain_id, 0, 0, 27, 0)
    key = PrivateKey(private_key)
    sig = key.sign_msg_hash(signing_hash(unsigned))
    return L2Tx(
        nonce,
        gas_price,
        gas_limit,
        to,
        value,
        data,
        chain_id,
        sig.r,
        sig.s,
        27 + sig.v,
        effective_percentage,
        address(key.public_key.to_canonical_address()),
    )


def check_chain_id(tx: L2Tx, chain_id: int) -> bool:
    """An EIP-155 transaction must name the rollup's chain id; a pre-EIP-155 one is not checked
    (zkevm-rom ``process-tx.zkasm`` §Verify chainID)."""
    return tx.chain_id is None or tx.chain_id == chain_id


def intrinsic_decode_reason(tx: L2Tx, chain_id: int) -> str | None:
    """The reason the processor skips ``tx`` before touching the state, or ``None``.

    The ROM checks the signature first, then EIP-3607 (the sender has no code: a state check left
    to the executor), then the chain id (``process-tx.zkasm`` steps A, B, C).
    """
    if tx.sender is None and recover_sender(tx) is None:
        return INVALID_TX_SIGNATURE
    if not check_chain_id(tx, chain_id):
        return INVALID_TX_CHAIN_ID
    return None


# ---------------------------------------------------------------------------------------------
# Decoding: the ROM's parser
# ---------------------------------------------------------------------------------------------


class _Invalid(Exception):
    """Internal: a parse error carrying the ROM's error event; never escapes this module."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def _byte_len(value: int) -> int:
    return (value.bit_length() + 7) // 8


class _TxReader:
    """Reads one transaction from ``data`` starting at ``start``, with the ROM's two bounds:
    nothing past the end of ``batchL2Data`` (``getTxBytes``/``addHashTxBegin``) and, inside the RLP
    list, nothing past the list's declared end (``addHashTx``)."""

    def __init__(self, data: bytes, start: int) -> None:
        self.data = data
        self.start = start
        self.pos = start
        self.list_end = len(data)

    def take(self, n: int, *, in_list: bool = True) -> bytes:
        limit = self.list_end if in_list else len(self.data)
        if self.pos + n > limit or self.pos + n > len(self.data):
            where = "the transaction's RLP list" if in_list else "batchL2Data"
            raise _Invalid(INVALID_RLP, f"offset {self.pos}: {n} bytes run past the end of {where}")
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out

    def byte(self) -> int:
        return self.take(1)[0]

    def fail(self, what: str) -> _Invalid:
        return _Invalid(INVALID_RLP, f"transaction at offset {self.start}: {what}")

    def long_length(self, size: int, what: str) -> int:
        """A long-form length: canonical (no leading zero) and at least 56 (``checkLongRLP``,
        ``checkNonLeadingZeros``)."""
        length = int.from_bytes(self.take(size), "big")
        if length < 56:
            raise self.fail(f"{what} uses the long form for fewer than 56 bytes")
        if _byte_len(length) != size:
            raise self.fail(f"{what} length has a leading zero byte")
        return length

    def integer(self, max_bytes: int, what: str) -> int:
        """An RLP integer of at most ``max_bytes`` bytes in canonical form."""
        prefix = self.byte()
        if prefix < 0x80:
            return prefix
        if prefix == 0x80:
            return 0
        size = prefix - 0x80
        if size > max_bytes:
            raise self.fail(f"{what} longer than {max_bytes} bytes (prefix {prefix:#04x})")
        value = int.from_bytes(self.take(size), "big")
        if size == 1 and value < 0x80:
            raise self.fail(f"{what}: a single byte below 0x80 must not be prefixed")
        if _byte_len(value) != size:
            raise self.fail(f"{what} has a leading zero byte")
        return value

    def to_field(self) -> Address | None:
        prefix = self.byte()
        if prefix == 0x80:
            return None
        if prefix == 0x94:
            return Address(self.take(20))
        raise self.fail(f"'to' must be empty or 20 bytes (prefix {prefix:#04x})")

    def data_field(self) -> bytes:
        prefix = self.byte()
        if prefix < 0x80:
            return bytes([prefix])
        if prefix <= 0xB7:
            content = self.take(prefix - 0x80)
            if len(content) == 1 and content[0] < 0x80:
                raise self.fail("data: a single byte below 0x80 must not be prefixed")
            return content
        if prefix <= 0xB7 + MAX_LENGTH_OF_LENGTH:
            return self.take(self.long_length(prefix - 0xB7, "data"))
        raise self.fail(f"data must be a byte string under 2**24 bytes (prefix {prefix:#04x})")

    def read_tx(self, *, with_effective_percentage: bool) -> L2Tx:
        """zkevm-rom ``load-tx-rlp.zkasm`` parts B and C."""
        first = self.byte()
        if first < 0xC1 or first > 0xF7 + MAX_LENGTH_OF_LENGTH:
            raise self.fail(f"not a list prefix the ROM accepts ({first:#04x})")
        short = first < 0xF8
        payload = first - 0xC0 if short else self.long_length(first - 0xF7, "list")
        self.list_end = self.pos + payload
        nonce = self.integer(NONCE_MAX_BYTES, "nonce")
        gas_price = self.integer(GAS_PRICE_MAX_BYTES, "gasPrice")
        gas_limit = self.integer(GAS_LIMIT_MAX_BYTES, "gasLimit")
        to = self.to_field()
        value = self.integer(VALUE_MAX_BYTES, "value")
        data = self.data_field()
        chain_id: int | None = None
        if self.pos != self.list_end:
            chain_id = self.integer(CHAIN_ID_MAX_BYTES, "chainId")
            if self.take(2) != b"\x80\x80":
                raise self.fail("the two fields after chainId must be 0x80 0x80")
        if self.pos != self.list_end:
            raise self.fail("the RLP list is longer than its fields")
        r = int.from_bytes(self.take(32, in_list=False), "big")
        s = int.from_bytes(self.take(32, in_list=False), "big")
        v = self.take(1, in_list=False)[0]
        pct = DEFAULT_EFFECTIVE_PERCENTAGE
        if with_effective_percentage:
            pct = self.take(1, in_list=False)[0]
        tx = L2Tx(nonce, gas_price, gas_limit, to, value, data, chain_id, r, s, v, pct)
        return with_sender(tx)


def _as_bytes(data: bytes) -> bytes:
    """The input as ``bytes``; anything that is not bytes-like is a :class:`CustomTxError`."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise CustomTxError(f"batch data must be bytes, not {type(data).__name__}")
    return bytes(data)


def _read_change_l2_block(data: bytes, pos: int) -> ChangeL2Block:
    """``load-change-l2-block.zkasm`` ``decodeChangeL2BlockTx``: 4 + 4 bytes after the type."""
    end = pos + CHANGE_L2_BLOCK_LENGTH
    if end > len(data):
        raise _Invalid(
            INVALID_DECODE_CHANGE_L2_BLOCK,
            f"changeL2Block at offset {pos} is cut short by the end of batchL2Data",
        )
    delta = int.from_bytes(data[pos + 1 : pos + 1 + DELTA_TIMESTAMP_BYTES], "big")
    index = int.from_bytes(data[pos + 1 + DELTA_TIMESTAMP_BYTES : end], "big")
    return ChangeL2Block(delta, index)


def decode_batch_l2_data(
    data: bytes, *, is_forced: bool = False, fork_id: int = FORK_ID_ETROG
) -> DecodedBatch:
    """Parse ``batchL2Data`` as the ROM does (``main.zkasm`` ``txLoopRLP`` → ``loadTx_rlp``).

    Never raises for any ``bytes`` input (a non-bytes argument is :class:`CustomTxError`): a parse
    error is returned as an invalid :class:`DecodedBatch`. ``is_forced`` is the ROM's ``isForced`` flag (``forcedBlockHashL1 != 0``).
    Signature failures do not invalidate the batch; they leave :attr:`L2Tx.sender` as ``None``.
    """
    raw = _as_bytes(data)
    etrog = fork_id >= FORK_ID_ETROG
    with_pct = fork_id >= FORK_ID_EFFECTIVE_PERCENTAGE
    items: list[BatchTx] = []
    pos = 0
    try:
        while pos < len(raw):
            if etrog and raw[pos] == TX_CHANGE_L2_BLOCK:
                if is_forced:
                    raise _Invalid(
                        INVALID_DECODE_CHANGE_L2_BLOCK,
                        f"changeL2Block at offset {pos} in a forced batch",
                    )
                items.append(_read_change_l2_block(raw, pos))
                pos += CHANGE_L2_BLOCK_LENGTH
                continue
            if etrog and not items and not is_forced:
                raise _Invalid(
                    INVALID_NOT_FIRST_TX_CHANGE_L2_BLOCK,
                    f"first item starts with {raw[pos]:#04x}, not a changeL2Block",
                )
            reader = _TxReader(raw, pos)
            items.append(reader.read_tx(with_effective_percentage=with_pct))
            pos = reader.pos
    except _Invalid as err:
        return DecodedBatch((), err.reason, err.detail)
    return DecodedBatch(tuple(items))


def decode_l2_tx(data: bytes, *, fork_id: int = FORK_ID_ETROG) -> L2Tx:
    """Strict API: ``data`` must be exactly one custom raw transaction; raises
    :class:`CustomTxError` otherwise. The sender is recovered (``None`` if it cannot be)."""
    raw = _as_bytes(data)
    reader = _TxReader(raw, 0)
    try:
        tx = reader.read_tx(with_effective_percentage=fork_id >= FORK_ID_EFFECTIVE_PERCENTAGE)
    except _Invalid as err:
        raise CustomTxError(err.detail) from None
    if reader.pos != len(raw):
        raise CustomTxError(f"{len(raw) - reader.pos} bytes after the transaction")
    return tx


def decode_change_l2_block(data: bytes) -> ChangeL2Block:
    """Strict API: exactly the 9 bytes of one changeL2Block; raises :class:`CustomTxError`."""
    raw = _as_bytes(data)
    if len(raw) != CHANGE_L2_BLOCK_LENGTH or raw[0] != TX_CHANGE_L2_BLOCK:
        raise CustomTxError("a changeL2Block is 9 bytes starting with 0x0b")
    return _read_change_l2_block(raw, 0)


# ---------------------------------------------------------------------------------------------
# Conversion to and from standard Ethereum legacy transactions
# ---------------------------------------------------------------------------------------------


def raw_tx_to_custom_raw_tx(
    raw_tx: bytes, effective_percentage: int = DEFAULT_EFFECTIVE_PERCENTAGE
) -> bytes:
    """Re-lay a signed legacy Ethereum transaction ``rlp([nonce, gasPrice, gasLimit, to, value,
    data, v, r, s])`` as a custom raw transaction (commonjs ``rawTxToCustomRawTx``).

    ``v`` of 27/28 means pre-EIP-155; otherwise ``chainId = (v - 35) // 2`` and the custom ``v`` is
    ``v - 2·chainId - 35 + 27``. Raises :class:`CustomTxError` on malformed input.
    """
    tx = _parse_legacy(raw_tx)
    return encode_l2_tx(
        L2Tx(
            tx.nonce,
            tx.gas_price,
            tx.gas_limit,
            tx.to,
            tx.value,
            tx.data,
            tx.chain_id,
            tx.r,
            tx.s,
            tx.v,
            effective_percentage,
        )
    )


def custom_raw_tx_to_raw_tx(custom_raw_tx: bytes, *, fork_id: int = FORK_ID_ETROG) -> bytes:
    """The standard legacy Ethereum encoding of one custom raw transaction (commonjs
    ``customRawTxToRawTx``): ``v = v_custom - 27 + 2·chainId + 35`` for EIP-155, unchanged for
    pre-EIP-155; ``r`` and ``s`` as minimal integers. The effective percentage is dropped."""
    tx = decode_l2_tx(custom_raw_tx, fork_id=fork_id)
    v = tx.v if tx.chain_id is None else tx.v - 27 + 2 * tx.chain_id + 35
    to = b"" if tx.to is None else bytes(tx.to)
    return rlp.encode([tx.nonce, tx.gas_price, tx.gas_limit, to, tx.value, tx.data, v, tx.r, tx.s])


def _parse_legacy(raw_tx: bytes) -> L2Tx:
    try:
        fields = rlp.decode(bytes(raw_tx))
        if not isinstance(fields, list) or len(fields) != 9:
            raise CustomTxError("a legacy transaction is an RLP list of 9 fields")
        nonce, gas_price, gas_limit, v, r, s = (
            rlp.decode_uint_max(fields[i], 256) for i in (0, 1, 2, 6, 7, 8)
        )
        value = rlp.decode_uint_max(fields[4], 256)
        to_raw = rlp.decode_bytes(fields[3])
        data = rlp.decode_bytes(fields[5])
    except L2SpecError as exc:
        raise CustomTxError(f"not a legacy transaction: {exc}") from exc
    if len(to_raw) not in (0, 20):
        raise CustomTxError("'to' must be empty or 20 bytes")
    to = None if not to_raw else Address(to_raw)
    if v in (27, 28):
        chain_id, v_custom = None, v
    elif v >= 35:
        chain_id = (v - 35) // 2
        v_custom = v - 2 * chain_id - 35 + 27
    else:
        raise CustomTxError(f"v = {v} is neither 27/28 nor EIP-155")
    return L2Tx(nonce, gas_price, gas_limit, to, value, data, chain_id, r, s, v_custom)
