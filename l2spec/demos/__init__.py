"""End-to-end stories run on the spec (`l2spec demo ...`)."""
