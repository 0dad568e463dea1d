"""The compiled draws (ikdsim/model/compiled) against numpy's own, draw for draw, and against theory.

Binomials above n·p = 30 are not numpy's (BTRS, not BTPE): they are checked against the binomial
distribution instead.
"""

from __future__ import annotations

import decimal
import math

import numpy as np
import pytest
import scipy.stats

from ikdsim.model.compiled import hypergeometric, kernels, sampling
from ikdsim.model.compiled.binomial import _stirling_tail, binomial, multinomial
from ikdsim.model.compiled.bits import bits_of


def _twins(seed: int) -> tuple[np.random.Generator, np.random.PCG64DXSM]:
    """A numpy generator and a second bit generator in the same state."""
    return np.random.Generator(np.random.PCG64DXSM(seed)), np.random.PCG64DXSM(seed)


@pytest.mark.parametrize(
    ("regime", "n_range", "p_range"),
    [
        ("inversion", (0, 3_000), (0.0, 0.01)),  # n·p ≤ 30
        ("inversion, p > 0.5", (0, 60), (0.5, 1.0)),  # n·(1 - p) ≤ 30
    ],
)
def test_binomial_draws_what_numpy_draws(regime: str, n_range: tuple[int, int], p_range: tuple[float, float]) -> None:
    rng = np.random.default_rng(len(regime))
    ns = rng.integers(*n_range, 3_000)
    ps = rng.uniform(*p_range, 3_000)
    numpy_generator, bit_generator = _twins(7)
    expected = numpy_generator.binomial(ns, ps)
    bits = bits_of(bit_generator)
    drawn = np.array([binomial(bits, int(n), float(p)) for n, p in zip(ns, ps, strict=True)])
    assert (drawn == expected).all(), regime
    # Both consumed the same numbers: the stream can go on in numpy after a compiled draw.
    assert bit_generator.state == numpy_generator.bit_generator.state


@pytest.mark.parametrize(
    ("n", "p"),
    [
        (1_000, 0.0301),  # just above the switch from inversion (n·p = 30.1)
        (400, 0.2),  # few trials, where the explicit acceptance test runs most often
        (50_000, 0.001),
        (10**6, 0.3),
        (10**9, 0.5),  # the largest population a scenario allows
        (200, 0.8),  # p > 1/2: the draw counts failures
        (10**7, 1 - 4e-6),
    ],
)
def test_binomial_draws_above_the_inversion_regime_follow_the_binomial_distribution(n: int, p: float) -> None:
    # Hörmann's BTRS, not numpy's BTPE: checked against the distribution itself. 100,000 draws in
    # up to 200 bins of about equal probability (bin i holds the draws in (edge i-1, edge i]),
    # Pearson's chi-squared test; and the mean within five standard errors.
    _, bit_generator = _twins(int(n * p) % 1_000)
    bits = bits_of(bit_generator)
    draws = kernels.binomials(bits, np.full(100_000, n), p)
    distribution = scipy.stats.binom(n, p)
    edges = np.unique(distribution.ppf(np.linspace(0, 1, 201)[1:-1])).astype(np.int64)
    observed = np.bincount(np.searchsorted(edges, draws), minlength=len(edges) + 1)
    expected = np.diff(np.concatenate([[0.0], distribution.cdf(edges), [1.0]])) * len(draws)
    assert expected.min() >= 5 and draws.min() >= 0 and draws.max() <= n
    statistic = float(((observed - expected) ** 2 / expected).sum())
    assert scipy.stats.chi2.sf(statistic, len(observed) - 1) > 1e-4, (statistic, len(observed))
    assert abs(draws.mean() - n * p) < 5 * math.sqrt(n * p * (1 - p) / len(draws))


def test_the_stirling_remainder_table_is_correctly_rounded() -> None:
    decimal.getcontext().prec = 60
    pi = decimal.Decimal("3.14159265358979323846264338327950288419716939937510582097494")
    product = decimal.Decimal(1)
    for k in range(10):
        product *= max(k, 1)
        log_factorial = product.ln() if k > 1 else decimal.Decimal(0)
        remainder = log_factorial - ((2 * pi).ln() / 2 + (k + decimal.Decimal("0.5")) * decimal.Decimal(k + 1).ln()
                                     - (k + 1))
        assert _stirling_tail(float(k)) == float(remainder), k
    # Beyond the table, the series: within 1e-10 of the remainder (lgamma gives ln k! to ~1e-16 relative).
    for k in (10, 57, 10**4):
        remainder = math.lgamma(k + 1) - (0.5 * math.log(2 * math.pi) + (k + 0.5) * math.log(k + 1) - (k + 1))
        assert _stirling_tail(float(k)) == pytest.approx(remainder, abs=1e-10 + 1e-15 * math.lgamma(k + 1))


def test_multinomial_draws_what_numpy_draws() -> None:
    # Counts of at most 60, so that every binomial of the split is in numpy's inversion regime.
    rng = np.random.default_rng(5)
    shares = rng.dirichlet(np.full(8, 0.4), 64)
    shares[:4] = np.eye(8)[[0, 3, 7, 0]]  # all on one cause, and the last one
    shares[10, 1:] = 0.0
    shares[10, 0] = 1.0
    counts = rng.integers(0, 61, 64)
    counts[5] = 0
    numpy_generator, bit_generator = _twins(11)
    expected = numpy_generator.multinomial(counts, shares)
    bits = bits_of(bit_generator)
    drawn = np.zeros_like(expected)
    for row, (n, p) in enumerate(zip(counts, shares, strict=True)):
        multinomial(bits, int(n), p, drawn[row])
    assert (drawn == expected).all()
    assert bit_generator.state == numpy_generator.bit_generator.state


def test_multinomial_of_large_counts_follows_theory() -> None:
    _, bit_generator = _twins(13)
    bits = bits_of(bit_generator)
    shares = np.array([0.5, 0.3, 0.15, 0.05])
    n = 2_000_000
    rows = np.zeros((2_000, 4), dtype=np.int64)
    for row in rows:
        multinomial(bits, n, shares, row)
    assert (rows.sum(axis=1) == n).all()
    means = rows.mean(axis=0)
    assert (np.abs(means - n * shares) < 5 * np.sqrt(n * shares * (1 - shares) / len(rows))).all()
    # Categories compete for the same people: covariance -n·p_i·p_j.
    assert np.cov(rows[:, 0], rows[:, 1])[0, 1] == pytest.approx(-n * 0.5 * 0.3, rel=0.15)


def test_decide_kernel_is_the_draw_by_draw_formulation() -> None:
    # The kernel against its formulation written with the single draws: a binomial per segment
    # in segment order, then a multinomial per profile on the split stream. Counts as at × 1000,
    # so that both the inversion and BTRS regimes are used.
    rng = np.random.default_rng(2)
    segments, profiles = 300, 12
    not_intending = rng.integers(0, 300_000, segments)
    probability = rng.uniform(0, 0.001, segments)
    profile = rng.integers(0, profiles, segments)
    shares = rng.dirichlet(np.ones(5), profiles)
    decide_twin, decide_bits = _twins(1)
    split_twin, split_bits = _twins(2)

    twin = bits_of(decide_twin.bit_generator)
    decided_expected = np.array([binomial(twin, int(n), float(p)) for n, p in zip(not_intending, probability,
                                                                                   strict=True)])
    assert ((not_intending * probability > 30) & (decided_expected > 0)).any()
    per_profile = np.bincount(profile, weights=decided_expected, minlength=profiles).astype(np.int64)
    twin = bits_of(split_twin.bit_generator)
    causes_expected = np.zeros(5, dtype=np.int64)
    for r in range(profiles):
        row = np.zeros(5, dtype=np.int64)
        multinomial(twin, int(per_profile[r]), shares[r], row)
        causes_expected += row

    left = not_intending.copy()
    decided = np.empty_like(left)
    causes = np.empty(5, dtype=np.int64)
    total = kernels.decide(bits_of(decide_bits), bits_of(split_bits), left, probability, profile, shares,
                           decided, causes)
    assert (decided == decided_expected).all()
    assert (causes == causes_expected).all()
    assert total == decided.sum() == causes.sum()
    assert (left == not_intending - decided).all()


def test_give_up_kernel_is_the_numpy_formulation() -> None:
    rng = np.random.default_rng(4)
    waiting = rng.integers(0, 40, 200)
    waiting[::3] = 0
    rows = rng.permutation(500)[:200]
    not_intending = rng.integers(0, 100, 500)
    numpy_generator, bit_generator = _twins(9)
    leaving = numpy_generator.binomial(waiting, 0.05)

    left_waiting, back = waiting.copy(), not_intending.copy()
    total = kernels.give_up(bits_of(bit_generator), left_waiting, 0.05, rows, back)
    assert total == leaving.sum()
    assert (left_waiting == waiting - leaving).all()
    expected_back = not_intending.copy()
    expected_back[rows] += leaving
    assert (back == expected_back).all()


@pytest.mark.parametrize(
    ("population", "size"),
    [(1, 1), (5, 3), (100, 100), (2_048, 17), (5_000, 4_000), (20_000, 150), (20_000, 1_000), (10**6, 3_000)],
)
def test_choice_without_replacement_draws_what_numpy_draws(population: int, size: int) -> None:
    # Floyd's method, and the tail shuffle for a large part of a large population (the last two).
    for seed in range(10):
        numpy_generator, bit_generator = _twins(seed)
        expected = numpy_generator.choice(population, size, replace=False)
        assert (sampling.choice(bits_of(bit_generator), population, size) == expected).all()
        assert bit_generator.state == numpy_generator.bit_generator.state


@pytest.mark.parametrize("length", [0, 1, 2, 17, 2_048, 70_000])
def test_shuffle_draws_what_numpy_draws(length: int) -> None:
    numpy_generator, bit_generator = _twins(length)
    expected, drawn = np.arange(3, 3 + length), np.arange(3, 3 + length)
    numpy_generator.shuffle(expected)
    sampling.shuffle(bits_of(bit_generator), drawn)
    assert (drawn == expected).all()
    assert bit_generator.state == numpy_generator.bit_generator.state


@pytest.mark.parametrize("top", [1, 5, 2**32 - 2, 2**32 - 1, 2**32, 2**40 + 3])
def test_bounded_integers_draw_what_numpy_draws(top: int) -> None:
    # Lemire's method on 32 and 64 bits, as numpy's integers(0, top + 1).
    numpy_generator, bit_generator = _twins(top % 97)
    expected = numpy_generator.integers(0, top + 1, 200)
    bits = bits_of(bit_generator)
    assert [sampling.bounded(bits, top) for _ in range(200)] == expected.tolist()
    assert bit_generator.state == numpy_generator.bit_generator.state


def test_the_log_factorial_table_is_log_k_factorial_correctly_rounded() -> None:
    decimal.getcontext().prec = 60
    product = decimal.Decimal(1)
    for k in range(126):
        product *= max(k, 1)
        assert hypergeometric.log_factorial(k) == (float(product.ln()) if k > 1 else 0.0), k
    # Beyond the table, Stirling's series: within a few ulps of ln(k!).
    assert hypergeometric.log_factorial(1_000) == pytest.approx(math.lgamma(1_001), rel=1e-15)


@pytest.mark.parametrize("scale", [30, 5_000, 10**8])  # the one-by-one draw, then ratio-of-uniforms
def test_hypergeometric_draws_what_numpy_draws(scale: int) -> None:
    rng = np.random.default_rng(scale)
    for seed in range(200):
        good, bad = (int(x) for x in rng.integers(0, scale, 2))
        sample = int(rng.integers(0, good + bad + 1))
        numpy_generator, bit_generator = _twins(seed)
        expected = numpy_generator.hypergeometric(good, bad, sample)
        assert hypergeometric.hypergeometric(bits_of(bit_generator), good, bad, sample) == expected
        assert bit_generator.state == numpy_generator.bit_generator.state


def test_multivariate_hypergeometric_draws_what_numpy_draws() -> None:
    rng = np.random.default_rng(8)
    for seed in range(200):
        colors = rng.integers(0, 300, int(rng.integers(1, 200)))
        sample = int(rng.integers(0, colors.sum() + 1))
        numpy_generator, bit_generator = _twins(seed)
        expected = numpy_generator.multivariate_hypergeometric(colors, sample)
        assert (hypergeometric.multivariate_hypergeometric(bits_of(bit_generator), colors, sample) == expected).all()
        assert bit_generator.state == numpy_generator.bit_generator.state


def test_hypergeometric_draws_follow_theory() -> None:
    _, bit_generator = _twins(12)
    bits = bits_of(bit_generator)
    good, bad, sample = 30_000, 70_000, 5_000
    draws = np.array([hypergeometric.hypergeometric(bits, good, bad, sample) for _ in range(20_000)])
    n, p = sample, good / (good + bad)
    variance = n * p * (1 - p) * (good + bad - n) / (good + bad - 1)
    assert abs(draws.mean() - n * p) < 4 * np.sqrt(variance / len(draws))
    assert draws.var() == pytest.approx(variance, rel=0.05)


def test_the_compile_step_runs_a_simulation_and_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    # What the Makefile runs after installing (`python -m ikdsim.model.compiled`).
    from ikdsim.model.compiled.__main__ import main

    main()
    err = capsys.readouterr().err
    assert "compiling ikdsim's inner loops" in err and "compiled in" in err
