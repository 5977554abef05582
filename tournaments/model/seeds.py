"""Every seed of a run, derived from the root seed and what is seeded.

One rule for matches, topology draws, Moran runs and sweep cells: the seed is a function of the
root seed and a key naming the thing seeded (the two labels and the repetition of a match, the
two members of a possible link, the number of a Moran run, the parameters of a sweep cell) —
never of the order in which work runs, the process that runs it or what ran before.
"""

from __future__ import annotations

import hashlib

import numpy as np


def derive_seed(root: int, *key: object) -> int:
    """A 32-bit seed from the root seed and a key naming what is seeded.

    ``numpy.random.SeedSequence`` mixes the root with a SHA-256 digest of the key (its parts
    joined by the unit separator), so equal keys give equal seeds and distinct keys independent
    ones.
    """
    digest = hashlib.sha256("\x1f".join(map(str, key)).encode()).digest()
    words = np.frombuffer(digest, dtype=np.uint32)
    return int(np.random.SeedSequence([root, *words.tolist()]).generate_state(1)[0])


def uniform(root: int, *key: object) -> float:
    """A number in [0, 1) derived like :func:`derive_seed` (a Bernoulli draw's uniform)."""
    return derive_seed(root, *key) / 2**32
