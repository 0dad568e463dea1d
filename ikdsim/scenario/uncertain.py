"""Uncertain inputs: what the scenario does not know, as distributions over its fields.

```yaml
uncertain:
  conversion:                        # one unknown ...
    fields: [services.satusehat.conversion, services.banking.conversion]   # ... may drive several fields
    how: multiply                    # the draw multiplies each field's point value (default: set)
    dist: lognormal                  # uniform | loguniform | normal | lognormal | beta | triangular | integers | choice
    median: 1.0
    factor: 2.0                      # 90 % of draws within median/factor .. median*factor
    source: "assumption: ..."
```

The point values in the file stay the central case (a single `run` uses them). Every multi-run
answer draws one input set per replicate: replicate r of seed s draws from its own stream
(`SeedSequence([s, r])`, named "uncertain-inputs"), so the draw depends on neither the number of
replicates nor the workers, and two policies compared with the same seed see the same inputs in
replicate r (common random numbers across inputs as well as chance).

A calibrated scenario carries a `posterior:` (draws of the unknowns with weights, read from a CSV
next to the file); replicates then draw from the posterior instead of the priors.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from ikdsim.scenario.schema import Scenario

STREAM = "uncertain-inputs"


# ---------------------------------------------------------------------------------------------
# Drawing and applying


def input_rng(seed: int, replicate: int) -> np.random.Generator:
    from ikdsim.model.rng import stable_key

    return np.random.default_rng(np.random.SeedSequence(entropy=[seed, replicate], spawn_key=(stable_key(STREAM),)))


def draw(scenario: Scenario, seed: int, replicate: int) -> dict[str, float]:
    """The input set of one replicate: from the posterior when there is one, else the priors."""
    rng = input_rng(seed, replicate)
    if scenario.posterior is not None:
        post = scenario.posterior
        cum = np.cumsum(post.weights)
        row = int(np.searchsorted(cum, rng.random() * cum[-1], side="right"))
        values = dict(zip(post.names, post.draws[min(row, len(post.draws) - 1)], strict=True))
        # Unknowns the calibration did not cover keep their priors.
        rest = [n for n in scenario.uncertain if n not in values]
        us = rng.random(len(scenario.uncertain))
        for i, name in enumerate(scenario.uncertain):
            if name in rest:
                values[name] = scenario.uncertain[name].ppf(float(us[i]))
        return values
    us = rng.random(len(scenario.uncertain))
    return {name: unk.ppf(float(u)) for (name, unk), u in zip(scenario.uncertain.items(), us, strict=True)}


def assignments(scenario: Scenario, values: Mapping[str, float]) -> list[tuple[str, Any]]:
    """(field path, value) for every field the unknowns drive."""
    from ikdsim.scenario.loader import scenario_to_data
    from ikdsim.scenario.paths import resolve
    from ikdsim.scenario.schema import Scenario

    data = scenario_to_data(scenario)
    out: list[tuple[str, Any]] = []
    for name, value in values.items():
        unk = scenario.uncertain[name]
        for path in unk.fields:
            field = resolve(data, path, Scenario)
            new: Any = value * field.current if unk.how == "multiply" else value
            if field.kind == "integer":
                new = round(new)
            out.append((path, new))
    return out


def apply(scenario: Scenario, values: Mapping[str, float], origin: str = "uncertain") -> Scenario:
    """The scenario with the drawn values in its fields, validated; the result is a fixed scenario."""
    from ikdsim.scenario.loader import Document, scenario_to_data, validate
    from ikdsim.scenario.paths import set_value
    from ikdsim.scenario.schema import Scenario

    data = scenario_to_data(scenario)
    for path, value in assignments(scenario, values):
        set_value(data, path, value, Scenario, origin=f"{origin}: {path}")
    data["uncertain"] = {}
    data["posterior"] = None
    fixed: Scenario = validate(Document(data, {(): 1}, f"{scenario.name} ({origin})"))
    return fixed


def fixed_inputs(scenario: Scenario) -> Scenario:
    """The scenario at its point values (today's behaviour, `--fixed-inputs`)."""
    if not scenario.uncertain and scenario.posterior is None:
        return scenario
    return scenario.model_copy(update={"uncertain": {}, "posterior": None})


def for_replicate(scenario: Scenario, seed: int, replicate: int) -> tuple[Scenario, dict[str, float]]:
    """What replicate r of `seed` runs: the scenario with its drawn inputs, and those inputs."""
    if not scenario.uncertain:
        return scenario, {}
    values = draw(scenario, seed, replicate)
    return apply(scenario, values, f"uncertain inputs of replicate {replicate}"), values


def check_block(scenario: Scenario) -> None:
    """Every path exists and every end of every range gives a valid scenario (raises ValueError
    naming `uncertain.<name>.<field>`)."""
    from ikdsim.errors import InputError
    from ikdsim.scenario.loader import scenario_to_data
    from ikdsim.scenario.paths import resolve
    from ikdsim.scenario.schema import Scenario

    data = scenario_to_data(scenario)
    for name, unk in scenario.uncertain.items():
        for i, path in enumerate(unk.fields):
            try:
                resolve(data, path, Scenario, origin=repr(path))
            except InputError as exc:
                raise ValueError(f"uncertain.{name}.fields[{i}]: {exc}") from None
        low, high = unk.support()
        if not (math.isfinite(low) and math.isfinite(high)):
            low, high = unk.ppf(1e-4), unk.ppf(1 - 1e-4)
        for end in (low, high):
            try:
                apply(scenario.model_copy(update={"posterior": None}), {name: end})
            except InputError as exc:
                detail = "; ".join(exc.problems) if getattr(exc, "problems", None) else str(exc)
                raise ValueError(
                    f"uncertain.{name}: the range reaches {end:g}, which the scenario does not allow ({detail})"
                ) from None


def names(scenario: Scenario) -> list[str]:
    return list(scenario.uncertain)


def describe(scenario: Scenario) -> list[tuple[str, str, str, str]]:
    """(name, fields, range 5–95 %, source) of every unknown, for tables and reports."""
    rows = []
    for name, unk in scenario.uncertain.items():
        lo, hi = unk.ppf(0.05), unk.ppf(0.95)
        how = "× " if unk.how == "multiply" else ""
        rows.append((name, ", ".join(unk.fields), f"{how}{lo:.4g} to {hi:.4g}", unk.source or "assumption"))
    return rows


def draws_matrix(records: Sequence[Mapping[str, float]], names_: Sequence[str]) -> np.ndarray:
    return np.array([[r[n] for n in names_] for r in records], dtype=float).reshape(len(records), len(names_))
