"""The optimistic rollup in the style of the OP Stack (Bedrock through Ecotone rules).

The normative text is the OP Stack specification (``ethereum-optimism/specs``, ``specs/protocol``);
each function's docstring names the section it implements.
"""
