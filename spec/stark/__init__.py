"""The l2spec STARK (module map filled in below)."""
