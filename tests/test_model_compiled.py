"""The compiled draws (ikdsim/model/compiled) against numpy's own, draw for draw, and against theory."""

from __future__ import annotations

import decimal
import math

import numpy as np
import pytest

from ikdsim.model.compiled import hypergeometric, kernels, sampling
from ikdsim.model.compiled.binomial import binomial, multinomial
from ikdsim.model.compiled.bits import bits_of


def _twins(seed: int) -> tuple[np.random.Generator, np.random.PCG64DXSM]:
    """A numpy generator and a second bit generator in the same state."""
    return np.random.Generator(np.random.PCG64DXSM(seed)), np.random.PCG64DXSM(seed)


@pytest.mark.parametrize(
    ("regime", "n_range", "p_range"),
    [
        ("inversion", (0, 3_000), (0.0, 0.01)),  # n·p ≤ 30
        ("inversion, p > 0.5", (0, 50), (0.5, 1.0)),
        ("BTPE", (1_000, 10**7), (0.01, 0.99)),  # n·min(p, 1 - p) > 30
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


def test_binomial_draws_follow_theory_in_btpe_regime() -> None:
    _, bit_generator = _twins(3)
    bits = bits_of(bit_generator)
    n, p = 100_000, 0.3
    draws = np.array([binomial(bits, n, p) for _ in range(20_000)])
    assert abs(draws.mean() - n * p) < 4 * np.sqrt(n * p * (1 - p) / len(draws))
    assert draws.var() == pytest.approx(n * p * (1 - p), rel=0.05)


def test_multinomial_draws_what_numpy_draws() -> None:
    rng = np.random.default_rng(5)
    shares = rng.dirichlet(np.full(8, 0.4), 64)
    shares[:4] = np.eye(8)[[0, 3, 7, 0]]  # all on one cause, and the last one
    shares[10, 1:] = 0.0
    shares[10, 0] = 1.0
    counts = rng.integers(0, 20_000, 64)
    counts[5] = 0
    numpy_generator, bit_generator = _twins(11)
    expected = numpy_generator.multinomial(counts, shares)
    bits = bits_of(bit_generator)
    drawn = np.zeros_like(expected)
    for row, (n, p) in enumerate(zip(counts, shares, strict=True)):
        multinomial(bits, int(n), p, drawn[row])
    assert (drawn == expected).all()
    assert bit_generator.state == numpy_generator.bit_generator.state


def test_decide_kernel_is_the_numpy_formulation() -> None:
    rng = np.random.default_rng(2)
    segments, profiles = 300, 12
    not_intending = rng.integers(0, 5_000, segments)
    probability = rng.uniform(0, 0.02, segments)
    profile = rng.integers(0, profiles, segments)
    shares = rng.dirichlet(np.ones(5), profiles)
    decide_numpy, decide_bits = _twins(1)
    split_numpy, split_bits = _twins(2)

    decided_numpy = decide_numpy.binomial(not_intending, probability)
    per_profile = np.bincount(profile, weights=decided_numpy, minlength=profiles).astype(np.int64)
    causes_numpy = split_numpy.multinomial(per_profile, shares).sum(axis=0)

    left = not_intending.copy()
    decided = np.empty_like(left)
    causes = np.empty(5, dtype=np.int64)
    total = kernels.decide(bits_of(decide_bits), bits_of(split_bits), left, probability, profile, shares,
                           decided, causes)
    assert (decided == decided_numpy).all()
    assert (causes == causes_numpy).all()
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
