"""Peers: independent implementations the spec is checked against.

A peer never imports ``l2spec.spec``: its answers must come from somewhere else (the real OP Stack
contract bytecode run on an EVM, an upstream tool), so that agreeing with it means something.

- :mod:`l2spec.peers.evm_runner`: deploys contract bytecode (our harness contracts' committed
  crytic-compile export, or contracts-bedrock's forge artifacts) on py-evm's Cancun EVM and calls it.
"""
