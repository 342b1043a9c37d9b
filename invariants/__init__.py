"""Z3 models of the spec's transition systems (arrives with issue 6/6)."""
