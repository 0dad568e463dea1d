"""What the replicates say about what is not known: fans, the spread's sources, which unknown
matters most and what knowing it would be worth.

Every function takes the per-replicate outcomes and the per-replicate input draws (rows in
replicate order) and nothing else, so the same code serves `run --replicates`, `compare`, sweeps
and the report.

Choices, and why:
- **Spread split.** Each replicate draws its own inputs *and* its own chance, so the variance of
  an outcome is split with a regression on the inputs (linear and quadratic terms, adjusted R²):
  what the inputs explain is "from inputs", the rest "from chance" (and any interaction the
  quadratic surface misses, so the input share is a lower bound). It costs no extra runs.
- **Ranking.** A first-order index per unknown, Var(E[Y | X_i]) / Var(Y), estimated by the
  correlation ratio over quantile bins of X_i. It is model-free like Sobol's first-order index but
  needs no special sample design, so it works on any set of replicates (a Saltelli design would
  cost n·(d+2) runs for the same ranking); the price is that interactions are not ranked.
- **Value of information.** For the go/no-go question "will we reach the target", a planner who
  must call it yes or no is right with probability max(p, 1-p). Knowing everything (EVPI) makes
  every call right; knowing one unknown X_i (EVPPI) makes the call E[max(p(X_i), 1-p(X_i))]. Both
  are reported as gains in the probability of a right call.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

FAN = (5, 25, 50, 75, 95)


def fan(values: np.ndarray) -> np.ndarray:
    """(len(FAN) × days) quantiles over replicates of a (replicates × days) array."""
    out: np.ndarray = np.percentile(values.astype(float), FAN, axis=0)
    return out


def input_share(y: np.ndarray, x: np.ndarray) -> float:
    """Share of the variance of y explained by the inputs x (replicates × unknowns), adjusted R²
    of a quadratic regression, clipped to [0, 1]; NaN when it cannot be estimated."""
    n = len(y)
    if n < 3 or x.shape[1] == 0 or float(np.var(y)) == 0.0:
        return float("nan")
    cols = [np.ones(n)]
    for j in range(x.shape[1]):
        z = (x[:, j] - x[:, j].mean()) / (x[:, j].std() or 1.0)
        cols += [z, z * z]
    design = np.column_stack(cols)
    p = design.shape[1] - 1
    if n <= p + 1:
        design, p = design[:, : 1 + x.shape[1] * 2 : 2], x.shape[1]  # linear terms only
        if n <= p + 1:
            return float("nan")
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    resid = y - design @ coef
    r2 = 1.0 - float(resid @ resid) / float(((y - y.mean()) ** 2).sum())
    adjusted = 1.0 - (1.0 - r2) * (n - 1) / (n - p - 1)
    return float(min(1.0, max(0.0, adjusted)))


def _bins(x: np.ndarray, bins: int) -> np.ndarray:
    """Equal-count bins of x (ties kept together), as bin indices."""
    order = np.argsort(x, kind="stable")
    ranks = np.empty(len(x), dtype=int)
    ranks[order] = np.arange(len(x))
    out: np.ndarray = np.minimum(ranks * bins // len(x), bins - 1)
    return out


def first_order(y: np.ndarray, x: np.ndarray, bins: int | None = None) -> np.ndarray:
    """Correlation ratio Var(E[y | x_i]) / Var(y) per column of x, bias-corrected and clipped."""
    n = len(y)
    out = np.full(x.shape[1], np.nan)
    total = float(np.var(y))
    if n < 10 or total == 0.0:
        return out
    k = bins or max(2, min(20, int(np.sqrt(n))))
    for j in range(x.shape[1]):
        b = _bins(x[:, j], k)
        means = np.array([y[b == i].mean() for i in range(k) if np.any(b == i)])
        counts = np.array([np.sum(b == i) for i in range(k) if np.any(b == i)])
        between = float(np.sum(counts * (means - y.mean()) ** 2) / n)
        # Bin means carry noise: subtract its expected contribution, (k-1)/n of the variance.
        out[j] = max(0.0, (between - total * (len(means) - 1) / n) / total)
    return out


def evppi(reached: np.ndarray, x: np.ndarray, bins: int | None = None) -> tuple[float, np.ndarray]:
    """(EVPI, EVPPI per unknown) for calling "target reached: yes or no", as probabilities."""
    n = len(reached)
    p = float(reached.mean()) if n else float("nan")
    now = max(p, 1.0 - p)
    partial = np.full(x.shape[1], np.nan)
    if n < 10:
        return 1.0 - now, partial
    k = bins or max(2, min(10, int(np.sqrt(n) / 2)))
    for j in range(x.shape[1]):
        b = _bins(x[:, j], k)
        right = sum(max(reached[b == i].mean(), 1 - reached[b == i].mean()) * np.sum(b == i) for i in range(k)
                    if np.any(b == i))
        partial[j] = max(0.0, float(right) / n - now)
    return 1.0 - now, partial


@dataclass(frozen=True)
class UnknownRank:
    name: str
    share_index: float  # first-order index for the final share
    reach_index: float  # first-order index for reaching the target
    evppi: float


@dataclass(frozen=True)
class Uncertainty:
    """The uncertainty part of a replicate summary."""

    names: list[str]
    from_inputs: float  # share of the final share's variance explained by the inputs
    evpi: float
    ranking: list[UnknownRank]

    def to_json(self) -> dict[str, object]:
        def r(v: float) -> float | None:
            return None if np.isnan(v) else round(float(v), 4)

        return {
            "unknowns": self.names,
            "final_share_variance_from_inputs": r(self.from_inputs),
            "final_share_variance_from_chance": None if np.isnan(self.from_inputs) else r(1 - self.from_inputs),
            "evpi_reach": r(self.evpi),
            "ranking": [
                {"unknown": u.name, "first_order_final_share": r(u.share_index),
                 "first_order_reached": r(u.reach_index), "evppi_reach": r(u.evppi)}
                for u in self.ranking
            ],
            "method": "spread: adjusted R² of a quadratic regression on the inputs; ranking: first-order "
            "correlation ratio over quantile bins; EVPI/EVPPI: gain in the probability of calling "
            "'target reached' right",
        }


def analyse(names: Sequence[str], inputs: np.ndarray, final_share: np.ndarray, reached: np.ndarray) -> Uncertainty:
    shares = first_order(final_share, inputs)
    reach = first_order(reached.astype(float), inputs)
    total, partial = evppi(reached.astype(float), inputs)
    ranking = [UnknownRank(n, float(shares[j]), float(reach[j]), float(partial[j])) for j, n in enumerate(names)]
    ranking.sort(key=lambda u: (-(0.0 if np.isnan(u.share_index) else u.share_index), u.name))
    return Uncertainty(list(names), input_share(final_share, inputs), total, ranking)
