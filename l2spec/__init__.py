"""l2spec: executable reference specification of optimistic and ZK rollups.

The architecture folders map into this one namespace: ``l2spec.spec`` (reference), ``l2spec.impl``
(optimized + native core), ``l2spec.diff`` (differential fuzzing), ``l2spec.invariants`` (Z3).
"""

from l2spec.errors import L2SpecError

__all__ = ["L2SpecError", "__version__"]
__version__ = "0.1.0"
