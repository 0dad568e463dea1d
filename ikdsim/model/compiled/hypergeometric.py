"""numpy's hypergeometric draws (`Generator.hypergeometric`, `.multivariate_hypergeometric`), compiled.

The algorithms and their use of the stream are numpy's (random_hypergeometric.c,
distributions.c): a draw one by one for small samples, else Stadlober's ratio-of-uniforms
(HRUA); the multivariate draw takes one hypergeometric per category in turn ("marginals").
Tested draw for draw against numpy.
"""

from __future__ import annotations

import math

import numpy as np

from ikdsim.model.compiled.bits import Bits, next_double
from ikdsim.model.compiled.jit import compiled
from ikdsim.model.compiled.sampling import pick_by_category, random_interval

# ln(k!) for k = 0..125, correctly rounded (tests recompute it with 60-digit decimals).
_LOG_FACTORIAL = np.array([
    0.0, 0.0, 0.6931471805599453, 1.791759469228055, 3.1780538303479458, 4.787491742782046, 6.579251212010101,
    8.525161361065415, 10.60460290274525, 12.801827480081469, 15.104412573075516, 17.502307845873887,
    19.987214495661885, 22.552163853123425, 25.19122118273868, 27.89927138384089, 30.671860106080672,
    33.50507345013689, 36.39544520803305, 39.339884187199495, 42.335616460753485, 45.38013889847691,
    48.47118135183523, 51.60667556776438, 54.78472939811232, 58.00360522298052, 61.261701761002, 64.55753862700634,
    67.88974313718154, 71.25703896716801, 74.65823634883016, 78.0922235533153, 81.55795945611504, 85.05446701758152,
    88.58082754219768, 92.1361756036871, 95.7196945421432, 99.33061245478743, 102.96819861451381, 106.63176026064346,
    110.32063971475739, 114.0342117814617, 117.77188139974507, 121.53308151543864, 125.3172711493569,
    129.12393363912722, 132.95257503561632, 136.80272263732635, 140.67392364823425, 144.5657439463449,
    148.47776695177302, 152.40959258449735, 156.3608363030788, 160.3311282166309, 164.32011226319517,
    168.32744544842765, 172.3527971391628, 176.39584840699735, 180.45629141754378, 184.53382886144948,
    188.6281734236716, 192.7390472878449, 196.86618167289, 201.00931639928152, 205.1681994826412, 209.34258675253685,
    213.53224149456327, 217.73693411395422, 221.95644181913033, 226.1905483237276, 230.43904356577696,
    234.70172344281826, 238.97838956183432, 243.2688490029827, 247.57291409618688, 251.8904022097232,
    256.22113555000954, 260.5649409718632, 264.9216497985528, 269.2910976510198, 273.6731242856937,
    278.0675734403661, 282.4742926876304, 286.893133295427, 291.3239500942703, 295.76660135076065,
    300.22094864701415, 304.6868567656687, 309.1641935801469, 313.65282994987905, 318.1526396202093,
    322.66349912672615, 327.1852877037752, 331.7178871969285, 336.26118197919845, 340.815058870799,
    345.37940706226686, 349.95411804077025, 354.5390855194408, 359.1342053695754, 363.73937555556347,
    368.35449607240474, 372.979468885689, 377.61419787391867, 382.25858877306, 386.91254912321756, 391.5759882173296,
    396.24881705179155, 400.93094827891576, 405.6222961611449, 410.32277652693733, 415.03230672824964,
    419.7508055995447, 424.4781934182571, 429.21439186665157, 433.9593239950148, 438.71291418612117,
    443.47508812091894, 448.2457727453846, 453.0248962384961, 457.81238798127816, 462.6081785268749,
    467.4121995716082, 472.2243839269806, 477.04466549258564, 481.87297922988796,
])
_HALF_LN_2PI = 0.9189385332046728
_D1 = 1.7155277699214135  # 2·sqrt(2/e)
_D2 = 0.8989161620588988  # 3 - 2·sqrt(3/e)


@compiled
def log_factorial(k: int) -> float:
    """ln(k!): the table, then Stirling's series to the 1/k³ term."""
    if k < len(_LOG_FACTORIAL):
        return _LOG_FACTORIAL[k]  # type: ignore[no-any-return]
    return (k + 0.5) * math.log(k) - k + (_HALF_LN_2PI + (1.0 / k) * (1 / 12.0 - 1 / (360.0 * k * k)))


@compiled
def _one_by_one(bits: Bits, good: int, bad: int, sample: int) -> int:
    total = good + bad
    computed = total - sample if sample > total // 2 else sample
    remaining_total = total
    remaining_good = good
    while computed > 0 and remaining_good > 0 and remaining_total > remaining_good:
        remaining_total -= 1
        if random_interval(bits, remaining_total) < remaining_good:
            remaining_good -= 1
        computed -= 1
    if remaining_total == remaining_good:  # only good ones are left
        remaining_good -= computed
    return remaining_good if sample > total // 2 else good - remaining_good


@compiled
def _ratio_of_uniforms(bits: Bits, good: int, bad: int, sample: int) -> int:
    popsize = good + bad
    computed = min(sample, popsize - sample)
    fewer = min(good, bad)
    more = max(good, bad)
    p = fewer / popsize
    q = more / popsize
    a = computed * p + 0.5
    var = float(popsize - computed) * computed * p * q / (popsize - 1)
    c = math.sqrt(var + 0.5)
    h = _D1 * c + _D2
    m = math.floor(float(computed + 1) * (fewer + 1) / (popsize + 2))
    g = log_factorial(m) + log_factorial(fewer - m) + log_factorial(computed - m) + log_factorial(more - computed + m)
    b = min(float(min(computed, fewer) + 1), math.floor(a + 16 * c))
    k = 0
    while True:
        u = next_double(bits)
        v = next_double(bits)
        x = a + h * (v - 0.5) / u
        if x < 0.0 or x >= b:
            continue
        k = math.floor(x)
        gp = (log_factorial(k) + log_factorial(fewer - k) + log_factorial(computed - k)
              + log_factorial(more - computed + k))
        t = g - gp
        if u * (4.0 - u) - 3.0 <= t:
            break
        if u * (u - t) >= 1:
            continue
        if 2.0 * math.log(u) <= t:
            break
    if good > bad:
        k = computed - k
    if computed < sample:
        k = good - k
    return k


@compiled
def hypergeometric(bits: Bits, good: int, bad: int, sample: int) -> int:
    """How many good ones are in `sample` drawn without replacement from good + bad."""
    if sample >= 10 and sample <= good + bad - 10:
        return _ratio_of_uniforms(bits, good, bad, sample)
    return _one_by_one(bits, good, bad, sample)


@compiled
def multivariate_hypergeometric(bits: Bits, colors: np.ndarray, sample: int) -> np.ndarray:
    """numpy's `multivariate_hypergeometric(colors, sample)` ("marginals")."""
    out = np.zeros(len(colors), dtype=np.int64)
    total = colors.sum()
    if total == 0 or sample == 0:
        return out
    more_than_half = sample > total // 2
    if more_than_half:
        sample = total - sample
    remaining = total
    for j in range(len(colors) - 1):
        if sample <= 0:
            break
        remaining -= colors[j]
        r = hypergeometric(bits, colors[j], remaining, sample)
        out[j] = r
        sample -= r
    if sample > 0:
        out[len(colors) - 1] = sample
    if more_than_half:
        out = colors - out
    return out


@compiled
def hypergeometrics(bits: Bits, good: np.ndarray, bad: np.ndarray, sample: np.ndarray) -> np.ndarray:
    """numpy's `hypergeometric(good, bad, sample)` for arrays, element by element."""
    out = np.empty(len(good), dtype=np.int64)
    for i in range(len(good)):
        out[i] = hypergeometric(bits, good[i], bad[i], sample[i])
    return out


@compiled
def draw_without_replacement(bits: Bits, counts: np.ndarray, m: int) -> np.ndarray:
    """How many of each category are in a uniform sample of `m` people from `counts` people.

    Picking people one by one (`pick_by_category`) while m is at most four per category, which
    costs O(m); numpy's multivariate hypergeometric otherwise, which costs O(categories).
    """
    total = counts.sum()
    if m >= total:
        return counts.copy()
    if m <= 0:
        return np.zeros(len(counts), dtype=np.int64)
    if m <= 4 * len(counts):
        return pick_by_category(bits, counts, m)
    return multivariate_hypergeometric(bits, counts, m)
