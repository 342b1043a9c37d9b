"""The L2 chain derivation pipeline (OP spec ``specs/protocol/derivation.md``).

Stages, in the order data flows: L1 traversal → frame queue → channel bank → channel reader
(batch decoding) → batch queue → payload attributes → L2 blocks.
"""
