"""The l2spec reference specification.

The executable text people cite: small pure functions and frozen dataclasses, each docstring naming
the upstream rule it implements.

- :mod:`l2spec.spec.common` — bytes and numbers, keccak, RLP, Merkle-Patricia tries, the L1 chain
  model and L2 execution on py-evm.
- :mod:`l2spec.spec.optimistic` — the OP Stack (Bedrock through Ecotone): deposits, batches,
  channels, frames, the derivation pipeline, output roots, withdrawals and the portal.
"""
