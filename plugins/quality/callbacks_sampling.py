"""The draw of the 5 % sample and the re-sample (D-8), as pure functions:
no database, no clock, so that anyone can redo a stored draw and get the
same records.

How a draw is made, and how to redo it by hand:

1. The **population** is the list of work-order ids of the records drawn
   from (level 2: the level-1 run's qualified lines, not fake; level 3: the
   level-2 run's lines), **sorted ascending** (:func:`ordered`). The run
   stores it, with each order's number, in that order.
2. The **size** is ``ceil(N × rate)``, at least 1 when N > 0, never more
   than N (:func:`sample_size`): 237 × 5 % = 11.85 → 12. A re-sample by
   count takes ``min(count, N)`` (at least 1 when N > 0).
3. The **seed** is a random integer, stored on the run
   (:func:`new_seed`).
4. The sample is ``random.Random(seed).sample(population, size)`` over the
   sorted population (:func:`draw`), in the order drawn. Python's
   ``random.Random`` (Mersenne Twister) gives the same sequence for the
   same seed on every platform and version since 3.2, so::

       >>> import random
       >>> random.Random(seed).sample(sorted(ids), size)

   in any Python shell redraws the stored sample.
"""
from __future__ import annotations

import math
import random
import secrets
from decimal import Decimal
from typing import Iterable, Sequence

#: Seeds are drawn below this (12 digits: short enough to read out and type).
SEED_LIMIT = 10 ** 12


def ordered(population: Iterable[int]) -> list[int]:
    """The population in the order a draw uses: ids ascending, once each."""
    return sorted(set(int(i) for i in population))


def sample_size(n: int, rate: Decimal | float | str) -> int:
    """``ceil(n × rate)``, at least 1 when ``n`` > 0, at most ``n`` (D-8);
    ``rate`` is a fraction (0.05 for 5 %), computed in decimal so that
    237 × 0.05 is exactly 11.85 (→ 12), never 11.850000000000001."""
    if n <= 0:
        return 0
    size = math.ceil(Decimal(n) * Decimal(str(rate)))
    return max(1, min(n, size))


def count_size(n: int, count: int) -> int:
    """A re-sample of ``count`` records: ``min(count, n)``, at least 1 when ``n`` > 0."""
    if n <= 0:
        return 0
    return max(1, min(n, int(count)))


def new_seed() -> int:
    """A fresh random seed (from the operating system's randomness)."""
    return secrets.randbelow(SEED_LIMIT)


def draw(seed: int, population: Sequence[int], size: int) -> list[int]:
    """The sample: ``size`` ids of ``population`` drawn with
    ``random.Random(seed).sample`` over the sorted population, in the order
    drawn. The same arguments always give the same sample."""
    pool = ordered(population)
    if size < 0 or size > len(pool):
        raise ValueError(f"cannot draw {size} of {len(pool)}")
    return random.Random(seed).sample(pool, size)
