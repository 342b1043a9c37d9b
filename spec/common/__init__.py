"""Ground shared by both rollup designs: types, hashing, RLP, tries, the L1 model, L2 execution."""
