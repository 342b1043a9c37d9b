"""The ZK rollup, in the style of Polygon zkEVM (fork 7, "Etrog").

An executable reference of the Polygon zkEVM state and batch rules, written from the upstream
zkevm-commonjs, zkevm-contracts and zkevm-rom sources (each module names the rule it follows).

Module map:

- :mod:`~l2spec.spec.zk.goldilocks`: the Goldilocks field ``p = 2^64 − 2^32 + 1`` and the limb
  encodings (``scalar2fea``, h4 ↔ 32 bytes, the ``< p`` check on state roots).
- :mod:`~l2spec.spec.zk.poseidon`: the width-12 Poseidon permutation and ``H(in[8], cap[4])``.
- :mod:`~l2spec.spec.zk.bytecode_hash`: linear Poseidon, the contract code hash
  (``hashContractBytecode``).
- :mod:`~l2spec.spec.zk.smt`: the state sparse Merkle tree: keys of balance / nonce / code /
  code length / storage leaves, node hashing, the canonical tree, proofs and the state root of an
  account set.

- :mod:`~l2spec.spec.zk.tx_encoding`: the custom raw-tx encoding of ``batchL2Data`` (and the
  Etrog ``changeL2Block`` transaction).
- :mod:`~l2spec.spec.zk.effective_gas_price`: the effective percentage and gas price.
- :mod:`~l2spec.spec.zk.batch`: batch limits, ``batchHashData``, the accumulated input hash and
  the SNARK input.
- :mod:`~l2spec.spec.zk.block_info`: the per-block "block info" tree and the L2 tx hash.
- :mod:`~l2spec.spec.zk.system_contracts`: storage the processor writes itself (system contract,
  L2 global exit root manager).
- :mod:`~l2spec.spec.zk.executor`: the batch executor, ``batchL2Data`` applied to the state tree.
- :mod:`~l2spec.spec.zk.exit_roots`: exit trees, the global exit root and the L1 info tree.
- :mod:`~l2spec.spec.zk.bridge`: the unified bridge as a pure state machine.
- :mod:`~l2spec.spec.zk.rollup`: the L1 rollup manager and the Etrog consensus contract.
- :mod:`~l2spec.spec.zk.reexecution`: the spec's default re-executor, the reference verifier of a
  batch proof (re-execution by the spec until the STARK plugs in).

Each module's docstring names the upstream rules it follows.
"""
