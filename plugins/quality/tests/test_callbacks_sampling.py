"""The draw of D-8 as pure functions (plugins/quality/callbacks_sampling.py):
the size by hand, the same seed draws the same records, N = 0 and N = 1."""
import random
from decimal import Decimal

import pytest

from plugins.quality.callbacks_sampling import count_size, draw, new_seed, ordered, sample_size


def test_t_as_11_sample_size_is_the_ceiling_of_five_per_cent_of_the_qualified_records():
    # 240 jobs, 3 fake → 237 qualified; 237 × 0.05 = 11.85 → 12 (by hand).
    assert sample_size(240 - 3, Decimal("0.05")) == 12
    assert sample_size(240, Decimal("0.05")) == 12   # 12.00 exactly: no rounding up
    assert sample_size(241, Decimal("0.05")) == 13   # 12.05 → 13
    assert sample_size(20, "0.05") == 1 and sample_size(19, 0.05) == 1  # 1.00 and 0.95 → 1


def test_at_least_one_when_there_is_a_record_and_none_when_there_is_none():
    assert sample_size(1, Decimal("0.05")) == 1
    assert sample_size(0, Decimal("0.05")) == 0
    assert sample_size(3, Decimal("1")) == 3 and sample_size(3, Decimal("2")) == 3  # never more than N
    assert count_size(0, 5) == 0 and count_size(1, 5) == 1 and count_size(12, 5) == 5 and count_size(4, 0) == 1


def test_the_same_seed_draws_the_same_records_in_the_same_order():
    population = list(range(1001, 1238))  # 237 qualified work orders
    first = draw(20261130, population, 12)
    assert len(first) == 12 and len(set(first)) == 12 and set(first) <= set(population)
    assert draw(20261130, population, 12) == first
    # The order the population is given in does not matter: it is sorted first.
    assert draw(20261130, list(reversed(population)), 12) == first
    # Anyone redoes it with Python's random module alone (the documented recipe).
    assert random.Random(20261130).sample(sorted(population), 12) == first


def test_another_seed_draws_other_records():
    population = list(range(1001, 1238))
    first = draw(20261130, population, 12)
    others = [draw(seed, population, 12) for seed in (1, 2, 3)]
    assert all(len(o) == 12 for o in others)
    assert any(set(o) != set(first) for o in others)


def test_n_equals_one_draws_it_and_n_equals_zero_draws_nothing():
    assert draw(7, [42], sample_size(1, Decimal("0.05"))) == [42]
    assert draw(7, [], sample_size(0, Decimal("0.05"))) == []
    with pytest.raises(ValueError):
        draw(7, [1, 2], 3)


def test_population_is_sorted_once_each_and_seeds_are_fresh():
    assert ordered([5, 3, 5, 1]) == [1, 3, 5]
    seeds = {new_seed() for _ in range(5)}
    assert len(seeds) > 1 and all(0 <= s < 10 ** 12 for s in seeds)
