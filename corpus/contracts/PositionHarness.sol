// SPDX-License-Identifier: MIT
pragma solidity 0.8.15;

import { Position, LibPosition } from "src/dispute/lib/LibPosition.sol";

/// @title PositionHarness
/// @notice l2spec's differential-test harness for the fault dispute game's position arithmetic:
///         exposes `LibPosition` (contracts-bedrock 0.17.3, `src/dispute/lib/LibPosition.sol`) on
///         the raw `uint128` generalized index.
contract PositionHarness {
    function wrap(uint8 _depth, uint128 _indexAtDepth) external pure returns (uint128) {
        return LibPosition.wrap(_depth, _indexAtDepth).raw();
    }

    function depth(uint128 _position) external pure returns (uint8) {
        return Position.wrap(_position).depth();
    }

    function indexAtDepth(uint128 _position) external pure returns (uint128) {
        return Position.wrap(_position).indexAtDepth();
    }

    function left(uint128 _position) external pure returns (uint128) {
        return Position.wrap(_position).left().raw();
    }

    function right(uint128 _position) external pure returns (uint128) {
        return Position.wrap(_position).right().raw();
    }

    function parent(uint128 _position) external pure returns (uint128) {
        return Position.wrap(_position).parent().raw();
    }

    function rightIndex(uint128 _position, uint256 _maxDepth) external pure returns (uint128) {
        return Position.wrap(_position).rightIndex(_maxDepth).raw();
    }

    function traceIndex(uint128 _position, uint256 _maxDepth) external pure returns (uint256) {
        return Position.wrap(_position).traceIndex(_maxDepth);
    }

    function traceAncestor(uint128 _position) external pure returns (uint128) {
        return Position.wrap(_position).traceAncestor().raw();
    }

    function traceAncestorBounded(uint128 _position, uint256 _upperBoundExclusive) external pure returns (uint128) {
        return Position.wrap(_position).traceAncestorBounded(_upperBoundExclusive).raw();
    }

    function move(uint128 _position, bool _isAttack) external pure returns (uint128) {
        return Position.wrap(_position).move(_isAttack).raw();
    }
}
