// SPDX-License-Identifier: MIT
pragma solidity 0.8.15;

import { Types } from "src/libraries/Types.sol";
import { Hashing } from "src/libraries/Hashing.sol";
import { Encoding } from "src/libraries/Encoding.sol";

/// @title HashingHarness
/// @notice l2spec's differential-test harness: exposes the OP Stack's own `Hashing` and `Encoding`
///         libraries (contracts-bedrock 0.17.3, `src/libraries/`) as external pure functions with
///         flat arguments, so that the real library code can be run on an EVM and compared with
///         l2spec's Python spec (`spec/optimistic/withdrawals.py`, `outputs.py`, `deposits.py`).
contract HashingHarness {
    /// @notice `Hashing.hashWithdrawal` of a `Types.WithdrawalTransaction`.
    function hashWithdrawal(
        uint256 _nonce,
        address _sender,
        address _target,
        uint256 _value,
        uint256 _gasLimit,
        bytes calldata _data
    )
        external
        pure
        returns (bytes32)
    {
        return Hashing.hashWithdrawal(
            Types.WithdrawalTransaction({
                nonce: _nonce,
                sender: _sender,
                target: _target,
                value: _value,
                gasLimit: _gasLimit,
                data: _data
            })
        );
    }

    /// @notice `Hashing.hashOutputRootProof` of a `Types.OutputRootProof`.
    function hashOutputRootProof(
        bytes32 _version,
        bytes32 _stateRoot,
        bytes32 _messagePasserStorageRoot,
        bytes32 _latestBlockhash
    )
        external
        pure
        returns (bytes32)
    {
        return Hashing.hashOutputRootProof(
            Types.OutputRootProof({
                version: _version,
                stateRoot: _stateRoot,
                messagePasserStorageRoot: _messagePasserStorageRoot,
                latestBlockhash: _latestBlockhash
            })
        );
    }

    /// @notice `Hashing.hashDepositSource`: the source hash of a user deposit.
    function hashDepositSource(bytes32 _l1BlockHash, uint256 _logIndex) external pure returns (bytes32) {
        return Hashing.hashDepositSource(_l1BlockHash, _logIndex);
    }

    /// @notice `Encoding.encodeDepositTransaction` of a `Types.UserDepositTransaction`.
    function encodeDepositTransaction(
        address _from,
        address _to,
        bool _isCreation,
        uint256 _value,
        uint256 _mint,
        uint64 _gasLimit,
        bytes calldata _data,
        bytes32 _l1BlockHash,
        uint256 _logIndex
    )
        external
        pure
        returns (bytes memory)
    {
        return Encoding.encodeDepositTransaction(
            Types.UserDepositTransaction({
                from: _from,
                to: _to,
                isCreation: _isCreation,
                value: _value,
                mint: _mint,
                gasLimit: _gasLimit,
                data: _data,
                l1BlockHash: _l1BlockHash,
                logIndex: _logIndex
            })
        );
    }

    /// @notice `Hashing.hashDepositTransaction`: the L2 transaction hash of a user deposit.
    function hashDepositTransaction(
        address _from,
        address _to,
        bool _isCreation,
        uint256 _value,
        uint256 _mint,
        uint64 _gasLimit,
        bytes calldata _data,
        bytes32 _l1BlockHash,
        uint256 _logIndex
    )
        external
        pure
        returns (bytes32)
    {
        return Hashing.hashDepositTransaction(
            Types.UserDepositTransaction({
                from: _from,
                to: _to,
                isCreation: _isCreation,
                value: _value,
                mint: _mint,
                gasLimit: _gasLimit,
                data: _data,
                l1BlockHash: _l1BlockHash,
                logIndex: _logIndex
            })
        );
    }

    /// @notice `Encoding.encodeSetL1BlockValuesEcotone`: the calldata of the Ecotone L1 attributes
    ///         deposit.
    function encodeSetL1BlockValuesEcotone(
        uint32 _baseFeeScalar,
        uint32 _blobBaseFeeScalar,
        uint64 _sequenceNumber,
        uint64 _timestamp,
        uint64 _number,
        uint256 _baseFee,
        uint256 _blobBaseFee,
        bytes32 _hash,
        bytes32 _batcherHash
    )
        external
        pure
        returns (bytes memory)
    {
        return Encoding.encodeSetL1BlockValuesEcotone(
            _baseFeeScalar,
            _blobBaseFeeScalar,
            _sequenceNumber,
            _timestamp,
            _number,
            _baseFee,
            _blobBaseFee,
            _hash,
            _batcherHash
        );
    }

    /// @notice `Encoding.encodeVersionedNonce`.
    function encodeVersionedNonce(uint240 _nonce, uint16 _version) external pure returns (uint256) {
        return Encoding.encodeVersionedNonce(_nonce, _version);
    }

    /// @notice `Encoding.decodeVersionedNonce`.
    function decodeVersionedNonce(uint256 _nonce) external pure returns (uint240, uint16) {
        return Encoding.decodeVersionedNonce(_nonce);
    }
}
