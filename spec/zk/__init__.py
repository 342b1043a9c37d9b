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

Other modules of this package (batch data, the executor, the L1 contracts) are described in their
own docstrings.
"""
